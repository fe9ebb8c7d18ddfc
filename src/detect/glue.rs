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
//!
//! Technical and period prose is full of words the dictionary lacks, and a split of them is
//! easy to find ("async" = "a sync", "init" = "in it", "offence" = "of fence"). So a token is
//! not glue when:
//! - it is a form of a dictionary word: an inflection or derivation ("inlined", "hasher",
//!   "accessor", "formatter", "modestest") or a British or older spelling ("offence",
//!   "colour");
//! - it is a closed compound of two dictionary words ("whitespace", "namespace");
//! - it is lower-case and occurs twice or more in the document, code included (a term, not an
//!   accident: glue is a slip and rarely repeats itself exactly);
//! - it is attached to code punctuation (`__init__`, `_selfUrl_`, `.. seealso::`, `init()`,
//!   `#anchor`).
//!
//! Confidence bands (see README, "Precision of the rules"): a function word plus a content
//! word of five letters or more (0.9); an inflected word plus a word (0.75); a split whose
//! other side is short, or two function words ("init" = "in it", "async" = "a sync"), is
//! weak evidence (0.5), except a function word before "the" ("ofthe", 0.9, even repeated); camelCase with a capitalised name ("thatRussia", 0.9); a run of
//! capitalised words is glue only when a word repeats ("CyberCrimeSecuritySecurity", 0.95),
//! otherwise it is an identifier shape ("GetLastError", 0.4).

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
          'that Russia', 'CyberCrimeSecuritySecurity'). Compounds ('cybersecurity'), brand \
          shapes ('CrowdStrike', 'iPhone'), inflections and old spellings of words ('inlined', \
          'offence'), terms that recur in the document and names in code are not flagged. \
          Measured on clean and spun text (benches/rule_precision.py): one glued word alone is a \
          term as often as a slip (precision 0.68), so it is a warning only beside other \
          evidence of damage in the document (0.88 then); weak splits ('async' = 'a sync') and \
          identifier shapes ('GetLastError') are info (0 real in 380). Not a safe fix.",
    file: "src/detect/glue.rs",
    fix_safe: false,
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
        // False alarms on clean technical and period prose (issue 15), in our own words:
        // "async", "init", "shewed" and "GetLastError" are only `info` (tests below).
        "The hasher is inlined, and the whitespace of each namespace is kept.",
        "Call strictEqual() or set prefixText, then run libFuzzer on the result.",
        "He took no offence at the colour of the centre aisle.",
        "Write __init__.py and the .. seealso:: directive; see _selfUrl_ below.",
        "The BTree index and the XPath query.",
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

/// Confidence when a side is a function word and the other a content word of
/// [`MIN_CONTENT`] letters or more, or a case change separates a word from a name.
const CONF_FUNCTION: f64 = 0.9;
/// Confidence of an inflected-word split without a function word.
const CONF_INFLECTED: f64 = 0.75;
/// Confidence of a weak split: two function words ("init" = "in it"), or a function word and a
/// short word ("async" = "a sync", "shewed" = "she wed").
const CONF_WEAK: f64 = 0.5;
/// Confidence of a run of three or more capitalised words none of which repeats: an
/// identifier shape ("GetLastError", "DocTestParser") far more often than glue.
const CONF_PASCAL: f64 = 0.4;
/// Confidence of a run of capitalised words with a word repeated
/// ("CyberCrimeSecuritySecurity"): the one band that is a warning without other evidence.
const CONF_REPEATED_PART: f64 = 0.95;
/// Confidence of a broken capital run before a capitalised word ("SKidmoreCyber").
const CONF_CAPITAL_RUN: f64 = 0.7;
/// Confidence from which a finding is a warning; below it (the weak and identifier-shape
/// bands), `info` (measured precision, `benches/rule_precision.py`).
const WARN_FROM: f64 = CONF_CAPITAL_RUN;
/// Letters the content side of a function-word split needs for [`CONF_FUNCTION`].
const MIN_CONTENT: usize = 5;

