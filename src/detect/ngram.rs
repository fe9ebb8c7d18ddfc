//! `ngram.swap`: thesaurus swaps found from statistics, with the likely original as suggestion.
//!
//! A spinner replaces a word `c` with one of its thesaurus neighbours `w`; the result reads
//! grammatically but unidiomatically ("in no *unpredictable* terms"). For every word `w` the
//! detector weighs two hypotheses with the trigram model of the lexicon:
//!
//! ```text
//! S(x)      = log P(x | u v) + log P(y | v x) + log P(z | x y)    (the trigrams covering x)
//! LLR(c)    = S(c) − S(w) + log q − log |syn(c)|                    (c replaced by w?)
//! posterior = Σ_c 10^LLR(c) / (1 + Σ_c 10^LLR(c))
//! ```
//!
//! `q` is the prior rate of swapping and `1/|syn(c)|` the chance that the spinner picked `w`
//! among the neighbours of `c`, so generic words with huge synonym sets ("go", "way") need
//! much more contextual support to win. The suggestion is the neighbour with the highest LLR;
//! the confidence is the posterior. Candidates are Moby and WordNet neighbours plus inflected
//! forms (a spinner ignores agreement: "this details", "keeps in mind").
//!
//! Precision comes first: names (capitalised words inside a sentence), acronyms, numbers,
//! words outside the model, words inside quotation marks and very short function words are
//! never flagged; an edge counts only when the candidate's context is attested and the
//! observed one is not much better.

use super::Detector;
use crate::finding::{Category, Hit, Severity};
use crate::lexicon::{EdgeKind, Lexicon, WordId};
use crate::rules::BuiltinRule;
use crate::text::{Case, Document, TokenKind};

/// The rule.
pub const RULE: BuiltinRule = BuiltinRule {
    id: "ngram.swap",
    category: Category::Swap,
    severity: Severity::Warning,
    message: "'{text}' is unusual here; '{suggestion}' is the common wording",
    doc: "A word whose trigram context is rare in a reference English model while one of its \
          thesaurus neighbours (Moby, WordNet, inflections) makes the context common: the \
          fingerprint of a synonym spinner. The suggestion is the likely original word and \
          the confidence a posterior probability that the word was swapped.",
    file: "src/detect/ngram.rs",
    fix_safe: false,
    fire: &[
        "The report made the assertion in no unpredictable terms.",
        "Coats called Russia and China cyber assailants versus the United States.",
        "The report keeps in mind that the claim is sourced broadly.",
    ],
    clean: &[
        "The report made the assertion in no uncertain terms.",
        "Coats warned that warning lights are blinking red once again.",
        "The most recent example is their cooperation.",
        "Vladimir Putin met Donald Trump in Helsinki on Monday.",
    ],
};

/// Build the detector.
pub fn make(rule: usize) -> Box<dyn Detector> {
    Box::new(NgramSwap {
        rule,
        lex: Lexicon::embedded(),
    })
}

/// Tuning constants, all in one place.
mod tune {
    /// log10 of the prior probability that a given word was swapped.
    pub const LOG_PRIOR: f32 = -1.3;
    /// Smallest synonym-set size assumed for a candidate (a tiny set is not a sure pick).
    pub const MIN_SYNSET: f32 = 4.0;
    /// Calibrated confidence at which a finding is reported.
    pub const REPORT: f32 = 0.5;
    /// Candidates examined per word (the thesaurus rows are sorted by frequency).
    pub const MAX_CANDIDATES: usize = 80;
    /// Extra log10 weight of an inflection edge (a spinner does not inflect what it inserts).
    pub const INFLECTION_BONUS: f32 = 0.0;
    /// Weight of a candidate's unigram advantage subtracted from its LLR (frequency
    /// normalisation: generic words must win by context, not by being common).
    pub const FREQ_WEIGHT: f32 = 0.0;
    /// Calibration: confidence = sigmoid(W · features + B), a logistic model fitted on the
    /// labelled development set (features in [`Judgement::features`]). Few weights on generic
    /// features, so it transfers to other texts and spinners: an edge that several thesauri agree
    /// on is a likelier pick for any spinner, and an inflection edge is strong evidence because
    /// spinners do not inflect what they insert.
    #[allow(clippy::approx_constant)] // fitted weights, not π/6
    pub const W: [f32; 14] = [
        -0.3686, -0.6970, -0.9941, -0.0746, -0.5003, 0.2676, 0.5236, 0.2995, 0.2818, 1.0974,
        0.6351, 1.3487, 2.5433, 0.1090,
    ];
    /// Intercept of the calibration.
    pub const B: f32 = -1.1986;
    /// Calibrated confidence below which a word adds nothing to the document score.
    pub const EVIDENCE: f32 = 0.3;
    /// Weight of a sub-threshold word in the document score (a reported finding weighs 1).
    pub const EVIDENCE_WEIGHT: f32 = 0.3;
    /// Posterior at which a first-pass suggestion replaces the word in its neighbours' context.
    pub const CORRECT: f32 = 0.5;
    /// Attestation (see `attest`, at most 7) at which a word is not judged at all: its
    /// windows are (nearly) all explicit trigrams, so the model has nothing to explain.
    pub const SKIP_ATTESTED: u32 = 6;
    /// How much better attested (in n-gram orders found) a candidate must be.
    pub const MIN_ATTEST_GAIN: u32 = 0;
}

