//! Markup: which parts of a Markdown, HTML, reStructuredText or AsciiDoc source are prose.
//!
//! [`extract`] returns the original byte ranges that are *not* prose (code, link targets,
//! tags, comments, front matter, entities, directives …), the offsets where the markup starts
//! a new paragraph, the masked ranges that stand inside a word (`assail<b>ants`, read as one
//! word) and the blocks that are headings, list items and table cells.
//! [`Document::from_markup`](super::Document::from_markup) skips the masked ranges, so the
//! prose is checked in place and every finding keeps its exact offset, line and column in the
//! original file.

use pulldown_cmark::{Event, LinkType, Options as CmarkOptions, Parser, Tag, TagEnd};
use std::ops::Range;
use std::path::Path;

/// The markup of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain text: everything is prose.
    #[default]
    Plain,
    /// CommonMark with tables, footnotes, task lists and YAML/TOML front matter.
    Markdown,
    /// HTML: text nodes only.
    Html,
    /// reStructuredText (see [`super::rst`]).
    Rst,
    /// AsciiDoc (see [`super::asciidoc`]).
    Asciidoc,
}

impl Format {
    /// All formats.
    pub const ALL: [Format; 5] = [
        Format::Plain,
        Format::Markdown,
        Format::Html,
        Format::Rst,
        Format::Asciidoc,
    ];

    /// Lower-case name (`plain`, `markdown`, `html`, `rst`, `asciidoc`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Rst => "rst",
            Format::Asciidoc => "asciidoc",
        }
    }

    /// Parse a name (`plain`/`text`/`txt`, `markdown`/`md`, `html`/`htm`,
    /// `rst`/`restructuredtext`, `asciidoc`/`adoc`).
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "plain" | "text" | "txt" => Some(Format::Plain),
            "markdown" | "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "rst" | "rest" | "restructuredtext" => Some(Format::Rst),
            "asciidoc" | "adoc" => Some(Format::Asciidoc),
            _ => None,
        }
    }

    /// The format a file's extension implies (plain text for anything unknown).
    pub fn from_path(path: &Path) -> Format {
        // `page.html.gz` is HTML: look through a compression suffix.
        let path = match path.extension().and_then(|e| e.to_str()) {
            Some(e) if ["gz", "zst"].contains(&e.to_ascii_lowercase().as_str()) => {
                Path::new(path.file_stem().unwrap_or_default())
            }
            _ => path,
        };
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("md" | "markdown" | "mdown" | "mkd" | "mdx") => Format::Markdown,
            Some("html" | "htm" | "xhtml") => Format::Html,
            Some("rst" | "rest") => Format::Rst,
            Some("adoc" | "asciidoc" | "asc") => Format::Asciidoc,
            _ => Format::Plain,
        }
    }
}

/// Options of the extraction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkupOptions {
    /// HTML: only the text of `<main>` (or else `<article>`), without `<nav>`, `<header>`,
    /// `<footer>`, `<aside>` and `<form>`.
    pub html_main_only: bool,
}

/// A block whose text is not an ordinary paragraph: its first word may be lower case, and it
/// need not be a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Block {
    /// A section title or block title.
    Heading,
    /// A list item (bullet, numbered, or the term of a definition list).
    ListItem,
    /// A table cell.
    TableCell,
}

/// What is not prose in a source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Markup {
    /// Original byte ranges that are not prose; sorted, disjoint.
    pub masked: Vec<Range<usize>>,
    /// Original offsets where a new paragraph starts (block elements); sorted.
    pub breaks: Vec<usize>,
    /// Original byte ranges of code and raw text (code blocks, inline code, front matter;
    /// HTML `pre`, `code`, `script`, `style` …): inline-ignore directives there are examples,
    /// not directives. Sorted, disjoint.
    pub code: Vec<Range<usize>>,
    /// The masked ranges that stand inside a word: inline markup between two letters
    /// (`assail</b>ants`, `**assail**ants`) reads as nothing, so the word is one token.
    /// Each is one of `masked`. Sorted, disjoint.
    pub joins: Vec<Range<usize>>,
    /// Headings, list items and table cells: original ranges of their text, innermost block
    /// wins. Sorted, disjoint.
    pub blocks: Vec<(Range<usize>, Block)>,
}

