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
/// Calibrated confidence at which a finding is reported.
pub const REPORT: f32 = 0.46;
/// Calibrated confidence below which a word adds nothing to the document score.
pub const EVIDENCE: f32 = 0.3;
/// Weight of a sub-threshold word in the document score (a reported finding weighs 1).
pub const EVIDENCE_WEIGHT: f32 = 0.3;

/// The document model (see [`super::document`]), fitted by `tools/fit_doc.py`.
///
/// `ln R(c)` at knots of the first-stage confidence `c`: how much likelier a confidence is on a
/// swapped word than on a word of clean text (linear in between, flat outside).
pub const RATIO_KNOTS: [(f32, f32); 14] = [
    (0.025, -0.994),
    (0.075, -0.844),
    (0.125, -0.528),
    (0.175, -0.211),
    (0.225, 0.020),
    (0.275, 0.239),
    (0.325, 0.531),
    (0.375, 0.815),
    (0.430, 1.001),
    (0.505, 1.270),
    (0.600, 1.705),
    (0.700, 2.348),
    (0.800, 2.878),
    (0.920, 3.871),
];
/// `R` of an eligible word the judge did not weigh (every window around it attested).
pub const RATIO_UNJUDGED: f32 = 0.73;
/// The swap rates a section is tried at.
pub const RATES: [f32; 6] = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3];
/// Eligible words per section (at least; a paragraph is never split).
pub const SECTION_WORDS: usize = 150;
/// Calibration of a section's posterior: `σ(SPUN_INTERCEPT + SPUN_SLOPE · L − ln n)`.
pub const SPUN_INTERCEPT: f32 = -4.0;
/// See [`SPUN_INTERCEPT`].
pub const SPUN_SLOPE: f32 = 1.0;
/// A word's posterior at which it is reported.
pub const REPORT_POSTERIOR: f32 = 0.5;
/// A word's posterior below which it adds nothing to the score.
pub const EVIDENCE_POSTERIOR: f32 = 0.02;
