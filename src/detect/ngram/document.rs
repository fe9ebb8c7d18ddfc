//! The document first: is this text (or this section of it) spun at all?
//!
//! The judge weighs each word alone, with one prior for every word. In clean text that is the
//! wrong prior: a lone odd word in a README is the author's jargon, not a swap. Here the
//! document's own evidence sets the prior of its words, as a two-level mixture model:
//!
//! * A section of a document is either clean, or spun at some rate `r`: each of its eligible
//!   words was swapped with probability `r`.
//! * Each eligible word brings its first-stage confidence `c` (the calibrated output of
//!   [`super::judge`], or "not judged" when the model found every window around it attested).
//!   `R(c)` is the likelihood ratio of seeing that confidence on a swapped word rather than on a
//!   word of clean text, fitted on clean text of several genres and on text spun by several
//!   spinners (`tools/fit_doc.py`, constants in [`super::tune`]).
//! * A section's evidence is the profile log-likelihood ratio of "spun at rate r" against
//!   "clean", maximised over a small grid of rates:
//!
//!   ```text
//!   L(r) = Σ_words ln((1 − r) + r · R(c))        L = max_r L(r),  r̂ = argmax
//!   ```
//!
//!   Many strong words add up; words that look clean count against it; a lone odd word in a
//!   long clean section cannot outweigh the rest.
//! * The section's posterior that it is spun is `p = σ(A + B · L − ln n)`, where `n` is the
//!   number of sections (a long document has more chances to look spun somewhere by chance).
//! * A word's posterior is `q = p · r̂R(c) / ((1 − r̂) + r̂R(c))`: a weak suspicion in a section
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

/// The likelihood ratio `R(c)` of a first-stage confidence: piecewise linear in `ln R`
/// between the knots of [`tune::RATIO_KNOTS`].
pub fn ratio(c: f32) -> f32 {
    let k = &tune::RATIO_KNOTS;
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
            + unjudged as f32 * ((1.0 - r) + r * tune::RATIO_UNJUDGED).ln();
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
            && doc.tokens[prev + 1..=t].iter().any(|x| x.breaks_before >= 2)
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

/// Assess a document: `eligible` are the token indices of its eligible words, `verdicts` the
/// (first token, first-stage confidence) of each judged word or phrase, in text order.
pub fn assess(doc: &Document, eligible: &[usize], verdicts: &[(usize, f32)]) -> Assessment {
    let cuts = sections(doc, eligible);
    let n = cuts.len().max(1) as f32;
    let mut sections = Vec::with_capacity(cuts.len());
    let mut words = Vec::with_capacity(verdicts.len());
    let mut vi = 0;
    for (si, &(first, last, count)) in cuts.iter().enumerate() {
        let from = vi;
        while vi < verdicts.len() && verdicts[vi].0 <= last {
            vi += 1;
        }
        // Verdicts before the first section (none: verdicts are on eligible words) or after
        // the last belong to the nearest section.
        if si + 1 == cuts.len() {
            vi = verdicts.len();
        }
        let ratios: Vec<f32> = verdicts[from..vi].iter().map(|v| ratio(v.1)).collect();
        let unjudged = count.saturating_sub(ratios.len());
        let (evidence, rate) = profile(&ratios, unjudged);
        let z = tune::SPUN_INTERCEPT + tune::SPUN_SLOPE * evidence - n.ln();
        let spun = 1.0 / (1.0 + (-z).exp());
        for &x in &ratios {
            let q = if rate > 0.0 {
                spun * rate * x / ((1.0 - rate) + rate * x)
            } else {
                0.0
            };
            words.push((q, si));
        }
        sections.push(Section {
            first,
            last,
            eligible: count,
            evidence,
            rate,
            spun,
        });
    }
    Assessment { sections, words }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ratio_grows_with_the_confidence() {
        let mut prev = 0.0;
        for i in 0..=100 {
            let r = ratio(i as f32 / 100.0);
            assert!(r >= prev, "R({}) = {r} < {prev}", i as f32 / 100.0);
            prev = r;
        }
        assert!(ratio(0.0) < 1.0, "a confidently clean word is evidence of clean text");
        assert!(ratio(0.95) > 10.0, "a confident swap is strong evidence");
    }

    #[test]
    fn one_odd_word_among_many_clean_ones_is_no_evidence() {
        let (l, r) = profile(&[ratio(0.7)], 200);
        assert_eq!((l, r), (0.0, 0.0), "L = {l}, r = {r}");
    }

    #[test]
    fn many_strong_words_are_evidence_and_set_the_rate() {
        let mut words = vec![ratio(0.9); 15];
        words.extend(vec![ratio(0.1); 40]);
        let (l, r) = profile(&words, 45);
        assert!(l > 10.0, "L = {l}");
        assert!((0.1..=0.3).contains(&r), "r = {r}");
    }
}
