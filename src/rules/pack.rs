//! The rule-pack file format (TOML) and its validation.
//!
//! ```toml
//! [pack]
//! name = "boilerplate"
//! description = "Scraper and CMS debris"
//! disable = ["garble.repeated-word"]     # switch rules of other packs off
//!
//! [[rule]]
//! id = "boilerplate.author-bio"
//! kind = "boilerplate"                   # phrase | foreign | boilerplate | regex
//! severity = "warning"                   # info | warning | error (default: warning)
//! message = "author-bio widget text left by a scraper"
//! phrases = ["click to read the authors bio"]
//! examples.fire = ["Click to read the authors bio"]
//! examples.clean = ["Read the author's bio below."]
//! ```
//!
//! Every error names the file, the line and what is wrong.

use crate::finding::{Category, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// What a rule-pack rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Known swapped phrases with their originals.
    Phrase,
    /// Words and template lines of another language.
    Foreign,
    /// Scraper and CMS debris.
    Boilerplate,
    /// A user-written regular expression.
    Regex,
}

impl Kind {
    /// The name used in pack files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Phrase => "phrase",
            Kind::Foreign => "foreign",
            Kind::Boilerplate => "boilerplate",
            Kind::Regex => "regex",
        }
    }

    /// The category a rule of this kind has unless it says otherwise.
    pub fn default_category(self) -> Category {
        match self {
            Kind::Phrase => Category::Swap,
            Kind::Foreign => Category::Foreign,
            Kind::Boilerplate => Category::Boilerplate,
            Kind::Regex => Category::Garble,
        }
    }
}

/// Examples a rule must fire on and must stay silent on; the test suite runs them all.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Texts on which the rule must report at least one finding.
    #[serde(default)]
    pub fire: Vec<String>,
    /// Texts on which the rule must report nothing.
    #[serde(default)]
    pub clean: Vec<String>,
}

/// The `[pack]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// Pack name (shown by `unspun rules`).
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// Where the data comes from and whom to credit.
    #[serde(default)]
    pub attribution: Option<String>,
    /// Rule ids (of any pack, or built-in) this pack switches off.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// One `[[rule]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Unique id, `area.name`, lower case.
    pub id: Spanned<String>,
    /// What it matches.
    pub kind: Kind,
    /// Category (default depends on kind).
    pub category: Option<String>,
    /// Severity (default warning).
    pub severity: Option<String>,
    /// Message shown with each finding; `{text}` and `{suggestion}` are filled in.
    pub message: String,
    /// Longer documentation for `unspun explain`.
    #[serde(default)]
    pub doc: Option<String>,
    /// Default suggestion for every match (phrase entries and regex captures override it).
    #[serde(default)]
    pub suggestion: Option<String>,
    /// Base confidence of a match (default depends on kind).
    #[serde(default)]
    pub confidence: Option<f64>,
    /// Whether applying the suggestion is a safe automatic fix.
    #[serde(default)]
    pub fix_safe: bool,
    /// phrase: `[found, original]` pairs.
    #[serde(default)]
    pub entries: Vec<(String, String)>,
    /// phrase: a CSV file beside the pack with `found,original[,count]` rows (header skipped).
    #[serde(default)]
    pub csv: Option<String>,
    /// foreign: the language tag.
    #[serde(default)]
    pub language: Option<String>,
    /// foreign: words that are not English; flagged on their own.
    #[serde(default)]
    pub words: Vec<String>,
    /// foreign: words that are English too; flagged only beside other foreign words.
    #[serde(default)]
    pub shared: Vec<String>,
    /// foreign, boilerplate: phrases flagged wherever they stand.
    #[serde(default)]
    pub phrases: Vec<String>,
    /// foreign: English translations used as suggestions.
    #[serde(default)]
    pub translate: BTreeMap<String, String>,
    /// boilerplate, regex: regular expressions (Rust `regex` syntax).
    #[serde(default)]
    pub patterns: Vec<String>,
    /// boilerplate: a match counts only when it is all that stands on its line (besides
    /// punctuation and white space).
    #[serde(default)]
    pub whole_line: bool,
    /// regex: match the original text instead of the folded (lower-cased) view.
    #[serde(default)]
    pub case_sensitive: bool,
    /// Examples the test suite runs.
    #[serde(default)]
    pub examples: Examples,
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// The header.
    pub pack: PackHeader,
    /// The rules.
    #[serde(default)]
    pub rule: Vec<RuleDef>,
}

