//! Bytes to text: what unspun does with a file's bytes before checking them.
//!
//! * UTF-8, with or without a byte-order mark (the mark is dropped: offsets are into the text
//!   after it).
//! * UTF-16 (little or big endian) with a byte-order mark, decoded to UTF-8.
//! * Bytes that are not valid in the encoding are replaced by U+FFFD (one per maximal invalid
//!   sequence, as [`String::from_utf8_lossy`] does) and remembered as [`Replacement`]s, so the
//!   `input.invalid-utf8` findings can name the byte offset in the input.
//! * A file with a NUL byte in its first 8 KiB (and no UTF-16 mark) is binary: not decoded
//!   at all, as ripgrep does. UTF-32 is reported as such and not decoded either.
//!
//! All offsets of findings are byte offsets into the decoded text. Up to the first replaced
//! sequence they equal offsets into a UTF-8 input (minus 3 after a byte-order mark); each
//! replaced sequence of `n` bytes moves later offsets by `3 - n` (U+FFFD is 3 bytes in UTF-8).

use std::ops::Range;

/// How many leading bytes are searched for a NUL to call a file binary.
pub const BINARY_SNIFF: usize = 8192;

const BOM_UTF8: &[u8] = b"\xEF\xBB\xBF";

/// The encoding a text was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16, little endian, with a byte-order mark.
    Utf16Le,
    /// UTF-16, big endian, with a byte-order mark.
    Utf16Be,
}

impl Encoding {
    /// The name shown in messages.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
}

/// One sequence of input bytes that was not valid and became U+FFFD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    /// Byte offset of the U+FFFD in the decoded text.
    pub at: usize,
    /// Byte offset of the sequence in the input.
    pub input: usize,
    /// The invalid bytes (the first `len` of them).
    pub bytes: [u8; 4],
    /// How many bytes were replaced (1 to 4).
    pub len: u8,
}

impl Replacement {
    /// The replaced bytes in hex (`0xE9 0x20`).
    pub fn hex(&self) -> String {
        self.bytes[..self.len as usize]
            .iter()
            .map(|b| format!("0x{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A decoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText {
    /// The text (no byte-order mark).
    pub text: String,
    /// What it was decoded from.
    pub encoding: Encoding,
    /// Invalid sequences replaced by U+FFFD, in order.
    pub replaced: Vec<Replacement>,
}

/// What the bytes of an input are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// Text to check.
    Text(DecodedText),
    /// Not text: skipped, with the reason (`binary file (NUL byte at offset 12)`).
    Binary(String),
}

/// Decode a whole input.
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_prefix(bytes, false)
}

/// Decode an input; `cut` says the bytes are only its first part (a size limit), so a
/// character cut in two at the end is dropped instead of replaced.
pub fn decode_prefix(bytes: &[u8], cut: bool) -> Decoded {
    if bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Decoded::Binary("UTF-32 text is not supported (convert it to UTF-8)".into());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Decoded::Text(utf16(rest, false, cut));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Decoded::Text(utf16(rest, true, cut));
    }
    if let Some(at) = memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]) {
        return Decoded::Binary(format!("binary file (NUL byte at offset {at})"));
    }
    let (body, encoding, base) = match bytes.strip_prefix(BOM_UTF8) {
        Some(rest) => (rest, Encoding::Utf8Bom, BOM_UTF8.len()),
        None => (bytes, Encoding::Utf8, 0),
    };
    Decoded::Text(utf8(body, encoding, base, cut))
}

/// Decode UTF-8 (no byte-order mark or binary check), replacing invalid sequences; `cut` as
/// in [`decode_prefix`].
pub fn utf8_lossy(bytes: &[u8], cut: bool) -> DecodedText {
    utf8(bytes, Encoding::Utf8, 0, cut)
}

