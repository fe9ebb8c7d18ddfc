//! AsciiDoc: which parts of a source are prose.
//!
//! A line-based extractor, like [`super::rst`]: it never fails, runs in linear time and
//! leaves what it does not recognise as prose. (The AsciiDoc crates parse whole documents
//! into trees after preprocessing — includes, attribute substitution — so their positions are
//! not offsets into the file as written.) Masked: the header's author and revision lines,
//! attribute entries, comments (`//` lines, `////` blocks), block attribute and anchor lines,
//! block macros (`include::`, `image::`, `ifdef::` …), listing, literal, passthrough and
//! fenced blocks, literal (indented) paragraphs, delimiters of the other blocks, table
//! delimiters and cell separators, list markers, option-like description-list terms,
//! admonition labels, and inline: monospace and passthrough text, attribute references,
//! macros' targets (`link:url[text]` keeps its text), cross references' ids, anchors, index
//! terms, emphasis marks, hard line breaks and escapes. Section and block titles are
//! [`Block::Heading`]s, list items and terms [`Block::ListItem`]s, cells
//! [`Block::TableCell`]s.

use super::lined::{skip_spaces, Out};
use super::markup::{lines, Block, Line, Markup};
use std::ops::Range;

/// Inline macros whose bracketed text is prose.
const PROSE_MACROS: &[&str] = &[
    "link",
    "xref",
    "footnote",
    "footnoteref",
    "mailto",
    "http",
    "https",
    "ftp",
    "irc",
    "indexterm2",
];

/// What a delimiter line opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Delim {
    /// Listing, literal, passthrough, fenced code: masked as code.
    Code,
    /// A comment block: masked.
    Comment,
    /// A table: cells.
    Table,
    /// A table of comma- or colon-separated values: masked.
    Data,
    /// Example, sidebar, quote, open block: prose inside.
    Prose,
}

fn delimiter(t: &str) -> Option<Delim> {
    let b = t.as_bytes();
    if t == "--" {
        return Some(Delim::Prose);
    }
    if t.starts_with("```") {
        return Some(Delim::Code);
    }
    if matches!(t, "|===" | "!===")
        || (t.len() > 4
            && (t.starts_with("|===") || t.starts_with("!==="))
            && t[1..].bytes().all(|c| c == b'='))
    {
        return Some(Delim::Table);
    }
    if t.len() >= 4
        && (t.starts_with(",===") || t.starts_with(":==="))
        && t[1..].bytes().all(|c| c == b'=')
    {
        return Some(Delim::Data);
    }
    if b.len() < 4 || !b.iter().all(|&c| c == b[0]) {
        return None;
    }
    match b[0] {
        b'-' | b'.' | b'+' => Some(Delim::Code),
        b'/' => Some(Delim::Comment),
        b'=' | b'*' | b'_' => Some(Delim::Prose),
        _ => None,
    }
}

