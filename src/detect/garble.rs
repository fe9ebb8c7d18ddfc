//! Mechanical damage: doubled words, unbalanced quotation marks, sentences that start inside a
//! word, and capitalised names that lost their possessive apostrophe.

use super::words::{self, CommonWords};
use super::Detector;
use crate::finding::{Category, Hit, Severity};
use crate::lexicon::Lexicon;
use crate::rules::BuiltinRule;
use crate::text::{Case, Document, Token, TokenKind};

/// `garble.repeated-word`.
pub const REPEATED: BuiltinRule = BuiltinRule {
    id: "garble.repeated-word",
    category: Category::Garble,
    severity: Severity::Warning,
    message: "'{text}': the word is doubled",
    doc: "The same word twice in a row ('Once once again'), a common spinner and editing slip. \
          Doubles that grammar allows ('that that', 'had had') get a low confidence.",
    file: "src/detect/garble.rs",
    fix_safe: true,
    fire: &["Once once again, he said so.", "It was the the best."],
    clean: &[
        "Once again, he said so.",
        "He said that, that was it.",
        "Bora Bora is far.",
    ],
};

/// `garble.unbalanced-quote`.
pub const QUOTES: BuiltinRule = BuiltinRule {
    id: "garble.unbalanced-quote",
    category: Category::Garble,
    severity: Severity::Warning,
    message: "quotation marks do not balance in this paragraph",
    doc: "A closing quotation mark with no opening one in its paragraph, or an opening one that \
          is never closed (a quotation that continues into the next paragraph, which opens with \
          a quotation mark again, is fine). Spinners and scrapers often drop one of the pair.",
    file: "src/detect/garble.rs",
    fix_safe: false,
    fire: &[
        "I stated it numerous times,\u{201d} Putin stated in Helsinki.",
        "He said \u{201c}we will go there. And nothing more.",
    ],
    clean: &[
        "\u{201c}I stated it,\u{201d} Putin said. \"Fine,\" he added.",
        "\u{201c}First paragraph of a long quote.\n\n\u{201c}Second paragraph.\u{201d}",
        "It's the 90's band's song.",
    ],
};

/// `garble.broken-sentence`.
pub const BROKEN_SENTENCE: BuiltinRule = BuiltinRule {
    id: "garble.broken-sentence",
    category: Category::Garble,
    severity: Severity::Warning,
    message: "the sentence starts with a stray lower-case fragment: '{text}'",
    doc: "A sentence that starts in the middle of a word ('o 2 nations make', the rest of 'Th') \
          or with a lower-case word right after a full stop: text was cut or merged. A heading, \
          list item or table cell of a marked-up file may start in lower case.",
    file: "src/detect/garble.rs",
    fix_safe: false,
    fire: &["It rained. o 2 nations make strange bedfellows."],
    clean: &[
        "U.S. formally blamed Russia. e.g. this is fine, and so is p.m. time.",
        "It was guarded\u{2026} and safe, as the laws . . . become the religion.",
        "The question is not \"Will it hurt?\" but \"Will it help?\"",
        "iPhone sales grew.",
    ],
};

/// `garble.missing-apostrophe`.
pub const POSSESSIVE: BuiltinRule = BuiltinRule {
    id: "garble.missing-apostrophe",
    category: Category::Garble,
    severity: Severity::Warning,
    message: "'{text}' looks like a possessive that lost its apostrophe: '{suggestion}'",
    doc: "A capitalised name plus 's' that is not a word itself, followed by a lower-case word \
          ('Moscows longstanding desire'): the apostrophe of 'Moscow's' was lost.",
    file: "src/detect/garble.rs",
    fix_safe: true,
    fire: &["It is the latest expression of Moscows longstanding desire."],
    clean: &[
        "Americans want peace and Texas is big.",
        "The Kennedys were there.",
        "Moscow's longstanding desire.",
    ],
};

/// Build `garble.repeated-word`.
pub fn make_repeated(rule: usize) -> Box<dyn Detector> {
    Box::new(Repeated { rule })
}
/// Build `garble.unbalanced-quote`.
pub fn make_quotes(rule: usize) -> Box<dyn Detector> {
    Box::new(Quotes { rule })
}
/// Build `garble.broken-sentence`.
pub fn make_broken_sentence(rule: usize) -> Box<dyn Detector> {
    Box::new(BrokenSentence { rule })
}
/// Build `garble.missing-apostrophe`.
pub fn make_possessive(rule: usize) -> Box<dyn Detector> {
    Box::new(Possessive {
        rule,
        lex: Lexicon::embedded(),
    })
}

struct Repeated {
    rule: usize,
}

/// Doubles that grammar or names allow.
const LEGIT_DOUBLES: &[&str] = &[
    "that", "had", "is", "do", "can", "bye", "very", "so", "no", "ha", "really", "far", "many",
    "much", "well", "bora", "walla", "chop", "knock", "tut", "yes", "ho", "pom", "dum", "now",
    "again", "more", "over", "on", "and", "by",
];

