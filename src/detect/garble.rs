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
          Doubles that grammar allows ('that that', 'had had') get a low confidence (info). \
          Words with code, markup or a table's column gap between them are not a double. \
          Measured precision 0.91 (94 of 103 on clean and spun text are real: most doubles in \
          clean documents are the authors' typos); not a safe fix.",
    file: "src/detect/garble.rs",
    fix_safe: false,
    fire: &["Once once again, he said so.", "It was the the best."],
    clean: &[
        "Once again, he said so.",
        "He said that, that was it.",
        "Bora Bora is far.",
        "yes   yes   keep\nno    no    drop",
        "rename a/b b/a",
        "Run grep -i i to match it, or use --tag tag; keep a a~ as the backup.",
        "mega-\u{a0}\u{a0}M\u{a0}\u{a0}meg\u{a0}\u{a0}\u{a0}meg",
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
          a quotation mark again, is fine). Spinners and scrapers often drop one of the pair. \
          In hard-wrapped text (paragraphs separated by blank lines) a quotation runs across \
          line breaks; a mark alone on its line, an inch sign (15\") and the straight marks of a \
          line of code (--pretty=\"%ad\", f\"{x}\", <a href=\"#top\">) are not quotations. \
          Measured: a stray closing mark is a warning only beside other evidence of damage \
          (precision 0.25 alone); an opening mark never closed is info (0 real in 59).",
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
        "\"We left early.\nThe road was long,\" she said.\n\nThen they slept.",
        "\"Was it you?\"he asked. \"I never--\"and she stopped.",
        "Back\n\u{ab}\nNext",
        // Code, units and separators in technical prose (issue 15), in our own words.
        "The command \"ls --color=\"auto\" -l\" printed nothing.",
        "It prints f\"{count} files\") and exits.",
        "The 13\" laptop and the 15\" one.",
        "Home \u{bb} Docs \u{bb} Install",
        "Set key = b'x1\"y2' first.",
        "Paths (starting with \"/\") are relative to a \"project\ndirectory\".\n\nNext.",
    ],
};

/// `garble.broken-sentence`.
pub const BROKEN_SENTENCE: BuiltinRule = BuiltinRule {
    id: "garble.broken-sentence",
    category: Category::Garble,
    severity: Severity::Warning,
    message: "the sentence starts with a stray lower-case fragment: '{text}'",
    doc: "A sentence that starts in the middle of a word ('o 2 nations make', the rest of 'Th') \
          or with a lower-case word right after a full stop, inside a line: text was cut or \
          merged. Headings, list items, table cells, command names and versions that start \
          lower-case are not sentences of prose and are not judged. Measured: a warning only \
          beside other evidence of damage (precision 0.14 alone); a whole lower-case word after \
          a full stop is info (0.04).",
    file: "src/detect/garble.rs",
    fix_safe: false,
    fire: &["It rained. o 2 nations make strange bedfellows."],
    clean: &[
        "U.S. formally blamed Russia. e.g. this is fine, and so is p.m. time.",
        "It was guarded\u{2026} and safe, as the laws . . . become the religion.",
        "The question is not \"Will it hurt?\" but \"Will it help?\"",
        "iPhone sales grew.",
        "# anstream\n\n- [crate-name](https://example.com) parses it.\n",
        "Run it.\n\ngit merge the branch\n\nUpgrade from 15.x first. Tools, etc. are fine.",
    ],
};

