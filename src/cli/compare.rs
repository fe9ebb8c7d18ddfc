//! `unspun compare SOURCE COPY`: align a copy with its source and list the changes; with
//! `--eval FILE.jsonl`, measure how well the alignment recovers labelled swaps.

use super::{exit_code, CmdResult, Error, Out, SessionArgs};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use unspun::compare::{self, ChangeKind, Comparison};
use unspun::eval::{self, overlaps, Record};
use unspun::session::Profile;
use unspun::{CheckOptions, Finding, Source};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The copy with each change and its original side by side, then the score.
    Human,
    /// `{"score", "changes": [...]}` with byte offsets.
    Json,
}

#[derive(Args, Debug)]
#[command(after_help = "Exit codes: 0 compared (or measured), 1 error.")]
pub struct CompareArgs {
    /// The source text (the original).
    #[arg(value_name = "SOURCE", required_unless_present = "eval")]
    pub source: Option<PathBuf>,
    /// The copy to compare with it.
    #[arg(value_name = "COPY", required_unless_present = "eval")]
    pub copy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Measure instead: compare `original` with `spun` in every record of this labelled file
    /// and report precision and recall of the substitutions against the labelled swaps.
    #[arg(long, value_name = "FILE.jsonl", conflicts_with_all = ["source", "copy"])]
    pub eval: Option<PathBuf>,
    /// The checker's foreign and boilerplate findings on the copy classify the changes inside
    /// them: its rule packs and configuration.
    #[command(flatten)]
    pub session: SessionArgs,
}

pub fn run(args: CompareArgs) -> CmdResult {
    let session = args.session.builder().build();
    if let Some(file) = &args.eval {
        let profile = session.profile(None)?;
        return measure(file, &profile, args.format);
    }
    let (Some(sp), Some(cp)) = (&args.source, &args.copy) else {
        return Err(Error::msg("give SOURCE and COPY (or --eval FILE)"));
    };
    let profile = session.profile(Some(cp))?;
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p)
            .map_err(|e| eprintln!("error: {}: cannot read: {e}", p.display()))
    };
    let (Ok(source), Ok(copy)) = (read(sp), read(cp)) else {
        return Ok(exit_code(true, false));
    };
    let findings = copy_findings(&profile, &copy, Some(cp));
    let cmp = compare::compare_with_findings(&source, &copy, &findings);
    let out = match args.format {
        Format::Json => {
            let v = serde_json::json!({"score": cmp.score, "changes": cmp.changes});
            serde_json::to_string(&v).expect("changes serialize") + "\n"
        }
        Format::Human => human(
            &cmp,
            &copy,
            &sp.display().to_string(),
            &cp.display().to_string(),
        ),
    };
    let mut o = Out::stdout();
    o.write(out)?;
    o.finish()?;
    Ok(exit_code(false, false))
}

/// The checker's findings on the copy, as `unspun check` reports them (a copy it cannot check
/// has none: its changes are classified without them).
fn copy_findings(profile: &Profile, copy: &str, path: Option<&Path>) -> Vec<Finding> {
    let mut source = Source::text(copy);
    if let Some(p) = path {
        source = source.path(p);
    }
    profile
        .check(&source, &CheckOptions::default())
        .map(|c| c.report.findings)
        .unwrap_or_default()
}

/// The copy with every change marked `[copy -> source]` (insertions `[+copy]`, deletions
/// `[-source]`), a list of the changes, and the score.
fn human(cmp: &Comparison, copy: &str, sname: &str, cname: &str) -> String {
    let mut s = String::new();
    let mut at = 0;
    for ch in &cmp.changes {
        if ch.copy_start < at {
            continue;
        }
        s.push_str(&copy[at..ch.copy_start]);
        match ch.kind {
            ChangeKind::Substitution => {
                let _ = write!(s, "[{} -> {}]", ch.copy_text, ch.source_text);
            }
            ChangeKind::Insertion => {
                let _ = write!(s, "[+{}]", ch.copy_text);
            }
            ChangeKind::Deletion => {
                let _ = write!(s, "[-{}]", ch.source_text);
            }
        }
        at = ch.copy_end;
    }
    s.push_str(&copy[at..]);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s.push('\n');
    for ch in &cmp.changes {
        let kind = match ch.kind {
            ChangeKind::Substitution => "substitution",
            ChangeKind::Insertion => "insertion",
            ChangeKind::Deletion => "deletion",
        };
        let _ = writeln!(
            s,
            "{kind:<12} {:<11} copy {}..{} {:?}  source {}..{} {:?}",
            ch.class.as_str(),
            ch.copy_start,
            ch.copy_end,
            ch.copy_text,
            ch.source_start,
            ch.source_end,
            ch.source_text
        );
    }
    let _ = writeln!(
        s,
        "{cname}: faithfulness {:.1}/100 against {sname} ({} of {} source content words kept, {} changes)",
        cmp.score,
        cmp.kept_content_words,
        cmp.source_content_words,
        cmp.changes.len()
    );
    s
}

