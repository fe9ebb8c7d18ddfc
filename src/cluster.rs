//! Finding spun copies in a corpus (`unspun cluster`): MinHash signatures over the words a
//! spinner leaves alone, locality-sensitive hashing to find candidate pairs, a check of every
//! candidate pair, and union-find to make groups; then, within each group, the most faithful
//! text and every member's faithfulness against it ([`crate::compare`]).
//!
//! # Immutables
//!
//! A spinner swaps content words for thesaurus neighbours; it rarely touches function words,
//! numbers or names (DSpin, Zhang et al. 2014, calls what it leaves alone the *immutables*).
//! [`immutables`] keeps, in text order:
//!
//! * the sentence skeleton: articles, pronouns, the commonest prepositions and conjunctions,
//!   wh-words, forms of "be" and negation ([`SKELETON`]). Function words that thesauri *do*
//!   offer as synonyms of content words ("about", "just", "up", "some", "very", "do", "had")
//!   are left out: on the benchmark corpus they change between a text and its spun copy half
//!   the time, against about a third for the skeleton (which moves only with dropped sentences);
//! * numbers, URLs, e-mail addresses, handles and code-like tokens;
//! * capitalised words that do not start a sentence (names: `Congress`, `Nicaragua`, `NATO`).
//!
//! Every other word is dropped, so a one-word synonym swap changes nothing, and a swap that
//! brings in or removes a skeleton word changes only the shingles around it.
//!
//! # Signature and candidates
//!
//! The immutables (folded text, FNV-1a) are cut into overlapping shingles of
//! [`Params::shingle`] tokens. A [`Signature`] is the MinHash of the shingle set: for each of
//! [`HASHES`] fixed multiply-shift hash functions (seeded by a constant, so signatures are the
//! same on every run and platform), the low 16 bits of the smallest hash over the shingles
//! (b-bit MinHash: two different minima agree by chance with probability 2^-16). The share of
//! equal entries of two signatures estimates the Jaccard similarity of the two shingle sets
//! ([`Signature::similarity`]). A document with fewer than [`Params::min_shingles`] shingles
//! (16: about 40 words) has no signature and stays alone: too little text to tell a copy from a
//! coincidence. Shingles of 4: on the benchmark corpus, 3 let unrelated documents reach a
//! similarity of 0.14 (1 pair in 10,000: 0.10) and 5 lose too many spun copies.
//!
//! LSH banding: the signature is cut into [`Params::bands`] bands of [`Params::rows`] entries;
//! two documents that agree on a whole band are candidates. A pair with similarity `s` becomes
//! a candidate with probability `1 - (1 - s^rows)^bands`: with the default 64 bands of 2, 0.93
//! at 0.2, 0.998 at 0.3 (heavily spun copies that also lost sentences have 0.2–0.3), and about
//! 0.03 for a typical unrelated pair (0.02); the check below throws those out cheaply. For each
//! band the (band, document) keys are sorted and each run of equal keys is walked once: a
//! document is checked against at most [`MAX_REPS`] earlier members of the run that are in
//! different groups, so a huge run (a common boilerplate page) costs linear time, not
//! quadratic.
//!
//! # Verification and groups
//!
//! A candidate pair is merged (union-find) only when its estimated similarity is at least
//! [`Params::threshold`] (0.25) and the two share an estimated [`Params::min_shingles`]
//! shingles or more ([`verified`]): banding finds, the full signature decides. Pairs already in
//! one group are not checked again. Groups are the connected components.
//!
//! # Faithfulness
//!
//! [`representative`] picks the member most likely to be the original. Spun copies are each a
//! perturbation of the original, made independently, so the original is the member the others
//! agree with best: with three members or more, the medoid by signature similarity (free:
//! the signatures are at hand). Two members are symmetric, so the document score decides (the
//! CLI uses the checker's full score, `ngram.swap` included: the spinner's fingerprints), then
//! which one the other looks derived from ([`derivation`]: where the two differ, the original
//! has the commoner words; a spinner picks thesaurus neighbours), then the longer text (copies
//! lose sentences more often than they gain them). [`faithfulness`] then scores each member
//! with [`crate::compare::compare`] against the representative as source: one comparison per
//! member, so the whole step is linear in the grouped documents.
//!
//! On the generated benchmark corpus (`benches/cluster.sh`, 100,000 documents) the signature
//! medoid picks the planted original in 98.9% of groups of three or more (a medoid by
//! `compare` scores: 94%, at eight times the cost). Between two members, the length used to
//! decide after a score without `ngram.swap`: on 400 real originals paired with their spun
//! versions (the development set) that named the spun copy in 329 pairs, because spinners
//! lengthen text and most pairs tie on that score; the full score names the original in 399
//! of 400 (`benches/cluster.sh` reports both shares).

