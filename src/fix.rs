//! Automatic fixes: the suggestions that are safe to apply without a human look.
//!
//! A finding is fixed when its rule declares `fix_safe`, it has a suggestion and its
//! confidence is at least the threshold. Overlapping fixes are skipped (the first one in text
//! order wins); edits are applied right to left so offsets stay valid.

use crate::rules::RuleTable;
use crate::Report;

/// One replacement in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// The replacement text.
    pub replacement: String,
    /// The rule whose suggestion this is.
    pub rule: String,
}

/// The safe edits of a report, sorted and non-overlapping.
pub fn safe_edits(report: &Report, table: &RuleTable, min_confidence: f64) -> Vec<Edit> {
    let mut edits: Vec<Edit> = report
        .findings
        .iter()
        .filter(|f| f.confidence >= min_confidence)
        .filter(|f| table.get(&f.rule).is_some_and(|r| r.fix_safe))
        .filter_map(|f| {
            let s = f.suggestion.as_ref()?;
            (*s != f.text).then(|| Edit {
                start: f.start,
                end: f.end,
                replacement: s.clone(),
                rule: f.rule.clone(),
            })
        })
        .collect();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        if out.last().is_none_or(|l| l.end <= e.start) {
            out.push(e);
        }
    }
    out
}

/// Apply sorted, non-overlapping edits (right to left).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits.iter().rev() {
        if e.start <= e.end
            && e.end <= s.len()
            && s.is_char_boundary(e.start)
            && s.is_char_boundary(e.end)
        {
            s.replace_range(e.start..e.end, &e.replacement);
        }
    }
    s
}

/// A unified diff (`--- a/PATH`, `+++ b/PATH`, three lines of context); empty if equal.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checker;

    #[test]
    fn fixes_safe_confident_findings_only() {
        let checker = Checker::builder().build().unwrap();
        // A set phrase a spinner broke (safe) and glue and a doubled word (suggested, but
        // not safe: their measured precision on clean text is below 0.99).
        let text = "He said thatRussia was ready in no unpredictable terms. It was the the best.\n";
        let report = checker.check(text);
        for rule in ["glue.joined-words", "garble.repeated-word", "swap.idiom"] {
            assert!(
                report
                    .findings
                    .iter()
                    .any(|f| f.rule == rule && f.suggestion.is_some()),
                "{rule}: {:?}",
                report.findings
            );
        }
        let edits = safe_edits(&report, checker.rules(), 0.0);
        assert!(!edits.is_empty());
        for e in &edits {
            assert!(checker.rules().get(&e.rule).unwrap().fix_safe);
        }
        let fixed = apply(text, &edits);
        assert!(fixed.contains("in no uncertain terms"), "{fixed}");
        assert!(
            fixed.contains("thatRussia") && fixed.contains("the the"),
            "{fixed}"
        );
        // A threshold above every confidence fixes nothing.
        assert!(safe_edits(&report, checker.rules(), 1.01).is_empty());
        let d = unified_diff("x.txt", text, &fixed);
        assert!(d.starts_with("--- a/x.txt\n+++ b/x.txt\n"), "{d}");
        assert!(
            d.contains("-He said thatRussia was ready in no unpredictable"),
            "{d}"
        );
        assert!(
            d.contains("+He said thatRussia was ready in no uncertain"),
            "{d}"
        );
    }

    #[test]
    fn edits_apply_right_to_left() {
        let e = |s, t, r: &str| Edit {
            start: s,
            end: t,
            replacement: r.into(),
            rule: "x".into(),
        };
        let report = Report {
            path: String::new(),
            score: 0.0,
            words: 0,
            findings: Vec::new(),
            truncated: None,
            language: None,
            verdict: None,
            translated_from: None,
        };
        assert!(safe_edits(&report, &RuleTable::default(), 0.0).is_empty());
        assert_eq!(apply("abcdef", &[e(0, 2, "X"), e(4, 6, "YY")]), "XcdYY");
    }
}
