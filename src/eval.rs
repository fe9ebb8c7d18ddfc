//! Measuring the detectors on labelled spun text (`unspun eval`).
//!
//! The input is JSON lines in the format of the development set: each record holds an
//! `original` passage, its `spun` version, the `swaps` (every replaced word, with Python
//! code-point offsets into `spun`) and optional `edits` (multi-word insertions and deletions,
//! which are spun text but not labels). Each record gives two documents: the original (a clean
//! example) and the spun text (a spun example).
//!
//! # Metrics
//!
//! * **ROC AUC** (document level): the probability that a spun document scores *lower* than an
//!   original one, ties counting one half ([`roc_auc`]). 1 is a perfect ranking, 0.5 chance.
//! * **Recall at 1 % false alarms** ([`fpr_threshold`], [`recall_below`]): with `N` originals
//!   and `k = ⌊0.01 · N⌋`, the threshold `t` is the `(k+1)`-th lowest original score and a
//!   document is flagged when its score is **strictly below** `t`. That is the highest threshold
//!   that flags at most `k` originals (fewer when originals tie at `t`, since a tie cannot be
//!   split). The recall is the share of spun documents flagged. Per spinner, the negatives are
//!   always *all* originals of the file, so every row uses the same threshold, as a deployment
//!   would.
//! * **Span precision**: of the selected findings on spun texts **and on the originals**, the
//!   share that overlap (share at least one byte with) a labelled swap. Every selected finding
//!   on an original is a false alarm: the original is clean text. A finding on an `edits`
//!   insertion is not on a label, so it counts against precision (as in the reference scorer);
//!   it is also counted separately (`findings_on_edits`). `span_precision_spun_only` is the
//!   older definition, which ignores the originals (it flatters a detector that fires on clean
//!   text as often as on spun text).
//! * **Span recall**: of the labelled swaps, the share overlapped by at least one selected
//!   finding. F1 is their harmonic mean.
//! * **Suggestion accuracy**: of the findings that hit a swap, the share whose suggestion equals
//!   the original text ([`expected_suggestion`]), ignoring case and runs of white space. A
//!   finding without a suggestion counts as wrong.
//!
//! Span metrics are micro-averaged: counts are pooled over the records of a row. Every ratio
//! with a zero denominator is `None` (shown as `-`).

use crate::{Category, Document, Finding, Report};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// The share of originals that may be flagged when measuring recall.
pub const MAX_FPR: f64 = 0.01;

/// Confidence thresholds of the sweep, in hundredths: 0.50, 0.55, … 0.95.
pub const SWEEP: [u32; 10] = [50, 55, 60, 65, 70, 75, 80, 85, 90, 95];

/// One labelled change, with **byte** offsets into the spun text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Start byte offset into `spun`.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The spun text of the change.
    pub spun: String,
    /// The text it replaced.
    pub original: String,
}

/// One labelled record, offsets converted to bytes and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Record id (`dev-0001`).
    pub id: String,
    /// The spinner and its setting.
    pub spinner: String,
    /// The clean passage.
    pub original: String,
    /// The spun passage.
    pub spun: String,
    /// The labelled swaps, in text order.
    pub swaps: Vec<Change>,
    /// Insertions and deletions: spun text that is not labelled.
    pub edits: Vec<Change>,
}

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    spinner: String,
    original: String,
    spun: String,
    swaps: Option<Vec<RawChange>>,
    #[serde(default)]
    edits: Vec<RawChange>,
}

#[derive(Deserialize)]
struct RawChange {
    spun_start: usize,
    spun_end: usize,
    spun: String,
    original: String,
}

/// Byte offset of every code point of `text`, plus `text.len()` at the end: entry `i` is the
/// byte offset of Python's `text[i:]`.
pub fn codepoint_offsets(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    v.push(text.len());
    v
}

/// Parse one JSON line. Errors say what is wrong (the caller adds the line number).
pub fn parse_record(line: &str) -> Result<Record, String> {
    parse_record_pairs(line, false)
}

/// Parse one JSON line; with `pairs`, a record without `swaps` is labelled by aligning
/// `spun` with `original` ([`crate::compare`]): its substitutions become the swaps, its
/// insertions and deletions the edits.
pub fn parse_record_pairs(line: &str, pairs: bool) -> Result<Record, String> {
    let mut raw: RawRecord =
        serde_json::from_str(line).map_err(|e| format!("invalid record: {e}"))?;
    let Some(raw_swaps) = raw.swaps.take() else {
        if !pairs {
            return Err(
                "invalid record: missing field `swaps` (use --pairs to label \
                        unlabelled pairs by aligning them)"
                    .to_string(),
            );
        }
        let cmp = crate::compare::compare(&raw.original, &raw.spun);
        let (mut swaps, mut edits) = (Vec::new(), Vec::new());
        for c in cmp.changes {
            let change = Change {
                start: c.copy_start,
                end: c.copy_end,
                spun: c.copy_text,
                original: c.source_text,
            };
            if c.kind == crate::compare::ChangeKind::Substitution {
                swaps.push(change);
            } else {
                edits.push(change);
            }
        }
        return Ok(Record {
            id: raw.id,
            spinner: raw.spinner,
            original: raw.original,
            spun: raw.spun,
            swaps,
            edits,
        });
    };
    let offsets = codepoint_offsets(&raw.spun);
    let convert = |kind: &str, i: usize, c: RawChange| -> Result<Change, String> {
        let what = format!("{kind} {} ({:?})", i + 1, c.spun);
        let (Some(&start), Some(&end)) = (offsets.get(c.spun_start), offsets.get(c.spun_end))
        else {
            return Err(format!(
                "{what}: offsets {}..{} are outside the spun text ({} characters)",
                c.spun_start,
                c.spun_end,
                offsets.len() - 1
            ));
        };
        if start > end {
            return Err(format!(
                "{what}: start {} is after end {}",
                c.spun_start, c.spun_end
            ));
        }
        if raw.spun[start..end] != c.spun {
            return Err(format!(
                "{what}: spun[{}:{}] is {:?}, not {:?}",
                c.spun_start,
                c.spun_end,
                &raw.spun[start..end],
                c.spun
            ));
        }
        Ok(Change {
            start,
            end,
            spun: c.spun,
            original: c.original,
        })
    };
    let swaps = raw_swaps
        .into_iter()
        .enumerate()
        .map(|(i, c)| convert("swap", i, c))
        .collect::<Result<Vec<_>, _>>()?;
    let edits = raw
        .edits
        .into_iter()
        .enumerate()
        .map(|(i, c)| convert("edit", i, c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Record {
        id: raw.id,
        spinner: raw.spinner,
        original: raw.original,
        spun: raw.spun,
        swaps,
        edits,
    })
}

/// Which findings the span metrics count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// Count only these rule ids (when not empty).
    pub rules: Vec<String>,
    /// Otherwise count this category.
    pub category: Category,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            rules: Vec::new(),
            category: Category::Swap,
        }
    }
}

