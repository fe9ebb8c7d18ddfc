//! reStructuredText: which parts of a source are prose.
//!
//! A line-based extractor (no reST crate gives source offsets: `rst_parser` builds a document
//! tree without positions and fails on the constructs its grammar lacks). It never fails and
//! runs in linear time; what it does not recognise stays prose. Masked: section adornments and
//! transitions, literal blocks (after `::`), doctest blocks, comments, directives (their
//! markers, arguments and options; the content of code-like directives such as `code-block`,
//! `math`, `toctree`), hyperlink targets, substitution definitions, table rules and cell
//! borders, list markers, field names, option-list options, and inline: literals, roles (the
//! target of `` :ref:`text <target>` ``, the whole of `` :func:`x` ``), interpreted text,
//! hyperlink and footnote references, substitution references, emphasis marks and escapes.
//! Section titles and rubrics are [`Block::Heading`]s; list items, definition-list terms,
//! field and option descriptions [`Block::ListItem`]s; table rows [`Block::TableCell`]s.

use super::lined::{skip_spaces, Out};
use super::markup::{lines, Block, Line, Markup};
use std::ops::Range;

/// Directives whose content is not prose (code, data, file names): masked whole.
const CODE_DIRECTIVES: &[&str] = &[
    "code",
    "code-block",
    "sourcecode",
    "literalinclude",
    "include",
    "math",
    "raw",
    "highlight",
    "csv-table",
    "toctree",
    "doctest",
    "testcode",
    "testsetup",
    "testcleanup",
    "testoutput",
    "productionlist",
    "graphviz",
    "digraph",
    "graph",
    "uml",
    "plantuml",
    "mermaid",
    "jupyter-execute",
    "ipython",
    "code-cell",
    "parsed-literal",
    "autosummary",
    "automodule",
    "autoclass",
    "autofunction",
    "automethod",
    "autoattribute",
    "autodata",
    "autoexception",
    "autoprogram",
    "argparse",
    "index",
    "image",
    "tabularcolumns",
    "program-output",
    "command-output",
    "prompt",
    "runblock",
    "literal",
    "bibliography",
    "tikz",
    "contents",
    "sectnum",
    "header",
    "footer",
    "meta",
    "default-role",
    "role",
    "currentmodule",
    "module",
    "moduleauthor",
    "sectionauthor",
    "codeauthor",
    "py:module",
    "py:currentmodule",
    "c:namespace",
    "cpp:namespace",
];

/// Directives whose argument is prose (a title or the first words of the content).
const PROSE_ARG_DIRECTIVES: &[&str] = &[
    "note",
    "warning",
    "tip",
    "hint",
    "important",
    "caution",
    "danger",
    "error",
    "attention",
    "seealso",
    "admonition",
    "topic",
    "sidebar",
    "rubric",
    "centered",
    "todo",
];

/// Directives whose argument is a title.
const TITLE_DIRECTIVES: &[&str] = &["admonition", "topic", "sidebar", "rubric", "table"];

/// Roles whose text is prose (emphasis, terms, labels of the interface).
const PROSE_ROLES: &[&str] = &[
    "emphasis",
    "strong",
    "title-reference",
    "title",
    "t",
    "term",
    "dfn",
    "abbr",
    "guilabel",
    "menuselection",
    "sub",
    "subscript",
    "sup",
    "superscript",
];

