//! Markup: which parts of a Markdown or HTML source are prose.
//!
//! [`extract`] returns the original byte ranges that are *not* prose (code, link targets,
//! tags, comments, front matter, entities …) and the offsets where the markup starts a new
//! paragraph. [`Document::with_markup`](super::Document::with_markup) skips the masked ranges,
//! so the prose is checked in place and every finding keeps its exact offset, line and column
//! in the original file.

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
}

impl Format {
    /// All formats.
    pub const ALL: [Format; 3] = [Format::Plain, Format::Markdown, Format::Html];

    /// Lower-case name (`plain`, `markdown`, `html`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Plain => "plain",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// Parse a name (`plain`/`text`/`txt`, `markdown`/`md`, `html`/`htm`).
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "plain" | "text" | "txt" => Some(Format::Plain),
            "markdown" | "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The format a file's extension implies (plain text for anything unknown).
    pub fn from_path(path: &Path) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("md" | "markdown" | "mdown" | "mkd" | "mdx") => Format::Markdown,
            Some("html" | "htm" | "xhtml") => Format::Html,
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
    };
    normalize(&mut m.masked);
    normalize(&mut m.code);
    m.breaks.sort_unstable();
    m.breaks.dedup();
    m
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
    }
}

/// Elements whose content is never prose.
const HTML_SKIP: &[&str] = &[
    "script", "style", "code", "pre", "kbd", "samp", "textarea", "template", "svg", "math",
    "noscript", "head", "iframe", "object", "select",
];

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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prose left after masking, with masked stretches shown as `|`.
    fn prose(text: &str, format: Format) -> String {
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
    fn formats_by_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.MD")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("x.htm")), Format::Html);
        assert_eq!(Format::from_path(Path::new("x.txt")), Format::Plain);
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
    }
}
