//! Characters inside a word that the folded text leaves out, so that the word reads whole.
//!
//! Typeset and scraped text breaks words where no writer did: `sys‐\n       tem` in a
//! formatted manual page, `infor­mation` with a soft hyphen (`&shy;` in the HTML it was scraped
//! from), `super\u{200B}cali` with a zero-width space as a line-break hint. Read as written,
//! each half is a word of its own, and the halves look like foreign words (`tem`, `nel`), run-on
//! words (`informa` + `tion`) or swaps. [`in_text`] finds these breaks as original byte ranges;
//! the document model drops them from the folded text the way it drops inline markup inside a
//! word (`assail<b>ants`), so detectors see `sys-tem`, `information`, `supercali`, and every
//! span still maps back to the original.

use std::ops::Range;

/// Invisible characters that never separate words: soft hyphen, zero-width space, zero-width
/// non-joiner and joiner, word joiner, and the byte-order mark inside a text.
const INVISIBLE: [char; 6] = [
    '\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];

/// Hyphens that may end a line in the middle of a word.
const LINE_END_HYPHENS: [char; 4] = ['-', '\u{2010}', '\u{2011}', '\u{00AD}'];

/// The original byte ranges to leave out (sorted, disjoint, on char boundaries):
/// - an invisible character (see [`INVISIBLE`]) between two letters;
/// - a line break after a hyphen that follows a letter, with the next line's indentation, when
///   the next line goes on in lower case: the word was broken there. The hyphen stays (`long-`
///   `term` reads `long-term`; a syllable break reads `sys-tem`, which no word list holds and so
///   flags nothing), except a soft hyphen, which goes too.
pub fn in_text(orig: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = orig.as_bytes();
    // Line-end hyphens: look back from each line break.
    for nl in memchr::memchr_iter(b'\n', bytes) {
        let line_end = if nl > 0 && bytes[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        let Some(hyphen) = orig[..line_end].chars().next_back() else {
            continue;
        };
        if !LINE_END_HYPHENS.contains(&hyphen) {
            continue;
        }
        let hyphen_at = line_end - hyphen.len_utf8();
        if !orig[..hyphen_at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
        {
            continue;
        }
        let rest = &orig[nl + 1..];
        let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let next_start = nl + 1 + indent;
        if !orig[next_start..]
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
        {
            continue;
        }
        let from = if hyphen == '\u{00AD}' {
            hyphen_at
        } else {
            line_end
        };
        out.push(from..next_start);
    }
    // Invisible characters between letters. Only a text with non-ASCII bytes can hold one.
    if !orig.is_ascii() {
        for (i, c) in orig.char_indices() {
            if !INVISIBLE.contains(&c) {
                continue;
            }
            let end = i + c.len_utf8();
            let before = orig[..i].chars().next_back();
            let after = orig[end..].chars().next();
            if before.is_some_and(char::is_alphabetic) && after.is_some_and(char::is_alphabetic) {
                out.push(i..end);
            }
        }
        // The two passes find disjoint ranges (an invisible character here has a letter
        // after it, a line-end hyphen a line break): merge them in order.
        out.sort_by_key(|r| r.start);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dropped(text: &str) -> Vec<&str> {
        in_text(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn a_word_broken_at_a_line_end_is_joined_keeping_its_hyphen() {
        assert_eq!(dropped("the sys\u{2010}\n       tem call"), ["\n       "]);
        assert_eq!(dropped("a long-\r\nterm plan"), ["\r\n"]);
        assert_eq!(dropped("infor\u{AD}\nmation"), ["\u{AD}\n"]);
    }

    #[test]
    fn line_ends_that_are_not_broken_words_stay() {
        // A capital or a digit starts something new; a dash after a space is punctuation;
        // a list item or a rule is not a word.
        for text in [
            "see Section-\nTwo",
            "in 2023-\n2024",
            "and then -\nthe end",
            "Title\n-----\nbody",
            "- item\n- item",
            "ends with-\n\nnew paragraph",
            "word--\nnext",
        ] {
            assert!(in_text(text).is_empty(), "{text:?}: {:?}", dropped(text));
        }
    }

    #[test]
    fn invisible_characters_inside_a_word_go() {
        assert_eq!(dropped("infor\u{AD}mation"), ["\u{AD}"]);
        assert_eq!(
            dropped("super\u{200B}cali and a\u{2060}b"),
            ["\u{200B}", "\u{2060}"]
        );
        // Between words, or beside a digit, they stay.
        assert!(in_text("word \u{200B}next 3\u{AD}4").is_empty());
    }
}
