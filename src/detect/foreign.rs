//! Leftovers of other languages, judged in context.
//!
//! Each `foreign` rule lists, for one language, `words` that are not English (flagged on their
//! own: "Dentro 2017") and `shared` words that are English too ("do", "a", "no"), flagged only
//! inside a run of foreign words ("Fonte **do** artigo"). A word listed by several languages
//! ("dentro": pt, es, it) is attributed to the language with the most foreign-only evidence in
//! the document, so one "Fonte do artigo" line makes "Dentro" Portuguese.

use super::phrase::fold;
use super::{quick_hash, Detector, FastMap};
use crate::finding::Hit;
use crate::lang::LanguageVerdict;
use crate::rules::{Kind, Origin, RuleTable};
use crate::text::{Case, Document, TokenKind};
use std::collections::HashMap;

/// Confidence of one foreign-only word on its own.
const LONE_WORD: f64 = 0.8;
/// Confidence of a run holding two or more foreign-only words.
const RUN: f64 = 0.95;
/// Distinct foreign-only words of a language a document needs before a lone word of it is a
/// warning on its own. A lone word in an otherwise clean English document is a name, a
/// command or a quoted phrase far more often than a leftover (measured on the clean corpora:
/// "Stata", "für Python", "Une histoire", "todos"): without them it needs other evidence of
/// damage in the document ([`Hit::needs_evidence`]), else it is `info`.
const LONE_EVIDENCE: usize = 2;

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Index into `langs`.
    lang: u16,
    /// Also an English word: needs foreign neighbours.
    shared: bool,
}

#[derive(Debug)]
struct Lang {
    rule: usize,
    /// The rule's language tag (`pt`).
    tag: String,
    translate: HashMap<String, String>,
}

/// The compiled foreign-word detector.
#[derive(Debug, Default)]
pub struct ForeignDetector {
    words: FastMap<String, Vec<Entry>>,
    langs: Vec<Lang>,
    /// [`quick_hash`]es of the words some language lists as foreign-only, as bits (a filter).
    only: Vec<u64>,
}

/// log2 of the bits of [`ForeignDetector::only`] (8 KB).
const ONLY_BITS: u32 = 16;

#[inline]
fn only_bit(text: &[u8], start: usize, end: usize) -> usize {
    (quick_hash(text, start, end) >> (64 - ONLY_BITS)) as usize
}

impl ForeignDetector {
    /// Compile the word lists of the enabled `foreign` rules.
    pub fn compile(table: &RuleTable, enabled: &dyn Fn(usize) -> bool) -> ForeignDetector {
        let mut d = ForeignDetector::default();
        for (i, rule) in table.rules.iter().enumerate() {
            let Origin::Pack(def) = &rule.origin else {
                continue;
            };
            if !enabled(i) || def.kind != Kind::Foreign {
                continue;
            }
            let lang = d.langs.len() as u16;
            d.langs.push(Lang {
                rule: i,
                tag: rule.language.clone().unwrap_or_default(),
                translate: def
                    .translate
                    .iter()
                    .map(|(k, v)| (fold(k), v.clone()))
                    .collect(),
            });
            for (list, shared) in [(&def.words, false), (&def.shared, true)] {
                for w in list {
                    d.words
                        .entry(fold(w))
                        .or_default()
                        .push(Entry { lang, shared });
                }
            }
        }
        d.only = vec![0; 1 << (ONLY_BITS - 6)];
        for (w, es) in &d.words {
            if es.iter().any(|e| !e.shared) {
                let i = only_bit(w.as_bytes(), 0, w.len());
                d.only[i >> 6] |= 1 << (i & 63);
            }
        }
        d
    }

    /// Does some language list the folded word `text[start..end]` as foreign-only?
    #[inline]
    fn foreign_only(&self, text: &str, start: usize, end: usize) -> bool {
        let i = only_bit(text.as_bytes(), start, end);
        self.only[i >> 6] & (1 << (i & 63)) != 0
            && self
                .words
                .get(&text[start..end])
                .is_some_and(|es| es.iter().any(|e| !e.shared))
    }

