//! The tokenizer: one pass over the folded text, consulting the original only for case and for
//! telling a hyphen from a dash.

use super::Normalized;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (with internal apostrophes and hyphens) or a dotted abbreviation (`u.s.`).
    Word,
    /// Digits, with separators and a letter suffix (`5,000`, `1.50`, `1960s`, `2nd`).
    Number,
    /// One punctuation or symbol character.
    Punct,
    /// A URL or a bare domain name.
    Url,
    /// An e-mail address.
    Email,
    /// A `#hashtag` or `@handle`.
    Handle,
    /// A word with an underscore or digits in it (identifier-like): never prose.
    Code,
}

/// Letter case of a token in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// No cased letters (numbers, punctuation).
    None,
    /// all lower case
    Lower,
    /// First letter upper, the rest lower (`Russia`).
    Title,
    /// ALL UPPER (two or more cased letters).
    Upper,
    /// Anything else: `thatRussia`, `iPhone`, `CyberCrime`.
    Mixed,
}

/// A token: folded byte offsets plus layout facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start byte offset in the folded text.
    pub start: u32,
    /// End byte offset (exclusive) in the folded text.
    pub end: u32,
    /// The token's kind.
    pub kind: TokenKind,
    /// Letter case in the original.
    pub case: Case,
    /// White space separates this token from the previous one.
    pub space_before: bool,
    /// Line breaks between the previous token and this one, capped at 2 (2 = paragraph break).
    pub breaks_before: u8,
    /// This token starts a sentence.
    pub sent_start: bool,
}

impl Token {
    /// A prose word (not a number, URL or code).
    #[inline]
    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    /// Byte length in the folded text.
    #[inline]
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Is the token empty (never true for produced tokens)?
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// This token begins a new paragraph.
    #[inline]
    pub fn para_start(&self) -> bool {
        self.breaks_before >= 2
    }
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || ('\u{300}'..='\u{36F}').contains(&c)
    }
}

#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    let b = *s.as_bytes().get(i)?;
    if b.is_ascii() {
        Some(b as char)
    } else {
        s[i..].chars().next()
    }
}

/// Eight-bytes-at-a-time classification of ASCII bytes (SWAR): each function returns the high
/// bit of every byte of the little-endian word `w` that is in the class.
mod swar {
    const LO: u64 = 0x0101_0101_0101_0101;
    pub(super) const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

    /// ASCII bytes in `lo..=hi` (exact: no carries between bytes).
    #[inline(always)]
    fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
        let x = w & LOW7;
        let ge = (x + LO * (0x80 - lo as u64)) & HI;
        let le = !(x + LO * (0x7F - hi as u64)) & HI;
        ge & le & !w
    }

    #[inline(always)]
    pub(super) fn upper(w: u64) -> u64 {
        in_range(w, b'A', b'Z')
    }

    #[inline(always)]
    pub(super) fn lower(w: u64) -> u64 {
        in_range(w, b'a', b'z')
    }

    #[inline(always)]
    pub(super) fn digit(w: u64) -> u64 {
        in_range(w, b'0', b'9')
    }

    /// How many bytes a class mask holds (without a popcount instruction, which the baseline
    /// x86-64 target lacks: the per-byte 0/1 values are summed by a multiply).
    #[inline(always)]
    pub(super) fn count(mask: u64) -> usize {
        ((mask >> 7).wrapping_mul(LO) >> 56) as usize
    }

    /// Up to 8 bytes as a little-endian word, zero-padded.
    #[inline(always)]
    pub(super) fn load(b: &[u8]) -> u64 {
        let n = b.len();
        if n >= 8 {
            u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
        } else if n >= 4 {
            let lo = u32::from_le_bytes(b[..4].try_into().expect("4 bytes")) as u64;
            let hi = u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes")) as u64;
            lo | hi << (8 * (n - 4))
        } else if n > 0 {
            b[0] as u64 | (b[n / 2] as u64) << (8 * (n / 2)) | (b[n - 1] as u64) << (8 * (n - 1))
        } else {
            0
        }
    }
}