struct NgramSwap {
    rule: usize,
    lex: &'static Lexicon,
}

/// A word slot of a sentence: its token index and model id (`None` outside the model).
#[derive(Clone, Copy)]
struct Slot {
    token: usize,
    id: Option<WordId>,
    /// May be flagged (a lower-case prose word in the model, not inside quotes).
    eligible: bool,
    /// The run was cut right after this word by something other than a sentence end.
    cut_after: bool,
}

impl NgramSwap {
    /// Local score of `x` at position `k` of `ids` (with `ids[k]` replaced by `x`).
    #[inline]
    fn local(&self, ids: &[WordId], k: usize, x: WordId) -> f32 {
        let lex = self.lex;
        let mut s = lex.logp(&ids[k.saturating_sub(2)..k], x);
        if k + 1 < ids.len() {
            s += match k {
                0 => lex.logp(&[x], ids[k + 1]),
                _ => lex.logp(&[ids[k - 1], x], ids[k + 1]),
            };
        }
        if k + 2 < ids.len() {
            s += lex.logp(&[x, ids[k + 1]], ids[k + 2]);
        }
        s
    }

    /// How well attested `x` is at `k`: the n-gram orders the model has for the windows
    /// covering it (explicit trigram 3, bigram 2, else 1), summed.
    #[inline]
    fn attest(&self, ids: &[WordId], k: usize, x: WordId) -> u32 {
        let lex = self.lex;
        let order = |a: Option<WordId>, b: WordId, c: WordId| -> u32 {
            if a.is_some_and(|a| lex.trigram(a, b, c).is_some()) {
                3
            } else if lex.bigram(b, c).is_some() {
                2
            } else {
                1
            }
        };
        let prev = k.checked_sub(1).map(|i| ids[i]);
        let mut n = match prev {
            Some(p) => order(k.checked_sub(2).map(|i| ids[i]), p, x),
            None => 1,
        };
        if k + 1 < ids.len() {
            n += order(prev, x, ids[k + 1]);
        }
        if k + 2 < ids.len() && lex.trigram(x, ids[k + 1], ids[k + 2]).is_some() {
            n += 1;
        }
        n
    }

    fn synset_size(&self, c: WordId) -> f32 {
        (self.lex.degree(c) as f32).max(tune::MIN_SYNSET)
    }

    /// Weigh the observed word at `k` of `ids` against its thesaurus neighbours.
    fn judge(&self, ids: &[WordId], k: usize) -> Option<Judgement> {
        let lex = self.lex;
        let w = ids[k];
        let a_obs = self.attest(ids, k, w);
        if a_obs >= tune::SKIP_ATTESTED {
            // Every window around the word is an explicit n-gram: nothing to explain.
            return None;
        }
        let s_obs = self.local(ids, k, w);
        let (prev, next) = (k.checked_sub(1).map(|i| ids[i]), ids.get(k + 1).copied());
        let u_obs = lex.unigram(w);
        let mut total = 0.0f64;
        let mut best: Option<Judgement> = None;
        for (c, kind) in lex.neighbours(w).take(tune::MAX_CANDIDATES) {
            if !lex.in_lm(c) || c == w {
                continue;
            }
            // Cheap necessary condition: an original word is attested beside a neighbour.
            if prev.is_none_or(|p| lex.bigram(p, c).is_none())
                && next.is_none_or(|n| lex.bigram(c, n).is_none())
            {
                continue;
            }
            let s_c = self.local(ids, k, c);
            if s_c <= s_obs {
                continue;
            }
            let a_c = self.attest(ids, k, c);
            if a_c < a_obs + tune::MIN_ATTEST_GAIN {
                continue;
            }
            let syn = self.synset_size(c);
            let mut llr = s_c - s_obs + tune::LOG_PRIOR
                - syn.log10()
                - tune::FREQ_WEIGHT * (lex.unigram(c) - u_obs).max(0.0);
            if kind.contains(EdgeKind::INFLECTION) {
                llr += tune::INFLECTION_BONUS;
            }
            total += 10f64.powf(llr as f64);
            if best.as_ref().is_none_or(|b| llr > b.llr) {
                best = Some(Judgement {
                    cand: c,
                    kind,
                    llr,
                    gain: s_c - s_obs,
                    a_obs,
                    a_c,
                    du: lex.unigram(c) - u_obs,
                    syn,
                    post: 0.0,
                    total: 0.0,
                });
            }
        }
        best.map(|mut b| {
            b.total = total;
            b.post = (total / (1.0 + total)) as f32;
            b
        })
    }

