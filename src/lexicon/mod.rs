//! Compiled English lexical data: vocabulary, a Katz-backoff trigram language model, and a
//! thesaurus of candidate replacements.
//!
//! All data is embedded in the binary (`rules/lexicon/*`, built by `tools/build_lexicon.sh`,
//! sources and licences in `rules/SOURCES.md`) and read zero-copy from `&'static [u8]`:
//! [`Lexicon::embedded`] only parses a few header fields, and every lookup is a hash and a
//! short linear scan from one slot (usually a single cache miss, no allocation).
//!
//! # Word ids
//! Ids `0..lm_len` are the language model's vocabulary (in the model's own, alphabetical,
//! order, including the sentence tokens `<s>` and `</s>`); ids `lm_len..vocab_len` are
//! dictionary-only words (wamerican), sorted. All keys are lowercase.
//!
//! # Binary layout (all little-endian)
//! * `words.bin`: `u32 offsets[V+1]`, then the UTF-8 bytes of all words.
//! * `wordhash.bin`: a table (layout below) keyed by the word's seeded 8-bytes-at-a-time hash
//!   (`str_hash`), 44-bit fingerprints unique over the vocabulary, payload = id.
//! * `flags.bin`: one byte per id ([`Lexicon::in_lm`], in dictionary, name only, is word).
//! * `unigram.bin`: `(f32 log10 prob, f32 log10 backoff)` per LM id.
//! * `quant.bin`: three 4096-entry `f32` codebooks: bigram prob, bigram backoff, trigram prob.
//! * `bigram.bin` / `trigram.bin`: key = ids packed 20 bits each (`a << 20 | b`,
//!   `a << 40 | b << 20 | c`), hash `h = fmix64(key ^ seed * 0x9E3779B97F4A7C15)`.
//! * Table layout (`ULP1`): header `"ULP1", seed, fp_bits, slot_bytes, n, m_total, m_home`
//!   (u32 each), then `m_total` slots of `slot_bytes` bytes and 8 bytes of padding. Linear
//!   probing without wrap-around: home slot `((h >> 32) * m_home) >> 32`, fingerprint
//!   `h & (2^fp_bits - 1)` (0 is stored as 1; an all-zero slot is empty), slot value
//!   `fp | payload << fp_bits`. Load factor 0.75 (words 0.7), mean displacement 1.5 slots.
//!   Bigram: 24-bit fingerprint, payload `prob_code | bo_code << 12` (6-byte slots); trigram:
//!   28-bit fingerprint, payload `prob_code` (5-byte slots). The builder picks a seed under
//!   which no stored key is shadowed by an equal fingerprint on its probe path, so stored
//!   n-grams are found exactly; an absent n-gram is reported present with probability about
//!   2^-24 (bigram) or 2^-28 (trigram) per slot scanned (~2.5 slots on average).
//! * `thesaurus.bin`: `u32 offsets[V+1]`, then 3-byte entries `id | kind << 20` (CSR), each
//!   row sorted by descending unigram probability, at most 200 per word; 1 byte padding.
//! * `phrases.txt`: one WordNet multi-word lemma per line (words in the model, space separated),
//!   a tab, then its single-word synonyms in the model by descending frequency (see
//!   [`PhraseTable`]).
//! * `meta.txt`: `key=value` lines (counts, `<s>`/`</s>` ids, out-of-vocabulary log prob).
//!
//! # Scoring a word in context
//! [`window`]: the local score and attestation of a word in its window `u v [w] x y`, from
//! the definitions ([`Lexicon::local_score`], [`Lexicon::attestation`]) and fast for many
//! words in one slot ([`Window`]).

use std::sync::OnceLock;

mod classes;
pub use classes::{NameClass, NameClasses};

#[cfg(test)]
mod tests;
pub mod window;

pub use window::{Beside, BigramEntry, Local, Window};

/// A word id (see the module docs for the id space).
pub type WordId = u32;

const ID_BITS: u32 = 20;
const ID_MASK: u32 = (1 << ID_BITS) - 1;
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[allow(dead_code)] // bit 0 of flags.bin; `in_lm` uses the id range instead
const F_IN_LM: u8 = 1;
const F_IN_DICT: u8 = 2;
const F_NAME_ONLY: u8 = 4;
const F_IS_WORD: u8 = 8;

