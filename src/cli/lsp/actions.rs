//! The edits behind the code actions: an inline ignore placed so that it changes nothing a
//! reader sees, and an entry added to the `allow` list of `.unspun.toml` with its formatting
//! kept.

use super::convert::LineIndex;
use std::ops::Range;
use unspun::text::markup::Format;

/// One replacement of a byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub range: Range<usize>,
    pub text: String,
}

/// How an ignore is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreKind {
    /// `unspun-disable-next-line RULE` before the finding's line.
    NextLine,
    /// `unspun-disable RULE` … `unspun-enable RULE` around the finding.
    Around,
}

/// The edits that make the inline-ignore syntax (see `src/suppress.rs`) skip `rule` at the
/// finding starting at byte `start` and ending at `end`.
///
/// - Plain text: a line `# unspun-disable-next-line RULE` before the finding's line (plain
///   text has nothing to render, and the directive itself is not read as prose).
/// - Markdown and HTML: a comment `<!-- unspun-disable-next-line RULE -->`, which renders as
///   nothing. When the line before is blank (or there is none), on a line of its own before
///   the finding's line; when the line before holds prose (the finding's line continues a
///   paragraph, list or table), at the end of that line, so the block is not split in two;
///   otherwise (a table's delimiter row, a closing code fence, a tag: appending there would
///   change what it means) the finding is wrapped in `unspun-disable`/`unspun-enable` comments.
///
/// `masked`: the byte ranges that are not prose (from `markup::extract`).
pub fn ignore(
    text: &str,
    lines: &LineIndex,
    format: Format,
    masked: &[Range<usize>],
    start: usize,
    end: usize,
    rule: &str,
) -> (IgnoreKind, Vec<Splice>) {
    let line = lines.line_of(start);
    let line_start = lines.line_start(text, line);
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let own_line = |comment: String| {
        (
            IgnoreKind::NextLine,
            vec![Splice {
                range: line_start..line_start,
                text: format!("{indent}{comment}{eol}"),
            }],
        )
    };
    if format == Format::Plain {
        return own_line(format!("# unspun-disable-next-line {rule}"));
    }
    let comment = format!("<!-- unspun-disable-next-line {rule} -->");
    if line == 0 {
        return own_line(comment);
    }
    let prev_start = lines.line_start(text, line - 1);
    let prev = &text[prev_start..lines.line_end(text, line - 1)];
    let content = prev.trim_end();
    if content.trim_start().is_empty() {
        return own_line(comment);
    }
    let is_masked = |i: usize| masked.iter().any(|r| r.start <= i && i < r.end);
    let has_prose = content
        .char_indices()
        .any(|(i, c)| c.is_alphanumeric() && !is_masked(prev_start + i));
    // A trailing backslash is a hard line break in Markdown: a comment after it would undo it.
    if has_prose && !content.ends_with('\\') {
        let at = prev_start + content.len();
        return (
            IgnoreKind::NextLine,
            vec![Splice {
                range: at..at,
                text: format!(" {comment}"),
            }],
        );
    }
    (
        IgnoreKind::Around,
        vec![
            Splice {
                range: start..start,
                text: format!("<!-- unspun-disable {rule} -->"),
            },
            Splice {
                range: end..end,
                text: format!("<!-- unspun-enable {rule} -->"),
            },
        ],
    )
}

/// The phrase to allow for a finding's text (white space runs collapsed), or `None` when the
/// text is not a word or phrase (too long, or nothing but punctuation).
pub fn allow_phrase(text: &str) -> Option<String> {
    let phrase = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (phrase.chars().any(char::is_alphanumeric) && phrase.chars().count() <= 80).then_some(phrase)
}

/// `.unspun.toml` with `phrase` added to its top-level `allow` list (created when missing),
/// every other byte kept. `Ok(None)`: the phrase is allowed already; `Err`: the file is not
/// TOML, or `allow` is not a list.
pub fn add_to_allow_list(src: &str, phrase: &str) -> Result<Option<String>, String> {
    let mut doc: toml_edit::DocumentMut = src.parse().map_err(|e| format!("{e}"))?;
    let item = doc
        .entry("allow")
        .or_insert_with(|| toml_edit::value(toml_edit::Array::new()));
    let list = item
        .as_array_mut()
        .ok_or_else(|| "`allow` is not a list".to_string())?;
    let lower = phrase.to_lowercase();
    if list
        .iter()
        .any(|v| v.as_str().is_some_and(|s| s.trim().to_lowercase() == lower))
    {
        return Ok(None);
    }
    list.push(phrase);
    Ok(Some(doc.to_string()))
}