/// A rule-pack error: file, line, column and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    /// The pack file (as given, or `rules/NAME.toml` for embedded packs).
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// The rule concerned, when there is one.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        if let Some(r) = &self.rule {
            write!(f, ": rule `{r}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PackError {}

/// 1-based line and column of byte offset `at` in `src`. Each call scans `src` up to `at`:
/// for many positions in one text use a [`LineIndex`].
pub fn line_col(src: &str, at: usize) -> (usize, usize) {
    LineIndex::new(src).line_col(at)
}

/// Line starts of a text, so that the line of any byte offset is found in O(log n) and its
/// column in O(1) plus at most one block of the line: loading a pack of n rules is linear in
/// n (it was quadratic with a scan from the start per rule).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// Characters before each block of [`BLOCK`] bytes.
    chars_before: Vec<usize>,
}

/// Block size of [`LineIndex`]'s character counts.
const BLOCK: usize = 4096;

impl<'a> LineIndex<'a> {
    /// Index `src` (one pass).
    pub fn new(src: &'a str) -> LineIndex<'a> {
        let b = src.as_bytes();
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', b).map(|i| i + 1));
        let mut chars_before = Vec::with_capacity(b.len() / BLOCK + 1);
        let mut n = 0;
        for block in b.chunks(BLOCK) {
            chars_before.push(n);
            n += count_chars(block);
        }
        chars_before.push(n);
        LineIndex {
            src,
            starts,
            chars_before,
        }
    }

    /// 1-based line of byte offset `at`.
    pub fn line(&self, at: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= at.min(self.src.len()))
    }

    /// 1-based line and column (in characters) of byte offset `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.src.len());
        let line = self.line(at);
        let start = self.starts[line - 1];
        (line, self.chars_upto(at) - self.chars_upto(start) + 1)
    }

    /// Characters before byte offset `at` (a byte that is not a UTF-8 continuation byte
    /// starts a character, so any byte offset works).
    fn chars_upto(&self, at: usize) -> usize {
        let block = at / BLOCK;
        self.chars_before[block] + count_chars(&self.src.as_bytes()[block * BLOCK..at])
    }
}

fn count_chars(b: &[u8]) -> usize {
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count()
}

/// Parse a pack file's text; the first error only (see [`parse_all`] for every error).
pub fn parse(file: &str, src: &str) -> Result<PackFile, PackError> {
    toml::from_str::<PackFile>(src).map_err(|e| toml_error(file, src, &e))
}

/// A TOML or structure error as a [`PackError`] at its position.
fn toml_error(file: &str, src: &str, e: &toml::de::Error) -> PackError {
    let (line, column) = e.span().map_or((0, 0), |s| line_col(src, s.start));
    let mut message = e.message().trim().to_string();
    if message.is_empty() {
        // The toml crate says nothing about a control character in a comment.
        let at = e.span().and_then(|s| src.get(s.start..)?.chars().next());
        message = match at {
            Some(c) if c.is_control() => format!("control character {c:?} is not allowed here"),
            Some(c) => format!("unexpected character {c:?}"),
            None => "invalid TOML".to_string(),
        };
    }
    PackError {
        file: file.to_string(),
        line,
        column,
        rule: None,
        message,
    }
}

/// A value that may fail to deserialize without failing its container: the error's message
/// is kept, and the next rule is read.
struct Lenient<T>(Result<T, String>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Lenient(T::deserialize(d).map_err(|e| {
            // toml puts the key path on a line of its own: `message\nin `key`\n`.
            let s = e.to_string();
            let mut lines = s.lines().map(str::trim).filter(|l| !l.is_empty());
            let msg = lines.next().unwrap_or("invalid rule").to_string();
            match lines.next().and_then(|l| l.strip_prefix("in ")) {
                Some(k) => format!("{msg} (in {k})"),
                None => msg,
            }
        })))
    }
}

/// The pack read rule by rule, so that one bad rule does not hide the next.
#[derive(Deserialize)]
struct LooseFile {
    pack: Option<Spanned<Lenient<PackHeader>>>,
    #[serde(default)]
    rule: Vec<Spanned<Lenient<RuleDef>>>,
}

/// Each rule's id, when it has a readable one.
#[derive(Deserialize)]
struct LooseIds {
    #[serde(default)]
    rule: Vec<LooseId>,
}

#[derive(Deserialize)]
struct LooseId {
    id: Option<Spanned<toml::Value>>,
}