/// Find the non-prose ranges of `text` in the given format.
pub fn extract(text: &str, format: Format, opts: MarkupOptions) -> Markup {
    let mut m = match format {
        // Inline-ignore directives are not prose (in the other formats they are comments).
        Format::Plain => Markup {
            masked: crate::suppress::plain_directive_spans(text),
            ..Markup::default()
        },
        Format::Markdown => markdown(text),
        Format::Html => html(text, 0, opts),
        Format::Rst => super::rst::extract(text),
        Format::Asciidoc => super::asciidoc::extract(text),
    };
    finish(text, &mut m, format);
    m
}

/// Sort and merge what an extractor found, on char boundaries, and find the joins.
pub(crate) fn finish(text: &str, m: &mut Markup, format: Format) {
    for r in m.masked.iter_mut().chain(m.code.iter_mut()) {
        r.end = r.end.min(text.len());
        while !text.is_char_boundary(r.start) {
            r.start -= 1;
        }
        while !text.is_char_boundary(r.end) {
            r.end += 1;
        }
    }
    normalize(&mut m.masked);
    normalize(&mut m.code);
    m.breaks.retain(|&b| b <= text.len());
    m.breaks.sort_unstable();
    m.breaks.dedup();
    m.joins = m
        .masked
        .iter()
        .filter(|r| is_join(text, r, format))
        .cloned()
        .collect();
    m.blocks = flatten_blocks(std::mem::take(&mut m.blocks), text.len());
}

/// Is the masked range `r` inline markup inside a word: a letter right before and right
/// after it, and nothing in it but inline tags, comments and soft hyphens (any format that
/// may hold HTML) or emphasis marks (`*`, `_`; reST's escaped space `\ `)?
fn is_join(text: &str, r: &Range<usize>, format: Format) -> bool {
    let before = text[..r.start].chars().next_back();
    let after = text[r.end..].chars().next();
    if !(before.is_some_and(char::is_alphabetic) && after.is_some_and(char::is_alphabetic)) {
        return false;
    }
    let mut rest = &text[r.clone()];
    while !rest.is_empty() {
        let b = rest.as_bytes();
        if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(e) => rest = &rest[e + 3..],
                None => return false,
            }
        } else if b[0] == b'<' && format != Format::Asciidoc && format != Format::Rst {
            match tag_name(b, 0) {
                Some((name, _, _)) if HTML_INLINE.contains(&name.as_str()) => {
                    rest = &rest[tag_end(b, 0)..];
                }
                _ => return false,
            }
        } else if let Some(r) = ["&shy;", "&#173;", "&#xad;", "&#xAD;", "\u{ad}"]
            .iter()
            .find_map(|e| rest.strip_prefix(e))
        {
            rest = r;
        } else if b[0] == b'*' || b[0] == b'_' {
            rest = &rest[1..];
        } else if format == Format::Rst && rest.starts_with("\\ ") {
            rest = &rest[2..];
        } else {
            return false;
        }
    }
    true
}

/// Inline HTML elements: a tag of one of these inside a word does not split it.
const HTML_INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "data", "del", "dfn", "em", "font", "i", "ins",
    "mark", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
    "wbr",
];

/// Blocks as sorted, disjoint ranges: where blocks nest, the innermost wins.
fn flatten_blocks(
    mut blocks: Vec<(Range<usize>, Block)>,
    len: usize,
) -> Vec<(Range<usize>, Block)> {
    blocks.retain(|(r, _)| r.start < r.end && r.start < len);
    if blocks.is_empty() {
        return blocks;
    }
    // Outer blocks first at equal starts.
    blocks.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out: Vec<(Range<usize>, Block)> = Vec::with_capacity(blocks.len());
    // Open blocks, outermost first.
    let mut stack: Vec<(Range<usize>, Block)> = Vec::new();
    let mut at = 0usize;
    let emit = |out: &mut Vec<(Range<usize>, Block)>, from: usize, to: usize, k: Block| {
        if from >= to {
            return;
        }
        match out.last_mut() {
            Some((r, b)) if r.end == from && *b == k => r.end = to,
            _ => out.push((from..to, k)),
        }
    };
    for (r, k) in blocks {
        let r = r.start..r.end.min(len);
        // Close the blocks that end before this one starts.
        while let Some((top, tk)) = stack.last().cloned() {
            if top.end > r.start {
                break;
            }
            emit(&mut out, at.max(top.start), top.end, tk);
            at = at.max(top.end);
            stack.pop();
        }
        if let Some((top, tk)) = stack.last() {
            emit(&mut out, at.max(top.start), r.start, *tk);
        }
        at = at.max(r.start);
        // A block that is not nested in the open one (malformed markup) ends it.
        while stack.last().is_some_and(|(top, _)| top.end < r.end) {
            stack.pop();
        }
        stack.push((r, k));
    }
    while let Some((top, tk)) = stack.pop() {
        emit(&mut out, at.max(top.start), top.end, tk);
        at = at.max(top.end);
    }
    out
}