    /// No word lists?
    pub fn is_empty(&self) -> bool {
        self.langs.is_empty()
    }
}

impl Detector for ForeignDetector {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        self.run(doc, None, out)
    }

    fn detect_in(&self, doc: &Document, language: &LanguageVerdict, out: &mut Vec<Hit>) {
        self.run(doc, Some(language), out)
    }
}

impl ForeignDetector {
    /// Find the leftovers; a lone word needs its language supported elsewhere in the document
    /// (another word of it, or text the language stage gave to it) unless it is written like
    /// no name or acronym could be.
    fn run(&self, doc: &Document, language: Option<&LanguageVerdict>, out: &mut Vec<Hit>) {
        // Every finding holds a word that some language lists as foreign-only (a run or a word
        // of shared words only has no candidate language): most documents have none.
        let tokens = &doc.tokens;
        let text = doc.norm.text.as_str();
        if !tokens.iter().any(|t| {
            t.kind == TokenKind::Word && self.foreign_only(text, t.start as usize, t.end as usize)
        }) {
            return;
        }
        // Per token: the foreign entries of its word, if any.
        let mut marks: Vec<Option<&[Entry]>> = Vec::with_capacity(tokens.len());
        let mut evidence = vec![0u32; self.langs.len()];
        // Per language: its first foreign-only word, and whether another one was seen.
        let mut first: Vec<Option<&str>> = vec![None; self.langs.len()];
        let mut two = vec![false; self.langs.len()];
        // Distinct foreign-only words per language.
        let mut seen: std::collections::HashSet<(u16, &str)> = Default::default();
        let mut any = false;
        for t in tokens {
            let e = if t.kind == TokenKind::Word {
                self.words.get(doc.norm_text(t)).map(|v| v.as_slice())
            } else {
                None
            };
            if let Some(es) = e {
                any = true;
                for en in es.iter().filter(|en| !en.shared) {
                    let l = en.lang as usize;
                    evidence[l] += 1;
                    let w = doc.norm_text(t);
                    match first[l] {
                        None => first[l] = Some(w),
                        Some(f) => two[l] |= f != w,
                    }
                    seen.insert((en.lang, w));
                }
            }
            marks.push(e);
        }
        let mut types = vec![0usize; self.langs.len()];
        for (lang, _) in &seen {
            types[*lang as usize] += 1;
        }
        let ev = Evidence {
            tokens: &evidence,
            types: &types,
        };
        if !any {
            return;
        }
        // A language is supported when two different words of the document are foreign-only
        // in it ("du" ten times in a list of commands is one word), or the language stage gave
        // some of the text to it.
        let supported: Vec<bool> = self
            .langs
            .iter()
            .enumerate()
            .map(|(i, l)| two[i] || language.is_some_and(|v| v.share(&l.tag) > 0.0))
            .collect();
        // Runs of adjacent foreign words (only spaces, apostrophes or hyphens between them).
        let mut i = 0;
        while i < tokens.len() {
            if marks[i].is_none() {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < tokens.len() && marks[j + 1].is_some() && tokens[j + 1].breaks_before == 0
            {
                j += 1;
            }
            self.judge_run(doc, &marks, &ev, &supported, i, j, out);
            i = j + 1;
        }
    }

    /// Decide whether tokens `a..=b` (all listed words) are a foreign leftover, and in which
    /// language; trim shared words off the edges of the run.
    #[allow(clippy::too_many_arguments)]
    fn judge_run(
        &self,
        doc: &Document,
        marks: &[Option<&[Entry]>],
        evidence: &Evidence,
        supported: &[bool],
        a: usize,
        b: usize,
        out: &mut Vec<Hit>,
    ) {
        // Candidate languages: those that list every word of the run, best evidence first.
        let mut best: Option<(u16, u32, usize)> = None; // (lang, evidence, foreign-only count)
        for lang in 0..self.langs.len() as u16 {
            let mut only = 0usize;
            let mut all = true;
            for m in marks.iter().take(b + 1).skip(a) {
                match m.and_then(|es| es.iter().find(|e| e.lang == lang)) {
                    Some(e) => only += usize::from(!e.shared),
                    None => {
                        all = false;
                        break;
                    }
                }
            }
            if !all || only == 0 {
                continue;
            }
            let ev = evidence.tokens[lang as usize];
            if best.is_none_or(|(_, bev, bonly)| (only, ev) > (bonly, bev)) {
                best = Some((lang, ev, only));
            }
        }
        let Some((lang, _, only)) = best else {
            // No single language lists the whole run: judge each word on its own.
            if b > a {
                for k in a..=b {
                    self.judge_run(doc, marks, evidence, supported, k, k, out);
                }
            }
            return;
        };
        let shared_at = |k: usize| {
            marks[k]
                .and_then(|es| es.iter().find(|e| e.lang == lang))
                .is_some_and(|e| e.shared)
        };
        // Trim shared words at the edges: "a" before "Fonte" is English.
        let (mut s, mut e) = (a, b);
        while s < e && shared_at(s) {
            s += 1;
        }
        while e > s && shared_at(e) {
            e -= 1;
        }
        let t0 = &doc.tokens[s];
        let lone = only == 1 && s == e;
        if lone && Self::not_prose(doc, s) {
            return;
        }
        if only == 1 && s == e {
            // An acronym ("MIT") or a mixed-case word ("TODOs") is never a leftover alone.
            if matches!(t0.case, Case::Upper | Case::Mixed) {
                return;
            }
            if !supported[lang as usize] {
                // Nothing else in the document is in this language: a capitalised word inside
                // a sentence is a name, and so is a word between two capitalised ones
                // ("Antoine du Hamel").
                let word_at = |k: usize| {
                    doc.tokens
                        .get(k)
                        .filter(|t| t.kind == TokenKind::Word && t.breaks_before == 0)
                };
                let capital = |t: &crate::text::Token| matches!(t.case, Case::Title | Case::Upper);
                let between_names = s > 0
                    && word_at(s - 1).is_some_and(capital)
                    && word_at(s + 1).is_some_and(|n| capital(n) && !n.sent_start)
                    && !t0.sent_start;
                if (t0.case == Case::Title && !t0.sent_start) || between_names {
                    return;
                }
            }
            // A lone word: a capitalised one inside a sentence followed by another capitalised
            // word is likely a name ("Dentro Cafe", "Casa Blanca Hotel").
            let next_is_name = doc.tokens.get(e + 1).is_some_and(|n| {
                n.kind == TokenKind::Word && matches!(n.case, Case::Title | Case::Upper)
            });
            let prev_is_name = s > 0
                && doc.tokens[s - 1].kind == TokenKind::Word
                && doc.tokens[s - 1].breaks_before == 0
                && !doc.tokens[s].sent_start
                && matches!(doc.tokens[s - 1].case, Case::Title | Case::Upper);
            if t0.case != Case::Lower && (next_is_name || prev_is_name) {
                return;
            }
        }
        let span = doc.orig_span_tokens(s, e);
        if doc.is_masked(span.start, span.end) || set_off(doc.orig, span.start, span.end) {
            return;
        }
        let l = &self.langs[lang as usize];
        let key = &doc.norm.text[doc.tokens[s].start as usize..doc.tokens[e].end as usize];
        let suggestion = l
            .translate
            .get(key)
            .map(|t| match_case(t, doc.orig_text(t0)));
        let confidence = if only >= 2 { RUN } else { LONE_WORD };
        let mut hit = Hit::new(l.rule, span, confidence);
        hit.suggestion = suggestion;
        if lone && evidence.types[lang as usize] < LONE_EVIDENCE {
            hit = hit.needs_evidence();
        }
        out.push(hit);
    }

    /// Is the lone word at `k` not a word of prose: an acronym in capitals ("MIT", "DES",
    /// "SIE"), or part of a name in code or markup, attached to a letter, a slash, an
    /// underscore or an asterisk ("ao/path-fix", "*ser*ializing", "du_total")?
    fn not_prose(doc: &Document, k: usize) -> bool {
        let t = &doc.tokens[k];
        if t.case == Case::Upper && t.len() >= 2 {
            return true;
        }
        let span = doc.orig_span(t);
        let attached = |c: Option<char>| {
            c.is_some_and(|c| {
                c.is_alphanumeric() || matches!(c, '/' | '_' | '*' | '=' | '@' | '\\')
            })
        };
        attached(doc.orig[..span.start].chars().next_back())
            || attached(doc.orig[span.end..].chars().next())
    }
}

/// Most words a quotation or an emphasis may hold for [`set_off`] to take it as a foreign
/// phrase used on purpose.
const SET_OFF_WORDS: usize = 8;

/// Is `orig[start..end]` inside a short quotation or emphasis ("C'est la vie," she said;
/// *joie de vivre*; `<i>que sera, sera</i>`)? Writers set a foreign phrase off on purpose, and
/// style guides ask them to; a machine translation leaves its words in the running sentence.
/// Both delimiters must be on the phrase's side (an opening mark after a space, a closing one
/// after a letter), with at most [`SET_OFF_WORDS`] words between them and no line without text.
fn set_off(orig: &str, start: usize, end: usize) -> bool {
    const LIMIT: usize = 120;
    let inside =
        |c: char| c.is_alphanumeric() || matches!(c, ' ' | '\t' | '\'' | '\u{2019}' | '-' | ',');
    // Back to the opening delimiter.
    let from = floor(orig, start, LIMIT);
    let before = &orig[from..start];
    let mut open = None;
    let mut newlines = 0;
    for (i, c) in before.char_indices().rev() {
        if c == '\n' {
            newlines += 1;
            if newlines > 1 {
                return false;
            }
            continue;
        }
        if inside(c) {
            continue;
        }
        let prev = before[..i].chars().next_back();
        let next = orig[from + i + c.len_utf8()..].chars().next();
        let opens = match c {
            '\u{201C}' | '\u{00AB}' | '\u{201E}' => true,
            '"' | '*' | '_' => {
                prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '*' | '_'))
                    && next.is_some_and(|n| !n.is_whitespace())
            }
            '>' => {
                let tag = before[..i].to_ascii_lowercase();
                ["<i", "<em", "<q", "<cite"]
                    .iter()
                    .any(|t| tag.ends_with(t))
            }
            _ => false,
        };
        if opens {
            open = Some(i + c.len_utf8());
        }
        break;
    }
    let Some(open) = open else {
        return false;
    };
    // On to the closing delimiter; sentence punctuation may end the phrase inside it.
    let after = &orig[end..ceil(orig, end, LIMIT)];
    let mut close = None;
    for (i, c) in after.char_indices() {
        if c == '\n' {
            newlines += 1;
            if newlines > 1 {
                return false;
            }
            continue;
        }
        if inside(c) || matches!(c, '.' | '!' | '?') {
            continue;
        }
        let prev = after[..i].chars().next_back();
        let closes = match c {
            '\u{201D}' | '\u{00BB}' | '\u{201C}' => true,
            '"' | '*' | '_' => prev.is_none_or(|p| !p.is_whitespace()),
            '<' => {
                let tag = after[i..].to_ascii_lowercase();
                ["</i>", "</em>", "</q>", "</cite>"]
                    .iter()
                    .any(|t| tag.starts_with(t))
            }
            _ => false,
        };
        if closes {
            close = Some(end + i);
        }
        break;
    }
    let Some(close) = close else {
        return false;
    };
    let open = from + open;
    orig[open..close].split_whitespace().count() <= SET_OFF_WORDS
}