/// Parse a pack file's text, reporting every error it can at once: a TOML syntax error stops
/// the parser (one error), but a rule with an unknown key, a missing field or a value of the
/// wrong type is reported and the other rules are still read (and checked by the caller).
/// Returns the pack with the rules that could be read (`None` when the file is not TOML or
/// has no readable `[pack]` table) and the errors.
pub fn parse_all(file: &str, src: &str) -> (Option<PackFile>, Vec<PackError>) {
    let strict = match toml::from_str::<PackFile>(src) {
        Ok(p) => return (Some(p), Vec::new()),
        Err(e) => e,
    };
    let first = toml_error(file, src, &strict);
    let loose: LooseFile = match toml::from_str(src) {
        Ok(l) => l,
        Err(_) => return (None, vec![first]),
    };
    let ids: Vec<Option<Spanned<toml::Value>>> = toml::from_str::<LooseIds>(src)
        .map(|l| l.rule.into_iter().map(|r| r.id).collect())
        .unwrap_or_default();
    let index = LineIndex::new(src);
    let strict_at = strict.span().map(|s| s.start);
    // (span of the element, error); the strict error replaces the one of its element.
    let mut found: Vec<(std::ops::Range<usize>, PackError)> = Vec::new();
    let at = |offset: usize, rule: Option<String>, message: String| {
        let (line, column) = index.line_col(offset);
        PackError {
            file: file.to_string(),
            line,
            column,
            rule,
            message,
        }
    };
    // Top-level keys other than `pack` and `rule`.
    if let Ok(keys) = toml::from_str::<BTreeMap<Spanned<String>, serde::de::IgnoredAny>>(src) {
        for k in keys.keys() {
            if !matches!(k.get_ref().as_str(), "pack" | "rule") {
                let msg = format!("unknown field `{}`, expected `pack` or `rule`", k.get_ref());
                found.push((k.span(), at(k.span().start, None, msg)));
            }
        }
    }
    let header = match loose.pack {
        Some(h) => {
            let span = h.span();
            match h.into_inner().0 {
                Ok(h) => Some(h),
                Err(m) => {
                    found.push((span.clone(), at(span.start, None, format!("[pack]: {m}"))));
                    None
                }
            }
        }
        None => {
            found.push((0..0, at(0, None, "missing table `[pack]`".to_string())));
            None
        }
    };
    let mut rules = Vec::new();
    let starts: Vec<usize> = loose.rule.iter().map(|r| r.span().start).collect();
    for (i, r) in loose.rule.into_iter().enumerate() {
        let span = r.span().start..starts.get(i + 1).copied().unwrap_or(src.len());
        match r.into_inner().0 {
            Ok(def) => rules.push(def),
            Err(m) => {
                let id = ids.get(i).and_then(Option::as_ref);
                let name = id.and_then(|v| v.get_ref().as_str().map(str::to_string));
                let pos = id.map_or(span.start, |v| v.span().start);
                found.push((span, at(pos, name, m)));
            }
        }
    }
    let mut errors = Vec::with_capacity(found.len() + 1);
    let mut placed = false;
    for (span, e) in found {
        if !placed && strict_at.is_some_and(|s| span.contains(&s) || span.start == s) {
            placed = true;
            errors.push(PackError {
                rule: e.rule.clone(),
                ..first.clone()
            });
        } else {
            errors.push(e);
        }
    }
    if !placed {
        errors.push(first);
    }
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    let pack = PackFile {
        pack: header.unwrap_or_else(|| PackHeader {
            name: String::new(),
            description: String::new(),
            attribution: None,
            disable: Vec::new(),
        }),
        rule: rules,
    };
    (Some(pack), errors)
}

/// Which kind-specific fields a rule sets, to reject ones its kind ignores.
fn used_fields(def: &RuleDef) -> Vec<&'static str> {
    let mut v = Vec::new();
    if !def.entries.is_empty() {
        v.push("entries");
    }
    if def.csv.is_some() {
        v.push("csv");
    }
    if def.language.is_some() {
        v.push("language");
    }
    if !def.words.is_empty() {
        v.push("words");
    }
    if !def.shared.is_empty() {
        v.push("shared");
    }
    if !def.phrases.is_empty() {
        v.push("phrases");
    }
    if !def.translate.is_empty() {
        v.push("translate");
    }
    if !def.patterns.is_empty() {
        v.push("patterns");
    }
    if def.whole_line {
        v.push("whole_line");
    }
    if def.case_sensitive {
        v.push("case_sensitive");
    }
    v
}

fn allowed_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Phrase => &["entries", "csv"],
        Kind::Foreign => &["language", "words", "shared", "phrases", "translate"],
        Kind::Boilerplate => &["phrases", "patterns", "whole_line"],
        Kind::Regex => &["patterns", "case_sensitive"],
    }
}

/// Is `id` a well-formed rule id (`area.name`, lower-case ASCII, digits, `-`, `.`)?
pub fn valid_id(id: &str) -> bool {
    let ok_chars = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    ok_chars && id.contains('.') && !id.starts_with('.') && !id.ends_with('.') && !id.contains("..")
}

/// The checked, resolved facts of a rule definition.
#[derive(Debug, Clone)]
pub struct Validated {
    /// Category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
}