use crate::compare;
use crate::text::{Case, Document, TokenKind};

/// Number of MinHash functions in a signature.
pub const HASHES: usize = 128;

/// How many members of one LSH bucket a document is checked against at most.
pub const MAX_REPS: usize = 8;

/// At most this many members judge the representative of a group.
pub const JUDGES: usize = 64;

/// Clustering settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Immutables per shingle.
    pub shingle: usize,
    /// LSH bands (`bands × rows ≤ HASHES`).
    pub bands: usize,
    /// Signature entries per band.
    pub rows: usize,
    /// Estimated Jaccard similarity of the immutable shingles needed to merge two documents.
    pub threshold: f64,
    /// Estimated shared shingles needed to merge two documents (two short texts that share
    /// half a sentence are similar, but not copies); a document with fewer shingles than this
    /// has no signature and is never grouped.
    pub min_shingles: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            shingle: 4,
            bands: 64,
            rows: 2,
            threshold: 0.25,
            min_shingles: 16,
        }
    }
}

impl Params {
    /// Check the settings; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.shingle == 0 || self.rows == 0 || self.bands == 0 {
            return Err("shingle, bands and rows must be at least 1".into());
        }
        if self.bands * self.rows > HASHES {
            return Err(format!("bands × rows must be at most {HASHES}"));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err("the threshold is a similarity between 0 and 1".into());
        }
        Ok(())
    }
}

/// The MinHash signature of a document's immutable shingles.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    /// The low 16 bits of each hash function's minimum.
    pub mins: [u16; HASHES],
    /// Number of shingles (with repeats).
    pub shingles: u32,
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Signature({:04x?}..., {} shingles)",
            &self.mins[..4],
            self.shingles
        )
    }
}

impl Signature {
    /// Estimated Jaccard similarity of the two shingle sets: the share of equal entries.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let same = self
            .mins
            .iter()
            .zip(other.mins.iter())
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / HASHES as f64
    }

    /// Estimated number of shingles the two documents share: `s / (1 + s) × (|A| + |B|)`
    /// for similarity `s`.
    pub fn shared(&self, other: &Signature) -> f64 {
        let s = self.similarity(other);
        s / (1.0 + s) * (self.shingles + other.shingles) as f64
    }

    /// The key of band `b` (entries `b*rows .. (b+1)*rows`).
    fn band(&self, b: usize, rows: usize) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ b as u64;
        for &v in &self.mins[b * rows..(b + 1) * rows] {
            h = fmix64(h.rotate_left(16) ^ v as u64);
        }
        h
    }
}

/// The immutable tokens of a document (folded text), in order. See the module docs.
pub fn immutables<'d>(doc: &'d Document) -> impl Iterator<Item = &'d str> + 'd {
    doc.tokens.iter().filter_map(move |t| {
        let keep = match t.kind {
            TokenKind::Punct => false,
            TokenKind::Word => {
                let w = doc.norm_text(t);
                is_skeleton(w) || (!t.sent_start && matches!(t.case, Case::Title | Case::Upper))
            }
            TokenKind::Number
            | TokenKind::Url
            | TokenKind::Email
            | TokenKind::Handle
            | TokenKind::Code => true,
        };
        keep.then(|| doc.norm_text(t))
    })
}

/// Function words that carry a sentence's structure and that thesauri do not offer as
/// synonyms of content words: articles and demonstratives, pronouns, the commonest
/// prepositions and conjunctions, wh-words, forms of "be", negation. Left out on purpose: the
/// adverbs, particles, quantifiers and auxiliaries that thesaurus spinners do put in and take
/// out ("about", "just", "up", "over", "some", "all", "very", "do", "had", "can"). Sorted.
pub const SKELETON: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "he", "her",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "nor",
    "not", "of", "or", "our", "she", "than", "that", "the", "their", "them", "these", "they",
    "this", "those", "to", "us", "was", "we", "were", "what", "where", "which", "who", "whom",
    "whose", "why", "with", "you", "your",
];

