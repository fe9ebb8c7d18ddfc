//! Batch scoring building blocks: JSON Lines records in, one output record per document out.
//!
//! Nothing here prints, spawns threads or exits; the `unspun score` command (in the binary)
//! owns the pipeline, the progress display and the exit code. What lives here is what a
//! library user scoring a corpus of their own would need too:
//!
//! * [`read_line_capped`]: read one line from a `BufRead` without ever holding more than a cap
//!   (a single 3 GB line must not take 3 GB of memory);
//! * [`parse_record`]: pull the text and id fields out of a JSON object line, borrowing the text
//!   when it has no escapes, with serde_json's error message and column on failure;
//! * [`parse_truncated_record`]: the same, leniently, on the first part of an over-long line;
//! * [`Record`]: the output record (the document object's `score`, `words`, `findings`, plus
//!   `id` or `path`, `counts`, `flagged`, `notice` and `error`), rendered as JSON or CSV.
//!
//! ```
//! use unspun::batch::{parse_record, Fields, Record, FindingsMode};
//! let fields = Fields::default();
//! let line = r#"{"id": "a1", "text": "He said thatRussia was ready."}"#;
//! let rec = parse_record(line, 1, &fields).unwrap();
//! assert_eq!(rec.id.to_string(), r#""a1""#);
//! let checker = unspun::Checker::builder().build().unwrap();
//! let report = checker.check(&rec.text);
//! let out = Record::scored(Some(&rec.id), None, &report, FindingsMode::Top(5), None);
//! assert!(out.to_json().starts_with(r#"{"id":"a1","score":"#));
//! ```

use crate::finding::{Category, Finding};
use crate::Report;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

/// Which JSON fields hold the text and the id.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The text field (default `text`).
    pub text: String,
    /// The id field (default `id`); when absent the line number is the id.
    pub id: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            text: "text".to_string(),
            id: "id".to_string(),
        }
    }
}

/// A record's id: its JSON value exactly as written in the line (so an integer beyond 64 bits,
/// or `1.50`, comes out as it went in), or the line number for a record without one.
///
/// Kept as raw JSON text (serde_json's `RawValue`) rather than by turning on serde_json's
/// `arbitrary_precision`: that feature is global (Cargo unifies it across the whole build, the
/// server and the Python module included), changes how every JSON number is held, and breaks
/// numbers inside `#[serde(flatten)]` types, which `eval` uses. Only the id needs to be exact.
#[derive(Debug, Clone)]
pub enum Id {
    /// The id field's JSON value, as written.
    Raw(Box<RawValue>),
    /// The line number (the record has no id field).
    Line(u64),
}

impl Id {
    /// An id from JSON text (`None` when it is not one JSON value).
    pub fn from_json(s: &str) -> Option<Id> {
        RawValue::from_string(s.trim().to_string())
            .ok()
            .map(Id::Raw)
    }

    /// The id as a JSON value (an integer beyond 64 bits becomes a float here: use the
    /// `Serialize` impl or [`Id::json`] to keep it exact).
    pub fn to_value(&self) -> Value {
        match self {
            Id::Raw(r) => serde_json::from_str(r.get()).unwrap_or(Value::Null),
            Id::Line(n) => Value::from(*n),
        }
    }

    /// The id's JSON text, exact.
    pub fn json(&self) -> Cow<'_, str> {
        match self {
            Id::Raw(r) => Cow::Borrowed(r.get()),
            Id::Line(n) => Cow::Owned(n.to_string()),
        }
    }

    /// The id as a CSV cell: a string's text, any other value's JSON text.
    pub fn csv(&self) -> String {
        match self {
            Id::Raw(r) if r.get().starts_with('"') => {
                serde_json::from_str::<String>(r.get()).unwrap_or_else(|_| r.get().to_string())
            }
            other => other.json().into_owned(),
        }
    }
}

impl fmt::Display for Id {
    /// The JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.json())
    }
}

impl PartialEq for Id {
    fn eq(&self, other: &Id) -> bool {
        self.json() == other.json()
    }
}

