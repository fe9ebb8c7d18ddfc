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
    (0.2834, -1.8975),
    (0.4617, 0.2572),
    (0.5655, 0.6525),
    (0.6370, 1.0328),
    (0.6927, 1.3339),
    (0.7411, 1.5175),
    (0.7879, 1.8271),
    (0.8289, 2.1170),
    (0.8635, 2.4304),
    (0.8991, 2.8699),
    (0.9281, 3.4508),
    (0.9522, 4.1108),
    (0.9745, 5.0907),
    (0.9915, 6.7828),
];
/// `D` of an eligible word the judge did not weigh (every window around it attested).
pub const DOC_RATIO_UNJUDGED: f32 = 0.4041;
/// `ln W(c)` at knots of the confidence `c`: how much likelier a confidence is on a swapped
/// word than on another word of the same spun text.
pub const WORD_RATIO_KNOTS: [(f32, f32); 14] = [
    (0.0682, -1.6824),
    (0.1172, -0.8939),
    (0.1578, -0.4447),
    (0.1974, -0.2310),
    (0.2424, 0.0715),
    (0.2942, 0.3249),
    (0.3519, 0.5663),
    (0.4184, 0.9146),
    (0.4903, 1.2772),
    (0.5743, 1.5719),
    (0.6638, 2.1803),
    (0.7493, 2.5973),
    (0.8398, 3.1450),
    (0.9272, 3.7190),
];
/// The swap rates a section is tried at.
pub const RATES: [f32; 6] = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3];
/// Eligible words per section (at least; a paragraph is never split).
pub const SECTION_WORDS: usize = 150;
/// Calibration of a section's posterior: `σ(SPUN_INTERCEPT + SPUN_SLOPE · max(L − ln n, L_doc))`.
pub const SPUN_INTERCEPT: f32 = -5.9518;
/// See [`SPUN_INTERCEPT`].
pub const SPUN_SLOPE: f32 = 0.2900;
/// A word's posterior at which it is reported.
pub const REPORT_POSTERIOR: f32 = 0.5;
/// A word's posterior below which it adds nothing to the score.
pub const EVIDENCE_POSTERIOR: f32 = 0.02;