fn normalize(ranges: &mut Vec<Range<usize>>) {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges.drain(..) {
        match out.last_mut() {
            Some(l) if r.start <= l.end => l.end = l.end.max(r.end),
            _ => out.push(r),
        }
    }
    *ranges = out;
}

/// Markdown: prose is the text of paragraphs, headings, list items, quotes, table cells and
/// emphasis (link *text* included); everything else is masked — code blocks and inline code,
/// link and image targets, images, autolinks, HTML comments and tags (the text inside HTML
/// blocks is extracted as HTML), front matter, entities and escapes.
fn markdown(text: &str) -> Markup {
    let mut opts = CmarkOptions::empty();
    opts.insert(CmarkOptions::ENABLE_TABLES);
    opts.insert(CmarkOptions::ENABLE_FOOTNOTES);
    opts.insert(CmarkOptions::ENABLE_STRIKETHROUGH);
    opts.insert(CmarkOptions::ENABLE_TASKLISTS);
    opts.insert(CmarkOptions::ENABLE_YAML_STYLE_METADATA_BLOCKS);
    opts.insert(CmarkOptions::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS);
    let mut prose: Vec<Range<usize>> = Vec::new();
    let mut breaks = Vec::new();
    let mut extra_mask: Vec<Range<usize>> = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut blocks: Vec<(Range<usize>, Block)> = Vec::new();
    // Depth inside elements whose text is not prose (code blocks, images, autolinks, front
    // matter) and inside HTML blocks (extracted separately).
    let mut skip = 0usize;
    let mut in_html = 0usize;
    // Per open link: is it an autolink (its text is its target)?
    let mut links: Vec<bool> = Vec::new();
    for (ev, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match ev {
            Event::Start(tag) => {
                let block = matches!(
                    tag,
                    Tag::Paragraph
                        | Tag::Heading { .. }
                        | Tag::BlockQuote(_)
                        | Tag::CodeBlock(_)
                        | Tag::HtmlBlock
                        | Tag::List(_)
                        | Tag::Item
                        | Tag::FootnoteDefinition(_)
                        | Tag::Table(_)
                        | Tag::TableHead
                        | Tag::TableRow
                        | Tag::TableCell
                        | Tag::MetadataBlock(_)
                );
                if block {
                    breaks.push(range.start);
                }
                match tag {
                    Tag::Heading { .. } => blocks.push((range.clone(), Block::Heading)),
                    Tag::Item => blocks.push((range.clone(), Block::ListItem)),
                    Tag::TableCell => blocks.push((range.clone(), Block::TableCell)),
                    _ => {}
                }
                match tag {
                    Tag::CodeBlock(_) | Tag::MetadataBlock(_) => {
                        code.push(range.clone());
                        skip += 1
                    }
                    Tag::Image { .. } => skip += 1,
                    Tag::Link { link_type, .. } => {
                        let auto = matches!(link_type, LinkType::Autolink | LinkType::Email);
                        skip += usize::from(auto);
                        links.push(auto);
                    }
                    Tag::HtmlBlock => {
                        in_html += 1;
                        let inner =
                            html(&text[range.clone()], range.start, MarkupOptions::default());
                        // The prose inside is whatever the HTML pass did not mask.
                        let mut at = range.start;
                        for m in &inner.masked {
                            if m.start > at {
                                prose.push(at..m.start);
                            }
                            at = at.max(m.end);
                        }
                        if at < range.end {
                            prose.push(at..range.end);
                        }
                        breaks.extend(inner.breaks);
                        code.extend(inner.code);
                        blocks.extend(inner.blocks);
                    }
                    _ => {}
                }
            }
            Event::End(tag) => {
                match tag {
                    TagEnd::CodeBlock | TagEnd::Image | TagEnd::MetadataBlock(_) => {
                        skip = skip.saturating_sub(1)
                    }
                    TagEnd::Link if links.pop() == Some(true) => skip = skip.saturating_sub(1),
                    TagEnd::HtmlBlock => in_html = in_html.saturating_sub(1),
                    _ => {}
                }
                if matches!(
                    tag,
                    TagEnd::Paragraph
                        | TagEnd::Heading(_)
                        | TagEnd::BlockQuote(_)
                        | TagEnd::CodeBlock
                        | TagEnd::HtmlBlock
                        | TagEnd::Item
                        | TagEnd::TableCell
                ) {
                    breaks.push(range.end);
                }
            }
            Event::Code(_) => code.push(range),
            Event::Text(t) if skip == 0 && in_html == 0 => {
                // Entities and other text that is not written as it reads are masked.
                if text[range.clone()] == *t {
                    prose.push(range);
                } else {
                    extra_mask.push(range);
                }
            }
            _ => {}
        }
    }
    // Everything that is not prose is masked.
    normalize(&mut prose);
    let mut masked = Vec::with_capacity(prose.len() + 1);
    let mut at = 0;
    for p in &prose {
        if p.start > at {
            masked.push(at..p.start);
        }
        at = at.max(p.end);
    }
    if at < text.len() {
        masked.push(at..text.len());
    }
    masked.extend(extra_mask);
    Markup {
        masked,
        breaks,
        code,
        joins: Vec::new(),
        blocks,
    }
}

