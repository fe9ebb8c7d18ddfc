//! `unspun check`.
//!
//! Inputs are resolved to their configuration (one checker per configuration file), checked in
//! parallel, and each document is rendered by its worker; the main thread writes the rendered
//! documents in input order through a [`Sink`], which adds what a format needs around them
//! (the JSON array, the Checkstyle root, the one SARIF log).

use super::atomic::{AtomicFile, Output};
use super::ci;
use super::input::{self, Content, Input};
use super::project::{ConfigArgs, Ctx, Resolver};
use super::{parse_size, write_out, PackArgs, SeverityArg, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unspun::config::{Effective, Unused};
use unspun::report::{self, HumanOptions};
use unspun::text::markup;
use unspun::{fix, Report, RuleTable, Severity};

/// Output formats. Add a variant here and its rendering in [`render`] (per document) and
/// [`Sink`] (around the documents).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Findings with the line and the span underlined, then a score line per document.
    Human,
    /// One JSON array of document objects.
    Json,
    /// One document object per line.
    Jsonl,
    /// SARIF 2.1.0 (code scanning): one log with rule metadata and a result per finding.
    Sarif,
    /// GitHub Actions annotations (`::warning file=…,line=…::message`).
    Github,
    /// Checkstyle XML.
    Checkstyle,
    /// A self-contained HTML report (one section per document, worst score first); use `-o`.
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Plain text: everything is prose.
    Plain,
    /// Markdown: prose only (code, link targets, HTML comments, front matter skipped).
    Markdown,
    /// HTML: text nodes only (script, style, code, pre skipped).
    Html,
}

impl From<InputFormat> for markup::Format {
    fn from(f: InputFormat) -> markup::Format {
        match f {
            InputFormat::Plain => markup::Format::Plain,
            InputFormat::Markdown => markup::Format::Markdown,
            InputFormat::Html => markup::Format::Html,
        }
    }
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files, folders (walked recursively) or `-` for stdin.
    #[arg(value_name = "PATH", default_value = "-")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the output to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report (and fail on) findings at or above this severity [default: the configuration's
    /// `min-severity`, else warning].
    #[arg(long, value_enum)]
    pub min_severity: Option<SeverityArg>,
    /// Also fail when a document scores below this (0-100) [default: the configuration's
    /// `fail-under`].
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// Markup of the inputs [default: by file extension (.md, .html, else plain); stdin:
    /// plain].
    #[arg(long, value_enum)]
    pub input_format: Option<InputFormat>,
    /// Name standard input for configuration lookup, format detection and reports.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// HTML: check only the text of <main> (or <article>), skipping nav, header, footer,
    /// aside and forms.
    #[arg(long)]
    pub html_main_only: bool,
    /// Report inline ignores (`unspun-disable …`) that suppress nothing (and fail on them).
    #[arg(long)]
    pub report_unused_ignores: bool,
    /// After the output, print the number of findings per rule.
    #[arg(long)]
    pub statistics: bool,
    /// Rewrite files in place with the safe fixes (atomically), then report what remains.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the safe fixes as a unified diff instead of findings; write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Only fix findings at or above this confidence [default: the configuration's
    /// `fix-min-confidence`, else 0.9].
    #[arg(long, value_name = "CONFIDENCE")]
    pub fix_min_confidence: Option<f64>,
    /// Colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Check at most this much of each input (bytes; K, M, G suffixes): a larger one is
    /// checked on its first part (cut on a character boundary) with a notice, and never
    /// rewritten by --fix.
    #[arg(long, value_name = "BYTES", default_value = "50M", value_parser = parse_size)]
    pub max_doc_bytes: usize,
    /// Fail only on findings not in this baseline: the output of an earlier
    /// `check --format json` (or jsonl). Findings are matched by path, rule and text, not by
    /// line, so edits elsewhere in a file keep it valid.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Report only findings on lines changed since the merge base with this git revision
    /// (working tree included; untracked files count as changed).
    #[arg(long, value_name = "REF")]
    pub diff_base: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub packs: PackArgs,
}

/// The result of checking one input.
enum Outcome {
    Checked(Box<Done>),
    Skipped(String),
    Failed(String),
}

/// A checked document.
struct Done {
    /// The document rendered in the output format (empty for collected formats).
    rendered: String,
    /// The report, findings filtered to the minimum severity.
    report: Report,
    /// Unused inline ignores (when asked for).
    unused: Vec<Unused>,
    /// The score is below `fail-under`.
    below: Option<f64>,
    /// `--diff`: the diff; `--fix`: empty.
    diff: String,
    /// Findings fixed in place.
    fixed: usize,
    /// Notices for standard error (a cut document, a file not rewritten).
    notices: Vec<String>,
}