/// `garble.missing-apostrophe`.
pub const POSSESSIVE: BuiltinRule = BuiltinRule {
    id: "garble.missing-apostrophe",
    category: Category::Garble,
    severity: Severity::Warning,
    message: "'{text}' looks like a possessive that lost its apostrophe: '{suggestion}'",
    doc: "A capitalised name plus 's' that is not a word itself, followed by a lower-case word \
          ('Moscows longstanding desire'): the apostrophe of 'Moscow's' was lost. Plural family \
          names ('the Miss Bertrams', 'both Harringtons') and a form that recurs in the \
          document (a house called 'Randalls') are not possessives. Measured: a warning only \
          beside other evidence of damage (precision 0.33 alone).",
    file: "src/detect/garble.rs",
    fix_safe: false,
    fire: &["It is the latest expression of Moscows longstanding desire."],
    clean: &[
        "Americans want peace and Texas is big.",
        "The Kennedys were there.",
        "Moscow's longstanding desire.",
        "The Miss Hendersons came to tea, and the two Morrisons stayed.",
        "They dined at Hendersons tonight, as Hendersons always serves fish.",
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

/// Doubles that grammar or names allow ("had had", "bye bye"; a pronoun as object and then as
/// subject or possessive: "I told you you were right", "gave her her book"), and the words
/// writers double on purpose: interjections and sounds ("hey hey", "beep beep", "hip hip
/// hooray") and emphasis in songs, dialogue and stories ("long long ago", "poor poor me", "a
/// big big house").
const LEGIT_DOUBLES: &[&str] = &[
    "that", "had", "is", "do", "can", "bye", "very", "so", "no", "ha", "really", "far", "many",
    "much", "well", "bora", "walla", "chop", "knock", "tut", "yes", "ho", "pom", "dum", "now",
    "again", "more", "over", "on", "and", "by", "you", "her", "it", "hey", "oh", "ah", "la",
    "blah", "beep", "boo", "yeah", "hip", "ding", "tick", "bang", "boom", "long", "poor", "sweet",
    "little", "big", "tiny", "deep", "round",
];

/// Is the original text between two tokens a plain word gap: white space only, and not the
/// column gap of a table (two or more spaces, no-break spaces included, or a tab on one line)?
/// Masked code or markup between them ("Set to `false` to") is not a gap.
fn plain_gap(gap: &str) -> bool {
    if !gap.chars().all(char::is_whitespace) {
        return false;
    }
    gap.contains('\n') || !(gap.chars().nth(1).is_some() || gap.contains('\t'))
}

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
            // "a/b b/a": single letters other than "a" and "I" are symbols, not words.
            if w.len() == 1 && w != "a" && w != "i" {
                continue;
            }
            // Upper case ("ALERT ALERT", "type TYPE") or a lower-case word before a capitalised
            // one ("from From:") is emphasis or a label; only "Once once" (a sentence start)
            // and same-case doubles are slips.
            let cases_ok = matches!(
                (a.case, b.case),
                (Case::Lower, Case::Lower) | (Case::Title, Case::Lower)
            );
            // A third time in a row ("hack hack hack") is deliberate.
            let third = doc.tokens.get(i + 2).is_some_and(|c| {
                c.kind == TokenKind::Word && c.breaks_before == 0 && doc.norm_text(c) == w
            });
            let second_of_three = i > 0 && {
                let p = &doc.tokens[i - 1];
                p.kind == TokenKind::Word && doc.norm_text(p) == w
            };
            if !cases_ok || third || second_of_three {
                continue;
            }
            // A double of a word the dictionary lacks is a term in code ("mount -t tmpfs
            // tmpfs"), not a slip of prose.
            if !words::is_word(
                CommonWords::ready(),
                &doc.norm.text,
                a.start as usize,
                a.end as usize,
            ) {
                continue;
            }
            let (sa, sb) = (doc.orig_span(a), doc.orig_span(b));
            if !plain_gap(&doc.orig[sa.end..sb.start]) {
                continue;
            }
            // An option and its value ("grep -i i", "--tag tag"), a role and its name
            // ("rst:directive directive"), a file and its backup ("a a~"): code, not a slip.
            let attached_before = doc.orig[..sa.start]
                .chars()
                .next_back()
                .is_some_and(|c| matches!(c, '-' | ':' | '/' | '.' | '_'));
            let attached_after = doc.orig[sb.end..]
                .chars()
                .next()
                .is_some_and(|c| matches!(c, '~' | '/' | '_' | '=' | '(' | '-'));
            if attached_before || attached_after {
                continue;
            }
            let conf = if LEGIT_DOUBLES.contains(&w) {
                CONF_LEGIT_DOUBLE
            } else {
                0.95
            };
            let span = doc.orig_span_tokens(i, i + 1);
            out.push(
                Hit::new(self.rule, span, conf)
                    .suggest(doc.orig_text(a))
                    .warn_from(REPEATED_WARN_FROM),
            );
        }
    }
}

