//! Tuning constants of `ngram.swap`, all in one place (the calibration weights, learnt from
//! data, are in [`super::features`]).

/// log10 of the prior probability that a given word was swapped: the prior every word is
/// judged with today (the judge takes the prior as an input, see [`super::judge`]).
pub const LOG_PRIOR: f32 = -1.3;
/// Smallest synonym-set size assumed for a candidate (a tiny set is not a sure pick).
pub const MIN_SYNSET: f32 = 4.0;

/// Direct thesaurus neighbours examined per word (rows are sorted by frequency).
pub const MAX_CANDIDATES: usize = 80;
/// Neighbours whose inflections are added as candidates ("personify" → "be" → "are").
pub const TWO_HOP_SOURCES: usize = 12;
/// Entries of such a neighbour's row scanned for its inflections.
pub const TWO_HOP_SCAN: usize = 48;
/// Candidates per word in all.
pub const MAX_ALL: usize = 128;
/// Candidates, best by their bigram context, weighed on the full trigram context. The rest
/// rarely change the verdict, and their look-ups dominated the time.
pub const RESCORE: usize = 24;

/// Attestation (see [`crate::lexicon::window`], at most 7) at which a word is not judged at
/// all: its windows are (nearly) all explicit trigrams, so the model has nothing to explain.
pub const SKIP_ATTESTED: u32 = 5;
/// The same for a multi-word lemma, whose inner windows are not counted.
pub const SKIP_ATTESTED_PHRASE: u32 = 6;

/// Posterior at which a first-pass suggestion replaces the word in its neighbours' context.
pub const CORRECT: f32 = 0.5;
/// The document model (see [`super::document`]), fitted by `tools/fit_doc.py`.
///
/// `ln D(e)` at knots of the evidence score `e`: how much likelier a score is on a swapped
/// word than on a word of clean text (linear in between, flat outside).
pub const DOC_RATIO_KNOTS: [(f32, f32); 14] = [
    (0.2830, -1.8862),
    (0.4587, 0.2723),
    (0.5641, 0.6559),
    (0.6353, 1.0367),
    (0.6911, 1.3157),
    (0.7397, 1.5292),
    (0.7857, 1.8063),
    (0.8261, 2.1150),
    (0.8613, 2.4282),
    (0.8971, 2.8391),
    (0.9261, 3.4156),
    (0.9509, 4.0701),
    (0.9735, 5.0194),
    (0.9912, 6.7150),
];
/// `D` of an eligible word the judge did not weigh (every window around it attested).
pub const DOC_RATIO_UNJUDGED: f32 = 0.4000;
/// `ln W(c)` at knots of the confidence `c`: how much likelier a confidence is on a swapped
/// word than on another word of the same spun text.
pub const WORD_RATIO_KNOTS: [(f32, f32); 14] = [
    (0.0684, -1.6830),
    (0.1172, -0.8873),
    (0.1570, -0.4451),
    (0.1968, -0.2284),
    (0.2413, 0.0648),
    (0.2928, 0.3331),
    (0.3499, 0.5578),
    (0.4165, 0.9124),
    (0.4879, 1.2907),
    (0.5712, 1.5528),
    (0.6601, 2.1717),
    (0.7467, 2.5780),
    (0.8372, 3.1470),
    (0.9262, 3.7107),
];
/// The swap rates a section is tried at.
pub const RATES: [f32; 6] = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3];
/// Eligible words per section (at least; a paragraph is never split).
pub const SECTION_WORDS: usize = 150;
/// Calibration of a section's posterior: `σ(SPUN_INTERCEPT + SPUN_SLOPE · max(L − ln n, L_doc))`.
pub const SPUN_INTERCEPT: f32 = -5.7462;
/// See [`SPUN_INTERCEPT`].
pub const SPUN_SLOPE: f32 = 0.2933;
/// A word's posterior at which it is reported.
pub const REPORT_POSTERIOR: f32 = 0.5;
/// A word's posterior below which it adds nothing to the score.
pub const EVIDENCE_POSTERIOR: f32 = 0.02;
