//! The `unspun` command line: I/O, output formats and exit codes over the `unspun` library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