/// Is this folded word in the [`SKELETON`]? (Words packed into a `u64` and looked up in a
/// sorted table: no string comparisons in the hottest loop.)
fn is_skeleton(w: &str) -> bool {
    static KEYS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut k: Vec<u64> = SKELETON.iter().filter_map(|w| pack(w)).collect();
        k.sort_unstable();
        k
    });
    pack(w).is_some_and(|p| keys.binary_search(&p).is_ok())
}

/// The bytes of a word of at most 8 bytes as a number.
#[inline]
fn pack(w: &str) -> Option<u64> {
    let b = w.as_bytes();
    if b.is_empty() || b.len() > 8 {
        return None;
    }
    let mut buf = [0u8; 8];
    buf[..b.len()].copy_from_slice(b);
    Some(u64::from_le_bytes(buf))
}

/// The signature of a text, or `None` when it has fewer than `min_shingles` shingles.
pub fn signature(text: &str, params: &Params) -> Option<Signature> {
    let doc = Document::new(text);
    let toks: Vec<u64> = immutables(&doc).map(fnv1a).collect();
    signature_of_tokens(&toks, params)
}

/// The signature of a sequence of token hashes.
fn signature_of_tokens(toks: &[u64], params: &Params) -> Option<Signature> {
    let k = params.shingle;
    if toks.len() < k || toks.len() - k + 1 < params.min_shingles.max(1) {
        return None;
    }
    let coef = coefficients();
    let mut mins = [u32::MAX; HASHES];
    for w in toks.windows(k) {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for &t in w {
            x = fmix64(x.rotate_left(21) ^ t);
        }
        for (m, (a, b)) in mins.iter_mut().zip(coef.iter()) {
            let v = (a.wrapping_mul(x).wrapping_add(*b) >> 32) as u32;
            *m = (*m).min(v);
        }
    }
    let mut sig = [0u16; HASHES];
    for (s, m) in sig.iter_mut().zip(mins) {
        *s = m as u16;
    }
    Some(Signature {
        mins: sig,
        shingles: (toks.len() - k + 1) as u32,
    })
}

/// The multiply-shift hash functions: odd multipliers and offsets from a fixed seed.
fn coefficients() -> &'static [(u64, u64); HASHES] {
    static COEF: std::sync::OnceLock<[(u64, u64); HASHES]> = std::sync::OnceLock::new();
    COEF.get_or_init(|| {
        let mut state = 0x756e_7370_756e_2121u64; // "unspun!!"
        let mut next = || {
            // splitmix64
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            fmix64(state)
        };
        std::array::from_fn(|_| (next() | 1, next()))
    })
}

/// 64-bit FNV-1a of a token, finalised.
fn fnv1a(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &b in s.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    fmix64(h)
}

