//! The calibration features: generic, named facts about a verdict (its context gain and
//! attestation, how much commoner its suggestion is, its thesaurus edge, the word in its
//! document...) from which the word's two scores are computed: the confidence `c` by
//! gradient-boosted trees ([`super::trees`]), the evidence `e` by a logistic model
//! ([`EVIDENCE_WEIGHTS`]), both fitted on labelled development data by
//! `tools/fit_ngram.py` from the rows that `unspun eval --dump-doc` writes (one JSON object
//! per judged word, its features keyed by the names below). Generic features, so the
//! calibration transfers to other texts and spinners: an edge that several thesauri agree on
//! is a likelier pick for any spinner, and an inflection edge is strong evidence because
//! spinners do not inflect what they insert.
//!
//! To add a feature: a line in `features!` below and its value in [`Features::of`], then a
//! re-fit (`unspun eval --dump-doc`, `tools/fit_ngram.py`, `tools/splice_consts.py`).

use super::judge::Judgement;
use super::run::WordContext;
use super::trees;
use crate::lexicon::EdgeKind;

/// Declares [`Features`]: one `f32` field per feature, in calibration order, with the
/// feature's names ([`Features::NAMES`]) and values in that order ([`Features::values`]).
macro_rules! features {
    ($($(#[doc = $doc:literal])+ $name:ident,)+) => {
        /// The calibration features of one verdict (see the [module docs](self)). Serialized
        /// as a JSON object keyed by field name (`unspun eval --dump-features`).
        #[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
        pub struct Features {
            $($(#[doc = $doc])+ pub $name: f32,)+
        }

        impl Features {
            /// The field names, in calibration order.
            pub const NAMES: [&'static str; Self::LEN] = [$(stringify!($name)),+];
            /// Number of features.
            pub const LEN: usize = [$(stringify!($name)),+].len();

            /// The values, in the order of [`Features::NAMES`].
            pub fn values(&self) -> [f32; Self::LEN] {
                [$(self.$name),+]
            }
        }
    };
}

features! {
    /// The observed word's attestation is 3 (one-hot; see `crate::lexicon::window`).
    obs_attest_3,
    /// ... is 4.
    obs_attest_4,
    /// ... is 5 or more (only a multi-word lemma: a word attested 5 is not judged).
    obs_attest_5_plus,
    /// The candidate's attestation minus the observed word's.
    attest_gain,
    /// The context gain `S(c) − S(w)` (log10), capped at 6.
    context_gain,
    /// How much commoner the candidate is than the observed word (log10 unigram, 0 if rarer).
    unigram_gain,
    /// log10 of the candidate's synonym-set size (see `judge`: at least `tune::MIN_SYNSET`).
    log_synset,
    /// The observed word's unigram log10 probability (a phrase: its own probability).
    obs_unigram,
    /// log10 (1 + the observed word's thesaurus neighbours; a phrase: its synonyms).
    log_obs_neighbours,
    /// log10 of the posterior odds, Σ over the candidates of 10^LLR (+ 1e-9).
    log_odds,
    /// The first pass's posterior for this word (a phrase: its only posterior; 0 when the
    /// first pass had no candidate).
    first_pass_posterior,
    /// How many thesauri have the edge (Moby, WordNet, WordNet similar-to), 0 to 3.
    thesauri,
    /// The edge is an inflection ("keeps" for "keep").
    inflection,
    /// The observed word is rare (unigram log10 probability below −5).
    obs_rare,
    /// The candidate is an inflection of a neighbour (see `Candidate::via_inflection`).
    via_inflection,
    /// The observed word is outside the language model (a rare dictionary word).
    obs_out_of_model,
    /// The observed text is a multi-word lemma.
    phrase,
    /// log10 (1 + other occurrences of the observed word in the document): a writer repeats
    /// the words of their subject; a spinner's pick is a one-off.
    log_repeats,
    /// The suggested original occurs elsewhere in the document (mixed wording: a spinner
    /// leaves some occurrences alone).
    candidate_in_doc,
    /// The observed word is a closed-class word (pronoun, preposition, conjunction...).
    obs_closed_class,
    /// The suggestion is a closed-class word.
    candidate_closed_class,
    /// Markup or code was masked out next to the word: its context is broken.
    near_markup,
    /// The word's sentence does not end like one (a heading, a list item, a cell).
    fragment,
}

impl Features {
    /// The features of a judgement; `p1`: the first pass's posterior for the same word; `c`:
    /// what the document and the surroundings say.
    pub(super) fn of(jd: &Judgement, p1: f32, c: &WordContext) -> Features {
        let obs = &jd.observed;
        let edge = jd.best.edge;
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        Features {
            obs_attest_3: b(obs.attest == 3),
            obs_attest_4: b(obs.attest == 4),
            obs_attest_5_plus: b(obs.attest >= 5),
            attest_gain: jd.attest as f32 - obs.attest as f32,
            context_gain: jd.gain.min(6.0),
            unigram_gain: jd.unigram_gain.max(0.0),
            log_synset: jd.synset.log10(),
            obs_unigram: obs.unigram,
            log_obs_neighbours: (obs.neighbours as f32 + 1.0).log10(),
            log_odds: ((jd.odds + 1e-9).log10()) as f32,
            first_pass_posterior: p1,
            thesauri: b(edge.contains(EdgeKind::MOBY))
                + b(edge.contains(EdgeKind::WORDNET))
                + b(edge.contains(EdgeKind::SIMILAR)),
            inflection: b(edge.contains(EdgeKind::INFLECTION)),
            obs_rare: b(obs.unigram < -5.0),
            via_inflection: b(jd.best.via_inflection),
            obs_out_of_model: b(obs.out_of_model),
            phrase: b(obs.phrase),
            log_repeats: (c.repeats as f32 + 1.0).log10(),
            candidate_in_doc: b(c.candidate_in_doc),
            obs_closed_class: b(c.obs_closed),
            candidate_closed_class: b(c.cand_closed),
            near_markup: b(c.near_markup),
            fragment: b(c.fragment),
        }
    }

    /// The confidence: the probability that the word was swapped, if its text is spun.
    pub fn confidence(&self) -> f32 {
        trees::CONFIDENCE.probability(&self.values())
    }

    /// The evidence score: how much more the word looks like a swap than like a word of
    /// clean text (a probability under the balanced training of `tools/fit_ngram.py`): a
    /// logistic model, which transfers to genres it was not fitted on (see the tool).
    pub fn evidence(&self) -> f32 {
        let z: f32 = self
            .values()
            .iter()
            .zip(EVIDENCE_WEIGHTS.values())
            .map(|(x, w)| x * w)
            .sum::<f32>()
            + EVIDENCE_INTERCEPT;
        1.0 / (1.0 + (-z).exp())
    }
}

/// The weights of the evidence score, by feature (fitted by `tools/fit_ngram.py`): a
/// logistic model trained to tell swapped words from the words of clean text of several
/// genres, what the document model weighs (see [`super::document`]).
pub const EVIDENCE_WEIGHTS: Features = Features {
    obs_attest_3: 0.1877,
    obs_attest_4: 0.2587,
    obs_attest_5_plus: 0.3361,
    attest_gain: 0.1573,
    context_gain: 0.1768,
    unigram_gain: 0.1022,
    log_synset: -0.3089,
    obs_unigram: 0.5471,
    log_obs_neighbours: -0.4992,
    log_odds: 0.4060,
    first_pass_posterior: 0.5986,
    thesauri: 0.9140,
    inflection: 1.8845,
    obs_rare: 0.0272,
    via_inflection: -0.3841,
    obs_out_of_model: 0.4420,
    phrase: 2.2618,
    log_repeats: -3.4978,
    candidate_in_doc: -0.7882,
    obs_closed_class: -1.1651,
    candidate_closed_class: 0.0901,
    near_markup: -2.0362,
    fragment: -2.1526,
};

/// The intercept of the evidence score.
pub const EVIDENCE_INTERCEPT: f32 = 3.2715;

#[cfg(test)]
mod tests {
    use super::*;

    /// The dump keys each value by its field name, in calibration order: what
    /// `tools/fit_ngram.py` reads (it matches the columns to the trees' feature indices by this order).
    #[test]
    fn features_serialize_by_name_in_calibration_order() {
        let f = Features {
            log_odds: 2.5,
            phrase: 1.0,
            ..Features::default()
        };
        let v: serde_json::Value = serde_json::to_value(f).unwrap();
        let obj = v.as_object().unwrap();
        assert_eq!(obj.len(), Features::LEN);
        assert_eq!(obj["log_odds"], 2.5);
        assert_eq!(obj["phrase"], 1.0);
        let text = serde_json::to_string(&f).unwrap();
        let mut at = 0;
        for (name, value) in Features::NAMES.iter().zip(f.values()) {
            let key = format!("\"{name}\":");
            let pos = text[at..].find(&key).map(|p| p + at);
            assert!(pos.is_some(), "{name} missing or out of order in {text}");
            at = pos.unwrap() + key.len();
            assert_eq!(obj[*name].as_f64().unwrap() as f32, value, "{name}");
        }
    }

    /// Every tree of the confidence is well formed: each split's children are in the tree,
    /// on a feature that exists, and every path ends in a leaf. (A recursive walk of every
    /// node, unlike `Ensemble::log_odds`, which follows one path.)
    #[test]
    fn the_trees_are_well_formed() {
        use super::trees::{Node, CONFIDENCE};
        fn walk(nodes: &[Node], i: usize, depth: usize) -> usize {
            assert!(depth < 64, "a cycle");
            match nodes[i] {
                Node::Leaf(v) => {
                    assert!(v.is_finite());
                    1
                }
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    assert!((feature as usize) < Features::LEN);
                    assert!(!threshold.is_nan());
                    walk(nodes, left as usize, depth + 1) + walk(nodes, right as usize, depth + 1)
                }
            }
        }
        {
            let e = &CONFIDENCE;
            assert!(e.trees.len() >= 10, "not fitted");
            let mut leaves = 0;
            for (k, &first) in e.trees.iter().enumerate() {
                let end = e.trees.get(k + 1).map_or(e.nodes.len(), |&n| n as usize);
                leaves += walk(&e.nodes[first as usize..end], 0, 0);
            }
            assert!(leaves > e.trees.len());
        }
    }

    /// The scores move the way the evidence says: a phrase of a multi-word lemma with a
    /// large context gain and an inflection edge is a likelier swap than the same word
    /// repeated through its document next to markup.
    #[test]
    fn the_scores_follow_the_evidence() {
        let strong = Features {
            context_gain: 4.0,
            log_odds: 2.0,
            first_pass_posterior: 0.9,
            thesauri: 2.0,
            inflection: 1.0,
            obs_unigram: -5.5,
            ..Features::default()
        };
        let weak = Features {
            log_repeats: 1.0,
            near_markup: 1.0,
            fragment: 1.0,
            candidate_in_doc: 1.0,
            log_odds: -3.0,
            obs_unigram: -2.0,
            ..Features::default()
        };
        assert!(strong.confidence() > weak.confidence());
        assert!(strong.evidence() > weak.evidence());
        for f in [strong, weak] {
            assert!((0.0..=1.0).contains(&f.confidence()));
            assert!((0.0..=1.0).contains(&f.evidence()));
        }
    }
}