fn utf8(bytes: &[u8], encoding: Encoding, base: usize, cut: bool) -> DecodedText {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return DecodedText {
            text: s.to_string(),
            encoding,
            replaced: Vec::new(),
        };
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut replaced = Vec::new();
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        text.push_str(chunk.valid());
        let bad = chunk.invalid();
        if bad.is_empty() {
            continue;
        }
        // A character cut in two by the size limit is not an error in the input.
        if cut && chunks.peek().is_none() && incomplete_utf8(bad) {
            break;
        }
        replaced.push(Replacement {
            at: text.len(),
            input: base + at_input(bytes, bad),
            bytes: four(bad),
            len: bad.len() as u8,
        });
        text.push('\u{FFFD}');
    }
    DecodedText {
        text,
        encoding,
        replaced,
    }
}

/// Offset of the sub-slice `part` inside `whole`.
fn at_input(whole: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// Is `bad` the start of a UTF-8 character that the end of the input cut off?
fn incomplete_utf8(bad: &[u8]) -> bool {
    let need = match bad[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return false,
    };
    bad.len() < need && bad[1..].iter().all(|&b| b & 0xC0 == 0x80)
}

fn four(b: &[u8]) -> [u8; 4] {
    let mut out = [0u8; 4];
    let n = b.len().min(4);
    out[..n].copy_from_slice(&b[..n]);
    out
}

fn utf16(bytes: &[u8], big_endian: bool, cut: bool) -> DecodedText {
    let encoding = if big_endian {
        Encoding::Utf16Be
    } else {
        Encoding::Utf16Le
    };
    let units = bytes.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2 * 3 / 2 + 4);
    let mut replaced = Vec::new();
    // Input offset of the next unit (after the 2-byte mark).
    let mut input = 2usize;
    let n_units = bytes.len() / 2;
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) => {
                text.push(c);
                input += 2 * c.len_utf16();
            }
            Err(e) => {
                // A high surrogate cut off by the size limit at the very end is dropped.
                if cut
                    && input == 2 + 2 * (n_units - 1)
                    && (0xD800..0xDC00).contains(&e.unpaired_surrogate())
                {
                    input += 2;
                    continue;
                }
                let u = e.unpaired_surrogate();
                let b = if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                };
                replaced.push(Replacement {
                    at: text.len(),
                    input,
                    bytes: [b[0], b[1], 0, 0],
                    len: 2,
                });
                text.push('\u{FFFD}');
                input += 2;
            }
        }
    }
    if bytes.len() % 2 == 1 && !cut {
        replaced.push(Replacement {
            at: text.len(),
            input: 2 + bytes.len() - 1,
            bytes: [bytes[bytes.len() - 1], 0, 0, 0],
            len: 1,
        });
        text.push('\u{FFFD}');
    }
    DecodedText {
        text,
        encoding,
        replaced,
    }
}

