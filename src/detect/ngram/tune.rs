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