/// Writes rendered documents and what a format needs around them.
struct Sink {
    format: Format,
    out: Output,
    first: bool,
    collected: Vec<Report>,
    /// `html`: every report with its source text, rendered as one page at the end.
    pages: Vec<(Report, String)>,
}

impl Sink {
    fn new(format: Format, out: Output) -> Sink {
        let mut s = Sink {
            format,
            out,
            first: true,
            collected: Vec::new(),
            pages: Vec::new(),
        };
        match format {
            Format::Json => write_out(&mut s.out, "["),
            Format::Checkstyle => write_out(&mut s.out, report::CHECKSTYLE_HEADER),
            _ => {}
        }
        s
    }

    fn document(&mut self, d: &Done) {
        match self.format {
            Format::Json => {
                write_out(&mut self.out, if self.first { "\n" } else { ",\n" });
                write_out(&mut self.out, &d.rendered);
            }
            Format::Sarif => self.collected.push(d.report.clone()),
            Format::Html => self.pages.push((d.report.clone(), d.rendered.clone())),
            _ => write_out(&mut self.out, &d.rendered),
        }
        self.first = false;
    }

    fn raw(&mut self, s: &str) {
        write_out(&mut self.out, s);
    }

    fn finish(&mut self, rules: Option<&RuleTable>) {
        match self.format {
            Format::Json => write_out(&mut self.out, if self.first { "]\n" } else { "\n]\n" }),
            Format::Checkstyle => write_out(&mut self.out, report::CHECKSTYLE_FOOTER),
            Format::Sarif => {
                let empty = RuleTable::default();
                let s = report::sarif(
                    &self.collected,
                    rules.unwrap_or(&empty),
                    env!("CARGO_PKG_VERSION"),
                );
                write_out(&mut self.out, &s);
            }
            Format::Html => {
                let page = report::html::report_page(&self.pages);
                write_out(&mut self.out, &page);
            }
            _ => {}
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Per-run options every worker needs.
struct Opts {
    format: Format,
    human: HumanOptions,
    min: Option<Severity>,
    fail_under: Option<f64>,
    input_format: Option<markup::Format>,
    stdin_name: Option<PathBuf>,
    html_main_only: bool,
    unused: bool,
    fix: bool,
    diff: bool,
    fix_min_confidence: Option<f64>,
    max_doc_bytes: usize,
    /// `--baseline`, `--diff-base`.
    ci: Arc<ci::Filters>,
}

pub fn run(args: CheckArgs) -> i32 {
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    if let Some(c) = args.fix_min_confidence {
        if !(0.0..=1.0).contains(&c) {
            eprintln!("error: --fix-min-confidence {c} is not between 0 and 1");
            return EXIT_ERROR;
        }
    }
    let ci = match ci::Filters::new(args.baseline.as_deref(), args.diff_base.as_deref()) {
        Ok(f) => Arc::new(f),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let (inputs, walk_errors) = input::collect(&args.paths);
    let mut status = EXIT_CLEAN;
    for e in &walk_errors {
        eprintln!("error: {e}");
        status = EXIT_ERROR;
    }
    if args.fix && inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        eprintln!("error: --fix cannot rewrite standard input (use --diff)");
        return EXIT_ERROR;
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let opts = Opts {
        format: args.format,
        human: HumanOptions {
            color,
            width: 120,
            min_severity: Severity::Info,
        },
        min: args.min_severity.map(Severity::from),
        fail_under: args.fail_under,
        input_format: args.input_format.map(Into::into),
        stdin_name: args.stdin_filename.clone(),
        html_main_only: args.html_main_only,
        unused: args.report_unused_ignores,
        fix: args.fix,
        diff: args.diff,
        fix_min_confidence: args.fix_min_confidence,
        max_doc_bytes: args.max_doc_bytes,
        ci,
    };

    // Resolve every input's configuration first (configuration errors are reported once per
    // file, and the inputs they govern are not checked).
    let mut resolver = Resolver::new(&args.config, &args.packs);
    let mut jobs: Vec<(Input, Arc<Ctx>)> = Vec::with_capacity(inputs.len());
    let mut reported: Vec<Arc<Vec<String>>> = Vec::new();
    let mut first_rules: Option<Arc<Ctx>> = None;
    for inp in inputs {
        match resolver.for_input(&inp, opts.stdin_name.as_deref()) {
            Ok(ctx) => {
                first_rules.get_or_insert_with(|| ctx.clone());
                jobs.push((inp, ctx));
            }
            Err(errs) => {
                if !reported.iter().any(|r| Arc::ptr_eq(r, &errs)) {
                    for e in errs.iter() {
                        eprintln!("error: {e}");
                    }
                    reported.push(errs.clone());
                }
                eprintln!("error: {}: not checked (configuration errors)", inp.label());
                status = EXIT_ERROR;
            }
        }
    }
    if jobs.is_empty() && !reported.is_empty() {
        return EXIT_ERROR;
    }
    // With no input at all, the SARIF log still lists the rules.
    if first_rules.is_none() && args.format == Format::Sarif {
        let file = resolver.config_file(None);
        match resolver.ctx(file) {
            Ok(c) => first_rules = Some(c),
            Err(errs) => {
                for e in errs.iter() {
                    eprintln!("error: {e}");
                }
                return EXIT_ERROR;
            }
        }
    }

    let mut sink = Sink::new(
        if opts.diff {
            Format::Human
        } else {
            opts.format
        },
        match Output::open(args.output.as_deref()) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        },
    );
    let mut fail = false;
    let mut all: Vec<Report> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for chunk in jobs.chunks(256) {
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .map(|(inp, ctx)| check_one(ctx, inp, &opts))
            .collect();
        for o in outcomes {
            match o {
                Outcome::Checked(d) => {
                    if !d.notices.is_empty() {
                        let _ = sink.flush();
                        for n in &d.notices {
                            eprintln!("notice: {n}");
                        }
                    }
                    if opts.diff {
                        fail |= !d.diff.is_empty();
                        sink.raw(&d.diff);
                    } else {
                        fail |= !d.report.findings.is_empty() || d.below.is_some();
                        fail |= opts.unused && !d.unused.is_empty();
                        sink.document(&d);
                    }
                    if let Some(limit) = d.below {
                        notes.push(format!(
                            "{}: score {:.1} is below fail-under {limit}",
                            d.report.path, d.report.score
                        ));
                    }
                    if d.fixed > 0 {
                        notes.push(format!(
                            "fixed {} finding{} in {}",
                            d.fixed,
                            if d.fixed == 1 { "" } else { "s" },
                            d.report.path
                        ));
                    }
                    if opts.unused && !matches!(opts.format, Format::Human | Format::Github) {
                        for u in &d.unused {
                            notes.push(format!(
                                "warning: {}:{}:{}: {}",
                                d.report.path,
                                u.directive.line,
                                u.directive.column,
                                u.message()
                            ));
                        }
                    }
                    if args.statistics {
                        all.push(d.report);
                    }
                }
                Outcome::Skipped(msg) => {
                    let _ = sink.flush();
                    eprintln!("notice: {msg}");
                }
                Outcome::Failed(msg) => {
                    let _ = sink.flush();
                    eprintln!("error: {msg}");
                    status = EXIT_ERROR;
                }
            }
        }
    }
    if !opts.diff {
        sink.finish(first_rules.as_ref().map(|c| c.checker.rules()));
    }
    if args.statistics {
        let refs: Vec<&Report> = all.iter().collect();
        let table = report::statistics_table(&report::statistics(&refs));
        if opts.format == Format::Human && !opts.diff {
            sink.raw(&table);
        } else {
            notes.push(table.trim_end().to_string());
        }
    }
    if let Err(e) = sink.out.finish() {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    if opts.ci.is_active() && !opts.diff {
        notes.extend(opts.ci.summary());
    }
    for n in notes {
        eprintln!("{n}");
    }
    if status == EXIT_ERROR {
        EXIT_ERROR
    } else if fail {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn check_one(ctx: &Ctx, inp: &Input, opts: &Opts) -> Outcome {
    let read = match input::read(inp, opts.max_doc_bytes) {
        Ok(Content::Text(t)) => t,
        Ok(Content::Binary(msg)) => return Outcome::Skipped(msg),
        Err(e) => return Outcome::Failed(e),
    };
    let text = read.decoded.text.as_str();
    let (path, label): (Option<&Path>, String) = match inp {
        Input::File(p) => (Some(p), inp.label()),
        Input::Stdin => match &opts.stdin_name {
            Some(n) => (Some(n.as_path()), n.display().to_string()),
            None => (None, inp.label()),
        },
    };
    let format = opts
        .input_format
        .or_else(|| path.map(markup::Format::from_path))
        .unwrap_or_default();
    let mut eff: Effective = ctx.config.effective(path.unwrap_or(Path::new("-")));
    eff.html_main_only |= opts.html_main_only;
    if let Some(m) = opts.min {
        eff.min_severity = m;
    }
    if let Some(f) = opts.fail_under {
        eff.fail_under = Some(f);
    }
    if let Some(c) = opts.fix_min_confidence {
        eff.fix_min_confidence = c;
    }
    let min = eff.min_severity;
    let mut notices: Vec<String> = read
        .cut_notice(&label, opts.max_doc_bytes)
        .into_iter()
        .collect();
    let check = |text: &str| {
        let mut c = eff.check(&ctx.checker, text, format);
        read.decoded.describe(&mut c.report.findings);
        if read.cut.is_some() {
            c.report.truncated = Some(unspun::TRUNCATED_SIZE.to_string());
        }
        c
    };
    let checked = check(text);
    let mut done = Fixes {
        diff: String::new(),
        fixed: 0,
    };
    if opts.fix || opts.diff {
        let mut shown = checked.report.clone();
        shown.findings.retain(|f| f.severity >= min);
        let edits = fix::safe_edits(&shown, ctx.checker.rules(), eff.fix_min_confidence);
        if !edits.is_empty() {
            let new = fix::apply(text, &edits);
            // A file checked in part, or with bytes that are not valid, is never rewritten:
            // the rest (or the bytes as they were) would be lost.
            let encoded = read.decoded.encode(&new).filter(|_| read.cut.is_none());
            let what = if opts.diff {
                "no diff"
            } else {
                "not rewritten"
            };
            match (encoded, path) {
                (None, _) => notices.push(format!(
                    "{label}: {what}: {}",
                    if read.cut.is_some() {
                        "only its first part was checked"
                    } else {
                        "it has bytes that are not valid text (see input.invalid-utf8)"
                    }
                )),
                (Some(_), _) if opts.diff => {
                    done.diff = fix::unified_diff(&label, text, &new);
                }
                (Some(bytes), Some(p)) => {
                    if let Err(e) = AtomicFile::write(p, &bytes) {
                        return Outcome::Failed(format!("{label}: cannot write the fixes: {e}"));
                    }
                    done.fixed = edits.len();
                    let checked = filtered(check(&new), &label, path, &eff, opts);
                    return finish(checked, label, &new, &eff, opts, done, notices);
                }
                (Some(_), None) => {}
            }
        }
    }
    let checked = filtered(checked, &label, path, &eff, opts);
    finish(checked, label, text, &eff, opts, done, notices)
}

/// The findings at or above the minimum severity, less those `--baseline` and `--diff-base`
/// leave out.
fn filtered(
    mut checked: unspun::config::Checked,
    label: &str,
    path: Option<&Path>,
    eff: &Effective,
    opts: &Opts,
) -> unspun::config::Checked {
    if opts.ci.is_active() {
        let r = &mut checked.report;
        r.findings.retain(|f| f.severity >= eff.min_severity);
        r.path = label.to_string();
        opts.ci.apply(r, path);
    }
    checked
}

/// What `--fix` or `--diff` did to a document.
struct Fixes {
    /// `--diff`: the diff; `--fix`: empty.
    diff: String,
    /// Findings fixed in place.
    fixed: usize,
}

fn finish(
    checked: unspun::config::Checked,
    label: String,
    text: &str,
    eff: &Effective,
    opts: &Opts,
    fixes: Fixes,
    notices: Vec<String>,
) -> Outcome {
    let Fixes { diff, fixed } = fixes;
    let mut report = checked.report;
    report.path = label;
    report.findings.retain(|f| f.severity >= eff.min_severity);
    let unused = if opts.unused {
        checked.unused_ignores
    } else {
        Vec::new()
    };
    let below = eff.fail_under.filter(|&l| report.score < l);
    let rendered = if opts.diff {
        String::new()
    } else {
        render(&report, text, &unused, opts)
    };
    Outcome::Checked(Box::new(Done {
        rendered,
        report,
        unused,
        below,
        diff,
        fixed,
        notices,
    }))
}

/// Render one document in a streaming format (SARIF is rendered once, from all reports).
fn render(report: &Report, text: &str, unused: &[Unused], opts: &Opts) -> String {
    match opts.format {
        Format::Human => {
            let mut s = String::new();
            for u in unused {
                s.push_str(&format!(
                    "warning[unspun.unused-ignore]: {}\n  --> {}:{}:{}\n\n",
                    u.message(),
                    report.path,
                    u.directive.line,
                    u.directive.column
                ));
            }
            s.push_str(&report::human(report, text, &opts.human));
            s
        }
        Format::Json => serde_json::to_string_pretty(report).expect("reports serialize"),
        Format::Jsonl => report::jsonl(report),
        Format::Github => {
            let mut s = report::github(report);
            for u in unused {
                s.push_str(&format!(
                    "::warning file={},line={},col={},title=unspun.unused-ignore::{}\n",
                    report.path.replace(',', "%2C").replace(':', "%3A"),
                    u.directive.line,
                    u.directive.column,
                    u.message()
                ));
            }
            s
        }
        Format::Checkstyle => report::checkstyle_file(report),
        Format::Sarif => String::new(),
        // The page is rendered once from every document; keep the source for highlighting.
        Format::Html => text.to_string(),
    }
}
