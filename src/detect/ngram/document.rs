//! The document first: is this text (or this section of it) spun at all?
//!
//! The judge weighs each word alone, with one prior for every word. In clean text that is the
//! wrong prior: a lone odd word in a README is the author's jargon, not a swap. Here the
//! document's own evidence sets the prior of its words, as a two-level mixture model:
//!
//! * A section of a document is either clean, or spun at some rate `r`: each of its eligible
//!   words was swapped with probability `r`.
//! * Each eligible word brings two numbers from the judge (see [`super::features`]): its
//!   *evidence* `e`, a score trained to tell swapped words from the words of clean text of
//!   several genres, and its *confidence* `c`, a score trained to tell swapped words from the
//!   other words of spun text. A word the judge did not weigh (every window around it
//!   attested) is "not judged".
//! * `D(e)` is the likelihood ratio of an evidence score on a swapped word rather than on a
//!   word of clean text; `W(c)` the likelihood ratio of a confidence on a swapped word rather
//!   than on another word of the same spun text. Both are fitted by `tools/fit_ngram.py` on
//!   clean text of several genres and text spun by several spinners (constants in
//!   [`super::tune`]).
//! * A section's evidence is the profile log-likelihood ratio of "spun at rate r" against
//!   "clean", maximised over a small grid of rates:
//!
//!   ```text
//!   L(r) = Σ_words ln((1 − r) + r · D(e))        L = max_r L(r),  r̂ = argmax
//!   ```
//!
//!   Many strong words add up; words that look clean count against it; a lone odd word in a
//!   long clean section cannot outweigh the rest.
//! * The section's posterior that it is spun is `p = σ(A + B · max(L − ln n, L_doc) + L_art)`,
//!   where `n` is the number of sections (a long document has more chances to look spun
//!   somewhere by chance), `L_doc` the mean evidence of the document's sections (a section of
//!   a plainly spun document is likely spun too, even if its own words are few or weak) and
//!   `L_art` the log odds that the other detectors' artifacts in the document add (glued
//!   words, untranslated leftovers: see [`artifact_evidence`]).
//! * A word's posterior is `q = p · r̂W(c) / ((1 − r̂) + r̂W(c))`: a weak suspicion in a section
//!   with no other evidence stays weak; in a section that is plainly spun the same word is
//!   likely a swap.
//!
//! `q` is the confidence of the finding and its weight in the score, so the score and the
//! findings tell the same story.

use super::tune;
use crate::text::Document;

/// One section of a document: a run of paragraphs with enough eligible words to judge.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Its first and last token (inclusive).
    pub first: usize,
    /// See [`Section::first`].
    pub last: usize,
    /// Eligible words in it (judged or not).
    pub eligible: usize,
    /// The profile log-likelihood ratio `L` (natural log).
    pub evidence: f32,
    /// The swap rate `r̂` that maximises it (0 when the section looks clean).
    pub rate: f32,
    /// The posterior that the section is spun.
    pub spun: f32,
}

/// A likelihood ratio from its knots: piecewise linear in its logarithm between the knots
/// `(score, ln ratio)`, flat outside.
pub fn ratio(k: &[(f32, f32)], c: f32) -> f32 {
    let ln = if c <= k[0].0 {
        k[0].1
    } else if c >= k[k.len() - 1].0 {
        k[k.len() - 1].1
    } else {
        let i = k.iter().position(|&(x, _)| x > c).unwrap_or(k.len() - 1);
        let ((x0, y0), (x1, y1)) = (k[i - 1], k[i]);
        y0 + (y1 - y0) * (c - x0) / (x1 - x0)
    };
    ln.exp()
}

/// The profile evidence of a set of words: (L, r̂). `judged`: the likelihood ratios of the
/// judged words; `unjudged`: how many eligible words were not judged.
fn profile(judged: &[f32], unjudged: usize) -> (f32, f32) {
    let mut best = (0.0f32, 0.0f32);
    for &r in &tune::RATES {
        let l: f32 = judged
            .iter()
            .map(|&x| ((1.0 - r) + r * x).ln())
            .sum::<f32>()
            + unjudged as f32 * ((1.0 - r) + r * tune::DOC_RATIO_UNJUDGED).ln();
        if l > best.0 {
            best = (l, r);
        }
    }
    best
}

