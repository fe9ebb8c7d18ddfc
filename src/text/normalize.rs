//! The normalized view of a text and the map from its byte offsets back to the original.
//!
//! Matching works on a folded copy of the text: Unicode NFC, lower case, curly quotes folded to
//! straight ones, dash variants folded to `-`, every run of horizontal white space folded to one
//! space, and CRLF or a lone CR folded to one line break. A span found in the folded copy maps
//! back to an exact span of the original, always on char boundaries.
//!
//! The map is stored as *anchors*, not per byte: folded text advances in lockstep with the
//! original (byte for byte) except at the few places where a fold changes the length (a curly
//! quote, a collapsed space, an NFC composition). Each such place records an anchor, so the map
//! costs nothing for plain ASCII and little for typical text, whatever the document's length.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// One change point of the offset map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    /// Folded byte offset where this stretch starts.
    folded: u32,
    /// Original byte offset where this stretch starts.
    orig: u32,
    /// `true`: bytes advance one for one from here; `false`: one irregular unit (its folded bytes
    /// all come from the original bytes up to the next anchor's `orig`).
    lockstep: bool,
}

/// A folded copy of a text plus the offset map back to the original.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The folded text.
    pub text: String,
    anchors: Vec<Anchor>,
}

/// Fold one character; `None` keeps its lower case.
#[inline]
fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' | '\u{FF02}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{2028}' | '\u{2029}' | '\u{0085}' => '\n',
        '\u{2026}' => '.',
        c if c.is_whitespace() => ' ',
        _ => return None,
    })
}

/// ASCII bytes that always fold to themselves (lower-cased): everything but white space and
/// bytes of multi-byte characters. A space or line break is one for one too unless it follows
/// another one; that is decided in context.
const ONE_FOR_ONE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = !(b as u8).is_ascii_whitespace();
        b += 1;
    }
    t
};

/// The first index from `i` on whose byte does not fold one for one: anything but ASCII that
/// is not white space, line breaks, and a space that does not follow a space or a line break
/// (`after_space` tells whether the byte before `i` is one). Eight bytes at a time; it may
/// stop early at an ASCII control character, which the caller then looks at itself.
#[inline]
fn skip_one_for_one(bytes: &[u8], mut i: usize, mut after_space: bool) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    /// The high bit of each byte of `w` equal to `b` (exact: no carries between bytes).
    #[inline(always)]
    fn eq(w: u64, b: u8) -> u64 {
        let v = w ^ (LO * b as u64);
        !(((v & LOW7) + LOW7) | v) & HI
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let non_ascii = w & HI;
        // ASCII bytes below 0x20 (for non-ASCII bytes the bit is meaningless, they stop anyway).
        let control = !((w & LOW7) + 0x6060_6060_6060_6060) & HI;
        let nl = eq(w, b'\n');
        let sp = eq(w, b' ');
        let spacy = sp | nl;
        let prev_spacy = (spacy << 8) | if after_space { 0x80 } else { 0 };
        let stop = non_ascii | (control & !nl) | (sp & prev_spacy);
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        after_space = spacy >> 63 != 0;
        i += 8;
    }
    while let Some(&c) = bytes.get(i) {
        let one = c == b'\n' || (c == b' ' && !after_space) || ONE_FOR_ONE[c as usize];
        if !one {
            break;
        }
        after_space = matches!(c, b' ' | b'\n');
        i += 1;
    }
    i
}

struct Builder<'a> {
    orig: &'a str,
    text: String,
    anchors: Vec<Anchor>,
    /// The last folded char was a space or line break (a following space is dropped).
    last_space: bool,
}

impl Builder<'_> {
    /// Record that the original bytes `o_start..o_end` produced the folded bytes appended since
    /// `f_start`, when that is not a one-for-one stretch.
    #[inline]
    fn irregular(&mut self, f_start: usize, o_start: usize, o_end: usize) {
        let f_end = self.text.len();
        if f_end - f_start == o_end - o_start && self.in_lockstep() {
            return;
        }
        self.anchors.push(Anchor {
            folded: f_start as u32,
            orig: o_start as u32,
            lockstep: false,
        });
        self.anchors.push(Anchor {
            folded: f_end as u32,
            orig: o_end as u32,
            lockstep: true,
        });
    }

    #[inline]
    fn in_lockstep(&self) -> bool {
        self.anchors.last().is_none_or(|a| a.lockstep)
    }

    /// Fold one original character (`o_start..o_end`) into the text.
    #[inline]
    fn push_char(&mut self, c: char, o_start: usize, o_end: usize) {
        let f_start = self.text.len();
        let folded = fold_char(c);
        match folded {
            Some(' ') => {
                if !self.last_space {
                    self.text.push(' ');
                    self.last_space = true;
                }
            }
            Some(f) => {
                self.text.push(f);
                self.last_space = f == '\n';
            }
            None => {
                if c.is_ascii() {
                    self.text.push(c.to_ascii_lowercase());
                } else if c.is_lowercase() || !c.is_alphabetic() {
                    self.text.push(c);
                } else {
                    self.text.extend(c.to_lowercase());
                }
                self.last_space = false;
            }
        }
        self.irregular(f_start, o_start, o_end);
    }
}