/// Suffixes of inflections and derivations: a token that is a dictionary word plus one of
/// these is a word the dictionary lacks, not glue ("inlined", "hasher", "accessor").
const SUFFIXES: &[&str] = &[
    "s", "es", "ed", "d", "ing", "er", "ers", "or", "ors", "est", "st", "ly", "ness", "ment",
    "ments", "able", "ability", "ity", "ize", "ise", "ized", "ised", "ization", "isation", "ful",
    "less", "ish", "ism", "ist", "ists", "al", "ally", "ic", "ical", "ive", "y",
];

/// Prefixes of derivations: "re" + "export", "un" + "mapped".
const PREFIXES: &[&str] = &[
    "un", "re", "non", "pre", "sub", "over", "under", "out", "mis", "dis", "co", "inter", "multi",
    "super", "anti", "auto", "micro", "meta", "post", "de", "semi", "self", "hyper", "cross",
];

/// British and older spellings and their American forms (ending of the token, ending of the
/// dictionary word): "offence" -> "offense", "colour" -> "color", "centre" -> "center".
const VARIANTS: &[(&str, &str)] = &[
    ("ence", "ense"),
    ("our", "or"),
    ("ours", "ors"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("ogue", "og"),
    ("ogues", "ogs"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ller", "ler"),
    ("eable", "able"),
];
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

    /// A dictionary word of at least three letters (a stem).
    fn stem_word(&self, w: &str) -> bool {
        w.len() >= 3 && self.known(w)
    }

    /// Is the lower-case `w` a form of a dictionary word: an inflection or derivation, a
    /// derivation by prefix, or a British or older spelling?
    fn word_form(&self, w: &str) -> bool {
        for suffix in SUFFIXES {
            let Some(stem) = w.strip_suffix(suffix) else {
                continue;
            };
            if stem.len() < 3 {
                continue;
            }
            let b = stem.as_bytes();
            let n = b.len();
            if self.stem_word(stem)
                || self.stem_word(&format!("{stem}e"))
                || self.variant(stem)
                // formatter -> format, bootstrapping -> bootstrap
                || (n >= 4 && b[n - 1] == b[n - 2] && self.stem_word(&stem[..n - 1]))
                // tidied -> tidy
                || (b[n - 1] == b'i' && self.stem_word(&format!("{}y", &stem[..n - 1])))
            {
                return true;
            }
        }
        for prefix in PREFIXES {
            if let Some(rest) = w.strip_prefix(prefix) {
                if rest.len() >= 4 && (self.known(rest) || self.word_form_shallow(rest)) {
                    return true;
                }
            }
        }
        self.variant(w)
    }

    /// Is `w` a British or older spelling of a dictionary word ("offence", "colour")?
    fn variant(&self, w: &str) -> bool {
        VARIANTS.iter().any(|(brit, us)| {
            w.strip_suffix(brit)
                .is_some_and(|stem| !stem.is_empty() && self.known(&format!("{stem}{us}")))
        })
    }

    /// An inflection of a dictionary word (no prefix, no variant): "mapped", "exports".
    fn word_form_shallow(&self, w: &str) -> bool {
        ["s", "es", "ed", "d", "ing", "er", "ers"]
            .iter()
            .any(|suffix| {
                w.strip_suffix(suffix)
                    .is_some_and(|st| self.stem_word(st) || self.stem_word(&format!("{st}e")))
            })
    }

    /// Is `w` a closed compound of two dictionary words neither of which is a function word
    /// and the first not an inflected form ("whitespace" = "white" + "space", "namespace")?
    fn compound(&self, w: &str) -> bool {
        w.char_indices().skip(3).any(|(k, _)| {
            let (l, r) = w.split_at(k);
            r.len() >= 3
                && !FUNCTION_WORDS.contains(&l)
                && !FUNCTION_WORDS.contains(&r)
                && self.in_dict(l)
                && self.in_dict(r)
                && !self.inflected(l)
        })
    }

    /// Is `l` an inflected form (-s, -es, -ed, -ing, -ly) of a dictionary word?
    fn inflected(&self, l: &str) -> bool {
        let stem_known = |suffix: &str| {
            l.strip_suffix(suffix)
                .is_some_and(|st| self.in_dict(st) || self.in_dict(&format!("{st}e")))
        };
        stem_known("ed")
            || stem_known("ing")
            || stem_known("ly")
            || (!l.ends_with("ss") && (stem_known("s") || stem_known("es")))
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
            let (fl, fr) = (FUNCTION_WORDS.contains(&l), FUNCTION_WORDS.contains(&r));
            // The left side must really be an inflected form of a word ("prefers", not
            // "trans" in "transgender").
            let inflected = l.len() >= 4 && r.len() >= 4 && self.inflected(l);
            let conf = if fl != fr {
                // A function word and a content word: strong only when the content word is
                // long enough not to be a fragment of a longer word ("a sync", "in ode").
                let content = if fl { r } else { l };
                if content.chars().count() >= MIN_CONTENT {
                    CONF_FUNCTION
                } else {
                    CONF_WEAK
                }
            } else if fl && r == "the" {
                // "ofthe", "inthe": no term of code or of the past ends in a function word
                // and "the" (none among 163 weak splits on the clean corpora).
                CONF_FUNCTION
            } else if fl && fr {
                CONF_WEAK
            } else if inflected && !self.compound(w) {
                // "whites pace" is "white space": a closed compound, not glue.
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
        // thatRussia: a lower-case word glued to a capitalised name, or a function word glued
        // to a capitalised word. Longer runs ("orWhereJsonPath") and a content word before a
        // common word ("prefixText", "monthsShort") are identifiers.
        if first.chars().all(char::is_lowercase) {
            // isAvailable, getValue, toString: identifier shapes, not glue.
            let code_prefix = CODE_PREFIXES.contains(&first);
            if parts.len() != 2
                || first.chars().count() < 2
                || code_prefix
                || parts[1].chars().count() < 3
                || self.common(first).is_none()
                || !rest_title
            {
                return None;
            }
            let second = lower(parts[1]);
            let name = self
                .lex
                .id(&second)
                .is_some_and(|id| self.lex.is_name_only(id));
            return name.then(|| (parts.join(" "), CONF_FUNCTION));
        }
        // SKidmoreCyber: a broken capital run before a capitalised word.
        let upper_run = first.chars().take_while(|c| c.is_uppercase()).count();
        // Not an initial before a word ("BTree", "XPath"): the rest of the first part is no
        // word of its own.
        let initial = first
            .char_indices()
            .nth(1)
            .is_some_and(|(k, _)| self.known(&lower(&first[k..])));
        if parts.len() == 2
            && upper_run == 2
            && first.chars().count() >= 4
            && rest_title
            && !initial
        {
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
            return Some((format!("{fixed} {}", parts[1]), CONF_CAPITAL_RUN));
        }
        // CyberCrimeSecuritySecurity: three or more capitalised words.
        if parts.len() >= 3 && rest_title && matches!(crate::text::case_of(first), Case::Title) {
            let words = parts
                .iter()
                .filter(|p| p.len() >= 3 && self.known(&lower(p)))
                .count();
            let repeated = parts.windows(2).any(|w| w[0] == w[1]);
            if words >= 2 && (words == parts.len() || repeated) {
                let conf = if repeated {
                    CONF_REPEATED_PART
                } else {
                    CONF_PASCAL
                };
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

/// Is token `i` attached to code punctuation: `__init__`, `os.path`, `.. seealso::`, `init()`,
/// `#anchor`, `std::Foo`, `--async`?
fn code_context(doc: &Document, i: usize) -> bool {
    let t = &doc.tokens[i];
    let text = |k: usize| doc.norm_text(&doc.tokens[k]);
    // Markup masked out of the prose still shows in the original: `_selfUrl_`, `*init*`.
    let span = doc.orig_span(t);
    let underscore = doc.orig[..span.start].ends_with('_') || doc.orig[span.end..].starts_with('_');
    let before = i > 0
        && !t.space_before
        && doc.tokens[i - 1].kind == TokenKind::Punct
        && matches!(
            text(i - 1),
            "_" | "."
                | ":"
                | "#"
                | "/"
                | "@"
                | "$"
                | "\\"
                | "="
                | "<"
                | "~"
                | "`"
                | "-"
                | "%"
                | "&"
                | "'"
        );
    let after = doc.tokens.get(i + 1).is_some_and(|n| {
        if n.space_before || n.kind != TokenKind::Punct {
            return false;
        }
        let attached_next = doc.tokens.get(i + 2).is_some_and(|m| !m.space_before);
        match text(i + 1) {
            "_" | "(" | "=" | "/" | "<" | "[" | "{" | "@" | "\\" | "`" => true,
            // 'isspace' in single quotes: a name quoted as code.
            "'" => i > 0 && !t.space_before && text(i - 1) == "'",
            // `seealso::`, `init.py`: only when something is attached after it.
            ":" | "." => attached_next,
            _ => false,
        }
    });
    underscore || before || after
}

/// How often each of `forms` (lower case) occurs in `orig` as a whole word (split at anything
/// that is not a letter or a digit, so code counts too). Linear in the text.
fn occurrences(orig: &str, forms: &[String]) -> Vec<usize> {
    let index: std::collections::HashMap<&str, usize> = forms
        .iter()
        .enumerate()
        .map(|(k, f)| (f.as_str(), k))
        .collect();
    let mut counts = vec![0; forms.len()];
    let (min, max) = forms.iter().fold((usize::MAX, 0), |(a, b), f| {
        (a.min(f.len()), b.max(f.len()))
    });
    let mut buf = String::new();
    for w in orig.split(|c: char| !c.is_alphanumeric()) {
        if w.len() < min || w.len() > max {
            continue;
        }
        buf.clear();
        buf.extend(w.chars().flat_map(char::to_lowercase));
        if let Some(&k) = index.get(buf.as_str()) {
            counts[k] += 1;
        }
    }
    counts
}

impl Detector for Glue {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        // Most tokens are common words: ask the small table first once it is built.
        let words = CommonWords::after(doc.norm.text.len());
        let text = doc.norm.text.as_str();
        let mut found_hits: Vec<(usize, String, f64)> = Vec::new();
        for (i, t) in doc.tokens.iter().enumerate() {
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
                        && !joined(w)
                        && !self.word_form(w) =>
                {
                    self.split_lower(w)
                }
                _ => None,
            };
            if let Some((suggestion, conf)) = found {
                if !code_context(doc, i) {
                    found_hits.push((i, suggestion, conf));
                }
            }
        }
        if found_hits.is_empty() {
            return;
        }
        // A lower-case token that occurs twice or more in the document (code included) is a
        // term. (A camelCase split needs a name on its right, "thatRussia": no identifier
        // shape, so a repeated one is the same slip repeated.)
        let mut forms: Vec<String> = found_hits
            .iter()
            .map(|(i, _, _)| doc.orig_text(&doc.tokens[*i]).to_lowercase())
            .collect();
        forms.sort();
        forms.dedup();
        let counts = occurrences(doc.orig, &forms);
        for (i, suggestion, conf) in found_hits {
            let t = &doc.tokens[i];
            let form = doc.orig_text(t).to_lowercase();
            let k = forms.binary_search(&form).expect("collected above");
            // A scraper that drops the space before "the" does it again and again.
            let before_the = suggestion.ends_with(" the");
            if t.case == Case::Lower && !before_the && counts[k] >= 2 {
                continue;
            }
            let hit = Hit::new(self.rule, doc.orig_span(t), conf)
                .suggest(suggestion)
                .warn_from(WARN_FROM);
            // One glued word alone is as often a term the dictionary lacks ("indecorum",
            // "itsdangerous") as a slip: a warning beside other evidence of damage.
            out.push(if conf < CONF_REPEATED_PART {
                hit.needs_evidence()
            } else {
                hit
            });
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

    fn glue(text: &str) -> Vec<(String, f64)> {
        hits(text)
            .iter()
            .map(|h| (text[h.start..h.end].to_string(), h.confidence))
            .collect()
    }

    fn hits(text: &str) -> Vec<Hit> {
        let doc = Document::new(text);
        let mut out = Vec::new();
        make(0).detect(&doc, &mut out);
        out
    }

    /// The hits that would be warnings (not capped to `info`).
    fn warnings(text: &str) -> Vec<String> {
        hits(text)
            .iter()
            .filter(|h| h.severity_cap.is_none())
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    /// Confidence of the finding on `word` in `text` (None: not flagged).
    fn conf(text: &str, word: &str) -> Option<f64> {
        glue(text)
            .into_iter()
            .find(|(w, _)| w == word)
            .map(|(_, c)| c)
    }

    #[test]
    fn technical_words_and_old_spellings_are_words() {
        let g = Glue {
            rule: 0,
            lex: Lexicon::embedded(),
        };
        // Inflections, derivations and British or older spellings of dictionary words.
        for w in [
            "inlined",
            "inlining",
            "hasher",
            "accessor",
            "formatter",
            "modestest",
            "offence",
            "offences",
            "colour",
            "behaviour",
            "centre",
            "catalogue",
            "travelled",
            "bootstrapping",
        ] {
            assert!(g.word_form(w), "{w}");
        }
        for w in ["whitespace", "namespace", "camelcase"] {
            assert!(g.compound(w), "{w}");
        }
        // Glue is none of those.
        for w in [
            "animpenetrable",
            "systemwith",
            "preferscontinued",
            "thatinsights",
            "effortsconsisting",
            "operationsand",
        ] {
            assert!(!g.word_form(w) && g.split_lower(w).is_some(), "{w}");
        }
    }

    #[test]
    fn prose_about_code_is_not_glue() {
        // Written for this test: technical prose with words the dictionary lacks.
        let text = "The handler may be async. A hasher is inlined in the loop, and the \
                    whitespace around each namespace is kept. Call strictEqual() first, \
                    then run libFuzzer on it. Edit __init__.py and add a .. seealso:: \
                    block. The GetLastError path returns an OsString.";
        assert_eq!(warnings(text), Vec::<String>::new());
        // Weak splits ("a sync") and identifier shapes are at most `info`.
        assert_eq!(
            glue(text),
            [
                ("async".into(), CONF_WEAK),
                ("GetLastError".into(), CONF_PASCAL)
            ]
        );
        // Period spellings.
        let text = "He shewed the letter to her sister, and no offence was taken.";
        assert_eq!(warnings(text), Vec::<String>::new());
    }

    #[test]
    fn weak_splits_are_a_low_band() {
        // A function word and a short word, or two function words: weak evidence.
        assert_eq!(conf("It runs as an async task.", "async"), Some(CONF_WEAK));
        assert_eq!(conf("Call init first.", "init"), Some(CONF_WEAK));
        // Except a function word glued to "the", even when it recurs.
        assert_eq!(
            conf("She wrote inthe margin.", "inthe"),
            Some(CONF_FUNCTION)
        );
        assert_eq!(
            conf("Most ofthe time. Some ofthe men.", "ofthe"),
            Some(CONF_FUNCTION)
        );
        // A function word and a long content word: strong.
        assert_eq!(
            conf("They proposed animpenetrable wall.", "animpenetrable"),
            Some(CONF_FUNCTION)
        );
    }

    #[test]
    fn a_repeated_token_is_a_term() {
        // Once: glue. Twice in the document (here once in code): a term of the text.
        assert!(conf("We met at the systemand left.", "systemand").is_some());
        assert!(conf(
            "We met at the systemand left.\n\n    let systemand = 1;\n",
            "systemand"
        )
        .is_none());
    }

    #[test]
    fn identifiers_in_camel_case_are_not_glue() {
        let g = Glue {
            rule: 0,
            lex: Lexicon::embedded(),
        };
        for w in [
            "prefixText",
            "combineLatest",
            "monthsShort",
            "orWhereJsonPath",
            "orHaving",
        ] {
            assert!(g.split_camel(w).is_none(), "{w}");
        }
        assert_eq!(g.split_camel("thatRussia").unwrap().1, CONF_FUNCTION);
        assert_eq!(g.split_camel("GetLastError").unwrap().1, CONF_PASCAL);
        assert_eq!(
            g.split_camel("CyberCrimeSecuritySecurity").unwrap().1,
            CONF_REPEATED_PART
        );
        assert!(g.split_camel("BTreeMap").is_none());
    }
}
