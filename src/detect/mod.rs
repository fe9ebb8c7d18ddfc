//! Detectors: each reads a [`Document`] and pushes [`Hit`]s with original byte spans.
//!
//! Pack rules are compiled into three shared matchers (one Aho-Corasick pass for every phrase,
//! one pass per regex, one dictionary pass for foreign words); built-in detectors are one file
//! each, listed in [`BUILTINS`].

mod foreign;
mod garble;
mod glue;
mod input;
mod ngram;
mod phrase;
mod regex_rules;
mod words;

use crate::finding::Hit;
use crate::lang::LanguageVerdict;
use crate::rules::{BuiltinRule, PackError, RuleTable};
use crate::text::Document;

pub use foreign::ForeignDetector;
pub use input::INVALID_UTF8_RULE;
pub use ngram::{
    document as ngram_document, document_judgement as ngram_document_judgement,
    judgements as ngram_judgements, DocumentJudgement, Features, WordJudgement,
};
pub use phrase::PhraseMatcher;
pub use regex_rules::RegexRules;

/// A detector.
pub trait Detector: Send + Sync {
    /// Push this detector's hits for `doc` onto `out`.
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>);

    /// Push this detector's hits for `doc`, knowing its languages (see [`crate::lang`]).
    /// Detectors that judge by the document's languages override this.
    fn detect_in(&self, doc: &Document, _language: &LanguageVerdict, out: &mut Vec<Hit>) {
        self.detect(doc, out)
    }

    /// Push this detector's hits for `doc`, knowing also how many *artifacts* the detectors
    /// that ran before it found: warnings of the glue, foreign and garble rules (glued words,
    /// untranslated leftovers, broken sentences), which a machine rewrite leaves behind. Only
    /// `ngram.swap` reads them, as evidence that the document went through one.
    fn detect_after(
        &self,
        doc: &Document,
        language: &LanguageVerdict,
        _artifacts: usize,
        out: &mut Vec<Hit>,
    ) {
        self.detect_in(doc, language, out)
    }

    /// Does [`Detector::detect_after`] read the artifacts? Counting them runs the hits so far
    /// through the report's pipeline, so only a detector that asks gets them (else 0).
    fn reads_artifacts(&self) -> bool {
        false
    }

    /// Does this detector read no English, so that it runs on documents in other languages
    /// too? (Only the input checks do.)
    fn language_independent(&self) -> bool {
        false
    }
}

/// Constructor of a built-in detector, given its rule's index in the table.
pub type Make = fn(usize) -> Box<dyn Detector>;

/// The built-in detectors: rule description and constructor. Add a detector here.
pub const BUILTINS: &[(&BuiltinRule, Make)] = &[
    (&glue::RULE, glue::make),
    (&garble::REPEATED, garble::make_repeated),
    (&garble::QUOTES, garble::make_quotes),
    (&garble::BROKEN_SENTENCE, garble::make_broken_sentence),
    (&garble::POSSESSIVE, garble::make_possessive),
    (&input::RULE, input::make),
    (&ngram::RULE, ngram::make),
];

