//! `unspun eval`: measure the detectors on labelled spun text.

use super::{exit_code, CmdResult, Error, Out, SessionArgs};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::PathBuf;
use unspun::eval::{self, Evaluation, Metrics, Record, RecordEval, Selection};
use unspun::session::Profile;
use unspun::{Category, CheckOptions, Report, Source};

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
    #[arg(value_name = "FILE.jsonl")]
    pub file: PathBuf,
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
    let profile = args.session.session().profile(None)?;
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
    let file = args.file.display().to_string();
    let text = std::fs::read_to_string(&args.file)
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

/// A text's report, as `unspun check` makes it.
fn report(profile: &Profile, text: &str) -> Result<Report, String> {
    profile
        .check(&Source::text(text), &CheckOptions::default())
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
        "{:<w$}  {:>5}  {:>5}  {:>7}  {:>6}  {:>6}  {:>5}  {:>5}  {:>8}  {:>6}",
        "spinner", "docs", "AUC", "R@1%FPR", "span P", "span R", "F1", "sugg", "findings", "labels"
    );
    let row = |s: &mut String, m: &Metrics| {
        let _ = writeln!(
            s,
            "{:<w$}  {:>5}  {:>5}  {:>7}  {:>6}  {:>6}  {:>5}  {:>5}  {:>8}  {:>6}",
            m.spinner,
            m.docs,
            num(m.auc),
            num(m.recall_at_1pct_fpr),
            num(m.span_precision),
            num(m.span_recall),
            num(m.span_f1),
            num(m.suggestion_accuracy),
            m.counts.findings,
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
        ev.all.counts.findings_on_edits, ev.all.original_findings
    );

    s.push_str("\nconfidence sweep (all spinners, findings with confidence >= c):\n");
    let _ = writeln!(
        s,
        "{:>4}  {:>8}  {:>6}  {:>6}  {:>5}  {:>5}",
        "c", "findings", "span P", "span R", "F1", "sugg"
    );
    for r in &ev.sweep {
        let _ = writeln!(
            s,
            "{:>4.2}  {:>8}  {:>6}  {:>6}  {:>5}  {:>5}",
            r.confidence,
            r.findings,
            num(r.span_precision),
            num(r.span_recall),
            num(r.span_f1),
            num(r.suggestion_accuracy)
        );
    }
    s
}