impl Selection {
    /// Does the span evaluation count this finding?
    pub fn matches(&self, f: &Finding) -> bool {
        if self.rules.is_empty() {
            f.category == self.category
        } else {
            self.rules.contains(&f.rule)
        }
    }
}

/// Do two non-empty byte ranges share a byte?
#[inline]
pub fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// What a finding on `span` of the spun text should suggest: the text from the start of the
/// span (widened to cover the swaps in `hit`, which overlap it) to its end, with every swap and
/// edit that lies inside put back to its original.
pub fn expected_suggestion(rec: &Record, span: Range<usize>, hit: &[usize]) -> String {
    let mut lo = span.start;
    let mut hi = span.end;
    for &i in hit {
        lo = lo.min(rec.swaps[i].start);
        hi = hi.max(rec.swaps[i].end);
    }
    let mut inside: Vec<&Change> = rec
        .swaps
        .iter()
        .chain(&rec.edits)
        .filter(|c| lo <= c.start && c.end <= hi)
        .collect();
    inside.sort_by_key(|c| (c.start, c.end));
    let mut out = String::with_capacity(hi - lo);
    let mut at = lo;
    for c in inside {
        if c.start < at {
            continue; // overlapping labels: keep the first
        }
        out.push_str(&rec.spun[at..c.start]);
        out.push_str(&c.original);
        at = c.end;
    }
    out.push_str(&rec.spun[at..hi]);
    out
}

/// One word judged by `ngram.swap`, labelled: a calibration row (`unspun eval
/// --dump-features`, read by `tools/fit_ngram.py`).
#[derive(Debug, Clone, Serialize)]
pub struct FeatureRow {
    /// Record id.
    pub id: String,
    /// The record's spinner.
    pub spinner: String,
    /// `"spun"` or `"original"` (every judged word of an original is a negative).
    pub doc: &'static str,
    /// The judged word and the detector's verdict.
    #[serde(flatten)]
    pub judgement: crate::detect::WordJudgement,
    /// The word overlaps a labelled swap.
    pub label: bool,
    /// ... and the suggestion is the original text.
    pub suggestion_correct: bool,
}

/// The calibration rows of one record: every word `ngram.swap` judged in both texts.
pub fn feature_rows(rec: &Record) -> Vec<FeatureRow> {
    let mut rows = Vec::new();
    for (doc, text) in [("spun", &rec.spun), ("original", &rec.original)] {
        for j in crate::detect::ngram_judgements(&Document::new(text)) {
            let span = j.start..j.end;
            let hit: Vec<usize> = if doc == "spun" {
                (0..rec.swaps.len())
                    .filter(|&i| overlaps(&span, &(rec.swaps[i].start..rec.swaps[i].end)))
                    .collect()
            } else {
                Vec::new()
            };
            let suggestion_correct = !hit.is_empty()
                && fold_for_compare(&j.suggestion)
                    == fold_for_compare(&expected_suggestion(rec, span, &hit));
            rows.push(FeatureRow {
                id: rec.id.clone(),
                spinner: rec.spinner.clone(),
                doc,
                judgement: j,
                label: !hit.is_empty(),
                suggestion_correct,
            });
        }
    }
    rows
}

/// One word `ngram.swap` judged, in a [`DocRow`].
#[derive(Debug, Clone, Serialize)]
pub struct DocWord {
    /// The judged word and the detector's verdict (first-stage confidence and features).
    #[serde(flatten)]
    pub judgement: crate::detect::WordJudgement,
    /// The word overlaps a labelled swap.
    pub swap: bool,
}

/// One document as `ngram.swap` saw it, labelled: a row of `unspun eval --dump-doc`, the
/// input of `tools/fit_ngram.py` (the word calibration and the document model).
#[derive(Debug, Clone, Serialize)]
pub struct DocRow {
    /// Record id (with `/spun` or `/original`) or file path.
    pub id: String,
    /// `spun:SPINNER`, `original` or `clean:GENRE`.
    pub set: String,
    /// 1 for a spun text, 0 for a clean one.
    pub label: u8,
    /// Words in the document.
    pub words: usize,
    /// Byte spans of the eligible words (judged or not).
    pub eligible: Vec<(usize, usize)>,
    /// The judged words, in text order.
    pub judged: Vec<DocWord>,
    /// The document's sections: (eligible words, judged words) of each, in order.
    pub sections: Vec<(usize, usize)>,
    /// Byte spans of the labelled swaps.
    pub swaps: Vec<(usize, usize)>,
}