/// Section adornment characters.
const ADORNMENT: &[u8] = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Find the non-prose ranges of a reStructuredText source.
pub fn extract(text: &str) -> Markup {
    let ls = lines(text);
    let mut o = Out::default();
    let b = text.as_bytes();
    // The current paragraph: its prose range and the block it is (if any).
    let mut para: Option<(usize, usize, Option<Block>)> = None;
    // Indentation (text column) of the current paragraph's first line.
    let mut para_col = 0usize;
    // A literal block follows when the next non-blank line is indented more than this.
    let mut literal_after: Option<usize> = None;
    let mut prev_blank = true;
    // The current paragraph was opened by an item marker (the next item may follow at once).
    let mut in_item = false;
    let mut i = 0;
    while i < ls.len() {
        let l = ls[i];
        if l.blank() {
            o.flush(text, inline, &mut para);
            prev_blank = true;
            i += 1;
            continue;
        }
        let t = &text[l.text..l.end];
        if let Some(base) = literal_after.take() {
            if l.indent > base {
                let end = indented_end(&ls, i, base);
                o.flush(text, inline, &mut para);
                o.mask_lines(&ls[i..end], true);
                i = end;
                prev_blank = false;
                continue;
            }
        }
        let next = ls.get(i + 1).copied();
        let new_block = prev_blank || para.is_none();
        // Section title with an overline.
        if new_block && is_adornment(t) {
            if let (Some(title), Some(under)) = (next, ls.get(i + 2)) {
                let ut = &text[under.text..under.end];
                if !title.blank() && is_adornment(ut) && ut.as_bytes()[0] == t.as_bytes()[0] {
                    o.flush(text, inline, &mut para);
                    o.mask(l.text..l.end);
                    o.mask(under.text..under.end);
                    o.heading(text, inline, title.text..title.end);
                    i += 3;
                    prev_blank = false;
                    continue;
                }
            }
        }
        // Section title with an underline.
        if new_block && !is_adornment(t) {
            if let Some(n) = next {
                let nt = &text[n.text..n.end];
                if n.indent == l.indent
                    && is_adornment(nt)
                    && nt.chars().count() >= t.chars().count().min(4)
                {
                    o.flush(text, inline, &mut para);
                    o.mask(n.text..n.end);
                    o.heading(text, inline, l.text..l.end);
                    i += 2;
                    prev_blank = false;
                    continue;
                }
            }
        }
        // A transition.
        if new_block && is_adornment(t) && t.len() >= 4 {
            o.flush(text, inline, &mut para);
            o.mask(l.text..l.end);
            i += 1;
            prev_blank = false;
            continue;
        }
        // Explicit markup: directives, comments, targets, footnotes, substitutions.
        if t == ".." || t.starts_with(".. ") {
            o.flush(text, inline, &mut para);
            let (end, prose) = explicit(text, &ls, i, &mut o);
            i = end;
            prev_blank = false;
            if let Some((r, block)) = prose {
                para = Some((r.start, r.end, block));
                para_col = l.indent + 3;
                literal_after = None;
                // The content of a directive is more indented: its own paragraphs.
                o.flush(text, inline, &mut para);
            }
            continue;
        }
        // Anonymous hyperlink targets.
        if t.starts_with("__ ") || t == "__" {
            o.flush(text, inline, &mut para);
            let end = indented_end(&ls, i + 1, l.indent);
            o.mask_lines(&ls[i..end], false);
            i = end;
            prev_blank = false;
            continue;
        }
        // Tables.
        if new_block && is_grid_border(t) {
            o.flush(text, inline, &mut para);
            i = grid_table(text, &ls, i, &mut o);
            prev_blank = false;
            continue;
        }
        if new_block && is_simple_border(t) {
            o.flush(text, inline, &mut para);
            i = simple_table(text, &ls, i, &mut o);
            prev_blank = false;
            continue;
        }
        // Doctest blocks.
        if new_block && t.starts_with(">>>") {
            o.flush(text, inline, &mut para);
            let mut end = i;
            while end < ls.len() && !ls[end].blank() {
                end += 1;
            }
            o.mask_lines(&ls[i..end], true);
            i = end;
            prev_blank = false;
            continue;
        }
        // Markers that start an item: bullets, enumerations, fields, options, line blocks
        // (at the start of a block, or right after another item).
        let marker = (new_block || in_item)
            .then(|| item_marker(t, new_block))
            .flatten();
        if let Some((marker_end, block)) = marker {
            in_item = true;
            o.flush(text, inline, &mut para);
            let body = l.text + marker_end;
            o.mask(l.text..body);
            let body = skip_spaces(b, body, l.end);
            o.breaks.push(l.text);
            para = Some((body, l.end, block));
            para_col = l.indent + (body - l.text);
            literal_after = None;
            check_literal(text, l, &mut literal_after, para_col);
            if literal_after.is_some() {
                trim_literal_marker(&mut o, &mut para, l.end, text);
            }
            prev_blank = false;
            i += 1;
            continue;
        }
        // A definition-list term: a line whose next line is more indented.
        let term = new_block
            && next.is_some_and(|n| !n.blank() && n.indent > l.indent)
            && !t.ends_with("::");
        if term {
            o.flush(text, inline, &mut para);
            o.breaks.push(l.text);
            para = Some((l.text, l.end, Some(Block::ListItem)));
            o.flush(text, inline, &mut para);
            o.breaks.push(l.end);
            prev_blank = false;
            i += 1;
            continue;
        }
        // A paragraph line.
        if new_block {
            in_item = false;
        }
        match &mut para {
            Some((_, end, _)) if !prev_blank => *end = l.end,
            _ => {
                o.flush(text, inline, &mut para);
                o.breaks.push(l.text);
                para = Some((l.text, l.end, None));
                para_col = l.indent;
            }
        }
        check_literal(text, l, &mut literal_after, para_col);
        if literal_after.is_some() {
            trim_literal_marker(&mut o, &mut para, l.end, text);
        }
        prev_blank = false;
        i += 1;
    }
    o.flush(text, inline, &mut para);
    o.finish()
}

