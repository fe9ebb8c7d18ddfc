//! `unspun check`.
//!
//! Inputs are resolved to their configuration (one checker per configuration file), checked in
//! parallel, and each document is rendered by its worker; the main thread writes the rendered
//! documents in input order through a [`Sink`], which adds what a format needs around them
//! (the JSON array, the Checkstyle root, the one SARIF log).

use super::atomic::{self, RewriteError};
use super::ci;
use super::input::{self, Input};
use super::{exit_code, CmdResult, Error, Out, SessionArgs, SeverityArg, Size};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use unspun::config::Unused;
use unspun::report::{self, HumanOptions};
use unspun::session::{CheckError, Checked, Notice, Profile};
use unspun::text::markup;
use unspun::{defaults, fix, CheckOptions, Report, RuleTable, Severity, Source};

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
    /// reStructuredText: prose only (literal blocks, directives, roles' targets, comments
    /// skipped).
    Rst,
    /// AsciiDoc: prose only (listing and literal blocks, attributes, macros' targets,
    /// comments skipped).
    Asciidoc,
}

impl From<InputFormat> for markup::Format {
    fn from(f: InputFormat) -> markup::Format {
        match f {
            InputFormat::Plain => markup::Format::Plain,
            InputFormat::Markdown => markup::Format::Markdown,
            InputFormat::Html => markup::Format::Html,
            InputFormat::Rst => markup::Format::Rst,
            InputFormat::Asciidoc => markup::Format::Asciidoc,
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
    /// Markup of the inputs [default: by file extension (.md, .html, .rst, .adoc, else
    /// plain); stdin: plain].
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
    /// Say on standard error which configuration file applies to the inputs.
    #[arg(short, long)]
    pub verbose: bool,
    /// Check at most this much of each input (bytes; K, M, G suffixes): a larger one is
    /// checked on its first part (cut on a character boundary) with a notice, and never
    /// rewritten by --fix.
    #[arg(long, value_name = "BYTES", default_value_t = Size(defaults::CHECK_MAX_DOC_BYTES))]
    pub max_doc_bytes: Size,
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
    pub walk: input::WalkArgs,
    #[command(flatten)]
    pub session: SessionArgs,
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
    /// The configuration files that applied (SARIF run properties).
    configs: Vec<String>,
    out: Out,
    first: bool,
    collected: Vec<Report>,
    /// `html`: every report with its source text, rendered as one page at the end.
    pages: Vec<(Report, String)>,
}

impl Sink {
    fn new(format: Format, mut out: Out) -> Result<Sink, Error> {
        match format {
            Format::Json => out.write("[")?,
            Format::Checkstyle => out.write(report::CHECKSTYLE_HEADER)?,
            _ => {}
        }
        Ok(Sink {
            format,
            configs: Vec::new(),
            out,
            first: true,
            collected: Vec::new(),
            pages: Vec::new(),
        })
    }

    fn document(&mut self, d: &Done) -> Result<(), Error> {
        match self.format {
            Format::Json => {
                self.out.write(if self.first { "\n" } else { ",\n" })?;
                self.out.write(&d.rendered)?;
            }
            Format::Sarif => self.collected.push(d.report.clone()),
            Format::Html => self.pages.push((d.report.clone(), d.rendered.clone())),
            _ => self.out.write(&d.rendered)?,
        }
        self.first = false;
        Ok(())
    }

    fn raw(&mut self, s: &str) -> Result<(), Error> {
        self.out.write(s)
    }

    fn finish(&mut self, rules: Option<&RuleTable>) -> Result<(), Error> {
        match self.format {
            Format::Json => self.out.write(if self.first { "]\n" } else { "\n]\n" }),
            Format::Checkstyle => self.out.write(report::CHECKSTYLE_FOOTER),
            Format::Sarif => {
                let empty = RuleTable::default();
                let s = report::sarif_with(
                    &self.collected,
                    rules.unwrap_or(&empty),
                    env!("CARGO_PKG_VERSION"),
                    Some(serde_json::json!({ "configFiles": self.configs })),
                );
                self.out.write(s)
            }
            Format::Html => {
                let page = report::html::report_page(&self.pages);
                self.out.write(page)
            }
            _ => Ok(()),
        }
    }
}

/// Per-run options every worker needs.
struct Opts {
    format: Format,
    human: HumanOptions,
    input_format: Option<markup::Format>,
    stdin_name: Option<PathBuf>,
    unused: bool,
    fix: bool,
    diff: bool,
    /// What the session's check is given (size limit, severity, fail-under, fixes, markup).
    check: CheckOptions,
    /// `--baseline`, `--diff-base`.
    ci: Arc<ci::Filters>,
}

impl Opts {
    /// The path that names an input (for its configuration, format and report).
    fn path_of<'a>(&'a self, inp: &'a Input) -> Option<&'a Path> {
        match inp {
            Input::File(p) => Some(p),
            Input::Stdin => self.stdin_name.as_deref(),
        }
    }
}

pub fn run(args: CheckArgs) -> CmdResult {
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    if let Some(c) = args.fix_min_confidence {
        if !(0.0..=1.0).contains(&c) {
            return Err(Error::msg(format!(
                "--fix-min-confidence {c} is not between 0 and 1"
            )));
        }
    }
    // `unspun check` with no path reads standard input; on a terminal that would wait
    // silently for typing: show the usage instead.
    if args.paths == ["-"] && std::io::stdin().is_terminal() && !std::env::args().any(|a| a == "-")
    {
        eprintln!(
            "unspun check: no input (give files or folders, or `-` to read standard input)\n\n\
             Usage: unspun check [OPTIONS] [PATH]...\n\nFor more information, try '--help'."
        );
        return Ok(exit_code(true, false));
    }
    let ci = Arc::new(
        ci::Filters::new(args.baseline.as_deref(), args.diff_base.as_deref())
            .map_err(Error::msg)?,
    );
    // One session for the run: it finds each input's configuration (and the `exclude` globs
    // the folder walk applies), and checks every document.
    let session = Arc::new(args.session.builder().build());
    let walked = input::collect_with(
        &args.paths,
        &args.walk,
        Some(input::excludes(session.clone())),
    );
    let inputs = walked.inputs;
    let mut failed = false;
    for n in &walked.notices {
        eprintln!("notice: {n}");
    }
    for e in &walked.errors {
        eprintln!("error: {e}");
        failed = true;
    }
    if args.fix && inputs.iter().any(|i| matches!(i, Input::Stdin)) {
        return Err(Error::msg(
            "--fix cannot rewrite standard input (use --diff)",
        ));
    }
    // Colour only where a person reads it: a terminal on standard output, never `-o FILE`
    // or a pipe; `NO_COLOR` (any non-empty value) turns `auto` off.
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let opts = Opts {
        format: args.format,
        human: HumanOptions {
            color,
            width: 120,
            min_severity: Severity::Info,
        },
        input_format: args.input_format.map(Into::into),
        stdin_name: args.stdin_filename.clone(),
        unused: args.report_unused_ignores,
        fix: args.fix,
        diff: args.diff,
        check: CheckOptions {
            max_doc_bytes: args.max_doc_bytes.0,
            min_severity: args.min_severity.map(Severity::from),
            fail_under: args.fail_under,
            fix_min_confidence: args.fix_min_confidence,
            html_main_only: args.html_main_only,
            ..CheckOptions::default()
        },
        ci,
    };

    // Resolve every input's configuration first (configuration errors are reported once per
    // file, and the inputs they govern are not checked).
    let mut jobs: Vec<(Input, Arc<Profile>)> = Vec::with_capacity(inputs.len());
    let mut reported: Vec<Arc<unspun::SetupError>> = Vec::new();
    let mut first_rules: Option<Arc<Profile>> = None;
    for inp in inputs {
        match session.profile(opts.path_of(&inp)) {
            Ok(profile) => {
                first_rules.get_or_insert_with(|| profile.clone());
                jobs.push((inp, profile));
            }
            Err(errs) => {
                if !reported.iter().any(|r| Arc::ptr_eq(r, &errs)) {
                    for e in &errs.messages {
                        eprintln!("error: {e}");
                    }
                    reported.push(errs.clone());
                }
                eprintln!("error: {}: not checked (configuration errors)", inp.label());
                failed = true;
            }
        }
    }
    if jobs.is_empty() && !reported.is_empty() {
        return Ok(exit_code(true, false));
    }
    // Which configuration applied (each once, in input order).
    let mut configs: Vec<Option<String>> = Vec::new();
    for (inp, profile) in &jobs {
        let file = profile
            .config()
            .file
            .as_ref()
            .map(|f| input::display_path(f));
        if !configs.contains(&file) {
            if args.verbose {
                match &file {
                    Some(f) => eprintln!("config: {f} (first for {})", inp.label()),
                    None => eprintln!(
                        "config: none (no .unspun.toml up to the repository root or home folder \
                         for {}): defaults",
                        inp.label()
                    ),
                }
            }
            configs.push(file);
        }
    }
    // With no input at all, the SARIF log still lists the rules.
    if first_rules.is_none() && args.format == Format::Sarif {
        first_rules = Some(session.profile(None)?);
    }

    let format = if opts.diff {
        Format::Human
    } else {
        opts.format
    };
    let mut sink = Sink::new(format, Out::open(args.output.as_deref())?)?;
    sink.configs = configs.into_iter().flatten().collect();
    let mut fail = false;
    let mut all: Vec<Report> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for chunk in jobs.chunks(256) {
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .map(|(inp, profile)| check_one(profile, inp, &opts))
            .collect();
        for o in outcomes {
            match o {
                Outcome::Checked(d) => {
                    if !d.notices.is_empty() {
                        sink.out.flush()?;
                        for n in &d.notices {
                            eprintln!("notice: {n}");
                        }
                    }
                    if opts.diff {
                        fail |= !d.diff.is_empty();
                        sink.raw(&d.diff)?;
                    } else {
                        fail |= !d.report.findings.is_empty() || d.below.is_some();
                        fail |= opts.unused && !d.unused.is_empty();
                        sink.document(&d)?;
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
                    sink.out.flush()?;
                    eprintln!("notice: {msg}");
                }
                Outcome::Failed(msg) => {
                    sink.out.flush()?;
                    eprintln!("error: {msg}");
                    failed = true;
                }
            }
        }
    }
    if !opts.diff {
        sink.finish(first_rules.as_ref().map(|p| p.checker().rules()))?;
    }
    if args.statistics {
        let refs: Vec<&Report> = all.iter().collect();
        let table = report::statistics_table(&report::statistics(&refs));
        if opts.format == Format::Human && !opts.diff {
            sink.raw(&table)?;
        } else {
            notes.push(table.trim_end().to_string());
        }
    }
    sink.out.finish()?;
    if opts.ci.is_active() && !opts.diff {
        notes.extend(opts.ci.summary());
    }
    for n in notes {
        eprintln!("{n}");
    }
    Ok(exit_code(failed, fail))
}

fn check_one(profile: &Profile, inp: &Input, opts: &Opts) -> Outcome {
    let read = match input::read(inp, opts.check.max_doc_bytes) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    let path = opts.path_of(inp);
    let label = match (inp, path) {
        (Input::Stdin, Some(n)) => input::display_path(n),
        _ => inp.label(),
    };
    let mut source = Source::bytes(&read.bytes).label(&label);
    if let Some(p) = path {
        source = source.path(p);
    }
    if let Some(f) = opts.input_format {
        source = source.format(f);
    }
    if let Some(size) = read.cut {
        source = source.cut(size);
    }
    let checked = match profile.check(&source, &opts.check) {
        Ok(c) => c,
        Err(CheckError::Binary(why)) => {
            return Outcome::Skipped(format!("{label}: {why}, skipped"))
        }
        Err(e) => return Outcome::Failed(format!("{label}: {e}")),
    };
    let mut notices: Vec<String> = checked
        .notices
        .iter()
        .map(|n| notice(&label, n, opts.check.max_doc_bytes))
        .collect();
    let mut done = Fixes {
        diff: String::new(),
        fixed: 0,
    };
    if opts.fix || opts.diff {
        let mut edits = fix::safe_edits(
            &checked.report,
            profile.checker().rules(),
            checked.settings.fix_min_confidence,
        );
        if checked.format != markup::Format::Plain && !edits.is_empty() {
            // A fix never rewrites markup: a finding across inline markup inside a word
            // (`assail<b>ants`) keeps its suggestion for a human.
            let mopts = markup::MarkupOptions {
                html_main_only: checked.settings.html_main_only,
            };
            let masked = markup::extract(&checked.text, checked.format, mopts).masked;
            edits.retain(|e| {
                let i = masked.partition_point(|r| r.end <= e.start);
                masked.get(i).is_none_or(|r| r.start >= e.end)
            });
        }
        if !edits.is_empty() {
            let new = fix::apply(&checked.text, &edits);
            let what = if opts.diff {
                "no diff"
            } else {
                "not rewritten"
            };
            // A file checked in part, compressed, or with bytes that are not valid, is never
            // rewritten: the rest (or the bytes as they were) would be lost.
            let encoded = match read.not_rewritable() {
                Some(why) => Err(why),
                None => checked.encode(&new).map_err(|why| why.to_string()),
            };
            match (encoded, path) {
                (Err(why), _) => notices.push(format!("{label}: {what}: {why}")),
                (Ok(_), _) if opts.diff => {
                    done.diff = fix::unified_diff(&label, &checked.text, &new);
                }
                (Ok(bytes), Some(p)) => {
                    let Some(was) = read.fingerprint else {
                        return Outcome::Failed(format!("{label}: cannot write the fixes"));
                    };
                    match atomic::rewrite(p, &bytes, was) {
                        Ok(()) => {
                            done.fixed = edits.len();
                            let again = Source::text(&new)
                                .path(p)
                                .label(&label)
                                .format(checked.format);
                            return match profile.check(&again, &opts.check) {
                                Ok(c) => finish(c, opts, done, notices, path),
                                Err(e) => Outcome::Failed(format!("{label}: {e}")),
                            };
                        }
                        Err(RewriteError::Refused(why)) => {
                            notices.push(format!("{label}: not rewritten: {why}"));
                        }
                        Err(RewriteError::Failed(e)) => {
                            return Outcome::Failed(format!(
                                "{label}: cannot write the fixes: {e}"
                            ));
                        }
                    }
                }
                (Ok(_), None) => {}
            }
        }
    }
    finish(checked, opts, done, notices, path)
}

/// A notice for standard error.
fn notice(label: &str, n: &Notice, limit: usize) -> String {
    match n {
        Notice::Cut { size, .. } => {
            let whole = size.map_or("longer".to_string(), |n| format!("{n} bytes,"));
            format!("{label}: {whole} over --max-doc-bytes: checked its first {limit} bytes only")
        }
        Notice::TimeBudget => {
            format!("{label}: the time budget ran out: checked on the findings until then")
        }
    }
}

/// What `--fix` or `--diff` did to a document.
struct Fixes {
    /// `--diff`: the diff; `--fix`: empty.
    diff: String,
    /// Findings fixed in place.
    fixed: usize,
}

fn finish(
    mut checked: Checked,
    opts: &Opts,
    fixes: Fixes,
    notices: Vec<String>,
    path: Option<&Path>,
) -> Outcome {
    // `--baseline` and `--diff-base` leave out what is not new (the score still describes
    // the whole document).
    if opts.ci.is_active() {
        opts.ci.apply(&mut checked.report, path);
    }
    let Fixes { diff, fixed } = fixes;
    let below = checked.below_fail_under();
    let unused = if opts.unused {
        checked.unused_ignores
    } else {
        Vec::new()
    };
    let report = checked.report;
    let rendered = if opts.diff {
        String::new()
    } else {
        render(&report, &checked.text, &unused, opts)
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
