//! Between the library's byte offsets and the protocol's positions (line, UTF-16 code unit),
//! and from findings to diagnostics.

use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range};
use unspun::{Finding, Severity};

/// The line starts of a text, as the protocol counts lines: `\n`, `\r\n` and a lone `\r` end a
/// line (the library counts them the same way, so its `line` is this index's line + 1).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

/// The last position found: (line, byte offset, UTF-16 column). Findings come sorted by
/// offset, so most look-ups start from there instead of from the line's start (a document
/// that is one long line stays linear).
type Memo = (usize, usize, u32);

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(j) = memchr::memchr2(b'\n', b'\r', &b[i..]) {
            let at = i + j;
            let next = if b[at] == b'\r' && b.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            starts.push(next);
            i = next;
        }
        LineIndex { starts }
    }

    #[cfg(test)]
    /// Number of lines (a text ending with a line break has an empty last line).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where a line starts (the text's length past the last line).
    pub fn line_start(&self, text: &str, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(text.len())
    }

    /// Byte offset where a line's content ends (before its line break).
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return text.len();
        };
        let b = text.as_bytes();
        let mut end = next;
        if end > 0 && b[end - 1] == b'\n' {
            end -= 1;
        }
        if end > 0 && b[end - 1] == b'\r' && end > self.line_start(text, line) {
            end -= 1;
        }
        end
    }

    /// The line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// The position of a byte offset (clamped to the text, rounded down to a character).
    #[cfg(test)]
    pub fn position(&self, text: &str, offset: usize) -> Position {
        self.position_after(text, offset, &mut (0, 0, 0))
    }

    fn position_after(&self, text: &str, offset: usize, memo: &mut Memo) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let (l, at, col) = *memo;
        let (from, base) = if l == line && at <= offset {
            (at, col)
        } else {
            (self.starts[line], 0)
        };
        let col = base + utf16_len(&text[from..offset]);
        *memo = (line, offset, col);
        Position::new(line as u32, col)
    }

    /// The range of a byte span.
    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        self.range_after(text, start, end, &mut (0, 0, 0))
    }

    fn range_after(&self, text: &str, start: usize, end: usize, memo: &mut Memo) -> Range {
        let s = self.position_after(text, start, memo);
        let mut from_start = *memo;
        let e = self.position_after(text, end, &mut from_start);
        Range::new(s, e)
    }

    /// The ranges of byte spans sorted by start (in linear time on a single long line).
    pub fn ranges(&self, text: &str, spans: impl Iterator<Item = (usize, usize)>) -> Vec<Range> {
        let mut memo = (0, 0, 0);
        spans
            .map(|(s, e)| self.range_after(text, s, e, &mut memo))
            .collect()
    }

    /// The byte offset of a position. A column past the line's end means its end; a line past
    /// the text, the text's end; a column inside a character (half of a surrogate pair), that
    /// character's start.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.starts[line];
        let end = self.line_end(text, line);
        let mut units = 0u32;
        for (i, c) in text[start..end].char_indices() {
            let next = units + c.len_utf16() as u32;
            if next > pos.character {
                return start + i;
            }
            units = next;
        }
        end
    }
}

/// Length of a string in UTF-16 code units.
pub fn utf16_len(s: &str) -> u32 {
    // ASCII is one unit a byte: count the rest character by character.
    if s.is_ascii() {
        return s.len() as u32;
    }
    s.chars().map(|c| c.len_utf16() as u32).sum()
}

/// The diagnostic of a finding: severity from the finding's, the rule id as `code`, `unspun` as
/// `source`, the finding's message, and in `data` what a client may want to show or act on
/// (the suggestion, category, confidence and the flagged text).
pub fn diagnostic(f: &Finding, range: Range) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(f.rule.clone())),
        code_description: None,
        source: Some("unspun".to_string()),
        message: f.message.clone(),
        related_information: None,
        tags: None,
        data: Some(serde_json::json!({
            "suggestion": f.suggestion,
            "category": f.category,
            "confidence": f.confidence,
            "text": f.text,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        // 😀 is one character, 4 bytes in UTF-8 and 2 units in UTF-16; é is 2 bytes, 1 unit.
        let text = "ok 😀 é thatRussia\nnext 😀😀 line\r\nthird\rfourth";
        let idx = LineIndex::new(text);
        assert_eq!(idx.lines(), 4);
        let at = text.find("thatRussia").unwrap();
        assert_eq!(at, 11);
        assert_eq!(idx.position(text, at), Position::new(0, 8));
        assert_eq!(
            idx.range(text, at, at + "thatRussia".len()),
            Range::new(Position::new(0, 8), Position::new(0, 18))
        );
        let line = text.find("line").unwrap();
        assert_eq!(idx.position(text, line), Position::new(1, 10));
        assert_eq!(
            idx.position(text, text.find("third").unwrap()),
            Position::new(2, 0)
        );
        assert_eq!(
            idx.position(text, text.find("fourth").unwrap()),
            Position::new(3, 0)
        );
        // Back again, for every character boundary, in any order.
        // (The `\n` of a `\r\n` is no place of its own: it maps to the line's end.)
        for (i, _) in text.char_indices().rev() {
            if text[i..].starts_with('\n') && text[..i].ends_with('\r') {
                continue;
            }
            assert_eq!(idx.offset(text, idx.position(text, i)), i, "offset {i}");
        }
        // Inside a surrogate pair: the character's start; past a line's end: its end.
        let emoji = text.find('😀').unwrap();
        assert_eq!(idx.offset(text, Position::new(0, 4)), emoji);
        assert_eq!(
            idx.offset(text, Position::new(1, 99)),
            idx.line_end(text, 1)
        );
        assert_eq!(idx.line_end(text, 1), text.find("\r\n").unwrap());
        assert_eq!(idx.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn one_long_line_is_linear_and_right() {
        let text = "é".repeat(50_000) + " thatRussia";
        let idx = LineIndex::new(&text);
        let at = text.find("that").unwrap();
        assert_eq!(idx.position(&text, at), Position::new(0, 50_001));
        let spans = (0..50_000).map(|i| (2 * i, 2 * i + 2));
        let ranges = idx.ranges(&text, spans);
        assert_eq!(
            ranges[49_999],
            Range::new(Position::new(0, 49_999), Position::new(0, 50_000))
        );
        // An earlier offset after a later one is still right.
        assert_eq!(idx.position(&text, 2), Position::new(0, 1));
    }
}