/// The first line from `from` on that is not blank and not indented more than `base` (blank
/// lines before it are not part of the block).
fn indented_end(ls: &[Line], from: usize, base: usize) -> usize {
    let mut end = from;
    let mut k = from;
    while k < ls.len() {
        if ls[k].blank() {
            k += 1;
            continue;
        }
        if ls[k].indent <= base {
            break;
        }
        k += 1;
        end = k;
    }
    end
}

/// A paragraph line ending with `::` announces a literal block.
fn check_literal(text: &str, l: Line, lit: &mut Option<usize>, col: usize) {
    *lit = text[l.text..l.end].ends_with("::").then_some(col);
}

/// The `::` that announces a literal block is not prose: `Example::` reads `Example:`,
/// `Example ::` and a lone `::` read nothing.
fn trim_literal_marker(
    o: &mut Out,
    para: &mut Option<(usize, usize, Option<Block>)>,
    end: usize,
    text: &str,
) {
    if let Some((s, e, _)) = para {
        if *e == end && *e >= *s + 2 {
            let before = text[..*e - 2].trim_end_matches([' ', '\t']).len();
            let from = if before < *e - 2 || before <= *s {
                before.max(*s)
            } else {
                *e - 1
            };
            o.masked.push(from..*e);
            *e = from;
        }
    }
}

/// Is this line a section adornment (one punctuation character repeated, at least twice)?
fn is_adornment(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() >= 2 && ADORNMENT.contains(&b[0]) && b.iter().all(|&c| c == b[0])
}

fn is_grid_border(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() >= 3
        && b[0] == b'+'
        && b[b.len() - 1] == b'+'
        && (b[1] == b'-' || b[1] == b'=')
        && b.iter().all(|&c| matches!(c, b'+' | b'-' | b'=' | b':'))
}

fn is_simple_border(t: &str) -> bool {
    let b = t.as_bytes();
    b.first() == Some(&b'=') && b.iter().all(|&c| c == b'=' || c == b' ') && b.contains(&b' ')
}

/// A grid table from its top border: borders masked, each row's cells are table cells
/// (the `|` between them masked). Returns the line after the table.
fn grid_table(text: &str, ls: &[Line], from: usize, o: &mut Out) -> usize {
    let mut i = from;
    while i < ls.len() && !ls[i].blank() {
        let l = ls[i];
        let t = &text[l.text..l.end];
        if is_grid_border(t) {
            o.mask_lines(&ls[i..=i], false);
        } else if t.starts_with('|') || t.starts_with('+') {
            cells(text, l, b'|', o);
        } else {
            break;
        }
        i += 1;
    }
    i
}

/// Mask the separators of one table row and mark each cell.
fn cells(text: &str, l: Line, sep: u8, o: &mut Out) {
    let b = text.as_bytes();
    let mut cell = l.text;
    for (k, &c) in b.iter().enumerate().take(l.end).skip(l.text) {
        if c == sep || (c == b'+' && sep == b'|' && k == l.text) {
            if k > cell {
                o.blocks.push((cell..k, Block::TableCell));
                inline(text, cell..k, o);
            }
            o.masked.push(k..k + 1);
            o.breaks.push(k);
            cell = k + 1;
        }
    }
    if l.end > cell {
        o.blocks.push((cell..l.end, Block::TableCell));
        inline(text, cell..l.end, o);
    }
}