impl Detector for Repeated {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        for (i, pair) in doc.tokens.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            if a.kind != TokenKind::Word || b.kind != TokenKind::Word || b.breaks_before > 0 {
                continue;
            }
            let bytes = doc.norm.text.as_bytes();
            // Cheap tests first: most neighbours differ in length or first byte.
            if a.len() != b.len() || bytes[a.start as usize] != bytes[b.start as usize] {
                continue;
            }
            let w = doc.norm_text(a);
            if w != doc.norm_text(b) {
                continue;
            }
            // "Bora Bora", "Walla Walla": a capitalised pair is a name.
            if a.case == Case::Title && b.case == Case::Title {
                continue;
            }
            let conf = if LEGIT_DOUBLES.contains(&w) {
                0.3
            } else {
                0.95
            };
            let span = doc.orig_span_tokens(i, i + 1);
            out.push(Hit::new(self.rule, span, conf).suggest(doc.orig_text(a)));
        }
    }
}

struct Quotes {
    rule: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Open,
    Close,
}

impl Quotes {
    /// Direction of a double quotation mark token: curly ones say it, a straight one by what it
    /// is attached to.
    fn direction(doc: &Document, i: usize) -> Option<Dir> {
        let t = &doc.tokens[i];
        match doc.orig_text(t) {
            "\u{201c}" | "\u{201e}" | "\u{ab}" => Some(Dir::Open),
            "\u{201d}" | "\u{bb}" => Some(Dir::Close),
            "\"" => {
                let next_attached = doc.tokens.get(i + 1).is_some_and(|n| !n.space_before);
                let prev_attached = i > 0 && !t.space_before;
                match (prev_attached, next_attached) {
                    (false, true) => Some(Dir::Open),
                    (true, false) => Some(Dir::Close),
                    (true, true) => {
                        // ,"word or word"word: opening after punctuation, else closing.
                        let prev = &doc.tokens[i - 1];
                        if prev.kind == TokenKind::Punct {
                            Some(Dir::Open)
                        } else {
                            Some(Dir::Close)
                        }
                    }
                    (false, false) => None,
                }
            }
            _ => None,
        }
    }

    /// A line break ends the paragraph when a blank line follows, or when the line ended a
    /// sentence (scraped text often has one paragraph a line).
    fn para_break(doc: &Document, i: usize) -> bool {
        let t: &Token = &doc.tokens[i];
        if t.breaks_before >= 2 {
            return true;
        }
        t.breaks_before == 1
            && i > 0
            && matches!(
                doc.norm_text(&doc.tokens[i - 1]),
                "." | "!" | "?" | "\"" | ":"
            )
    }
}

impl Detector for Quotes {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        // Every finding is about a double quotation mark token: a text without one (after
        // folding, all of them are `"`) has none.
        if memchr::memchr(b'"', doc.norm.text.as_bytes()).is_none() {
            return;
        }
        let n = doc.tokens.len();
        let mut open: Option<usize> = None;
        let mut i = 0;
        while i <= n {
            let at_break = i == n || (i > 0 && Self::para_break(doc, i));
            if at_break {
                if let Some(o) = open.take() {
                    // A quotation continued in the next paragraph opens it again.
                    let continued = i < n && Self::direction(doc, i) == Some(Dir::Open);
                    if !continued {
                        out.push(
                            Hit::new(self.rule, doc.orig_span(&doc.tokens[o]), 0.6).message(
                                "this opening quotation mark is never closed in its paragraph",
                            ),
                        );
                    }
                }
            }
            if i == n {
                break;
            }
            if doc.tokens[i].kind == TokenKind::Punct && doc.norm_text(&doc.tokens[i]) == "\"" {
                match (Self::direction(doc, i), open) {
                    (Some(Dir::Open), Some(o)) if doc.orig_text(&doc.tokens[o]) == "\u{201c}" => {
                        out.push(
                            Hit::new(self.rule, doc.orig_span(&doc.tokens[o]), 0.6)
                                .message("this opening quotation mark is never closed: another one opens before it"),
                        );
                        open = Some(i);
                    }
                    (Some(Dir::Open), _) => open = Some(i),
                    (Some(Dir::Close), Some(_)) => open = None,
                    (Some(Dir::Close), None) => out.push(
                        Hit::new(self.rule, doc.orig_span(&doc.tokens[i]), 0.8).message(
                            "closing quotation mark with no opening one in this paragraph: the \
                             opening mark was probably lost",
                        ),
                    ),
                    (None, Some(_)) => open = None,
                    (None, None) => open = Some(i),
                }
            }
            i += 1;
        }
    }
}

struct BrokenSentence {
    rule: usize,
}