macro_rules! data {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/lexicon/",
            $name
        ))
    };
}

/// The embedded data files, by name (as listed in `rules/lexicon/CHECKSUMS.sha256`).
pub(crate) const FILES: [(&str, &[u8]); 11] = [
    ("bigram.bin", data!("bigram.bin")),
    ("classes.txt", data!("classes.txt")),
    ("flags.bin", data!("flags.bin")),
    ("meta.txt", data!("meta.txt")),
    ("phrases.txt", data!("phrases.txt")),
    ("quant.bin", data!("quant.bin")),
    ("thesaurus.bin", data!("thesaurus.bin")),
    ("trigram.bin", data!("trigram.bin")),
    ("unigram.bin", data!("unigram.bin")),
    ("wordhash.bin", data!("wordhash.bin")),
    ("words.bin", data!("words.bin")),
];

fn file(name: &str) -> &'static [u8] {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .expect("known lexicon file")
}

/// How a thesaurus edge was derived (bit flags; an edge may have several).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EdgeKind(u8);

impl EdgeKind {
    /// Listed together in the Moby thesaurus (either direction).
    pub const MOBY: EdgeKind = EdgeKind(1);
    /// Lemmas of one WordNet synset.
    pub const WORDNET: EdgeKind = EdgeKind(2);
    /// Inflections of one lemma (plural/singular, verb forms: "keep", "keeps", "kept").
    pub const INFLECTION: EdgeKind = EdgeKind(4);
    /// WordNet "similar to" (adjective satellites); weaker than [`EdgeKind::WORDNET`].
    pub const SIMILAR: EdgeKind = EdgeKind(8);

    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Build from raw bits (unknown bits are kept).
    pub const fn from_bits(bits: u8) -> Self {
        EdgeKind(bits)
    }
    /// Does `self` have every bit of `other`?
    pub const fn contains(self, other: EdgeKind) -> bool {
        self.0 & other.0 == other.0
    }
    /// Does `self` share any bit with `other`?
    pub const fn intersects(self, other: EdgeKind) -> bool {
        self.0 & other.0 != 0
    }
}

impl std::ops::BitOr for EdgeKind {
    type Output = EdgeKind;
    fn bitor(self, rhs: EdgeKind) -> EdgeKind {
        EdgeKind(self.0 | rhs.0)
    }
}

impl std::fmt::Debug for EdgeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = [
            (Self::MOBY, "MOBY"),
            (Self::WORDNET, "WORDNET"),
            (Self::INFLECTION, "INFLECTION"),
            (Self::SIMILAR, "SIMILAR"),
        ];
        let mut first = true;
        write!(f, "EdgeKind(")?;
        for (k, n) in names {
            if self.contains(k) {
                if !first {
                    write!(f, "|")?;
                }
                write!(f, "{n}")?;
                first = false;
            }
        }
        write!(f, ")")
    }
}

#[inline(always)]
fn rd_u32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

#[inline(always)]
fn rd_u64(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

#[inline(always)]
fn rd_f32(b: &[u8], off: usize) -> f32 {
    f32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

/// murmur3's 64-bit finaliser.
#[inline(always)]
pub(crate) fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    k ^= k >> 33;
    k = k.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    k ^= k >> 33;
    k
}

/// Word-at-a-time string hash: 8-byte little-endian chunks (the last one zero-padded),
/// each folded in with a multiply-rotate, then the length and [`fmix64`].
#[inline]
pub(crate) fn str_hash(s: &[u8], seed: u64) -> u64 {
    const K: u64 = 0x87C3_7B91_1142_53D5;
    let mut h = seed.wrapping_mul(GOLDEN) ^ 0xCBF2_9CE4_8422_2325;
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().unwrap());
        h = (h ^ v).wrapping_mul(K).rotate_left(29);
    }
    let r = chunks.remainder();
    if !r.is_empty() {
        let mut buf = [0u8; 8];
        buf[..r.len()].copy_from_slice(r);
        h = (h ^ u64::from_le_bytes(buf))
            .wrapping_mul(K)
            .rotate_left(29);
    }
    fmix64(h ^ s.len() as u64)
}

/// The fingerprint filters of the n-gram tables (see [`FpFilter`]), made by `build.rs`.
const BIGRAM_FILTER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bigram.filter"));
const TRIGRAM_FILTER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/trigram.filter"));

