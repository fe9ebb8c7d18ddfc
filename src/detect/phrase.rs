//! Every fixed phrase of every pack (`phrase` entries, `boilerplate` and `foreign` phrases),
//! matched in one Aho-Corasick pass over the folded text, whole words only.

use super::{at_word_bounds, Detector};
use crate::finding::Hit;
use crate::rules::{Kind, Origin, PackError, RuleTable};
use crate::text::{Document, Normalized};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;

#[derive(Debug)]
struct Target {
    rule: usize,
    suggestion: Option<String>,
    confidence: f64,
    whole_line: bool,
}

/// The compiled phrase matcher.
#[derive(Debug)]
pub struct PhraseMatcher {
    /// A contiguous NFA: quick to build (a checker for one short text starts fast).
    ac: Option<AhoCorasick>,
    targets: Vec<Target>,
    dfa: Dfa,
}

/// Text scanned with the NFA before the DFA is built.
const DFA_AFTER_BYTES: u64 = 4 << 20;

/// The same automaton as a DFA, built once a checker has scanned [`DFA_AFTER_BYTES`]: about
/// 80 ms and 30 MB to build for the embedded packs, then five to ten times faster per byte than
/// the NFA, which is what batch scoring wants. Both find exactly the same matches
/// (same patterns, same match kind), so results never depend on which one ran.
#[derive(Debug, Default)]
struct Dfa {
    patterns: Vec<String>,
    scanned: AtomicU64,
    building: AtomicBool,
    ready: OnceLock<Option<AhoCorasick>>,
}

impl Dfa {
    /// The DFA if it is ready; builds it (in this thread, while the others go on with the NFA)
    /// once enough text has gone by.
    fn get(&self, len: usize) -> Option<&AhoCorasick> {
        if let Some(d) = self.ready.get() {
            return d.as_ref();
        }
        let seen = self.scanned.fetch_add(len as u64, Ordering::Relaxed) + len as u64;
        if seen >= DFA_AFTER_BYTES
            && self
                .building
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            let dfa = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&self.patterns)
                .ok();
            let _ = self.ready.set(dfa);
            return self.ready.get().and_then(|d| d.as_ref());
        }
        None
    }
}

/// Fold a pattern the way documents are folded, so both sides compare alike.
pub(crate) fn fold(s: &str) -> String {
    Normalized::new(s.trim()).text
}

/// Base confidence of a phrase-pack match with `count` occurrences in the source list.
fn phrase_confidence(base: Option<f64>, count: f64) -> f64 {
    base.unwrap_or_else(|| (0.6 + 0.08 * count.max(1.0).log10()).min(0.95))
}

impl PhraseMatcher {
    /// Compile the phrase-like parts of the enabled pack rules.
    pub fn compile(
        table: &RuleTable,
        enabled: &dyn Fn(usize) -> bool,
    ) -> Result<PhraseMatcher, Vec<PackError>> {
        let mut patterns: Vec<String> = Vec::new();
        let mut targets = Vec::new();
        for (i, rule) in table.rules.iter().enumerate() {
            let Origin::Pack(def) = &rule.origin else {
                continue;
            };
            if !enabled(i) {
                continue;
            }
            let mut add = |pat: &str, suggestion: Option<String>, confidence: f64, whole_line| {
                let p = fold(pat);
                if !p.is_empty() {
                    patterns.push(p);
                    targets.push(Target {
                        rule: i,
                        suggestion,
                        confidence,
                        whole_line,
                    });
                }
            };
            match def.kind {
                Kind::Phrase => {
                    for (found, orig) in &def.entries {
                        add(
                            found,
                            Some(orig.clone()),
                            phrase_confidence(def.confidence, 10.0),
                            false,
                        );
                    }
                    if let Some(rows) = table.csv_entries.get(&rule.id) {
                        for (found, orig, count) in rows {
                            add(
                                found,
                                Some(orig.clone()),
                                phrase_confidence(def.confidence, *count),
                                false,
                            );
                        }
                    }
                }
                Kind::Boilerplate => {
                    for p in &def.phrases {
                        add(
                            p,
                            def.suggestion.clone(),
                            def.confidence.unwrap_or(0.9),
                            def.whole_line,
                        );
                    }
                }
                Kind::Foreign => {
                    for p in &def.phrases {
                        let s = def
                            .translate
                            .get(&fold(p))
                            .cloned()
                            .or(def.suggestion.clone());
                        add(p, s, def.confidence.unwrap_or(0.95), false);
                    }
                }
                Kind::Regex => {}
            }
        }
        if patterns.is_empty() {
            return Ok(PhraseMatcher {
                ac: None,
                targets,
                dfa: Dfa::default(),
            });
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .map_err(|e| {
                vec![PackError {
                    file: "rules".into(),
                    line: 0,
                    column: 0,
                    rule: None,
                    message: format!("cannot compile phrases: {e}"),
                }]
            })?;
        Ok(PhraseMatcher {
            ac: Some(ac),
            targets,
            dfa: Dfa {
                patterns,
                ..Dfa::default()
            },
        })
    }

    /// No phrases at all?
    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }
}

/// Is `s..e` all that stands on its line, besides punctuation and spaces?
pub(crate) fn alone_on_line(text: &str, s: usize, e: usize) -> bool {
    let ls = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let le = text[e..].find('\n').map_or(text.len(), |i| e + i);
    let quiet = |t: &str| t.chars().all(|c| !c.is_alphanumeric());
    quiet(&text[ls..s]) && quiet(&text[e..le])
}

impl Detector for PhraseMatcher {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        let Some(nfa) = &self.ac else { return };
        let text = doc.norm.text.as_str();
        let ac = self.dfa.get(text.len()).unwrap_or(nfa);
        for m in ac.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            if !at_word_bounds(text, s, e) {
                continue;
            }
            let t = &self.targets[m.pattern().as_usize()];
            if t.whole_line && !alone_on_line(text, s, e) {
                continue;
            }
            let span = doc.norm_to_orig(s, e);
            if doc.is_masked(span.start, span.end) {
                continue;
            }
            let mut hit = Hit::new(t.rule, span, t.confidence);
            hit.suggestion = t.suggestion.clone();
            out.push(hit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dfa_finds_what_the_nfa_finds() {
        let mut table = RuleTable::default();
        table.add_embedded().expect("embedded packs load");
        let m = PhraseMatcher::compile(&table, &|_| true).unwrap();
        let nfa = m.ac.as_ref().unwrap();
        assert!(
            m.dfa.get(1).is_none(),
            "not built before enough text went by"
        );
        let dfa = m.dfa.get(DFA_AFTER_BYTES as usize).expect("built after");
        assert_eq!(dfa.kind(), AhoCorasickKind::DFA);
        assert_eq!(nfa.kind(), AhoCorasickKind::ContiguousNFA);
        // Every pattern, glued to its neighbours and padded with prose, so that matches
        // overlap and compete for the longest.
        let mut text = String::new();
        for (i, p) in m.dfa.patterns.iter().enumerate() {
            text.push_str(p);
            text.push_str(if i % 3 == 0 { " " } else { " and the " });
        }
        let all = |ac: &AhoCorasick| {
            ac.find_iter(&text)
                .map(|x| (x.pattern(), x.start(), x.end()))
                .collect::<Vec<_>>()
        };
        let found = all(nfa);
        assert!(found.len() > m.dfa.patterns.len() / 2);
        assert_eq!(found, all(dfa));
    }
}