/// Find the non-prose ranges of an AsciiDoc source.
pub fn extract(text: &str) -> Markup {
    let ls = lines(text);
    let mut o = Out::default();
    let b = text.as_bytes();
    let mut para: Option<(usize, usize, Option<Block>)> = None;
    let mut prev_blank = true;
    // The next paragraph is code (`[source]`, `[listing]`, `[literal]` before it).
    let mut code_style = false;
    // In the document header (after `= Title`, until the first blank line).
    let mut header = false;
    // Inside a table: its delimiter line.
    let mut table: Option<&str> = None;
    // The line of the document title, if any.
    let first = first_content(&ls);
    // The previous line was a list item or a term: an indented line right after it is its
    // text, not a literal paragraph.
    let mut attached = false;
    let mut i = 0;
    while i < ls.len() {
        let l = ls[i];
        if l.blank() {
            o.flush(text, inline, &mut para);
            prev_blank = true;
            header = false;
            attached = false;
            i += 1;
            continue;
        }
        let was_attached = std::mem::replace(&mut attached, false);
        let t = &text[l.text..l.end];
        let new_block = prev_blank || para.is_none();
        if let Some(delim) = table {
            if t == delim {
                o.flush(text, inline, &mut para);
                o.mask_line(l);
                table = None;
            } else {
                o.flush(text, inline, &mut para);
                cells(text, l, &mut o, delim.starts_with('!'));
            }
            prev_blank = false;
            i += 1;
            continue;
        }
        // Comments.
        if t.starts_with("//") && !t.starts_with("////") {
            o.flush(text, inline, &mut para);
            o.mask_line(l);
            i += 1;
            continue;
        }
        // The header after the document title: author and revision lines.
        if header && l.indent == 0 && !t.starts_with(':') {
            o.mask_line(l);
            i += 1;
            continue;
        }
        // Attribute entries: `:name: value`, `:name!:`, `:!name:` (continued with ` \`).
        if l.indent == 0 && is_attribute_entry(t) {
            o.flush(text, inline, &mut para);
            let mut end = i + 1;
            while text[ls[end - 1].text..ls[end - 1].end].ends_with(" \\") && end < ls.len() {
                end += 1;
            }
            o.mask_lines(&ls[i..end], false);
            i = end;
            continue;
        }
        // Two-line section titles: a line underlined with = - ~ ^ + of about its length.
        if new_block && l.indent == 0 {
            if let Some(n) = ls.get(i + 1) {
                let nt = &text[n.text..n.end];
                let tl = t.chars().count();
                let nl = nt.chars().count();
                let under = n.indent == 0
                    && nl >= 2
                    && nt.bytes().all(|c| c == nt.as_bytes()[0])
                    && matches!(nt.as_bytes()[0], b'=' | b'-' | b'~' | b'^' | b'+')
                    && tl.abs_diff(nl) <= 2
                    && t.chars().next().is_some_and(char::is_alphanumeric);
                if under {
                    o.flush(text, inline, &mut para);
                    o.mask_line(*n);
                    o.heading(text, inline, l.text..l.end);
                    header = nt.as_bytes()[0] == b'=' && i == first;
                    prev_blank = false;
                    i += 2;
                    continue;
                }
            }
        }
        // Delimited blocks.
        if let Some(d) = delimiter(t) {
            o.flush(text, inline, &mut para);
            match d {
                Delim::Prose => o.mask_line(l),
                Delim::Table => {
                    o.mask_line(l);
                    table = Some(t);
                }
                Delim::Code | Delim::Comment | Delim::Data => {
                    let close = if t.starts_with("```") { "```" } else { t };
                    let mut end = i + 1;
                    while end < ls.len() && text[ls[end].text..ls[end].end] != *close {
                        end += 1;
                    }
                    let last = end.min(ls.len() - 1);
                    o.mask_lines(&ls[i..=last], d == Delim::Code);
                    i = last + 1;
                    code_style = false;
                    prev_blank = false;
                    continue;
                }
            }
            code_style = false;
            prev_blank = false;
            i += 1;
            continue;
        }
        // Block attribute lines and anchors: `[source,rust]`, `[[id]]`, `[NOTE]`.
        if new_block && t.starts_with('[') && t.ends_with(']') {
            o.flush(text, inline, &mut para);
            o.mask_line(l);
            let style = t[1..].split([',', ']', '#', '.', '%']).next().unwrap_or("");
            code_style = matches!(style, "source" | "listing" | "literal")
                || (style.is_empty() && t.starts_with("[,"));
            i += 1;
            continue;
        }
        // Block macros: `include::file[]`, `image::x.png[]`, `ifdef::attr[]`, `toc::[]`.
        if l.indent == 0 && is_block_macro(t) {
            o.flush(text, inline, &mut para);
            o.mask_line(l);
            i += 1;
            continue;
        }
        // List continuation.
        if t == "+" {
            o.flush(text, inline, &mut para);
            o.mask_line(l);
            i += 1;
            continue;
        }
        // Section titles: `== Title` (`=` to `======`, or Markdown's `#`).
        if new_block && l.indent == 0 {
            if let Some(n) = title_marker(t) {
                o.flush(text, inline, &mut para);
                let level0 = t.starts_with("= ");
                let mut e = l.end;
                // Closing marks: `== Title ==`.
                let trimmed = t.trim_end_matches(['=', '#']).trim_end();
                if trimmed.len() > n && trimmed.len() < t.len() {
                    o.mask(l.text + trimmed.len()..l.end);
                    e = l.text + trimmed.len();
                }
                o.mask(l.text..l.text + n);
                o.heading(text, inline, l.text + n..e);
                header = level0 && i == first;
                prev_blank = false;
                i += 1;
                continue;
            }
        }
        // Block titles: `.Title`.
        if new_block && t.len() > 1 && t.starts_with('.') && !t[1..].starts_with(['.', ' ', '\t']) {
            o.flush(text, inline, &mut para);
            o.mask(l.text..l.text + 1);
            o.heading(text, inline, l.text + 1..l.end);
            i += 1;
            continue;
        }
        // A paragraph styled as code, or a literal paragraph (its first line indented).
        let list = list_marker(t);
        let literal = l.indent > 0 && !was_attached && list.is_none() && dlist(t).is_none();
        if new_block && (code_style || literal) {
            o.flush(text, inline, &mut para);
            let mut end = i;
            while end < ls.len() && !ls[end].blank() {
                end += 1;
            }
            o.mask_lines(&ls[i..end], true);
            code_style = false;
            prev_blank = false;
            i = end;
            continue;
        }
        code_style = false;
        // List items.
        if let Some(n) = list {
            o.flush(text, inline, &mut para);
            o.mask(l.text..l.text + n);
            let body = skip_spaces(b, l.text + n, l.end);
            o.breaks.push(l.text);
            para = Some((body, l.end, Some(Block::ListItem)));
            prev_blank = false;
            attached = true;
            i += 1;
            continue;
        }
        // Description lists: `term:: definition`.
        if let Some((term_end, marker_end)) = dlist(t) {
            o.flush(text, inline, &mut para);
            let term = l.text..l.text + term_end;
            o.breaks.push(term.start);
            if option_like(&text[term.clone()]) {
                o.mask(term.clone());
                o.code.push(term.clone());
            } else {
                o.blocks.push((term.clone(), Block::ListItem));
                inline(text, term.clone(), &mut o);
            }
            o.mask(term.end..l.text + marker_end);
            o.breaks.push(l.text + marker_end);
            let body = skip_spaces(b, l.text + marker_end, l.end);
            para = (body < l.end).then_some((body, l.end, Some(Block::ListItem)));
            prev_blank = false;
            attached = true;
            i += 1;
            continue;
        }
        // Admonition paragraphs: `NOTE: text`.
        let mut start = l.text;
        if new_block {
            for label in ["NOTE: ", "TIP: ", "IMPORTANT: ", "WARNING: ", "CAUTION: "] {
                if t.starts_with(label) {
                    o.mask(l.text..l.text + label.len());
                    start = l.text + label.len();
                }
            }
        }
        match &mut para {
            Some((_, end, _)) if !prev_blank => *end = l.end,
            _ => {
                o.flush(text, inline, &mut para);
                o.breaks.push(start);
                para = Some((start, l.end, None));
            }
        }
        prev_blank = false;
        i += 1;
    }
    o.flush(text, inline, &mut para);
    o.finish()
}