/// Case of an original slice.
pub fn case_of(s: &str) -> Case {
    // ASCII (nearly every word) is counted eight bytes at a time; anything else by characters.
    let bytes = s.as_bytes();
    let mut upper = 0usize;
    let mut lower = 0usize;
    let mut count = |w: u64| {
        if w & swar::HI != 0 {
            return false;
        }
        upper += swar::count(swar::upper(w));
        lower += swar::count(swar::lower(w));
        true
    };
    let chunks = bytes.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        if !count(u64::from_le_bytes(c.try_into().expect("8 bytes"))) {
            return case_of_chars(s);
        }
    }
    if !rest.is_empty() && !count(swar::load(rest)) {
        return case_of_chars(s);
    }
    let first_upper = bytes.first().is_some_and(|b| b.is_ascii_uppercase());
    case_from_counts(upper, lower, first_upper, upper > usize::from(first_upper))
}

/// [`case_of`] of `orig[s..e]`, read in place for a short ASCII word (one 8-byte load, the
/// bytes past `e` masked off).
#[inline]
fn case_at(orig: &str, s: usize, e: usize) -> Case {
    let n = e - s;
    if let (1..=8, Some(c)) = (n, orig.as_bytes().get(s..s + 8)) {
        let mask = if n == 8 {
            u64::MAX
        } else {
            (1u64 << (8 * n)) - 1
        };
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes")) & mask;
        if w & swar::HI == 0 {
            let up = swar::upper(w);
            let upper = swar::count(up);
            let lower = swar::count(swar::lower(w));
            let first_upper = up & 0x80 != 0;
            return case_from_counts(upper, lower, first_upper, upper > usize::from(first_upper));
        }
    }
    case_of(&orig[s..e])
}

/// The case class from letter counts.
#[inline]
fn case_from_counts(
    upper: usize,
    lower: usize,
    first_upper: bool,
    upper_after_first: bool,
) -> Case {
    match (upper, lower) {
        (0, 0) => Case::None,
        (0, _) => Case::Lower,
        (1, _) if first_upper => Case::Title,
        (_, 0) if upper >= 2 => Case::Upper,
        (1, 0) => Case::Title,
        _ if first_upper && !upper_after_first => Case::Title,
        _ => Case::Mixed,
    }
}

