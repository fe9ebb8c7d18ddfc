//! Detectors: each reads a [`Document`] and pushes [`Hit`]s with original byte spans.
//!
//! Pack rules are compiled into three shared matchers (one Aho-Corasick pass for every phrase,
//! one pass per regex, one dictionary pass for foreign words); built-in detectors are one file
//! each, listed in [`BUILTINS`].

mod foreign;
mod garble;
mod glue;
mod ngram;
mod phrase;
mod regex_rules;

use crate::finding::Hit;
use crate::rules::{BuiltinRule, PackError, RuleTable};
use crate::text::Document;

pub use foreign::ForeignDetector;
pub use phrase::PhraseMatcher;
pub use regex_rules::RegexRules;

/// A detector.
pub trait Detector: Send + Sync {
    /// Push this detector's hits for `doc` onto `out`.
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>);
}

/// Constructor of a built-in detector, given its rule's index in the table.
pub type Make = fn(usize) -> Box<dyn Detector>;

/// The built-in detectors: rule description and constructor. Add a detector here.
pub const BUILTINS: &[(&BuiltinRule, Make)] = &[
    (&glue::RULE, glue::make),
    (&garble::REPEATED, garble::make_repeated),
    (&garble::QUOTES, garble::make_quotes),
    (&garble::BROKEN_SENTENCE, garble::make_broken_sentence),
    (&garble::POSSESSIVE, garble::make_possessive),
    (&ngram::RULE, ngram::make),
];

/// Compile every pack rule of `table` whose index satisfies `enabled` into matchers.
pub fn compile_packs(
    table: &RuleTable,
    enabled: &dyn Fn(usize) -> bool,
) -> Result<Vec<Box<dyn Detector>>, Vec<PackError>> {
    let mut out: Vec<Box<dyn Detector>> = Vec::new();
    let phrase = PhraseMatcher::compile(table, enabled)?;
    if !phrase.is_empty() {
        out.push(Box::new(phrase));
    }
    let regex = RegexRules::compile(table, enabled)?;
    if !regex.is_empty() {
        out.push(Box::new(regex));
    }
    let foreign = ForeignDetector::compile(table, enabled);
    if !foreign.is_empty() {
        out.push(Box::new(foreign));
    }
    Ok(out)
}

/// Fill a message template: `{text}` and `{suggestion}`.
pub fn fill(template: &str, text: &str, suggestion: Option<&str>) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    template
        .replace("{text}", text)
        .replace("{suggestion}", suggestion.unwrap_or(""))
}

/// Is the folded byte range `s..e` of `text` bounded by non-word characters?
#[inline]
pub(crate) fn at_word_bounds(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    let first = text[s..].chars().next();
    let last = text[..e].chars().next_back();
    let wordy = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    (!wordy(first) || !wordy(before)) && (!wordy(last) || !wordy(after))
}
