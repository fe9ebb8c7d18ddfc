//! Which language a document is written in, which passages are in another one, and whether it
//! reads like a machine translation.
//!
//! [`identify`] runs once per document, before the detectors, on the tokens the document
//! already has. It is a naive Bayes classifier over word frequencies: each of 39 languages has
//! a profile of its commonest words (`rules/lang/profiles.txt`, built by
//! `tools/build_lang_profiles.sh` from the wordfreq word lists), and a word outside every
//! profile costs each language what its profile leaves to other words. Chinese, Japanese,
//! Korean and Thai, whose words are not separated by spaces, are told by their scripts.
//!
//! The text is cut into segments (a paragraph, or about [`SEGMENT_WORDS`] words of whole
//! sentences), and each segment with enough evidence gets a language. The document's `main`
//! language is the one with most words; the `others` are the shares of the rest. In an
//! English document, a run of segments in another language of at least
//! [`PASSAGE_MIN_WORDS`] words is a *passage*: one `foreign.passage` finding, and the English
//! detectors do not read it.
//!
//! The cost per document is one table look-up per word (the table stays in the CPU caches) and
//! two short vector additions per known word.

use crate::detect::padded16;
use crate::finding::{Category, Finding, Severity};
use crate::rules::BuiltinRule;
use crate::text::{markup, Case, Document, TokenKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The profiles (see `rules/SOURCES.md`).
const PROFILES: &str = include_str!("../rules/lang/profiles.txt");

/// Most profile languages the table can hold.
const MAXL: usize = 40;
/// Languages told by their script, after the profile languages.
const SCRIPT_LANGS: [&str; 4] = ["zh", "ja", "ko", "th"];
/// Units of a profile cost: -log10(frequency) / UNIT.
const UNIT: f64 = 0.05;
/// Longest word in the table (bytes): its key keeps the length in the last byte.
const MAX_LEN: usize = 15;

/// A segment is closed at the next sentence start once it has this many words.
pub const SEGMENT_WORDS: u32 = 40;
/// Fewer words than this in a segment: no language of its own.
const SEGMENT_MIN_WORDS: u32 = 8;
/// Known words a segment needs for a language of its own.
const SEGMENT_MIN_HITS: u32 = 3;
/// A segment's language must be this probable to count.
const SEGMENT_MIN_P: f64 = 0.9;
/// A language whose profile words make up less of the text than this is not the text's.
const MIN_COVERAGE: f64 = 0.12;
/// Shortest foreign passage reported (words).
pub const PASSAGE_MIN_WORDS: u32 = 15;
/// A passage's language covers at least this share of its words with its commonest words
/// (prose does: 40 to 60%; code and tables do not).
const PASSAGE_MIN_COVERAGE: f64 = 0.3;
/// In prose most tokens are words (the rest punctuation, numbers, code): at least this share.
const PROSE_WORD_SHARE: f64 = 0.6;
/// A text needs this many words, mostly prose, before it is said to be in no known language
/// (shorter or code-like texts stay English, the checker's premise).
const UND_MIN_WORDS: u32 = 50;
/// Prior probability that a text is English (the checker's premise).
const PRIOR_EN: f64 = 0.9;
/// Naive Bayes treats neighbouring words as independent, which they are not: evidence is
/// divided by this before it becomes a probability.
const TEMPERATURE: f64 = 3.0;
/// Known words needed for full confidence in the main language.
const FULL_EVIDENCE_HITS: f64 = 10.0;

/// The rule of a foreign passage.
pub const PASSAGE: BuiltinRule = BuiltinRule {
    id: "foreign.passage",
    category: Category::Foreign,
    severity: Severity::Warning,
    message: "a passage in {language} inside English text",
    doc: "A passage (a paragraph or a few sentences, at least 15 words) in another language \
          inside an English document: an untranslated part of a machine translation, or text \
          pasted or scraped from another page. It is one finding with its language; the \
          English detectors do not read it, so its words are not flagged one by one.",
    file: "src/lang.rs",
    fix_safe: false,
    fire: &[
        "The committee met on Tuesday to discuss the budget for next year. The vote is \
             expected next week, and the members said they were ready for it.\n\n\
             O governo anunciou hoje que vai aumentar os impostos sobre os combustíveis a \
             partir do próximo mês, segundo o ministro das finanças.\n\n\
             The council will publish its report on Friday, and the mayor said the new \
             school would be paid for by the city.",
    ],
    clean: &[
        "The committee met on Tuesday to discuss the budget for next year. The vote is \
              expected next week, and the members said they were ready for it.",
    ],
};

/// The language evidence of a document, in the public JSON shape:
/// `{"main": "en", "confidence": 0.98, "others": {"pt": 0.05}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// The main language (ISO 639-1 where there is one, else 639-3; `und` when the text is in
    /// no language the profiles know).
    pub main: String,
    /// How sure the main language is, in [0, 1].
    pub confidence: f64,
    /// Other languages and the share of the words they hold, in (0, 1).
    #[serde(default)]
    pub others: BTreeMap<String, f64>,
}