/// [`case_of`] over characters (any script).
fn case_of_chars(s: &str) -> Case {
    let mut upper = 0usize;
    let mut lower = 0usize;
    let mut first_upper = false;
    let mut upper_after_first = false;
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() {
            upper += 1;
            if i == 0 {
                first_upper = true;
            } else {
                upper_after_first = true;
            }
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    case_from_counts(upper, lower, first_upper, upper_after_first)
}

const TERMINAL: &[u8] = b".!?";

/// Abbreviations whose trailing period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx", "gov",
    "sen", "rep", "gen", "col", "lt", "sgt", "capt", "no", "vol", "fig", "inc", "ltd", "co",
    "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// [`case_at`] of `orig[s..e]` without the `joins` inside it.
fn case_without(orig: &str, s: usize, e: usize, joins: &[std::ops::Range<usize>]) -> Case {
    let k = joins.partition_point(|j| j.end <= s);
    if joins.get(k).is_none_or(|j| j.start >= e) {
        return case_at(orig, s, e);
    }
    let mut word = String::with_capacity(e - s);
    let mut at = s;
    for j in joins[k..].iter().take_while(|j| j.start < e) {
        word.push_str(&orig[at..j.start.max(at)]);
        at = j.end.min(e);
    }
    word.push_str(&orig[at.min(e)..e]);
    case_of(&word)
}

/// Tokenize the folded text.
///
/// `masked` are sorted, disjoint original byte ranges that are not prose (markup, code): the
/// tokenizer skips them as if they were white space (a masked range holding line breaks counts
/// as those breaks), so tokens, sentence starts and paragraph breaks are those of the prose
/// alone. `para_breaks` are sorted original offsets where markup implies a paragraph break
/// (e.g. between two HTML block elements on one line). `joins` are the sorted original ranges
/// the folded text leaves out (inline markup inside a word): a token's case is read without
/// them.
pub(crate) fn tokenize(
    orig: &str,
    norm: &Normalized,
    masked: &[std::ops::Range<usize>],
    para_breaks: &[usize],
    joins: &[std::ops::Range<usize>],
) -> Vec<Token> {
    let text = norm.text.as_str();
    let bytes = text.as_bytes();
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let mut i = 0;
    let mut space = false;
    let mut breaks = 0u8;
    // Is the next word the start of a sentence?
    let mut at_sent_start = true;
    // Next mask and paragraph break that may lie ahead.
    let mut mi = 0;
    let mut bi = 0;
    // The masked region just skipped stands for a word (inline code).
    let mut word_masked = false;
    let mut cursor = norm.cursor();
    while i < bytes.len() {
        if mi < masked.len() {
            let o = norm.orig_start(i);
            while mi < masked.len() && masked[mi].end <= o {
                mi += 1;
            }
            if let Some(m) = masked.get(mi).filter(|m| m.start <= o) {
                let region = &orig.as_bytes()[m.clone()];
                let nl = memchr::memchr_iter(b'\n', region).count();
                breaks = breaks.saturating_add(nl.min(2) as u8).min(2);
                // Inline code (`x`) stands for a word of its sentence: the word after it does
                // not start one. Tags and comments (`<b>`) do not count; only what follows
                // the region's last line break does.
                let tail = &region[region
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |k| k + 1)..];
                word_masked = tail.first().is_some_and(|&b| b != b'<')
                    && tail.iter().any(u8::is_ascii_alphanumeric);
                space = true;
                while i < bytes.len() && norm.orig_start(i) < m.end {
                    i += char_at(text, i).map_or(1, char::len_utf8);
                }
                continue;
            }
        }
        let b = bytes[i];
        if b == b' ' {
            space = true;
            i += 1;
            continue;
        }
        if b == b'\n' {
            space = true;
            breaks = breaks.saturating_add(1).min(2);
            i += 1;
            continue;
        }
        if bi < para_breaks.len() {
            let o = norm.orig_start(i);
            let prev_end = tokens.last().map_or(0, |t| norm.orig_end(t.end as usize));
            while bi < para_breaks.len() && para_breaks[bi] <= o {
                if para_breaks[bi] >= prev_end {
                    breaks = 2;
                    space = true;
                }
                bi += 1;
            }
        }
        if breaks >= 2 {
            at_sent_start = true;
        }
        if word_masked {
            at_sent_start = false;
            word_masked = false;
        }
        let start = i;
        let c = char_at(text, i).unwrap_or('\u{FFFD}');
        let (mut end, mut kind) = if is_word_char(c) {
            scan_word(orig, norm, i)
        } else if (c == '#' || c == '@')
            && (i == 0 || space)
            && char_at(text, i + 1).is_some_and(|n| n.is_alphanumeric())
        {
            let (e, _) = scan_word(orig, norm, i + 1);
            (e, TokenKind::Handle)
        } else {
            (i + c.len_utf8(), TokenKind::Punct)
        };
        // A name with a manual section or a call's parentheses right after it (`numa(7)`,
        // `printf(3)`, `main()`) is code, not a word of the sentence.
        if kind == TokenKind::Word && call_suffix(&bytes[end..]) {
            kind = TokenKind::Code;
        }
        // A token never runs into a masked range (`un<b>believable</b>`, `word&amp;`).
        if let Some(m) = masked.get(mi) {
            if norm.orig_end(end) > m.start {
                let mut e = start + c.len_utf8();
                while e < end {
                    let n = e + char_at(text, e).map_or(1, char::len_utf8);
                    if norm.orig_end(n) > m.start {
                        break;
                    }
                    e = n;
                }
                if e < end {
                    end = e;
                    if kind != TokenKind::Punct {
                        kind = TokenKind::Word;
                    }
                }
            }
        }
        let case = match kind {
            TokenKind::Punct | TokenKind::Number => Case::None,
            _ => {
                let (s, e) = cursor.to_orig(start, end);
                if joins.is_empty() {
                    case_at(orig, s, e)
                } else {
                    case_without(orig, s, e, joins)
                }
            }
        };
        let is_wordish = matches!(kind, TokenKind::Word | TokenKind::Number | TokenKind::Code);
        let sent_start = is_wordish && at_sent_start;
        tokens.push(Token {
            start: start as u32,
            end: end as u32,
            kind,
            case,
            space_before: space,
            breaks_before: breaks,
            sent_start,
        });
        if is_wordish || kind == TokenKind::Url {
            at_sent_start = false;
        } else if kind == TokenKind::Punct && TERMINAL.contains(&b) {
            // "..." and "?!" runs end a sentence only once; an abbreviation's dot never does.
            // A folded ellipsis character is not a full stop.
            let ellipsis = b == b'.' && orig.as_bytes()[norm.orig_start(start)] != b'.';
            // Dots of an ellipsis, also a spaced one (". . ."), do not end a sentence.
            let prev_is_dot = ellipsis || text[..start].trim_end_matches(' ').ends_with('.');
            let next_is_dot = text[end..].trim_start_matches(' ').starts_with('.');
            let n = tokens.len();
            let after_abbrev = b == b'.'
                && n >= 2
                && !tokens[n - 1].space_before
                && tokens[n - 2].is_abbreviation(text);
            at_sent_start = !(b == b'.' && (prev_is_dot || next_is_dot)) && !after_abbrev;
        }
        space = false;
        breaks = 0;
        i = end;
    }
    tokens
}