impl Normalized {
    /// Fold `orig` into its normalized view.
    ///
    /// # Panics
    /// When `orig` is 4 GiB or longer (offsets are 32-bit); callers cap document sizes first.
    pub fn new(orig: &str) -> Normalized {
        Self::build(orig, &[], true)
    }

    /// Fold `orig` without the original ranges `dropped` (sorted, disjoint, on char
    /// boundaries): they fold to nothing, so `assail<b>ants` with the tag dropped reads
    /// `assailants`, and a span across a dropped range maps back to the original span that
    /// includes it.
    pub fn without(orig: &str, dropped: &[std::ops::Range<usize>]) -> Normalized {
        Self::build(orig, dropped, true)
    }

    /// `bulk`: copy one-for-one ASCII runs in bulk (always, except to test that it changes
    /// nothing).
    fn build(orig: &str, dropped: &[std::ops::Range<usize>], bulk: bool) -> Normalized {
        assert!(
            orig.len() < u32::MAX as usize,
            "documents are limited to 4 GiB"
        );
        let mut b = Builder {
            orig,
            text: String::with_capacity(orig.len()),
            anchors: Vec::new(),
            last_space: false,
        };
        // The stretches between dropped ranges are folded one after the other; each dropped
        // range is a jump of the original offset at one folded offset.
        let mut from = 0;
        for k in 0..=dropped.len() {
            let (seg_end, next) = match dropped.get(k) {
                Some(d) if d.start >= from && d.end <= orig.len() => (d.start, Some(d.end)),
                Some(_) => continue,
                None => (orig.len(), None),
            };
            b.fold_stretch(from, seg_end, bulk);
            if let Some(end) = next {
                b.anchors.push(Anchor {
                    folded: b.text.len() as u32,
                    orig: end as u32,
                    lockstep: true,
                });
                from = end;
            }
        }
        Normalized {
            text: b.text,
            anchors: b.anchors,
        }
    }
}