/// Compile every pack rule of `table` whose index satisfies `enabled` into matchers.
pub fn compile_packs(
    table: &RuleTable,
    enabled: &dyn Fn(usize) -> bool,
) -> Result<Vec<Box<dyn Detector>>, Vec<PackError>> {
    // Both compilers run whatever the other says, so every error is reported at once.
    let mut out: Vec<Box<dyn Detector>> = Vec::new();
    let mut errors = Vec::new();
    match PhraseMatcher::compile(table, enabled) {
        Ok(phrase) if !phrase.is_empty() => out.push(Box::new(phrase)),
        Ok(_) => {}
        Err(mut e) => errors.append(&mut e),
    }
    match RegexRules::compile(table, enabled) {
        Ok(regex) if !regex.is_empty() => out.push(Box::new(regex)),
        Ok(_) => {}
        Err(mut e) => errors.append(&mut e),
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let foreign = ForeignDetector::compile(table, enabled);
    if !foreign.is_empty() {
        out.push(Box::new(foreign));
    }
    Ok(out)
}

/// Fill a message template: `{text}` and `{suggestion}`.
pub fn fill(template: &str, text: &str, suggestion: Option<&str>) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    template
        .replace("{text}", text)
        .replace("{suggestion}", suggestion.unwrap_or(""))
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn padded_words_do_not_depend_on_what_follows() {
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for start in 0..text.len() {
            for end in start..text.len().min(start + 20) {
                let alone = &text[start..end];
                let mut want = [0u8; 16];
                let k = alone.len().min(16);
                want[..k].copy_from_slice(&alone[..k]);
                let want = [
                    u64::from_le_bytes(want[..8].try_into().unwrap()),
                    u64::from_le_bytes(want[8..].try_into().unwrap()),
                ];
                assert_eq!(padded16(text, start, end), want, "{start}..{end}");
                assert_eq!(padded16(alone, 0, alone.len()), want);
                assert_eq!(
                    quick_hash(text, start, end),
                    quick_hash(alone, 0, alone.len())
                );
            }
        }
    }
}

/// Is the folded byte range `s..e` of `text` bounded by non-word characters?
#[inline]
pub(crate) fn at_word_bounds(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    let first = text[s..].chars().next();
    let last = text[..e].chars().next_back();
    let wordy = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    (!wordy(first) || !wordy(before)) && (!wordy(last) || !wordy(after))
}

/// 1 to 8 bytes as a little-endian word, zero-padded (without a copy through memory).
#[inline(always)]
pub(crate) fn load(b: &[u8]) -> u64 {
    let n = b.len();
    if n == 8 {
        u64::from_le_bytes(b.try_into().expect("8 bytes"))
    } else if n >= 4 {
        let lo = u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as u64;
        let hi = u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes")) as u64;
        lo | hi << (8 * (n - 4))
    } else {
        // 1 to 3 bytes: first, middle and last (some may be the same byte).
        b[0] as u64 | (b[n / 2] as u64) << (8 * (n / 2)) | (b[n - 1] as u64) << (8 * (n - 1))
    }
}

/// A mask of the low `k` bytes of a little-endian word (all of it from 8 on).
#[inline(always)]
pub(crate) fn low_bytes_mask(k: usize) -> u64 {
    if k >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * k)) - 1
    }
}

/// The first 16 bytes of `text[start..end]`, zero-padded, as two little-endian words. Reads
/// the 16 bytes at `start` in two loads when `text` has them (bytes past `end` are masked off),
/// which is the common case for a word inside a document.
#[inline(always)]
pub(crate) fn padded16(text: &[u8], start: usize, end: usize) -> [u64; 2] {
    let n = end - start;
    match text.get(start..start + 16) {
        Some(w) => {
            let lo = u64::from_le_bytes(w[..8].try_into().expect("8 bytes"));
            let hi = u64::from_le_bytes(w[8..].try_into().expect("8 bytes"));
            [
                lo & low_bytes_mask(n),
                hi & low_bytes_mask(n.saturating_sub(8)),
            ]
        }
        None => {
            let b = &text[start..end];
            let lo = if b.is_empty() {
                0
            } else {
                load(&b[..n.min(8)])
            };
            let hi = if n > 8 { load(&b[8..n.min(16)]) } else { 0 };
            [lo, hi]
        }
    }
}

/// A quick hash of `text[start..end]` from its first 16 bytes and its length (for bit-set
/// filters: different strings may share a hash).
#[inline]
pub(crate) fn quick_hash(text: &[u8], start: usize, end: usize) -> u64 {
    let [lo, hi] = padded16(text, start, end);
    (lo ^ hi.rotate_left(23) ^ (end - start) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// A fast hasher for short keys looked up once per word (FxHash: one multiply per 8 bytes).
/// Only for tables built from rule packs: lookups with untrusted keys never insert, so a
/// hostile text cannot make the table degrade.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FastMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;
