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
/// The document model (see [`super::document`]), fitted by `tools/fit_ngram.py`.
///
/// `ln D(e)` at knots of the evidence score `e`: how much likelier a score is on a swapped
/// word than on a word of clean text (linear in between, flat outside).
pub const DOC_RATIO_KNOTS: [(f32, f32); 14] = [
    (0.2839, -1.9302),
    (0.4635, 0.2850),
    (0.5705, 0.6680),
    (0.6548, 1.1357),
    (0.7211, 1.3825),
    (0.7794, 1.7214),
    (0.8291, 2.1599),
    (0.8681, 2.5303),
    (0.9046, 2.9419),
    (0.9319, 3.6169),
    (0.9539, 4.2142),
    (0.9703, 5.1883),
    (0.9839, 5.9067),
    (0.9944, 7.6429),
];
/// `D` of an eligible word the judge did not weigh (every window around it attested).
pub const DOC_RATIO_UNJUDGED: f32 = 0.3868;
/// `ln W(c)` at knots of the confidence `c`: how much likelier a confidence is on a swapped
/// word than on another word of the same spun text.
pub const WORD_RATIO_KNOTS: [(f32, f32); 14] = [
    (0.1266, -2.0509),
    (0.2121, -0.8287),
    (0.2974, -0.2415),
    (0.3842, 0.1119),
    (0.4724, 0.4124),
    (0.5553, 0.8650),
    (0.6490, 1.2973),
    (0.7443, 1.7008),
    (0.8224, 2.3570),
    (0.8886, 2.8148),
    (0.9272, 3.3163),
    (0.9502, 4.6767),
    (0.9656, 4.6767),
    (0.9815, 4.9328),
];
/// The swap rates a section is tried at.
pub const RATES: [f32; 8] = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];
/// Eligible words per section (at least; a paragraph is never split).
pub const SECTION_WORDS: usize = 150;
/// Calibration of a section's posterior: `σ(SPUN_INTERCEPT + SPUN_SLOPE · max(L − ln n, L_doc))`.
pub const SPUN_INTERCEPT: f32 = -8.5473;
/// See [`SPUN_INTERCEPT`].
pub const SPUN_SLOPE: f32 = 0.5094;
/// A word's posterior at which it is reported.
pub const REPORT_POSTERIOR: f32 = 0.6;
/// A word's posterior below which it adds nothing to the score.
pub const EVIDENCE_POSTERIOR: f32 = 0.002;