impl Token {
    /// A word whose following period does not end a sentence (`Mr`, `etc`, a lone initial).
    fn is_abbreviation(&self, text: &str) -> bool {
        if self.kind != TokenKind::Word {
            return false;
        }
        let w = &text[self.start as usize..self.end as usize];
        ABBREVIATIONS.contains(&w) || (w.len() == 1 && w != "i" && w != "a")
    }
}

/// Scan a word-like token starting at `i` (a word char). Returns its end and kind.
fn scan_word(orig: &str, norm: &Normalized, i: usize) -> (usize, TokenKind) {
    let text = norm.text.as_str();
    let bytes = text.as_bytes();
    // Fast path, most words: a run of ASCII letters and digits ended by a byte that can
    // neither continue a word nor start a URL, e-mail, abbreviation or number separator
    // (URL prefixes all need ':' or '.', which take the full path below).
    {
        let mut j = i;
        let (mut digits, mut alphas) = (false, false);
        // Eight bytes at a time while they last, then byte by byte.
        while let Some(chunk) = bytes.get(j..j + 8) {
            let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            let (a, d) = (swar::upper(w) | swar::lower(w), swar::digit(w));
            let other = !(a | d) & swar::HI;
            let n = (other.trailing_zeros() / 8) as usize;
            let run = if n >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            };
            alphas |= a & run != 0;
            digits |= d & run != 0;
            j += n;
            if n < 8 {
                break;
            }
        }
        if bytes.len() < j + 8 {
            while let Some(&b) = bytes.get(j) {
                if b.is_ascii_digit() {
                    digits = true;
                } else if b.is_ascii_alphabetic() {
                    alphas = true;
                } else {
                    break;
                }
                j += 1;
            }
        }
        let simple_end = match bytes.get(j) {
            None => true,
            // ':' may start a URL ("http://"); anything non-ASCII may be a letter.
            Some(&b) if b == b':' || !b.is_ascii() => false,
            // These join words, numbers, abbreviations and addresses, but only when a word
            // character follows ("it's", "5,000", "u.s.", "a@b"): "word." and "word," are done.
            Some(b'\'' | b'-' | b'.' | b',' | b'_' | b'@') => bytes
                .get(j + 1)
                .is_none_or(|&n| n.is_ascii() && !n.is_ascii_alphanumeric()),
            Some(_) => true,
        };
        if j > i && simple_end {
            let kind = if bytes[i].is_ascii_digit() {
                TokenKind::Number
            } else if digits && alphas {
                TokenKind::Code
            } else {
                TokenKind::Word
            };
            return (j, kind);
        }
    }
    scan_word_full(orig, norm, i)
}