impl Builder<'_> {
    /// Fold `orig[from..to]`.
    fn fold_stretch(&mut self, from: usize, to: usize, bulk: bool) {
        let b = self;
        let orig = b.orig;
        let bytes = &orig.as_bytes()[..to];
        let mut i = from;
        while i < bytes.len() {
            let byte = bytes[i];
            // A letter followed by non-ASCII may take a combining mark: fold them together.
            let starts_run =
                byte.is_ascii_alphabetic() && bytes.get(i + 1).is_some_and(|&n| n >= 0x80);
            if byte.is_ascii() && !starts_run {
                // The hot path: a run of ASCII that folds one for one (letters, digits,
                // punctuation, line breaks, single spaces) is copied and lower-cased in bulk.
                let mut j = i;
                while bulk && j < bytes.len() {
                    let after_space = |j: usize| {
                        if j > i {
                            matches!(bytes[j - 1], b' ' | b'\n')
                        } else {
                            b.last_space
                        }
                    };
                    j = skip_one_for_one(bytes, j, after_space(j));
                    let Some(&c) = bytes.get(j) else { break };
                    let after_space = after_space(j);
                    if c == b'\n' || (c == b' ' && !after_space) {
                        j += 1;
                    } else {
                        break;
                    }
                }
                // A letter right before non-ASCII may take a combining mark: leave it to the
                // run below.
                if j > i
                    && bytes.get(j).is_some_and(|&n| n >= 0x80)
                    && bytes[j - 1].is_ascii_alphabetic()
                {
                    j -= 1;
                }
                let last_space = j > i && matches!(bytes[j - 1], b' ' | b'\n');
                if j > i {
                    let f = b.text.len();
                    b.text.push_str(&orig[i..j]);
                    b.text[f..].make_ascii_lowercase();
                    b.last_space = last_space;
                    i = j;
                    continue;
                }
                if byte == b'\r' {
                    let f = b.text.len();
                    let end = if bytes.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    b.text.push('\n');
                    b.last_space = true;
                    b.irregular(f, i, end);
                    i = end;
                    continue;
                }
                if byte.is_ascii_alphanumeric() || (byte != b' ' && !byte.is_ascii_whitespace()) {
                    // The hot path: letters, digits and punctuation.
                    b.text.push(byte.to_ascii_lowercase() as char);
                    b.last_space = byte == b'\n';
                } else if byte == b'\n' {
                    b.text.push('\n');
                    b.last_space = true;
                } else {
                    b.push_char(byte as char, i, i + 1);
                }
                i += 1;
                continue;
            }
            // A run of non-ASCII characters: NFC it when needed, then fold char by char.
            let start = i;
            let mut end = if starts_run { i + 1 } else { i };
            while end < bytes.len() && !bytes[end].is_ascii() {
                end += 1;
            }
            let run = &b.orig[start..end];
            if is_nfc_quick(run.chars()) == IsNormalized::Yes {
                for (off, c) in run.char_indices() {
                    b.push_char(c, start + off, start + off + c.len_utf8());
                }
            } else {
                // Composition can merge characters: the whole run is one irregular unit.
                let f_start = b.text.len();
                for c in run.nfc() {
                    match fold_char(c) {
                        Some(' ') if b.last_space => {}
                        Some(f) => {
                            b.text.push(f);
                            b.last_space = f == ' ' || f == '\n';
                        }
                        None => {
                            b.text.extend(c.to_lowercase());
                            b.last_space = false;
                        }
                    }
                }
                b.anchors.push(Anchor {
                    folded: f_start as u32,
                    orig: start as u32,
                    lockstep: false,
                });
                b.anchors.push(Anchor {
                    folded: b.text.len() as u32,
                    orig: end as u32,
                    lockstep: true,
                });
            }
            i = end;
        }
    }
}

impl Normalized {
    /// Does the folded text share offsets with the original?
    pub fn is_identity(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Index of the last anchor at or before folded byte `i`.
    #[inline]
    fn anchor_at(&self, i: usize) -> Option<usize> {
        let n = self.anchors.partition_point(|a| a.folded as usize <= i);
        n.checked_sub(1)
    }

    /// Original byte offset of the character that produced folded byte `i` (a start bound).
    /// `i == text.len()` maps to the end of the original.
    #[inline]
    pub fn orig_start(&self, i: usize) -> usize {
        match self.anchor_at(i) {
            None => i,
            Some(k) => {
                let a = self.anchors[k];
                if a.lockstep {
                    a.orig as usize + (i - a.folded as usize)
                } else {
                    a.orig as usize
                }
            }
        }
    }

    /// Original byte offset for an exclusive end bound `i` in the folded text: the end of the
    /// original character (or unit) that produced folded byte `i - 1`.
    #[inline]
    pub fn orig_end(&self, i: usize) -> usize {
        if i == 0 {
            return 0;
        }
        match self.anchor_at(i - 1) {
            None => i,
            Some(k) => {
                let a = self.anchors[k];
                if a.lockstep {
                    a.orig as usize + (i - a.folded as usize)
                } else {
                    // An irregular unit is always followed by the anchor that ends it.
                    self.anchors[k + 1].orig as usize
                }
            }
        }
    }

    /// A [`Cursor`] for mapping spans in increasing order without a binary search each.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            norm: self,
            start_k: 0,
            end_k: 0,
        }
    }

    /// Index of the last anchor at or before `i`, searching forward from `*k` (which only
    /// moves forward: `i` must not decrease between calls with the same `k`).
    #[inline]
    fn anchor_from(&self, k: &mut usize, i: usize) -> Option<usize> {
        let a = &self.anchors;
        while *k + 1 < a.len() && a[*k + 1].folded as usize <= i {
            *k += 1;
        }
        (a.get(*k)?.folded as usize <= i).then_some(*k)
    }

    /// Map a folded span to the original span.
    #[inline]
    pub fn to_orig(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end {
            let s = self.orig_start(start);
            return (s, s);
        }
        (self.orig_start(start), self.orig_end(end))
    }
}

