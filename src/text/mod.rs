//! Text model: the original text, its normalized view, tokens, sentences and lines.
//!
//! Every detector reads one [`Document`]; nothing downstream re-tokenizes. Token offsets are
//! byte offsets into the *folded* text (`doc.norm.text`); [`Document::orig_span`] maps them back
//! to the original.

pub mod normalize;
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
        let norm = Normalized::new(orig);
        let mut tokens = tokenize::tokenize(orig, &norm);
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
            line_starts,
        }
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

    /// 1-based line and column (in characters) of an original byte offset.
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

    /// Is this original byte range inside a masked region?
    pub fn is_masked(&self, start: usize, end: usize) -> bool {
        overlaps_any(&self.masked, start, end)
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