/// Cut a document into sections: consecutive paragraphs, each section with at least
/// [`tune::SECTION_WORDS`] eligible words (a short document is one section). `eligible`: the
/// token indices of the eligible words, in order.
pub fn sections(doc: &Document, eligible: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    let Some(&first) = eligible.first() else {
        return out;
    };
    let mut start = first;
    let mut count = 0usize;
    let mut prev = first;
    for &t in eligible {
        // A paragraph break between the previous eligible word and this one closes a section
        // that has enough words.
        if count >= tune::SECTION_WORDS
            && doc.tokens[prev + 1..=t]
                .iter()
                .any(|x| x.breaks_before >= 2)
        {
            out.push((start, prev, count));
            start = t;
            count = 0;
        }
        count += 1;
        prev = t;
    }
    out.push((start, prev, count));
    // A short tail joins the section before it.
    if out.len() >= 2 && out[out.len() - 1].2 < tune::SECTION_WORDS / 2 {
        let tail = out.pop().expect("two sections");
        let last = out.last_mut().expect("one section");
        last.1 = tail.1;
        last.2 += tail.2;
    }
    out
}

/// The assessment of a document: its sections and each verdict's posterior.
#[derive(Clone, Debug, Default)]
pub struct Assessment {
    /// The sections, in text order.
    pub sections: Vec<Section>,
    /// For each verdict (in the order given): its posterior `q` and its section's index.
    pub words: Vec<(f32, usize)>,
}

/// What the document model needs of one verdict.
#[derive(Clone, Copy, Debug)]
pub struct Scored {
    /// Its first token.
    pub first: usize,
    /// Its last token.
    pub last: usize,
    /// Its confidence `c` (is it a swap, in spun text?).
    pub confidence: f32,
    /// Its evidence `e` (a swap, or a word of clean text?).
    pub evidence: f32,
}

/// Assess a document: `eligible` are the token indices of its eligible words, `verdicts` the
/// judged words or phrases, in text order, `artifacts` the other detectors' artifacts in it
/// (see [`artifact_evidence`]).
pub fn assess(
    doc: &Document,
    eligible: &[usize],
    verdicts: &[Scored],
    artifacts: usize,
) -> Assessment {
    let cuts = sections(doc, eligible);
    let n = cuts.len().max(1) as f32;
    let mut sections = Vec::with_capacity(cuts.len());
    let mut words = Vec::with_capacity(verdicts.len());
    let mut pending = Vec::with_capacity(cuts.len());
    let mut vi = 0;
    for (si, &(first, last, count)) in cuts.iter().enumerate() {
        let from = vi;
        while vi < verdicts.len() && verdicts[vi].first <= last {
            vi += 1;
        }
        // Verdicts before the first section (none: verdicts are on eligible words) or after
        // the last belong to the nearest section.
        if si + 1 == cuts.len() {
            vi = verdicts.len();
        }
        let here = &verdicts[from..vi];
        let ratios: Vec<f32> = here
            .iter()
            .map(|v| ratio(&tune::DOC_RATIO_KNOTS, v.evidence))
            .collect();
        let unjudged = count.saturating_sub(ratios.len());
        let (evidence, rate) = profile(&ratios, unjudged);
        pending.push((here.len(), evidence, rate));
        sections.push(Section {
            first,
            last,
            eligible: count,
            evidence,
            rate,
            spun: 0.0,
        });
    }
    // The document's evidence: the mean of its sections'. A section of a plainly spun
    // document is likely spun too, even when its own words are few or weak; a mean (not the
    // evidence of every word pooled) so that a long clean text cannot add up to a verdict.
    let pooled = pending.iter().map(|p| p.1).sum::<f32>() / n;
    let extra = artifact_evidence(artifacts);
    let mut vi = 0;
    for (si, (section, &(count, evidence, rate))) in sections.iter_mut().zip(&pending).enumerate() {
        let here = &verdicts[vi..vi + count];
        vi += count;
        let evidence = (evidence - n.ln()).max(pooled);
        let z = tune::SPUN_INTERCEPT + tune::SPUN_SLOPE * evidence + extra;
        let spun = 1.0 / (1.0 + (-z).exp());
        // The rate is at least the smallest tried: a section that looks clean still has a
        // (tiny) posterior for its strongest words, so the score stays continuous.
        let r = rate.max(tune::RATES[0]);
        for v in here {
            let x = ratio(&tune::WORD_RATIO_KNOTS, v.confidence);
            words.push((spun * r * x / ((1.0 - r) + r * x), si));
        }
        section.spun = spun;
    }
    Assessment { sections, words }
}

