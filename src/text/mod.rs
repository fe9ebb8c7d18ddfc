//! Text model: the original text, its normalized view, tokens, sentences and lines.
//!
//! Every detector reads one [`Document`]; nothing downstream re-tokenizes. Token offsets are
//! byte offsets into the *folded* text (`doc.norm.text`); [`Document::orig_span`] maps them back
//! to the original.

pub mod allow;
pub mod asciidoc;
pub mod decode;
pub mod joins;
mod lined;
pub mod markup;
pub mod normalize;
pub mod rst;
mod tokenize;

pub use normalize::{Cursor, Normalized};
pub use tokenize::{case_of, Case, Token, TokenKind};

use std::ops::Range;

/// A document ready for detection.
#[derive(Debug)]
pub struct Document<'a> {
    /// The original text, never changed.
    pub orig: &'a str,
    /// The folded view that matching works on.
    pub norm: Normalized,
    /// Words, numbers, punctuation and opaque tokens (URLs, e-mails, handles) in text order.
    pub tokens: Vec<Token>,
    /// Byte ranges of the original that detectors must ignore (markup, code); sorted, disjoint.
    pub masked: Vec<Range<usize>>,
    /// Headings, list items and table cells of a marked-up source (original ranges; sorted,
    /// disjoint): see [`Document::block_of`].
    pub blocks: Vec<(Range<usize>, markup::Block)>,
    line_starts: Vec<u32>,
}

