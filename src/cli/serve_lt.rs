//! LanguageTool's HTTP API on `unspun serve`, so that the clients people already use with a
//! LanguageTool server (browser extensions, LTeX, editor and Obsidian plugins) can point at
//! unspun instead.
//!
//! * `POST /v2/check` (or `GET` with a query string): form-encoded parameters, whatever the
//!   `Content-Type` says (some clients label a form body `application/json`): `text`, or
//!   `data` (LanguageTool's annotated text: `{"annotation": [{"text": "A "}, {"markup":
//!   "<b>"}, {"markup": "<p>", "interpretAs": "\n\n"}, …]}`), `language` (`auto`, `en` or
//!   `en-XX`; default `auto`), `disabledRules`, `disabledCategories`, `enabledOnly` with
//!   `enabledRules`/`enabledCategories`. Other parameters (`motherTongue`, `level`, `apiKey`
//!   …) are accepted and ignored.
//! * The answer has LanguageTool's shape: `software`, `warnings`, `language`, `matches` with
//!   `message`, `shortMessage`, `replacements: [{"value"}]`, `offset`/`length`, `context`
//!   `{text, offset, length}`, `sentence`, `type`, `rule {id, description, issueType,
//!   category {id, name}}`. Offsets and lengths count UTF-16 code units (Java `char`s, as
//!   LanguageTool does and as JavaScript strings index), into `text`, or for `data` into the
//!   concatenation of every part's `text` and `markup`. Rule ids are unspun's; category ids
//!   are unspun's categories in upper case (`SWAP`, `FOREIGN`, `BOILERPLATE`, `GLUE`,
//!   `GARBLE`).
//! * `GET /v2/languages`: the English variants, as `[{"name", "code", "longCode"}]`.
//!
//! Errors are plain text (`Error: …`) with status 400, as LanguageTool answers them.

use super::{findings_that_fit, run_check, App, Charge, DocFormat, Response, MAX_ANSWER};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;
use unspun::{Category, Checker, Finding};

/// Characters of context on each side of a match, as LanguageTool's server gives.
const CONTEXT_CHARS: usize = 40;
/// Characters searched on each side of a match for its sentence's ends.
const SENTENCE_CHARS: usize = 400;

/// The English variants answered by `/v2/languages` (code, name).
const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("en-US", "English (US)"),
    ("en-GB", "English (GB)"),
    ("en-AU", "English (Australian)"),
    ("en-CA", "English (Canadian)"),
    ("en-NZ", "English (New Zealand)"),
    ("en-ZA", "English (South African)"),
];

/// What a LanguageTool client is told about each rule.
pub struct RuleInfo {
    /// Rule id → short description (the first clause of the rule's documentation).
    descriptions: HashMap<String, String>,
}

impl RuleInfo {
    pub fn new(checker: &Checker) -> RuleInfo {
        let descriptions = checker
            .rules()
            .rules
            .iter()
            .map(|r| (r.id.clone(), short_description(&r.doc, &r.message)))
            .collect();
        RuleInfo { descriptions }
    }

    fn description(&self, rule: &str, category: Category) -> String {
        self.descriptions
            .get(rule)
            .cloned()
            .unwrap_or_else(|| category_name(category).to_string())
    }
}

/// The first clause of a rule's documentation (up to `: `, ` (` or `. `), at most 120 bytes.
fn short_description(doc: &str, message: &str) -> String {
    let doc = doc.trim();
    let text = if doc.is_empty() { message } else { doc };
    let end = [": ", " (", ". ", "\n"]
        .iter()
        .filter_map(|p| text.find(p))
        .min()
        .unwrap_or(text.len());
    let mut s = text[..end].trim_end_matches('.').trim().to_string();
    if s.len() > 120 {
        let mut cut = 117;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// A category's name as shown to LanguageTool clients.
fn category_name(c: Category) -> &'static str {
    match c {
        Category::Swap => "Swapped words (spinning)",
        Category::Foreign => "Foreign-language leftovers",
        Category::Boilerplate => "Scraper boilerplate",
        Category::Glue => "Words run together",
        Category::Garble => "Garbled text",
    }
}

/// The closest Localization Quality Issue Type (ITS 2.0) of a category, LanguageTool's
/// `issueType`: clients colour matches by it.
fn issue_type(c: Category) -> &'static str {
    match c {
        Category::Swap => "mistranslation",
        Category::Foreign => "untranslated",
        Category::Boilerplate => "uncategorized",
        Category::Glue => "misspelling",
        Category::Garble => "grammar",
    }
}