impl DecodedText {
    /// Encode an edited version of the text back the way the input was written (mark and
    /// encoding); `None` when the input had invalid bytes (they cannot be written back as
    /// they were, so the file must not be rewritten).
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        if !self.replaced.is_empty() {
            return None;
        }
        Some(match self.encoding {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [BOM_UTF8, text.as_bytes()].concat(),
            Encoding::Utf16Le => {
                let mut out = vec![0xFF, 0xFE];
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                out
            }
            Encoding::Utf16Be => {
                let mut out = vec![0xFE, 0xFF];
                out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
                out
            }
        })
    }

    /// The replacements inside the decoded byte range `r`.
    pub fn replaced_in(&self, r: Range<usize>) -> &[Replacement] {
        let a = self.replaced.partition_point(|x| x.at < r.start);
        let b = self.replaced.partition_point(|x| x.at < r.end);
        &self.replaced[a..b]
    }

    /// Say where in the input the invalid bytes behind each `input.invalid-utf8` finding were
    /// (the detector only sees U+FFFD in the text).
    pub fn describe(&self, findings: &mut [crate::Finding]) {
        if self.replaced.is_empty() {
            return;
        }
        for f in findings
            .iter_mut()
            .filter(|f| f.rule == crate::detect::INVALID_UTF8_RULE)
        {
            let reps = self.replaced_in(f.start..f.end);
            let (Some(first), Some(last)) = (reps.first(), reps.last()) else {
                continue;
            };
            let what = format!("invalid {}", self.encoding.name());
            f.message = if reps.len() == 1 {
                format!(
                    "{what}: byte{} {} at byte offset {} of the input, replaced by U+FFFD",
                    if first.len == 1 { "" } else { "s" },
                    first.hex(),
                    first.input
                )
            } else {
                format!(
                    "{what}: {} invalid sequences at byte offsets {}..{} of the input \
                     (first: {}), each replaced by U+FFFD",
                    reps.len(),
                    first.input,
                    last.input + last.len as usize,
                    first.hex()
                )
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: Decoded) -> DecodedText {
        match d {
            Decoded::Text(t) => t,
            Decoded::Binary(m) => panic!("binary: {m}"),
        }
    }

    #[test]
    fn valid_utf8_and_bom() {
        let t = text(decode("caf\u{e9}".as_bytes()));
        assert_eq!((t.text.as_str(), t.encoding), ("caf\u{e9}", Encoding::Utf8));
        let t = text(decode(b"\xEF\xBB\xBFabc"));
        assert_eq!((t.text.as_str(), t.encoding), ("abc", Encoding::Utf8Bom));
        assert_eq!(t.encode("abd").unwrap(), b"\xEF\xBB\xBFabd");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_located() {
        let t = text(decode(b"ab\xE9 cd\xF0\x9F\x98 e\xFF\xFE"));
        assert_eq!(t.text, "ab\u{FFFD} cd\u{FFFD} e\u{FFFD}\u{FFFD}");
        let inputs: Vec<usize> = t.replaced.iter().map(|r| r.input).collect();
        assert_eq!(inputs, [2, 6, 11, 12]);
        let ats: Vec<usize> = t.replaced.iter().map(|r| r.at).collect();
        for &a in &ats {
            assert_eq!(&t.text[a..a + 3], "\u{FFFD}");
        }
        assert_eq!(t.replaced[1].hex(), "0xF0 0x9F 0x98");
        assert!(t.encode("x").is_none(), "lossy text is never written back");
        // With a BOM, input offsets count it.
        let t = text(decode(b"\xEF\xBB\xBFa\x80"));
        assert_eq!(t.replaced[0].input, 4);
    }

    #[test]
    fn a_character_cut_by_the_limit_is_dropped() {
        let t = text(decode_prefix(
            "ab\u{e9}".as_bytes().split_last().unwrap().1,
            true,
        ));
        assert_eq!((t.text.as_str(), t.replaced.len()), ("ab", 0));
        // Not cut: the same bytes are invalid.
        let t = text(decode("ab\u{e9}".as_bytes().split_last().unwrap().1));
        assert_eq!((t.text.as_str(), t.replaced.len()), ("ab\u{FFFD}", 1));
        // Cut, but the last bytes are not the start of a character: still invalid.
        let t = text(decode_prefix(b"ab\xFF", true));
        assert_eq!(t.replaced.len(), 1);
    }

    #[test]
    fn utf16_with_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "h\u{e9} \u{1F600}"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let t = text(decode(&le));
        assert_eq!(
            (t.text.as_str(), t.encoding),
            ("h\u{e9} \u{1F600}", Encoding::Utf16Le)
        );
        assert_eq!(t.encode(&t.text).unwrap(), le);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("ok".encode_utf16().flat_map(u16::to_be_bytes))
            .chain([0xD8, 0x00, 0x00, 0x41, 0x00])
            .collect();
        let t = text(decode(&be));
        assert_eq!(t.text, "ok\u{FFFD}A\u{FFFD}");
        assert_eq!(t.replaced[0].input, 6);
        assert_eq!(t.replaced[1].input, 10);
    }

    #[test]
    fn binary_and_utf32() {
        assert_eq!(
            decode(b"abc\0def"),
            Decoded::Binary("binary file (NUL byte at offset 3)".into())
        );
        assert!(
            matches!(decode(b"\xFF\xFE\0\0a\0\0\0"), Decoded::Binary(m) if m.contains("UTF-32"))
        );
        // A NUL after the first 8 KiB does not make a file binary.
        let mut late = vec![b'a'; BINARY_SNIFF];
        late.push(0);
        assert!(matches!(decode(&late), Decoded::Text(_)));
        assert_eq!(text(decode(b"")).text, "");
    }
}