impl PartialEq<Value> for Id {
    fn eq(&self, other: &Value) -> bool {
        self.to_value() == *other
    }
}

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Raw(r) => r.serialize(s),
            Id::Line(n) => s.serialize_u64(*n),
        }
    }
}

/// A parsed input record.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRecord<'a> {
    /// The id field's value as written (string, number, anything), or the line number.
    pub id: Id,
    /// The text, borrowed from the line when it has no escapes.
    pub text: Cow<'a, str>,
}

/// A record that could not be scored: its id when it could be read, its line, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    /// The record's id: its id field when it could be read (the line number when the record
    /// has no id field, as for a scored record), `None` when the line is not JSON enough to
    /// tell.
    pub id: Option<Id>,
    /// The 1-based line number.
    pub line: u64,
    /// `line 1234: expected value at column 17`.
    pub message: String,
}

/// Read the next line from `r` into `buf` (appending, without the `\n`), keeping at most `cap`
/// bytes of it; the rest of an over-long line is read and dropped, so memory stays bounded
/// whatever the input.
///
/// Returns `None` at end of input, else `Some(n)` with the line's full length in bytes
/// (`n > cap` means it was cut), not counting the `\n`.
pub fn read_line_capped<R: BufRead + ?Sized>(
    r: &mut R,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<usize>> {
    let mut len = 0usize;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(if any { Some(len) } else { None });
        }
        any = true;
        let (chunk, used, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..i], i + 1, true),
            None => (avail, avail.len(), false),
        };
        let room = cap.saturating_sub(len);
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        len += chunk.len();
        r.consume(used);
        if done {
            return Ok(Some(len));
        }
    }
}

/// Parse one JSON Lines record: a JSON object with a string field `fields.text` and an
/// optional `fields.id` (any JSON value; the line number when absent). `line_no` is 1-based
/// and appears in error messages as `line 1234: ...`.
pub fn parse_record<'a>(
    line: &'a str,
    line_no: u64,
    fields: &Fields,
) -> Result<InputRecord<'a>, RecordError> {
    let mut de = serde_json::Deserializer::from_str(line);
    let parsed = RecordSeed { fields }
        .deserialize(&mut de)
        .and_then(|p| de.end().map(|_| p));
    match parsed {
        Ok(p) => {
            let id = p.id.map_or(Id::Line(line_no), Id::Raw);
            match p.text {
                Some(Ok(text)) => Ok(InputRecord { id, text }),
                Some(Err(what)) => Err(RecordError {
                    id: Some(id),
                    line: line_no,
                    message: format!("line {line_no}: field '{}': {what}", fields.text),
                }),
                None => Err(RecordError {
                    id: Some(id),
                    line: line_no,
                    message: format!("line {line_no}: no field '{}'", fields.text),
                }),
            }
        }
        Err(e) => Err(RecordError {
            // Not valid JSON: the id is still read when it comes before the fault.
            id: id_before_error(line, &e, fields),
            line: line_no,
            message: json_error(line_no, &e),
        }),
    }
}

/// The id of a line that is not valid JSON, when a complete id field comes before the error.
fn id_before_error(line: &str, e: &serde_json::Error, fields: &Fields) -> Option<Id> {
    // serde_json's column is 1-based, in bytes, on this one line.
    let upto = if e.line() == 1 {
        e.column().saturating_sub(1).min(line.len())
    } else {
        line.len()
    };
    let mut end = upto;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let only_id = Fields {
        text: "\u{0}never a field".to_string(),
        id: fields.id.clone(),
    };
    match parse_truncated_record(&line.as_bytes()[..end], 0, &only_id) {
        Ok(r) => Some(r.id),
        Err(e) => e.id,
    }
    .filter(|id| !matches!(id, Id::Line(_)))
}