/// The evidence that a document is a machine translation from another language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranslatedFrom {
    /// The source language.
    pub language: String,
    /// How sure, in [0, 1].
    pub confidence: f64,
    /// Indices into the report's `findings` that point at it.
    pub evidence: Vec<usize>,
}

/// A passage in another language inside an English document.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// Original byte span (first word to last word).
    pub start: usize,
    /// Original byte span end.
    pub end: usize,
    /// Index of its first token.
    pub first_token: usize,
    /// Index of its last token.
    pub last_token: usize,
    /// Its language.
    pub language: &'static str,
    /// Its words.
    pub words: u32,
    /// How sure its language is.
    pub confidence: f64,
}

/// What [`identify`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct LanguageVerdict {
    /// The main language.
    pub main: &'static str,
    /// How sure, in [0, 1].
    pub confidence: f64,
    /// Every language with words in the document and its share of them, largest first.
    pub shares: Vec<(&'static str, f64)>,
    /// Passages in another language (only in an English document).
    pub passages: Vec<Passage>,
}

impl LanguageVerdict {
    /// Is the document English (the English detectors run)?
    pub fn is_english(&self) -> bool {
        self.main == "en"
    }

    /// The share of the words in `lang`.
    pub fn share(&self, lang: &str) -> f64 {
        self.shares
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(0.0, |(_, s)| *s)
    }

    /// The public JSON shape.
    pub fn to_language(&self) -> Language {
        Language {
            main: self.main.to_string(),
            confidence: round3(self.confidence),
            others: self
                .shares
                .iter()
                .filter(|(l, s)| *l != self.main && round3(*s) > 0.0)
                .map(|(l, s)| (l.to_string(), round3(*s)))
                .collect(),
        }
    }

