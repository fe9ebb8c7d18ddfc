//! Every fixed phrase of every pack (`phrase` entries, `boilerplate` and `foreign` phrases),
//! matched in one Aho-Corasick pass over the folded text, whole words only.

use super::{at_word_bounds, Detector};
use crate::finding::Hit;
use crate::rules::{Kind, Origin, PackError, RuleTable};
use crate::text::{Document, Normalized};
use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};
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
    /// A contiguous NFA (quick to build, small), searchable anchored and unanchored.
    ac: Option<AhoCorasick>,
    targets: Vec<Target>,
    /// Where a match may start, when every pattern is long enough for the test to be sharp.
    starts: Option<StartFilter>,
    dfa: Dfa,
}

/// Text scanned with the NFA before the DFA is built.
const DFA_AFTER_BYTES: u64 = 4 << 20;

/// The same automaton as a DFA, built once a checker has scanned [`DFA_AFTER_BYTES`]: about
/// 80 ms and 30 MB to build for the embedded packs, then five to ten times faster per byte than
/// the NFA. Only used when some pattern is too short for the [`StartFilter`]. Both find
/// exactly the same matches (same patterns, same match kind), so results never depend on which
/// one ran.
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

/// Shortest pattern (bytes) for which the [`StartFilter`] is used.
const FILTER_MIN_LEN: usize = 3;
/// log2 of the bits of each filter table (32 KB each: they stay in the L1/L2 cache).
const FILTER_BITS: u32 = 18;

/// A test that no pattern can start at a position, from the 16 bytes there: sets of hashed
/// pattern prefixes, as bits. Matches of tortured phrases are rare (a few per megabyte) while
/// every byte of the text is a possible start, so instead of running the automaton over every
/// byte, the text is run through this test (a load, a multiply and a bit test per byte) and the
/// automaton is run, anchored, only where the test passes (about 0.3% of positions in English
/// prose). The test never fails where a pattern starts (it is a prefix test; false positives
/// only cost an anchored search), and the leftmost-longest matches are found in the same order
/// with the same extents as by the unanchored search: see [`PhraseMatcher::for_each_match`].
#[derive(Debug)]
struct StartFilter {
    /// Hashed 8-byte prefixes of the patterns of 8 bytes or more.
    long: Box<[u64]>,
    /// Hashed `min(len, 16)`-byte prefixes of the same patterns, keyed by that length too.
    long_full: Box<[u64]>,
    /// The distinct values of `min(len, 16)` there, ascending.
    long_lens: Vec<usize>,
    /// The shortest pattern length under 8 (0: no pattern is shorter than 8 bytes).
    short_min: usize,
    /// Hashed `short_min`-byte prefixes of the patterns shorter than 8 bytes.
    short_pre: Box<[u64]>,
    /// Hashed patterns shorter than 8 bytes, keyed by their length.
    short: Box<[u64]>,
    /// Their distinct lengths, ascending.
    short_lens: Vec<usize>,
}

