//! `unspun eval`: measure the detectors on labelled spun text, or (`--clean DIR`) how often
//! they fire on clean text.

use super::input::{self, Input};
use super::{exit_code, CmdResult, Error, Out, SessionArgs};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;
use unspun::eval::{
    self, CleanDoc, CleanStats, Evaluation, Metrics, Record, RecordEval, Selection,
};
use unspun::session::{CheckError, Profile};
use unspun::{Category, CheckOptions, Report, Session, Severity, Source};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table per spinner and a confidence sweep.
    Human,
    /// One JSON object.
    Json,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Exit codes: 0 measured, 1 error (bad lines are reported and skipped; \
    the metrics of the other records are still printed)."
)]
pub struct EvalArgs {
    /// Labelled records, one JSON object per line (`id`, `spinner`, `original`, `spun`,
    /// `swaps`, optional `edits`; offsets in code points).
    #[arg(value_name = "FILE.jsonl", required_unless_present = "clean")]
    pub file: Option<PathBuf>,
    /// Measure false alarms on clean text instead: every sub-folder of DIR is a genre, each
    /// file in it (walked as `unspun check` walks folders, read by its extension) a
    /// document checked with default settings and no configuration file (as `unspun check
    /// --no-config`). Prints per genre: documents, words, warnings per 10,000 words, the
    /// share of documents a default CI run fails (any finding at or above warning), the mean
    /// score and the rules with most warnings.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["file", "dump", "dump_features", "pairs", "only"])]
    pub clean: Option<PathBuf>,
    /// With --clean: how many rules to list per genre (human output).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    /// Span metrics count only findings of these rules (repeatable), e.g. `--only ngram.swap`.
    #[arg(long = "only", value_name = "RULE")]
    pub only: Vec<String>,
    /// Span metrics count findings of this category (ignored with --only).
    #[arg(long, value_name = "CATEGORY", default_value = "swap", value_parser = parse_category)]
    pub category: Category,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write per-record diagnostics (false positives, missed swaps, scores) as JSON lines here.
    #[arg(long, value_name = "FILE")]
    pub dump: Option<PathBuf>,
    /// Write every word `ngram.swap` judged (both texts of each record), with its calibration
    /// features and label, as JSON lines here (input of `tools/fit_ngram.py`).
    #[arg(long, value_name = "FILE")]
    pub dump_features: Option<PathBuf>,
    /// Write every document as `ngram.swap` saw it (its eligible words, each judged word with
    /// its features and label, its sections) as JSON lines here: with FILE, both texts of each
    /// record; with --clean, every file (input of `tools/fit_ngram.py`).
    #[arg(long, value_name = "FILE")]
    pub dump_doc: Option<PathBuf>,
    /// Records with `original` and `spun` but no `swaps` get their labels from
    /// `unspun compare` (substitutions are the swaps, insertions and deletions the edits).
    #[arg(long)]
    pub pairs: bool,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub session: SessionArgs,
}

fn parse_category(s: &str) -> Result<Category, String> {
    Category::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown category '{s}' (one of: {})", names.join(", "))
    })
}

