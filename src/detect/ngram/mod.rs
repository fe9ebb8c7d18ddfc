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
pub mod document;
mod features;
mod judge;
mod run;
mod tune;
// Generated tables, written by tools/splice_consts.py as printed (not reflowed).
#[rustfmt::skip]
mod trees;

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
    // The rule judges the document first (see [`document`]): a lone suspicion in a short
    // text is evidence for the score, not a finding, so its examples are whole paragraphs.
    // Written for these examples: a council report, spun by hand with WordNet synonyms, and
    // its original.
    fire: &[
        "The city council met on Tuesday to deliberate the fresh budget, which has been the \
         topic of heated argumentation for months. Members said the design would elevate taxes \
         for most households and trim outlay on schools, roads and parks. The city manager told \
         newsmen that the council had no alternative but to equilibrate the books before the \
         ending of the fiscal year, because the state had reduced its backing by almost a \
         fifth. Critics said the strategy would injure the poorest families first and demanded \
         a public listening before any ballot was taken. Several members of the audience \
         shouted at the council as it debated the measure, and the police were called to take \
         away one man who refused to depart. The mayor said she would gather with parents and \
         instructors next week and hoped to achieve a via media that both sides could accept. \
         She said the city could not go on borrowing money to wage for everyday costs, and that \
         the alternative would be far more painful in the long run. The council is expected to \
         vote on the concluding design at the ending of the month, after a second round of \
         public hearings in each territory of the city.",
    ],
    clean: &[
        "The city council met on Tuesday to discuss the new budget, which has been the subject \
         of heated debate for months. Members said the plan would raise taxes for most \
         households and cut spending on schools, roads and parks. The city manager told \
         reporters that the council had no choice but to balance the books before the end of \
         the fiscal year, because the state had reduced its funding by almost a fifth. Critics \
         said the plan would hurt the poorest families first and demanded a public hearing \
         before any vote was taken. Several members of the audience shouted at the council as \
         it debated the measure, and the police were called to remove one man who refused to \
         leave. The mayor said she would meet with parents and teachers next week and hoped to \
         reach a compromise that both sides could accept. She said the city could not go on \
         borrowing money to pay for everyday costs, and that the alternative would be far more \
         painful in the long run. The council is expected to vote on the final plan at the end \
         of the month, after a second round of public hearings in each district of the city.",
        "The report made the assertion in no uncertain terms.",
        "Coats warned that the warning lights are on once again.",
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
#[derive(Clone)]
struct Verdict {
    first: usize,
    last: usize,
    judgement: judge::Judgement,
    features: Features,
    /// The calibrated probability that the text was swapped, if the text is spun.
    confidence: f32,
    /// Its evidence score for the document model (see [`features`]).
    evidence: f32,
}

impl Detector for NgramSwap {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        self.detect_with(doc, 0, out)
    }

    fn reads_artifacts(&self) -> bool {
        true
    }

    fn detect_after(
        &self,
        doc: &Document,
        _language: &crate::lang::LanguageVerdict,
        artifacts: usize,
        out: &mut Vec<Hit>,
    ) {
        self.detect_with(doc, artifacts, out)
    }
}

impl NgramSwap {
    /// The hits of a document in which the detectors before this one found `artifacts`.
    fn detect_with(&self, doc: &Document, artifacts: usize, out: &mut Vec<Hit>) {
        let lex = self.lex;
        // Only what the document model and the findings need is kept of each verdict (not
        // its features and judgement): a long document has a verdict on most of its words.
        let mut scored: Vec<document::Scored> = Vec::new();
        let mut kept: Vec<(WordId, f32)> = Vec::new();
        let eligible = self.walk(doc, &mut |v| {
            scored.push(v.scored());
            kept.push((v.judgement.best.word, v.judgement.gain));
        });
        let assessment = document::assess(doc, &eligible, &scored, artifacts);
        for ((v, &(best, gain)), &(q, _)) in scored.iter().zip(&kept).zip(&assessment.words) {
            if q < tune::EVIDENCE_POSTERIOR {
                continue;
            }
            let span = doc.orig_span_tokens(v.first, v.last);
            let orig = &doc.orig[span.clone()];
            let suggestion = super::foreign::match_case(lex.word(best), orig);
            let message = format!(
                "'{orig}' is unusual here: with '{suggestion}' the context is {} more likely \
                 (a thesaurus swap?)",
                ratio(gain)
            );
            let mut hit = Hit::new(self.rule, span, q as f64)
                .suggest(suggestion)
                .message(message);
            // Below the reporting threshold a word still counts towards the document score,
            // with its posterior as its weight.
            hit.evidence_only = q < tune::REPORT_POSTERIOR;
            out.push(hit);
        }
    }
}

