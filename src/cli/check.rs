//! `unspun check`.

use super::input::{self, Content, Input};
use super::{write_out, PackArgs, SeverityArg, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use unspun::report::{self, HumanOptions};
use unspun::{Checker, Report, Severity};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Findings with the line and the span underlined, then a score line per document.
    Human,
    /// One JSON array of document objects.
    Json,
    /// One document object per line.
    Jsonl,
    /// A self-contained HTML report (one section per document, worst score first); use `-o`.
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files, folders (walked recursively) or `-` for stdin.
    #[arg(value_name = "PATH", default_value = "-")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Report (and fail on) findings at or above this severity.
    #[arg(long, value_enum, default_value_t = SeverityArg::Warning)]
    pub min_severity: SeverityArg,
    /// Colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Write the output to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub packs: PackArgs,
}

/// The result of checking one input.
enum Outcome {
    Checked { rendered: String, report: Report },
    Skipped(String),
    Failed(String),
}

pub fn run(args: CheckArgs) -> i32 {
    let Some(checker) = args.packs.checker() else {
        return EXIT_ERROR;
    };
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let (inputs, walk_errors) = input::collect(&args.paths);
    let mut status = EXIT_CLEAN;
    let mut err = std::io::stderr().lock();
    for e in &walk_errors {
        let _ = writeln!(err, "error: {e}");
        status = EXIT_ERROR;
    }
    drop(err);
    let min: Severity = args.min_severity.into();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let opts = HumanOptions {
        color,
        width: 120,
        min_severity: min,
    };
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("error: {}: cannot write: {e}", p.display());
                return EXIT_ERROR;
            }
        },
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::new(sink);
    // For the HTML report: every document with its text, rendered together at the end.
    let mut html_docs: Vec<(Report, String)> = Vec::new();
    let mut any_findings = false;
    let mut first_json = true;
    if args.format == Format::Json {
        write_out(&mut out, "[");
    }
    // Files are checked in parallel in chunks; each renders into its own buffer, and buffers
    // are written in input order.
    for chunk in inputs.chunks(256) {
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .map(|inp| check_one(&checker, inp, args.format, &opts, min))
            .collect();
        for o in outcomes {
            match o {
                Outcome::Checked { rendered, report } => {
                    any_findings |= !report.findings.is_empty();
                    if args.format == Format::Html {
                        html_docs.push((report, rendered));
                        continue;
                    }
                    if args.format == Format::Json {
                        if !first_json {
                            write_out(&mut out, ",");
                        }
                        first_json = false;
                        write_out(&mut out, "\n");
                    }
                    write_out(&mut out, &rendered);
                }
                Outcome::Skipped(msg) => {
                    let _ = out.flush();
                    eprintln!("notice: {msg}");
                }
                Outcome::Failed(msg) => {
                    let _ = out.flush();
                    eprintln!("error: {msg}");
                    status = EXIT_ERROR;
                }
            }
        }
    }
    if args.format == Format::Json {
        write_out(&mut out, if first_json { "]\n" } else { "\n]\n" });
    }
    if args.format == Format::Html {
        write_out(&mut out, &report::html::report_page(&html_docs));
    }
    if let Err(e) = out.flush() {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    if status == EXIT_ERROR {
        EXIT_ERROR
    } else if any_findings {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn check_one(
    checker: &Checker,
    inp: &Input,
    format: Format,
    opts: &HumanOptions,
    min: Severity,
) -> Outcome {
    let text = match input::read(inp) {
        Ok(Content::Text(t)) => t,
        Ok(Content::Binary(msg)) => return Outcome::Skipped(msg),
        Err(e) => return Outcome::Failed(e),
    };
    let mut report = checker.check(&text);
    report.path = inp.label();
    report.findings.retain(|f| f.severity >= min);
    let rendered = match format {
        Format::Human => report::human(&report, &text, opts),
        Format::Json => serde_json::to_string_pretty(&report).expect("reports serialize"),
        Format::Jsonl => report::jsonl(&report),
        // The report needs the text; it is rendered once all documents are checked.
        Format::Html => text,
    };
    Outcome::Checked { rendered, report }
}