    /// Score one run of model words (a sentence, or part of one between out-of-model words).
    /// Two passes: the second judges every word with its confidently swapped neighbours
    /// replaced by their suggestions, so one swap does not spoil the context of the next.
    fn score_run(&self, doc: &Document, slots: &[Slot], out: &mut Vec<Hit>) {
        let lex = self.lex;
        // A run cut by an out-of-model word, a number or a bracket has no real sentence edge
        // there: no `<s>` / `</s>` is put at the cut, so the word beside it is judged on the
        // context it really has.
        let real_start = slots
            .first()
            .is_some_and(|s| doc.tokens[s.token].sent_start);
        let real_end = slots.last().is_some_and(|s| !s.cut_after);
        let base = usize::from(real_start);
        let mut ids: Vec<WordId> = Vec::with_capacity(slots.len() + 2);
        if real_start {
            ids.push(lex.bos());
        }
        ids.extend(slots.iter().map(|s| s.id.expect("runs hold model words")));
        if real_end {
            ids.push(lex.eos());
        }
        let first: Vec<Option<Judgement>> = slots
            .iter()
            .enumerate()
            .map(|(j, slot)| {
                if slot.eligible && !crate::budget::out_of_time() {
                    self.judge(&ids, j + base)
                } else {
                    None
                }
            })
            .collect();
        let mut fixed = ids.clone();
        for (j, jd) in first.iter().enumerate() {
            if let Some(jd) = jd {
                if jd.post >= tune::CORRECT {
                    fixed[j + base] = jd.cand;
                }
            }
        }
        for (j, slot) in slots.iter().enumerate() {
            if !slot.eligible {
                continue;
            }
            let k = j + base;
            // Re-judge only when a correction falls inside this word's trigram windows.
            let lo = k.saturating_sub(2);
            let hi = (k + 2).min(ids.len() - 1);
            let changed = (lo..=hi).any(|i| i != k && fixed[i] != ids[i]);
            let jd = if changed {
                let saved = fixed[k];
                fixed[k] = ids[k];
                let jd = self.judge(&fixed, k);
                fixed[k] = saved;
                jd
            } else {
                first[j].clone()
            };
            let Some(jd) = jd else { continue };
            let p1 = first[j].as_ref().map_or(0.0, |f| f.post);
            let conf = jd.confidence(lex.unigram(ids[k]), lex.degree(ids[k]), p1);
            if conf < tune::EVIDENCE {
                continue;
            }
            let t = &doc.tokens[slot.token];
            let orig = doc.orig_text(t);
            let suggestion = super::foreign::match_case(lex.word(jd.cand), orig);
            let message = format!(
                "'{orig}' is unusual here: with '{suggestion}' the context is {} more likely \
                 (a thesaurus swap?)",
                s_obs_ratio(jd.gain)
            );
            let weight = if conf < tune::REPORT {
                conf * tune::EVIDENCE_WEIGHT
            } else {
                conf
            };
            let mut hit = Hit::new(self.rule, doc.orig_span(t), weight as f64)
                .suggest(suggestion)
                .message(message);
            // Below the reporting threshold a word still counts towards the document score.
            hit.evidence_only = conf < tune::REPORT;
            out.push(hit);
        }
    }
}

/// The verdict on one word.
#[derive(Clone, Debug)]
struct Judgement {
    /// The best candidate (the likely original).
    cand: WordId,
    kind: EdgeKind,
    /// Its log-likelihood ratio (prior and normalisations included).
    llr: f32,
    /// log10 context gain of the candidate over the observed word.
    gain: f32,
    a_obs: u32,
    a_c: u32,
    du: f32,
    syn: f32,
    /// Posterior that the word was swapped (all candidates).
    post: f32,
    total: f64,
}