/// A linear-probing fingerprint table (`bigram.bin`, `trigram.bin`, `wordhash.bin`).
struct HashTable {
    seed_mix: u64,
    m_home: u64,
    fp_bits: u32,
    fp_mask: u64,
    payload_mask: u64,
    slot: usize,
    slots: &'static [u8],
    /// Consulted before the slots, if any.
    filter: Option<FpFilter>,
}

impl HashTable {
    /// Parse a table; `filter`: its fingerprint filter (for the n-gram tables, where most
    /// look-ups are for absent keys), as written by `build.rs`.
    fn parse(b: &'static [u8], filter: Option<&'static [u8]>) -> (HashTable, u32) {
        assert_eq!(&b[0..4], b"ULP1", "bad lexicon table magic");
        let seed = rd_u32(b, 4);
        let fp_bits = rd_u32(b, 8);
        let slot = rd_u32(b, 12) as usize;
        let m_total = rd_u32(b, 20) as usize;
        let m_home = rd_u32(b, 24) as u64;
        let slots = &b[28..];
        assert!(slots.len() >= m_total * slot + 8, "truncated lexicon table");
        let t = HashTable {
            seed_mix: (seed as u64).wrapping_mul(GOLDEN),
            m_home,
            fp_bits,
            fp_mask: (1u64 << fp_bits) - 1,
            payload_mask: (1u64 << (slot as u32 * 8 - fp_bits)) - 1,
            slot,
            slots,
            filter: filter.map(|bits| {
                assert!(bits.len().is_power_of_two(), "bad fingerprint filter size");
                FpFilter {
                    bits,
                    mask: (bits.len() as u64 * 8 - 1).min((1u64 << fp_bits) - 1),
                    fp_mask: (1u64 << fp_bits) - 1,
                }
            }),
        };
        (t, seed)
    }

    /// False if the table surely lacks the key of hash `h` (see [`FpFilter`]); always true
    /// for an unfiltered table.
    #[inline(always)]
    fn may_contain(&self, h: u64) -> bool {
        self.filter.as_ref().is_none_or(|f| f.may_contain(h))
    }

    /// Read the home slot of a hash (to warm the cache before [`HashTable::find_hash`]).
    #[inline(always)]
    fn touch(&self, h: u64) -> u64 {
        if !self.may_contain(h) {
            return 0;
        }
        let home = (((h >> 32) * self.m_home) >> 32) as usize;
        rd_u64(self.slots, home * self.slot)
    }

    /// Look up a 64-bit hash: scan from its home slot to the first empty slot.
    /// Ask the CPU to start loading the home slot of hash `h`: a later `find_hash(h)` then
    /// overlaps its cache miss with others instead of waiting for each in turn.
    #[inline(always)]
    fn prefetch_hash(&self, h: u64) {
        if !self.may_contain(h) {
            return;
        }
        let home = (((h >> 32) * self.m_home) >> 32) as usize;
        let slot = &self.slots[home * self.slot..];
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `_mm_prefetch` is a hint that never faults and reads nothing observable; the
        // pointer comes from a live slice.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(slot.as_ptr() as *const i8);
            // An absent key (most lookups) probes on until an empty slot, often into the
            // next cache line.
            _mm_prefetch::<_MM_HINT_T0>(slot.as_ptr().wrapping_add(64) as *const i8);
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = slot;
    }

    #[inline]
    fn find_hash(&self, h: u64) -> Option<u64> {
        if !self.may_contain(h) {
            return None;
        }
        let mut fp = h & self.fp_mask;
        if fp == 0 {
            fp = 1;
        }
        let home = (((h >> 32) * self.m_home) >> 32) as usize;
        let mut off = home * self.slot;
        loop {
            let v = rd_u64(self.slots, off);
            let f = v & self.fp_mask;
            if f == fp {
                return Some((v >> self.fp_bits) & self.payload_mask);
            }
            if f == 0 {
                return None;
            }
            off += self.slot;
        }
    }

    #[inline]
    fn find(&self, key: u64) -> Option<u64> {
        self.find_hash(fmix64(key ^ self.seed_mix))
    }
}

/// A membership filter over a table's fingerprints, without false negatives. Most n-gram
/// look-ups are for absent keys, and in a linear-probing table at load 0.75 an absent key scans
/// about eight slots, often across cache lines of a table far larger than the caches. The
/// filter answers nine in ten of them from 2 MB that stay in cache.
///
/// The filters are derived from the tables by `build.rs` at compile time.
struct FpFilter {
    bits: &'static [u8],
    mask: u64,
    fp_mask: u64,
}