/// MurmurHash3's 64-bit finaliser.
#[inline]
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// Union-find with path halving and union by size.
struct Dsu {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Dsu {
    fn new(n: usize) -> Dsu {
        Dsu {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}

/// What clustering found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clusters {
    /// Groups of two or more documents: indexes into the signatures, ascending within a
    /// group; groups ordered by their first member.
    pub groups: Vec<Vec<u32>>,
    /// Candidate pairs whose similarity was computed.
    pub checked_pairs: u64,
}

/// Group the documents. `sigs[i]` is document `i`'s signature (`None`: never grouped).
/// Deterministic: the same signatures give the same groups, whatever the thread count.
pub fn cluster(sigs: &[Option<Signature>], params: &Params) -> Clusters {
    use rayon::prelude::*;
    let n = sigs.len();
    assert!(n < u32::MAX as usize, "at most 2^32 - 1 documents");
    let mut dsu = Dsu::new(n);
    let mut checked = 0u64;
    let mut keys: Vec<(u64, u32)> = Vec::new();
    for b in 0..params.bands {
        keys.clear();
        keys.par_extend(
            sigs.par_iter()
                .enumerate()
                .filter_map(|(i, s)| s.as_ref().map(|s| (s.band(b, params.rows), i as u32))),
        );
        keys.par_sort_unstable();
        let mut i = 0;
        while i < keys.len() {
            let mut j = i + 1;
            while j < keys.len() && keys[j].0 == keys[i].0 {
                j += 1;
            }
            if j - i > 1 {
                checked += merge_run(&keys[i..j], sigs, params, &mut dsu);
            }
            i = j;
        }
    }
    let mut by_root: std::collections::HashMap<u32, Vec<u32>> = std::collections::HashMap::new();
    for i in 0..n as u32 {
        let r = dsu.find(i);
        if dsu.size[r as usize] > 1 {
            by_root.entry(r).or_default().push(i);
        }
    }
    let mut groups: Vec<Vec<u32>> = by_root.into_values().collect();
    groups.sort_unstable_by_key(|g| g[0]);
    Clusters {
        groups,
        checked_pairs: checked,
    }
}

/// Walk one run of documents that share a band key (ascending by index); returns the number
/// of pairs checked.
fn merge_run(
    run: &[(u64, u32)],
    sigs: &[Option<Signature>],
    params: &Params,
    dsu: &mut Dsu,
) -> u64 {
    let sig = |d: u32| {
        sigs[d as usize]
            .as_ref()
            .expect("only signed documents are keyed")
    };
    let mut reps: Vec<u32> = Vec::with_capacity(MAX_REPS);
    let mut checked = 0;
    for &(_, d) in run {
        let root = dsu.find(d);
        if reps.iter().any(|&r| dsu.find(r) == root) {
            continue;
        }
        let mut merged = false;
        for &r in &reps {
            checked += 1;
            if verified(sig(d), sig(r), params) {
                dsu.union(d, r);
                merged = true;
                break;
            }
        }
        if !merged && reps.len() < MAX_REPS {
            reps.push(d);
        }
    }
    checked
}

/// Is a candidate pair a pair of copies? Similar enough, and sharing enough shingles.
pub fn verified(a: &Signature, b: &Signature, params: &Params) -> bool {
    a.similarity(b) >= params.threshold && a.shared(b) >= params.min_shingles as f64
}

/// Pick a group's representative, the member most likely to be the original (see the module
/// docs): with three members or more, the one whose signature is on average most similar to
/// the others' (the medoid; with more than [`JUDGES`] members, similarity to the first
/// `JUDGES`). Between two members, or on a tie: the higher `quality` (the document's score,
/// higher is cleaner, called only then; closer than one point is a tie), then the member the
/// others look derived from ([`derivation`]: its words are the commoner ones where the texts
/// differ), then the longer text, then the earlier member.
pub fn representative(
    sigs: &[Option<&Signature>],
    texts: &[&str],
    quality: &mut dyn FnMut(usize) -> f64,
) -> usize {
    let n = sigs.len();
    if n <= 1 {
        return 0;
    }
    let judges = n.min(JUDGES);
    let support: Vec<f64> = (0..n)
        .map(|c| {
            if n < 3 {
                return 0.0;
            }
            (0..judges)
                .filter(|&j| j != c)
                .map(|j| match (sigs[c], sigs[j]) {
                    (Some(a), Some(b)) => a.similarity(b),
                    _ => 0.0,
                })
                .sum::<f64>()
                / (judges - usize::from(c < judges)).max(1) as f64
        })
        .collect();
    let top = support.iter().copied().fold(f64::MIN, f64::max);
    // Within one hash of the best: a tie.
    let tied: Vec<usize> = (0..n)
        .filter(|&c| support[c] >= top - 1.0 / HASHES as f64)
        .collect();
    if tied.len() == 1 {
        return tied[0];
    }
    let q: Vec<f64> = tied.iter().map(|&c| quality(c)).collect();
    let qmax = q.iter().copied().fold(f64::MIN, f64::max);
    let left: Vec<usize> = tied
        .iter()
        .zip(&q)
        .filter(|&(_, &qc)| qc >= qmax - QUALITY_TIE)
        .map(|(&c, _)| c)
        .take(JUDGES)
        .collect();
    if left.len() == 1 {
        return left[0];
    }
    // Evidence that each is the source of the others (antisymmetric: computed once a pair).
    let mut evidence = vec![0.0f64; left.len()];
    for i in 0..left.len() {
        for j in i + 1..left.len() {
            let d = derivation(texts[left[i]], texts[left[j]]);
            evidence[i] += d;
            evidence[j] -= d;
        }
    }
    let emax = evidence.iter().copied().fold(f64::MIN, f64::max);
    let mut best: Option<usize> = None;
    for (k, &c) in left.iter().enumerate() {
        if evidence[k] < emax - DERIVATION_TIE {
            continue;
        }
        match best {
            Some(b) if texts[c].len() <= texts[b].len() => {}
            _ => best = Some(c),
        }
    }
    best.expect("the best is within the tie")
}

/// Derivation evidence closer than this (log10 units, summed) is a tie.
const DERIVATION_TIE: f64 = 0.5;

/// How much `a` looks like the source of `b` rather than the reverse: over the words one
/// text has where the other has different words (the substitutions of
/// [`compare`](crate::compare::compare), numbers and names left out), the sum of how much
/// commoner `a`'s words are (mean unigram log10 probability of each side, the difference
/// bounded to ±3 a substitution so one rare word cannot decide alone). A spinner replaces
/// words with thesaurus neighbours, which are mostly rarer than the words a writer chose.
/// Positive: `a` is the likelier source; `derivation(b, a)` is about the opposite.
pub fn derivation(a: &str, b: &str) -> f64 {
    let lex = crate::lexicon::Lexicon::embedded();
    let mean_logp = |t: &str| {
        let (mut sum, mut n) = (0.0f64, 0usize);
        for w in t.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-') {
            if w.is_empty() {
                continue;
            }
            let lower = w.to_lowercase();
            let lp = lex.id(&lower).map_or(-11.0, |id| lex.unigram(id) as f64);
            sum += lp.max(-11.0);
            n += 1;
        }
        (n > 0).then(|| sum / n as f64)
    };
    compare::compare(a, b)
        .changes
        .iter()
        .filter(|c| c.kind == compare::ChangeKind::Substitution)
        .filter(|c| {
            matches!(
                c.class,
                compare::ChangeClass::Swap | compare::ChangeClass::Other
            )
        })
        .filter_map(|c| {
            Some((mean_logp(&c.source_text)? - mean_logp(&c.copy_text)?).clamp(-3.0, 3.0))
        })
        .sum()
}

/// Quality scores closer than this are a tie.
const QUALITY_TIE: f64 = 1.0;

/// Every member's [`compare`](crate::compare::compare) score (0–100) against the
/// representative `rep` as source, in the order given; 100 for the representative.
pub fn faithfulness(texts: &[&str], rep: usize) -> Vec<f64> {
    (0..texts.len())
        .map(|m| {
            if m == rep {
                100.0
            } else {
                compare::compare(texts[rep], texts[m]).score
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "In 1990 the Congress of the United States passed a law that gave every \
        farmer in Kansas a loan of 500 dollars, and the President said it was the best thing he \
        had done for the people of the plains. It was not enough for the farmers, who asked for \
        more help in the years that followed, but it was a start.";

    #[test]
    fn skeleton_is_sorted() {
        assert!(SKELETON.windows(2).all(|w| w[0] < w[1]));
        assert!(SKELETON.iter().all(|w| is_skeleton(w)));
        assert!(!is_skeleton("about") && !is_skeleton("") && !is_skeleton("thereafter"));
    }

    #[test]
    fn immutables_are_skeleton_numbers_and_names() {
        // "on" and "about" are function words that thesauri offer as synonyms: not kept.
        let doc = Document::new("The big Cat sat on 3 mats about me. Quickly it ran to Paris.");
        let got: Vec<&str> = immutables(&doc).collect();
        assert_eq!(got, ["the", "cat", "3", "me", "it", "to", "paris"]);
    }

    #[test]
    fn synonym_swaps_keep_the_signature() {
        let p = Params::default();
        let spun = BASE
            .replace("passed", "approved")
            .replace("farmer", "grower")
            .replace("best", "finest")
            .replace("help", "aid")
            .replace("start", "beginning");
        let a = signature(BASE, &p).unwrap();
        let b = signature(&spun, &p).unwrap();
        assert_eq!(a.similarity(&b), 1.0);
        let other = signature(
            "The weather in the north of Scotland was cold and wet for most of the year, \
             and the sheep on the hills had to be brought down to the farms by the end of \
             October, which is early for that part of the country.",
            &p,
        )
        .unwrap();
        assert!(a.similarity(&other) < 0.2, "{}", a.similarity(&other));
        assert!(signature("Too short to tell.", &p).is_none());
    }

    #[test]
    fn signatures_are_fixed() {
        // The hash functions are seeded by a constant: a signature never changes across runs,
        // thread counts or platforms.
        let s = signature(BASE, &Params::default()).unwrap();
        let digest = s.mins.iter().fold(0u64, |h, &v| fmix64(h ^ v as u64));
        assert_eq!(
            digest,
            signature(BASE, &Params::default()).map_or(0, |s| {
                s.mins.iter().fold(0u64, |h, &v| fmix64(h ^ v as u64))
            })
        );
        assert_eq!(coefficients()[0].0 & 1, 1);
    }

    #[test]
    fn groups_and_verification() {
        let p = Params::default();
        let spun = BASE.replace("loan", "credit").replace("asked", "begged");
        let other = "Nothing in this text is like the other one: a report on 12 bridges in \
            Ohio that were built by the State in the years after the war, and on what they cost \
            to keep up since then, with a word on the rivers under them.";
        let sigs: Vec<Option<Signature>> = [BASE, other, "short", &spun]
            .iter()
            .map(|t| signature(t, &p))
            .collect();
        let c = cluster(&sigs, &p);
        assert_eq!(c.groups, vec![vec![0, 3]]);
        // With a threshold no pair meets, nothing is merged.
        let strict = Params {
            threshold: 1.0,
            ..p.clone()
        };
        let sigs2 = vec![sigs[0].clone(), sigs[1].clone()];
        assert!(cluster(&sigs2, &strict).groups.is_empty());
        assert!(Params {
            bands: 65,
            ..p.clone()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn representative_is_the_original() {
        let p = Params::default();
        let copies = [
            BASE.replace(" the President", " a President")
                .replace("1990", "1991"),
            BASE.replace("more help", "some help")
                .replace(" in Kansas", ""),
            BASE.replace(" was a start", " is a start")
                .replace(", but", ". But"),
        ];
        let texts = [
            copies[0].as_str(),
            BASE,
            copies[1].as_str(),
            copies[2].as_str(),
        ];
        let sigs: Vec<Option<Signature>> = texts.iter().map(|t| signature(t, &p)).collect();
        let refs: Vec<Option<&Signature>> = sigs.iter().map(Option::as_ref).collect();
        let mut asked = 0;
        let rep = representative(&refs, &texts, &mut |_| {
            asked += 1;
            0.0
        });
        assert_eq!((rep, asked), (1, 0));
        let f = faithfulness(&texts, rep);
        assert_eq!(f[1], 100.0);
        assert!(f.iter().all(|&s| s > 80.0), "{f:?}");
        // Two members: the quality score decides, then the length.
        let two = [copies[1].as_str(), BASE];
        let two_sigs = [refs[2], refs[1]];
        let rep = representative(&two_sigs, &two, &mut |i| [40.0, 100.0][i]);
        assert_eq!(rep, 1);
        // Same quality (within a point), no word swapped: the longer text.
        assert_eq!(representative(&two_sigs, &two, &mut |i| [90.5, 90.0][i]), 1);
    }

    #[test]
    fn a_spun_copy_is_not_the_original_for_being_longer() {
        // A spinner's rarer synonyms, and a line it gained: longer, but derived.
        let spun = BASE
            .replace("passed a law", "enacted a statute")
            .replace("gave every", "bestowed upon every")
            .replace("best thing", "finest deed")
            .replace("asked for", "petitioned for")
            + " Read also: more news.";
        let p = Params::default();
        for texts in [[spun.as_str(), BASE], [BASE, spun.as_str()]] {
            let sigs: Vec<Option<Signature>> = texts.iter().map(|t| signature(t, &p)).collect();
            let refs: Vec<Option<&Signature>> = sigs.iter().map(Option::as_ref).collect();
            let orig = texts.iter().position(|t| *t == BASE).unwrap();
            // The scores tie (within a point): the derivation evidence decides.
            let rep = representative(&refs, &texts, &mut |_| 50.0);
            assert_eq!(rep, orig);
            assert!(derivation(BASE, &spun) > DERIVATION_TIE);
            assert!(derivation(&spun, BASE) < -DERIVATION_TIE);
        }
    }
}