impl Judgement {
    /// The calibration features: observed attestation (one-hot 3, 4, 5+), attestation gain,
    /// context gain (capped), candidate's frequency advantage, log synonym-set size, observed
    /// unigram, log neighbour count of the observed word, log summed likelihood ratio,
    /// first-pass posterior, number of thesauri with the edge (Moby, WordNet, WordNet
    /// similar-to), inflection edge, observed word rare.
    fn features(&self, u_obs: f32, n_obs: usize, p1: f32) -> [f32; 14] {
        let k = self.kind;
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        [
            b(self.a_obs == 3),
            b(self.a_obs == 4),
            b(self.a_obs >= 5),
            self.a_c as f32 - self.a_obs as f32,
            self.gain.min(6.0),
            self.du.max(0.0),
            self.syn.log10(),
            u_obs,
            (n_obs as f32 + 1.0).log10(),
            ((self.total + 1e-9).log10()) as f32,
            p1,
            b(k.contains(EdgeKind::MOBY))
                + b(k.contains(EdgeKind::WORDNET))
                + b(k.contains(EdgeKind::SIMILAR)),
            b(k.contains(EdgeKind::INFLECTION)),
            b(u_obs < -5.0),
        ]
    }

    /// Calibrated probability that the word was swapped.
    fn confidence(&self, u_obs: f32, n_obs: usize, p1: f32) -> f32 {
        let x = self.features(u_obs, n_obs, p1);
        let z: f32 = x.iter().zip(tune::W).map(|(a, w)| a * w).sum::<f32>() + tune::B;
        1.0 / (1.0 + (-z).exp())
    }
}

/// "10^4 x" style ratio from a log10 difference.
fn s_obs_ratio(diff: f32) -> String {
    if diff >= 2.0 {
        format!("10^{:.0} x", diff)
    } else {
        format!("{:.0} x", 10f32.powf(diff))
    }
}

/// Function words that are never flagged (a spinner rarely changes them, and the model's view
/// of them is too context-bound to judge).
const NEVER: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "as", "it",
    "its", "he", "she", "we", "they", "i", "you", "that", "this", "not", "but", "if", "so", "no",
];

impl Detector for NgramSwap {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        let lex = self.lex;
        // Words this document capitalises inside a sentence are names here ("Trump" at the
        // start of a sentence is the same name).
        let names: std::collections::HashSet<&str> = doc
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word && t.case == Case::Title && !t.sent_start)
            .map(|t| doc.norm_text(t))
            .collect();
        let mut run: Vec<Slot> = Vec::new();
        let mut in_quote = false;
        let cut = |run: &mut Vec<Slot>| {
            if let Some(last) = run.last_mut() {
                last.cut_after = true;
            }
        };
        for (i, t) in doc.tokens.iter().enumerate() {
            let boundary = t.sent_start || t.breaks_before > 0;
            if boundary && !run.is_empty() {
                cut(&mut run);
                self.score_run(doc, &run, out);
                run.clear();
            }
            if boundary && t.breaks_before >= 2 {
                in_quote = false;
            }
            match t.kind {
                TokenKind::Word => {}
                TokenKind::Punct => {
                    let p = doc.norm_text(t);
                    if p == "\"" {
                        in_quote = !in_quote;
                    }
                    // Commas and the like are invisible to the model (trained on speech);
                    // brackets, colons and dashes start a new run.
                    if matches!(p, "(" | ")" | "[" | "]" | ":" | ";" | "-" | "/" | "\"")
                        && !run.is_empty()
                    {
                        cut(&mut run);
                        self.score_run(doc, &run, out);
                        run.clear();
                    }
                    continue;
                }
                _ => {
                    if !run.is_empty() {
                        cut(&mut run);
                        self.score_run(doc, &run, out);
                        run.clear();
                    }
                    continue;
                }
            }
            let w = doc.norm_text(t);
            let id = lex.id(w).filter(|&id| lex.in_lm(id));
            let Some(id) = id else {
                if !run.is_empty() {
                    cut(&mut run);
                    self.score_run(doc, &run, out);
                    run.clear();
                }
                continue;
            };
            let name_like = match t.case {
                Case::Lower => false,
                Case::Title => !t.sent_start || names.contains(w) || lex.is_name_only(id),
                _ => true,
            };
            let eligible = !name_like
                && !in_quote
                && w.len() >= 2
                && !NEVER.contains(&w)
                && !w.contains(['\'', '.']);
            run.push(Slot {
                token: i,
                id: Some(id),
                eligible,
                cut_after: false,
            });
        }
        if !run.is_empty() {
            self.score_run(doc, &run, out);
        }
    }
}
