//! Allowed words and phrases (`allow` in `.unspun.toml`): where they occur in a text, in one
//! pass over it whatever the number of entries.
//!
//! An entry matches case-insensitively, with any run of white space between its words (as
//! the regex `(?i)w1\s+w2` would). The text is folded once (lower case, each run of white
//! space as one space) and every entry is looked for at once with an Aho-Corasick automaton
//! (overlapping matches included); the folded offsets are mapped back to the original through
//! the few places where the two differ in length. It used to compile one regex per entry and
//! scan the text once per entry, and a 20 MB entry cost gigabytes.

use crate::Finding;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashSet;
use std::ops::Range;

/// At most this many entries in one `allow` list.
pub const MAX_ENTRIES: usize = 10_000;
/// At most this many bytes in one entry.
pub const MAX_ENTRY_BYTES: usize = 256;

/// An entry folded as the text is: words in lower case, one space between them.
fn fold_entry(e: &str) -> String {
    e.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The allowed words and phrases, ready to match.
#[derive(Debug)]
pub struct AllowList {
    /// Each entry folded (for a finding whose whole text is an entry).
    whole: HashSet<String>,
    /// Every entry at once.
    ac: Option<AhoCorasick>,
}

/// A text folded for matching, with the way back to original offsets.
struct Folded {
    text: String,
    /// `(folded offset, original offset)` wherever the difference between the two changes.
    marks: Vec<(usize, usize)>,
}

impl Folded {
    fn new(s: &str) -> Folded {
        let mut text = String::with_capacity(s.len());
        let mut marks = vec![(0, 0)];
        let mut delta = 0isize;
        let mut in_space = false;
        for (i, c) in s.char_indices() {
            let here = text.len();
            if c.is_whitespace() {
                if in_space {
                    continue;
                }
                in_space = true;
            } else {
                in_space = false;
            }
            if i as isize - here as isize != delta {
                delta = i as isize - here as isize;
                marks.push((here, i));
            }
            if c.is_whitespace() {
                text.push(' ');
            } else {
                text.extend(c.to_lowercase());
            }
        }
        marks.push((text.len(), s.len()));
        Folded { text, marks }
    }

    /// The original offset of a folded one.
    fn original(&self, at: usize) -> usize {
        let k = self.marks.partition_point(|&(f, _)| f <= at) - 1;
        let (f, o) = self.marks[k];
        o + (at - f)
    }
}

impl AllowList {
    /// Compile the entries (blank ones are ignored).
    pub fn new(entries: &[String]) -> AllowList {
        let folded: Vec<String> = entries
            .iter()
            .map(|e| fold_entry(e))
            .filter(|e| !e.is_empty())
            .collect();
        let whole = entries.iter().map(|e| e.trim().to_lowercase()).collect();
        let ac = (!folded.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&folded)
                    .ok()
            })
            .flatten();
        AllowList { whole, ac }
    }

    /// The original byte ranges of every occurrence of an entry (overlapping ones too), on
    /// char boundaries, sorted by start.
    pub fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let folded = Folded::new(text);
        let mut out: Vec<Range<usize>> = ac
            .find_overlapping_iter(&folded.text)
            .map(|m| {
                let mut s = folded.original(m.start()).min(text.len());
                while !text.is_char_boundary(s) {
                    s -= 1;
                }
                let mut e = folded.original(m.end()).min(text.len());
                while !text.is_char_boundary(e) {
                    e += 1;
                }
                s..e
            })
            .collect();
        out.sort_by_key(|r| (r.start, r.end));
        out
    }

    /// Drop the findings an entry allows: whose whole text is an entry, or that lie inside an
    /// occurrence of one. Linear in the text, the entries and the findings.
    pub fn retain(&self, findings: &mut Vec<Finding>, text: &str) {
        if findings.is_empty() || (self.ac.is_none() && self.whole.is_empty()) {
            return;
        }
        let spans = self.spans(text);
        // The furthest end among the spans starting at or before each one.
        let mut reach = Vec::with_capacity(spans.len());
        let mut far = 0;
        for r in &spans {
            far = far.max(r.end);
            reach.push(far);
        }
        findings.retain(|f| {
            if self.whole.contains(&f.text.trim().to_lowercase()) {
                return false;
            }
            let k = spans.partition_point(|r| r.start <= f.start);
            !(k > 0 && reach[k - 1] >= f.end)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_across_case_and_white_space() {
        let a = AllowList::new(&["Dentro  Cafe".into(), "cafe nero".into()]);
        let text = "At the DENTRO\n\t Cafe Nero, x";
        let spans = a.spans(text);
        assert_eq!(
            spans.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(),
            ["DENTRO\n\t Cafe", "Cafe Nero"],
            "overlapping occurrences are both found"
        );
        // Length-changing lower case (U+0130 folds to two characters) keeps offsets exact.
        let a = AllowList::new(&["x".into()]);
        let text = "\u{130}\u{130}  \u{130} X";
        let spans = a.spans(text);
        assert_eq!(spans.len(), 1);
        assert_eq!(&text[spans[0].clone()], "X");
    }

    #[test]
    fn many_findings_and_entries_stay_linear() {
        // 20,000 findings against 10,000 spans: a pairwise test would be 2e8 steps.
        let text = "ab ".repeat(20_000);
        let entries: Vec<String> = (0..MAX_ENTRIES).map(|i| format!("zz{i}")).collect();
        let mut list = entries.clone();
        list.push("ab".into());
        let a = AllowList::new(&list);
        let mk = |s: usize, t: &str| Finding {
            rule: "r".into(),
            category: crate::Category::Glue,
            severity: crate::Severity::Warning,
            start: s,
            end: s + 2,
            line: 1,
            column: s + 1,
            text: t.into(),
            suggestion: None,
            message: String::new(),
            confidence: 1.0,
            language: None,
        };
        let mut fs: Vec<Finding> = (0..20_000).map(|i| mk(3 * i, "ab")).collect();
        a.retain(&mut fs, &text);
        assert!(fs.is_empty());
        let mut fs: Vec<Finding> = (0..20_000).map(|i| mk(3 * i + 1, "b ")).collect();
        a.retain(&mut fs, &text);
        assert_eq!(fs.len(), 20_000, "findings across a boundary stay");
    }
}