/// A simple table from its top border: rules masked, each column of a row a table cell.
fn simple_table(text: &str, ls: &[Line], from: usize, o: &mut Out) -> usize {
    let b = text.as_bytes();
    let top = ls[from];
    // Column starts, as offsets from the line start, from the top border.
    let mut cols = Vec::new();
    let mut prev = b' ';
    for (k, &c) in b[top.text..top.end].iter().enumerate() {
        if c == b'=' && prev == b' ' {
            cols.push(top.indent + k);
        }
        prev = c;
    }
    let mut borders = 0;
    let mut i = from;
    while i < ls.len() {
        let l = ls[i];
        if l.blank() {
            // A blank line ends the table only after its last border.
            if borders >= 3 || (borders == 2 && ls.get(i + 1).is_none_or(Line::blank)) {
                break;
            }
            i += 1;
            continue;
        }
        let t = &text[l.text..l.end];
        if is_simple_border(t) || (t.starts_with('=') && t.bytes().all(|c| c == b'=')) {
            o.mask_lines(&ls[i..=i], false);
            borders += 1;
            i += 1;
            if borders >= 2 && ls.get(i).is_none_or(|n| n.blank()) {
                break;
            }
            continue;
        }
        if t.bytes().all(|c| c == b'-' || c == b' ') {
            o.mask_lines(&ls[i..=i], false);
            i += 1;
            continue;
        }
        // One row: cells split at the column starts (counted in bytes from the indentation,
        // which is exact for the ASCII tables nearly everyone writes).
        let mut starts: Vec<usize> = cols
            .iter()
            .map(|&c| l.start + c)
            .filter(|&p| p > l.text && p < l.end && text.is_char_boundary(p))
            .collect();
        starts.insert(0, l.text);
        starts.push(l.end);
        for w in starts.windows(2) {
            if w[0] < w[1] {
                o.breaks.push(w[0]);
                o.blocks.push((w[0]..w[1], Block::TableCell));
                inline(text, w[0]..w[1], o);
            }
        }
        i += 1;
    }
    i
}

/// An item marker at the start of a line: where the marker ends and the block it opens.
fn item_marker(t: &str, new_block: bool) -> Option<(usize, Option<Block>)> {
    let b = t.as_bytes();
    // Bullets.
    for m in ["- ", "* ", "+ ", "\u{2022} ", "\u{2023} ", "\u{2043} "] {
        if t.starts_with(m) {
            return Some((m.len(), Some(Block::ListItem)));
        }
    }
    if matches!(t, "-" | "*" | "+") {
        return Some((1, Some(Block::ListItem)));
    }
    // Line blocks.
    if t == "|" {
        return Some((1, None));
    }
    if t.starts_with("| ") {
        return Some((2, None));
    }
    // Enumerations: 1. 1) (1) a. #. i.
    if let Some(n) = enum_marker(b) {
        return Some((n, Some(Block::ListItem)));
    }
    // Field lists: `:name: body` (not a role: `:role:` followed by a backquote).
    if b.first() == Some(&b':') && b.get(1).is_some_and(|&c| c != b' ' && c != b':') {
        let mut k = 1;
        while k < b.len() {
            if b[k] == b'\\' {
                k += 2;
                continue;
            }
            if b[k] == b':' && b[k - 1] != b' ' {
                break;
            }
            k += 1;
        }
        if k < b.len() && b.get(k + 1).is_none_or(|&c| c == b' ' || c == b'\t') {
            return Some((k + 1, Some(Block::ListItem)));
        }
    }
    // Option lists: `-a`, `--all`, `/V`, `-f FILE, --file=FILE`, then two spaces.
    if new_block && is_option_start(b) {
        if let Some(gap) = t.find("  ") {
            if t[..gap].split(", ").all(|o| is_option_start(o.as_bytes())) {
                return Some((gap, Some(Block::ListItem)));
            }
        } else if t.split(", ").all(|o| is_option_start(o.as_bytes())) {
            return Some((t.len(), Some(Block::ListItem)));
        }
    }
    None
}