/// Elements whose content is never prose.
const HTML_SKIP: &[&str] = &[
    "script", "style", "code", "pre", "kbd", "samp", "textarea", "template", "svg", "math",
    "noscript", "head", "iframe", "object", "select",
];

/// Elements that hold list items and cells (tracked to close the items left open).
const HTML_CONTAINERS: &[&str] = &["ul", "ol", "dl", "menu", "table", "tr"];

/// Elements skipped with `html_main_only`.
const HTML_CHROME: &[&str] = &["nav", "header", "footer", "aside", "form", "menu"];

/// Elements that start a new paragraph.
const HTML_BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "br",
    "hr",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "main",
    "blockquote",
    "figure",
    "figcaption",
    "header",
    "footer",
    "nav",
    "aside",
    "body",
    "html",
    "title",
    "caption",
    "address",
    "details",
    "summary",
    "form",
    "fieldset",
    "legend",
    "option",
    "pre",
];

/// One tag at `i` (which holds `<`): its name (lower case), whether it closes, and its end.
fn parse_tag(b: &[u8], i: usize) -> Option<(String, bool, usize)> {
    let (name, closing, j) = tag_name(b, i)?;
    Some((name, closing, tag_end(b, j)))
}

/// The name of the tag at `i` (lower case), whether it closes, and where the name ends.
/// Cheap: callers looking for one element check the name before scanning the attributes,
/// so text full of `<` with unclosed quotes costs linear time, not quadratic.
fn tag_name(b: &[u8], i: usize) -> Option<(String, bool, usize)> {
    let mut j = i + 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    if !b.get(j).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let ns = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
        j += 1;
    }
    Some((
        String::from_utf8_lossy(&b[ns..j]).to_ascii_lowercase(),
        closing,
        j,
    ))
}