    /// One `foreign.passage` finding per passage (rule index `rule` of the checker's table).
    /// A passage the writer labelled as that language (see [`labelled`]) is a translation
    /// set off on purpose, as in a README with a section per language: `info` at most.
    pub fn passage_findings(&self, doc: &Document, severity: Severity) -> Vec<Finding> {
        self.passages
            .iter()
            .map(|p| {
                let (line, column) = doc.line_col(p.start);
                let labelled = labelled(doc, p);
                Finding {
                    rule: PASSAGE.id.to_string(),
                    category: Category::Foreign,
                    severity: if labelled {
                        severity.min(Severity::Info)
                    } else {
                        severity
                    },
                    start: p.start,
                    end: p.end,
                    line,
                    column,
                    text: doc.orig[p.start..p.end].to_string(),
                    suggestion: None,
                    message: format!(
                        "a passage in {} ({} words) inside English text{}",
                        name(p.language),
                        p.words,
                        if labelled { ", labelled as such" } else { "" }
                    ),
                    confidence: round3(p.confidence),
                    language: Some(p.language.to_string()),
                }
            })
            .collect()
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Language tags and their English names.
pub const NAMES: &[(&str, &str)] = &[
    ("ar", "Arabic"),
    ("bg", "Bulgarian"),
    ("bn", "Bengali"),
    ("ca", "Catalan"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("fa", "Persian"),
    ("fi", "Finnish"),
    ("fil", "Filipino"),
    ("fr", "French"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("id", "Indonesian"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("lt", "Lithuanian"),
    ("lv", "Latvian"),
    ("mk", "Macedonian"),
    ("ms", "Malay"),
    ("nb", "Norwegian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sh", "Serbo-Croatian"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sv", "Swedish"),
    ("ta", "Tamil"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
    ("und", "an unidentified language"),
];

/// Names of languages in their own language, as headings and language menus write them (the
/// English name is in [`NAMES`]).
const ENDONYMS: &[(&str, &[&str])] = &[
    ("ar", &["\u{627}\u{644}\u{639}\u{631}\u{628}\u{64a}\u{629}"]),
    (
        "bg",
        &["\u{431}\u{44a}\u{43b}\u{433}\u{430}\u{440}\u{441}\u{43a}\u{438}"],
    ),
    ("ca", &["catal\u{e0}"]),
    ("cs", &["\u{10d}e\u{161}tina", "\u{10d}esky"]),
    ("da", &["dansk"]),
    ("de", &["deutsch"]),
    (
        "el",
        &["\u{3b5}\u{3bb}\u{3bb}\u{3b7}\u{3bd}\u{3b9}\u{3ba}\u{3ac}"],
    ),
    ("es", &["espa\u{f1}ol", "espanol", "castellano"]),
    ("fi", &["suomi"]),
    ("fr", &["fran\u{e7}ais", "francais"]),
    ("hu", &["magyar"]),
    ("id", &["bahasa indonesia"]),
    ("it", &["italiano"]),
    ("ms", &["bahasa melayu"]),
    ("nb", &["norsk"]),
    ("nl", &["nederlands"]),
    ("pl", &["polski"]),
    ("pt", &["portugu\u{ea}s", "portugues", "brasileiro"]),
    ("ro", &["rom\u{e2}n\u{103}", "romana"]),
    ("ru", &["\u{440}\u{443}\u{441}\u{441}\u{43a}\u{438}\u{439}"]),
    ("sv", &["svenska"]),
    ("tr", &["t\u{fc}rk\u{e7}e", "turkce"]),
    (
        "uk",
        &["\u{443}\u{43a}\u{440}\u{430}\u{457}\u{43d}\u{441}\u{44c}\u{43a}\u{430}"],
    ),
    ("vi", &["ti\u{1ebf}ng vi\u{1ec7}t"]),
];

/// Did the writer label passage `p` as its language: the heading it sits under names the
/// language ("## Español", "German translation"), or its HTML element says so (`<div
/// lang="es">`)? A bilingual README or a page with a translated section is written that way; a
/// passage a machine translation or a scraper left behind is not.
fn labelled(doc: &Document, p: &Passage) -> bool {
    // Whole words only: "Germany" does not name German.
    let names = |text: &str| {
        let words: String = text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .fold(String::from(" "), |acc, w| acc + w + " ");
        let has = |n: &str| words.contains(&format!(" {n} "));
        has(&name(p.language).to_lowercase())
            || ENDONYMS
                .iter()
                .filter(|(tag, _)| *tag == p.language)
                .flat_map(|(_, names)| names.iter())
                .any(|n| has(n))
    };
    // The last heading before the passage.
    let heading = doc
        .blocks
        .iter()
        .rev()
        .find(|(r, b)| *b == markup::Block::Heading && r.end <= p.start);
    if heading.is_some_and(|(r, _)| names(&doc.orig[r.clone()])) {
        return true;
    }
    // The start tags right before it (only white space between them and the passage), each a
    // real tag of at most 300 bytes: `<div class="x" lang="es">`.
    let mut before = doc.orig[..p.start].trim_end();
    while let Some(inner) = before.strip_suffix('>') {
        let from = inner.len().saturating_sub(300);
        let Some(open) = inner
            .is_char_boundary(from)
            .then(|| inner[from..].rfind('<'))
            .flatten()
        else {
            break;
        };
        let tag = &inner[from + open + 1..];
        if !tag.starts_with(|c: char| c.is_ascii_alphabetic()) || tag.contains('\n') {
            break;
        }
        if attribute(tag, "lang")
            .or_else(|| attribute(tag, "xml:lang"))
            .is_some_and(|v| v.split(['-', '_']).next() == Some(p.language))
        {
            return true;
        }
        before = inner[..from + open].trim_end();
    }
    false
}

/// The value of attribute `name` in the inside of a start tag (`div class="x" lang="es"`),
/// lower-cased; `hreflang` or `data-lang` are other attributes.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find(name) {
        let i = at + i;
        at = i + name.len();
        let preceded = lower[..i].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = lower[at..].trim_start();
        if let (true, Some(rest)) = (preceded, rest.strip_prefix('=')) {
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'');
            let value = match quote {
                Some(q) => rest[1..].split(q).next(),
                None => rest
                    .split(|c: char| c.is_ascii_whitespace() || c == '/')
                    .next(),
            };
            return value.map(str::to_string);
        }
    }
    None
}

/// The English name of a language tag (the tag itself when unknown).
pub fn name(tag: &str) -> &str {
    NAMES
        .iter()
        .find(|(t, _)| *t == tag)
        .map_or(tag, |(_, n)| n)
}

/// The compiled profiles.
struct Model {
    /// Profile languages, then [`SCRIPT_LANGS`].
    langs: Vec<&'static str>,
    /// Number of profile languages.
    n: usize,
    en: usize,
    /// The script class of each profile language.
    script: [u8; MAXL],
    /// Cost of a vocabulary word a language does not list.
    floor: u8,
    /// Open-addressing table of word keys (zero: empty slot).
    keys: Box<[[u64; 2]]>,
    /// Row of each slot's word.
    slot_row: Box<[u16]>,
    /// Per word, the cost in each language (`MAXL` bytes a row).
    rows: Box<[u8]>,
}

#[inline]
fn key(text: &[u8], start: usize, end: usize) -> Option<[u64; 2]> {
    let n = end - start;
    if n == 0 || n > MAX_LEN {
        return None;
    }
    let [lo, hi] = padded16(text, start, end);
    Some([lo, hi | (n as u64) << 56])
}

impl Model {
    fn get() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::parse(PROFILES))
    }

    fn parse(src: &'static str) -> Model {
        let mut langs: Vec<&'static str> = Vec::new();
        let mut floor = 130u8;
        let mut words: Vec<(&'static str, [u8; MAXL])> = Vec::new();
        for line in src.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("langs ") {
                langs = rest.split(' ').collect();
                assert!(langs.len() <= MAXL, "too many profile languages");
            } else if let Some(rest) = line.strip_prefix("floor ") {
                floor = rest.parse().expect("profiles: floor");
            } else if line.starts_with("oov ") {
                // Words outside the vocabulary are mostly names, numbers and code, the same in
                // every language: they are no evidence, whatever mass a profile leaves them.
            } else {
                let (w, entries) = line.split_once('\t').expect("profiles: word line");
                let mut row = [floor; MAXL];
                for e in entries.split(' ').filter(|e| !e.is_empty()) {
                    let (l, c) = e.split_once(':').expect("profiles: lang:cost");
                    let i = langs
                        .iter()
                        .position(|x| *x == l)
                        .expect("profiles: language");
                    row[i] = c.parse().expect("profiles: cost");
                }
                words.push((w, row));
            }
        }
        let n = langs.len();
        let en = langs.iter().position(|l| *l == "en").expect("profiles: en");
        // Each language's script: that of most of its frequent words.
        let mut by_script = vec![[0u32; SCRIPTS]; n];
        for (w, row) in &words {
            let c = script_class(w.chars().next().unwrap_or(' '));
            for (l, counts) in by_script.iter_mut().enumerate() {
                counts[c] += u32::from(row[l] < floor);
            }
        }
        let mut script = [0u8; MAXL];
        for (l, counts) in by_script.iter().enumerate() {
            script[l] = (0..SCRIPTS).max_by_key(|&c| counts[c]).unwrap_or(0) as u8;
        }
        langs.extend(SCRIPT_LANGS);
        let slots = (words.len() * 2).next_power_of_two().max(1024);
        let mut keys = vec![[0u64; 2]; slots].into_boxed_slice();
        let mut slot_row = vec![0u16; slots].into_boxed_slice();
        let mut rows = Vec::with_capacity(words.len() * MAXL);
        for (r, (w, row)) in words.iter().enumerate() {
            rows.extend_from_slice(row);
            let Some(k) = key(w.as_bytes(), 0, w.len()) else {
                continue;
            };
            let mut i = home(k, slots);
            while keys[i] != [0, 0] {
                i = (i + 1) & (slots - 1);
            }
            keys[i] = k;
            slot_row[i] = r as u16;
        }
        Model {
            langs,
            n,
            en,
            script,
            floor,
            keys,
            slot_row,
            rows: rows.into_boxed_slice(),
        }
    }

    /// The row of the folded word `text[start..end]`, if it is in the vocabulary.
    #[inline]
    fn row(&self, text: &[u8], start: usize, end: usize) -> Option<&[u8]> {
        let k = key(text, start, end)?;
        let mask = self.keys.len() - 1;
        let mut i = home(k, self.keys.len());
        loop {
            let s = self.keys[i];
            if s == k {
                let r = self.slot_row[i] as usize * MAXL;
                return Some(&self.rows[r..r + MAXL]);
            }
            if s == [0, 0] {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
}

#[inline]
fn home(k: [u64; 2], slots: usize) -> usize {
    let h = (k[0] ^ k[1].rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - slots.trailing_zeros())) as usize
}

/// Evidence gathered over a stretch of text.
#[derive(Clone)]
struct Tally {
    /// Summed cost of the known words, per profile language.
    cost: [u32; MAXL],
    /// Known words each language lists.
    hits: [u32; MAXL],
    /// Words outside the vocabulary.
    oov: u32,
    /// Words in the vocabulary.
    known: u32,
    /// Words written in the script of each of [`SCRIPT_LANGS`].
    script: [u32; 4],
    /// Words per script class.
    classes: [u32; SCRIPTS],
    /// Words of one character.
    single: u32,
    /// All words.
    words: u32,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            cost: [0; MAXL],
            hits: [0; MAXL],
            oov: 0,
            known: 0,
            script: [0; 4],
            classes: [0; SCRIPTS],
            single: 0,
            words: 0,
        }
    }

    #[inline]
    fn add_row(&mut self, row: &[u8], floor: u8) {
        let row: &[u8; MAXL] = row.try_into().expect("row width");
        for ((c, h), &r) in self.cost.iter_mut().zip(self.hits.iter_mut()).zip(row) {
            *c += r as u32;
            *h += u32::from(r < floor);
        }
        self.known += 1;
    }

    fn merge(&mut self, o: &Tally) {
        let add = |a: &mut [u32], b: &[u32]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.cost, &o.cost);
        add(&mut self.hits, &o.hits);
        add(&mut self.script, &o.script);
        add(&mut self.classes, &o.classes);
        self.oov += o.oov;
        self.single += o.single;
        self.known += o.known;
        self.words += o.words;
    }

    /// The most probable language: (index into the model's languages, probability), or `None`
    /// when no language the model knows covers the text.
    fn decide(&self, m: &Model) -> Option<(usize, f64)> {
        if self.words == 0 {
            return None;
        }
        // A script of its own for most of the words.
        let (si, &sn) = self
            .script
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)
            .expect("four scripts");
        if sn * 2 >= self.words {
            return Some((m.n + si, (sn as f64 / self.words as f64).min(1.0)));
        }
        // Only the languages of the script most words are written in.
        let class = (0..SCRIPTS).max_by_key(|&c| self.classes[c]).unwrap_or(0) as u8;
        // Log-likelihoods (natural log), tempered, with the English prior.
        let ln10 = std::f64::consts::LN_10;
        let prior_other = ((1.0 - PRIOR_EN) / (m.n - 1) as f64).ln();
        let ll: Vec<f64> = (0..m.n)
            .map(|l| {
                if m.script[l] != class {
                    return f64::NEG_INFINITY;
                }
                let c = self.cost[l] as f64 * UNIT * ln10;
                -c / TEMPERATURE
                    + if l == m.en {
                        PRIOR_EN.ln()
                    } else {
                        prior_other
                    }
            })
            .collect();
        let best = (0..m.n)
            .max_by(|&a, &b| ll[a].total_cmp(&ll[b]))
            .expect("languages");
        if ll[best] == f64::NEG_INFINITY {
            return None;
        }
        let z: f64 = ll.iter().map(|x| (x - ll[best]).exp()).sum();
        let p = 1.0 / z;
        let coverage = self.hits[best] as f64 / self.words as f64;
        if coverage < MIN_COVERAGE {
            return None;
        }
        Some((best, p))
    }
}