/// The log odds that `artifacts` add to every section of their document (after the
/// calibration `B`, which shrinks only the words' evidence, whose words are not independent):
/// the warnings of the glue, foreign and garble rules that the other detectors reported in it.
/// Glued words and untranslated leftovers are what a machine rewrite leaves behind, so a
/// document with several of them is likelier to have been rewritten, swaps included; on clean
/// text they are rare (about 0.3 warnings per 10,000 words on the clean corpora). Each counts
/// as a likelihood ratio of [`tune::ARTIFACT_RATIO`], up to [`tune::ARTIFACT_CAP`] of them.
///
/// Not fitted: the labelled spun text (`../shared/eval`) has no such artifacts, so the ratio
/// is a stated assumption, set low. One artifact cannot turn a clean-looking section spun:
/// it only lowers the bar for swap evidence the section already has.
pub fn artifact_evidence(artifacts: usize) -> f32 {
    artifacts.min(tune::ARTIFACT_CAP) as f32 * tune::ARTIFACT_RATIO.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(e: f32) -> f32 {
        ratio(&tune::DOC_RATIO_KNOTS, e)
    }

    #[test]
    fn the_ratios_grow_with_the_scores() {
        for knots in [&tune::DOC_RATIO_KNOTS[..], &tune::WORD_RATIO_KNOTS[..]] {
            let mut prev = 0.0;
            for i in 0..=100 {
                let r = ratio(knots, i as f32 / 100.0);
                assert!(r >= prev, "R({}) = {r} < {prev}", i as f32 / 100.0);
                prev = r;
            }
            assert!(
                ratio(knots, 0.0) < 1.0,
                "a clean-looking word is evidence of clean text"
            );
            assert!(
                ratio(knots, 0.99) > 10.0,
                "a confident swap is strong evidence"
            );
        }
    }

    #[test]
    fn artifacts_add_a_bounded_amount() {
        assert_eq!(artifact_evidence(0), 0.0);
        assert!(artifact_evidence(1) > 0.0);
        assert!(artifact_evidence(2) > artifact_evidence(1));
        let cap = artifact_evidence(tune::ARTIFACT_CAP);
        assert_eq!(artifact_evidence(tune::ARTIFACT_CAP + 50), cap);
        // Alone, even the most artifacts cannot make a clean-looking section likely spun.
        let p = 1.0 / (1.0 + (-(tune::SPUN_INTERCEPT + cap)).exp());
        assert!(p < 0.05, "p = {p}");
    }

    #[test]
    fn one_odd_word_among_many_clean_ones_is_no_evidence() {
        let (l, r) = profile(&[d(0.95)], 200);
        assert_eq!((l, r), (0.0, 0.0), "L = {l}, r = {r}");
    }

    #[test]
    fn many_strong_words_are_evidence_and_set_the_rate() {
        let mut words = vec![d(0.95); 15];
        words.extend(vec![d(0.1); 40]);
        let (l, r) = profile(&words, 45);
        assert!(l > 10.0, "L = {l}");
        assert!((0.1..=0.3).contains(&r), "r = {r}");
    }
}