impl FpFilter {
    /// False: the table surely lacks the key of hash `h`. True: it may have it.
    #[inline(always)]
    fn may_contain(&self, h: u64) -> bool {
        let mut f = h & self.fp_mask;
        if f == 0 {
            f = 1; // as `find_hash` maps a zero fingerprint
        }
        f &= self.mask;
        self.bits[(f >> 3) as usize] >> (f & 7) & 1 != 0
    }
}

/// A multi-word lemma (WordNet) and the single words it can stand for.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// Its words (at least two), as model ids.
    pub words: Vec<WordId>,
    /// Single-word synonyms in the model, most frequent first.
    pub cands: Vec<WordId>,
}

/// The multi-word lemmas of `phrases.txt`, found by their first two words. A WordNet spinner
/// writes "information technology" for "it" or "to a greater extent" for "more"; the n-gram
/// detector weighs such a phrase against its single-word synonyms.
#[derive(Debug, Default)]
pub struct PhraseTable {
    by_start: std::collections::HashMap<(WordId, WordId), Vec<Phrase>>,
    len: usize,
}

impl PhraseTable {
    fn parse(lex: &Lexicon, text: &str) -> PhraseTable {
        let mut t = PhraseTable::default();
        for line in text.lines() {
            let Some((phrase, cands)) = line.split_once('\t') else {
                continue;
            };
            let ids = |s: &str| -> Option<Vec<WordId>> {
                s.split(' ')
                    .map(|w| lex.id(w).filter(|&i| lex.in_lm(i)))
                    .collect()
            };
            let (Some(words), Some(cands)) = (ids(phrase), ids(cands)) else {
                continue;
            };
            if words.len() < 2 || cands.is_empty() {
                continue;
            }
            t.by_start
                .entry((words[0], words[1]))
                .or_default()
                .push(Phrase { words, cands });
            t.len += 1;
        }
        t
    }

    /// The phrases whose first two words are `a b`.
    #[inline]
    pub fn starting(&self, a: WordId, b: WordId) -> &[Phrase] {
        self.by_start.get(&(a, b)).map_or(&[], |v| v.as_slice())
    }

    /// Number of phrases.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No phrases at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The compiled lexicon. Obtain it with [`Lexicon::embedded`].
pub struct Lexicon {
    vocab_len: usize,
    lm_len: usize,
    bos: WordId,
    eos: WordId,
    oov_logp: f32,
    word_offs: &'static [u8],
    word_bytes: &'static [u8],
    wh_seed: u64,
    words: HashTable,
    flags: &'static [u8],
    unigram: &'static [u8],
    q_bi_p: &'static [u8],
    q_bi_bo: &'static [u8],
    q_tri_p: &'static [u8],
    bigrams: HashTable,
    trigrams: HashTable,
    th_offs: &'static [u8],
    th_ent: &'static [u8],
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("vocab_len", &self.vocab_len)
            .field("lm_len", &self.lm_len)
            .finish()
    }
}

fn meta_value(meta: &str, key: &str) -> i64 {
    meta.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("lexicon meta.txt lacks {key}"))
}