/// Maps folded spans to original spans for spans visited in increasing order (starts never
/// decrease, ends never decrease), in amortized constant time: the tokenizer's way.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    norm: &'a Normalized,
    start_k: usize,
    end_k: usize,
}

impl Cursor<'_> {
    /// Same as [`Normalized::to_orig`].
    #[inline]
    pub fn to_orig(&mut self, start: usize, end: usize) -> (usize, usize) {
        let n = self.norm;
        if n.anchors.is_empty() {
            return (start, end.max(start));
        }
        let s = match n.anchor_from(&mut self.start_k, start) {
            None => start,
            Some(k) => {
                let a = n.anchors[k];
                if a.lockstep {
                    a.orig as usize + (start - a.folded as usize)
                } else {
                    a.orig as usize
                }
            }
        };
        if start >= end {
            return (s, s);
        }
        let e = match n.anchor_from(&mut self.end_k, end - 1) {
            None => end,
            Some(k) => {
                let a = n.anchors[k];
                if a.lockstep {
                    a.orig as usize + (end - a.folded as usize)
                } else {
                    n.anchors[k + 1].orig as usize
                }
            }
        };
        (s, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every folded char boundary maps to an original char boundary, monotonically.
    fn check_map(orig: &str) -> Normalized {
        let n = Normalized::new(orig);
        let mut last = 0;
        for (i, _) in n.text.char_indices() {
            let s = n.orig_start(i);
            assert!(orig.is_char_boundary(s), "{orig:?} byte {i} -> {s}");
            assert!(s >= last, "{orig:?}: start map not monotonic at {i}");
            last = s;
        }
        for i in 0..=n.text.len() {
            if n.text.is_char_boundary(i) {
                let e = n.orig_end(i);
                assert!(
                    e <= orig.len() && orig.is_char_boundary(e),
                    "{orig:?} end {i} -> {e}"
                );
            }
        }
        n
    }

    fn span_of<'a>(orig: &'a str, n: &Normalized, needle: &str) -> &'a str {
        let i = n.text.find(needle).unwrap();
        let (s, e) = n.to_orig(i, i + needle.len());
        &orig[s..e]
    }

    #[test]
    fn dropped_ranges_fold_to_nothing() {
        let orig = "An <b>Assail</b>ants\u{2019} \u{201c}x</i>y\u{201d} <i>z</i>";
        let drops: Vec<_> = ["</b>", "</i>"]
            .iter()
            .map(|t| {
                let s = orig.find(t).unwrap();
                s..s + t.len()
            })
            .collect();
        let n = Normalized::without(orig, &drops);
        assert_eq!(n.text, "an <b>assailants' \"xy\" <i>z</i>");
        assert_eq!(span_of(orig, &n, "assailants"), "Assail</b>ants");
        assert_eq!(span_of(orig, &n, "assail"), "Assail");
        assert_eq!(span_of(orig, &n, "ants'"), "ants\u{2019}");
        assert_eq!(span_of(orig, &n, "xy"), "x</i>y");
        assert_eq!(span_of(orig, &n, "y"), "y");
        assert_eq!(span_of(orig, &n, "x"), "x");
        // The cursor agrees with the direct map on every span.
        let mut c = n.cursor();
        for st in 0..=n.text.len() {
            let mut c2 = c.clone();
            for e in st..=n.text.len() {
                assert_eq!(c2.to_orig(st, e), n.to_orig(st, e), "{st}..{e}");
            }
            assert_eq!(c.to_orig(st, st), n.to_orig(st, st));
        }
        // Dropping at the very start and end.
        let n = Normalized::without("<b>ab</b>", &[0..3, 5..9]);
        assert_eq!(n.text, "ab");
        assert_eq!(n.to_orig(0, 2), (3, 5));
    }

    #[test]
    fn cursor_maps_like_to_orig() {
        for t in [
            "Caf\u{e9}  \u{201c}quoted\u{201d} \u{2014} e\u{301}te\u{301}\r\nnext   line \u{2026} end",
            "plain ascii only",
            "\u{201c}\u{201d}\u{201c}",
        ] {
            let n = Normalized::new(t);
            let len = n.text.len();
            let mut c = n.cursor();
            // Every span in increasing order of start, then end: as the tokenizer visits them.
            for s in 0..=len {
                let mut c2 = c.clone();
                for e in s..=len {
                    assert_eq!(c2.to_orig(s, e), n.to_orig(s, e), "{s}..{e} in {t:?}");
                }
                assert_eq!(c.to_orig(s, s), n.to_orig(s, s));
            }
        }
    }

    #[test]
    fn bulk_copy_changes_nothing_on_mixed_runs() {
        // Every short sequence over bytes the skip treats differently, at every alignment.
        let parts = [
            "a", "B", " ", "\n", "\t", "\r", "\u{1}", "\u{e9}", "\u{301}", ".",
        ];
        let mut seed = 12345u64;
        for _ in 0..4000 {
            let mut t = String::new();
            let len = (seed % 40) as usize;
            for _ in 0..len {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let fast = Normalized::build(&t, &[], true);
            let slow = Normalized::build(&t, &[], false);
            assert_eq!(fast.text, slow.text, "{t:?}");
            assert_eq!(fast.anchors, slow.anchors, "{t:?}");
        }
    }

    #[test]
    fn bulk_copy_changes_nothing() {
        for t in [
            "Plain text, with punctuation; and 123 numbers.\nNew line  two spaces\t tab.",
            "CRLF\r\nlone CR\r end \u{0}\u{1} control \u{b}vt \u{c}ff",
            "  leading spaces\n\n  indented   runs   ",
            "Cafe\u{301} e\u{301}te\u{301} caf\u{e9} \u{201c}Quoted\u{201d} \u{2014} dash",
            "A\u{300}B na\u{ef}ve \u{2026} ellipsis \u{a0}nbsp\u{a0} x",
            "",
            " ",
        ] {
            let fast = Normalized::build(t, &[], true);
            let slow = Normalized::build(t, &[], false);
            assert_eq!(fast.text, slow.text, "{t:?}");
            assert_eq!(fast.anchors, slow.anchors, "{t:?}");
        }
    }

    #[test]
    fn ascii_is_identity() {
        let n = check_map("Hello World.\nNext\tline");
        assert!(n.is_identity());
        assert_eq!(n.text, "hello world.\nnext line");
        assert_eq!(n.to_orig(6, 11), (6, 11));
    }

    #[test]
    fn folds_quotes_dashes_spaces() {
        let orig = "Trump\u{2019}s  \u{201C}deal\u{201D} \u{2014} done";
        let n = check_map(orig);
        assert_eq!(n.text, "trump's \"deal\" - done");
        assert_eq!(span_of(orig, &n, "deal"), "deal");
        assert_eq!(span_of(orig, &n, "'"), "\u{2019}");
        assert_eq!(span_of(orig, &n, "done"), "done");
        assert_eq!(span_of(orig, &n, "trump's"), "Trump\u{2019}s");
        assert_eq!(span_of(orig, &n, "s \"d"), "s  \u{201C}d");
    }

    #[test]
    fn nfc_and_case() {
        let orig = "Cafe\u{301} \u{C9}TAT Stra\u{DF}e \u{130}stanbul";
        let n = check_map(orig);
        assert!(
            n.text.starts_with("caf\u{E9} \u{E9}tat stra\u{DF}e"),
            "{}",
            n.text
        );
        assert_eq!(span_of(orig, &n, "\u{E9}tat"), "\u{C9}TAT");
        assert_eq!(span_of(orig, &n, "caf\u{E9}"), "Cafe\u{301}");
        assert!(span_of(orig, &n, "stanbul").ends_with("stanbul"));
    }

    #[test]
    fn crlf_and_cr() {
        let orig = "one\r\ntwo\rthree\r\n";
        let n = check_map(orig);
        assert_eq!(n.text, "one\ntwo\nthree\n");
        assert_eq!(span_of(orig, &n, "three"), "three");
        assert_eq!(span_of(orig, &n, "two"), "two");
        assert_eq!(span_of(orig, &n, "one\n"), "one\r\n");
    }

    #[test]
    fn spans_end_before_dropped_characters() {
        let orig = "ab   \u{2019}cd  x";
        let n = check_map(orig);
        assert_eq!(n.text, "ab 'cd x");
        assert_eq!(span_of(orig, &n, "ab"), "ab");
        assert_eq!(span_of(orig, &n, "cd"), "cd");
        assert_eq!(span_of(orig, &n, "x"), "x");
        assert_eq!(span_of(orig, &n, "ab "), "ab ");
    }

    #[test]
    fn empty_and_all_space() {
        let n = check_map("");
        assert_eq!(n.text, "");
        let n = check_map("   \t ");
        assert_eq!(n.text, " ");
        assert_eq!(n.to_orig(0, 1), (0, 1));
    }
}