/// The first `len` (1 to 16) bytes of the 16-byte window `w`, hashed into a bit index; `seed`
/// tells the tables apart.
#[inline(always)]
fn window_hash(w: [u64; 2], len: usize, seed: u64) -> usize {
    let lo = w[0] & super::low_bytes_mask(len);
    let hi = w[1] & super::low_bytes_mask(len.saturating_sub(8));
    ((lo ^ hi.rotate_left(29) ^ seed ^ ((len as u64) << 58)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> (64 - FILTER_BITS)) as usize
}

const SEED_LONG: u64 = 0;
const SEED_FULL: u64 = 0x5555_5555;
const SEED_SHORT: u64 = 0xAAAA_AAAA_0000;
const SEED_PRE: u64 = 0x3333_0000_3333;

#[inline(always)]
fn test_bit(bits: &[u64], i: usize) -> bool {
    bits[i >> 6] & (1u64 << (i & 63)) != 0
}

fn set_bit(bits: &mut [u64], i: usize) {
    bits[i >> 6] |= 1u64 << (i & 63);
}

/// The 8 bytes at `i` as a little-endian word, zero-padded past the end.
#[inline(always)]
fn word_at(b: &[u8], i: usize) -> u64 {
    match b.get(i..i + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().expect("8 bytes")),
        None => {
            let mut buf = [0u8; 8];
            let rest = b.get(i..).unwrap_or_default();
            buf[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(buf)
        }
    }
}

/// The 16 bytes at `i` as two little-endian words, zero-padded past the end.
#[inline(always)]
fn window_at(b: &[u8], i: usize) -> [u64; 2] {
    [word_at(b, i), word_at(b, i + 8)]
}

impl StartFilter {
    /// `None` when a pattern is shorter than [`FILTER_MIN_LEN`] bytes.
    fn new(patterns: &[String]) -> Option<StartFilter> {
        if patterns.iter().map(String::len).min()? < FILTER_MIN_LEN {
            return None;
        }
        let words = 1usize << (FILTER_BITS - 6);
        let table = || vec![0u64; words].into_boxed_slice();
        let mut f = StartFilter {
            long: table(),
            long_full: table(),
            long_lens: Vec::new(),
            short_min: patterns
                .iter()
                .map(String::len)
                .filter(|&l| l < 8)
                .min()
                .unwrap_or(0),
            short_pre: table(),
            short: table(),
            short_lens: Vec::new(),
        };
        for p in patterns {
            let b = p.as_bytes();
            let w = window_at(b, 0);
            if b.len() >= 8 {
                set_bit(&mut f.long, window_hash(w, 8, SEED_LONG));
                let len = b.len().min(16);
                set_bit(&mut f.long_full, window_hash(w, len, SEED_FULL));
                if !f.long_lens.contains(&len) {
                    f.long_lens.push(len);
                }
            } else {
                set_bit(&mut f.short_pre, window_hash(w, f.short_min, SEED_PRE));
                set_bit(&mut f.short, window_hash(w, b.len(), SEED_SHORT));
                if !f.short_lens.contains(&b.len()) {
                    f.short_lens.push(b.len());
                }
            }
        }
        f.long_lens.sort_unstable();
        f.short_lens.sort_unstable();
        Some(f)
    }

    /// The first position from `i` on where a pattern may start (`b.len()` if none). The first
    /// tests (8-byte prefixes of the long patterns, the shortest short pattern's prefix) are
    /// combined without a branch, so the loop only branches where one passes.
    #[inline]
    fn next_start(&self, b: &[u8], mut i: usize) -> usize {
        let short = self.short_min > 0;
        while i < b.len() {
            let lo = word_at(b, i);
            let mut hit = test_bit(&self.long, window_hash([lo, 0], 8, SEED_LONG));
            if short {
                hit |= test_bit(
                    &self.short_pre,
                    window_hash([lo, 0], self.short_min, SEED_PRE),
                );
            }
            if hit && self.may_start(b, i, lo) {
                return i;
            }
            i += 1;
        }
        b.len()
    }

    /// May a pattern start at `i` (`lo`: the 8 bytes there)?
    #[cold]
    fn may_start(&self, b: &[u8], i: usize, lo: u64) -> bool {
        if test_bit(&self.long, window_hash([lo, 0], 8, SEED_LONG)) {
            let w = [lo, word_at(b, i + 8)];
            if self
                .long_lens
                .iter()
                .any(|&len| test_bit(&self.long_full, window_hash(w, len, SEED_FULL)))
            {
                return true;
            }
        }
        self.short_min > 0
            && self
                .short_lens
                .iter()
                .any(|&len| test_bit(&self.short, window_hash([lo, 0], len, SEED_SHORT)))
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
                starts: None,
                dfa: Dfa::default(),
            });
        }
        let starts = StartFilter::new(&patterns);
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .start_kind(StartKind::Both)
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
            starts,
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
        self.for_each_match(&doc.norm.text, |s, e, pat| {
            self.matched(doc, s, e, pat, out);
        });
    }
}