/// Parse one JSON Lines record as [`read_line_capped`] kept it: `raw` is the kept part of the
/// line and `len` the whole line's length (more than `raw.len()` when the line was cut). A
/// trailing `\r` is dropped, and on line 1 a UTF-8 byte-order mark; a cut line is parsed
/// leniently with [`parse_truncated_record`], a whole one with [`parse_record`] (after
/// [`line_str`]). `unspun score` and `unspun cluster` read their records through this.
pub fn parse_line<'a>(
    mut raw: &'a [u8],
    len: usize,
    line_no: u64,
    fields: &Fields,
) -> Result<InputRecord<'a>, RecordError> {
    let cut = len > raw.len();
    if let [rest @ .., b'\r'] = raw {
        raw = rest;
    }
    if line_no == 1 {
        raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    }
    if cut {
        return parse_truncated_record(raw, line_no, fields);
    }
    match line_str(raw, line_no) {
        Ok(s) => parse_record(s, line_no, fields),
        Err(message) => {
            // The id is still read (the bad bytes replaced).
            let lossy = line_lossy(raw);
            let id = match parse_record(&lossy, line_no, fields) {
                Ok(r) => Some(r.id),
                Err(e) => e.id,
            };
            Err(RecordError {
                id,
                line: line_no,
                message,
            })
        }
    }
}

/// `line 12: expected value at column 17` from a serde_json error on a one-line document.
fn json_error(line_no: u64, e: &serde_json::Error) -> String {
    let mut msg = e.to_string();
    if let Some(i) = msg.rfind(" at line ") {
        msg.truncate(i);
    }
    if e.column() > 0 {
        format!("line {line_no}: {msg} at column {}", e.column())
    } else {
        format!("line {line_no}: {msg}")
    }
}

/// Check a line's bytes are UTF-8; the error names the line and the column (in bytes).
pub fn line_str(line: &[u8], line_no: u64) -> Result<&str, String> {
    std::str::from_utf8(line).map_err(|e| {
        format!(
            "line {line_no}: invalid UTF-8 at column {}",
            e.valid_up_to() + 1
        )
    })
}

/// A line's bytes as text: invalid UTF-8 sequences are replaced by U+FFFD (as
/// [`String::from_utf8_lossy`] does), so a record with a few bad bytes is still scored and the
/// bad bytes in its text are flagged by `input.invalid-utf8`.
pub fn line_lossy(line: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(line)
}

/// The 1-based column (in bytes) of the first invalid UTF-8 sequence of a line, if any.
pub fn invalid_utf8_column(line: &[u8]) -> Option<usize> {
    std::str::from_utf8(line).err().map(|e| e.valid_up_to() + 1)
}

struct RecordSeed<'f> {
    fields: &'f Fields,
}

struct Parsed<'a> {
    id: Option<Box<RawValue>>,
    /// The text, or why the field is not one (the rest of the record is still read).
    text: Option<Result<Cow<'a, str>, String>>,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Parsed<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Parsed<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Parsed<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed<'de>, A::Error> {
        let mut p = Parsed {
            id: None,
            text: None,
        };
        while let Some(key) = map.next_key_seed(KeySeed {
            fields: self.fields,
        })? {
            match key {
                Key::Text => p.text = Some(map.next_value::<TextValue<'de>>()?.0),
                Key::Id => p.id = Some(map.next_value::<Box<RawValue>>()?),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(p)
    }
}

enum Key {
    Text,
    Id,
    Other,
}

struct KeySeed<'f> {
    fields: &'f Fields,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(if v == self.fields.text {
            Key::Text
        } else if v == self.fields.id {
            Key::Id
        } else {
            Key::Other
        })
    }
}

/// A text field: a string, or (any other JSON value, read through) what it is instead.
struct TextValue<'a>(Result<Cow<'a, str>, String>);