pub fn run(args: EvalArgs) -> CmdResult {
    let session = args.session.session();
    let profile = session.profile(None)?;
    for r in &args.only {
        if profile.checker().rules().get(r).is_none() {
            return Err(Error::msg(format!(
                "--only {r}: no such rule (see `unspun rules`)"
            )));
        }
    }
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    if let Some(dir) = &args.clean {
        return run_clean(&session, dir, &args);
    }
    let path = args
        .file
        .clone()
        .expect("clap requires FILE without --clean");
    let file = path.display().to_string();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::msg(format!("{file}: cannot read: {e}")))?;
    let mut failed = false;
    let mut records: Vec<Record> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match eval::parse_record_pairs(line, args.pairs) {
            Ok(r) => records.push(r),
            Err(e) => {
                eprintln!("error: {file}: line {}: {e}", i + 1);
                failed = true;
            }
        }
    }
    if records.is_empty() {
        return Err(Error::msg(format!("{file}: no valid records")));
    }
    let sel = Selection {
        rules: args.only.clone(),
        category: args.category,
    };
    let dumping = args.dump.is_some();
    // Records are judged in parallel; collect keeps input order, so the output is the same
    // on any number of threads.
    let judged: Vec<Result<(RecordEval, Option<String>), String>> = records
        .par_iter()
        .map(|rec| judge(&profile, rec, &sel, dumping))
        .collect();
    let mut results = Vec::with_capacity(judged.len());
    let mut dumps = Vec::with_capacity(judged.len());
    for (rec, j) in records.iter().zip(judged) {
        match j {
            Ok((r, d)) => {
                results.push(r);
                dumps.push(d);
            }
            Err(e) => {
                eprintln!("error: {file}: record {}: {e}", rec.id);
                failed = true;
            }
        }
    }
    let ev = eval::evaluate(&results);

    if let Some(path) = &args.dump {
        let body: String = dumps.into_iter().flatten().collect();
        if let Err(e) = std::fs::write(path, body) {
            eprintln!("error: {}: cannot write the dump: {e}", path.display());
            failed = true;
        }
    }
    if let Some(path) = &args.dump_doc {
        let body: String = records
            .par_iter()
            .map(|rec| {
                eval::doc_rows(rec)
                    .iter()
                    .map(|r| serde_json::to_string(r).expect("rows serialize") + "\n")
                    .collect::<String>()
            })
            .collect();
        if let Err(e) = std::fs::write(path, body) {
            eprintln!("error: {}: cannot write the documents: {e}", path.display());
            failed = true;
        }
    }
    if let Some(path) = &args.dump_features {
        let body: String = records
            .par_iter()
            .map(|rec| {
                eval::feature_rows(rec)
                    .iter()
                    .map(|r| serde_json::to_string(r).expect("rows serialize") + "\n")
                    .collect::<String>()
            })
            .collect();
        if let Err(e) = std::fs::write(path, body) {
            eprintln!("error: {}: cannot write the features: {e}", path.display());
            failed = true;
        }
    }
    let rendered = match args.format {
        Format::Human => human(&ev, &sel, &file),
        Format::Json => {
            let v = serde_json::json!({
                "file": file,
                "selection": sel,
                "evaluation": ev,
            });
            serde_json::to_string_pretty(&v).expect("evaluations serialize") + "\n"
        }
    };
    let mut out = Out::stdout();
    out.write(rendered)?;
    out.finish()?;
    Ok(exit_code(failed, false))
}

/// Check both texts of a record and judge the spun one; the dump line if asked for.
fn judge(
    profile: &Profile,
    rec: &Record,
    sel: &Selection,
    dump: bool,
) -> Result<(RecordEval, Option<String>), String> {
    let original = report(profile, &rec.original)?;
    let spun = report(profile, &rec.spun)?;
    let judged = eval::evaluate_record(rec, &original, &spun, sel);
    let line = dump.then(|| {
        let d = eval::diagnostics(rec, &original, &spun, &judged, sel);
        serde_json::to_string(&d).expect("diagnostics serialize") + "\n"
    });
    Ok((judged, line))
}

/// One file of `eval --clean`: its figures and its `--dump-doc` row, `None` when it is
/// binary (skipped), or why it could not be checked.
type CleanResult = Result<Option<(CleanDoc, Option<String>)>, String>;

