//! `glue.joined-words`: words run together by a scraper or a spinner.
//!
//! A token that is not an English word but splits into known words is flagged, with the split
//! as the suggestion:
//! - lower case: "animpenetrable" -> "an impenetrable", "systemwith" -> "system with",
//!   "preferscontinued" -> "prefers continued". One side must be a function word, or the left
//!   side must end in an inflection (-s, -ed, -ing, -ly) with both sides four letters or more;
//!   so compounds such as "cybersecurity" (cyber + security) are left alone.
//! - case changes: "thatRussia" (a lower-case word glued to a capitalised one), runs of three
//!   or more capitalised words ("CyberCrimeSecuritySecurity"), and a capitalised word glued after
//!   a broken capital ("SKidmoreCyber"). Two capitalised words ("CrowdStrike", "YouTube") and
//!   a one-letter lower-case prefix ("iPhone", "eBay") are brand shapes and stay clean.
//!
//! Words come from the compiled lexicon (SCOWL `wamerican` and the CMU Sphinx vocabulary); URLs,
//! e-mail addresses, handles and identifiers are separate tokens and never split.

use super::words::{self, CommonWords};
use super::Detector;
use crate::finding::{Category, Hit, Severity};
use crate::lexicon::Lexicon;
use crate::rules::BuiltinRule;
use crate::text::{Case, Document, TokenKind};

/// The rule.
pub const RULE: BuiltinRule = BuiltinRule {
    id: "glue.joined-words",
    category: Category::Glue,
    severity: Severity::Warning,
    message: "'{text}' looks like words run together: '{suggestion}'",
    doc: "Words run together by a scraper or a spinner: a token that is not an English word but \
          splits into known words ('animpenetrable' -> 'an impenetrable', 'thatRussia' -> \
          'that Russia', 'CyberCrimeSecuritySecurity'). Compounds ('cybersecurity') and brand \
          shapes ('CrowdStrike', 'iPhone') are not flagged.",
    file: "src/detect/glue.rs",
    fix_safe: true,
    fire: &[
        "They proposed animpenetrable system.",
        "It was a systemwith many flaws.",
        "He said thatRussia was behind it.",
        "CyberCrimeSecuritySecurity Management",
        "Putin added that Russia preferscontinued cooperation.",
    ],
    clean: &[
        "CrowdStrike found it on an iPhone and on eBay.",
        "Cybersecurity and counterterrorism are priorities.",
        "Visit https://example.com/someverylongpathname or mail info@examplecompany.com today.",
        "The snake_case identifier isAvailable stays.",
        "YouTube and PayPal are companies.",
        "The transgender troops; the overwatch team.",
    ],
};

/// Build the detector.
pub fn make(rule: usize) -> Box<dyn Detector> {
    Box::new(Glue {
        rule,
        lex: Lexicon::embedded(),
    })
}

struct Glue {
    rule: usize,
    lex: &'static Lexicon,
}

/// Function words: a split with one of these on either side is glue, not a compound.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with", "by",
    "as", "from", "into", "onto", "about", "than", "that", "this", "these", "those", "which",
    "who", "whom", "whose", "what", "when", "where", "while", "is", "was", "are", "were", "be",
    "been", "being", "has", "have", "had", "will", "would", "can", "could", "should", "may",
    "might", "must", "it", "its", "he", "she", "they", "we", "his", "her", "their", "our", "not",
    "also", "there", "if", "so",
];

/// Lower-case prefixes of camelCase identifiers (`isAvailable`, `getValue`, `toString`).
const CODE_PREFIXES: &[&str] = &[
    "is", "has", "get", "set", "on", "to", "as", "from", "do", "can", "should", "add", "new", "my",
    "use", "handle", "make", "create", "update", "delete", "remove", "init", "load", "read",
    "write", "find", "fetch", "show", "hide", "open", "close", "with", "for", "un", "re", "de",
];