impl<'de> de::Deserialize<'de> for TextValue<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn not_a_string<T>(what: de::Unexpected) -> Result<TextValue<'static>, T> {
            Ok(TextValue(Err(format!(
                "invalid type: {what}, expected a string"
            ))))
        }
        impl<'de> Visitor<'de> for V {
            type Value = TextValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(TextValue(Ok(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(TextValue(Ok(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(TextValue(Ok(Cow::Owned(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                not_a_string(de::Unexpected::Other("null"))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                not_a_string(de::Unexpected::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                not_a_string(de::Unexpected::Signed(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                not_a_string(de::Unexpected::Unsigned(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                not_a_string(de::Unexpected::Float(v))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                not_a_string(de::Unexpected::Seq)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                not_a_string(de::Unexpected::Map)
            }
        }
        d.deserialize_any(V)
    }
}

/// Leniently parse the first `prefix.len()` bytes of an over-long record line: find the text
/// field at the top level of the object and decode its string as far as the prefix goes (the
/// id too, when it comes before the text or right after it within the prefix).
pub fn parse_truncated_record(
    prefix: &[u8],
    line_no: u64,
    fields: &Fields,
) -> Result<InputRecord<'static>, RecordError> {
    // The cut may fall inside a character: that part is dropped; other invalid bytes are
    // replaced by U+FFFD.
    let prefix = crate::text::decode::utf8_lossy(prefix, true).text;
    let prefix = prefix.as_str();
    let mut sc = Scanner {
        s: prefix.as_bytes(),
        i: 0,
    };
    let fail = |id: Option<Id>, what: String| RecordError {
        id,
        line: line_no,
        message: format!("line {line_no}: {what}"),
    };
    let mut id: Option<Id> = None;
    let mut text: Option<String> = None;
    sc.ws();
    if sc.peek() != Some(b'{') {
        return Err(fail(None, "expected a JSON object at column 1".into()));
    }
    sc.i += 1;
    loop {
        sc.ws();
        match sc.peek() {
            Some(b'}') => break,
            Some(b'"') => {}
            None => break,
            Some(_) => {
                return Err(fail(
                    id,
                    format!("expected a field name at column {}", sc.i + 1),
                ))
            }
        }
        let Some((key, _)) = sc.string() else { break };
        sc.ws();
        if sc.peek() != Some(b':') {
            if sc.peek().is_none() {
                break;
            }
            return Err(fail(id, format!("expected ':' at column {}", sc.i + 1)));
        }
        sc.i += 1;
        sc.ws();
        let start = sc.i;
        if key == fields.text {
            if sc.peek() != Some(b'"') {
                return Err(fail(
                    id,
                    format!(
                        "field '{}' is not a string at column {}",
                        fields.text,
                        start + 1
                    ),
                ));
            }
            let (t, _) = sc.string().unwrap_or_default();
            text = Some(t);
            if id.is_some() {
                break;
            }
        } else {
            let complete = sc.skip_value();
            if key == fields.id && complete {
                id = Id::from_json(&prefix[start..sc.i]);
                if text.is_some() {
                    break;
                }
            }
            if !complete {
                break;
            }
        }
        sc.ws();
        match sc.peek() {
            Some(b',') => sc.i += 1,
            _ => break,
        }
    }
    match text {
        Some(t) => Ok(InputRecord {
            id: id.unwrap_or(Id::Line(line_no)),
            text: Cow::Owned(t),
        }),
        None => Err(fail(
            id,
            format!(
                "no field '{}' in the first {} bytes of this over-long record",
                fields.text,
                prefix.len()
            ),
        )),
    }
}

/// A forgiving scanner over possibly cut JSON.
struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// Decode the string at `i` (which is a `"`); returns it and whether it was closed. Stops
    /// quietly at the end of the input or at a broken escape.
    fn string(&mut self) -> Option<(String, bool)> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = &self.s[self.i..];
            let Some(j) = memchr::memchr2(b'"', b'\\', rest) else {
                out.push_str(std::str::from_utf8(rest).unwrap_or(""));
                self.i = self.s.len();
                return Some((out, false));
            };
            out.push_str(std::str::from_utf8(&rest[..j]).unwrap_or(""));
            self.i += j;
            if rest[j] == b'"' {
                self.i += 1;
                return Some((out, true));
            }
            // An escape.
            let Some(&e) = self.s.get(self.i + 1) else {
                self.i = self.s.len();
                return Some((out, false));
            };
            self.i += 2;
            let c = match e {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => match self.hex4() {
                    Some(hi @ 0xD800..=0xDBFF) => {
                        if self.s.get(self.i) == Some(&b'\\')
                            && self.s.get(self.i + 1) == Some(&b'u')
                        {
                            self.i += 2;
                            match self.hex4() {
                                Some(lo @ 0xDC00..=0xDFFF) => {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                        .unwrap_or('\u{FFFD}')
                                }
                                Some(_) => '\u{FFFD}',
                                None => {
                                    self.i = self.s.len();
                                    return Some((out, false));
                                }
                            }
                        } else {
                            '\u{FFFD}'
                        }
                    }
                    Some(u) => char::from_u32(u).unwrap_or('\u{FFFD}'),
                    None => {
                        self.i = self.s.len();
                        return Some((out, false));
                    }
                },
                _ => {
                    self.i = self.s.len();
                    return Some((out, false));
                }
            };
            out.push(c);
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    /// Skip one value; `false` when the input ended inside it.
    fn skip_value(&mut self) -> bool {
        match self.peek() {
            None => false,
            Some(b'"') => self.string().is_some_and(|(_, closed)| closed),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(c) = self.peek() {
                    match c {
                        b'"' => {
                            if !self.string().is_some_and(|(_, closed)| closed) {
                                return false;
                            }
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return true;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
                false
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        return true;
                    }
                    self.i += 1;
                }
                false
            }
        }
    }
}

/// Cut `text` to at most `max` bytes, on a char boundary.
pub fn truncate_at_char(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Which findings an output record carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingsMode {
    /// No `findings` field.
    None,
    /// The N most confident (ties: earlier first), listed in text order (`unspun score` and
    /// Python keep [`defaults::TOP_FINDINGS`](crate::defaults::TOP_FINDINGS)).
    Top(usize),
    /// All of them.
    All,
}

/// Findings per category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Thesaurus swaps.
    pub swap: usize,
    /// Translation leftovers.
    pub foreign: usize,
    /// Scraper and CMS debris.
    pub boilerplate: usize,
    /// Words run together.
    pub glue: usize,
    /// Garbled text.
    pub garble: usize,
}

impl Counts {
    /// Count a report's findings.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.category {
                Category::Swap => c.swap += 1,
                Category::Foreign => c.foreign += 1,
                Category::Boilerplate => c.boilerplate += 1,
                Category::Glue => c.glue += 1,
                Category::Garble => c.garble += 1,
            }
        }
        c
    }
}

/// One output record: a scored document, or an error in its place.
#[derive(Debug, Clone, Serialize)]
pub struct Record<'a> {
    /// The record's id (JSON Lines input); `Some(None)` writes `"id": null` (an error
    /// record whose id could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Option<&'a Id>>,
    /// The file (plain-text input, or the JSON Lines file when several inputs are given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    /// The 1-based line of a JSON Lines record that could not be scored (error records
    /// always carry it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Faithfulness score, 0 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Number of words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<usize>,
    /// Findings per category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<Counts>,
    /// `score < threshold`, when a threshold was given (never for a document that is not in
    /// English: it is not spun English).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flagged: Option<bool>,
    /// The document's verdict (see [`Report::verdict`]): `"not English"` for a document in
    /// another language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<&'a str>,
    /// The document's languages (see [`Report::language`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'a crate::lang::Language>,
    /// Present when the document reads like a machine translation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_from: Option<&'a crate::lang::TranslatedFrom>,
    /// The findings, in text order (see [`FindingsMode`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<&'a Finding>>,
    /// Something the reader should know, e.g. that only the first part of the text was scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// Only part of the document was scored: `"max-doc-bytes"` or `"time budget"` (see
    /// [`Report::truncated`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncated: Option<&'a str>,
    /// Why this input was not scored at all (a binary file); no score, and not an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Why this record could not be scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl<'a> Record<'a> {
    /// The record of a scored document.
    pub fn scored(
        id: Option<&'a Id>,
        path: Option<&'a str>,
        report: &'a Report,
        mode: FindingsMode,
        threshold: Option<f64>,
    ) -> Record<'a> {
        Record {
            id: id.map(Some),
            path,
            line: None,
            score: Some(report.score),
            words: Some(report.words),
            counts: Some(Counts::of(&report.findings)),
            flagged: threshold.map(|t| report.is_english() && report.score < t),
            verdict: report.verdict.as_deref(),
            language: report.language.as_ref(),
            translated_from: report.translated_from.as_ref(),
            findings: select_findings(&report.findings, mode),
            notice: None,
            truncated: report.truncated.as_deref(),
            skipped: None,
            error: None,
        }
    }

    /// The record of a document that could not be scored.
    pub fn failed(id: Option<&'a Id>, path: Option<&'a str>, error: String) -> Record<'a> {
        Record {
            id: id.map(Some),
            path,
            line: None,
            score: None,
            words: None,
            counts: None,
            flagged: None,
            verdict: None,
            language: None,
            translated_from: None,
            findings: None,
            notice: None,
            truncated: None,
            skipped: None,
            error: Some(error),
        }
    }

    /// The record of a JSON Lines record that could not be scored: its id when it could be
    /// read (`"id": null` otherwise) and its line.
    pub fn failed_line(err: &'a RecordError, path: Option<&'a str>) -> Record<'a> {
        Record {
            id: Some(err.id.as_ref()),
            line: Some(err.line),
            ..Record::failed(None, path, err.message.clone())
        }
    }

    /// One JSON line (without the newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("records serialize")
    }

    /// Append one JSON line with its newline.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        serde_json::to_writer(&mut *out, self).expect("records serialize");
        out.push(b'\n');
    }

    /// Append one CSV row (columns as in [`CSV_HEADER`]) with its newline.
    pub fn write_csv(&self, out: &mut Vec<u8>) {
        let id = self.id.flatten().map(Id::csv).unwrap_or_default();
        let mut cols: Vec<Cow<str>> = vec![
            csv_field(&id),
            csv_field(self.path.unwrap_or("")),
            self.score
                .map_or(Cow::Borrowed(""), |s| Cow::Owned(s.to_string())),
            self.words
                .map_or(Cow::Borrowed(""), |w| Cow::Owned(w.to_string())),
        ];
        let c = self.counts;
        for n in [
            c.map(|c| c.swap),
            c.map(|c| c.foreign),
            c.map(|c| c.boilerplate),
            c.map(|c| c.glue),
            c.map(|c| c.garble),
        ] {
            cols.push(n.map_or(Cow::Borrowed(""), |n| Cow::Owned(n.to_string())));
        }
        cols.push(Cow::Borrowed(match self.flagged {
            None => "",
            Some(true) => "true",
            Some(false) => "false",
        }));
        let notice = match (&self.notice, &self.skipped) {
            (Some(n), _) => Cow::Borrowed(n.as_str()),
            (None, Some(s)) => Cow::Owned(format!("skipped: {s}")),
            (None, None) => Cow::Borrowed(""),
        };
        cols.push(csv_field(&notice));
        cols.push(csv_field(self.error.as_deref().unwrap_or("")));
        cols.push(
            self.line
                .map_or(Cow::Borrowed(""), |n| Cow::Owned(n.to_string())),
        );
        cols.push(Cow::Borrowed(self.language.map_or("", |l| l.main.as_str())));
        cols.push(csv_field(self.verdict.unwrap_or("")));
        out.extend_from_slice(cols.join(",").as_bytes());
        out.push(b'\n');
    }
}

/// The CSV header row (with its newline).
pub const CSV_HEADER: &str =
    "id,path,score,words,swap,foreign,boilerplate,glue,garble,flagged,notice,error,line,language,verdict\n";

/// Quote a CSV field when needed (RFC 4180).
fn csv_field(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// The findings an output record carries.
pub fn select_findings(findings: &[Finding], mode: FindingsMode) -> Option<Vec<&Finding>> {
    match mode {
        FindingsMode::None => None,
        FindingsMode::All => Some(findings.iter().collect()),
        FindingsMode::Top(n) => {
            let mut idx: Vec<usize> = (0..findings.len()).collect();
            // Stable: among equal confidences the earlier finding wins.
            idx.sort_by(|&a, &b| findings[b].confidence.total_cmp(&findings[a].confidence));
            idx.truncate(n);
            idx.sort_unstable();
            Some(idx.into_iter().map(|i| &findings[i]).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn record_fields_and_borrowing() {
        let f = Fields::default();
        let r = parse_record(r#"{"meta":{"a":[1,2]},"text":"plain","id":7}"#, 3, &f).unwrap();
        assert_eq!(r.id, json!(7));
        assert!(matches!(r.text, Cow::Borrowed("plain")));
        let r = parse_record(r#"{"text":"a\nb \u00e9"}"#, 3, &f).unwrap();
        assert_eq!(r.id, json!(3));
        assert_eq!(r.text, "a\nb \u{e9}");
        let f = Fields {
            text: "body".into(),
            id: "url".into(),
        };
        let r = parse_record(r#"{"text":"no","body":"yes","url":"http://x"}"#, 1, &f).unwrap();
        assert_eq!(r.id, json!("http://x"));
        assert_eq!(r.text, "yes");
    }

    #[test]
    fn ids_are_kept_verbatim() {
        let f = Fields::default();
        for id in [
            "123456789012345678901234567890",
            "-98765432109876543210",
            "18446744073709551616",
            "1.50",
            "1e400",
            r#""caf\u00e9""#,
            r#"{"a": [1, 2]}"#,
        ] {
            let line = format!(r#"{{"id": {id}, "text": "x"}}"#);
            let r = parse_record(&line, 1, &f).unwrap();
            assert_eq!(r.id.to_string(), id);
            let report = crate::Checker::builder().build().unwrap().check("x");
            let out = Record::scored(Some(&r.id), None, &report, FindingsMode::None, None);
            assert!(
                out.to_json().starts_with(&format!(r#"{{"id":{id},"#)),
                "{}",
                out.to_json()
            );
        }
        let r = parse_record(r#"{"id": "a,b", "text": "x"}"#, 1, &f).unwrap();
        assert_eq!(r.id.csv(), "a,b");
        let r = parse_record(r#"{"text": "x"}"#, 7, &f).unwrap();
        assert_eq!(r.id.to_string(), "7");
    }

    #[test]
    fn record_errors_name_line_and_column() {
        let f = Fields::default();
        let e = parse_record(r#"{"id": 1, "text": }"#, 1234, &f).unwrap_err();
        assert_eq!(e.message, "line 1234: expected value at column 19");
        assert_eq!(e.id.unwrap(), json!(1), "read before the fault");
        assert_eq!(e.line, 1234);
        let e = parse_record(r#"{"id": "x", "body": "t"}"#, 5, &f).unwrap_err();
        assert_eq!(e.message, "line 5: no field 'text'");
        assert_eq!(e.id.unwrap(), json!("x"));
        let e = parse_record(r#"{"text": 5}"#, 2, &f).unwrap_err();
        assert!(
            e.message
                .starts_with("line 2: field 'text': invalid type: integer `5`, expected a string"),
            "{}",
            e.message
        );
        assert_eq!(e.id.unwrap(), json!(2), "no id field: the line number");
        let e = parse_record(r#"[1]"#, 2, &f).unwrap_err();
        assert!(
            e.message.contains("expected a JSON object"),
            "{}",
            e.message
        );
        assert_eq!(e.id, None, "no id can be read");
        let e = parse_record(r#"{"text": "a"} x"#, 9, &f).unwrap_err();
        assert!(
            e.message.starts_with("line 9: trailing characters"),
            "{}",
            e.message
        );
        assert_eq!(
            line_str(b"{\"text\": \"\xff\"}", 4).unwrap_err(),
            "line 4: invalid UTF-8 at column 11"
        );
    }

    #[test]
    fn error_records_keep_the_id_and_carry_the_line() {
        let f = Fields::default();
        // The issue's case: JSON that parses, a text that cannot be used.
        for (line, id) in [
            (r#"{"id": 3, "text": null}"#, "3"),
            (r#"{"text": [1, {"a": 2}], "id": "k"}"#, r#""k""#),
            (
                r#"{"id": 99999999999999999999999, "text": {}}"#,
                "99999999999999999999999",
            ),
            (r#"{"id": 3, "text": "unclosed"#, "3"),
        ] {
            let e = parse_record(line, 4, &f).unwrap_err();
            assert_eq!(
                e.id.as_ref().map(|i| i.to_string()).as_deref(),
                Some(id),
                "{line}"
            );
            let rec = Record::failed_line(&e, None);
            let json = rec.to_json();
            assert!(
                json.starts_with(&format!(r#"{{"id":{id},"line":4,"error":"line 4: "#)),
                "{json}"
            );
        }
        let e = parse_record("not json", 6, &f).unwrap_err();
        assert_eq!(
            Record::failed_line(&e, None).to_json(),
            r#"{"id":null,"line":6,"error":"line 6: expected ident at column 2"}"#
        );
        let raw = b"{\"id\": 8, \"text\": \"a\xff\"} x";
        let e = parse_line(raw, raw.len(), 2, &f).unwrap_err();
        assert_eq!(e.id.unwrap().to_string(), "8");
    }

    #[test]
    fn capped_lines() {
        let data = b"short\nthis line is long\n\nlast";
        let mut r = io::BufReader::with_capacity(4, &data[..]);
        let mut lines = Vec::new();
        loop {
            let mut buf = Vec::new();
            match read_line_capped(&mut r, &mut buf, 8).unwrap() {
                None => break,
                Some(n) => lines.push((String::from_utf8(buf).unwrap(), n)),
            }
        }
        assert_eq!(
            lines,
            [
                ("short".to_string(), 5),
                ("this lin".to_string(), 17),
                (String::new(), 0),
                ("last".to_string(), 4)
            ]
        );
    }

    #[test]
    fn truncated_records() {
        let f = Fields::default();
        let line = r#"{"id": {"k": "a\"}"}, "skip": [1, "]", {"x": null}], "text": "caf\u00e9 \"quoted\" and more"#;
        let r = parse_truncated_record(line.as_bytes(), 8, &f).unwrap();
        assert_eq!(r.id, json!({"k": "a\"}"}));
        assert_eq!(r.text, "caf\u{e9} \"quoted\" and more");
        // Cut inside an escape and inside a multi-byte character.
        let r = parse_truncated_record(br#"{"text": "ab\u00"#, 8, &f).unwrap();
        assert_eq!(r.id, json!(8));
        assert_eq!(r.text, "ab");
        let r = parse_truncated_record(
            "{\"text\": \"x\u{e9}".as_bytes().split_last().unwrap().1,
            8,
            &f,
        )
        .unwrap();
        assert_eq!(r.text, "x");
        // The id after a closed text within the prefix is still found.
        let r = parse_truncated_record(br#"{"text": "t", "id": "z", "pad": "...."#, 1, &f).unwrap();
        assert_eq!(r.id, json!("z"));
        let e = parse_truncated_record(br#"{"other": "aaaaaaaa"#, 6, &f).unwrap_err();
        assert!(e
            .message
            .starts_with("line 6: no field 'text' in the first"));
        let e = parse_truncated_record(br#"{"text": 12345"#, 6, &f).unwrap_err();
        assert!(e.message.contains("not a string"));
    }

    #[test]
    fn top_findings_are_most_confident_in_text_order() {
        let mk = |start: usize, confidence: f64| Finding {
            rule: "r".into(),
            category: Category::Swap,
            severity: crate::Severity::Warning,
            start,
            end: start + 1,
            line: 1,
            column: start + 1,
            text: "x".into(),
            suggestion: None,
            message: String::new(),
            confidence,
            language: None,
        };
        let fs = vec![mk(0, 0.5), mk(1, 0.9), mk(2, 0.5), mk(3, 0.95), mk(4, 0.1)];
        let top: Vec<usize> = select_findings(&fs, FindingsMode::Top(3))
            .unwrap()
            .iter()
            .map(|f| f.start)
            .collect();
        assert_eq!(top, [0, 1, 3]);
        assert!(select_findings(&fs, FindingsMode::None).is_none());
        assert_eq!(select_findings(&fs, FindingsMode::All).unwrap().len(), 5);
    }

    #[test]
    fn csv_rows_quote() {
        let id = Id::from_json(r#""a,\"b\"""#).unwrap();
        let r = Record::failed(Some(&id), None, "line 3: bad\nthing".into());
        let mut out = Vec::new();
        r.write_csv(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a,\"\"b\"\"\",,,,,,,,,,,\"line 3: bad\nthing\",,,\n"
        );
        assert_eq!(CSV_HEADER.matches(',').count(), 14);
    }
}