/// Script classes of the profile languages' words: Latin, Cyrillic, Greek, Arabic, Hebrew,
/// Devanagari, Bengali, Tamil, other.
const SCRIPTS: usize = 9;

/// The script class of a word's first character.
#[inline]
fn script_class(c: char) -> usize {
    match c as u32 {
        0..=0x024F | 0x1E00..=0x1EFF => 0,
        0x0400..=0x052F => 1,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => 2,
        0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => 3,
        0x0590..=0x05FF => 4,
        0x0900..=0x097F => 5,
        0x0980..=0x09FF => 6,
        0x0B80..=0x0BFF => 7,
        _ => 8,
    }
}

/// Which of [`SCRIPT_LANGS`] a character's script points to.
#[inline]
fn script_lang(c: char) -> Option<usize> {
    match c as u32 {
        0x3040..=0x30FF | 0x31F0..=0x31FF => Some(1), // kana
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF => Some(0), // Han
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Some(2), // Hangul
        0x0E00..=0x0E7F => Some(3),                   // Thai
        _ => None,
    }
}

/// A closed segment.
struct Segment {
    first: usize,
    last: usize,
    words: u32,
    lang: Option<(usize, f64)>,
    /// Written like prose: most tokens are words, and the language's commonest words make up
    /// a good part of them (code, tables and lists of names are not).
    prose: bool,
    /// It starts a paragraph (else it continues the previous segment's).
    para: bool,
}