impl Lexicon {
    /// The lexicon compiled into the binary. The first call parses the section headers
    /// (well under a millisecond); later calls are free.
    pub fn embedded() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(Lexicon::parse_embedded)
    }

    fn parse_embedded() -> Lexicon {
        let meta = std::str::from_utf8(file("meta.txt")).expect("meta.txt is UTF-8");
        assert_eq!(meta_value(meta, "format"), 1, "unsupported lexicon format");
        let vocab_len = meta_value(meta, "vocab_len") as usize;
        let lm_len = meta_value(meta, "lm_len") as usize;
        let words = file("words.bin");
        let (word_offs, word_bytes) = words.split_at((vocab_len + 1) * 4);
        let (words_table, wh_seed) = HashTable::parse(file("wordhash.bin"), None);
        let quant = file("quant.bin");
        let q = 4096 * 4;
        let th = file("thesaurus.bin");
        let (th_offs, th_ent) = th.split_at((vocab_len + 1) * 4);
        let flags = file("flags.bin");
        assert_eq!(flags.len(), vocab_len);
        let unigram = file("unigram.bin");
        assert_eq!(unigram.len(), lm_len * 8);
        Lexicon {
            vocab_len,
            lm_len,
            bos: meta_value(meta, "bos") as WordId,
            eos: meta_value(meta, "eos") as WordId,
            oov_logp: meta_value(meta, "oov_logp_milli") as f32 / 1000.0,
            word_offs,
            word_bytes,
            wh_seed: wh_seed as u64,
            words: words_table,
            flags,
            unigram,
            q_bi_p: &quant[0..q],
            q_bi_bo: &quant[q..2 * q],
            q_tri_p: &quant[2 * q..3 * q],
            bigrams: HashTable::parse(file("bigram.bin"), Some(BIGRAM_FILTER)).0,
            trigrams: HashTable::parse(file("trigram.bin"), Some(TRIGRAM_FILTER)).0,
            th_offs,
            th_ent,
        }
    }

    /// Number of ids (language-model words plus dictionary-only words).
    pub fn vocab_len(&self) -> usize {
        self.vocab_len
    }

    /// Number of language-model words: ids `0..lm_len()` are in the model.
    pub fn lm_len(&self) -> usize {
        self.lm_len
    }

    /// The id of a lowercase word, if it is in the vocabulary. (Exact for vocabulary words;
    /// a token outside the vocabulary is mistaken for a word with probability about 2^-44.)
    #[inline]
    pub fn id(&self, lower_word: &str) -> Option<WordId> {
        self.words
            .find_hash(str_hash(lower_word.as_bytes(), self.wh_seed))
            .map(|v| v as WordId)
    }

    #[inline]
    fn word_bytes_of(&self, id: WordId) -> &'static [u8] {
        let i = id as usize * 4;
        let a = rd_u32(self.word_offs, i) as usize;
        let b = rd_u32(self.word_offs, i + 4) as usize;
        &self.word_bytes[a..b]
    }

    /// The word for an id. Panics if `id >= vocab_len()`.
    pub fn word(&self, id: WordId) -> &'static str {
        assert!((id as usize) < self.vocab_len, "word id out of range");
        // The builder writes valid UTF-8 and the checksum test pins the bytes.
        std::str::from_utf8(self.word_bytes_of(id)).expect("lexicon words are UTF-8")
    }

    #[inline]
    fn flag(&self, id: WordId, f: u8) -> bool {
        self.flags.get(id as usize).is_some_and(|&b| b & f != 0)
    }

    /// Is this lowercase token an English word (in wamerican or the language model), made
    /// only of letters with inner apostrophes or hyphens? Excludes `<s>`, `</s>`, `a.`,
    /// `'s` and the like.
    #[inline]
    pub fn is_word(&self, lower_word: &str) -> bool {
        self.id(lower_word)
            .is_some_and(|id| self.flag(id, F_IS_WORD))
    }

    /// Same as [`Lexicon::is_word`] for an id.
    #[inline]
    pub fn is_word_id(&self, id: WordId) -> bool {
        self.flag(id, F_IS_WORD)
    }

    /// Is the id in the language model?
    #[inline]
    pub fn in_lm(&self, id: WordId) -> bool {
        (id as usize) < self.lm_len
    }

    /// Is the word in the wamerican dictionary (in any capitalisation)?
    #[inline]
    pub fn in_dict(&self, id: WordId) -> bool {
        self.flag(id, F_IN_DICT)
    }

    /// Is the word only ever capitalised in the dictionary (a proper name such as "paris")?
    /// False for words not in the dictionary.
    #[inline]
    pub fn is_name_only(&self, id: WordId) -> bool {
        self.flag(id, F_NAME_ONLY)
    }

    /// Unigram log10 probability. Words outside the language model get a constant far below
    /// any model word (`-11`); `<s>` has the model's `-99`.
    #[inline]
    pub fn unigram(&self, id: WordId) -> f32 {
        if (id as usize) < self.lm_len {
            rd_f32(self.unigram, id as usize * 8)
        } else {
            self.oov_logp
        }
    }

    /// Unigram log10 backoff weight (0 for words outside the model).
    #[inline]
    pub fn unigram_backoff(&self, id: WordId) -> f32 {
        if (id as usize) < self.lm_len {
            rd_f32(self.unigram, id as usize * 8 + 4)
        } else {
            0.0
        }
    }

    #[inline]
    fn bigram_entry(&self, a: WordId, b: WordId) -> Option<u64> {
        if (a as usize) >= self.lm_len || (b as usize) >= self.lm_len {
            return None;
        }
        self.bigrams.find(((a as u64) << ID_BITS) | b as u64)
    }

    /// Start loading what [`Lexicon::bigram`]`(a, b)` will read (see [`Lexicon::prefetch_trigram`]).
    #[inline]
    pub fn prefetch_bigram(&self, a: WordId, b: WordId) {
        let key = ((a as u64) << ID_BITS) | b as u64;
        self.bigrams
            .prefetch_hash(fmix64(key ^ self.bigrams.seed_mix));
    }

    /// Start loading what [`Lexicon::trigram`]`(a, b, c)` will read. Lookups are random
    /// accesses into tables far larger than the caches; issuing the prefetches for a batch of
    /// lookups first lets their memory latencies overlap. A pure hint: results are unchanged.
    #[inline]
    pub fn prefetch_trigram(&self, a: WordId, b: WordId, c: WordId) {
        let key = ((a as u64) << (2 * ID_BITS)) | ((b as u64) << ID_BITS) | c as u64;
        self.trigrams
            .prefetch_hash(fmix64(key ^ self.trigrams.seed_mix));
    }

    /// Log10 P(b | a) if the model has an explicit bigram entry.
    #[inline]
    pub fn bigram(&self, a: WordId, b: WordId) -> Option<f32> {
        self.bigram_entry(a, b)
            .map(|p| rd_f32(self.q_bi_p, (p & 0xFFF) as usize * 4))
    }

    /// The explicit bigram entry `a b` if the model has one: log10 P(b | a) and the log10
    /// backoff weight of the context `a b` (one look-up for both).
    #[inline]
    pub fn bigram_with_backoff(&self, a: WordId, b: WordId) -> Option<BigramEntry> {
        self.bigram_entry(a, b).map(|p| BigramEntry {
            logp: rd_f32(self.q_bi_p, (p & 0xFFF) as usize * 4),
            backoff: rd_f32(self.q_bi_bo, ((p >> 12) & 0xFFF) as usize * 4),
        })
    }

    /// Log10 backoff weight of the context `a b` (0 if the bigram is not in the model).
    #[inline]
    pub fn bigram_backoff(&self, a: WordId, b: WordId) -> f32 {
        self.bigram_entry(a, b).map_or(0.0, |p| {
            rd_f32(self.q_bi_bo, ((p >> 12) & 0xFFF) as usize * 4)
        })
    }

    /// Log10 P(c | a b) if the model has an explicit trigram entry.
    #[inline]
    pub fn trigram(&self, a: WordId, b: WordId, c: WordId) -> Option<f32> {
        let n = self.lm_len;
        if a as usize >= n || b as usize >= n || c as usize >= n {
            return None;
        }
        let key = ((a as u64) << (2 * ID_BITS)) | ((b as u64) << ID_BITS) | c as u64;
        self.trigrams
            .find(key)
            .map(|p| rd_f32(self.q_tri_p, (p & 0xFFF) as usize * 4))
    }

    /// Katz-backoff log10 P(w | ctx) using up to the last two ids of `ctx` (earlier ids are
    /// ignored; a context word outside the model cuts the context after it). A `w` outside
    /// the model gets the out-of-vocabulary constant of [`Lexicon::unigram`].
    #[inline]
    pub fn logp(&self, ctx: &[WordId], w: WordId) -> f32 {
        if w as usize >= self.lm_len {
            return self.oov_logp;
        }
        let n = self.lm_len;
        let ctx = if ctx.len() > 2 {
            &ctx[ctx.len() - 2..]
        } else {
            ctx
        };
        let ctx = match ctx.iter().rposition(|&c| c as usize >= n) {
            Some(i) => &ctx[i + 1..],
            None => ctx,
        };
        match *ctx {
            [] => self.unigram(w),
            [v] => self.logp2(v, w),
            [u, v] => {
                let key = ((u as u64) << (2 * ID_BITS)) | ((v as u64) << ID_BITS) | w as u64;
                if let Some(p) = self.trigrams.find(key) {
                    return rd_f32(self.q_tri_p, (p & 0xFFF) as usize * 4);
                }
                self.bigram_backoff(u, v) + self.logp2(v, w)
            }
            _ => unreachable!(),
        }
    }

    /// Katz log10 probabilities for a whole token sequence: `out[k] = logp(ids[k-2..k], ids[k])`
    /// (shorter contexts at the start; `out[0]` is the unigram). Same values as calling
    /// [`Lexicon::logp`] per position, but faster on long sequences: it first touches every
    /// needed table slot so that the cache misses overlap. Pass `[bos, w1, .., wn, eos]` to
    /// score a sentence. Panics if `out` is shorter than `ids`.
    pub fn logp_seq(&self, ids: &[WordId], out: &mut [f32]) {
        assert!(out.len() >= ids.len(), "out too short");
        let n = self.lm_len as u64;
        const BLOCK: usize = 16;
        let mut start = 0;
        while start < ids.len() {
            let end = (start + BLOCK).min(ids.len());
            let mut acc = 0u64;
            for k in start.max(1)..end {
                let (v, w) = (ids[k - 1] as u64, ids[k] as u64);
                acc ^= self
                    .bigrams
                    .touch(fmix64(((v << ID_BITS) | w) ^ self.bigrams.seed_mix));
                if k >= 2 {
                    let u = ids[k - 2] as u64;
                    let key = (u << (2 * ID_BITS)) | (v << ID_BITS) | w;
                    acc ^= self.trigrams.touch(fmix64(key ^ self.trigrams.seed_mix));
                }
                acc ^= rd_u64(self.unigram, (w.min(n - 1) as usize) * 8);
            }
            std::hint::black_box(acc);
            for k in start..end {
                out[k] = self.logp(&ids[k.saturating_sub(2)..k], ids[k]);
            }
            start = end;
        }
    }

    #[inline]
    fn logp2(&self, v: WordId, w: WordId) -> f32 {
        match self.bigram(v, w) {
            Some(p) => p,
            None => self.unigram_backoff(v) + self.unigram(w),
        }
    }

    /// The sentence-start token `<s>`.
    pub fn bos(&self) -> WordId {
        self.bos
    }

    /// The sentence-end token `</s>`.
    pub fn eos(&self) -> WordId {
        self.eos
    }

    /// The multi-word lemma table (parsed on first use, about a millisecond).
    pub fn phrases(&'static self) -> &'static PhraseTable {
        static PHRASES: OnceLock<PhraseTable> = OnceLock::new();
        PHRASES.get_or_init(|| {
            let text = std::str::from_utf8(file("phrases.txt")).expect("phrases.txt is UTF-8");
            PhraseTable::parse(self, text)
        })
    }

    /// The place-name classes (parsed on first use, well under a millisecond).
    pub fn name_classes(&'static self) -> &'static NameClasses {
        static CLASSES: OnceLock<NameClasses> = OnceLock::new();
        CLASSES.get_or_init(|| {
            let text = std::str::from_utf8(file("classes.txt")).expect("classes.txt is UTF-8");
            NameClasses::parse(self, text)
        })
    }

    /// Number of thesaurus neighbours of `id` (O(1)).
    #[inline]
    pub fn degree(&self, id: WordId) -> usize {
        if (id as usize) < self.vocab_len {
            let i = id as usize * 4;
            (rd_u32(self.th_offs, i + 4) - rd_u32(self.th_offs, i)) as usize
        } else {
            0
        }
    }

    /// Candidate replacements for a word: Moby and WordNet synonyms, inflections of the same
    /// lemma, and synonyms put in the same inflection ("details" -> "particulars"). Targets
    /// are language-model words; at most 200, by descending unigram probability.
    #[inline]
    pub fn neighbours(
        &self,
        id: WordId,
    ) -> impl ExactSizeIterator<Item = (WordId, EdgeKind)> + Clone + '_ {
        let (a, b) = if (id as usize) < self.vocab_len {
            let i = id as usize * 4;
            (
                rd_u32(self.th_offs, i) as usize,
                rd_u32(self.th_offs, i + 4) as usize,
            )
        } else {
            (0, 0)
        };
        self.th_ent[a * 3..b * 3].chunks_exact(3).map(|c| {
            let v = c[0] as u32 | (c[1] as u32) << 8 | (c[2] as u32) << 16;
            (v & ID_MASK, EdgeKind((v >> ID_BITS) as u8))
        })
    }
}