fn error(msg: &str) -> Response {
    Response::new(400, "text/plain; charset=utf-8", format!("Error: {msg}"))
}

/// `GET /v2/languages`.
pub fn languages() -> Response {
    let list: Vec<Value> = LANGUAGES
        .iter()
        .map(|(code, name)| json!({"name": name, "code": "en", "longCode": code}))
        .collect();
    Response::json(200, &list)
}

/// The parameters of a check.
#[derive(Default)]
struct Params {
    text: Option<String>,
    data: Option<String>,
    language: Option<String>,
    disabled_rules: Vec<String>,
    disabled_categories: Vec<String>,
    enabled_rules: Vec<String>,
    enabled_categories: Vec<String>,
    enabled_only: bool,
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Params {
    /// The query string's parameters, then the body's (a later one wins).
    fn parse(query: &str, body: &[u8]) -> Params {
        let mut p = Params::default();
        let pairs = form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(body));
        for (k, v) in pairs {
            match &*k {
                "text" => p.text = Some(v.into_owned()),
                "data" => p.data = Some(v.into_owned()),
                "language" => p.language = Some(v.trim().to_string()),
                "disabledRules" => p.disabled_rules = list(&v),
                "disabledCategories" => p.disabled_categories = list(&v),
                "enabledRules" => p.enabled_rules = list(&v),
                "enabledCategories" => p.enabled_categories = list(&v),
                "enabledOnly" => p.enabled_only = v.trim() == "true",
                _ => {}
            }
        }
        p
    }

    /// Should this finding be reported?
    fn wants(&self, f: &Finding) -> bool {
        let cat = f.category.as_str();
        let in_cats = |cats: &[String]| cats.iter().any(|c| c.eq_ignore_ascii_case(cat));
        if self.disabled_rules.contains(&f.rule) || in_cats(&self.disabled_categories) {
            return false;
        }
        !self.enabled_only
            || self.enabled_rules.contains(&f.rule)
            || in_cats(&self.enabled_categories)
    }
}

/// The `language` of the answer: `(code, name)`, or an error for a language unspun does not
/// check.
fn language(requested: Option<&str>) -> Result<(String, &'static str), String> {
    let code = requested.filter(|c| !c.is_empty()).unwrap_or("auto");
    if code.eq_ignore_ascii_case("auto") {
        return Ok(("en".into(), "English"));
    }
    let lower = code.to_ascii_lowercase().replace('_', "-");
    if lower == "en" || lower.starts_with("en-") {
        let name = LANGUAGES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(&lower))
            .map_or("English", |(_, n)| *n);
        return Ok((code.to_string(), name));
    }
    Err(format!(
        "unspun checks English text only: language '{code}' is not supported (use 'auto', 'en' \
         or a variant such as 'en-US'; see /v2/languages)"
    ))
}

/// One part of an annotated text: its place in the original (text and markup) and in the
/// plain text that is checked (text and `interpretAs`).
struct Part {
    orig: usize,
    orig_len: usize,
    plain: usize,
    plain_len: usize,
    text: bool,
}

/// A text to check: the original the client's offsets count in, the plain text that is
/// checked, and how one maps to the other.
struct Annotated {
    orig: String,
    plain: String,
    /// Empty when `orig` is `plain`.
    parts: Vec<Part>,
}

impl Annotated {
    fn plain(text: String) -> Annotated {
        Annotated {
            orig: String::new(),
            plain: text,
            parts: Vec::new(),
        }
    }