/// Confidence when a side is a function word, or a case change separates the words.
const CONF_FUNCTION: f64 = 0.9;
/// Confidence of an inflected-word split without a function word.
const CONF_INFLECTED: f64 = 0.75;
/// Longest token (bytes) judged for glue.
const MAX_LEN: usize = 64;
/// Unigram log10 probability below which a side is too rare to trust.
const MIN_LOGP: f32 = -6.5;

impl Glue {
    /// A common dictionary word (not only a name, not only in the model's vocabulary).
    fn in_dict(&self, w: &str) -> bool {
        self.lex
            .id(w)
            .is_some_and(|id| self.lex.in_dict(id) && !self.lex.is_name_only(id))
    }

    fn known(&self, w: &str) -> bool {
        self.lex.is_word(w)
    }

    /// A side of a split: a known word that the language model has seen often enough.
    fn common(&self, w: &str) -> Option<f32> {
        let id = self.lex.id(w)?;
        if !self.lex.in_lm(id) || !self.lex.is_word(w) {
            return None;
        }
        let p = self.lex.unigram(id);
        (p > MIN_LOGP).then_some(p)
    }

    /// Best split of an all-lower-case non-word, with its confidence.
    fn split_lower(&self, w: &str) -> Option<(String, f64)> {
        let mut best: Option<(f32, usize, f64)> = None;
        for (k, _) in w.char_indices().skip(1) {
            let (l, r) = w.split_at(k);
            if r.chars().count() < 2 || (l.chars().count() == 1 && l != "a") {
                continue;
            }
            let (Some(pl), Some(pr)) = (self.common(l), self.common(r)) else {
                continue;
            };
            let func = FUNCTION_WORDS.contains(&l) || FUNCTION_WORDS.contains(&r);
            // The left side must really be an inflected form of a word ("prefers", not
            // "trans" in "transgender").
            let stem_known = |suffix: &str| {
                l.strip_suffix(suffix)
                    .is_some_and(|st| self.in_dict(st) || self.in_dict(&format!("{st}e")))
            };
            let inflected = l.len() >= 4
                && r.len() >= 4
                && (stem_known("ed")
                    || stem_known("ing")
                    || stem_known("ly")
                    || (!l.ends_with("ss") && (stem_known("s") || stem_known("es"))));
            let conf = if func {
                CONF_FUNCTION
            } else if inflected {
                CONF_INFLECTED
            } else {
                continue;
            };
            // Prefer splits the model likes as a bigram, then frequent sides.
            let (il, ir) = (self.lex.id(l)?, self.lex.id(r)?);
            let score = self.lex.bigram(il, ir).map_or(pl + pr - 2.0, |b| pl + b);
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, k, conf));
            }
        }
        best.map(|(_, k, conf)| (format!("{} {}", &w[..k], &w[k..]), conf))
    }

    /// Judge a mixed-case token; returns the suggestion and confidence.
    fn split_camel(&self, orig: &str) -> Option<(String, f64)> {
        let parts = camel_parts(orig);
        if parts.len() < 2 || parts.iter().any(|p| !p.chars().all(char::is_alphabetic)) {
            return None;
        }
        let first = parts[0];
        let rest_title = parts[1..]
            .iter()
            .all(|p| matches!(crate::text::case_of(p), Case::Title));
        let lower = |p: &str| p.to_lowercase();
        // thatRussia: a lower-case word glued to capitalised words.
        if first.chars().all(char::is_lowercase) {
            // isAvailable, getValue, toString: identifier shapes, not glue.
            let code_prefix = CODE_PREFIXES.contains(&first);
            if first.chars().count() >= 2
                && !code_prefix
                && parts[1].chars().count() >= 3
                && self.common(first).is_some()
                && rest_title
            {
                return Some((parts.join(" "), CONF_FUNCTION));
            }
            return None;
        }
        // SKidmoreCyber: a broken capital run before a capitalised word.
        let upper_run = first.chars().take_while(|c| c.is_uppercase()).count();
        if parts.len() == 2 && upper_run == 2 && first.chars().count() >= 4 && rest_title {
            let fixed: String = first
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i == 1 {
                        c.to_lowercase().next().unwrap_or(c)
                    } else {
                        c
                    }
                })
                .collect();
            return Some((format!("{fixed} {}", parts[1]), 0.7));
        }
        // CyberCrimeSecuritySecurity: three or more capitalised words.
        if parts.len() >= 3 && rest_title && matches!(crate::text::case_of(first), Case::Title) {
            let words = parts
                .iter()
                .filter(|p| p.len() >= 3 && self.known(&lower(p)))
                .count();
            let repeated = parts.windows(2).any(|w| w[0] == w[1]);
            if words >= 2 && (words == parts.len() || repeated) {
                let conf = if repeated { 0.95 } else { 0.8 };
                return Some((parts.join(" "), conf));
            }
        }
        None
    }
}