/// A text's report, as `unspun check` makes it, with every finding (info included, as
/// `--clean` counts them): the span metrics and the confidence sweep judge each finding, not
/// only those `check` would show.
fn report(profile: &Profile, text: &str) -> Result<Report, String> {
    let opts = CheckOptions {
        min_severity: Some(Severity::Info),
        ..CheckOptions::default()
    };
    profile
        .check(&Source::text(text), &opts)
        .map(|c| c.report)
        .map_err(|e| e.to_string())
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

/// The table and the sweep.
fn human(ev: &Evaluation, sel: &Selection, file: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{file}: {} records (spun and original each)", ev.records);
    match ev.threshold {
        Some(t) => {
            let _ = writeln!(
                s,
                "document threshold: score < {t:.1} flags {} of {} originals (at most {}%)",
                ev.originals_flagged,
                ev.records,
                ev.max_fpr * 100.0
            );
        }
        None => s.push_str("document threshold: none\n"),
    }
    let what = if sel.rules.is_empty() {
        format!("category {}", sel.category)
    } else {
        format!("rule {}", sel.rules.join(", "))
    };
    let _ = writeln!(
        s,
        "span metrics: findings of {what} against labelled swaps\n"
    );

    let w = ev
        .spinners
        .iter()
        .map(|m| m.spinner.chars().count())
        .chain([7])
        .max()
        .unwrap_or(7);
    let _ = writeln!(
        s,
        "{:<w$}  {:>5}  {:>5}  {:>7}  {:>6}  {:>6}  {:>6}  {:>5}  {:>5}  {:>8}  {:>7}  {:>6}",
        "spinner",
        "docs",
        "AUC",
        "R@1%FPR",
        "span P",
        "P spun",
        "span R",
        "F1",
        "sugg",
        "findings",
        "on orig",
        "labels"
    );
    let row = |s: &mut String, m: &Metrics| {
        let _ = writeln!(
            s,
            "{:<w$}  {:>5}  {:>5}  {:>7}  {:>6}  {:>6}  {:>6}  {:>5}  {:>5}  {:>8}  {:>7}  {:>6}",
            m.spinner,
            m.docs,
            num(m.auc),
            num(m.recall_at_1pct_fpr),
            num(m.span_precision),
            num(m.span_precision_spun_only),
            num(m.span_recall),
            num(m.span_f1),
            num(m.suggestion_accuracy),
            m.counts.findings,
            m.counts.original_findings,
            m.counts.labels
        );
    };
    for m in &ev.spinners {
        row(&mut s, m);
    }
    row(&mut s, &ev.all);
    let _ = writeln!(
        s,
        "false positives on edit insertions (spun but unlabelled): {}; findings on originals: {}",
        ev.all.counts.findings_on_edits, ev.all.counts.original_findings
    );
    s.push_str(
        "span P counts every finding on an original as a false alarm; P spun ignores them\n",
    );

    s.push_str("\nconfidence sweep (all spinners, findings with confidence >= c):\n");
    let _ = writeln!(
        s,
        "{:>4}  {:>8}  {:>7}  {:>6}  {:>6}  {:>6}  {:>5}  {:>5}",
        "c", "findings", "on orig", "span P", "P spun", "span R", "F1", "sugg"
    );
    for r in &ev.sweep {
        let _ = writeln!(
            s,
            "{:>4.2}  {:>8}  {:>7}  {:>6}  {:>6}  {:>6}  {:>5}  {:>5}",
            r.confidence,
            r.findings,
            r.original_findings,
            num(r.span_precision),
            num(r.span_precision_spun_only),
            num(r.span_recall),
            num(r.span_f1),
            num(r.suggestion_accuracy)
        );
    }
    s
}

/// `unspun eval --clean DIR`: every sub-folder of `dir` is a genre (files directly in `dir`
/// count under the folder's own name).
fn run_clean(session: &Session, dir: &std::path::Path, args: &EvalArgs) -> CmdResult {
    let label = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::msg(format!("{label}: cannot read the folder: {e}")))?;
    let mut failed = false;
    let own = dir
        .file_name()
        .map_or_else(|| label.clone(), |n| n.to_string_lossy().into_owned());
    let mut genres: Vec<(String, PathBuf)> = Vec::new();
    let mut loose: Vec<String> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if e.path().is_dir() {
            genres.push((name, e.path()));
        } else {
            loose.push(e.path().display().to_string());
        }
    }
    genres.sort();
    let mut jobs: Vec<(String, Input)> = Vec::new();
    let mut add = |genre: &str, paths: &[String], failed: &mut bool| {
        // A corpus is read whole, ignore files or not (a generated corpus may sit in a
        // git-ignored folder); hidden files are still skipped.
        let walk = input::WalkArgs {
            no_ignore: true,
            ..Default::default()
        };
        let found = input::collect_with(paths, &walk, None);
        for e in found.errors {
            eprintln!("error: {e}");
            *failed = true;
        }
        jobs.extend(found.inputs.into_iter().map(|i| (genre.to_string(), i)));
    };
    loose.sort();
    // Loose files are taken as `unspun check DIR` would take them: by extension.
    let loose: Vec<String> = loose
        .into_iter()
        .filter(|p| {
            std::path::Path::new(p)
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| input::TEXT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
        })
        .collect();
    if !loose.is_empty() {
        add(&own, &loose, &mut failed);
    }
    for (g, p) in &genres {
        add(g, &[p.display().to_string()], &mut failed);
    }
    if jobs.is_empty() {
        return Err(Error::msg(format!(
            "{label}: no documents (.txt .md .html .rst … files) found"
        )));
    }
    // Every finding counts in find/10k (info included); those at or above warning (the
    // default min-severity) are the ones `check` shows and fails on. Each file is checked
    // by the session as `unspun check` checks it (its configuration, its format).
    let opts = CheckOptions {
        max_doc_bytes: 50 << 20,
        min_severity: Some(Severity::Info),
        ..CheckOptions::default()
    };
    let dump_doc = args.dump_doc.is_some();
    let results: Vec<CleanResult> = jobs
        .par_iter()
        .map(|(genre, inp)| {
            let read = input::read(inp, opts.max_doc_bytes)?;
            let label = inp.label();
            let mut source = Source::bytes(&read.bytes).label(&label);
            if let Input::File(p) = inp {
                source = source.path(p);
            }
            if let Some(size) = read.cut {
                source = source.cut(size);
            }
            let doc = match session.check(&source, &opts) {
                Ok(c) => CleanDoc::from_report(genre, &c.report),
                Err(CheckError::Binary(why)) => {
                    eprintln!("notice: {label}: {why}, skipped");
                    return Ok(None);
                }
                Err(e) => return Err(format!("{label}: {e}")),
            };
            // The detector's view of the document, for tools/fit_ngram.py.
            let row = dump_doc.then(|| {
                let (id, format) = match inp {
                    Input::File(p) => (p.display().to_string(), unspun::Format::from_path(p)),
                    Input::Stdin => ("-".to_string(), unspun::Format::default()),
                };
                let text = String::from_utf8_lossy(&read.bytes);
                let row = eval::doc_row(id, format!("clean:{genre}"), &text, format, &[]);
                serde_json::to_string(&row).expect("rows serialize") + "\n"
            });
            Ok(Some((doc, row)))
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    let mut rows = String::new();
    for r in results {
        match r {
            Ok(Some((d, row))) => {
                docs.push(d);
                rows.extend(row);
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if let Some(path) = &args.dump_doc {
        if let Err(e) = std::fs::write(path, rows) {
            eprintln!("error: {}: cannot write the documents: {e}", path.display());
            failed = true;
        }
    }
    let stats = eval::clean_stats(&docs);
    let rendered = match args.format {
        Format::Human => clean_human(&stats, &label, args.top),
        Format::Json => {
            let v = serde_json::json!({
                "clean": label,
                "min_severity_failing_ci": "warning",
                "genres": stats,
            });
            serde_json::to_string_pretty(&v).expect("stats serialize") + "\n"
        }
    };
    let mut out = Out::stdout();
    out.write(rendered)?;
    out.finish()?;
    Ok(exit_code(failed, false))
}

fn clean_human(stats: &[CleanStats], label: &str, top: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{label}: clean text, default settings (a document fails CI on any finding at or above warning)\n"
    );
    let w = stats
        .iter()
        .map(|g| g.genre.chars().count())
        .chain([5])
        .max()
        .unwrap_or(5);
    let _ = writeln!(
        s,
        "{:<w$}  {:>6}  {:>9}  {:>8}  {:>9}  {:>9}  {:>7}  {:>6}",
        "genre", "docs", "words", "warnings", "warn/10k", "find/10k", "CI fail", "score"
    );
    let pct = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| format!("{:.1}%", v * 100.0));
    let f1 = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
    for g in stats {
        let _ = writeln!(
            s,
            "{:<w$}  {:>6}  {:>9}  {:>8}  {:>9}  {:>9}  {:>7}  {:>6}",
            g.genre,
            g.documents,
            g.words,
            g.warnings,
            f1(g.warnings_per_10k_words),
            f1(g.findings_per_10k_words),
            pct(g.ci_fail_share),
            f1(g.mean_score)
        );
    }
    s.push_str("\ntop rules by warnings (count, documents):\n");
    for g in stats {
        let list: Vec<String> = g
            .top_rules
            .iter()
            .take(top)
            .map(|r| format!("{} {} ({})", r.rule, r.count, r.documents))
            .collect();
        let _ = writeln!(
            s,
            "{:<w$}  {}",
            g.genre,
            if list.is_empty() {
                "-".to_string()
            } else {
                list.join(", ")
            }
        );
    }
    s
}