fn is_option_start(b: &[u8]) -> bool {
    match b {
        [b'-', b'-', c, ..] => c.is_ascii_alphanumeric(),
        [b'-', c, ..] => c.is_ascii_alphanumeric(),
        [b'/', c, ..] => c.is_ascii_alphanumeric(),
        _ => false,
    }
}

/// Length of an enumeration marker and the space after it (`1. `, `(a) `, `#. `, `iv) `).
fn enum_marker(b: &[u8]) -> Option<usize> {
    let mut k = 0;
    let paren = b.first() == Some(&b'(');
    if paren {
        k += 1;
    }
    let s = k;
    if b.get(k) == Some(&b'#') {
        k += 1;
    } else if b.get(k).is_some_and(u8::is_ascii_digit) {
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
    } else if b.get(k).is_some_and(u8::is_ascii_alphabetic) {
        // One letter, or a Roman numeral.
        let roman = |c: &u8| b"ivxlcdmIVXLCDM".contains(c);
        if b.get(k + 1).is_some_and(roman) && b.get(k).is_some_and(roman) {
            while b.get(k).is_some_and(roman) {
                k += 1;
            }
        } else {
            k += 1;
        }
    }
    if k == s || k - s > 6 {
        return None;
    }
    match (paren, b.get(k)) {
        (true, Some(b')')) | (false, Some(b'.' | b')')) => k += 1,
        _ => return None,
    }
    match b.get(k) {
        Some(b' ') => Some(k + 1),
        None => Some(k),
        _ => None,
    }
}

/// A prose part of a line and the block it is.
type Prose = (Range<usize>, Option<Block>);

/// Explicit markup starting at line `i` (`..`). Returns the line after it, and a prose part
/// (an admonition's first words, a footnote's text) with its block.
fn explicit(text: &str, ls: &[Line], i: usize, o: &mut Out) -> (usize, Option<Prose>) {
    let l = ls[i];
    let b = text.as_bytes();
    let t = &text[l.text..l.end];
    let rest = t.get(3..).unwrap_or("");
    let body_start = l.text + 3;
    // Footnotes and citations: `.. [1] text`.
    if rest.starts_with('[') {
        if let Some(close) = rest
            .find("] ")
            .or_else(|| rest.ends_with(']').then(|| rest.len() - 1))
        {
            let label_end = body_start + close + 1;
            o.mask(l.text..label_end);
            let body = skip_spaces(b, label_end, l.end);
            return (i + 1, Some((body..l.end, None)));
        }
    }
    // Directives, also in substitution definitions: `.. name:: args`, `.. |x| name:: args`.
    let (dir_from, subst) = match rest.strip_prefix('|').and_then(|r| r.find('|')) {
        Some(k) => (k + 2, true),
        None => (0, false),
    };
    let after = rest[dir_from..].trim_start();
    let name_len = after.find("::").unwrap_or(0);
    let dname = &after[..name_len];
    let is_directive = name_len > 0
        && dname
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'+' | b'.'))
        && after[name_len + 2..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace);
    if is_directive {
        let name = dname.to_ascii_lowercase();
        let name = name.rsplit(':').next().unwrap_or(&name).to_string();
        let marker_end = body_start + (rest.len() - after.len()) + name_len + 2;
        let args = skip_spaces(b, marker_end, l.end);
        // Options right after the marker line, indented: `:name: value`.
        let mut k = i + 1;
        let mut opt_end = k;
        while k < ls.len() && !ls[k].blank() && ls[k].indent > l.indent {
            let lt = &text[ls[k].text..ls[k].end];
            if lt.starts_with(':') && lt[1..].contains(':') {
                k += 1;
                opt_end = k;
            } else {
                break;
            }
        }
        if subst || CODE_DIRECTIVES.contains(&name.as_str()) {
            let end = indented_end(ls, i + 1, l.indent);
            o.mask(l.text..l.end);
            o.breaks.push(l.text);
            if end > i + 1 {
                o.mask_lines(&ls[i + 1..end], !subst);
            }
            return (end, None);
        }
        o.mask(
            l.text..if PROSE_ARG_DIRECTIVES.contains(&name.as_str()) {
                marker_end
            } else {
                l.end
            },
        );
        if opt_end > i + 1 {
            o.mask_lines(&ls[i + 1..opt_end], false);
        }
        if PROSE_ARG_DIRECTIVES.contains(&name.as_str()) && args < l.end {
            let block = TITLE_DIRECTIVES
                .contains(&name.as_str())
                .then_some(Block::Heading);
            return (opt_end, Some((args..l.end, block)));
        }
        return (opt_end, None);
    }
    // Hyperlink targets `.. _name: url` and comments: the line and its indented block.
    let end = indented_end(ls, i + 1, l.indent);
    o.mask_lines(&ls[i..end], false);
    (end, None)
}