impl<'a> Document<'a> {
    /// Build the document model of `orig`.
    pub fn new(orig: &'a str) -> Document<'a> {
        Self::with_mask(orig, Vec::new())
    }

    /// Build the document model of `orig`, with original byte ranges that are not prose (their
    /// tokens are dropped, so no detector sees them).
    pub fn with_mask(orig: &'a str, masked: Vec<Range<usize>>) -> Document<'a> {
        Self::with_markup(orig, masked, &[])
    }

    /// Build the document model of a marked-up text: `masked` original byte ranges are not
    /// prose (they are skipped like white space; line breaks inside them still count), and
    /// `para_breaks` are original offsets where the markup starts a new paragraph. See
    /// [`markup::extract`].
    pub fn with_markup(
        orig: &'a str,
        masked: Vec<Range<usize>>,
        para_breaks: &[usize],
    ) -> Document<'a> {
        Self::build(orig, masked, para_breaks, &[], Vec::new())
    }

    /// Build the document model of a marked-up text from what [`markup::extract`] found:
    /// masked ranges are skipped (as in [`Document::with_markup`]), except the `joins`, inline
    /// markup inside a word, which read as nothing: `assail<b>ants` is one word token
    /// `assailants` whose span is the original `assail</b>ants`. Blocks are kept for
    /// [`Document::block_of`].
    pub fn from_markup(orig: &'a str, m: &markup::Markup) -> Document<'a> {
        Self::build(
            orig,
            m.masked.clone(),
            &m.breaks,
            &m.joins,
            m.blocks.clone(),
        )
    }

    fn build(
        orig: &'a str,
        mut masked: Vec<Range<usize>>,
        para_breaks: &[usize],
        joins: &[Range<usize>],
        blocks: Vec<(Range<usize>, markup::Block)>,
    ) -> Document<'a> {
        masked.retain(|r| r.start < r.end);
        masked.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(masked.len());
        for r in masked {
            match merged.last_mut() {
                Some(l) if r.start <= l.end => l.end = l.end.max(r.end),
                _ => merged.push(r),
            }
        }
        // Joins are dropped from the folded text instead of being skipped. A join must be a
        // whole masked range: one merged with a neighbour is skipped as usual.
        let mut joins: Vec<Range<usize>> = joins
            .iter()
            .filter(|j| {
                j.start < j.end
                    && merged
                        .binary_search_by_key(&j.start, |r| r.start)
                        .is_ok_and(|k| merged[k] == **j)
            })
            .cloned()
            .collect();
        joins.sort_by_key(|r| r.start);
        joins.dedup();
        let masked: Vec<Range<usize>> = if joins.is_empty() {
            merged
        } else {
            merged
                .into_iter()
                .filter(|r| joins.binary_search_by_key(&r.start, |j| j.start).is_err())
                .collect()
        };
        // Words broken by typesetting or scraping (a hyphen at a line end, a soft hyphen)
        // read whole, unless the break touches markup.
        let text_joins: Vec<Range<usize>> = joins::in_text(orig)
            .into_iter()
            .filter(|r| {
                !overlaps_any(&masked, r.start, r.end) && !overlaps_any(&joins, r.start, r.end)
            })
            .collect();
        if !text_joins.is_empty() {
            joins.extend(text_joins);
            joins.sort_by_key(|r| r.start);
        }
        let mut para_breaks = para_breaks.to_vec();
        para_breaks.sort_unstable();
        let norm = if joins.is_empty() {
            Normalized::new(orig)
        } else {
            Normalized::without(orig, &joins)
        };
        let mut tokens = tokenize::tokenize(orig, &norm, &masked, &para_breaks, &joins);
        if !masked.is_empty() {
            tokens.retain(|t| {
                let (s, e) = norm.to_orig(t.start as usize, t.end as usize);
                !overlaps_any(&masked, s, e)
            });
        }
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', orig.as_bytes()).map(|i| i as u32 + 1));
        // A lone CR is a line break too.
        if memchr::memchr(b'\r', orig.as_bytes()).is_some() {
            line_starts.extend(
                memchr::memchr_iter(b'\r', orig.as_bytes())
                    .filter(|&i| orig.as_bytes().get(i + 1) != Some(&b'\n'))
                    .map(|i| i as u32 + 1),
            );
            line_starts.sort_unstable();
        }
        Document {
            orig,
            norm,
            tokens,
            masked,
            blocks,
            line_starts,
        }
    }

    /// The heading, list item or table cell a token is in (`None`: ordinary prose).
    pub fn block_of(&self, t: &Token) -> Option<markup::Block> {
        let s = self.orig_span(t).start;
        let i = self.blocks.partition_point(|(r, _)| r.end <= s);
        self.blocks
            .get(i)
            .filter(|(r, _)| r.start <= s)
            .map(|(_, b)| *b)
    }

    /// The folded text of a token.
    #[inline]
    pub fn norm_text(&self, t: &Token) -> &str {
        &self.norm.text[t.start as usize..t.end as usize]
    }

    /// The original span of a token.
    #[inline]
    pub fn orig_span(&self, t: &Token) -> Range<usize> {
        let (s, e) = self.norm.to_orig(t.start as usize, t.end as usize);
        s..e
    }

    /// The original text of a token.
    #[inline]
    pub fn orig_text(&self, t: &Token) -> &'a str {
        let r = self.orig_span(t);
        &self.orig[r]
    }

    /// The original span from the start of token `a` to the end of token `b` (inclusive).
    pub fn orig_span_tokens(&self, a: usize, b: usize) -> Range<usize> {
        let (s, _) = self
            .norm
            .to_orig(self.tokens[a].start as usize, self.tokens[a].end as usize);
        let (_, e) = self
            .norm
            .to_orig(self.tokens[b].start as usize, self.tokens[b].end as usize);
        s..e
    }

    /// Map a folded span to the original.
    #[inline]
    pub fn norm_to_orig(&self, start: usize, end: usize) -> Range<usize> {
        let (s, e) = self.norm.to_orig(start, end);
        s..e
    }

