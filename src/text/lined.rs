//! What the line-based extractors (reStructuredText, AsciiDoc) build while they read a source,
//! and the steps they share: masking lines, closing a heading or a paragraph. Each format
//! passes its own inline-markup reader.

use super::markup::{Block, Line, Markup};
use std::ops::Range;

/// A format's reader of inline markup in a range of prose.
pub(crate) type Inline = fn(&str, Range<usize>, &mut Out);

/// A paragraph being read: its first and last byte and the block it is, if any.
pub(crate) type Para = Option<(usize, usize, Option<Block>)>;

/// The ranges found so far (see [`Markup`] for what each holds).
#[derive(Default)]
pub(crate) struct Out {
    pub masked: Vec<Range<usize>>,
    pub breaks: Vec<usize>,
    pub code: Vec<Range<usize>>,
    pub blocks: Vec<(Range<usize>, Block)>,
}

impl Out {
    /// Mask `r` (nothing when it is empty).
    pub fn mask(&mut self, r: Range<usize>) {
        if r.start < r.end {
            self.masked.push(r);
        }
    }

    /// Mask one line's text, a block of its own.
    pub fn mask_line(&mut self, l: Line) {
        self.mask(l.text..l.end);
        self.breaks.push(l.text);
        self.breaks.push(l.end);
    }

    /// Mask lines `ls` as one block, as code when `code`.
    pub fn mask_lines(&mut self, ls: &[Line], code: bool) {
        let (Some(first), Some(last)) = (ls.first(), ls.last()) else {
            return;
        };
        let r = first.text.min(first.end)..last.end.max(first.text);
        self.breaks.push(r.start);
        self.breaks.push(r.end);
        if code {
            self.code.push(r.clone());
        }
        self.mask(r);
    }

    /// A title's text `r`: a block of its own, read for inline markup.
    pub fn heading(&mut self, text: &str, inline: Inline, r: Range<usize>) {
        self.breaks.push(r.start);
        self.breaks.push(r.end);
        self.blocks.push((r.clone(), Block::Heading));
        inline(text, r, self);
    }

    /// End the paragraph being read, if any: record its block and read its inline markup.
    pub fn flush(&mut self, text: &str, inline: Inline, para: &mut Para) {
        if let Some((s, e, block)) = para.take() {
            if s < e {
                if let Some(k) = block {
                    self.blocks.push((s..e, k));
                }
                inline(text, s..e, self);
                self.breaks.push(e);
            }
        }
    }

    /// What was found.
    pub fn finish(self) -> Markup {
        Markup {
            masked: self.masked,
            breaks: self.breaks,
            code: self.code,
            joins: Vec::new(),
            blocks: self.blocks,
        }
    }
}

/// The first byte from `i` on (before `end`) that is not a space or a tab.
pub(crate) fn skip_spaces(b: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}