impl Verdict {
    fn scored(&self) -> document::Scored {
        document::Scored {
            first: self.first,
            last: self.last,
            confidence: self.confidence,
            evidence: self.evidence,
        }
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
    /// The first-stage confidence: the probability that the word was swapped, if its text is
    /// spun (the document model turns it into the finding's confidence).
    pub confidence: f32,
    /// The evidence score the document model weighs.
    pub evidence: f32,
    /// The calibration features, by name.
    pub features: Features,
}

/// Every word of `doc` that the detector judged, whatever its confidence, in text order.
pub fn judgements(doc: &Document) -> Vec<WordJudgement> {
    document_judgement(doc).words
}

/// Everything the detector decided on a document: each judged word with its first-stage
/// confidence, the eligible words, and the document model's assessment (sections and
/// posteriors). For measuring and fitting (`tools/fit_ngram.py`).
#[derive(Debug, Clone)]
pub struct DocumentJudgement {
    /// The judged words, in text order.
    pub words: Vec<WordJudgement>,
    /// Token index of the first token of each judged word (parallel to `words`).
    pub first_tokens: Vec<usize>,
    /// Token indices of the eligible words (judged or not).
    pub eligible: Vec<usize>,
    /// The document model's view (see [`document`]).
    pub assessment: document::Assessment,
}

/// [`judgements`] with the document model's assessment.
pub fn document_judgement(doc: &Document) -> DocumentJudgement {
    let det = NgramSwap {
        rule: 0,
        lex: Lexicon::embedded(),
    };
    let mut words = Vec::new();
    let mut first_tokens = Vec::new();
    let mut scored = Vec::new();
    let eligible = det.walk(doc, &mut |v| {
        let span = doc.orig_span_tokens(v.first, v.last);
        first_tokens.push(v.first);
        scored.push(v.scored());
        words.push(WordJudgement {
            start: span.start,
            end: span.end,
            suggestion: det.lex.word(v.judgement.best.word).to_string(),
            confidence: v.confidence,
            evidence: v.evidence,
            features: v.features,
        });
    });
    let assessment = document::assess(doc, &eligible, &scored, 0);
    DocumentJudgement {
        words,
        first_tokens,
        eligible,
        assessment,
    }
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
    /// Markup or code was masked out right before this word (its left context is broken).
    after_mask: bool,
    /// The sentence of this word does not end like one (a heading, a list item, a cell).
    fragment: bool,
}

/// What the whole document says about its words, for the calibration features.
pub(super) struct DocContext<'d> {
    /// How often each word form (folded) occurs in the document.
    counts: std::collections::HashMap<&'d str, u32>,
}

impl DocContext<'_> {
    /// Occurrences of a folded word form in the document.
    pub(super) fn count(&self, w: &str) -> u32 {
        self.counts.get(w).copied().unwrap_or(0)
    }
}

/// Closed-class words: pronouns, determiners, prepositions, conjunctions, auxiliaries and a
/// few adverbs. A spinner swaps content words; a closed-class word written where a content word
/// was expected (or the reverse) is rarely a spinner's pick.
pub(super) fn closed_class(w: &str) -> bool {
    CLOSED_CLASS.binary_search(&w).is_ok()
}