/// Can inline markup start after this character?
fn opens_after(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || "-:/'\"<([{\u{2018}\u{201c}\u{ab}".contains(c))
}

/// Can inline markup end before this character?
fn closes_before(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || "-.,:;!?\\/'\")]}>\u{2019}\u{201d}\u{bb}".contains(c))
}

/// The end of inline markup opened at `from` by `open`, closed by `close`: the offset after
/// the closing string, or `None`.
fn close_at(text: &str, from: usize, end: usize, close: &str) -> Option<usize> {
    let mut k = from;
    while let Some(p) = text[k..end].find(close) {
        let at = k + p;
        let before = text[..at].chars().next_back();
        let after = text[at + close.len()..].chars().next();
        let escaped = text[..at].ends_with('\\') && !close.starts_with('`');
        if at > from
            && !before.is_some_and(char::is_whitespace)
            && !escaped
            && (closes_before(after) || (close == "`" && matches!(after, Some('_' | ':'))))
        {
            return Some(at + close.len());
        }
        k = at + close.len().max(1);
        if k >= end {
            break;
        }
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
        if !matches!(c, b'\\' | b'`' | b':' | b'*' | b'|' | b'[' | b'_') {
            i += 1;
            continue;
        }
        let prev = text[..i].chars().next_back().filter(|_| i > r.start);
        let next = text[i + 1..end].chars().next();
        // Inline markup must close within a window (linear time on unclosed marks).
        let end = super::asciidoc::window(text, i, end);
        let can_open = opens_after(prev) && next.is_some_and(|n| !n.is_whitespace());
        match c {
            b'\\' => {
                // An escape: the backslash is not text; an escaped space is nothing at all.
                let n = next.map_or(0, char::len_utf8);
                if next == Some(' ') {
                    o.masked.push(i..i + 2);
                } else {
                    o.masked.push(i..i + 1);
                }
                i += 1 + n;
            }
            b'`' if text[i..end].starts_with("``") && can_open => {
                match close_at(text, i + 2, end, "``") {
                    Some(e) => {
                        o.masked.push(i..e);
                        o.code.push(i..e);
                        i = e;
                    }
                    None => i += 2,
                }
            }
            b'`' if can_open => match close_at(text, i + 1, end, "`") {
                Some(e) => i = interpreted(text, i, e, end, None, o),
                None => i += 1,
            },
            b':' if can_open => {
                // A role: `:name:` then interpreted text.
                let name_len = text[i + 1..end]
                    .bytes()
                    .take_while(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'+' | b':')
                    })
                    .count();
                let mut n = name_len;
                // The name ends at the last `:` before the backquote.
                while n > 0 && !text.as_bytes()[i + 1..i + 1 + n].ends_with(b":") {
                    n -= 1;
                }
                let role_end = i + 1 + n;
                if n >= 2 && b.get(role_end) == Some(&b'`') {
                    let role = text[i + 1..role_end - 1].to_ascii_lowercase();
                    match close_at(text, role_end + 1, end, "`") {
                        Some(e) => {
                            o.masked.push(i..role_end);
                            let role = role.rsplit(':').next().unwrap_or("").to_string();
                            i = interpreted(text, role_end, e, end, Some(&role), o);
                        }
                        None => i = role_end + 1,
                    }
                } else {
                    i += 1;
                }
            }
            b'*' if can_open => {
                let strong = text[i..end].starts_with("**");
                let (open, close) = if strong { (2, "**") } else { (1, "*") };
                let inner_next = text[i + open..end].chars().next();
                if inner_next.is_none_or(char::is_whitespace) {
                    i += open;
                    continue;
                }
                match close_at(text, i + open, end, close) {
                    Some(e) => {
                        o.masked.push(i..i + open);
                        o.masked.push(e - open..e);
                        // Inline markup inside emphasis is not parsed.
                        i = e;
                    }
                    None => i += open,
                }
            }
            b'|' if can_open => match close_at(text, i + 1, end, "|") {
                Some(mut e) => {
                    for suffix in ["__", "_"] {
                        if text[e..end].starts_with(suffix) {
                            e += suffix.len();
                            break;
                        }
                    }
                    o.masked.push(i..e);
                    i = e;
                }
                None => i += 1,
            },
            b'[' if can_open => {
                // Footnote and citation references: [1]_ [#]_ [#note]_ [*]_ [CIT2002]_.
                let close = text[i..end].find("]_").map(|k| i + k);
                match close {
                    Some(k)
                        if k > i + 1
                            && text[i + 1..k].bytes().all(|c| {
                                c.is_ascii_alphanumeric()
                                    || matches!(c, b'#' | b'*' | b'-' | b'_' | b'.')
                            }) =>
                    {
                        o.masked.push(i..k + 2);
                        i = k + 2;
                    }
                    _ => i += 1,
                }
            }
            b'_' => {
                // `_`inline target``: the marks only.
                if can_open && next == Some('`') {
                    if let Some(e) = close_at(text, i + 2, end, "`") {
                        o.masked.push(i..i + 2);
                        o.masked.push(e - 1..e);
                        i = e;
                        continue;
                    }
                }
                // A reference `name_` or `name__`: the underscores.
                let word_before = prev.is_some_and(char::is_alphanumeric);
                let n = if text[i..end].starts_with("__") { 2 } else { 1 };
                let after = text[i + n..].chars().next();
                if word_before && closes_before(after) && after.is_none_or(|c| c != '_') {
                    o.masked.push(i..i + n);
                }
                i += n;
            }
            _ => i += 1,
        }
    }
}