/// [`scan_word`] without the fast path: every word shape.
fn scan_word_full(orig: &str, norm: &Normalized, i: usize) -> (usize, TokenKind) {
    let text = norm.text.as_str();
    let bytes = text.as_bytes();
    // URLs first: they contain characters that would otherwise split them.
    let rest = &bytes[i..];
    if rest.starts_with(b"http://")
        || rest.starts_with(b"https://")
        || rest.starts_with(b"www.")
        || rest.starts_with(b"ftp://")
    {
        return (url_end(text, i), TokenKind::Url);
    }
    let first_digit = bytes[i].is_ascii_digit();
    let mut j = i;
    let mut has_digit = false;
    let mut has_alpha = false;
    let mut has_underscore = false;
    let mut dots = 0usize;
    let mut single_letter_segments = true;
    let mut seg_len = 0usize;
    while let Some(c) = char_at(text, j) {
        if is_word_char(c) {
            if c.is_ascii_digit() {
                has_digit = true;
            } else {
                has_alpha = true;
            }
            seg_len += 1;
            j += c.len_utf8();
            continue;
        }
        if c == '_' && char_at(text, j + 1).is_some_and(is_word_char) {
            has_underscore = true;
            j += 1;
            continue;
        }
        // `c` may be a multi-byte character (`49°`): look past all of it.
        let next = char_at(text, j + c.len_utf8());
        let next_is_word = next.is_some_and(is_word_char);
        match c {
            '\'' if next_is_word && !first_digit => {
                j += 1;
            }
            '-' if next_is_word && is_hyphen(orig, norm, j) => {
                j += 1;
            }
            '.' | ',' | ':' if first_digit && next.is_some_and(|n| n.is_ascii_digit()) => {
                j += 1;
            }
            '.' if next_is_word && !first_digit => {
                if seg_len != 1 {
                    single_letter_segments = false;
                }
                seg_len = 0;
                dots += 1;
                j += 1;
            }
            _ => break,
        }
    }
    if seg_len != 1 {
        single_letter_segments = false;
    }
    // An e-mail address: word@domain.
    if bytes.get(j) == Some(&b'@') && char_at(text, j + 1).is_some_and(is_word_char) {
        let mut k = j + 1;
        while let Some(c) = char_at(text, k) {
            if is_word_char(c)
                || ((c == '.' || c == '-' || c == '_')
                    && char_at(text, k + 1).is_some_and(is_word_char))
            {
                k += c.len_utf8();
            } else {
                break;
            }
        }
        return (k, TokenKind::Email);
    }
    if dots > 0 {
        if single_letter_segments {
            // u.s. / e.g.: keep the final period as part of the abbreviation.
            if bytes.get(j) == Some(&b'.') {
                j += 1;
            }
            return (j, TokenKind::Word);
        }
        if bytes.get(j) == Some(&b'/') {
            return (url_end(text, i), TokenKind::Url);
        }
        return (j, TokenKind::Url);
    }
    let kind = if first_digit {
        TokenKind::Number
    } else if has_underscore || (has_digit && has_alpha) {
        TokenKind::Code
    } else {
        TokenKind::Word
    };
    (j, kind)
}

/// Does `rest` start with `()` or a manual section such as `(7)`, `(3p)`, `(3ssl)`?
fn call_suffix(rest: &[u8]) -> bool {
    if rest.starts_with(b"()") {
        return true;
    }
    if rest.first() != Some(&b'(') || !rest.get(1).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let inner = rest[2..]
        .iter()
        .take(5)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    inner <= 4 && rest.get(2 + inner) == Some(&b')')
}

/// Is the `-` at folded offset `j` a hyphen in the original (not a folded dash)?
fn is_hyphen(orig: &str, norm: &Normalized, j: usize) -> bool {
    let o = norm.orig_start(j);
    matches!(orig.as_bytes().get(o), Some(b'-'))
        || orig[o..].starts_with('\u{2010}')
        || orig[o..].starts_with('\u{2011}')
}