    /// Parse LanguageTool's `data` parameter.
    fn from_data(data: &str) -> Result<Annotated, String> {
        let v: Value = serde_json::from_str(data)
            .map_err(|e| format!("the 'data' parameter is not valid JSON: {e}"))?;
        let items = v
            .get("annotation")
            .and_then(Value::as_array)
            .ok_or("the 'data' parameter needs an 'annotation' array")?;
        let mut a = Annotated {
            orig: String::new(),
            plain: String::new(),
            parts: Vec::with_capacity(items.len()),
        };
        for (i, item) in items.iter().enumerate() {
            let s = |k: &str| item.get(k).map(|v| v.as_str().ok_or(k.to_string()));
            let bad = |what: String| format!("annotation {i}: '{what}' must be a string");
            let (orig, plain, text) = match (s("text"), s("markup")) {
                (Some(t), None) => {
                    let t = t.map_err(bad)?;
                    (t, t, true)
                }
                (None, Some(m)) => {
                    let m = m.map_err(bad)?;
                    let interpret = s("interpretAs").transpose().map_err(bad)?.unwrap_or("");
                    (m, interpret, false)
                }
                _ => {
                    return Err(format!(
                        "annotation {i}: needs either 'text' or 'markup' (not both)"
                    ))
                }
            };
            a.parts.push(Part {
                orig: a.orig.len(),
                orig_len: orig.len(),
                plain: a.plain.len(),
                plain_len: plain.len(),
                text,
            });
            a.orig.push_str(orig);
            a.plain.push_str(plain);
        }
        Ok(a)
    }

    fn orig(&self) -> &str {
        if self.parts.is_empty() {
            &self.plain
        } else {
            &self.orig
        }
    }

    /// The original offset of a match that starts at `p` in the plain text: inside markup's
    /// `interpretAs`, the markup's start.
    fn orig_start(&self, p: usize) -> usize {
        if self.parts.is_empty() {
            return p;
        }
        let i = self.parts.partition_point(|s| s.plain + s.plain_len <= p);
        match self.parts.get(i) {
            Some(s) if s.text => s.orig + (p - s.plain),
            Some(s) => s.orig,
            None => self.orig.len(),
        }
    }

    /// The original offset of a match that ends at `p` in the plain text: inside markup's
    /// `interpretAs`, the markup's end.
    fn orig_end(&self, p: usize) -> usize {
        if self.parts.is_empty() {
            return p;
        }
        let i = self.parts.partition_point(|s| s.plain + s.plain_len < p);
        match self.parts.get(i) {
            Some(s) if s.text => s.orig + (p - s.plain),
            Some(s) => s.orig + s.orig_len,
            None => self.orig.len(),
        }
    }
}

/// Byte offsets of a text to UTF-16 offsets, in O(1) per lookup after one pass.
struct Utf16<'a> {
    text: &'a [u8],
    /// UTF-16 units before each block of [`BLOCK`] bytes.
    blocks: Vec<usize>,
}

const BLOCK: usize = 1024;

/// UTF-16 units of the characters that start in these bytes.
fn units(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0xBF => 0,
            0xF0..=0xFF => 2,
            _ => 1,
        })
        .sum()
}