/// Split at lower-to-upper case changes: "thatRussia" -> ["that", "Russia"]; an upper-case run
/// followed by a lower-case letter keeps its last capital with the lower-case part.
fn camel_parts(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        if let Some(p) = prev {
            if p.is_lowercase() && c.is_uppercase() {
                parts.push(&s[start..i]);
                start = i;
            }
        }
        prev = Some(c);
    }
    parts.push(&s[start..]);
    parts
}

impl Detector for Glue {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        // Most tokens are common words: ask the small table first once it is built.
        let words = CommonWords::after(doc.norm.text.len());
        let text = doc.norm.text.as_str();
        for t in &doc.tokens {
            // No two English words run together are longer than MAX_LEN; a longer token (a
            // 10 MB "word") is not worth the quadratic search for a split.
            if t.kind != TokenKind::Word
                || t.len() < 4
                || t.len() > MAX_LEN
                || !matches!(t.case, Case::Mixed | Case::Lower)
            {
                continue;
            }
            let w = doc.norm_text(t);
            // Tokens with an apostrophe, a hyphen or a dot are never split. A lower-case word
            // is asked first (nearly every one is a word, and then there is nothing to split).
            let joined = |w: &str| w.bytes().any(|b| matches!(b, b'\'' | b'-' | b'.'));
            let found = match t.case {
                Case::Mixed if !joined(w) => self.split_camel(doc.orig_text(t)),
                Case::Lower
                    if !words::is_word(words, text, t.start as usize, t.end as usize)
                        && !joined(w) =>
                {
                    self.split_lower(w)
                }
                _ => None,
            };
            if let Some((suggestion, conf)) = found {
                let span = doc.orig_span(t);
                out.push(Hit::new(self.rule, span, conf).suggest(suggestion));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_split() {
        assert_eq!(camel_parts("thatRussia"), ["that", "Russia"]);
        assert_eq!(
            camel_parts("CyberCrimeSecuritySecurity"),
            ["Cyber", "Crime", "Security", "Security"]
        );
        assert_eq!(camel_parts("SKidmoreCyber"), ["SKidmore", "Cyber"]);
        assert_eq!(camel_parts("iPhone"), ["i", "Phone"]);
    }

    #[test]
    fn suggestions() {
        let g = Glue {
            rule: 0,
            lex: Lexicon::embedded(),
        };
        assert_eq!(
            g.split_lower("animpenetrable").unwrap().0,
            "an impenetrable"
        );
        assert_eq!(g.split_lower("systemwith").unwrap().0, "system with");
        assert_eq!(
            g.split_lower("preferscontinued").unwrap().0,
            "prefers continued"
        );
        assert_eq!(g.split_camel("thatRussia").unwrap().0, "that Russia");
        assert_eq!(g.split_camel("SKidmoreCyber").unwrap().0, "Skidmore Cyber");
        assert!(g.split_camel("CrowdStrike").is_none());
        assert!(g.split_lower("cybersecurity").is_none());
    }
}
