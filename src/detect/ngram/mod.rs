//! `ngram.swap`: thesaurus swaps found from statistics, with the likely original as suggestion.
//!
//! A spinner replaces a word `c` with one of its thesaurus neighbours `w`; the result reads
//! grammatically but unidiomatically ("in no *unpredictable* terms"). For every prose word `w`,
//! in its window
//!
//! ```text
//! u v [w] x y        (the two words before it and the two after it)
//! ```
//!
//! the trigram model of the lexicon scores the three trigrams that cover it, `u v w`, `v w x`
//! and `w x y`, once as written and once with each candidate original `c` in the slot, and the
//! judge weighs the two hypotheses:
//!
//! ```text
//! S(w)      = log P(w | u v) + log P(x | v w) + log P(y | w x)      (the local score)
//! LLR(c)    = S(c) − S(w) + prior − log |syn(c)|                      (c replaced by w?)
//! posterior = Σ_c 10^LLR(c) / (1 + Σ_c 10^LLR(c))
//! ```
//!
//! The suggestion is the candidate with the highest LLR; the confidence is the posterior,
//! calibrated on a few named features of the verdict.
//!
//! Read in this order:
//! - this file: the rule, the entry point ([`NgramSwap::detect`]) and the walk that cuts a
//!   document into runs of model words;
//! - [`run`]: one run judged in two passes (the second with the first's confident corrections
//!   in the context), multi-word lemmas, one verdict per word;
//! - [`candidates`]: the candidate originals of a word (thesaurus neighbours, inflections of
//!   the first neighbours, a multi-word lemma's single-word synonyms);
//! - [`judge`]: a word or a phrase weighed against its candidates: the LLR, the prior, the
//!   posterior;
//! - [`features`]: the calibration, named features and their weights;
//! - [`tune`]: the other constants.
//!
//! The language-model arithmetic (local scores, attestation, the shared terms of a window) is
//! in [`crate::lexicon::window`].
//!
//! Precision comes first: names (capitalised words inside a sentence), acronyms, numbers,
//! words outside the model, words inside quotation marks and very short function words are
//! never flagged; a candidate counts only when its context is attested and the observed one is
//! not better attested.

mod candidates;
mod features;
mod judge;
mod run;
mod tune;

pub use features::Features;

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
    file: "src/detect/ngram/mod.rs",
    fix_safe: false,
    fire: &[
        "The report made the assertion in no unpredictable terms.",
        "Coats called Russia and China cyber assailants versus the United States.",
        "The report keeps in mind that the claim is sourced broadly.",
        // A multi-word lemma for one word, a synonym's base form for an inflected word, and a
        // rare dictionary word outside the model.
        "Information technology is time for us to act together.",
        "They personify the best of America.",
        "The nation needs thriftiness and hard work from every family.",
    ],
    clean: &[
        "The report made the assertion in no uncertain terms.",
        "Coats warned that the warning lights are on once again.",
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

struct NgramSwap {
    rule: usize,
    lex: &'static Lexicon,
}

/// The final verdict on a judged word or phrase, tokens `first..=last` of the document.
struct Verdict {
    first: usize,
    last: usize,
    judgement: judge::Judgement,
    features: Features,
    /// The calibrated probability that the text was swapped.
    confidence: f32,
}

impl Detector for NgramSwap {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        let lex = self.lex;
        self.walk(doc, &mut |v| {
            let conf = v.confidence;
            if conf < tune::EVIDENCE {
                return;
            }
            let span = doc.orig_span_tokens(v.first, v.last);
            let orig = &doc.orig[span.clone()];
            let suggestion = super::foreign::match_case(lex.word(v.judgement.best.word), orig);
            let message = format!(
                "'{orig}' is unusual here: with '{suggestion}' the context is {} more likely \
                 (a thesaurus swap?)",
                ratio(v.judgement.gain)
            );
            let weight = if conf < tune::REPORT {
                conf * tune::EVIDENCE_WEIGHT
            } else {
                conf
            };
            let mut hit = Hit::new(self.rule, span, weight as f64)
                .suggest(suggestion)
                .message(message);
            // Below the reporting threshold a word still counts towards the document score.
            hit.evidence_only = conf < tune::REPORT;
            out.push(hit);
        });
    }
}

/// "10^4 x" style ratio from a log10 difference.
fn ratio(diff: f32) -> String {
    if diff >= 2.0 {
        format!("10^{:.0} x", diff)
    } else {
        format!("{:.0} x", 10f32.powf(diff))
    }
}