impl<'a> Utf16<'a> {
    fn new(text: &'a str) -> Utf16<'a> {
        let text = text.as_bytes();
        let mut blocks = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut n = 0;
        for chunk in text.chunks(BLOCK) {
            blocks.push(n);
            n += units(chunk);
        }
        Utf16 { text, blocks }
    }

    fn at(&self, pos: usize) -> usize {
        let b = pos / BLOCK;
        match self.blocks.get(b) {
            Some(&n) => n + units(&self.text[b * BLOCK..pos]),
            None => units(self.text),
        }
    }
}

/// LanguageTool's `context`: the match with up to [`CONTEXT_CHARS`] characters on each side
/// (`...` where cut), line breaks as spaces; `offset` and `length` in UTF-16 units.
fn context(orig: &str, start: usize, end: usize) -> Value {
    let before = &orig[..start];
    let left = before
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let after = &orig[end..];
    let right = after
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(orig.len(), |(i, _)| end + i);
    let mut text = String::new();
    if left > 0 {
        text.push_str("...");
    }
    text.push_str(&orig[left..start]);
    let offset = text.encode_utf16().count();
    text.push_str(&orig[start..end]);
    text.push_str(&orig[end..right]);
    if right < orig.len() {
        text.push_str("...");
    }
    let text: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let length = orig[start..end].encode_utf16().count();
    json!({"text": text, "offset": offset, "length": length})
}

/// The sentence a match is in (in the checked text): from after the previous `.`, `!`, `?`
/// followed by white space, or a blank line, to the next one; at most [`SENTENCE_CHARS`]
/// characters on each side.
fn sentence(plain: &str, start: usize, end: usize) -> String {
    let ends_sentence = |prev: char, next: char| {
        matches!(prev, '.' | '!' | '?' | '\n') && (next.is_whitespace())
            || (prev == '\n' && next == '\n')
    };
    let mut from = 0;
    let mut prev_next: Option<char> = None;
    for (n, (i, c)) in plain[..start].char_indices().rev().enumerate() {
        if n >= SENTENCE_CHARS {
            from = i + c.len_utf8();
            break;
        }
        if let Some(next) = prev_next {
            if ends_sentence(c, next) {
                from = i + c.len_utf8();
                break;
            }
        }
        prev_next = Some(c);
    }
    let mut to = plain.len();
    let mut chars = plain[end..].char_indices().peekable();
    let mut n = 0;
    while let Some((i, c)) = chars.next() {
        n += 1;
        let next = chars.peek().map(|&(_, c)| c);
        if n >= SENTENCE_CHARS || next.is_none_or(|next| ends_sentence(c, next)) {
            to = end + i + c.len_utf8();
            break;
        }
    }
    let from = from.min(start);
    plain[from..to.max(end)].trim().to_string()
}

/// `POST /v2/check`.
pub fn check(
    app: &App,
    query: &str,
    body: Vec<u8>,
    charge: &mut Charge,
    deadline: Instant,
) -> Response {
    let params = Params::parse(query, &body);
    drop(body);
    let (code, name) = match language(params.language.as_deref()) {
        Ok(l) => l,
        Err(e) => return error(&e),
    };
    let doc = match (params.text.is_some(), params.data.as_deref()) {
        (true, Some(_)) => return error("set 'text' or 'data', not both"),
        (true, None) => Annotated::plain(params.text.clone().unwrap_or_default()),
        (false, Some(d)) => match Annotated::from_data(d) {
            Ok(a) => a,
            Err(e) => return error(&e),
        },
        (false, None) => return error("missing 'text' or 'data' parameter"),
    };
    let report = match run_check(app, &doc.plain, DocFormat::Text, None, deadline) {
        None => {
            return Response::new(
                503,
                "text/plain; charset=utf-8",
                "Error: the server is busy, try again",
            )
        }
        Some(Err(e)) => {
            return Response::new(500, "text/plain; charset=utf-8", format!("Error: {e}"))
        }
        Some(Ok(r)) => r,
    };
    let orig = doc.orig();
    let utf16 = Utf16::new(orig);
    let matches: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| params.wants(f))
        .take(app.max_findings)
        .map(|f| {
            let (s, e) = (doc.orig_start(f.start), doc.orig_end(f.end));
            let e = e.max(s);
            let offset = utf16.at(s);
            let replacements: Vec<Value> =
                f.suggestion.iter().map(|v| json!({"value": v})).collect();
            json!({
                "message": f.message,
                "shortMessage": category_name(f.category),
                "replacements": replacements,
                "offset": offset,
                "length": utf16.at(e) - offset,
                "context": context(orig, s, e),
                "sentence": sentence(&doc.plain, f.start, f.end),
                "type": {"typeName": "Other"},
                "rule": {
                    "id": f.rule,
                    "description": app.lt_rules.description(&f.rule, f.category),
                    "issueType": issue_type(f.category),
                    "category": {
                        "id": f.category.as_str().to_ascii_uppercase(),
                        "name": category_name(f.category),
                    },
                },
                "ignoreForIncompleteSentence": false,
                "contextForSureMatch": 0,
            })
        })
        .collect();
    let keep = findings_that_fit(&matches, usize::MAX, MAX_ANSWER, |m| {
        serde_json::to_vec(m).map(|v| v.len()).unwrap_or(0)
    });
    let mut matches = matches;
    let mut truncated = report.truncated.clone();
    if keep < matches.len() {
        matches.truncate(keep);
        truncated.get_or_insert_with(|| unspun::TRUNCATED_FINDINGS.to_string());
    }
    let warnings = match &truncated {
        Some(why) => json!({"incompleteResults": true, "incompleteResultsReason": why}),
        None => json!({"incompleteResults": false}),
    };
    // What the language stage found (LanguageTool's `detectedLanguage`).
    let detected = match &report.language {
        Some(l) => json!({
            "name": unspun::lang::name(&l.main),
            "code": l.main,
            "confidence": l.confidence,
        }),
        None => json!({"name": "English", "code": "en"}),
    };
    let mut answer = json!({
        "software": {
            "name": "unspun",
            "version": env!("CARGO_PKG_VERSION"),
            "buildDate": "",
            "apiVersion": 1,
            "premium": false,
            "status": "",
        },
        "warnings": warnings,
        "language": {
            "name": name,
            "code": code,
            "detectedLanguage": detected,
        },
        "matches": matches,
        "unspun": {"score": report.score, "words": report.words, "verdict": report.verdict},
    });
    if let Some(t) = truncated {
        answer["unspun"]["truncated"] = json!(t);
    }
    let body = serde_json::to_vec(&answer).expect("answers serialize");
    charge.set(body.len());
    Response::new(200, "application/json", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let t = "a😀é\u{4e2d}b".repeat(500);
        let u = Utf16::new(&t);
        for (i, _) in t.char_indices().chain([(t.len(), ' ')]) {
            assert_eq!(u.at(i), t[..i].encode_utf16().count(), "at {i}");
        }
    }

