//! Commands and their arguments.

mod atomic;
mod check;
mod ci;
mod cluster;
mod compare;
mod config_cmd;
mod eval;
mod input;
mod lsp;
mod output;
mod rules_cmd;
mod score;
mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use unspun::{ConfigSource, Session, SessionBuilder, Severity};

pub use output::{Error, Out};

/// Exit code: nothing at or above the minimum severity.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: an error (unreadable input, bad rule pack, a usage error); other inputs were
/// still processed.
pub const EXIT_ERROR: u8 = 1;
/// Exit code: findings at or above the minimum severity.
pub const EXIT_FINDINGS: u8 = 2;

/// What a command returns: its exit code, or an error that ends it (printed by [`run`], exit
/// code 1; a closed standard output ends it quietly with 0).
pub type CmdResult = Result<ExitCode, Error>;

/// The exit code of a run: an error beats findings, findings beat clean.
pub fn exit_code(error: bool, findings: bool) -> ExitCode {
    ExitCode::from(if error {
        EXIT_ERROR
    } else if findings {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

#[derive(Parser, Debug)]
#[command(
    name = "unspun",
    version,
    about = "Find the fingerprints of article spinning, machine translation and scraping in English text",
    after_help = "Exit codes: 0 clean, 2 findings at or above --min-severity, 1 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check files, folders (recursively) or `-` (stdin) and print findings and scores.
    Check(check::CheckArgs),
    /// List the rules: id, category, severity, pack.
    Rules(rules_cmd::RulesArgs),
    /// Print a rule's documentation and examples.
    Explain(rules_cmd::ExplainArgs),
    /// Show which `.unspun.toml` applies, or (`--dump`) the effective configuration.
    Config(config_cmd::ConfigCmdArgs),
    /// Measure the detectors on labelled spun text (JSON lines): AUC, recall, span P/R.
    Eval(eval::EvalArgs),
    /// Serve a local web page (and a JSON API) to check pasted text.
    Serve(serve::ServeArgs),
    /// Align a copy with its source: every changed word, its class, and a faithfulness score.
    Compare(compare::CompareArgs),
    /// Score many documents (JSON Lines, text files, folders) on all cores: one record each.
    Score(score::ScoreArgs),
    /// Find groups of spun copies in a JSON Lines corpus, with each member's faithfulness.
    Cluster(cluster::ClusterArgs),
    /// Print the licences of unspun and of the data compiled into it.
    Licenses,
    /// Run a language server over stdio: diagnostics, quick fixes and hovers in editors.
    Lsp(lsp::LspArgs),
}

/// Rule-pack options shared by the commands that check text.
#[derive(clap::Args, Debug, Clone)]
pub struct PackArgs {
    /// Load the rule packs in this folder too (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in rule packs (built-in detectors stay).
    #[arg(long)]
    pub no_default_rules: bool,
    /// Switch a rule off (repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    pub disable: Vec<String>,
}

/// Configuration-file options, the same for every command.
#[derive(clap::Args, Debug, Clone)]
pub struct ConfigArgs {
    /// Use this configuration file instead of looking for `.unspun.toml` next to each input
    /// and in its parent folders.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file.
    #[arg(long)]
    pub no_config: bool,
}

/// Rule packs and configuration: what a [`Session`] is built from.
#[derive(clap::Args, Debug, Clone)]
pub struct SessionArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub packs: PackArgs,
}

impl SessionArgs {
    /// A session builder with these options.
    pub fn builder(&self) -> SessionBuilder {
        let mut b = Session::builder().embedded_packs(!self.packs.no_default_rules);
        for d in &self.packs.rules {
            b = b.rules_dir(d);
        }
        for r in &self.packs.disable {
            b = b.disable_rule(r.clone());
        }
        b.config(match (&self.config.config, self.config.no_config) {
            (_, true) => ConfigSource::None,
            (Some(f), false) => ConfigSource::File(f.clone()),
            (None, false) => ConfigSource::Discover,
        })
    }

    /// The session (configurations and packs are loaded when first needed).
    pub fn session(&self) -> Session {
        self.builder().build()
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeverityArg {
    Info,
    Warning,
    Error,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Error => Severity::Error,
        }
    }
}

/// Parse the arguments and run the command. A usage error (an unknown flag, a missing
/// argument) is printed as clap words it and exits with 1, like any other error (2 means
/// findings); `--help` and `--version` exit with 0.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            });
        }
    };
    // A bug in a detector costs the document it was checking, not the run.
    unspun::session::quiet_panics();
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Rules(a) => rules_cmd::rules(a),
        Command::Explain(a) => rules_cmd::explain(a),
        Command::Config(a) => config_cmd::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Score(a) => score::run(a),
        Command::Cluster(a) => cluster::run(a),
        Command::Lsp(a) => Ok(ExitCode::from(lsp::run(a))),
        Command::Licenses => {
            let mut out = Out::stdout();
            out.write(unspun::rules::licenses::text())
                .and_then(|()| out.finish())
                .map(|()| exit_code(false, false))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => e.report(),
    }
}

/// A size in bytes on the command line: `50M`, `512K`, `1000000` (see [`parse_size`]); shown
/// in the same way, so a default is written once, as a number (`unspun::defaults`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub usize);

impl std::str::FromStr for Size {
    type Err = String;
    fn from_str(s: &str) -> Result<Size, String> {
        parse_size(s).map(Size)
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0;
        for (shift, unit) in [(30, "G"), (20, "M"), (10, "K")] {
            if n > 0 && n.is_multiple_of(1 << shift) {
                return write!(f, "{}{unit}", n >> shift);
            }
        }
        write!(f, "{n}")
    }
}

/// Seconds, from 0 to a day.
pub fn parse_secs(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=86400.0).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not a number of seconds from 0 to 86400")),
    }
}

/// A time budget in seconds, 0 meaning none.
pub fn budget(secs: f64) -> Option<std::time::Duration> {
    (secs > 0.0).then(|| std::time::Duration::from_secs_f64(secs))
}

/// A size with an optional binary suffix: `50M` → 52428800 (K, M, G; `MiB`, `MB` too).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 1usize << 10),
        Some((i, 'M' | 'm')) => (&t[..i], 1 << 20),
        Some((i, 'G' | 'g')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    let n: usize = num
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 50M, 512K, 1000000)"))?;
    match n.checked_mul(mult) {
        Some(v) if v > 0 => Ok(v),
        _ => Err(format!("'{s}' is out of range")),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_size, Size};

    #[test]
    fn sizes() {
        assert_eq!(Size(50 << 20).to_string(), "50M");
        assert_eq!(Size(8 << 20).to_string(), "8M");
        assert_eq!(Size(1000).to_string(), "1000");
        assert_eq!("5M".parse(), Ok(Size(5 << 20)));
        assert_eq!(parse_size("50M"), Ok(50 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999999999M").is_err());
    }
}