/// Confidence of a double that grammar allows ("had had", "that that"): below the warning bar.
const CONF_LEGIT_DOUBLE: f64 = 0.3;
/// Confidence from which a double is a warning (measured: `benches/rule_precision.py`).
const REPEATED_WARN_FROM: f64 = 0.9;

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
    /// is attached to; `open` says whether a quotation is open at this point (it decides a
    /// straight mark attached on both sides, `?"he` or `--"and`, or on neither).
    fn direction(doc: &Document, i: usize, open: bool) -> Option<Dir> {
        let t = &doc.tokens[i];
        match doc.orig_text(t) {
            "\u{201c}" | "\u{201e}" | "\u{ab}" => Some(Dir::Open),
            "\u{201d}" | "\u{bb}" => Some(Dir::Close),
            "\"" => {
                let next_attached = doc
                    .tokens
                    .get(i + 1)
                    .is_some_and(|n| !n.space_before && n.breaks_before == 0);
                let prev_attached = i > 0 && !t.space_before && t.breaks_before == 0;
                match (prev_attached, next_attached) {
                    (false, true) => Some(Dir::Open),
                    (true, false) => Some(Dir::Close),
                    (true, true) => {
                        // ,"word opens; word"word, ?"he and --"and close an open quotation.
                        let prev = &doc.tokens[i - 1];
                        if open {
                            Some(Dir::Close)
                        } else if prev.kind == TokenKind::Punct {
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

    /// Is the straight mark at `i` part of code or an old typewriter habit rather than a
    /// quotation: one of a run (`"""` docstrings, `""`), escaped (`\"`), a string prefix
    /// (`r"`, `f"`, `b"`, `u"`), or an apostrophe typed as a double mark (`OPEC"s`)?
    fn code_mark(doc: &Document, i: usize) -> bool {
        let t = &doc.tokens[i];
        if doc.orig_text(t) != "\"" {
            return false;
        }
        let quote = |k: usize| {
            doc.tokens
                .get(k)
                .is_some_and(|q| q.kind == TokenKind::Punct && doc.norm_text(q) == "\"")
        };
        let prev_attached = i > 0 && !t.space_before && t.breaks_before == 0;
        let next = doc.tokens.get(i + 1);
        let next_attached = next.is_some_and(|n| !n.space_before && n.breaks_before == 0);
        if (prev_attached && quote(i - 1)) || (next_attached && quote(i + 1)) {
            return true;
        }
        if !prev_attached {
            return false;
        }
        let prev = &doc.tokens[i - 1];
        let p = doc.norm_text(prev);
        let apostrophe = prev.kind == TokenKind::Word
            && next_attached
            && next
                .is_some_and(|n| matches!(doc.norm_text(n), "s" | "t" | "ll" | "re" | "ve" | "d"));
        // b'_5#y2L"F4Q8z': a mark between two letters or digits quotes nothing.
        let span = doc.orig_span(t);
        let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let inside_word = alnum(doc.orig[..span.start].chars().next_back())
            && alnum(doc.orig[span.end..].chars().next());
        p == "\\" || apostrophe || inside_word
    }

    /// Is the straight mark at `i` the start of a string literal with a prefix (`r"`, `f"`,
    /// `b"`, `u"`)?
    fn prefix_mark(doc: &Document, i: usize) -> bool {
        let t = &doc.tokens[i];
        if i == 0 || t.space_before || t.breaks_before > 0 {
            return false;
        }
        let prev = &doc.tokens[i - 1];
        prev.kind == TokenKind::Word
            && doc
                .tokens
                .get(i + 1)
                .is_some_and(|n| !n.space_before && n.breaks_before == 0)
            && matches!(
                doc.orig_text(prev),
                "r" | "f" | "b" | "u" | "rb" | "br" | "fr" | "rf"
            )
            && (i < 2
                || prev.space_before
                || matches!(
                    doc.norm_text(&doc.tokens[i - 2]),
                    "(" | "[" | "{" | "=" | ","
                ))
    }

    /// Is the straight mark at `i` attached to code: after `=`, `/`, `#`, `%`, `+`, `[`,
    /// `{`, `}`, `<`, `|`, `\\` or a backtick, before `]`, `}`, `{`, `>`, a backtick or a
    /// shell variable (`"$@"`), a string prefix (`f"`) or one of a run (`""`)? Then its line
    /// is code (`--pretty="%ad"`, `<a href="#top">`, ``` ``u"text"`` ```), and when its
    /// straight marks pair up among themselves (an even number), none of them is a quotation.
    /// (An odd number: one of them belongs to a quotation of the prose around it, `("/")
    /// relative to a "project` + line break + `directory"`; they are read as usual.)
    fn code_signal(doc: &Document, i: usize) -> bool {
        let t = &doc.tokens[i];
        let span = doc.orig_span(t);
        let before = doc.orig[..span.start].chars().next_back();
        let mut after = doc.orig[span.end..].chars();
        let (a1, a2) = (after.next(), after.next());
        matches!(
            before,
            Some('=' | '/' | '#' | '%' | '+' | '[' | '{' | '}' | '<' | '|' | '\\' | '`')
        ) || matches!(a1, Some(']' | '}' | '{' | '>' | '`'))
            || (a1 == Some('$') && a2.is_some_and(|c| c.is_alphabetic() || "({@".contains(c)))
            || before == Some('"')
            || a1 == Some('"')
            // print("  SETUP"): a string that starts with spaces.
            || (before == Some('(') && a1.is_some_and(char::is_whitespace))
            || Self::prefix_mark(doc, i)
    }

    /// Start offsets (original text) of the lines that hold a straight mark attached to code
    /// and an even number of straight marks, in increasing order.
    fn code_lines(doc: &Document) -> Vec<usize> {
        let mut lines = Vec::new();
        let mut last = None;
        for (i, t) in doc.tokens.iter().enumerate() {
            if t.kind != TokenKind::Punct || doc.orig_text(t) != "\"" {
                continue;
            }
            let start = doc.orig_span(t).start;
            let line = doc.orig[..start].rfind('\n').map_or(0, |k| k + 1);
            if last == Some(line) || !Self::code_signal(doc, i) {
                continue;
            }
            last = Some(line);
            let end = doc.orig[line..]
                .find('\n')
                .map_or(doc.orig.len(), |k| line + k);
            if doc.orig[line..end].bytes().filter(|&b| b == b'"').count() % 2 == 0 {
                lines.push(line);
            }
        }
        lines
    }

    /// Is the straight mark at `i` on one of `code_lines`?
    fn on_code_line(doc: &Document, i: usize, code_lines: &[usize]) -> bool {
        let t = &doc.tokens[i];
        if code_lines.is_empty() || doc.orig_text(t) != "\"" {
            return false;
        }
        let start = doc.orig_span(t).start;
        let line = doc.orig[..start].rfind('\n').map_or(0, |k| k + 1);
        code_lines.binary_search(&line).is_ok()
    }

    /// Is the curly mark or guillemet at `i` free on both sides (`up » down`: an arrow or a
    /// separator, not a quotation)?
    fn free_standing(doc: &Document, i: usize) -> bool {
        let t = &doc.tokens[i];
        if doc.orig_text(t) == "\"" || i == 0 || !t.space_before {
            return false;
        }
        doc.tokens.get(i + 1).is_some_and(|n| n.space_before)
    }

    /// Is the straight mark at `i` an inch or seconds sign (`a 15" screen`): right after a
    /// digit, with white space after it?
    fn unit_mark(doc: &Document, i: usize) -> bool {
        let t = &doc.tokens[i];
        if doc.orig_text(t) != "\"" {
            return false;
        }
        let span = doc.orig_span(t);
        doc.orig[..span.start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
            && doc.orig[span.end..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
    }

    /// Is the mark at `i` alone on its line (a "«" icon or a table cell, not a quotation)?
    fn alone_on_line(doc: &Document, i: usize) -> bool {
        let t = &doc.tokens[i];
        let starts = i == 0 || t.breaks_before > 0;
        let ends = doc.tokens.get(i + 1).is_none_or(|n| n.breaks_before > 0);
        starts && ends
    }

    /// A line break ends the paragraph when a blank line follows, or, in a text without blank
    /// lines (scraped text often has one paragraph a line), when the line ended a sentence.
    /// Hard-wrapped text (paragraphs separated by blank lines) continues a quotation across
    /// its line breaks.
    fn para_break(doc: &Document, i: usize, blank_lines: bool) -> bool {
        let t: &Token = &doc.tokens[i];
        if t.breaks_before >= 2 {
            return true;
        }
        !blank_lines
            && t.breaks_before == 1
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
        let blank_lines = doc.tokens.iter().any(|t| t.breaks_before >= 2);
        let code_lines = Self::code_lines(doc);
        let mut open: Option<usize> = None;
        let mut i = 0;
        while i <= n {
            let at_break = i == n || (i > 0 && Self::para_break(doc, i, blank_lines));
            if at_break {
                if let Some(o) = open.take() {
                    // A quotation continued in the next paragraph opens it again.
                    let continued = i < n && Self::direction(doc, i, false) == Some(Dir::Open);
                    if !continued {
                        out.push(
                            Hit::new(self.rule, doc.orig_span(&doc.tokens[o]), CONF_UNCLOSED)
                                .message(
                                    "this opening quotation mark is never closed in its paragraph",
                                )
                                .warn_from(QUOTES_WARN_FROM)
                                .needs_evidence(),
                        );
                    }
                }
            }
            if i == n {
                break;
            }
            if doc.tokens[i].kind == TokenKind::Punct
                && doc.norm_text(&doc.tokens[i]) == "\""
                && !Self::alone_on_line(doc, i)
                && !Self::code_mark(doc, i)
                && !Self::on_code_line(doc, i, &code_lines)
                && !Self::free_standing(doc, i)
                && !(open.is_none() && Self::unit_mark(doc, i))
            {
                match (Self::direction(doc, i, open.is_some()), open) {
                    (Some(Dir::Open), Some(o)) if doc.orig_text(&doc.tokens[o]) == "\u{201c}" => {
                        out.push(
                            Hit::new(self.rule, doc.orig_span(&doc.tokens[o]), CONF_UNCLOSED)
                                .message("this opening quotation mark is never closed: another one opens before it")
                                .warn_from(QUOTES_WARN_FROM)
                                .needs_evidence(),
                        );
                        open = Some(i);
                    }
                    (Some(Dir::Open), _) => open = Some(i),
                    (Some(Dir::Close), Some(_)) => open = None,
                    (Some(Dir::Close), None) => out.push(
                        Hit::new(self.rule, doc.orig_span(&doc.tokens[i]), CONF_ORPHAN_CLOSE)
                            .message(
                                "closing quotation mark with no opening one in this paragraph: the \
                                 opening mark was probably lost",
                            )
                            .warn_from(QUOTES_WARN_FROM)
                            .needs_evidence(),
                    ),
                    (None, Some(_)) => open = None,
                    (None, None) => open = Some(i),
                }
            }
            i += 1;
        }
    }
}

/// Confidence of an opening quotation mark never closed in its paragraph.
const CONF_UNCLOSED: f64 = 0.6;
/// Confidence of a closing quotation mark with no opening one.
const CONF_ORPHAN_CLOSE: f64 = 0.8;
/// Confidence from which an unbalanced mark is a warning (measured).
const QUOTES_WARN_FROM: f64 = 0.7;

struct BrokenSentence {
    rule: usize,
}

/// Abbreviations after which a lower-case word goes on with the sentence ("etc. and").
const ABBREVIATIONS: &[&str] = &[
    "etc", "vs", "cf", "approx", "ca", "al", "fig", "figs", "eq", "no", "nos", "vol", "pp", "p",
    "ch", "sec", "ed", "eds", "resp", "viz", "incl", "esp", "dept", "est", "misc", "min", "max",
    "ver", "v", "var", "ref", "refs", "op", "cit", "ibid", "seq", "sq", "st", "mr", "mrs", "dr",
    "jr", "sr", "co", "inc", "ltd", "corp", "mt", "ft", "in", "oz", "lb", "lbs", "eg", "ie", "ex",
    "esq", "nb", "ps", "rev", "gen", "col", "capt", "lt", "sgt", "hon", "prof", "ave", "blvd",
];

impl Detector for BrokenSentence {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        let mut found: Vec<(usize, bool, Hit)> = Vec::new();
        for (i, t) in doc.tokens.iter().enumerate() {
            if !t.sent_start || t.kind != TokenKind::Word || t.case != Case::Lower {
                continue;
            }
            // Only a sentence that starts inside a line, right after the full stop (or ? or !)
            // of the sentence before, is judged: headings, list items, table cells, command
            // names and lines of code start lower-case all the time ("# anstream",
            // "- [crate-name](…)", "git merge"), and a version ("15.x") has no space after
            // its dot.
            if i < 2 || t.breaks_before > 0 || !t.space_before {
                continue;
            }
            let stop = &doc.tokens[i - 1];
            let before = &doc.tokens[i - 2];
            let stop_text = doc.norm_text(stop);
            if stop.kind != TokenKind::Punct
                || stop.space_before
                || !matches!(stop_text, "." | "?" | "!")
                || !matches!(before.kind, TokenKind::Word | TokenKind::Punct)
            {
                continue;
            }
            // The stop must be attached to the word before it and only white space may stand
            // between the stop and this word in the original (no masked markup or code:
            // "os.</span><span>remove").
            let (sb, ss, st) = (doc.orig_span(before), doc.orig_span(stop), doc.orig_span(t));
            if sb.end != ss.start || !doc.orig[ss.end..st.start].chars().all(char::is_whitespace) {
                continue;
            }
            let prev_word = doc.norm_text(before);
            // "e.g. this", "etc. and", list enumerators "a. the".
            if stop_text == "."
                && before.kind == TokenKind::Word
                && (ABBREVIATIONS.contains(&prev_word) || prev_word.chars().count() == 1)
            {
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
            // A heading, list item or table cell often starts in lower case: there only a full
            // stop in the same block makes a lower-case start suspicious.
            if let Some(block) = block_range(doc, t) {
                if block.start > ss.start {
                    continue;
                }
            }
            let conf = if fragment {
                CONF_FRAGMENT
            } else if stop_text == "." {
                CONF_LOWER_AFTER_STOP
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
            let hit = Hit::new(self.rule, span, conf)
                .warn_from(BROKEN_WARN_FROM)
                .needs_evidence();
            found.push((
                i,
                fragment,
                if fragment {
                    hit
                } else {
                    hit.message("the sentence starts with a lower-case word after a full stop")
                },
            ));
        }
        if found.is_empty() {
            return;
        }
        // A lower-case name of a tool or a command ("pytest", "axum") recurs in its document;
        // the rest of a cut word does not. One pass counts the multi-letter fragments.
        let mut counts: std::collections::HashMap<&str, usize> = found
            .iter()
            .filter(|(i, fragment, _)| *fragment && doc.tokens[*i].len() > 1)
            .map(|(i, _, _)| (doc.norm_text(&doc.tokens[*i]), 0))
            .collect();
        if !counts.is_empty() {
            for t in &doc.tokens {
                if let Some(c) = counts.get_mut(doc.norm_text(t)) {
                    *c += 1;
                }
            }
        }
        for (i, _, hit) in found {
            let recurs = counts
                .get(doc.norm_text(&doc.tokens[i]))
                .is_some_and(|&c| c >= 2);
            if !recurs {
                out.push(hit);
            }
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

/// Confidence of a sentence that starts with a fragment of a word ("o 2 nations").
const CONF_FRAGMENT: f64 = 0.85;
/// Confidence of a sentence that starts with a lower-case word after a full stop.
const CONF_LOWER_AFTER_STOP: f64 = 0.5;
/// Confidence from which a broken sentence is a warning (measured).
const BROKEN_WARN_FROM: f64 = 0.8;

struct Possessive {
    rule: usize,
    lex: &'static Lexicon,
}

/// Confidence of a lost possessive apostrophe.
const CONF_POSSESSIVE: f64 = 0.75;
/// Confidence from which a lost apostrophe is a warning (measured).
const POSSESSIVE_WARN_FROM: f64 = 0.7;

/// Words before a plural family or place name, not a possessive: "the Miss Bertrams", "the
/// two Harringtons", "both Thorpes".
const BEFORE_PLURAL_NAME: &[&str] = &[
    "the", "miss", "misses", "mr", "mrs", "messrs", "lady", "lord", "sir", "two", "three", "four",
    "both", "all", "these", "those", "several", "many", "few", "other", "young", "old", "dear",
    "poor", "our", "their", "my", "your", "his", "her",
];

/// Words that do not start the noun phrase a possessive governs ("Randalls was", "the
/// Bertrams were", "at Randalls any hour").
const NOT_A_POSSESSED: &[&str] = &[
    "a",
    "an",
    "and",
    "or",
    "but",
    "nor",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "as",
    "from",
    "into",
    "that",
    "this",
    "these",
    "those",
    "which",
    "who",
    "whom",
    "whose",
    "what",
    "when",
    "where",
    "while",
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "shall",
    "do",
    "does",
    "did",
    "not",
    "so",
    "then",
    "than",
    "too",
    "very",
    "much",
    "more",
    "most",
    "any",
    "all",
    "both",
    "each",
    "every",
    "some",
    "no",
    "if",
    "there",
    "here",
    "it",
    "he",
    "she",
    "they",
    "we",
    "you",
    "i",
    "me",
    "him",
    "her",
    "them",
    "us",
    "also",
    "only",
    "just",
    "still",
    "yet",
    "now",
    "again",
    "always",
    "never",
    "ever",
    "soon",
    "once",
    "together",
    "themselves",
    "himself",
    "herself",
    "itself",
    "said",
    "says",
    "say",
];

impl Detector for Possessive {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        let mut hits: Vec<(usize, String)> = Vec::new();
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
                n.kind == TokenKind::Word
                    && n.case == Case::Lower
                    && n.breaks_before == 0
                    && !NOT_A_POSSESSED.contains(&doc.norm_text(n))
            });
            let plural_name = i > 0 && {
                let p = &doc.tokens[i - 1];
                let mut prev = doc.norm_text(p);
                // "Mr. Westons": skip the title's full stop.
                if prev == "." && i > 1 {
                    prev = doc.norm_text(&doc.tokens[i - 2]);
                }
                BEFORE_PLURAL_NAME.contains(&prev)
            };
            if !next_lower || plural_name {
                continue;
            }
            let orig = doc.orig_text(t);
            hits.push((i, format!("{}'s", &orig[..orig.len() - 1])));
        }
        if hits.is_empty() {
            return;
        }
        // A form that recurs in the document is a name of its own ("Randalls", a house), not
        // the same slip made twice. One pass counts every flagged form.
        let mut counts: std::collections::HashMap<&str, usize> = hits
            .iter()
            .map(|(i, _)| (doc.norm_text(&doc.tokens[*i]), 0))
            .collect();
        for t in &doc.tokens {
            if t.kind == TokenKind::Word {
                if let Some(c) = counts.get_mut(doc.norm_text(t)) {
                    *c += 1;
                }
            }
        }
        let recurs = |i: usize| counts[doc.norm_text(&doc.tokens[i])] >= 2;
        for (i, suggestion) in hits {
            if recurs(i) {
                continue;
            }
            out.push(
                Hit::new(self.rule, doc.orig_span(&doc.tokens[i]), CONF_POSSESSIVE)
                    .suggest(suggestion)
                    .warn_from(POSSESSIVE_WARN_FROM)
                    .needs_evidence(),
            );
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
    fn doubles_written_on_purpose_are_info_and_slips_warnings() {
        let text = "Hey hey, long long ago in a big big house. It was the the best and and more.";
        let doc = Document::new(text);
        let mut out = Vec::new();
        Repeated { rule: 0 }.detect(&doc, &mut out);
        let warned: Vec<&str> = out
            .iter()
            .filter(|h| h.confidence >= REPEATED_WARN_FROM)
            .map(|h| &text[h.start..h.end])
            .collect();
        assert_eq!(warned, ["the the"]);
        // The others are still reported, below the warning level.
        assert_eq!(out.len(), 5, "{out:?}");
    }

    #[test]
    fn blocks_may_start_in_lower_case() {
        // Headings, list items and table cells that start in lower case are no broken
        // sentence; in prose, a fragment right after the full stop of a sentence is.
        let md =
            "# quickstart\n\n- wordsrun together\n\n| a | b |\n|---|---|\n| glue | xq here |\n\n\
                  It rained. ogether we went home.\n";
        assert_eq!(broken(md, Format::Markdown), ["ogether we went"]);
        // Plain text has no blocks, but only a sentence that starts inside a line, after the
        // stop of the sentence before, is judged: the lines that start in lower case are not
        // reported there either.
        assert_eq!(broken(md, Format::Plain), ["ogether we went"]);
        // A full stop inside the block still makes the next lower-case word suspicious.
        assert_eq!(
            broken("- It rained. o 2 nations make it\n", Format::Markdown),
            ["o 2 nations"]
        );
    }
}