/// The one splice that turns `old` into `new` (their common start and end kept), so an editor
/// changes, and undoes, only what differs.
pub fn splice_between(old: &str, new: &str) -> Splice {
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old.as_bytes()[old.len() - max_suffix..]
        .iter()
        .rev()
        .zip(new.as_bytes()[new.len() - max_suffix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Splice {
        range: prefix..old.len() - suffix,
        text: new[prefix..new.len() - suffix].to_string(),
    }
}

/// Apply splices (non-overlapping) to a text.
#[cfg(test)]
pub fn apply(text: &str, splices: &[Splice]) -> String {
    let mut s = splices.to_vec();
    s.sort_by_key(|s| std::cmp::Reverse(s.range.start));
    let mut out = text.to_string();
    for sp in s {
        out.replace_range(sp.range, &sp.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspun::text::markup::{self, MarkupOptions};
    use unspun::Checker;

    /// The findings of `rule` left after applying the ignore for its first finding.
    fn ignored(text: &str, format: Format, rule: &str) -> (String, IgnoreKind, usize, usize) {
        let checker = Checker::builder().build().unwrap();
        let eff = unspun::config::Config::default().effective(std::path::Path::new("x"));
        let count = |t: &str| {
            eff.check(&checker, t, format)
                .report
                .findings
                .iter()
                .filter(|f| f.rule == rule)
                .count()
        };
        let before = eff.check(&checker, text, format).report;
        let f = before.findings.iter().find(|f| f.rule == rule).unwrap();
        let m = markup::extract(text, format, MarkupOptions::default());
        let lines = LineIndex::new(text);
        let (kind, edits) = ignore(text, &lines, format, &m.masked, f.start, f.end, rule);
        let out = apply(text, &edits);
        let all_before = before.findings.len();
        let all_after = eff.check(&checker, &out, format).report.findings.len();
        assert_eq!(all_after, all_before - 1, "{out}");
        let (before, after) = (count(text), count(&out));
        (out, kind, before, after)
    }

    #[test]
    fn ignore_in_a_paragraph_goes_at_the_end_of_the_line_before() {
        let text = "# Title\n\nThe first line of it.\nHe said thatRussia was ready.\nAnd more.\n";
        let (out, kind, before, after) = ignored(text, Format::Markdown, "glue.joined-words");
        assert_eq!((kind, before, after), (IgnoreKind::NextLine, 1, 0));
        assert!(out.contains(
            "The first line of it. <!-- unspun-disable-next-line glue.joined-words -->\nHe said"
        ));
    }

    #[test]
    fn ignore_after_a_blank_line_gets_its_own_line() {
        let text = "Intro.\n\n  He said thatRussia was ready.\n";
        let (out, kind, _, after) = ignored(text, Format::Markdown, "glue.joined-words");
        assert_eq!((kind, after), (IgnoreKind::NextLine, 0));
        assert!(out.contains("\n\n  <!-- unspun-disable-next-line glue.joined-words -->\n  He"));
        // First line of the file, HTML, CRLF.
        let text = "He said thatRussia was ready.\r\n";
        let (out, _, _, after) = ignored(text, Format::Html, "glue.joined-words");
        assert_eq!(after, 0);
        assert!(out.starts_with("<!-- unspun-disable-next-line glue.joined-words -->\r\nHe"));
    }

    #[test]
    fn ignore_after_a_table_delimiter_wraps_the_finding() {
        let text = "| a | b |\n|---|---|\n| He said thatRussia | x |\n";
        let (out, kind, _, after) = ignored(text, Format::Markdown, "glue.joined-words");
        assert_eq!((kind, after), (IgnoreKind::Around, 0));
        assert!(out.contains(
            "<!-- unspun-disable glue.joined-words -->thatRussia<!-- unspun-enable glue.joined-words -->"
        ));
    }

    #[test]
    fn ignore_in_plain_text_is_a_hash_line() {
        let text = "One line.\nHe said thatRussia was ready.\n";
        let (out, _, _, after) = ignored(text, Format::Plain, "glue.joined-words");
        assert_eq!(after, 0);
        assert!(out.contains("One line.\n# unspun-disable-next-line glue.joined-words\nHe"));
    }

    #[test]
    fn allow_list_entries_keep_the_file() {
        let src = "# house style\nmin-severity = \"info\"\nallow = [\"Dentro Cafe\"]\n\n[rules]\n\"ngram.swap\" = \"off\"\n";
        let out = add_to_allow_list(src, "thatRussia").unwrap().unwrap();
        assert_eq!(
            out,
            src.replace("\"Dentro Cafe\"]", "\"Dentro Cafe\", \"thatRussia\"]")
        );
        assert_eq!(add_to_allow_list(&out, "THATRUSSIA").unwrap(), None);
        // No list yet: added among the top-level keys, before the tables.
        let src = "# house style\n[rules]\n\"ngram.swap\" = \"off\"\n";
        let out = add_to_allow_list(src, "thatRussia").unwrap().unwrap();
        let c = unspun::config::Config::parse("t", &out, std::path::Path::new("/")).unwrap();
        assert_eq!(c.settings.allow, ["thatRussia"]);
        assert!(out.contains("\"ngram.swap\" = \"off\""), "{out}");
        assert_eq!(
            add_to_allow_list("", "a b").unwrap().unwrap(),
            "allow = [\"a b\"]\n"
        );
        assert!(add_to_allow_list("allow = 3\n", "x").is_err());
        assert!(add_to_allow_list("allow = [\n", "x").is_err());
    }

    #[test]
    fn one_splice_between_two_texts() {
        for (a, b) in [
            ("allow = [\"x\"]\n", "allow = [\"x\", \"y\"]\n"),
            ("", "abc"),
            ("abc", ""),
            ("aé😀b", "aé😀😀b"),
            ("same", "same"),
            ("xaaa", "aaa"),
        ] {
            let s = splice_between(a, b);
            assert_eq!(
                apply(a, std::slice::from_ref(&s)),
                b,
                "{a:?} -> {b:?}: {s:?}"
            );
        }
        let s = splice_between("abc\ndef\n", "abc\nXdef\n");
        assert_eq!((s.range, s.text.as_str()), (4..4, "X"));
    }

    #[test]
    fn allowed_phrases() {
        assert_eq!(
            allow_phrase(" that\n Russia ").as_deref(),
            Some("that Russia")
        );
        assert_eq!(allow_phrase("\u{201d}"), None);
        assert_eq!(allow_phrase(&"word ".repeat(30)), None);
    }
}