impl PhraseMatcher {
    /// Every leftmost-longest match in `text` (folded), in order: start, end, pattern.
    fn for_each_match(&self, text: &str, mut f: impl FnMut(usize, usize, usize)) {
        let Some(nfa) = &self.ac else { return };
        let Some(starts) = &self.starts else {
            let ac = self.dfa.get(text.len()).unwrap_or(nfa);
            for m in ac.find_iter(text) {
                f(m.start(), m.end(), m.pattern().as_usize());
            }
            return;
        };
        // The unanchored leftmost-longest search returns, from position `p`, the longest match
        // starting at the first position `s >= p` where one starts, then goes on from its end.
        // Positions the filter rules out have no match starting there, so trying the others in
        // order with an anchored (longest) search gives the same matches.
        let b = text.as_bytes();
        let mut s = starts.next_start(b, 0);
        while s < b.len() {
            let input = Input::new(text).span(s..b.len()).anchored(Anchored::Yes);
            let next = match nfa.find(input) {
                Some(m) => {
                    f(m.start(), m.end(), m.pattern().as_usize());
                    m.end()
                }
                None => s + 1,
            };
            s = starts.next_start(b, next);
        }
    }
}

impl PhraseMatcher {
    /// Report the match of pattern `pat` at folded `s..e` if it stands as a phrase there.
    #[inline]
    fn matched(&self, doc: &Document, s: usize, e: usize, pat: usize, out: &mut Vec<Hit>) {
        let text = doc.norm.text.as_str();
        if !at_word_bounds(text, s, e) {
            return;
        }
        let t = &self.targets[pat];
        if t.whole_line && !alone_on_line(text, s, e) {
            return;
        }
        let span = doc.norm_to_orig(s, e);
        if doc.is_masked(span.start, span.end) {
            return;
        }
        let mut hit = Hit::new(t.rule, span, t.confidence);
        hit.suggestion = t.suggestion.clone();
        out.push(hit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern, glued to its neighbours and padded with prose, so that matches overlap
    /// and compete for the longest.
    fn all_patterns_text(patterns: &[String]) -> String {
        let mut text = String::new();
        for (i, p) in patterns.iter().enumerate() {
            text.push_str(p);
            text.push_str(match i % 4 {
                0 => " ",
                1 => " and the ",
                2 => "",
                _ => "s ",
            });
        }
        text
    }

    fn all(ac: &AhoCorasick, text: &str) -> Vec<(usize, usize, usize)> {
        ac.find_iter(text)
            .map(|x| (x.start(), x.end(), x.pattern().as_usize()))
            .collect()
    }

    #[test]
    fn filtered_search_finds_what_the_automaton_finds() {
        let mut table = RuleTable::default();
        table.add_embedded().expect("embedded packs load");
        let m = PhraseMatcher::compile(&table, &|_| true).unwrap();
        assert!(m.starts.is_some(), "the embedded patterns are long enough");
        let text = all_patterns_text(&m.dfa.patterns);
        let nfa = m.ac.as_ref().unwrap();
        let want = all(nfa, &text);
        assert!(want.len() > m.dfa.patterns.len() / 2);
        let mut got = Vec::new();
        m.for_each_match(&text, |s, e, p| got.push((s, e, p)));
        assert_eq!(got, want);
        // Every cut of a text with matches near its end (windows past the end are padded).
        let short = &text[..text.len().min(2000)];
        for end in (0..short.len()).filter(|&e| short.is_char_boundary(e)) {
            let mut got = Vec::new();
            m.for_each_match(&short[..end], |s, e, p| got.push((s, e, p)));
            assert_eq!(got, all(nfa, &short[..end]), "cut at {end}");
        }
    }

    #[test]
    fn short_patterns_use_the_automaton() {
        let pats: Vec<String> = ["ab", "abc d", "bcd", "x"].map(String::from).to_vec();
        assert!(StartFilter::new(&pats).is_none());
        let pats: Vec<String> = ["abc", "abcd e", "bcde", "cdefghijk"]
            .map(String::from)
            .to_vec();
        let f = StartFilter::new(&pats).expect("3 bytes is enough");
        let text = b"xxabcd e cdefghijk bcdef";
        for (i, _) in text.iter().enumerate() {
            let starts = pats.iter().any(|p| text[i..].starts_with(p.as_bytes()));
            assert!(!starts || f.next_start(text, i) == i, "at {i}");
        }
    }

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
        let text = all_patterns_text(&m.dfa.patterns);
        let found = all(nfa, &text);
        assert!(found.len() > m.dfa.patterns.len() / 2);
        assert_eq!(found, all(dfa, &text));
    }
}