/// The [`DocRow`] of a text: `swaps` are byte spans of its labelled swaps (none for clean
/// text); markup is read as `check` reads it.
pub fn doc_row(
    id: String,
    set: String,
    text: &str,
    format: crate::text::markup::Format,
    swaps: &[Range<usize>],
) -> DocRow {
    let m = crate::text::markup::extract(text, format, Default::default());
    let doc = Document::with_markup(text, m.masked, &m.breaks);
    let dj = crate::detect::ngram_document_judgement(&doc);
    let mut sections: Vec<(usize, usize)> = dj
        .assessment
        .sections
        .iter()
        .map(|s| (s.eligible, 0))
        .collect();
    for &(_, si) in &dj.assessment.words {
        sections[si].1 += 1;
    }
    let judged = dj
        .words
        .into_iter()
        .map(|j| {
            let span = j.start..j.end;
            DocWord {
                swap: swaps.iter().any(|s| overlaps(&span, s)),
                judgement: j,
            }
        })
        .collect();
    DocRow {
        id,
        label: u8::from(!swaps.is_empty() || set.starts_with("spun")),
        set,
        words: doc.word_count(),
        eligible: dj
            .eligible
            .iter()
            .map(|&t| {
                let r = doc.orig_span(&doc.tokens[t]);
                (r.start, r.end)
            })
            .collect(),
        judged,
        sections,
        swaps: swaps.iter().map(|r| (r.start, r.end)).collect(),
    }
}

/// The two [`DocRow`]s of a labelled record: its spun text and its original.
pub fn doc_rows(rec: &Record) -> [DocRow; 2] {
    let plain = crate::text::markup::Format::Plain;
    let swaps: Vec<Range<usize>> = rec.swaps.iter().map(|c| c.start..c.end).collect();
    [
        doc_row(
            format!("{}/spun", rec.id),
            format!("spun:{}", rec.spinner),
            &rec.spun,
            plain,
            &swaps,
        ),
        doc_row(
            format!("{}/original", rec.id),
            "original".into(),
            &rec.original,
            plain,
            &[],
        ),
    ]
}

/// Lower case with white space runs collapsed and trimmed: how suggestions are compared.
pub fn fold_for_compare(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One selected finding on a spun text, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingEval {
    /// Index into the spun report's findings.
    pub index: usize,
    /// The finding's confidence.
    pub confidence: f64,
    /// Indices of the swaps it overlaps (empty: a false positive).
    pub swaps: Vec<usize>,
    /// It overlaps an `edits` insertion (spun text that is not labelled).
    pub on_edit: bool,
    /// Its suggestion equals [`expected_suggestion`] (only meaningful when `swaps` is not empty).
    pub suggestion_correct: bool,
}

/// One record, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordEval {
    /// The spinner (the row it counts in).
    pub spinner: String,
    /// Score of the original.
    pub score_original: f64,
    /// Score of the spun text.
    pub score_spun: f64,
    /// Selected findings on the spun text.
    pub findings: Vec<FindingEval>,
    /// Per labelled swap: the highest confidence of a selected finding on it.
    pub labels: Vec<Option<f64>>,
    /// Confidences of the selected findings on the original (all false alarms).
    pub original_findings: Vec<f64>,
}

/// Judge one record from the reports of its original and its spun text.
pub fn evaluate_record(
    rec: &Record,
    original: &Report,
    spun: &Report,
    sel: &Selection,
) -> RecordEval {
    let mut labels: Vec<Option<f64>> = vec![None; rec.swaps.len()];
    let mut findings = Vec::new();
    for (index, f) in spun.findings.iter().enumerate() {
        if !sel.matches(f) {
            continue;
        }
        let span = f.start..f.end;
        let swaps: Vec<usize> = rec
            .swaps
            .iter()
            .enumerate()
            .filter(|(_, s)| overlaps(&span, &(s.start..s.end)))
            .map(|(i, _)| i)
            .collect();
        for &i in &swaps {
            labels[i] = Some(labels[i].map_or(f.confidence, |c: f64| c.max(f.confidence)));
        }
        let on_edit = rec.edits.iter().any(|e| overlaps(&span, &(e.start..e.end)));
        let suggestion_correct = !swaps.is_empty()
            && f.suggestion.as_deref().is_some_and(|s| {
                fold_for_compare(s) == fold_for_compare(&expected_suggestion(rec, span, &swaps))
            });
        findings.push(FindingEval {
            index,
            confidence: f.confidence,
            swaps,
            on_edit,
            suggestion_correct,
        });
    }
    RecordEval {
        spinner: rec.spinner.clone(),
        score_original: original.score,
        score_spun: spun.score,
        findings,
        labels,
        original_findings: original
            .findings
            .iter()
            .filter(|f| sel.matches(f))
            .map(|f| f.confidence)
            .collect(),
    }
}

/// ROC AUC of "lower score = spun": the probability that a spun document scores lower than an
/// original, ties counting one half. `None` when either side is empty.
pub fn roc_auc(spun: &[f64], original: &[f64]) -> Option<f64> {
    if spun.is_empty() || original.is_empty() {
        return None;
    }
    let mut o = original.to_vec();
    o.sort_by(f64::total_cmp);
    let mut wins = 0.0;
    for &s in spun {
        let below_or_eq = o.partition_point(|&x| x <= s);
        let below = o.partition_point(|&x| x < s);
        wins += (o.len() - below_or_eq) as f64 + 0.5 * (below_or_eq - below) as f64;
    }
    Some(wins / (spun.len() as f64 * original.len() as f64))
}

/// The threshold `t` for "flag when score < t" that flags at most `⌊max_fpr · N⌋` of the `N`
/// originals: the `(k+1)`-th lowest original score. `None` without originals.
pub fn fpr_threshold(original: &[f64], max_fpr: f64) -> Option<f64> {
    if original.is_empty() {
        return None;
    }
    let mut o = original.to_vec();
    o.sort_by(f64::total_cmp);
    let k = ((max_fpr * o.len() as f64) + 1e-9).floor() as usize;
    Some(o[k.min(o.len() - 1)])
}

/// Share of `scores` strictly below `threshold`; `None` when empty.
pub fn recall_below(scores: &[f64], threshold: f64) -> Option<f64> {
    ratio(
        scores.iter().filter(|&&s| s < threshold).count(),
        scores.len(),
    )
}

/// `n / d`, or `None` when `d` is 0.
pub fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Harmonic mean of precision and recall; `None` if either is undefined.
pub fn f1(p: Option<f64>, r: Option<f64>) -> Option<f64> {
    let (p, r) = (p?, r?);
    Some(if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    })
}