/// The end of a tag whose name ends at `j`: after its `>`, or the end of the text.
fn tag_end(b: &[u8], mut j: usize) -> usize {
    // Attributes: quoted values may hold `>`.
    let mut quote = 0u8;
    while j < b.len() {
        let c = b[j];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// Find the end of the element named `name` whose start tag ends at `from` (nested elements
/// of the same name are counted). Returns the end of its closing tag, or the end of the text.
fn element_end(b: &[u8], from: usize, name: &str, raw: bool) -> (usize, usize) {
    let mut depth = 1usize;
    let mut i = from;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        let at = i + k;
        if b[at..].starts_with(b"<!--") && !raw {
            i = find(b, at + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        match tag_name(b, at) {
            Some((n, closing, name_end)) if n == name => {
                let end = tag_end(b, name_end);
                if closing {
                    depth -= 1;
                    if depth == 0 {
                        return (at, end);
                    }
                } else if !raw && !b[..end].ends_with(b"/>") {
                    depth += 1;
                }
                i = end;
            }
            _ => i = at + 1,
        }
    }
    (b.len(), b.len())
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&b[from.min(b.len())..], needle).map(|k| from + k)
}

/// HTML: prose is text nodes; tags, comments, declarations, entities and the content of
/// [`HTML_SKIP`] elements are masked. Offsets are shifted by `base`.
fn html(text: &str, base: usize, opts: MarkupOptions) -> Markup {
    let b = text.as_bytes();
    let mut masked = Vec::new();
    let mut breaks = Vec::new();
    let mut code = Vec::new();
    let mut blocks: Vec<(Range<usize>, Block)> = Vec::new();
    // Open headings, list items and cells: (name, start of their text).
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'<' => {
                if b[i..].starts_with(b"<!--") {
                    let end = find(b, i + 4, b"-->").map_or(b.len(), |e| e + 3);
                    masked.push(base + i..base + end);
                    i = end;
                } else if b[i..].starts_with(b"<!") || b[i..].starts_with(b"<?") {
                    let end = find(b, i, b">").map_or(b.len(), |e| e + 1);
                    masked.push(base + i..base + end);
                    i = end;
                } else if let Some((name, closing, end)) = parse_tag(b, i) {
                    let block = HTML_BLOCK.contains(&name.as_str());
                    if block {
                        breaks.push(base + i);
                    }
                    if html_block_kind(&name).is_some() || HTML_CONTAINERS.contains(&name.as_str())
                    {
                        let mut close = |open: &mut Vec<(String, usize)>, k: usize| {
                            for (n, s) in open.drain(k..) {
                                if let Some(bk) = html_block_kind(&n) {
                                    blocks.push((base + s..base + i, bk));
                                }
                            }
                        };
                        if closing {
                            if let Some(k) = open.iter().rposition(|(n, _)| *n == name) {
                                close(&mut open, k);
                            }
                        } else {
                            // An item or cell whose end tag was left out ends at the next one.
                            let kind = html_block_kind(&name);
                            if kind.is_some_and(|k| k != Block::Heading)
                                && open.last().is_some_and(|(n, _)| html_block_kind(n) == kind)
                            {
                                let last = open.len() - 1;
                                close(&mut open, last);
                            }
                            if !b[..end].ends_with(b"/>") {
                                open.push((name.clone(), end));
                            }
                        }
                    }
                    let skip = HTML_SKIP.contains(&name.as_str())
                        || (opts.html_main_only && HTML_CHROME.contains(&name.as_str()));
                    if !closing && skip && !b[..end].ends_with(b"/>") {
                        let raw = matches!(name.as_str(), "script" | "style" | "textarea");
                        let (_, close_end) = element_end(b, end, &name, raw);
                        masked.push(base + i..base + close_end);
                        if HTML_SKIP.contains(&name.as_str()) {
                            code.push(base + i..base + close_end);
                        }
                        if block {
                            breaks.push(base + close_end);
                        }
                        i = close_end;
                    } else {
                        masked.push(base + i..base + end);
                        i = end;
                    }
                } else {
                    i += 1;
                }
            }
            b'&' => {
                let mut j = i + 1;
                while j < b.len() && j - i <= 32 && (b[j].is_ascii_alphanumeric() || b[j] == b'#') {
                    j += 1;
                }
                if j > i + 1 && b.get(j) == Some(&b';') {
                    masked.push(base + i..base + j + 1);
                    i = j + 1;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    for (n, s) in open {
        if let Some(bk) = html_block_kind(&n) {
            blocks.push((base + s..base + b.len(), bk));
        }
    }
    if opts.html_main_only {
        // Keep only the main content, when the page marks it.
        let main = ["main", "article"].iter().find_map(|name| {
            let mut i = 0;
            while let Some(k) = memchr::memchr(b'<', &b[i..]) {
                let at = i + k;
                if let Some((n, false, name_end)) = tag_name(b, at) {
                    if n == *name {
                        let (_, close_end) = element_end(b, tag_end(b, name_end), name, false);
                        return Some((at, close_end));
                    }
                }
                i = at + 1;
            }
            None
        });
        if let Some((s, e)) = main {
            masked.push(base..base + s);
            masked.push(base + e..base + b.len());
        }
    }
    Markup {
        masked,
        breaks,
        code,
        joins: Vec::new(),
        blocks,
    }
}

fn html_block_kind(name: &str) -> Option<Block> {
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "caption" | "figcaption" | "summary" => {
            Some(Block::Heading)
        }
        "li" | "dt" => Some(Block::ListItem),
        "td" | "th" => Some(Block::TableCell),
        _ => None,
    }
}

/// One line of a source, for the line-based extractors (reStructuredText, AsciiDoc).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    /// Offset of its first byte.
    pub start: usize,
    /// Offset of its first byte that is not a space or tab.
    pub text: usize,
    /// End of its content (before `\r\n` or `\n`).
    pub end: usize,
    /// Its indentation in columns (a tab to the next multiple of 8).
    pub indent: usize,
}

impl Line {
    /// A line of nothing but white space.
    pub fn blank(&self) -> bool {
        self.text >= self.end
    }
}

/// The lines of a text.
pub(crate) fn lines(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 40 + 1);
    let mut start = 0;
    while start < b.len() {
        let nl = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |k| start + k);
        let mut end = nl;
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        let mut text_at = start;
        let mut indent = 0;
        while text_at < end && (b[text_at] == b' ' || b[text_at] == b'\t') {
            indent = if b[text_at] == b'\t' {
                (indent / 8 + 1) * 8
            } else {
                indent + 1
            };
            text_at += 1;
        }
        // Trailing white space is not content.
        while end > text_at && (b[end - 1] == b' ' || b[end - 1] == b'\t') {
            end -= 1;
        }
        out.push(Line {
            start,
            text: text_at,
            end,
            indent,
        });
        start = nl + 1;
    }
    out
}