fn first_content(ls: &[Line]) -> usize {
    ls.iter().position(|l| !l.blank()).unwrap_or(0)
}

fn is_attribute_entry(t: &str) -> bool {
    let Some(rest) = t.strip_prefix(':') else {
        return false;
    };
    let rest = rest.strip_prefix('!').unwrap_or(rest);
    let n = rest
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
        .count();
    if n == 0 {
        return false;
    }
    let after = &rest[n..];
    let after = after.strip_prefix('!').unwrap_or(after);
    after.starts_with(':')
        && after[1..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t')
}

fn is_block_macro(t: &str) -> bool {
    let n = t
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
        .count();
    n > 0
        && t[n..].starts_with("::")
        && t.ends_with(']')
        && !t[n + 2..].starts_with([' ', '\t'])
        && t[n + 2..].contains('[')
}

/// The length of a section title's marker (`== `).
fn title_marker(t: &str) -> Option<usize> {
    let c = *t.as_bytes().first()?;
    if c != b'=' && c != b'#' {
        return None;
    }
    let n = t.bytes().take_while(|&x| x == c).count();
    (n <= 6 && t[n..].starts_with(' ') && t.len() > n + 1).then_some(n + 1)
}

/// The length of a list item's marker and the space after it.
fn list_marker(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let c = *b.first()?;
    let mut n = 0;
    if matches!(c, b'*' | b'.') {
        n = b.iter().take_while(|&&x| x == c).count();
        if n > 5 {
            return None;
        }
    } else if c == b'-' || t.starts_with('\u{2022}') {
        n = if c == b'-' { 1 } else { '\u{2022}'.len_utf8() };
    } else if c.is_ascii_digit() {
        n = b.iter().take_while(|x| x.is_ascii_digit()).count();
        if b.get(n) != Some(&b'.') {
            return None;
        }
        n += 1;
    } else if c.is_ascii_alphabetic() && b.get(1) == Some(&b'.') {
        n = 2;
    } else if c == b'<' {
        // Callouts: <1> text.
        let k = t.find('>')?;
        if k < 2 || !t[1..k].bytes().all(|x| x.is_ascii_digit() || x == b'.') {
            return None;
        }
        n = k + 1;
    }
    if n == 0 || !b.get(n).is_some_and(|&x| x == b' ' || x == b'\t') {
        return None;
    }
    let mut m = n + 1;
    // Checklists: `* [x] done`.
    for check in ["[ ] ", "[x] ", "[X] ", "[*] "] {
        if t[m..].starts_with(check) {
            m += check.len();
        }
    }
    Some(m)
}

/// A description-list item: where the term ends and where its `::` marker ends.
fn dlist(t: &str) -> Option<(usize, usize)> {
    for marker in ["::::", ":::", "::", ";;"] {
        let mut from = 0;
        while let Some(k) = t[from..].find(marker) {
            let at = from + k;
            let after = at + marker.len();
            let ok_after = after == t.len() || t[after..].starts_with([' ', '\t']);
            let ok_before = at > 0 && !t[..at].ends_with([':', ';', ' ']);
            if ok_after && ok_before {
                return Some((at, after));
            }
            from = at + marker.len();
            if from >= t.len() {
                break;
            }
        }
    }
    None
}

/// A term that names a command-line option, a configuration key or a placeholder, not prose.
fn option_like(term: &str) -> bool {
    let first = term.chars().next();
    first.is_some_and(|c| !c.is_alphabetic())
        || (!term.contains(' ') && term.contains(['.', '_', '/', '<', '=', '[']))
}

/// Mask the separators of a table row and mark its cells (`a|`, `2+|`, `^.^|` specs too).
fn cells(text: &str, l: Line, o: &mut Out, nested: bool) {
    let b = text.as_bytes();
    let sep = if nested { b'!' } else { b'|' };
    let mut cell = l.text;
    let mut k = l.text;
    let mut any = false;
    while k < l.end {
        if b[k] == sep && (k == l.text || b[k - 1] != b'\\') {
            // The cell spec right before the separator: `2+`, `a`, `^.^`, `.3+<.>`.
            let mut s = k;
            while s > cell && !matches!(b[s - 1], b' ' | b'\t') && s - cell < 12 {
                s -= 1;
            }
            let spec = &text[s..k];
            let is_spec = !spec.is_empty()
                && spec
                    .bytes()
                    .all(|c| c.is_ascii_digit() || b".+*<>^aehlmdsv".contains(&c));
            let cell_end = if is_spec { s } else { k };
            if cell_end > cell {
                o.blocks.push((cell..cell_end, Block::TableCell));
                inline(text, cell..cell_end, o);
            }
            o.masked.push(if is_spec { s } else { k }..k + 1);
            o.breaks.push(k);
            cell = k + 1;
            any = true;
        }
        k += 1;
    }
    if l.end > cell {
        if any {
            o.blocks.push((cell..l.end, Block::TableCell));
        }
        inline(text, cell..l.end, o);
    }
}

/// Constrained marks open after the start, white space or punctuation other than a word's.
fn opens_after(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != ':' && c != ';' && c != '}')
}