/// Pooled span counts of some records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SpanCounts {
    /// Selected findings on spun texts.
    pub findings: usize,
    /// Of those, the ones that overlap a swap.
    pub true_findings: usize,
    /// Findings that overlap an edit insertion and no swap.
    pub findings_on_edits: usize,
    /// True findings whose suggestion is the original.
    pub suggestions_correct: usize,
    /// Labelled swaps.
    pub labels: usize,
    /// Labelled swaps overlapped by a finding.
    pub labels_found: usize,
    /// Selected findings on the originals (all false alarms).
    pub original_findings: usize,
}

impl SpanCounts {
    /// Count the findings with confidence at least `min_confidence`.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a RecordEval>, min_confidence: f64) -> Self {
        let min = min_confidence - 1e-9;
        let mut c = SpanCounts::default();
        for r in records {
            for f in r.findings.iter().filter(|f| f.confidence >= min) {
                c.findings += 1;
                if f.swaps.is_empty() {
                    c.findings_on_edits += f.on_edit as usize;
                } else {
                    c.true_findings += 1;
                    c.suggestions_correct += f.suggestion_correct as usize;
                }
            }
            c.original_findings += r.original_findings.iter().filter(|&&c| c >= min).count();
            c.labels += r.labels.len();
            c.labels_found += r
                .labels
                .iter()
                .filter(|l| l.is_some_and(|c| c >= min))
                .count();
        }
        c
    }

    /// Span precision, every finding on an original counted as a false alarm.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_findings, self.findings + self.original_findings)
    }

    /// Span precision on the spun texts only (findings on originals ignored).
    pub fn precision_spun_only(&self) -> Option<f64> {
        ratio(self.true_findings, self.findings)
    }

    /// Span recall.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.labels_found, self.labels)
    }

    /// Span F1.
    pub fn f1(&self) -> Option<f64> {
        f1(self.precision(), self.recall())
    }

    /// Suggestion accuracy among true findings.
    pub fn suggestion_accuracy(&self) -> Option<f64> {
        ratio(self.suggestions_correct, self.true_findings)
    }
}

/// The metrics of one row (a spinner, or all).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Spinner name, or `all`.
    pub spinner: String,
    /// Spun documents (records) in the row.
    pub docs: usize,
    /// Document-level ROC AUC against all originals.
    pub auc: Option<f64>,
    /// Share of the row's spun documents below the 1 % false-alarm threshold.
    pub recall_at_1pct_fpr: Option<f64>,
    /// Span precision (findings on originals count as false alarms).
    pub span_precision: Option<f64>,
    /// Span precision on the spun texts alone.
    pub span_precision_spun_only: Option<f64>,
    /// Span recall.
    pub span_recall: Option<f64>,
    /// Span F1 (of `span_precision` and `span_recall`).
    pub span_f1: Option<f64>,
    /// Suggestion accuracy.
    pub suggestion_accuracy: Option<f64>,
    /// The counts behind the span metrics (`original_findings`: selected findings on the
    /// originals of the row).
    #[serde(flatten)]
    pub counts: SpanCounts,
}

/// One row of the confidence sweep (all records).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepRow {
    /// Minimum confidence.
    pub confidence: f64,
    /// Findings at or above it, on spun texts.
    pub findings: usize,
    /// Findings at or above it, on originals (false alarms).
    pub original_findings: usize,
    /// Span precision (originals counted).
    pub span_precision: Option<f64>,
    /// Span precision on spun texts alone.
    pub span_precision_spun_only: Option<f64>,
    /// Span recall.
    pub span_recall: Option<f64>,
    /// Span F1.
    pub span_f1: Option<f64>,
    /// Suggestion accuracy.
    pub suggestion_accuracy: Option<f64>,
}

/// The whole evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Records evaluated.
    pub records: usize,
    /// The share of originals the recall threshold may flag.
    pub max_fpr: f64,
    /// Documents scoring strictly below this are flagged.
    pub threshold: Option<f64>,
    /// Originals the threshold flags.
    pub originals_flagged: usize,
    /// One row per spinner, by name.
    pub spinners: Vec<Metrics>,
    /// All records.
    pub all: Metrics,
    /// Span metrics of all records at rising minimum confidence.
    pub sweep: Vec<SweepRow>,
}

/// Aggregate judged records per spinner and overall. The result does not depend on the order
/// of `records` except through floating-point summation order, which callers keep fixed.
pub fn evaluate(records: &[RecordEval]) -> Evaluation {
    let originals: Vec<f64> = records.iter().map(|r| r.score_original).collect();
    let threshold = fpr_threshold(&originals, MAX_FPR);
    let row = |name: &str, rows: &[&RecordEval]| -> Metrics {
        let spun: Vec<f64> = rows.iter().map(|r| r.score_spun).collect();
        let counts = SpanCounts::of(rows.iter().copied(), 0.0);
        Metrics {
            spinner: name.to_string(),
            docs: rows.len(),
            auc: roc_auc(&spun, &originals),
            recall_at_1pct_fpr: threshold.and_then(|t| recall_below(&spun, t)),
            span_precision: counts.precision(),
            span_precision_spun_only: counts.precision_spun_only(),
            span_recall: counts.recall(),
            span_f1: counts.f1(),
            suggestion_accuracy: counts.suggestion_accuracy(),
            counts,
        }
    };
    let mut groups: BTreeMap<&str, Vec<&RecordEval>> = BTreeMap::new();
    for r in records {
        groups.entry(&r.spinner).or_default().push(r);
    }
    let spinners = groups.iter().map(|(name, rs)| row(name, rs)).collect();
    let all_refs: Vec<&RecordEval> = records.iter().collect();
    let sweep = SWEEP
        .iter()
        .map(|&h| {
            let confidence = h as f64 / 100.0;
            let c = SpanCounts::of(records, confidence);
            SweepRow {
                confidence,
                findings: c.findings,
                original_findings: c.original_findings,
                span_precision: c.precision(),
                span_precision_spun_only: c.precision_spun_only(),
                span_recall: c.recall(),
                span_f1: c.f1(),
                suggestion_accuracy: c.suggestion_accuracy(),
            }
        })
        .collect();
    Evaluation {
        records: records.len(),
        max_fpr: MAX_FPR,
        threshold,
        originals_flagged: threshold.map_or(0, |t| originals.iter().filter(|&&s| s < t).count()),
        spinners,
        all: row("all", &all_refs),
        sweep,
    }
}