/// What the extractors' tests read of a source.
#[cfg(test)]
pub(crate) mod seen {
    use super::*;

    /// The prose left after masking, with masked stretches shown as `|`.
    pub fn prose(text: &str, format: Format) -> String {
        let m = extract(text, format, MarkupOptions::default());
        let mut out = String::new();
        let mut at = 0;
        for r in &m.masked {
            out.push_str(&text[at..r.start]);
            out.push('|');
            at = r.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Each block's text (trimmed) and kind, in order.
    pub fn blocks(text: &str, format: Format) -> Vec<(String, Block)> {
        let m = extract(text, format, MarkupOptions::default());
        m.blocks
            .iter()
            .map(|(r, b)| (text[r.clone()].trim().to_string(), *b))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::seen::prose;
    use super::*;

    #[test]
    fn markdown_masks_code_links_and_front_matter() {
        let md = "---\ntitle: Dentro\n---\n# Head\n\nSee [the docs](http://x.io/a) and `animpenetrable`.\n\n```\nthatRussia\n```\n<!-- note -->\n";
        let p = prose(md, Format::Markdown);
        assert!(!p.contains("Dentro"), "{p}");
        assert!(!p.contains("thatRussia"), "{p}");
        assert!(!p.contains("animpenetrable"), "{p}");
        assert!(!p.contains("http"), "{p}");
        assert!(!p.contains("note"), "{p}");
        assert!(p.contains("Head"), "{p}");
        assert!(p.contains("See |the docs| and |."), "{p}");
    }

    #[test]
    fn html_keeps_text_nodes_only() {
        let h = "<html><head><title>T</title></head><body><p class=\"a>b\">Hello &amp; welcome</p><script>var thatRussia;</script><pre>systemwith</pre></body></html>";
        let p = prose(h, Format::Html);
        assert_eq!(p, "|Hello | welcome|");
    }

    #[test]
    fn html_main_only_drops_chrome() {
        let h = "<nav>Menu text</nav><main><p>Body text</p></main><footer>Foot</footer>";
        let m = extract(
            h,
            Format::Html,
            MarkupOptions {
                html_main_only: true,
            },
        );
        let kept: String = (0..h.len())
            .filter(|&i| !m.masked.iter().any(|r| r.contains(&i)))
            .map(|i| h.as_bytes()[i] as char)
            .collect();
        assert_eq!(kept, "Body text");
        // Without the option the navigation stays.
        assert!(prose(h, Format::Html).contains("Menu text"));
    }

    #[test]
    fn html_blocks_break_paragraphs() {
        let h = "<p>One.</p><p>Two</p>";
        let m = extract(h, Format::Html, MarkupOptions::default());
        assert!(m.breaks.contains(&h.find("<p>Two").unwrap()));
    }

    #[test]
    fn inline_code_is_a_word_of_its_sentence() {
        use crate::text::Document;
        let text = "It ends here. `start` is an offset.\n\n`x` begins a paragraph.";
        let m = extract(text, Format::Markdown, MarkupOptions::default());
        let d = Document::with_markup(text, m.masked, &m.breaks);
        let starts: Vec<_> = d
            .tokens
            .iter()
            .filter(|t| t.sent_start)
            .map(|t| d.orig_text(t))
            .collect();
        assert_eq!(starts, ["It"]);
    }

    #[test]
    fn inline_markup_inside_a_word_reads_as_one_word() {
        use crate::text::Document;
        for (text, format, word) in [
            (
                "The cyber <b>assail</b>ants struck.",
                Format::Html,
                "assail</b>ants",
            ),
            (
                "The cyber **assail**ants struck.",
                Format::Markdown,
                "assail**ants",
            ),
            (
                "The cyber <i>assail</i>ants struck.",
                Format::Markdown,
                "assail</i>ants",
            ),
            (
                "The cyber assail&shy;ants struck.",
                Format::Html,
                "assail&shy;ants",
            ),
        ] {
            let m = extract(text, format, MarkupOptions::default());
            let d = Document::from_markup(text, &m);
            let words: Vec<_> = d.tokens.iter().map(|t| d.norm_text(t)).collect();
            assert!(words.contains(&"assailants"), "{text}: {words:?}");
            let t = d
                .tokens
                .iter()
                .find(|t| d.norm_text(t) == "assailants")
                .unwrap();
            assert_eq!(d.orig_text(t), word);
            // Not across a space or a block element, and not into inline code.
        }
        for (text, format) in [
            ("assail</b> ants", Format::Html),
            ("assail</p><p>ants", Format::Html),
            ("assail`x`ants", Format::Markdown),
            ("assail<br>ants", Format::Html),
        ] {
            let m = extract(text, format, MarkupOptions::default());
            assert!(m.joins.is_empty(), "{text}: {:?}", m.joins);
        }
    }

    #[test]
    fn headings_items_and_cells_are_blocks() {
        use crate::text::Document;
        let md = "# anstream\n\n- crate-name here\n\nplain prose\n\n| a | b |\n|---|---|\n| cell | x |\n";
        let m = extract(md, Format::Markdown, MarkupOptions::default());
        let d = Document::from_markup(md, &m);
        let kind = |w: &str| {
            let t = d.tokens.iter().find(|t| d.orig_text(t) == w).unwrap();
            d.block_of(t)
        };
        assert_eq!(kind("anstream"), Some(Block::Heading));
        assert_eq!(kind("crate-name"), Some(Block::ListItem));
        assert_eq!(kind("plain"), None);
        assert_eq!(kind("cell"), Some(Block::TableCell));
        let h = "<h2>git merge</h2><ul><li>one<ul><li>inner</ul> after</li></ul><p>text</p><table><tr><td>c1<td>c2</table>";
        let m = extract(h, Format::Html, MarkupOptions::default());
        let d = Document::from_markup(h, &m);
        let kind = |w: &str| {
            let t = d.tokens.iter().find(|t| d.orig_text(t) == w).unwrap();
            d.block_of(t)
        };
        assert_eq!(kind("git"), Some(Block::Heading));
        assert_eq!(kind("one"), Some(Block::ListItem));
        assert_eq!(kind("inner"), Some(Block::ListItem));
        assert_eq!(kind("after"), Some(Block::ListItem));
        assert_eq!(kind("text"), None);
        assert_eq!(kind("c1"), Some(Block::TableCell));
        assert_eq!(kind("c2"), Some(Block::TableCell));
    }

    #[test]
    fn nested_blocks_flatten_innermost_first() {
        let b = flatten_blocks(
            vec![
                (0..100, Block::ListItem),
                (10..20, Block::Heading),
                (50..60, Block::TableCell),
            ],
            100,
        );
        assert_eq!(
            b,
            vec![
                (0..10, Block::ListItem),
                (10..20, Block::Heading),
                (20..50, Block::ListItem),
                (50..60, Block::TableCell),
                (60..100, Block::ListItem)
            ]
        );
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.MD")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("x.htm")), Format::Html);
        assert_eq!(Format::from_path(Path::new("x.txt")), Format::Plain);
        assert_eq!(Format::from_path(Path::new("x.rst")), Format::Rst);
        assert_eq!(Format::from_path(Path::new("x.adoc")), Format::Asciidoc);
        assert_eq!(Format::from_path(Path::new("x.asciidoc")), Format::Asciidoc);
        assert_eq!(Format::parse("rst"), Some(Format::Rst));
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
    }
}