/// Counts of one record: substitutions on a swap, swaps hit, insertions on an edit.
#[derive(Default, Clone, Copy)]
struct Counts {
    subs: usize,
    subs_on_swap: usize,
    subs_on_edit: usize,
    swaps: usize,
    swaps_hit: usize,
    edits: usize,
    edits_hit: usize,
    inserts: usize,
    inserts_on_edit: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.subs += o.subs;
        self.subs_on_swap += o.subs_on_swap;
        self.subs_on_edit += o.subs_on_edit;
        self.swaps += o.swaps;
        self.swaps_hit += o.swaps_hit;
        self.edits += o.edits;
        self.edits_hit += o.edits_hit;
        self.inserts += o.inserts;
        self.inserts_on_edit += o.inserts_on_edit;
    }
}

fn judge(rec: &Record, profile: &Profile) -> Counts {
    let findings = copy_findings(profile, &rec.spun, None);
    let cmp = compare::compare_with_findings(&rec.original, &rec.spun, &findings);
    let span = |c: &compare::Change| c.copy_start..c.copy_end.max(c.copy_start + 1);
    let subs: Vec<_> = cmp
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Substitution)
        .map(span)
        .collect();
    let ins: Vec<_> = cmp
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Substitution)
        .map(span)
        .collect();
    let swaps: Vec<_> = rec.swaps.iter().map(|s| s.start..s.end).collect();
    let edits: Vec<_> = rec
        .edits
        .iter()
        .map(|s| s.start..s.end.max(s.start + 1))
        .collect();
    let any =
        |a: &std::ops::Range<usize>, v: &[std::ops::Range<usize>]| v.iter().any(|b| overlaps(a, b));
    let all: Vec<_> = subs.iter().chain(&ins).cloned().collect();
    Counts {
        subs: subs.len(),
        subs_on_swap: subs.iter().filter(|s| any(s, &swaps)).count(),
        subs_on_edit: subs
            .iter()
            .filter(|s| !any(s, &swaps) && any(s, &edits))
            .count(),
        swaps: swaps.len(),
        swaps_hit: swaps.iter().filter(|s| any(s, &subs)).count(),
        edits: edits.len(),
        edits_hit: edits.iter().filter(|s| any(s, &all)).count(),
        inserts: ins.len(),
        inserts_on_edit: ins.iter().filter(|s| any(s, &edits)).count(),
    }
}

fn measure(path: &PathBuf, profile: &Profile, format: Format) -> CmdResult {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::msg(format!("{file}: cannot read: {e}")))?;
    let mut failed = false;
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match eval::parse_record(line) {
            Ok(r) => records.push(r),
            Err(e) => {
                eprintln!("error: {file}: line {}: {e}", i + 1);
                failed = true;
            }
        }
    }
    let per: Vec<Counts> = records.par_iter().map(|r| judge(r, profile)).collect();
    let mut t = Counts::default();
    for c in per {
        t += c;
    }
    let ratio = |n: usize, d: usize| eval::ratio(n, d);
    let p = ratio(t.subs_on_swap, t.subs);
    let r = ratio(t.swaps_hit, t.swaps);
    let p_edits = ratio(t.subs_on_swap + t.subs_on_edit, t.subs);
    let out = match format {
        Format::Json => {
            let v = serde_json::json!({
                "file": file, "records": records.len(),
                "substitutions": t.subs, "substitutions_on_swaps": t.subs_on_swap,
                "substitutions_on_edits": t.subs_on_edit,
                "swaps": t.swaps, "swaps_recovered": t.swaps_hit,
                "precision": p, "recall": r, "precision_counting_edits": p_edits,
                "edits": t.edits, "edits_recovered": t.edits_hit,
                "insertions_deletions": t.inserts, "insertions_deletions_on_edits": t.inserts_on_edit,
            });
            serde_json::to_string_pretty(&v).expect("json") + "\n"
        }
        Format::Human => {
            let f = |x: Option<f64>| x.map_or("-".into(), |v| format!("{v:.4}"));
            format!(
                "{file}: {} records\n\
                 substitutions: {} ({} on a labelled swap, {} on an unlabelled edit)\n\
                 precision {} (counting edits as right: {}), recall {} ({} of {} swaps)\n\
                 edits recovered by any change: {} of {}; insertions/deletions: {} ({} on an edit)\n",
                records.len(),
                t.subs,
                t.subs_on_swap,
                t.subs_on_edit,
                f(p),
                f(p_edits),
                f(r),
                t.swaps_hit,
                t.swaps,
                t.edits_hit,
                t.edits,
                t.inserts,
                t.inserts_on_edit
            )
        }
    };
    let mut o = Out::stdout();
    o.write(out)?;
    o.finish()?;
    Ok(exit_code(failed, false))
}
