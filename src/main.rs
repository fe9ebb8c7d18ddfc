//! The `unspun` command line: I/O, output formats and exit codes over the `unspun` library
//! (its `cli` module).

fn main() -> std::process::ExitCode {
    unspun::cli::run()
}
