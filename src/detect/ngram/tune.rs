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
    (0.2693, -1.8868),
    (0.4419, 0.1816),
    (0.5461, 0.6155),
    (0.6337, 0.9907),
    (0.7009, 1.2968),
    (0.7630, 1.6368),
    (0.8142, 1.9951),
    (0.8579, 2.3903),
    (0.8957, 2.8299),
    (0.9260, 3.4825),
    (0.9498, 4.0858),
    (0.9671, 5.0248),
    (0.9819, 5.7968),
    (0.9935, 7.4429),
];
/// `D` of an eligible word the judge did not weigh (every window around it attested).
pub const DOC_RATIO_UNJUDGED: f32 = 0.3844;
/// `ln W(c)` at knots of the confidence `c`: how much likelier a confidence is on a swapped
/// word than on another word of the same spun text.
pub const WORD_RATIO_KNOTS: [(f32, f32); 14] = [
    (0.1270, -2.0489),
    (0.2131, -0.8386),
    (0.2951, -0.2369),
    (0.3804, 0.0940),
    (0.4660, 0.4844),
    (0.5489, 0.7984),
    (0.6485, 1.2701),
    (0.7411, 1.6538),
    (0.8237, 2.3327),
    (0.8891, 2.8525),
    (0.9282, 3.4784),
    (0.9507, 4.4905),
    (0.9688, 4.6699),
    (0.9845, 5.2755),
];
/// The swap rates a section is tried at.
pub const RATES: [f32; 8] = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];
/// Eligible words per section (at least; a paragraph is never split).
pub const SECTION_WORDS: usize = 150;
/// Calibration of a section's posterior: `σ(SPUN_INTERCEPT + SPUN_SLOPE · max(L − ln n, L_doc)
/// + L_art)` (`L_art`: [`super::document::artifact_evidence`]).
pub const SPUN_INTERCEPT: f32 = -9.1851;
/// See [`SPUN_INTERCEPT`].
pub const SPUN_SLOPE: f32 = 0.4061;
/// A word's posterior at which it is reported.
pub const REPORT_POSTERIOR: f32 = 0.6;
/// A word's posterior below which it adds nothing to the score.
pub const EVIDENCE_POSTERIOR: f32 = 0.0002;

/// The likelihood ratio of one artifact of a machine rewrite (a warning of a glue, foreign or
/// garble rule) in favour of "this document is spun" (see [`super::document::artifact_evidence`]).
/// Set, not fitted: the labelled spun text has none.
pub const ARTIFACT_RATIO: f32 = 4.0;
/// Artifacts counted at most: a page full of glued words is garbled, not necessarily spun.
pub const ARTIFACT_CAP: usize = 4;
