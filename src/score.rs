//! The faithfulness score: 100 is clean, 0 is garbled.
//!
//! ```text
//! penalty  = Σ  category_weight × severity_weight × confidence      (over all findings)
//! density  = 1000 × penalty / (words + PRIOR_WORDS)                 (weighted hits per 1000 words)
//! score    = 100 × exp(−density / SCALE)
//! ```
//!
//! Density, not a count: a long clean article is not punished for one oddity, and
//! `PRIOR_WORDS` keeps a ten-word snippet with one hit from dropping to zero. `SCALE` is the
//! density at which the score falls to 100/e ≈ 37: about 30 confident warnings per 1000 words.
//! Every constant of the formula is here.

use crate::finding::{Category, Finding, Severity};

/// A score at or above this reads as clean: statistical rules report no warning in such a
/// document (their findings there are `info`).
pub const CLEAN: f64 = 90.0;

/// Words added to the length, so short texts are judged with a prior of cleanliness.
pub const PRIOR_WORDS: f64 = 150.0;
/// Weighted findings per 1000 words at which the score is 100/e.
pub const SCALE: f64 = 30.0;

/// How much a category weighs: leftover foreign text is certain damage; scraper debris leaves
/// the article itself intact.
pub fn category_weight(c: Category) -> f64 {
    match c {
        Category::Swap => 1.0,
        Category::Foreign => 1.5,
        Category::Glue => 1.0,
        Category::Garble => 0.8,
        Category::Boilerplate => 0.5,
    }
}

/// How much a severity weighs.
pub fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Info => 0.3,
        Severity::Warning => 1.0,
        Severity::Error => 1.5,
    }
}

/// Penalty of one piece of evidence: a finding, or an evidence-only hit.
pub fn weight(category: Category, severity: Severity, confidence: f64) -> f64 {
    category_weight(category) * severity_weight(severity) * confidence.clamp(0.0, 1.0)
}

/// Penalty of one finding.
pub fn penalty(f: &Finding) -> f64 {
    weight(f.category, f.severity, f.confidence)
}

/// The score of a document of `words` words with these findings, rounded to 0.01 (people see
/// it to 0.1; the second decimal keeps apart, for a ranking, the near-clean documents that
/// carry a little evidence and those that carry none).
pub fn score(words: usize, findings: &[Finding]) -> f64 {
    let p: f64 = findings.iter().map(penalty).sum();
    score_from_penalty(words, p)
}

/// The score from a summed penalty.
pub fn score_from_penalty(words: usize, penalty: f64) -> f64 {
    let density = 1000.0 * penalty / (words as f64 + PRIOR_WORDS);
    let s = 100.0 * (-density / SCALE).exp();
    (s * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_is_100_and_monotonic() {
        assert_eq!(score_from_penalty(500, 0.0), 100.0);
        let a = score_from_penalty(500, 1.0);
        let b = score_from_penalty(500, 5.0);
        assert!(100.0 > a && a > b && b > 0.0);
    }

    #[test]
    fn length_normalized() {
        // One oddity in a long article barely moves it; in a short one it matters more.
        assert!(score_from_penalty(5000, 1.0) > 99.0);
        assert!(score_from_penalty(100, 1.0) < 90.0);
    }

    #[test]
    fn severity_scales_every_penalty() {
        let w = |s| weight(Category::Swap, s, 0.5);
        assert_eq!(w(Severity::Warning), 0.5);
        assert!(w(Severity::Error) > w(Severity::Warning));
        assert!(w(Severity::Info) < w(Severity::Warning));
        assert_eq!(weight(Category::Boilerplate, Severity::Warning, 2.0), 0.5);
    }

    #[test]
    fn a_little_evidence_still_ranks_below_none() {
        // Too little to show at one decimal, enough to rank below a clean document.
        let s = score_from_penalty(200, 0.003);
        assert!((99.95..100.0).contains(&s), "{s}");
    }

    #[test]
    fn in_bounds() {
        for p in [0.0, 0.5, 10.0, 1e6] {
            for w in [0, 1, 100, 1_000_000] {
                let s = score_from_penalty(w, p);
                assert!((0.0..=100.0).contains(&s));
            }
        }
    }
}