/// One word the detector judged, with its calibration features: what
/// `unspun eval --dump-features` writes for `tools/fit_ngram.py`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WordJudgement {
    /// Byte span of the word in the original text.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
    /// The best candidate (the likely original).
    pub suggestion: String,
    /// The calibrated confidence (reported at 0.46 and above).
    pub confidence: f32,
    /// The calibration features, by name.
    pub features: Features,
}

/// Every word of `doc` that the detector judged, whatever its confidence, in text order.
pub fn judgements(doc: &Document) -> Vec<WordJudgement> {
    let det = NgramSwap {
        rule: 0,
        lex: Lexicon::embedded(),
    };
    let mut out = Vec::new();
    det.walk(doc, &mut |v| {
        let span = doc.orig_span_tokens(v.first, v.last);
        out.push(WordJudgement {
            start: span.start,
            end: span.end,
            suggestion: det.lex.word(v.judgement.best.word).to_string(),
            confidence: v.confidence,
            features: v.features,
        });
    });
    out
}

/// A word of a run: its token index and model id.
#[derive(Clone, Copy)]
struct Slot {
    token: usize,
    id: WordId,
    /// May be flagged (a lower-case prose word in the model, not inside quotes).
    eligible: bool,
    /// Prose: not a name, not inside quotes (may be part of a flagged phrase).
    prose: bool,
    /// The run was cut right after this word by something other than a sentence end.
    cut_after: bool,
}

/// Function words that are never flagged (a spinner rarely changes them, and the model's view
/// of them is too context-bound to judge).
const NEVER: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "as", "it",
    "its", "he", "she", "we", "they", "i", "you", "that", "this", "not", "but", "if", "so", "no",
];

impl NgramSwap {
    /// Cut the document into runs of model words and judge each run ([`NgramSwap::score_run`]);
    /// `emit` gets every verdict, in text order.
    fn walk(&self, doc: &Document, emit: &mut dyn FnMut(&Verdict)) {
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
                self.score_run(doc, &run, emit);
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
                        self.score_run(doc, &run, emit);
                        run.clear();
                    }
                    continue;
                }
                _ => {
                    if !run.is_empty() {
                        cut(&mut run);
                        self.score_run(doc, &run, emit);
                        run.clear();
                    }
                    continue;
                }
            }
            let w = doc.norm_text(t);
            // Words outside the model cut the run, except rare lower-case dictionary words
            // with thesaurus neighbours: a spinner's favourites ("thriftiness", "astir"). An
            // inflection of a model word ("sourced") is only a gap in the model's vocabulary.
            let id = lex.id(w).filter(|&id| {
                lex.in_lm(id)
                    || (t.case == Case::Lower
                        && !in_quote
                        && lex.in_dict(id)
                        && lex.degree(id) > 0
                        && !lex
                            .neighbours(id)
                            .any(|(c, k)| k.contains(EdgeKind::INFLECTION) && lex.in_lm(c)))
            });
            let Some(id) = id else {
                if !run.is_empty() {
                    cut(&mut run);
                    self.score_run(doc, &run, emit);
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
                id,
                eligible,
                prose: !name_like && !in_quote,
                cut_after: false,
            });
        }
        if !run.is_empty() {
            self.score_run(doc, &run, emit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reported verdicts of `text`: (flagged text, suggestion).
    fn flagged(text: &str) -> Vec<(String, String)> {
        judgements(&Document::new(text))
            .into_iter()
            .filter(|j| j.confidence >= tune::REPORT)
            .map(|j| (text[j.start..j.end].to_string(), j.suggestion))
            .collect()
    }

    #[test]
    fn a_multi_word_lemma_is_one_finding_with_its_single_word_synonym() {
        let f = flagged("Information technology is time for us to act together.");
        assert_eq!(f, [("Information technology".into(), "it".into())]);
    }

    #[test]
    fn an_inflection_of_a_synonym_is_a_candidate() {
        let f = flagged("They personify the best of America.");
        assert!(f.contains(&("personify".into(), "are".into())), "{f:?}");
    }

    #[test]
    fn rare_dictionary_words_are_judged_but_model_gaps_are_not() {
        let f = flagged("The nation needs thriftiness and hard work from every family.");
        assert!(
            f.contains(&("thriftiness".into(), "economy".into())),
            "{f:?}"
        );
        let f = flagged("The report keeps in mind that the claim is sourced broadly.");
        assert!(!f.iter().any(|(w, _)| w == "sourced"), "{f:?}");
    }
}