/// Interpreted text from the backquote at `q` to `e` (after the closing backquote), with an
/// optional role: the prose part kept, the rest masked. Returns where to go on.
fn interpreted(
    text: &str,
    q: usize,
    mut e: usize,
    end: usize,
    role: Option<&str>,
    o: &mut Out,
) -> usize {
    let inner = q + 1..e - 1;
    // A hyperlink reference: `text <url>`_ or `text`_.
    let mut link = false;
    for suffix in ["__", "_"] {
        if role.is_none() && text[e..end].starts_with(suffix) {
            e += suffix.len();
            link = true;
            break;
        }
    }
    // A role written after the text: `text`:role:.
    let mut role = role.map(str::to_string);
    if role.is_none() && !link && text[e..end].starts_with(':') {
        let n = text[e + 1..end]
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            .count();
        if n > 0 && text[e + 1 + n..end].starts_with(':') {
            role = Some(text[e + 1..e + 1 + n].to_ascii_lowercase());
            o.masked.push(e..e + n + 2);
            e += n + 2;
        }
    }
    let body = &text[inner.clone()];
    // `title <target>`: the title is prose, the target is not.
    let target = body
        .trim_end()
        .ends_with('>')
        .then(|| body.rfind('<'))
        .flatten()
        .filter(|&k| k == 0 || body[..k].ends_with(char::is_whitespace));
    let prose = link
        || target.is_some_and(|k| k > 0)
        || role.as_deref().is_some_and(|r| PROSE_ROLES.contains(&r));
    if !prose {
        o.masked.push(q..e);
        o.code.push(q..e);
        return e;
    }
    o.masked.push(q..q + 1);
    let text_end = match target {
        Some(k) => {
            let t = inner.start + k;
            o.masked.push(t..inner.end);
            t
        }
        None => inner.end,
    };
    let _ = text_end;
    o.masked.push(inner.end..e);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::markup::{extract as markup_extract, seen, Format, MarkupOptions};

    /// The prose left after masking, with masked stretches shown as `|`.
    fn prose(text: &str) -> String {
        seen::prose(text, Format::Rst)
    }

    fn blocks(text: &str) -> Vec<(String, Block)> {
        seen::blocks(text, Format::Rst)
    }

    fn block_at(text: &str, phrase: &str) -> Option<Block> {
        let m = markup_extract(text, Format::Rst, MarkupOptions::default());
        let at = text.find(phrase).unwrap();
        m.blocks
            .iter()
            .find(|(r, _)| r.start <= at && at + phrase.len() <= r.end)
            .map(|(_, b)| *b)
    }

    #[test]
    fn literal_blocks_directives_and_comments_are_masked() {
        let src = "Title\n=====\n\nRun this::\n\n    thatRussia --glue\n    more code\n\nBack to prose.\n\n.. code-block:: python\n   :linenos:\n\n   animpenetrable = 1\n\n.. note:: Take care here.\n\n   Indented prose.\n\n.. a comment that says systemwith\n   and goes on\n\n.. _target: https://example.com/x\n";
        let p = prose(src);
        for gone in [
            "thatRussia",
            "more code",
            "animpenetrable",
            "linenos",
            "systemwith",
            "goes on",
            "example.com",
            "code-block",
            "note::",
            "=====",
        ] {
            assert!(!p.contains(gone), "{gone} in {p}");
        }
        for kept in [
            "Title",
            "Run this",
            "Back to prose.",
            "Take care here.",
            "Indented prose.",
        ] {
            assert!(p.contains(kept), "{kept} not in {p}");
        }
        // `this::` reads `this:`.
        assert!(p.contains("Run this:|"), "{p}");
    }

    #[test]
    fn roles_keep_their_titles_and_mask_their_targets() {
        let src = "See :ref:`the guide <guide-label>` and :func:`os.path.join`, a :term:`spinner`, `Python <https://python.org>`_ and ``literal`` text with *emphasis* and footnote [1]_ |subst| `default role` done.\n";
        let p = prose(src);
        for gone in [
            "ref",
            "guide-label",
            "os.path",
            "func",
            "python.org",
            "literal",
            "[1]",
            "subst",
            "default role",
            "*",
            "`",
            "_",
        ] {
            assert!(!p.contains(gone), "{gone} in {p}");
        }
        for kept in [
            "See ",
            "the guide",
            "spinner",
            "Python",
            "emphasis",
            "done.",
        ] {
            assert!(p.contains(kept), "{kept} not in {p}");
        }
    }

    #[test]
    fn headings_items_and_terms_are_blocks() {
        let src = "anstream\n--------\n\n- first item\n- second item\n\n1. one\n#. two\n\nterm\n    Its definition.\n\n:param x: the value\n\n-v, --verbose  say more\n";
        let bs = blocks(src);
        assert_eq!(block_at(src, "anstream"), Some(Block::Heading), "{bs:?}");
        for item in [
            "first item",
            "second item",
            "two",
            "term",
            "the value",
            "say more",
        ] {
            assert_eq!(block_at(src, item), Some(Block::ListItem), "{item}: {bs:?}");
        }
        assert_eq!(block_at(src, "Its definition."), None, "{bs:?}");
        let p = prose(src);
        assert!(
            !p.contains("param") && !p.contains("--verbose") && !p.contains("#."),
            "{p}"
        );
    }

    #[test]
    fn tables_mask_rules_and_borders() {
        let grid = "+------+-------+\n| Name | Value |\n+======+=======+\n| a    | first |\n+------+-------+\n";
        let p = prose(grid);
        assert!(
            !p.contains('+') && !p.contains("--") && !p.contains("=="),
            "{p}"
        );
        assert!(p.contains("Name") && p.contains("first"), "{p}");
        let simple =
            "=====  ======\nA      B\n=====  ======\nyes    no way\n=====  ======\n\nAfter.\n";
        let p = prose(simple);
        assert!(!p.contains("=="), "{p}");
        assert!(p.contains("no way") && p.contains("After."), "{p}");
        assert_eq!(block_at(simple, "no way"), Some(Block::TableCell));
        assert_eq!(block_at(simple, "After."), None);
        let m = markup_extract(simple, Format::Rst, MarkupOptions::default());
        let cell = simple.find("no way").unwrap();
        assert!(m.breaks.contains(&cell), "{:?}", m.breaks);
    }

    #[test]
    fn escaped_space_joins_a_word() {
        let src = "The **assail**\\ ants came.\n";
        let m = markup_extract(src, Format::Rst, MarkupOptions::default());
        assert_eq!(m.joins.len(), 1, "{m:?}");
        assert_eq!(&src[m.joins[0].clone()], "**\\ ");
    }
}