/// The sentence of `text` around a byte span, by the tokenizer's sentence starts, cut to at
/// most about `max` bytes on each side of the span.
pub fn sentence_around(doc: &Document, span: Range<usize>, max: usize) -> String {
    let text = doc.orig;
    let mut lo = 0;
    let mut hi = text.len();
    for t in doc.tokens.iter().filter(|t| t.sent_start) {
        let s = doc.orig_span(t).start;
        if s <= span.start {
            lo = s;
        } else if s >= span.end {
            hi = s;
            break;
        }
    }
    let mut lo = lo.max(span.start.saturating_sub(max));
    let mut hi = hi.min(span.end + max).min(text.len());
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    text[lo..hi]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A finding in the diagnostics dump.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DumpFinding {
    /// Rule id.
    pub rule: String,
    /// Spun text of the finding.
    pub text: String,
    /// Its suggestion.
    pub suggestion: Option<String>,
    /// What the suggestion should have been (for findings on a swap).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Confidence.
    pub confidence: f64,
    /// It lies on an `edits` insertion (spun, but not labelled).
    pub on_edit: bool,
    /// The sentence around it.
    pub context: String,
}

/// A labelled swap that no finding overlaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DumpMiss {
    /// The spun word(s).
    pub spun: String,
    /// The original word(s).
    pub original: String,
    /// The sentence around it.
    pub context: String,
}

/// Per-record diagnostics for error analysis (one JSON line each).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostics {
    /// Record id.
    pub id: String,
    /// Spinner.
    pub spinner: String,
    /// Score of the original.
    pub score_original: f64,
    /// Score of the spun text.
    pub score_spun: f64,
    /// Selected findings on the spun text that hit no swap.
    pub false_positives: Vec<DumpFinding>,
    /// Findings on a swap whose suggestion is not the original.
    pub wrong_suggestions: Vec<DumpFinding>,
    /// Swaps no finding overlaps.
    pub missed: Vec<DumpMiss>,
    /// Selected findings on the original text (all false alarms).
    pub original_false_positives: Vec<DumpFinding>,
}

/// Build the diagnostics of a judged record.
pub fn diagnostics(
    rec: &Record,
    original: &Report,
    spun: &Report,
    judged: &RecordEval,
    sel: &Selection,
) -> Diagnostics {
    const CONTEXT: usize = 200;
    let doc = Document::new(&rec.spun);
    let dump = |f: &Finding, doc: &Document, expected: Option<String>, on_edit: bool| DumpFinding {
        rule: f.rule.clone(),
        text: f.text.clone(),
        suggestion: f.suggestion.clone(),
        expected,
        confidence: f.confidence,
        on_edit,
        context: sentence_around(doc, f.start..f.end, CONTEXT),
    };
    let mut false_positives = Vec::new();
    let mut wrong_suggestions = Vec::new();
    for fe in &judged.findings {
        let f = &spun.findings[fe.index];
        if fe.swaps.is_empty() {
            false_positives.push(dump(f, &doc, None, fe.on_edit));
        } else if !fe.suggestion_correct {
            let exp = expected_suggestion(rec, f.start..f.end, &fe.swaps);
            wrong_suggestions.push(dump(f, &doc, Some(exp), fe.on_edit));
        }
    }
    let missed = rec
        .swaps
        .iter()
        .zip(&judged.labels)
        .filter(|(_, l)| l.is_none())
        .map(|(s, _)| DumpMiss {
            spun: s.spun.clone(),
            original: s.original.clone(),
            context: sentence_around(&doc, s.start..s.end, CONTEXT),
        })
        .collect();
    let odoc = Document::new(&rec.original);
    let original_false_positives = original
        .findings
        .iter()
        .filter(|f| sel.matches(f))
        .map(|f| dump(f, &odoc, None, false))
        .collect();
    Diagnostics {
        id: rec.id.clone(),
        spinner: rec.spinner.clone(),
        score_original: judged.score_original,
        score_spun: judged.score_spun,
        false_positives,
        wrong_suggestions,
        missed,
        original_false_positives,
    }
}

/// One clean document checked as `unspun check` would (`unspun eval --clean`).
#[derive(Debug, Clone, PartialEq)]
pub struct CleanDoc {
    /// The genre (the sub-folder it came from).
    pub genre: String,
    /// Words, as the report counts them.
    pub words: usize,
    /// The document score.
    pub score: f64,
    /// Rule ids of its findings at or above `warning` (what fails a default CI run).
    pub warnings: Vec<String>,
    /// Findings of every severity.
    pub findings: usize,
}

impl CleanDoc {
    /// Summarize a report: `warnings` are its findings at or above [`crate::Severity::Warning`].
    pub fn from_report(genre: &str, report: &Report) -> Self {
        CleanDoc {
            genre: genre.to_string(),
            words: report.words,
            score: report.score,
            warnings: report
                .findings
                .iter()
                .filter(|f| f.severity >= crate::Severity::Warning)
                .map(|f| f.rule.clone())
                .collect(),
            findings: report.findings.len(),
        }
    }

    /// Would `unspun check` with default settings exit 2 on it?
    pub fn fails_ci(&self) -> bool {
        !self.warnings.is_empty()
    }
}

