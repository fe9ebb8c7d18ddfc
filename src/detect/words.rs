//! The most frequent English words in a small table in front of [`Lexicon::is_word`].
//!
//! The lexicon's word table is larger than the CPU caches, so every look-up is a cache miss or
//! two; the detectors that ask "is this token a word?" for most tokens of every document spent
//! more time waiting for memory than anything else. A few thousand words make up most of any
//! English text: they are kept here, 16 bytes each in a table that stays in the cache.
//! A word found here is a word for the lexicon too; anything else is asked of the lexicon, so
//! the answers are the lexicon's.

use super::padded16;
use crate::lexicon::Lexicon;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// How many words the table holds (the most probable of the language model).
const WORDS: usize = 32768;
/// Text to check before the table is built: a short run (one file) is not worth the few
/// milliseconds of building it.
const WARM_BYTES: u64 = 1 << 20;
/// Table slots (a power of two, half full at most).
const SLOTS: usize = 2 * WORDS;
/// Longest word kept (bytes).
const MAX_LEN: usize = 15;

/// The table; obtain it with [`CommonWords::get`].
pub(crate) struct CommonWords {
    slots: Box<[[u64; 2]]>,
    lex: &'static Lexicon,
}

/// The key of the word `text[start..end]` of 1 to [`MAX_LEN`] bytes: its bytes, zero-padded,
/// with its length in the last byte (never all zero).
#[inline]
fn key(text: &[u8], start: usize, end: usize) -> Option<[u64; 2]> {
    let n = end - start;
    if n == 0 || n > MAX_LEN {
        return None;
    }
    let [lo, hi] = padded16(text, start, end);
    Some([lo, hi | (n as u64) << 56])
}

#[inline]
fn home(k: [u64; 2]) -> usize {
    let h = (k[0] ^ k[1].rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - SLOTS.trailing_zeros())) as usize
}

static TABLE: OnceLock<CommonWords> = OnceLock::new();
static SCANNED: AtomicU64 = AtomicU64::new(0);

impl CommonWords {
    /// The table of the embedded lexicon, built now if it is not yet (a few milliseconds).
    pub(crate) fn get() -> &'static CommonWords {
        TABLE.get_or_init(|| CommonWords::build(Lexicon::embedded()))
    }

    /// The table if this process has checked [`WARM_BYTES`] of text, counting `len` more bytes
    /// now (built here when the count gets there).
    pub(crate) fn after(len: usize) -> Option<&'static CommonWords> {
        if let Some(t) = TABLE.get() {
            return Some(t);
        }
        let seen = SCANNED.fetch_add(len as u64, Ordering::Relaxed) + len as u64;
        (seen >= WARM_BYTES).then(Self::get)
    }

    /// The table if it is built.
    pub(crate) fn ready() -> Option<&'static CommonWords> {
        TABLE.get()
    }

    fn build(lex: &'static Lexicon) -> CommonWords {
        let mut ids: Vec<u32> = (0..lex.lm_len() as u32)
            .filter(|&id| lex.is_word_id(id) && key_of(lex.word(id)).is_some())
            .collect();
        // Most probable first; ties by id, so the table is the same on every run.
        ids.sort_by(|&a, &b| lex.unigram(b).total_cmp(&lex.unigram(a)).then(a.cmp(&b)));
        ids.truncate(WORDS);
        let mut slots = vec![[0u64; 2]; SLOTS].into_boxed_slice();
        for id in ids {
            let k = key_of(lex.word(id)).expect("filtered above");
            let mut i = home(k);
            while slots[i] != [0, 0] && slots[i] != k {
                i = (i + 1) & (SLOTS - 1);
            }
            slots[i] = k;
        }
        CommonWords { slots, lex }
    }

    /// Is the word `text[start..end]` in the table?
    #[inline]
    fn contains(&self, text: &str, start: usize, end: usize) -> bool {
        let Some(k) = key(text.as_bytes(), start, end) else {
            return false;
        };
        let mut i = home(k);
        loop {
            let s = self.slots[i];
            if s == k {
                return true;
            }
            if s == [0, 0] {
                return false;
            }
            i = (i + 1) & (SLOTS - 1);
        }
    }

    /// [`Lexicon::is_word`] of `text[start..end]`, answered from the table when the word is a
    /// common one.
    #[inline]
    pub(crate) fn is_word(&self, text: &str, start: usize, end: usize) -> bool {
        self.contains(text, start, end) || self.lex.is_word(&text[start..end])
    }
}

fn key_of(w: &str) -> Option<[u64; 2]> {
    key(w.as_bytes(), 0, w.len())
}

/// [`Lexicon::is_word`] of the lower-case word `text[start..end]`, through `table` when there
/// is one.
#[inline]
pub(crate) fn is_word(table: Option<&CommonWords>, text: &str, start: usize, end: usize) -> bool {
    match table {
        Some(t) => t.is_word(text, start, end),
        None => Lexicon::embedded().is_word(&text[start..end]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_padded_bytes() {
        let s = "abcdefghijklmno";
        for n in 1..=MAX_LEN {
            let mut b = [0u8; 16];
            b[..n].copy_from_slice(&s.as_bytes()[..n]);
            b[15] = n as u8;
            let want = [
                u64::from_le_bytes(b[..8].try_into().unwrap()),
                u64::from_le_bytes(b[8..].try_into().unwrap()),
            ];
            assert_eq!(key_of(&s[..n]), Some(want), "{n}");
            assert_eq!(key(b"abcdefghijklmnopqrstuvwxyz", 0, n), Some(want), "{n}");
        }
        assert_eq!(key_of(""), None);
        assert_eq!(key_of("abcdefghijklmnop"), None);
    }

    #[test]
    fn agrees_with_the_lexicon() {
        let c = CommonWords::get();
        let lex = Lexicon::embedded();
        let mut held = 0;
        for id in 0..lex.vocab_len() as u32 {
            let w = lex.word(id);
            held += usize::from(c.contains(w, 0, w.len()));
            assert_eq!(c.is_word(w, 0, w.len()), lex.is_word(w), "{w:?}");
            let padded = format!("{w} was here");
            assert_eq!(c.is_word(&padded, 0, w.len()), lex.is_word(w), "{w:?}");
        }
        assert_eq!(held, WORDS);
        for w in ["the", "government", "people", "would"] {
            assert!(c.contains(w, 0, w.len()), "{w}");
        }
        for w in [
            "",
            "thatrussia",
            "xqzv",
            "a\0b",
            "the\0",
            "abcdefghijklmnopqrstuvwxyz",
        ] {
            assert_eq!(c.is_word(w, 0, w.len()), lex.is_word(w), "{w:?}");
        }
    }
}