/// The char boundary at or after `at - back` (not before 0).
fn floor(orig: &str, at: usize, back: usize) -> usize {
    let mut i = at.saturating_sub(back);
    while !orig.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The char boundary at or before `at + ahead` (not past the end).
fn ceil(orig: &str, at: usize, ahead: usize) -> usize {
    let mut i = (at + ahead).min(orig.len());
    while !orig.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a document says about each language: foreign-only word tokens and distinct words.
struct Evidence<'a> {
    tokens: &'a [u32],
    types: &'a [usize],
}

/// Give `s` the initial capital of `like`.
pub(crate) fn match_case(s: &str, like: &str) -> String {
    if like.chars().next().is_some_and(|c| c.is_uppercase()) {
        let mut cs = s.chars();
        match cs.next() {
            Some(f) => f.to_uppercase().chain(cs).collect(),
            None => String::new(),
        }
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_passes_every_foreign_only_word() {
        let mut table = RuleTable::default();
        table.add_embedded().expect("embedded packs load");
        let d = ForeignDetector::compile(&table, &|_| true);
        let mut only = 0;
        for (w, es) in &d.words {
            let want = es.iter().any(|e| !e.shared);
            assert_eq!(d.foreign_only(w, 0, w.len()), want, "{w}");
            let padded = format!("{w} and some more text");
            assert_eq!(d.foreign_only(&padded, 0, w.len()), want, "{w}");
            only += usize::from(want);
        }
        assert!(only > 100);
        // Shared words alone never make a finding.
        let doc = Document::new("Fonte do artigo. Do a no de la em.");
        let mut out = Vec::new();
        d.detect(&doc, &mut out);
        assert!(!out.is_empty());
        let doc = Document::new("Do a no de la em, o la.");
        out.clear();
        d.detect(&doc, &mut out);
        assert!(out.is_empty());
    }

    /// The hits on `text`: (text, needs other evidence?).
    fn hits(text: &str) -> Vec<(String, bool)> {
        let mut table = RuleTable::default();
        table.add_embedded().expect("embedded packs load");
        let d = ForeignDetector::compile(&table, &|_| true);
        let doc = Document::new(text);
        let mut out = Vec::new();
        d.detect(&doc, &mut out);
        out.iter()
            .map(|h| (text[h.start..h.end].to_string(), h.needs_evidence))
            .collect()
    }

    #[test]
    fn foreign_phrases_set_off_on_purpose_are_not_leftovers() {
        // Written for this test: quoted sayings and italicised phrases, as style guides ask.
        for text in [
            "\"C'est la vie,\" she said. \"Que sera, sera.\"",
            "\u{201C}C'est la vie,\u{201D} she said, and \u{201C}que sera, sera.\u{201D}",
            "She had a certain *je ne sais quoi* and an air of _c'est la vie_ about her.",
            "The motto, <i>que sera, sera</i>, and <em>c'est la vie</em> were his.",
        ] {
            assert_eq!(hits(text), [], "{text}");
        }
        // A leftover in the running sentence, or in a quotation too long to be a set phrase,
        // is still one.
        assert_eq!(
            hits("Dentro 2017, he said \"the plan failed\".\nFonte do artigo: a site."),
            [
                ("Dentro".to_string(), false),
                ("Fonte do artigo".to_string(), false)
            ]
        );
        let long =
            "\"We met many times and talked about the plan for hours, segundo the minister.\"";
        assert_eq!(hits(long), [("segundo".to_string(), true)]);
    }

    #[test]
    fn acronyms_and_names_in_code_are_not_leftovers() {
        // Written for this test, after false alarms on crate READMEs and release notes.
        for text in [
            "It is released under the MIT license; the old DES cipher is gone.",
            "Merge the ao/path-fix branch, then the ser_json module.",
            "Serde is for *ser*ializing data.",
        ] {
            assert_eq!(hits(text), [], "{text}");
        }
    }

    #[test]
    fn a_lone_word_needs_other_evidence_to_be_a_warning() {
        // One foreign word and nothing else of its language: weak evidence (a name, a term).
        assert_eq!(
            hits("The plan, segundo the minister, works."),
            [("segundo".to_string(), true)]
        );
        assert_eq!(
            hits("A talk on Python für beginners."),
            [("für".to_string(), true)]
        );
        // With a second foreign-only word of the language in the document: a warning.
        assert_eq!(
            hits("Dentro 2017, the plan failed.\nFonte do artigo: a site."),
            [
                ("Dentro".to_string(), false),
                ("Fonte do artigo".to_string(), false)
            ]
        );
    }
}