/// The figures of one genre of clean text (or of all of them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanStats {
    /// Genre name, or `all`.
    pub genre: String,
    /// Documents.
    pub documents: usize,
    /// Words.
    pub words: usize,
    /// Findings at or above warning.
    pub warnings: usize,
    /// Warnings per 10,000 words (`None` without words).
    pub warnings_per_10k_words: Option<f64>,
    /// Findings of any severity per 10,000 words.
    pub findings_per_10k_words: Option<f64>,
    /// Documents with at least one warning: a default CI run fails on them.
    pub documents_failing_ci: usize,
    /// Their share.
    pub ci_fail_share: Option<f64>,
    /// Mean document score.
    pub mean_score: Option<f64>,
    /// Documents scoring below 75 (not "mostly faithful").
    pub documents_below_75: usize,
    /// Warnings per rule, most frequent first (ties by rule id).
    pub top_rules: Vec<RuleCount>,
}

/// A rule and how many warnings it gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// Rule id.
    pub rule: String,
    /// Warnings.
    pub count: usize,
    /// Documents with at least one of them.
    pub documents: usize,
}

/// Aggregate clean documents per genre (sorted by name) and overall (last, `all`).
pub fn clean_stats(docs: &[CleanDoc]) -> Vec<CleanStats> {
    let stats = |name: &str, ds: &[&CleanDoc]| -> CleanStats {
        let words: usize = ds.iter().map(|d| d.words).sum();
        let warnings: usize = ds.iter().map(|d| d.warnings.len()).sum();
        let findings: usize = ds.iter().map(|d| d.findings).sum();
        let failing = ds.iter().filter(|d| d.fails_ci()).count();
        let per10k = |n: usize| (words > 0).then(|| n as f64 * 10_000.0 / words as f64);
        let mut rules: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for d in ds {
            let mut seen: Vec<&str> = Vec::new();
            for r in &d.warnings {
                let e = rules.entry(r).or_default();
                e.0 += 1;
                if !seen.contains(&r.as_str()) {
                    seen.push(r);
                    e.1 += 1;
                }
            }
        }
        let mut top_rules: Vec<RuleCount> = rules
            .into_iter()
            .map(|(rule, (count, documents))| RuleCount {
                rule: rule.to_string(),
                count,
                documents,
            })
            .collect();
        top_rules.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
        CleanStats {
            genre: name.to_string(),
            documents: ds.len(),
            words,
            warnings,
            warnings_per_10k_words: per10k(warnings),
            findings_per_10k_words: per10k(findings),
            documents_failing_ci: failing,
            ci_fail_share: ratio(failing, ds.len()),
            mean_score: (!ds.is_empty())
                .then(|| ds.iter().map(|d| d.score).sum::<f64>() / ds.len() as f64),
            documents_below_75: ds.iter().filter(|d| d.score < 75.0).count(),
            top_rules,
        }
    };
    let mut groups: BTreeMap<&str, Vec<&CleanDoc>> = BTreeMap::new();
    for d in docs {
        groups.entry(&d.genre).or_default().push(d);
    }
    let mut out: Vec<CleanStats> = groups.iter().map(|(g, ds)| stats(g, ds)).collect();
    let all: Vec<&CleanDoc> = docs.iter().collect();
    out.push(stats("all", &all));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn finding(start: usize, end: usize, text: &str, sugg: Option<&str>, conf: f64) -> Finding {
        Finding {
            rule: "swap.test".into(),
            category: Category::Swap,
            severity: Severity::Warning,
            start,
            end,
            line: 1,
            column: 1,
            text: text.into(),
            suggestion: sugg.map(String::from),
            message: String::new(),
            confidence: conf,
            language: None,
        }
    }

    fn report(score: f64, findings: Vec<Finding>) -> Report {
        Report {
            path: String::new(),
            score,
            words: 10,
            findings,
            truncated: None,
            language: None,
            verdict: None,
            translated_from: None,
        }
    }

    /// A record whose offsets are given as code points, like the data set's.
    fn record(
        spun: &str,
        swaps: &[(usize, usize, &str)],
        edits: &[(usize, usize, &str)],
    ) -> Record {
        let ch = |v: &[(usize, usize, &str)]| {
            v.iter()
                .map(|(s, e, o)| {
                    let piece: String = spun.chars().skip(*s).take(e - s).collect();
                    serde_json::json!({"spun_start": s, "spun_end": e, "spun": piece, "original": o})
                })
                .collect::<Vec<_>>()
        };
        let line = serde_json::json!({
            "id": "t", "spinner": "x", "original": "", "spun": spun,
            "swaps": ch(swaps), "edits": ch(edits),
        });
        parse_record(&line.to_string()).unwrap()
    }

    #[test]
    fn codepoints_to_bytes() {
        assert_eq!(codepoint_offsets("a\u{e9}\u{1f600}b"), vec![0, 1, 3, 7, 8]);
        assert_eq!(codepoint_offsets(""), vec![0]);
    }

    #[test]
    fn parse_converts_codepoint_offsets() {
        // "é" is 2 bytes and "—" 3: code point 7 is byte 10.
        let r = record("caf\u{e9} \u{2014} big dog", &[(7, 10, "large")], &[]);
        assert_eq!(r.swaps[0].start, 10);
        assert_eq!(r.swaps[0].end, 13);
        assert_eq!(&r.spun[r.swaps[0].start..r.swaps[0].end], "big");
        assert!(r.edits.is_empty());
    }

    #[test]
    fn parse_rejects_bad_offsets() {
        let line = r#"{"id":"a","spinner":"s","original":"o","spun":"ab cd","swaps":[{"spun_start":0,"spun_end":2,"spun":"cd","original":"x"}]}"#;
        let e = parse_record(line).unwrap_err();
        assert!(e.contains("swap 1") && e.contains("\"ab\""), "{e}");
        let line = r#"{"id":"a","spinner":"s","original":"o","spun":"ab","swaps":[{"spun_start":1,"spun_end":9,"spun":"b","original":"x"}]}"#;
        let e = parse_record(line).unwrap_err();
        assert!(e.contains("outside"), "{e}");
        let e = parse_record(r#"{"id":"a"}"#).unwrap_err();
        assert!(e.contains("missing field"), "{e}");
        assert!(parse_record("not json").is_err());
    }

    #[test]
    fn auc_counts_ties_as_half() {
        assert_eq!(roc_auc(&[1.0, 2.0], &[3.0, 4.0]), Some(1.0));
        assert_eq!(roc_auc(&[5.0], &[3.0, 4.0]), Some(0.0));
        // pairs (1,2) (1,3) win, (2,2) ties, (2,3) wins: 3.5 of 4.
        assert_eq!(roc_auc(&[1.0, 2.0], &[2.0, 3.0]), Some(0.875));
        assert_eq!(roc_auc(&[100.0; 3], &[100.0; 5]), Some(0.5));
        assert_eq!(roc_auc(&[], &[1.0]), None);
        assert_eq!(roc_auc(&[1.0], &[]), None);
    }

    #[test]
    fn threshold_flags_at_most_one_percent() {
        // 200 originals 0..199: k = 2, t = 2, flags 0 and 1.
        let orig: Vec<f64> = (0..200).map(f64::from).collect();
        assert_eq!(fpr_threshold(&orig, 0.01), Some(2.0));
        // 99 originals: k = 0, t = the lowest.
        assert_eq!(fpr_threshold(&orig[..99], 0.01), Some(0.0));
        // Ties at the threshold are not split: nothing below 5 is flagged.
        let mut tied = vec![5.0; 100];
        tied.push(9.0);
        assert_eq!(fpr_threshold(&tied, 0.01), Some(5.0));
        assert_eq!(recall_below(&[4.9, 5.0, 6.0, 1.0], 5.0), Some(0.5));
        assert_eq!(fpr_threshold(&[], 0.01), None);
        assert_eq!(recall_below(&[], 5.0), None);
    }

    #[test]
    fn overlap_needs_a_shared_byte() {
        assert!(overlaps(&(0..3), &(2..5)));
        assert!(!overlaps(&(0..3), &(3..5)));
        assert!(overlaps(&(2..3), &(0..9)));
    }

    #[test]
    fn f1_and_ratios() {
        assert_eq!(ratio(1, 4), Some(0.25));
        assert_eq!(ratio(1, 0), None);
        assert_eq!(f1(Some(1.0), Some(0.5)), Some(2.0 / 3.0));
        assert_eq!(f1(Some(0.0), Some(0.0)), Some(0.0));
        assert_eq!(f1(None, Some(0.5)), None);
    }

    #[test]
    fn expected_suggestion_puts_swaps_back() {
        //          0123456789012345678901234
        let r = record(
            "in no unsure terms, self control",
            &[(6, 12, "uncertain"), (20, 32, "restraint")],
            &[],
        );
        // A phrase finding: the whole phrase with the swap reverted.
        let s = r.swaps[0].start;
        assert_eq!(
            expected_suggestion(&r, 0..18, &[0]),
            "in no uncertain terms"
        );
        assert_eq!(expected_suggestion(&r, s..s + 6, &[0]), "uncertain");
        // A finding on part of a multi-word swap is widened to the whole swap.
        assert_eq!(expected_suggestion(&r, 25..32, &[1]), "restraint");
        assert_eq!(fold_for_compare("  In No\n uncertain  "), "in no uncertain");
    }

    #[test]
    fn judges_findings_labels_and_edits() {
        // spun: "the big dog and the tall cat sat" with big<-large, tall<-high, edit " and the".
        let spun = "the big dog and the tall cat sat";
        let r = record(spun, &[(4, 7, "large"), (20, 24, "high")], &[(11, 19, " ")]);
        let fs = vec![
            finding(4, 7, "big", Some("Large"), 0.9), // hit, right suggestion
            finding(12, 15, "and", Some("x"), 0.6),   // on the edit: false positive
            finding(20, 28, "tall cat", Some("tall cat"), 0.7), // hit, wrong suggestion
            finding(29, 32, "sat", None, 0.95),       // plain false positive
        ];
        let mut glue = finding(0, 3, "the", None, 1.0);
        glue.category = Category::Glue;
        let mut all = fs.clone();
        all.push(glue);
        let e = evaluate_record(
            &r,
            &report(90.0, vec![]),
            &report(50.0, all),
            &Selection::default(),
        );
        assert_eq!(e.findings.len(), 4, "the glue finding is not selected");
        assert_eq!(e.findings[0].swaps, vec![0]);
        assert!(e.findings[0].suggestion_correct);
        assert!(e.findings[1].swaps.is_empty() && e.findings[1].on_edit);
        assert_eq!(e.findings[2].swaps, vec![1]);
        assert!(!e.findings[2].suggestion_correct);
        assert!(!e.findings[3].on_edit);
        assert_eq!(e.labels, vec![Some(0.9), Some(0.7)]);

        let c = SpanCounts::of([&e], 0.0);
        assert_eq!(
            (c.findings, c.true_findings, c.findings_on_edits),
            (4, 2, 1)
        );
        assert_eq!((c.labels, c.labels_found, c.suggestions_correct), (2, 2, 1));
        assert_eq!(c.precision(), Some(0.5));
        assert_eq!(c.recall(), Some(1.0));
        assert_eq!(c.suggestion_accuracy(), Some(0.5));
        // At 0.8 only "big" (0.9) and "sat" (0.95) remain.
        let c = SpanCounts::of([&e], 0.8);
        assert_eq!((c.findings, c.true_findings, c.labels_found), (2, 1, 1));
        // At exactly a finding's confidence it still counts.
        assert_eq!(SpanCounts::of([&e], 0.7).labels_found, 2);

        let only = Selection {
            rules: vec!["other.rule".into()],
            category: Category::Swap,
        };
        let e = evaluate_record(&r, &report(90.0, vec![]), &report(50.0, fs), &only);
        assert!(e.findings.is_empty());
        assert_eq!(e.labels, vec![None, None]);
    }

    #[test]
    fn aggregates_per_spinner_with_shared_originals() {
        let rec = |spinner: &str, orig: f64, spun: f64, found: bool| RecordEval {
            spinner: spinner.into(),
            score_original: orig,
            score_spun: spun,
            findings: if found {
                vec![FindingEval {
                    index: 0,
                    confidence: 0.9,
                    swaps: vec![0],
                    on_edit: false,
                    suggestion_correct: true,
                }]
            } else {
                vec![]
            },
            labels: vec![found.then_some(0.9), None],
            original_findings: vec![],
        };
        let rs = vec![
            rec("b", 100.0, 40.0, true),
            rec("a", 90.0, 100.0, false),
            rec("b", 100.0, 95.0, false),
        ];
        let ev = evaluate(&rs);
        assert_eq!(ev.threshold, Some(90.0));
        assert_eq!(ev.originals_flagged, 0);
        let names: Vec<_> = ev.spinners.iter().map(|m| m.spinner.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        // a: 100 vs {100, 90, 100}: two ties, one loss -> 1/3.
        assert_eq!(ev.spinners[0].auc, Some(1.0 / 3.0));
        assert_eq!(ev.spinners[0].recall_at_1pct_fpr, Some(0.0));
        assert_eq!(ev.spinners[0].span_precision, None);
        // b: 40 beats all three; 95 beats two, loses one -> 5/6.
        assert_eq!(ev.spinners[1].auc, Some(5.0 / 6.0));
        assert_eq!(ev.spinners[1].recall_at_1pct_fpr, Some(0.5));
        assert_eq!(ev.spinners[1].span_recall, Some(0.25));
        assert_eq!(ev.all.docs, 3);
        assert_eq!(ev.all.span_recall, Some(1.0 / 6.0));
        assert_eq!(ev.sweep.len(), SWEEP.len());
        assert_eq!(ev.sweep[8].confidence, 0.9);
        assert_eq!(ev.sweep[8].findings, 1);
        assert_eq!(ev.sweep[9].findings, 0);
        assert_eq!(ev.sweep[9].span_precision, None);
    }

    #[test]
    fn context_is_the_sentence() {
        let text = "First one here. The big dog barked. Last one.";
        let doc = Document::new(text);
        let s = text.find("big").unwrap();
        assert_eq!(sentence_around(&doc, s..s + 3, 200), "The big dog barked.");
        assert_eq!(sentence_around(&doc, s..s + 3, 4), "The big dog");
    }

    #[test]
    fn findings_on_originals_are_false_alarms() {
        let spun = "the big dog sat";
        let r = record(spun, &[(4, 7, "large")], &[]);
        let hit = finding(4, 7, "big", Some("large"), 0.9);
        let on_original = vec![
            finding(0, 3, "the", None, 0.8),
            finding(4, 9, "large", None, 0.6),
        ];
        let e = evaluate_record(
            &r,
            &report(80.0, on_original),
            &report(50.0, vec![hit]),
            &Selection::default(),
        );
        assert_eq!(e.original_findings, vec![0.8, 0.6]);
        let c = SpanCounts::of([&e], 0.0);
        assert_eq!(
            (c.findings, c.true_findings, c.original_findings),
            (1, 1, 2)
        );
        // One true finding against two false alarms on the clean text.
        assert_eq!(c.precision(), Some(1.0 / 3.0));
        assert_eq!(c.precision_spun_only(), Some(1.0));
        // The confidence threshold applies to the originals too.
        let c = SpanCounts::of([&e], 0.7);
        assert_eq!(c.original_findings, 1);
        assert_eq!(c.precision(), Some(0.5));
        let ev = evaluate(&[e]);
        assert_eq!(ev.all.span_precision, Some(1.0 / 3.0));
        assert_eq!(ev.all.span_precision_spun_only, Some(1.0));
        assert_eq!(ev.all.counts.original_findings, 2);
        assert_eq!(ev.sweep[0].original_findings, 2); // c = 0.50
        assert_eq!(ev.sweep[6].confidence, 0.8);
        assert_eq!(ev.sweep[6].original_findings, 1); // only the 0.8 one
        assert_eq!(ev.sweep[6].span_precision, Some(0.5));
    }

    #[test]
    fn clean_stats_per_genre() {
        let doc =
            |genre: &str, words: usize, score: f64, warnings: &[&str], findings: usize| CleanDoc {
                genre: genre.into(),
                words,
                score,
                warnings: warnings.iter().map(|s| s.to_string()).collect(),
                findings,
            };
        let docs = vec![
            doc("news", 1000, 100.0, &[], 0),
            doc("news", 3000, 70.0, &["glue.x", "glue.x", "swap.y"], 4),
            doc("api", 500, 90.0, &["swap.y"], 1),
            doc("api", 500, 100.0, &[], 1),
        ];
        let s = clean_stats(&docs);
        let names: Vec<_> = s.iter().map(|g| g.genre.as_str()).collect();
        assert_eq!(names, ["api", "news", "all"]);
        let news = &s[1];
        assert_eq!((news.documents, news.words, news.warnings), (2, 4000, 3));
        assert_eq!(news.warnings_per_10k_words, Some(7.5));
        assert_eq!(news.findings_per_10k_words, Some(10.0));
        assert_eq!(news.documents_failing_ci, 1);
        assert_eq!(news.ci_fail_share, Some(0.5));
        assert_eq!(news.mean_score, Some(85.0));
        assert_eq!(news.documents_below_75, 1);
        assert_eq!(
            news.top_rules,
            vec![
                RuleCount {
                    rule: "glue.x".into(),
                    count: 2,
                    documents: 1
                },
                RuleCount {
                    rule: "swap.y".into(),
                    count: 1,
                    documents: 1
                },
            ]
        );
        let all = &s[2];
        assert_eq!((all.documents, all.words, all.warnings), (4, 5000, 4));
        assert_eq!(all.documents_failing_ci, 2);
        assert_eq!(all.top_rules[0].count, 2);
        assert_eq!(
            all.top_rules[1],
            RuleCount {
                rule: "swap.y".into(),
                count: 2,
                documents: 2
            }
        );
        assert_eq!(clean_stats(&[]).last().unwrap().ci_fail_share, None);
    }
}