/// Check one rule definition's fields (not its patterns, which are compiled later); the first
/// error only (see [`validate_all`]).
pub fn validate(file: &str, src: &str, def: &RuleDef) -> Result<Validated, PackError> {
    validate_all(file, &LineIndex::new(src), def).map_err(|mut e| e.swap_remove(0))
}

/// Check one rule definition's fields: every error, positioned at the rule's id.
pub fn validate_all(
    file: &str,
    index: &LineIndex,
    def: &RuleDef,
) -> Result<Validated, Vec<PackError>> {
    // The position is worked out for errors only (its column costs a scan of the line).
    let err = |message: String| {
        let (line, column) = index.line_col(def.id.span().start);
        PackError {
            file: file.to_string(),
            line,
            column,
            rule: Some(def.id.get_ref().clone()),
            message,
        }
    };
    let mut errors = Vec::new();
    let id = def.id.get_ref();
    if !valid_id(id) {
        errors.push(err(format!(
            "invalid rule id `{id}`: use lower-case `area.name` (letters, digits, `-`, `.`)"
        )));
    }
    let category = match &def.category {
        None => def.kind.default_category(),
        Some(c) => Category::parse(c).unwrap_or_else(|| {
            errors.push(err(format!(
                "unknown category `{c}` (expected one of: swap, foreign, boilerplate, glue, garble)"
            )));
            def.kind.default_category()
        }),
    };
    let severity = match &def.severity {
        None => Severity::Warning,
        Some(s) => Severity::parse(s).unwrap_or_else(|| {
            errors.push(err(format!(
                "unknown severity `{s}` (expected info, warning or error)"
            )));
            Severity::Warning
        }),
    };
    if let Some(c) = def.confidence {
        if !(0.0..=1.0).contains(&c) {
            errors.push(err(format!("confidence {c} is outside [0, 1]")));
        }
    }
    let allowed = allowed_fields(def.kind);
    for f in used_fields(def) {
        if !allowed.contains(&f) {
            errors.push(err(format!(
                "field `{f}` is not used by rules of kind `{}`",
                def.kind.as_str()
            )));
        }
    }
    let empty = match def.kind {
        Kind::Phrase => def.entries.is_empty() && def.csv.is_none(),
        Kind::Foreign => def.words.is_empty() && def.shared.is_empty() && def.phrases.is_empty(),
        Kind::Boilerplate => def.phrases.is_empty() && def.patterns.is_empty(),
        Kind::Regex => def.patterns.is_empty(),
    };
    if empty {
        errors.push(err(format!(
            "a `{}` rule needs something to match ({})",
            def.kind.as_str(),
            allowed.join(", ")
        )));
    }
    if def.kind == Kind::Foreign && def.language.is_none() {
        errors.push(err("a `foreign` rule needs a `language` tag".into()));
    }
    if def.message.trim().is_empty() {
        errors.push(err("the message is empty".into()));
    }
    if errors.is_empty() {
        Ok(Validated { category, severity })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_has_line() {
        let src =
            "[pack]\nname = \"x\"\n\n[[rule]]\nid = \"a.b\"\nkind = \"phrase\"\nmessage = 3\n";
        let e = parse("p.toml", src).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(e.to_string().starts_with("p.toml:7:"), "{e}");
    }

    #[test]
    fn control_character_in_a_comment_is_named() {
        // Found by the rule_pack fuzz target: toml reports it with an empty message.
        let e = parse("p.toml", "# a\0b\n[pack]\nname = 'x'\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.toml:1:4: control character '\\0' is not allowed here"
        );
    }

    #[test]
    fn unknown_key_is_an_error() {
        let src = "[pack]\nname = \"x\"\n[[rule]]\nid = \"a.b\"\nkind = \"phrase\"\nmessage = \"m\"\nentires = []\n";
        let e = parse("p.toml", src).unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        assert!(e.message.contains("entires"), "{e}");
    }

    #[test]
    fn wrong_field_for_kind() {
        let src = "[pack]\nname = \"x\"\n[[rule]]\nid = \"a.b\"\nkind = \"phrase\"\nmessage = \"m\"\nwords = [\"x\"]\nentries = [[\"a\", \"b\"]]\n";
        let p = parse("p.toml", src).unwrap();
        let e = validate("p.toml", src, &p.rule[0]).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("`words`"), "{e}");
        assert_eq!(e.rule.as_deref(), Some("a.b"));
    }

    #[test]
    fn ids() {
        assert!(valid_id("glue.joined-words"));
        assert!(valid_id("foreign.pt"));
        assert!(!valid_id("Glue.x"));
        assert!(!valid_id("nodot"));
        assert!(!valid_id("a..b"));
    }
}