    #[test]
    fn annotated_offsets_map_back_to_the_original() {
        let a = Annotated::from_data(
            r#"{"annotation": [{"text": "A "}, {"markup": "<b>"}, {"text": "assail"},
               {"markup": "</b>"}, {"text": "ants came."}, {"markup": "<p>", "interpretAs": "\n\n"},
               {"text": "Next"}]}"#,
        )
        .unwrap();
        assert_eq!(a.plain, "A assailants came.\n\nNext");
        assert_eq!(a.orig, "A <b>assail</b>ants came.<p>Next");
        // "assailants" in the plain text spans the markup in the original.
        let (s, e) = (a.orig_start(2), a.orig_end(12));
        assert_eq!(&a.orig[s..e], "assail</b>ants");
        // A span inside interpretAs maps to the markup.
        assert_eq!((a.orig_start(18), a.orig_end(20)), (25, 28));
        assert_eq!(&a.orig[a.orig_start(20)..a.orig_end(24)], "Next");
        assert!(Annotated::from_data(r#"{"annotation": [{"text": 1}]}"#).is_err());
        assert!(Annotated::from_data(r#"{"annotation": [{"text": "a", "markup": "b"}]}"#).is_err());
        assert!(Annotated::from_data(r#"{"text": "a"}"#).is_err());
    }

    #[test]
    fn context_and_sentence() {
        let t = "A first sentence that is long enough here. The cyber assailants struck again! Then more text follows on.";
        let s = t.find("assailants").unwrap();
        let c = context(t, s, s + 10);
        let text = c["text"].as_str().unwrap();
        let off = c["offset"].as_u64().unwrap() as usize;
        assert_eq!(&text[off..off + 10], "assailants");
        assert!(text.starts_with("...") && text.ends_with("..."), "{text}");
        assert_eq!(sentence(t, s, s + 10), "The cyber assailants struck again!");
        assert_eq!(sentence("no end here", 3, 6), "no end here");
    }

    #[test]
    fn languages_accepted() {
        assert_eq!(language(None).unwrap().0, "en");
        assert_eq!(
            language(Some("en-GB")).unwrap(),
            ("en-GB".into(), "English (GB)")
        );
        assert_eq!(language(Some("en_US")).unwrap().1, "English (US)");
        assert!(language(Some("de-DE"))
            .unwrap_err()
            .contains("English text only"));
    }

    #[test]
    fn descriptions_are_short() {
        assert_eq!(
            short_description("Words run together by a scraper: a token that …", ""),
            "Words run together by a scraper"
        );
        assert_eq!(
            short_description("", "'{text}' is doubled"),
            "'{text}' is doubled"
        );
    }
}