/// End of a URL starting at `i`: up to white space, minus trailing sentence punctuation.
fn url_end(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut j = i;
    while j < bytes.len() && bytes[j] != b' ' && bytes[j] != b'\n' {
        j += 1;
    }
    while j > i
        && matches!(
            bytes[j - 1],
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']' | b'}' | b'"' | b'\''
        )
    {
        j -= 1;
    }
    // Never split a multi-byte character.
    while !text.is_char_boundary(j) {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::super::Document;
    use super::*;

    fn toks(s: &str) -> Vec<(String, TokenKind)> {
        let d = Document::new(s);
        d.tokens
            .iter()
            .map(|t| (d.orig_text(t).to_string(), t.kind))
            .collect()
    }

    fn words(s: &str) -> Vec<String> {
        toks(s).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn fast_paths_agree_with_the_full_scans() {
        let texts = [
            "Don't stop—self-government, U.S. policy. 5,000 people in 1960s; e.g. x_y and a1b2.",
            "Visit https://example.com/a?b=1 or www.example.org, mail info@example.com now!",
            "thatRussia CyberCrimeSecurity iPhone ALLCAPS McDonald 2nd 1.50 3:15 #tag @handle",
            "caf\u{e9} na\u{ef}ve r\u{e9}sum\u{e9}s Stra\u{df}e 49\u{b0} word\u{2122} \u{c9}t\u{e9}",
            "end-of-text a.b.c. it's rock 'n' roll 'quoted' -dash- x",
            "ends with a word",
            "Word. Word, word- word' word_ word@ http: x http://a.b ftp://c www.d e.g. 5,000. 1960s, x.",
            "a, b. c- d' e_ f@ g: h\u{e9}. i.\u{e9} j,\u{e9} k-\u{e9}l",
        ];
        for t in texts {
            let norm = Normalized::new(t);
            let text = norm.text.as_str();
            for (i, c) in text.char_indices() {
                let starts = is_word_char(c)
                    && text[..i]
                        .chars()
                        .next_back()
                        .is_none_or(|p| !is_word_char(p));
                if starts {
                    assert_eq!(
                        scan_word(t, &norm, i),
                        scan_word_full(t, &norm, i),
                        "at {i} in {t:?}"
                    );
                }
            }
        }
        for w in [
            "",
            "a",
            "A",
            "Ab",
            "AB",
            "aB",
            "ABc",
            "McDonald",
            "iPhone",
            "123",
            "A1",
            "a-B",
            "I",
            "USA's",
            "x1Y",
            "ab",
            "@[`{",
            "Abcdefgh",
            "ABCDEFGHi",
            "abcdefghIJ",
            "Zz09aZ@[`{~",
            "Mc\u{e9}Donald",
            "\u{c9}t\u{e9}",
        ] {
            assert_eq!(case_of(w), case_of_chars(w), "{w:?}");
        }
    }

    #[test]
    fn fast_paths_agree_on_random_mixes() {
        let parts = [
            "a",
            "Z",
            "q",
            "7",
            "0",
            " ",
            ".",
            ",",
            "'",
            "-",
            "_",
            "@",
            ":",
            "\u{e9}",
            "\u{2019}",
            "/",
            "abcdefghij",
            "1234567890",
            "\n",
        ];
        let mut seed = 99u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..next() % 30 {
                t.push_str(parts[next() % parts.len()]);
            }
            let norm = Normalized::new(&t);
            let text = norm.text.as_str();
            for (i, c) in text.char_indices() {
                if is_word_char(c) {
                    assert_eq!(
                        scan_word(&t, &norm, i),
                        scan_word_full(&t, &norm, i),
                        "at {i} in {t:?}"
                    );
                }
            }
            for (i, _) in t.char_indices() {
                for (j, _) in t[i..].char_indices().take(20) {
                    let w = &t[i..i + j];
                    assert_eq!(case_of(w), case_of_chars(w), "{w:?}");
                    assert_eq!(case_at(&t, i, i + j), case_of_chars(w), "{w:?} in {t:?}");
                }
            }
        }
    }

    #[test]
    fn multibyte_after_a_word() {
        assert_eq!(
            words("49° and 54° 40'"),
            ["49", "°", "and", "54", "°", "40", "'"]
        );
        assert_eq!(words("caf\u{e9}\u{2122}s"), ["caf\u{e9}", "\u{2122}", "s"]);
    }

    #[test]
    fn words_and_punct() {
        assert_eq!(
            words("Don't stop—self-government, U.S. policy."),
            [
                "Don't",
                "stop",
                "—",
                "self-government",
                ",",
                "U.S.",
                "policy",
                "."
            ]
        );
    }

    #[test]
    fn numbers_urls_emails() {
        let t =
            toks("In 2017, 5,000 at 1.50 see https://techcrunch.com/a?b=1. Mail bob@ex.com #tag");
        let find = |w: &str| t.iter().find(|(s, _)| s == w).map(|x| x.1);
        assert_eq!(find("2017"), Some(TokenKind::Number));
        assert_eq!(find("5,000"), Some(TokenKind::Number));
        assert_eq!(find("1.50"), Some(TokenKind::Number));
        assert_eq!(find("https://techcrunch.com/a?b=1"), Some(TokenKind::Url));
        assert_eq!(find("bob@ex.com"), Some(TokenKind::Email));
        assert_eq!(find("#tag"), Some(TokenKind::Handle));
    }

    #[test]
    fn bare_domains_and_code() {
        let t = toks("visit techcrunch.com or call snake_case x86_64");
        assert!(t.contains(&("techcrunch.com".into(), TokenKind::Url)));
        assert!(t.contains(&("snake_case".into(), TokenKind::Code)));
        assert!(t.contains(&("x86_64".into(), TokenKind::Code)));
    }

    #[test]
    fn case_classes() {
        assert_eq!(case_of("Russia"), Case::Title);
        assert_eq!(case_of("thatRussia"), Case::Mixed);
        assert_eq!(case_of("DNC"), Case::Upper);
        assert_eq!(case_of("hello"), Case::Lower);
        assert_eq!(case_of("A"), Case::Title);
        assert_eq!(case_of("U.S."), Case::Upper);
    }

    #[test]
    fn sentence_starts() {
        let d = Document::new("One two. three four? Mr. Smith said. U.S. formally\n\nnext para");
        let starts: Vec<_> = d
            .tokens
            .iter()
            .filter(|t| t.sent_start)
            .map(|t| d.orig_text(t))
            .collect();
        assert_eq!(starts, ["One", "three", "Mr", "U.S.", "next"]);
    }

    #[test]
    fn curly_apostrophe_stays_in_word() {
        assert_eq!(words("Trump\u{2019}s own"), ["Trump\u{2019}s", "own"]);
    }

    #[test]
    fn paragraph_breaks() {
        let d = Document::new("a\nb\n\n\nc");
        let b: Vec<_> = d.tokens.iter().map(|t| t.breaks_before).collect();
        assert_eq!(b, [0, 1, 2]);
    }

    #[test]
    fn multibyte_symbol_after_a_word() {
        let d = crate::text::Document::new("word\u{2713} x\u{2192}y");
        let words: Vec<_> = d.tokens.iter().map(|t| d.orig_text(t)).collect();
        assert_eq!(words, ["word", "\u{2713}", "x", "\u{2192}", "y"]);
    }
}

#[cfg(test)]
mod broken_word_tests {
    use super::super::Document;
    use super::TokenKind;

    fn words(s: &str) -> Vec<(String, String, TokenKind)> {
        let d = Document::new(s);
        d.tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Punct)
            .map(|t| {
                (
                    d.norm_text(t).to_string(),
                    d.orig_text(t).to_string(),
                    t.kind,
                )
            })
            .collect()
    }

    #[test]
    fn words_broken_by_typesetting_read_whole_and_map_back() {
        let w = words("The sys\u{2010}\n       tem call and the infor\u{AD}mation.");
        let folded: Vec<&str> = w.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(
            folded,
            ["the", "sys-tem", "call", "and", "the", "information"]
        );
        assert_eq!(w[1].1, "sys\u{2010}\n       tem");
        assert_eq!(w[5].1, "infor\u{AD}mation");
        // The original case is read without the dropped characters.
        let d = Document::new("Infor\u{AD}mation");
        assert_eq!(d.tokens[0].case, super::Case::Title);
    }

    #[test]
    fn manual_references_and_calls_are_code() {
        let w = words("See numa(7) and printf(3p), call main() for the file(s) (7) here.");
        let kind = |x: &str| w.iter().find(|(n, _, _)| n == x).map(|t| t.2);
        assert_eq!(kind("numa"), Some(TokenKind::Code));
        assert_eq!(kind("printf"), Some(TokenKind::Code));
        assert_eq!(kind("main"), Some(TokenKind::Code));
        assert_eq!(kind("file"), Some(TokenKind::Word));
        assert_eq!(kind("see"), Some(TokenKind::Word));
    }
}