/// Sorted (see the test `closed_class_list_is_sorted`).
const CLOSED_CLASS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "again",
    "against",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "always",
    "am",
    "amid",
    "amidst",
    "among",
    "amongst",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "behind",
    "being",
    "below",
    "beneath",
    "beside",
    "besides",
    "between",
    "beyond",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "down",
    "during",
    "each",
    "either",
    "even",
    "ever",
    "every",
    "except",
    "few",
    "for",
    "from",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hence",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "indeed",
    "inside",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "like",
    "many",
    "may",
    "me",
    "might",
    "mine",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "near",
    "neither",
    "never",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "onto",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "per",
    "quite",
    "rather",
    "shall",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "throughout",
    "thus",
    "till",
    "to",
    "too",
    "toward",
    "towards",
    "under",
    "unless",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "whatever",
    "when",
    "where",
    "whereas",
    "whether",
    "which",
    "while",
    "whilst",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Function words that are never flagged (a spinner rarely changes them, and the model's view
/// of them is too context-bound to judge).
const NEVER: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "as", "it",
    "its", "he", "she", "we", "they", "i", "you", "that", "this", "not", "but", "if", "so", "no",
];

impl NgramSwap {
    /// Cut the document into runs of model words and judge each run ([`NgramSwap::score_run`]);
    /// `emit` gets every verdict, in text order. Returns the token indices of the eligible
    /// words (judged or not), in order.
    fn walk(&self, doc: &Document, emit: &mut dyn FnMut(&Verdict)) -> Vec<usize> {
        let mut eligible_tokens = Vec::new();
        let lex = self.lex;
        // Words this document capitalises inside a sentence are names here ("Trump" at the
        // start of a sentence is the same name).
        let names: std::collections::HashSet<&str> = doc
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word && t.case == Case::Title && !t.sent_start)
            .map(|t| doc.norm_text(t))
            .collect();
        let ctx = DocContext {
            counts: doc
                .tokens
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .fold(std::collections::HashMap::new(), |mut m, t| {
                    *m.entry(doc.norm_text(t)).or_insert(0) += 1;
                    m
                }),
        };
        let fragment = fragments(doc);
        let after_mask = after_mask(doc);
        let mut run: Vec<Slot> = Vec::new();
        let quoted = quoted_mask(doc);
        let cut = |run: &mut Vec<Slot>| {
            if let Some(last) = run.last_mut() {
                last.cut_after = true;
            }
        };
        for (i, t) in doc.tokens.iter().enumerate() {
            let boundary = t.sent_start || t.breaks_before > 0;
            if boundary && !run.is_empty() {
                cut(&mut run);
                self.score_run(doc, &ctx, &run, emit);
                run.clear();
            }
            match t.kind {
                TokenKind::Word => {}
                TokenKind::Punct => {
                    let p = doc.norm_text(t);
                    // Commas and the like are invisible to the model (trained on speech);
                    // brackets, colons and dashes start a new run.
                    if matches!(p, "(" | ")" | "[" | "]" | ":" | ";" | "-" | "/" | "\"")
                        && !run.is_empty()
                    {
                        cut(&mut run);
                        self.score_run(doc, &ctx, &run, emit);
                        run.clear();
                    }
                    continue;
                }
                _ => {
                    if !run.is_empty() {
                        cut(&mut run);
                        self.score_run(doc, &ctx, &run, emit);
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
                        && !quoted[i]
                        && lex.in_dict(id)
                        && lex.degree(id) > 0
                        && !lex
                            .neighbours(id)
                            .any(|(c, k)| k.contains(EdgeKind::INFLECTION) && lex.in_lm(c)))
            });
            let Some(id) = id else {
                if !run.is_empty() {
                    cut(&mut run);
                    self.score_run(doc, &ctx, &run, emit);
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
                && !quoted[i]
                && w.len() >= 2
                && !NEVER.contains(&w)
                && !w.contains(['\'', '.']);
            if eligible {
                eligible_tokens.push(i);
            }
            run.push(Slot {
                token: i,
                id,
                eligible,
                prose: !name_like && !quoted[i],
                cut_after: false,
                after_mask: after_mask[i],
                fragment: fragment[i],
            });
        }
        if !run.is_empty() {
            self.score_run(doc, &ctx, &run, emit);
        }
        eligible_tokens
    }
}

/// Which tokens are inside quotation marks: marks are paired in order within a paragraph, and
/// a pair more than [`MAX_QUOTE_WORDS`] words apart is not a quotation. An unpaired mark (a
/// lost closing quote, common in scraped text) quotes nothing, so it cannot mute the rest of
/// a one-line article.
fn quoted_mask(doc: &Document) -> Vec<bool> {
    let mut mask = vec![false; doc.tokens.len()];
    let mut open: Option<(usize, usize)> = None;
    let mut words = 0usize;
    for (i, t) in doc.tokens.iter().enumerate() {
        if t.breaks_before >= 2 {
            open = None;
        }
        match t.kind {
            TokenKind::Word => words += 1,
            TokenKind::Punct if doc.norm_text(t) == "\"" => match open.take() {
                Some((o, w0)) if words - w0 <= MAX_QUOTE_WORDS => {
                    mask[o..=i].iter_mut().for_each(|m| *m = true);
                }
                // Too far apart, or none open: this mark opens.
                _ => open = Some((i, words)),
            },
            _ => {}
        }
    }
    mask
}

/// The longest quotation, in words (see [`quoted_mask`]).
const MAX_QUOTE_WORDS: usize = 120;

/// For each token: does its sentence fail to end like one (no `.`, `!`, `?`, `:`, `;` or
/// closing quote after its last word)? Headings, list items and table cells are such fragments.
fn fragments(doc: &Document) -> Vec<bool> {
    let n = doc.tokens.len();
    let mut out = vec![false; n];
    let mut frag = false;
    for i in (0..n).rev() {
        let last_of_sentence = i + 1 == n || doc.tokens[i + 1].sent_start;
        if last_of_sentence {
            let t = &doc.tokens[i];
            frag = !(t.kind == TokenKind::Punct
                && matches!(
                    doc.norm_text(t),
                    "." | "!" | "?" | ":" | ";" | "\"" | "'" | ")" | "…"
                ));
        }
        out[i] = frag;
    }
    out
}

/// For each token: was a masked range (markup, inline code) skipped right before it?
fn after_mask(doc: &Document) -> Vec<bool> {
    let mut out = vec![false; doc.tokens.len()];
    if doc.masked.is_empty() {
        return out;
    }
    let mut m = 0;
    let mut prev_end = 0;
    for (i, t) in doc.tokens.iter().enumerate() {
        let span = doc.orig_span(t);
        while m < doc.masked.len() && doc.masked[m].end <= prev_end {
            m += 1;
        }
        out[i] = m < doc.masked.len()
            && doc.masked[m].start >= prev_end
            && doc.masked[m].end <= span.start;
        prev_end = span.end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_class_list_is_sorted() {
        assert!(CLOSED_CLASS.windows(2).all(|w| w[0] < w[1]));
        assert!(closed_class("herself") && closed_class("upon") && !closed_class("summit"));
    }

    #[test]
    fn fragments_and_masks_are_found() {
        let text = "Installation\n\nRun the tool now. It works";
        let doc = Document::new(text);
        let f = fragments(&doc);
        let word = |w: &str| {
            doc.tokens
                .iter()
                .position(|t| doc.orig_text(t) == w)
                .unwrap()
        };
        assert!(f[word("Installation")]);
        assert!(!f[word("tool")]);
        assert!(f[word("works")]);
        let text = "Set it to `false` to stop.";
        let m = crate::text::markup::extract(
            text,
            crate::text::markup::Format::Markdown,
            Default::default(),
        );
        let doc = Document::with_markup(text, m.masked, &m.breaks);
        let a = after_mask(&doc);
        let to2 = doc
            .tokens
            .iter()
            .rposition(|t| doc.orig_text(t) == "to")
            .unwrap();
        assert!(a[to2], "the word after inline code follows a mask");
        assert!(!a[word_in(&doc, "Set")]);
    }

    fn word_in(doc: &Document, w: &str) -> usize {
        doc.tokens
            .iter()
            .position(|t| doc.orig_text(t) == w)
            .unwrap()
    }

    /// The reported verdicts of `text`: (flagged text, suggestion).
    fn flagged(text: &str) -> Vec<(String, String)> {
        judgements(&Document::new(text))
            .into_iter()
            .filter(|j| j.confidence >= 0.46)
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