    /// 1-based line and column (in characters) of an original byte offset (for many
    /// increasing offsets use [`LineCursor`]).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s as usize <= offset);
        let start = self.line_starts[line - 1] as usize;
        let col = self.orig[start..offset].chars().count() + 1;
        (line, col)
    }

    /// Number of word tokens (the length measure of the score).
    pub fn word_count(&self) -> usize {
        self.tokens.iter().filter(|t| t.is_word()).count()
    }

    /// The same document with these original byte ranges masked as well: their tokens are
    /// gone, as if they were markup (used to hide a passage in another language from the
    /// English detectors).
    pub fn hiding(&self, mut ranges: Vec<Range<usize>>) -> Document<'a> {
        ranges.sort_by_key(|r| r.start);
        let tokens = self
            .tokens
            .iter()
            .filter(|t| {
                let r = self.orig_span(t);
                !overlaps_any(&ranges, r.start, r.end)
            })
            .copied()
            .collect();
        let mut masked = self.masked.clone();
        masked.extend(ranges);
        masked.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(masked.len());
        for r in masked {
            match merged.last_mut() {
                Some(l) if r.start <= l.end => l.end = l.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Document {
            orig: self.orig,
            norm: self.norm.clone(),
            tokens,
            masked: merged,
            blocks: self.blocks.clone(),
            line_starts: self.line_starts.clone(),
        }
    }

    /// Is this original byte range inside a masked region?
    pub fn is_masked(&self, start: usize, end: usize) -> bool {
        overlaps_any(&self.masked, start, end)
    }
}

/// Line and column lookups for offsets visited in increasing order, in linear total time.
#[derive(Debug)]
pub struct LineCursor<'d, 'a> {
    doc: &'d Document<'a>,
    offset: usize,
    line: usize,
    col: usize,
}

impl<'d, 'a> LineCursor<'d, 'a> {
    /// A cursor at the start of the document.
    pub fn new(doc: &'d Document<'a>) -> Self {
        LineCursor {
            doc,
            offset: 0,
            line: 1,
            col: 1,
        }
    }

    /// 1-based line and column (in characters) of `offset`; offsets before the previous one
    /// fall back to a fresh lookup.
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            return self.doc.line_col(offset);
        }
        let (line, _) = (
            self.doc
                .line_starts
                .partition_point(|&s| s as usize <= offset),
            (),
        );
        if line != self.line {
            let (l, c) = self.doc.line_col(offset);
            (self.line, self.col, self.offset) = (l, c, offset);
            return (l, c);
        }
        self.col += self.doc.orig[self.offset..offset].chars().count();
        self.offset = offset;
        (self.line, self.col)
    }
}

fn overlaps_any(ranges: &[Range<usize>], s: usize, e: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= s);
    ranges.get(i).is_some_and(|r| r.start < e.max(s + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let d = Document::new("ab\n\u{e9}t\u{e9} x\r\ny");
        let x = d.orig.find('x').unwrap();
        assert_eq!(d.line_col(x), (2, 5));
        let y = d.orig.find('y').unwrap();
        assert_eq!(d.line_col(y), (3, 1));
        assert_eq!(d.line_col(0), (1, 1));
    }

    #[test]
    fn lone_cr_breaks_lines() {
        let d = Document::new("a\rb");
        assert_eq!(d.line_col(2), (2, 1));
    }

    #[test]
    fn mask_drops_tokens() {
        let text = "keep `code here` keep";
        let s = text.find('`').unwrap();
        let e = text.rfind('`').unwrap() + 1;
        let d = Document::with_mask(text, std::iter::once(s..e).collect());
        let words: Vec<_> = d.tokens.iter().map(|t| d.orig_text(t)).collect();
        assert_eq!(words, ["keep", "keep"]);
    }
}

#[cfg(test)]
mod cursor_tests {
    use super::*;

    #[test]
    fn cursor_agrees_with_direct_lookup() {
        let text = "ab\u{e9}c d\u{2019}e\nfgh \u{e9}\u{e9} ij\n\nk";
        let d = Document::new(text);
        let mut c = LineCursor::new(&d);
        for (i, _) in text.char_indices() {
            assert_eq!(c.line_col(i), d.line_col(i), "offset {i}");
        }
        assert_eq!(c.line_col(0), (1, 1));
    }
}
