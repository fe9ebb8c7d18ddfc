//! Commands and their arguments.

mod atomic;
mod check;
mod ci;
mod cluster;
mod compare;
mod config_cmd;
mod eval;
mod input;
mod project;
mod rules_cmd;
mod score;
mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use unspun::{Checker, Severity};

/// Exit code: nothing at or above the minimum severity.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: an error (unreadable input, bad rule pack); other inputs were still processed.
pub const EXIT_ERROR: i32 = 1;
/// Exit code: findings at or above the minimum severity.
pub const EXIT_FINDINGS: i32 = 2;

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

impl PackArgs {
    /// A checker builder with these options.
    pub fn builder(&self) -> unspun::CheckerBuilder {
        let mut b = Checker::builder().embedded_packs(!self.no_default_rules);
        for d in &self.rules {
            b = b.rules_dir(d);
        }
        for r in &self.disable {
            b = b.disable_rule(r.clone());
        }
        b
    }

    /// Build the checker, or print the pack errors and return `None`.
    pub fn checker(&self) -> Option<Checker> {
        build_checker(self.builder())
    }
}

/// Build a checker, or print the pack errors and return `None`.
pub fn build_checker(builder: unspun::CheckerBuilder) -> Option<Checker> {
    match builder.build() {
        Ok(c) => Some(c),
        Err(errors) => {
            let mut err = std::io::stderr().lock();
            for e in errors {
                let _ = writeln!(err, "error: {e}");
            }
            None
        }
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

/// Parse the arguments and run; returns the exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(a) => check::run(a),
        Command::Rules(a) => rules_cmd::rules(a),
        Command::Explain(a) => rules_cmd::explain(a),
        Command::Config(a) => config_cmd::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Score(a) => score::run(a),
        Command::Cluster(a) => cluster::run(a),
    }
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

/// Write to stdout; a closed pipe ends the program quietly (as `| head` expects).
pub fn write_out(out: &mut impl Write, s: &str) {
    if let Err(e) = out.write_all(s.as_bytes()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_CLEAN);
        }
        eprintln!("error: cannot write output: {e}");
        std::process::exit(EXIT_ERROR);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
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
