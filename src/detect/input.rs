//! `input.invalid-utf8`: bytes that were not valid text.
//!
//! Files are decoded lossily (see [`crate::text::decode`]): each invalid byte sequence becomes
//! U+FFFD, which never belongs in English prose. This detector flags every run of U+FFFD, in
//! prose or not (the input is broken wherever it is); when the text came from a file,
//! [`DecodedText::describe`](crate::text::decode::DecodedText::describe) names the bytes and
//! their offset in the input. Text that already holds U+FFFD (decoded lossily upstream, e.g. a
//! scraped page) is flagged the same way.

use super::Detector;
use crate::finding::{Category, Hit, Severity};
use crate::rules::BuiltinRule;
use crate::text::Document;

/// The rule id.
pub const INVALID_UTF8_RULE: &str = "input.invalid-utf8";

/// Confidence of a finding: the bytes are certainly broken, but a broken encoding says little
/// about spinning, so a run weighs half a garble warning in the score.
const CONFIDENCE: f64 = 0.5;

/// The rule.
pub const RULE: BuiltinRule = BuiltinRule {
    id: INVALID_UTF8_RULE,
    category: Category::Garble,
    severity: Severity::Warning,
    message: "bytes that are not valid UTF-8 were replaced by U+FFFD here",
    doc: "The input had bytes that are not valid in its encoding (e.g. Latin-1 text read as \
          UTF-8, or a file cut in the middle of a character). unspun decodes it anyway, replacing \
          each invalid sequence by U+FFFD, and reports one finding per run of them with the byte \
          offset in the input. Offsets of all findings are into the decoded text: U+FFFD is 3 \
          bytes, so each replaced sequence of n bytes moves later offsets by 3 - n. Text that \
          already contains U+FFFD (decoded lossily before it reached unspun) is flagged too. \
          Files with invalid bytes are never rewritten by --fix.",
    file: "src/detect/input.rs",
    fix_safe: false,
    fire: &[
        "The caf\u{FFFD} opened in 2017.",
        "Broken \u{FFFD}\u{FFFD} bytes.",
    ],
    clean: &["The caf\u{e9} opened in 2017.", "A plain sentence."],
};

/// Build the detector.
pub fn make(rule: usize) -> Box<dyn Detector> {
    Box::new(InvalidUtf8 { rule })
}

struct InvalidUtf8 {
    rule: usize,
}

impl Detector for InvalidUtf8 {
    fn language_independent(&self) -> bool {
        true
    }

    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        const FFFD: &[u8] = "\u{FFFD}".as_bytes();
        let bytes = doc.orig.as_bytes();
        let mut it = memchr::memmem::find_iter(bytes, FFFD).peekable();
        while let Some(start) = it.next() {
            let mut end = start + FFFD.len();
            while it.peek() == Some(&end) {
                it.next();
                end += FFFD.len();
            }
            out.push(Hit::new(self.rule, start..end, CONFIDENCE));
        }
    }
}