/// Constrained marks close before the end, white space or punctuation.
fn closes_before(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric() && c != '_')
}

/// The end of a constrained span `m…m` opened at `from` (after the mark), within the range.
fn constrained_close(text: &str, from: usize, end: usize, m: &str) -> Option<usize> {
    let mut k = from;
    while let Some(p) = text[k..end].find(m) {
        let at = k + p;
        let before = text[..at].chars().next_back();
        let after = text[at + m.len()..].chars().next();
        if at > from && !before.is_some_and(char::is_whitespace) && closes_before(after) {
            return Some(at + m.len());
        }
        k = at + m.len();
    }
    None
}

/// Mask the inline markup of a prose range.
fn inline(text: &str, r: Range<usize>, o: &mut Out) {
    let b = text.as_bytes();
    let end = r.end;
    let mut i = r.start;
    while i < end {
        let c = b[i];
        if !matches!(
            c,
            b'\\' | b'`' | b'+' | b'*' | b'_' | b'#' | b'{' | b'<' | b'[' | b'(' | b'a'..=b'z'
        ) {
            i += 1;
            continue;
        }
        let prev = text[..i].chars().next_back().filter(|_| i > r.start);
        // Inline markup is looked for within a window, so a paragraph full of unclosed
        // marks costs linear time.
        let rest = &text[i..window(text, i, end)];
        match c {
            b'\\' => {
                if rest[1..].starts_with(['*', '_', '`', '#', '+', '{', '<', '[', '\\', '(']) {
                    o.masked.push(i..i + 1);
                    i += 2;
                } else {
                    i += 1;
                }
            }
            b'`' | b'+' => {
                // Monospace and passthrough: ``x``, `x`, +++x+++, ++x++, +x+ (code).
                let mark = c as char;
                let n = rest.bytes().take_while(|&x| x == c).count().min(3);
                if c == b'+' && n == 1 && prev == Some(' ') {
                    // A hard line break at the end of a line.
                    if i + 1 == end || text[i + 1..].starts_with(['\n', '\r']) {
                        o.masked.push(i..i + 1);
                        i += 1;
                        continue;
                    }
                }
                let marks: String = std::iter::repeat_n(mark, n).collect();
                let close = if n >= 2 {
                    rest[n..].find(&marks).map(|k| i + n + k + n)
                } else if opens_after(prev) {
                    constrained_close(text, i + 1, i + rest.len(), &marks)
                } else {
                    None
                };
                match close {
                    Some(e) if e > i + 2 * n => {
                        o.masked.push(i..e);
                        o.code.push(i..e);
                        i = e;
                    }
                    _ => i += n.max(1),
                }
            }
            b'*' | b'_' | b'#' => {
                let n = if rest.len() > 1 && rest.as_bytes()[1] == c {
                    2
                } else {
                    1
                };
                let marks = &rest[..n];
                let close = if n == 2 {
                    rest[2..].find(marks).map(|k| i + 2 + k + 2)
                } else if opens_after(prev)
                    && rest[1..].chars().next().is_some_and(|x| !x.is_whitespace())
                {
                    constrained_close(text, i + 1, i + rest.len(), marks)
                } else {
                    None
                };
                match close {
                    Some(e) if e > i + 2 * n => {
                        o.masked.push(i..i + n);
                        o.masked.push(e - n..e);
                        i += n;
                    }
                    _ => i += n,
                }
            }
            b'{' => {
                // Attribute references: {name}.
                let n = rest[1..]
                    .bytes()
                    .take_while(|x| x.is_ascii_alphanumeric() || matches!(x, b'-' | b'_'))
                    .count();
                if n > 0 && rest[1 + n..].starts_with('}') {
                    o.masked.push(i..i + n + 2);
                    i += n + 2;
                } else {
                    i += 1;
                }
            }
            b'<' if rest.starts_with("<<") => {
                // Cross references: <<id>> and <<id,text>>.
                match rest.find(">>") {
                    Some(k) if !rest[2..k].contains('\n') => {
                        let inner = &rest[2..k];
                        match inner.find(',') {
                            Some(comma) if !inner[comma + 1..].trim().is_empty() => {
                                let t = i + 2 + comma + 1;
                                o.masked.push(i..t);
                                o.masked.push(i + k..i + k + 2);
                            }
                            _ => o.masked.push(i..i + k + 2),
                        }
                        i += k + 2;
                    }
                    _ => i += 2,
                }
            }
            b'[' if rest.starts_with("[[") => match rest.find("]]") {
                Some(k) => {
                    let e = if rest[k..].starts_with("]]]") {
                        k + 3
                    } else {
                        k + 2
                    };
                    o.masked.push(i..i + e);
                    i += e;
                }
                None => i += 2,
            },
            b'(' if rest.starts_with("((") => match rest.find("))") {
                Some(k) => {
                    if rest.starts_with("(((") {
                        let e = rest.find(")))").map_or(k + 2, |e| e + 3);
                        o.masked.push(i..i + e);
                        i += e;
                    } else {
                        o.masked.push(i..i + 2);
                        o.masked.push(i + k..i + k + 2);
                        i += 2;
                    }
                }
                None => i += 2,
            },
            _ if c.is_ascii_lowercase() => {
                // Inline macros: name:target[text].
                if prev.is_some_and(char::is_alphanumeric) {
                    i += 1;
                    continue;
                }
                match macro_at(rest) {
                    Some((name_len, open, close)) => {
                        let name = &rest[..name_len];
                        let inner = &rest[open + 1..close];
                        let keep = PROSE_MACROS.contains(&name)
                            && !inner.trim().is_empty()
                            && !inner.contains('=');
                        if keep {
                            o.masked.push(i..i + open + 1);
                            o.masked.push(i + close..i + close + 1);
                        } else {
                            o.masked.push(i..i + close + 1);
                        }
                        i += close + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
}

/// The end of the window in which inline markup opened at `i` must close.
pub(crate) fn window(text: &str, i: usize, end: usize) -> usize {
    let mut w = end.min(i + 4096);
    while !text.is_char_boundary(w) {
        w -= 1;
    }
    w
}

/// An inline macro at the start of `s`: `name:target[text]` or `https://url[text]`. Returns
/// the name's length and the offsets of `[` and `]`.
fn macro_at(s: &str) -> Option<(usize, usize, usize)> {
    let n = s
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
        .count();
    if n == 0 || !s[n..].starts_with(':') {
        return None;
    }
    let target = s[n + 1..]
        .bytes()
        .take_while(|c| !c.is_ascii_whitespace() && *c != b'[')
        .count();
    let open = n + 1 + target;
    if s.as_bytes().get(open) != Some(&b'[') {
        return None;
    }
    // The bracket closes on the same line.
    let mut depth = 0;
    for (k, c) in s[open..].bytes().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some((n, open, open + k));
                }
            }
            b'\n' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::markup::{extract as markup_extract, seen, Format, MarkupOptions};

    fn prose(text: &str) -> String {
        seen::prose(text, Format::Asciidoc)
    }

    fn blocks(text: &str) -> Vec<(String, Block)> {
        seen::blocks(text, Format::Asciidoc)
    }

    #[test]
    fn header_attributes_blocks_and_comments_are_masked() {
        let src = "= Spinner Guide\nDoc Writer <doc@example.com>\nv1.0, 2024-01-01\n:toc: left\n:imagesdir: images\n\n== anstream basics\n\nPlain prose here.\n\n// a comment with thatRussia\n\n[source,rust]\n----\nlet animpenetrable = 1;\n----\n\n....\nliteral systemwith\n....\n\n////\nblock comment glued wordsjoined\n////\n\n  an indented literal paragraph\n  with code\n\ninclude::other.adoc[]\n\n.A block title\n====\nExample prose.\n====\n";
        let p = prose(src);
        for gone in [
            "Doc Writer",
            "v1.0",
            "toc",
            "imagesdir",
            "thatRussia",
            "animpenetrable",
            "systemwith",
            "wordsjoined",
            "indented literal",
            "other.adoc",
            "----",
            "====",
        ] {
            assert!(!p.contains(gone), "{gone} in {p}");
        }
        for kept in [
            "Spinner Guide",
            "anstream basics",
            "Plain prose here.",
            "A block title",
            "Example prose.",
        ] {
            assert!(p.contains(kept), "{kept} not in {p}");
        }
        let bs = blocks(src);
        assert!(
            bs.contains(&("anstream basics".into(), Block::Heading)),
            "{bs:?}"
        );
        assert!(
            bs.contains(&("A block title".into(), Block::Heading)),
            "{bs:?}"
        );
    }

    #[test]
    fn two_line_titles_lists_and_description_lists() {
        let src = "git-add(1)\n==========\n\nNAME\n----\ngit-add - Add file contents to the index\n\nOPTIONS\n-------\n-n::\n--dry-run::\n\tDon't actually add the file(s), just show them.\n\ncore.autocrlf::\n\tSetting this variable.\n\nPlain term:: Its definition.\n\n* first item\n** nested item\n. ordered item\n";
        let p = prose(src);
        for gone in [
            "==========",
            "-------",
            "-n::",
            "--dry-run",
            "core.autocrlf",
            "* first",
            "** nested",
            ". ordered",
        ] {
            assert!(!p.contains(gone), "{gone} in {p}");
        }
        for kept in [
            "git-add(1)",
            "NAME",
            "Don't actually add",
            "Setting this variable.",
            "Plain term",
            "Its definition.",
            "first item",
            "nested item",
            "ordered item",
        ] {
            assert!(p.contains(kept), "{kept} not in {p}");
        }
        let bs = blocks(src);
        assert!(bs.contains(&("NAME".into(), Block::Heading)), "{bs:?}");
        assert!(
            bs.contains(&("Plain term".into(), Block::ListItem)),
            "{bs:?}"
        );
        assert!(
            bs.contains(&("first item".into(), Block::ListItem)),
            "{bs:?}"
        );
    }

    #[test]
    fn inline_markup_keeps_prose_and_masks_targets() {
        let src = "Use `git add` and +--glue+ with {attr} per link:https://x.io/a[the docs], see <<sec-id,the section>> or <<other>>, linkgit:git-commit[1], *bold* and _it_ [[anchor]] footnote:[A note.] kbd:[Ctrl+T].\n";
        let p = prose(src);
        for gone in [
            "git add",
            "--glue",
            "attr",
            "x.io",
            "sec-id",
            "other",
            "git-commit",
            "anchor",
            "Ctrl",
            "footnote",
            "*",
            "_",
        ] {
            assert!(!p.contains(gone), "{gone} in {p}");
        }
        for kept in ["Use ", "the docs", "the section", "bold", "it", "A note."] {
            assert!(p.contains(kept), "{kept} not in {p}");
        }
    }

    #[test]
    fn tables_mask_delimiters_and_separators() {
        let src = "|===\n|Name |Value\n\n|a |first cell\n2+|wide cell\n|===\n\nAfter.\n";
        let p = prose(src);
        let m = markup_extract(src, Format::Asciidoc, MarkupOptions::default());
        for (k, _) in src.match_indices('|') {
            assert!(m.masked.iter().any(|r| r.contains(&k)), "| at {k}: {p}");
        }
        assert!(!p.contains("2+"), "{p}");
        assert!(
            p.contains("first cell") && p.contains("wide cell") && p.contains("After."),
            "{p}"
        );
        let bs = blocks(src);
        let m = markup_extract(src, Format::Asciidoc, MarkupOptions::default());
        let at = src.find("first cell").unwrap();
        assert!(
            m.blocks
                .iter()
                .any(|(r, b)| r.contains(&at) && *b == Block::TableCell),
            "{bs:?}"
        );
    }

    #[test]
    fn unconstrained_marks_join_a_word() {
        let src = "The **assail**ants came.\n";
        let m = markup_extract(src, Format::Asciidoc, MarkupOptions::default());
        assert_eq!(m.joins.len(), 1, "{m:?}");
        assert_eq!(&src[m.joins[0].clone()], "**");
    }
}
