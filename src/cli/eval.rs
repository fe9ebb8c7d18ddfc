//! `unspun eval`: measure the detectors on labelled spun text.

use super::{write_out, PackArgs, EXIT_CLEAN, EXIT_ERROR};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use unspun::eval::{self, Evaluation, Metrics, Record, RecordEval, Selection};
use unspun::{Category, Checker};

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
    pub packs: PackArgs,
}

fn parse_category(s: &str) -> Result<Category, String> {
    Category::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown category '{s}' (one of: {})", names.join(", "))
    })
}

pub fn run(args: EvalArgs) -> i32 {
    let Some(checker) = args.packs.checker() else {
        return EXIT_ERROR;
    };
    for r in &args.only {
        if checker.rules().get(r).is_none() {
            eprintln!("error: --only {r}: no such rule (see `unspun rules`)");
            return EXIT_ERROR;
        }
    }
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let file = args.file.display().to_string();
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {file}: cannot read: {e}");
            return EXIT_ERROR;
        }
    };
    let mut status = EXIT_CLEAN;
    let mut records: Vec<Record> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match eval::parse_record_pairs(line, args.pairs) {
            Ok(r) => records.push(r),
            Err(e) => {
                eprintln!("error: {file}: line {}: {e}", i + 1);
                status = EXIT_ERROR;
            }
        }
    }
    if records.is_empty() {
        eprintln!("error: {file}: no valid records");
        return EXIT_ERROR;
    }
    let sel = Selection {
        rules: args.only.clone(),
        category: args.category,
    };
    let dumping = args.dump.is_some();
    // Records are judged in parallel; collect keeps input order, so the output is the same
    // on any number of threads.
    let judged: Vec<(RecordEval, Option<String>)> = records
        .par_iter()
        .map(|rec| judge(&checker, rec, &sel, dumping))
        .collect();
    let (results, dumps): (Vec<RecordEval>, Vec<Option<String>>) = judged.into_iter().unzip();
    let ev = eval::evaluate(&results);

    if let Some(path) = &args.dump {
        let body: String = dumps.into_iter().flatten().collect();
        if let Err(e) = std::fs::write(path, body) {
            eprintln!("error: {}: cannot write the dump: {e}", path.display());
            status = EXIT_ERROR;
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
            status = EXIT_ERROR;
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
    let mut out = std::io::stdout().lock();
    write_out(&mut out, &rendered);
    let _ = out.flush();
    status
}

/// Check both texts of a record and judge the spun one; the dump line if asked for.
fn judge(
    checker: &Checker,
    rec: &Record,
    sel: &Selection,
    dump: bool,
) -> (RecordEval, Option<String>) {
    let original = checker.check(&rec.original);
    let spun = checker.check(&rec.spun);
    let judged = eval::evaluate_record(rec, &original, &spun, sel);
    let line = dump.then(|| {
        let d = eval::diagnostics(rec, &original, &spun, &judged, sel);
        serde_json::to_string(&d).expect("diagnostics serialize") + "\n"
    });
    (judged, line)
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