/// Identify the languages of a document.
pub fn identify(doc: &Document) -> LanguageVerdict {
    let m = Model::get();
    let text = doc.norm.text.as_bytes();
    let mut segs: Vec<Segment> = Vec::new();
    let mut total = Tally::new();
    let mut cur = Tally::new();
    let mut first = 0usize;
    let mut last = 0usize;
    let close = |cur: &mut Tally,
                 total: &mut Tally,
                 segs: &mut Vec<Segment>,
                 f: usize,
                 l: usize,
                 p: bool| {
        if cur.words > 0 {
            // Mostly one-letter words: a table of characters, a list of options; no prose.
            let prose = cur.single * 5 < cur.words * 2;
            let lang = if prose && cur.words >= SEGMENT_MIN_WORDS && cur.known >= SEGMENT_MIN_HITS {
                cur.decide(m)
            } else {
                None
            };
            let tokens = (l + 1 - f) as u32;
            let covered = lang.is_some_and(|(b, _)| {
                b >= m.n || cur.hits[b] as f64 >= PASSAGE_MIN_COVERAGE * cur.words as f64
            });
            segs.push(Segment {
                first: f,
                last: l,
                words: cur.words,
                lang,
                prose: prose && covered && cur.words as f64 >= PROSE_WORD_SHARE * tokens as f64,
                para: p,
            });
            if prose {
                total.merge(cur);
            } else {
                total.words += cur.words;
            }
            *cur = Tally::new();
        }
    };
    // A paragraph or sentence may start with punctuation ("-b sets ...", "(see ...)"): the
    // break counts at the next word.
    let mut para = false;
    let mut sent = false;
    let mut seg_para = true;
    for (i, t) in doc.tokens.iter().enumerate() {
        para |= t.para_start();
        sent |= t.sent_start;
        if t.kind != TokenKind::Word {
            continue;
        }
        if cur.words > 0 && (para || (sent && cur.words >= SEGMENT_WORDS)) {
            close(&mut cur, &mut total, &mut segs, first, last, seg_para);
        }
        if cur.words == 0 {
            first = i;
            seg_para = para || segs.is_empty();
        }
        (para, sent) = (false, false);
        last = i;
        cur.words += 1;
        let (s, e) = (t.start as usize, t.end as usize);
        let single = e - s == 1 || (e - s == 2 && text[s] >= 0xC0);
        if single && !t.sent_start && t.case != Case::Lower {
            // A capital letter inside a sentence names a letter or is an initial ("the
            // letter E", "J. Smith"): it is no word of any language.
            cur.oov += 1;
            cur.single += 1;
            continue;
        }
        cur.single += u32::from(single);
        cur.classes[if text[s] < 0x80 {
            0
        } else {
            script_class(doc.norm.text[s..].chars().next().unwrap_or(' '))
        }] += 1;
        if let Some(row) = m.row(text, s, e) {
            cur.add_row(row, m.floor);
            continue;
        }
        if text[s] >= 0x80 {
            let c = doc.norm.text[s..].chars().next().unwrap_or(' ');
            if let Some(k) = script_lang(c) {
                // Words of these scripts are not space separated: count characters. Kana
                // anywhere in a run makes it Japanese (its kanji are Han characters, and a
                // run often starts with one).
                let run = &doc.norm.text[s..e];
                let k = if k == 0 && run.chars().any(|c| script_lang(c) == Some(1)) {
                    1
                } else {
                    k
                };
                let chars = run.chars().count() as u32;
                cur.script[k] += chars;
                cur.words += chars.saturating_sub(1);
                continue;
            }
        }
        // "l'article", "dell'anno", "d'un": the elided article and the word.
        if let Some(a) = text[s..e].iter().position(|&b| b == b'\'') {
            let a = s + a;
            if let (Some(r1), Some(r2)) = (m.row(text, s, a), m.row(text, a + 1, e)) {
                cur.add_row(r1, m.floor);
                cur.add_row(r2, m.floor);
                continue;
            }
        }
        cur.oov += 1;
    }
    close(&mut cur, &mut total, &mut segs, first, last, seg_para);
    verdict(doc, m, &segs, &total)
}