impl Detector for BrokenSentence {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        for (i, t) in doc.tokens.iter().enumerate() {
            if !t.sent_start || t.kind != TokenKind::Word || t.case != Case::Lower {
                continue;
            }
            let w = doc.norm_text(t);
            if w.contains('.') {
                // An abbreviation (e.g., i.e.) may start a clause in lower case.
                continue;
            }
            let fragment = if w.chars().count() == 1 {
                w != "a" && w != "i"
            } else {
                !words::is_word(
                    CommonWords::ready(),
                    &doc.norm.text,
                    t.start as usize,
                    t.end as usize,
                )
            };
            // After a full stop inside a paragraph, a lower-case word is suspicious too (not
            // after a quoted question or exclamation: '"Why?" he asked').
            let after_stop = i > 0
                && t.breaks_before == 0
                && doc.norm_text(&doc.tokens[i - 1]) == "."
                && !doc.tokens[i - 1].space_before;
            // A heading, list item or table cell often starts in lower case, and with a name
            // that is no word (`== quickstart`, `| glue | wordsrun together`): there only a
            // full stop earlier in the same block makes a lower-case start suspicious.
            if let Some(block) = block_range(doc, t) {
                if !(after_stop && block.start <= doc.orig_span(&doc.tokens[i - 1]).start) {
                    continue;
                }
            }
            let conf = if fragment {
                0.85
            } else if after_stop {
                0.5
            } else {
                continue;
            };
            // Show the fragment with the next two words for context.
            let end = (i + 2).min(doc.tokens.len() - 1);
            let mut last = i;
            for k in i + 1..=end {
                if doc.tokens[k].breaks_before > 0 || doc.tokens[k].kind == TokenKind::Punct {
                    break;
                }
                last = k;
            }
            let span = if fragment {
                doc.orig_span_tokens(i, last)
            } else {
                doc.orig_span(t)
            };
            let hit = Hit::new(self.rule, span, conf);
            out.push(if fragment {
                hit
            } else {
                hit.message("the sentence starts with a lower-case word after a full stop")
            });
        }
    }
}

/// The original range of the heading, list item or table cell `t` is in (see
/// [`Document::block_of`]).
fn block_range(doc: &Document, t: &Token) -> Option<std::ops::Range<usize>> {
    doc.block_of(t)?;
    let s = doc.orig_span(t).start;
    let i = doc.blocks.partition_point(|(r, _)| r.end <= s);
    doc.blocks.get(i).map(|(r, _)| r.clone())
}

struct Possessive {
    rule: usize,
    lex: &'static Lexicon,
}

impl Detector for Possessive {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        for (i, t) in doc.tokens.iter().enumerate() {
            if t.kind != TokenKind::Word || t.case != Case::Title || t.len() < 4 {
                continue;
            }
            let w = doc.norm_text(t);
            if !w.ends_with('s')
                || w.ends_with("ss")
                || words::is_word(
                    CommonWords::ready(),
                    &doc.norm.text,
                    t.start as usize,
                    t.end as usize,
                )
            {
                continue;
            }
            let stem = &w[..w.len() - 1];
            let Some(id) = self.lex.id(stem) else {
                continue;
            };
            if !self.lex.is_name_only(id) {
                continue;
            }
            let next_lower = doc.tokens.get(i + 1).is_some_and(|n| {
                n.kind == TokenKind::Word && n.case == Case::Lower && n.breaks_before == 0
            });
            let after_the = i > 0 && doc.norm_text(&doc.tokens[i - 1]) == "the";
            if !next_lower || after_the {
                continue;
            }
            let orig = doc.orig_text(t);
            let suggestion = format!("{}'s", &orig[..orig.len() - 1]);
            out.push(Hit::new(self.rule, doc.orig_span(t), 0.75).suggest(suggestion));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::markup::{self, Format, MarkupOptions};

    /// The original text of each broken-sentence hit in a marked-up text.
    fn broken(text: &str, format: Format) -> Vec<String> {
        let m = markup::extract(text, format, MarkupOptions::default());
        let doc = Document::from_markup(text, &m);
        let mut out = Vec::new();
        BrokenSentence { rule: 0 }.detect(&doc, &mut out);
        out.iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    #[test]
    fn blocks_may_start_in_lower_case() {
        let md =
            "# quickstart\n\n- wordsrun together\n\n| a | b |\n|---|---|\n| glue | xq here |\n\n\
                  wordsrun together in prose.\n";
        assert_eq!(broken(md, Format::Markdown), ["wordsrun together in"]);
        // The same text as plain text has no blocks: every lower-case start counts.
        assert_eq!(
            broken(md, Format::Plain).len(),
            3,
            "{:?}",
            broken(md, Format::Plain)
        );
        // A full stop inside the block still makes the next lower-case word suspicious.
        assert_eq!(
            broken("- It rained. o 2 nations make it\n", Format::Markdown),
            ["o 2 nations"]
        );
    }
}