fn verdict(doc: &Document, m: &Model, segs: &[Segment], total: &Tally) -> LanguageVerdict {
    let nl = m.langs.len();
    let doc_lang = total.decide(m);
    // Words per language: decided segments, the rest to the document's language.
    let mut words = vec![0u64; nl + 1]; // the last slot: unidentified
    let prose_doc = total.words >= UND_MIN_WORDS
        && total.words as f64 >= PROSE_WORD_SHARE * doc.tokens.len() as f64;
    let fallback = doc_lang.map_or(if prose_doc { nl } else { m.en }, |(l, _)| l);
    for s in segs {
        let l = match s.lang {
            Some((l, p)) if p >= SEGMENT_MIN_P && s.prose => l,
            _ => fallback,
        };
        words[l] += s.words as u64;
    }
    let all: u64 = words.iter().sum();
    let main_i = (0..=nl)
        .max_by_key(|&l| (words[l], l == fallback))
        .expect("languages");
    let (main, confidence) = if all == 0 {
        ("en", 0.0)
    } else if main_i == nl {
        (
            "und",
            1.0 - total.hits[m.en] as f64 / total.words.max(1) as f64,
        )
    } else {
        let p = match doc_lang {
            Some((l, p)) if l == main_i => p,
            _ => words[main_i] as f64 / all as f64,
        };
        let evidence = if main_i >= m.n {
            1.0
        } else {
            (total.known as f64 / FULL_EVIDENCE_HITS).min(1.0)
        };
        (m.langs[main_i], p * evidence)
    };
    let mut shares: Vec<(&'static str, f64)> = (0..=nl)
        .filter(|&l| words[l] > 0)
        .map(|l| {
            let tag = if l == nl { "und" } else { m.langs[l] };
            (tag, words[l] as f64 / all as f64)
        })
        .collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let mut passages = Vec::new();
    if main == "en" {
        let mut i = 0;
        while i < segs.len() {
            let Some((l, p)) = segs[i]
                .lang
                .filter(|&(l, p)| l != m.en && p >= SEGMENT_MIN_P && segs[i].prose)
            else {
                i += 1;
                continue;
            };
            let mut j = i;
            let mut n = segs[i].words;
            let mut pmin = p;
            while let Some((l2, p2)) = segs.get(j + 1).filter(|s| s.prose).and_then(|s| s.lang) {
                if l2 != l || p2 < SEGMENT_MIN_P {
                    break;
                }
                j += 1;
                n += segs[j].words;
                pmin = pmin.min(p2);
            }
            // The short end of a paragraph cut after SEGMENT_WORDS words has no language of
            // its own: it belongs to the passage it ends.
            let short = |s: &Segment| s.lang.is_none() && s.words < SEGMENT_MIN_WORDS && !s.para;
            while segs.get(j + 1).is_some_and(short) {
                j += 1;
                n += segs[j].words;
            }
            if n >= PASSAGE_MIN_WORDS {
                let span = doc.orig_span_tokens(segs[i].first, segs[j].last);
                passages.push(Passage {
                    start: span.start,
                    end: span.end,
                    first_token: segs[i].first,
                    last_token: segs[j].last,
                    language: m.langs[l],
                    words: n,
                    confidence: pmin,
                });
            }
            i = j + 1;
        }
    }
    LanguageVerdict {
        main,
        confidence,
        shares,
        passages,
    }
}

/// Weight of a foreign leftover word in the translation evidence.
const EVIDENCE_WORD: f64 = 1.0;
/// Weight of a multi-word leftover (a run, a source line: "Fonte do artigo").
const EVIDENCE_RUN: f64 = 1.5;
/// Weight of a hint in the text that no finding holds: an article of the language before a
/// number ("o 2 nations"), its number format ("1.000,5", "R$ 3"), its quotation marks.
const EVIDENCE_HINT: f64 = 0.5;
/// Evidence a language needs for a translation verdict.
const TRANSLATION_MIN: f64 = 2.0;

/// Articles and prepositions that a machine translation leaves before a number ("o 2 nations",
/// "Dentro 2017" is a foreign finding already).
const CALQUES: &[(&str, &[&str])] = &[
    ("pt", &["o", "os", "as", "em", "dos", "das", "nos", "nas"]),
    ("es", &["el", "los", "las", "del", "en"]),
    ("fr", &["le", "les", "des", "du", "en"]),
    ("de", &["der", "die", "das", "im", "den"]),
    ("it", &["il", "gli", "nel", "dei", "del"]),
];

/// Does the document read like a machine translation into English, and from which language?
/// Evidence: the foreign findings of a language (leftover words, runs, source lines, passages),
/// backed by hints no finding holds (an article of the language before a number, its number
/// format, its quotation marks). A word found again adds nothing. A verdict needs
/// [`TRANSLATION_MIN`] of evidence, at least one finding among it.
pub fn translation(doc: &Document, findings: &[Finding]) -> Option<TranslatedFrom> {
    let mut weight: BTreeMap<&str, f64> = BTreeMap::new();
    let mut indices: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut seen: Vec<(&str, String)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(l) = f
            .language
            .as_deref()
            .filter(|_| f.category == Category::Foreign)
        else {
            continue;
        };
        let w = if f.rule == PASSAGE.id || f.text.contains(' ') {
            EVIDENCE_RUN
        } else {
            EVIDENCE_WORD
        };
        // The same word again ("du" in a list of commands) is no new evidence.
        let key = (l, f.text.to_lowercase());
        if !seen.contains(&key) {
            *weight.entry(l).or_default() += w;
            seen.push(key);
        }
        indices.entry(l).or_default().push(i);
    }
    if weight.is_empty() {
        return None;
    }
    // Hints: only read when some finding already points at another language.
    let text = doc.norm.text.as_str();
    for (k, t) in doc.tokens.iter().enumerate() {
        if t.kind != TokenKind::Number {
            continue;
        }
        let num = &text[t.start as usize..t.end as usize];
        // "1.000,5": a decimal comma after a thousands dot.
        if let (Some(d), Some(c)) = (num.find('.'), num.rfind(',')) {
            if d < c && num.len() - c <= 3 {
                for l in ["pt", "es", "de", "it", "fr"] {
                    if weight.contains_key(l) {
                        *weight.entry(l).or_default() += EVIDENCE_HINT;
                    }
                }
            }
        }
        if k == 0 {
            continue;
        }
        let prev = &doc.tokens[k - 1];
        if prev.kind == TokenKind::Word && prev.end == t.start.saturating_sub(1) {
            let w = &text[prev.start as usize..prev.end as usize];
            for (l, words) in CALQUES {
                if words.contains(&w) && weight.contains_key(l) {
                    *weight.entry(l).or_default() += EVIDENCE_HINT;
                }
            }
        }
        if text[..t.start as usize].trim_end().ends_with("r$") && weight.contains_key("pt") {
            *weight.entry("pt").or_default() += 2.0 * EVIDENCE_HINT;
        }
    }
    if doc.orig.contains('\u{AB}') || doc.orig.contains('\u{BB}') {
        for l in ["fr", "pt", "es", "it"] {
            if let Some(w) = weight.get_mut(l) {
                *w += EVIDENCE_HINT;
            }
        }
    }
    if doc.orig.contains('\u{201E}') {
        for l in ["de", "nl"] {
            if let Some(w) = weight.get_mut(l) {
                *w += EVIDENCE_HINT;
            }
        }
    }
    let (&lang, &w) = weight
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))?;
    if w < TRANSLATION_MIN {
        return None;
    }
    Some(TranslatedFrom {
        language: lang.to_string(),
        confidence: round3(1.0 - (-(w - 1.0)).exp()),
        evidence: indices.remove(lang).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn main_of(text: &str) -> &'static str {
        identify(&Document::new(text)).main
    }

    #[test]
    fn model_parses() {
        let m = Model::get();
        assert!(m.n >= 7 && m.n <= MAXL);
        for l in ["en", "pt", "es", "fr", "de", "it", "nl"] {
            assert!(m.langs.contains(&l), "{l}");
        }
        let t = b"the";
        let row = m.row(t, 0, 3).expect("'the' is known");
        assert!(row[m.en] < m.floor);
    }

    #[test]
    fn short_texts() {
        assert_eq!(
            main_of("The report was sent to the minister on Friday."),
            "en"
        );
        assert_eq!(
            main_of("O relatório foi enviado ao ministro na sexta-feira."),
            "pt"
        );
        assert_eq!(
            main_of("El informe fue enviado al ministro el viernes pasado."),
            "es"
        );
        assert_eq!(
            main_of("Le rapport a été envoyé au ministre vendredi dernier."),
            "fr"
        );
        assert_eq!(
            main_of("Der Bericht wurde am Freitag an den Minister geschickt."),
            "de"
        );
        assert_eq!(
            main_of("Il rapporto è stato inviato al ministro venerdì scorso."),
            "it"
        );
        // No evidence: English, with no confidence.
        let v = identify(&Document::new(""));
        assert_eq!((v.main, v.confidence), ("en", 0.0));
        let v = identify(&Document::new("42 17 3.5"));
        assert_eq!(v.main, "en");
    }

    #[test]
    fn words_of_no_known_language_are_unidentified() {
        // Invented words: no profile covers them. Fifty of them are needed, in prose.
        let words = "zorbak fenti plommar gix trazu velnok aspi durrim koffla senn brimo \
                     tavek zulli marpo quen dresk ulvi bontra gelmo fusk tirra neppo";
        let sentence = |k: usize| {
            let w: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
            let mut s: Vec<&str> = (0..9).map(|i| w[(i * 7 + k) % w.len()]).collect();
            s.push("velk.");
            s.join(" ")
        };
        let text: Vec<String> = (0..8).map(sentence).collect();
        assert_eq!(main_of(&text.join(" ")), "und");
        // Fewer words, or code rather than prose: English, the checker's premise.
        assert_eq!(main_of(&text[..2].join(" ")), "en");
    }

    #[test]
    fn a_table_of_letters_is_no_language() {
        // Capital letters inside a sentence are letters or initials, not words.
        let text = "The table lists A E I O U Y A E I O U Y A E I O U Y with their codes, and the \
                    codes of the other letters follow in the next table of this page.";
        let v = identify(&Document::new(text));
        assert_eq!(v.main, "en");
        assert!(v.passages.is_empty());
    }
}
