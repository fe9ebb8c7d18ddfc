//! Comparing a copy with its source (`unspun compare`): a word-by-word alignment, every
//! substitution, insertion and deletion with its position in both texts, a class for each
//! (thesaurus swap, translation leftover, glue, boilerplate, factual change, other) and a
//! faithfulness score against the source.
//!
//! # Alignment
//!
//! Both texts are tokenized with the project's tokenizer ([`Document`]). Punctuation tokens are
//! left out, so reflowed white space and changed punctuation are not changes. Words are compared
//! by their exact original spelling (a changed capital is a change, as in the development
//! labels). When both texts have several paragraphs, each copy paragraph is first matched to the
//! source paragraph it shares the most distinct words with, and the source paragraphs are put in
//! the order of the copy before the word diff, so reordered paragraphs cost nothing. The word
//! diff is a patience diff (`similar`). Each replaced block becomes one change; a block with the
//! same number of words on both sides is split into one change per word (two neighbouring words
//! swapped give two changes).
//!
//! # Classes
//!
//! In order of precedence: **glue** (the words of one side run together, or split, give the
//! other side: `an impenetrable` / `animpenetrable`), **fact** (a number differs, or a name: a
//! capitalized word outside the dictionary or one that is only a name), **swap** (a word of one
//! side is a thesaurus neighbour of a word of the other: Moby, WordNet, inflection or "similar
//! to"), **foreign** and **boilerplate** (the copy side lies in a finding of that category
//! from the checker, if one is given; an insertion that is a whole line at the very start or
//! end of the copy is boilerplate too), **typo** (one word for one word, a misspelling of it by
//! edit distance: see `typo`; a name is a typo only when its case or two neighbouring letters
//! changed), **other**.
//!
//! # Score
//!
//! ```text
//! content  = source words and numbers that are not stopwords
//! kept     = content words the alignment keeps unchanged
//! penalty  = 0.5 × content words inserted (not boilerplate)
//!          + 0.1 × words of inserted boilerplate
//!          + 1   × each factual change
//! score    = 100 × kept / (content + penalty)
//! ```
//!
//! A copy identical to its source up to white space and punctuation scores 100. Inserted text
//! costs less than lost source words (it may be harmless), boilerplate less still (it leaves the
//! article intact), and a changed number or name costs one extra word because it makes the copy
//! say something false. Two empty texts score 100.

use crate::lexicon::Lexicon;
use crate::text::{Case, Token, TokenKind};
use crate::{Category, Checker, Document, Finding};
use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp};
use std::collections::HashMap;
use std::ops::Range;

/// What happened to a run of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Source words replaced by other words.
    Substitution,
    /// Words only in the copy.
    Insertion,
    /// Source words missing from the copy.
    Deletion,
}

/// Why it probably happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeClass {
    /// A thesaurus synonym swap.
    Swap,
    /// A translation leftover (foreign words).
    Foreign,
    /// Words run together or split apart.
    Glue,
    /// Scraper boilerplate added.
    Boilerplate,
    /// A number or a name differs.
    Fact,
    /// A misspelling of the source word (a letter or two added, dropped, changed or swapped
    /// with its neighbour, or only the case): a slip, not spinning.
    Typo,
    /// Anything else.
    Other,
}

impl ChangeClass {
    /// The name used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Swap => "swap",
            ChangeClass::Foreign => "foreign",
            ChangeClass::Glue => "glue",
            ChangeClass::Boilerplate => "boilerplate",
            ChangeClass::Fact => "fact",
            ChangeClass::Typo => "typo",
            ChangeClass::Other => "other",
        }
    }
}

/// One change: byte offsets into both texts (an insertion has an empty source span at the
/// point where the words were inserted, a deletion an empty copy span).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Substitution, insertion or deletion.
    pub kind: ChangeKind,
    /// The probable cause.
    pub class: ChangeClass,
    /// Start byte offset in the source.
    pub source_start: usize,
    /// End byte offset (exclusive) in the source.
    pub source_end: usize,
    /// The source text of the change.
    pub source_text: String,
    /// Start byte offset in the copy.
    pub copy_start: usize,
    /// End byte offset (exclusive) in the copy.
    pub copy_end: usize,
    /// The copy text of the change.
    pub copy_text: String,
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Faithfulness of the copy against the source, 0–100 (see the module docs).
    pub score: f64,
    /// Content words of the source (the score's denominator before penalties).
    pub source_content_words: usize,
    /// Content words of the source kept unchanged.
    pub kept_content_words: usize,
    /// Every change, in copy order (deletions at their copy position).
    pub changes: Vec<Change>,
}

/// Compare without a checker (no foreign or boilerplate findings to classify with).
pub fn compare(source: &str, copy: &str) -> Comparison {
    compare_with(source, copy, None)
}

/// A comparable unit: a non-punctuation token.
struct Unit {
    /// Token index in its document.
    tok: usize,
    /// Original byte span.
    span: Range<usize>,
    /// Paragraph number.
    para: usize,
}

fn units(doc: &Document) -> Vec<Unit> {
    let mut para = 0usize;
    let mut out = Vec::with_capacity(doc.tokens.len());
    for (i, t) in doc.tokens.iter().enumerate() {
        if t.para_start() && !out.is_empty() {
            para += 1;
        }
        if t.kind == TokenKind::Punct {
            continue;
        }
        out.push(Unit {
            tok: i,
            span: doc.orig_span(t),
            para,
        });
    }
    out
}

/// Compare `copy` with `source`; the checker's foreign and boilerplate findings on the copy
/// (if given) classify the changes inside them.
pub fn compare_with(source: &str, copy: &str, checker: Option<&Checker>) -> Comparison {
    let findings = checker.map(|c| c.check(copy).findings).unwrap_or_default();
    compare_with_findings(source, copy, &findings)
}

/// Compare `copy` with `source`; `findings` on the copy (e.g. a [`Session`](crate::Session)'s
/// report of it) classify the changes inside their foreign and boilerplate spans.
pub fn compare_with_findings(source: &str, copy: &str, findings: &[Finding]) -> Comparison {
    let sdoc = Document::new(source);
    let cdoc = Document::new(copy);
    let su = units(&sdoc);
    let cu = units(&cdoc);

    // Intern the exact spellings.
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut skey = Vec::with_capacity(su.len());
    for u in &su {
        let n = ids.len() as u32;
        skey.push(*ids.entry(&source[u.span.clone()]).or_insert(n));
    }
    let mut ckey = Vec::with_capacity(cu.len());
    for u in &cu {
        let n = ids.len() as u32;
        ckey.push(*ids.entry(&copy[u.span.clone()]).or_insert(n));
    }

    // Source units in the copy's paragraph order.
    let order = para_order(&su, &skey, &cu, &ckey);
    let skey_ord: Vec<u32> = order.iter().map(|&i| skey[i]).collect();
    let ops = similar::capture_diff_slices(Algorithm::Patience, &skey_ord, &ckey);

    let in_cat = |cat: Category, r: &Range<usize>| {
        findings
            .iter()
            .any(|f| f.category == cat && f.start < r.end.max(r.start + 1) && r.start < f.end)
    };
    let lex = Lexicon::embedded();

    let mut kept = vec![false; su.len()];
    let mut changes = Vec::new();
    // Position bookkeeping for empty sides: the end of the last kept unit on each side.
    let mut last_s: Option<usize> = None; // index into `order`
    let mut last_c: Option<usize> = None;
    // The open block: ordered-source and copy unit ranges (either may be empty).
    let mut pending: Option<(Range<usize>, Range<usize>)> = None;
    let flush = |p: &mut Option<(Range<usize>, Range<usize>)>,
                 last_s: Option<usize>,
                 last_c: Option<usize>,
                 changes: &mut Vec<Change>| {
        let Some((s, c)) = p.take() else { return };
        let cx = Ctx {
            source,
            copy,
            sdoc: &sdoc,
            cdoc: &cdoc,
            su: &su,
            cu: &cu,
            order: &order,
            lex,
            in_cat: &in_cat,
        };
        emit_block(&cx, s, c, last_s, last_c, changes);
    };
    for op in ops {
        let (old, new) = match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                flush(&mut pending, last_s, last_c, &mut changes);
                for k in 0..len {
                    kept[order[old_index + k]] = true;
                }
                last_s = Some(old_index + len - 1);
                last_c = Some(new_index + len - 1);
                continue;
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        let p = pending.get_or_insert((old.start..old.start, new.start..new.start));
        p.0 = p.0.start.min(old.start)..p.0.end.max(old.end);
        p.1 = p.1.start.min(new.start)..p.1.end.max(new.end);
    }
    flush(&mut pending, last_s, last_c, &mut changes);

    // Score.
    let content = |doc: &Document, u: &Unit| is_content(doc, &doc.tokens[u.tok]);
    let source_content = su.iter().filter(|u| content(&sdoc, u)).count();
    let kept_content = su
        .iter()
        .zip(&kept)
        .filter(|(u, &k)| k && content(&sdoc, u))
        .count();
    let mut penalty = 0.0;
    for ch in &changes {
        let inserted: Vec<&Unit> = cu
            .iter()
            .filter(|u| ch.copy_start <= u.span.start && u.span.end <= ch.copy_end)
            .collect();
        if ch.class == ChangeClass::Boilerplate {
            penalty += 0.1 * inserted.len() as f64;
        } else if ch.kind == ChangeKind::Insertion {
            penalty += 0.5 * inserted.iter().filter(|u| content(&cdoc, u)).count() as f64;
        }
        if ch.class == ChangeClass::Fact {
            penalty += 1.0;
        }
    }
    let denom = source_content as f64 + penalty;
    let score = if denom == 0.0 {
        100.0
    } else {
        (1000.0 * kept_content as f64 / denom).round() / 10.0
    };
    Comparison {
        score,
        source_content_words: source_content,
        kept_content_words: kept_content,
        changes,
    }
}

/// The order in which to diff the source units: source paragraphs sorted by the first copy
/// paragraph that matches them best; an unmatched source paragraph follows its predecessor.
fn para_order(su: &[Unit], skey: &[u32], cu: &[Unit], ckey: &[u32]) -> Vec<usize> {
    let identity: Vec<usize> = (0..su.len()).collect();
    let sparas = su.last().map_or(0, |u| u.para + 1);
    let cparas = cu.last().map_or(0, |u| u.para + 1);
    if sparas < 2 || cparas < 2 {
        return identity;
    }
    // Distinct keys per source paragraph; keys in many paragraphs carry no signal.
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (u, &k) in su.iter().zip(skey) {
        let v = postings.entry(k).or_default();
        if v.last() != Some(&u.para) {
            v.push(u.para);
        }
    }
    let mut rank: Vec<Option<usize>> = vec![None; sparas];
    let mut tally = vec![0u32; sparas];
    let mut seen: HashMap<u32, ()> = HashMap::new();
    let mut start = 0;
    while start < cu.len() {
        let p = cu[start].para;
        let mut end = start;
        while end < cu.len() && cu[end].para == p {
            end += 1;
        }
        seen.clear();
        tally.iter_mut().for_each(|t| *t = 0);
        let mut distinct = 0u32;
        for &k in &ckey[start..end] {
            if seen.insert(k, ()).is_some() {
                continue;
            }
            distinct += 1;
            if let Some(ps) = postings.get(&k) {
                if ps.len() <= 8 {
                    for &sp in ps {
                        tally[sp] += 1;
                    }
                }
            }
        }
        let (best, &hits) = tally
            .iter()
            .enumerate()
            .max_by_key(|(i, &t)| (t, std::cmp::Reverse(*i)))
            .expect("at least two paragraphs");
        if hits >= 2 && hits * 4 >= distinct && rank[best].is_none() {
            rank[best] = Some(p);
        }
        start = end;
    }
    let mut inherited = Vec::with_capacity(sparas);
    let mut prev = 0usize;
    for r in &rank {
        let v = r.unwrap_or(prev);
        inherited.push(v);
        prev = v;
    }
    let mut paras: Vec<usize> = (0..sparas).collect();
    paras.sort_by_key(|&p| inherited[p]); // stable: ties keep source order
    if paras.iter().enumerate().all(|(i, &p)| i == p) {
        return identity;
    }
    let mut by_para: Vec<Vec<usize>> = vec![Vec::new(); sparas];
    for (i, u) in su.iter().enumerate() {
        by_para[u.para].push(i);
    }
    paras.into_iter().flat_map(|p| by_para[p].clone()).collect()
}

struct Ctx<'a, 'd> {
    source: &'a str,
    copy: &'a str,
    sdoc: &'d Document<'a>,
    cdoc: &'d Document<'a>,
    su: &'d [Unit],
    cu: &'d [Unit],
    order: &'d [usize],
    lex: &'static Lexicon,
    in_cat: &'d dyn Fn(Category, &Range<usize>) -> bool,
}

/// Turn one diff block (ranges into the ordered source units and the copy units; either may
/// be empty) into changes.
fn emit_block(
    cx: &Ctx,
    s: Range<usize>,
    c: Range<usize>,
    last_s: Option<usize>,
    last_c: Option<usize>,
    out: &mut Vec<Change>,
) {
    // Split the source side into runs that are contiguous in the source.
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for i in s.clone() {
        let src = cx.order[i];
        match runs.last_mut() {
            Some(r) if *r.last().expect("runs are not empty") + 1 == src => r.push(src),
            _ => runs.push(vec![src]),
        }
    }
    let copy_units: Vec<usize> = c.clone().collect();
    if runs.is_empty() {
        let at = last_s.map_or(0, |i| cx.su[cx.order[i]].span.end);
        push(cx, &[], at, &copy_units, 0, out);
        return;
    }
    let copy_at = last_c.map_or(0, |i| cx.cu[i].span.end);
    let first = runs.remove(0);
    if first.len() == copy_units.len() {
        for (a, b) in first.iter().zip(&copy_units) {
            push(cx, &[*a], 0, &[*b], 0, out);
        }
    } else {
        push(cx, &first, 0, &copy_units, copy_at, out);
    }
    for r in runs {
        let at = c.end.checked_sub(1).map_or(copy_at, |i| cx.cu[i].span.end);
        push(cx, &r, 0, &[], at, out);
    }
}

/// Build and classify one change from source unit indices and copy unit indices (either may
/// be empty; then `s_at` / `c_at` is its position).
fn push(cx: &Ctx, s: &[usize], s_at: usize, c: &[usize], c_at: usize, out: &mut Vec<Change>) {
    let srange = match (s.first(), s.last()) {
        (Some(&a), Some(&b)) => cx.su[a].span.start..cx.su[b].span.end,
        _ => s_at..s_at,
    };
    let crange = match (c.first(), c.last()) {
        (Some(&a), Some(&b)) => cx.cu[a].span.start..cx.cu[b].span.end,
        _ => c_at..c_at,
    };
    let kind = match (s.is_empty(), c.is_empty()) {
        (false, false) => ChangeKind::Substitution,
        (true, _) => ChangeKind::Insertion,
        (false, true) => ChangeKind::Deletion,
    };
    let stoks: Vec<&Token> = s.iter().map(|&i| &cx.sdoc.tokens[cx.su[i].tok]).collect();
    let ctoks: Vec<&Token> = c.iter().map(|&i| &cx.cdoc.tokens[cx.cu[i].tok]).collect();
    let class = classify(cx, kind, &stoks, &ctoks, &crange);
    out.push(Change {
        kind,
        class,
        source_start: srange.start,
        source_end: srange.end,
        source_text: cx.source[srange.clone()].to_string(),
        copy_start: crange.start,
        copy_end: crange.end,
        copy_text: cx.copy[crange].to_string(),
    });
}

fn classify(
    cx: &Ctx,
    kind: ChangeKind,
    s: &[&Token],
    c: &[&Token],
    crange: &Range<usize>,
) -> ChangeClass {
    let sn: Vec<&str> = s.iter().map(|t| cx.sdoc.norm_text(t)).collect();
    let cn: Vec<&str> = c.iter().map(|t| cx.cdoc.norm_text(t)).collect();
    if kind == ChangeKind::Substitution && (s.len() > 1 || c.len() > 1) {
        let strip = |v: &[&str]| -> String {
            v.iter()
                .flat_map(|w| w.chars())
                .filter(|ch| *ch != '-')
                .collect()
        };
        if strip(&sn) == strip(&cn) {
            return ChangeClass::Glue;
        }
    }
    let is_number = |t: &&Token| t.kind == TokenKind::Number;
    if s.iter().any(is_number) || c.iter().any(is_number) {
        return ChangeClass::Fact;
    }
    if kind == ChangeKind::Substitution && is_swap(cx.lex, &sn, &cn) {
        return ChangeClass::Swap;
    }
    if !c.is_empty() {
        if (cx.in_cat)(Category::Foreign, crange) {
            return ChangeClass::Foreign;
        }
        if (cx.in_cat)(Category::Boilerplate, crange) {
            return ChangeClass::Boilerplate;
        }
    }
    if kind == ChangeKind::Insertion && whole_edge_lines(cx.copy, crange) {
        return ChangeClass::Boilerplate;
    }
    let name = |doc: &Document, t: &&Token| {
        let w = doc.norm_text(t);
        matches!(t.case, Case::Title | Case::Upper)
            && t.kind == TokenKind::Word
            && match cx.lex.id(w) {
                None => true,
                Some(id) => cx.lex.is_name_only(id) || (!t.sent_start && !cx.lex.is_word_id(id)),
            }
    };
    // Names on the source side only: a misspelt word of the copy is no dictionary word, so it
    // looks like a name itself.
    let names = s.iter().any(|t| name(cx.sdoc, t));
    if let ([st], [ct]) = (s, c) {
        if st.kind == TokenKind::Word && ct.kind == TokenKind::Word {
            // A name one letter off may be another name ("Osama" for "Obama"): only a case
            // change or two swapped letters make it a typo.
            match typo(cx.lex, sn[0], cn[0]) {
                Some(Typo::Slip) => return ChangeClass::Typo,
                Some(Typo::Edit) if !names => return ChangeClass::Typo,
                _ => {}
            }
        }
    }
    if s.iter().any(|t| name(cx.sdoc, t)) && kind != ChangeKind::Insertion {
        return ChangeClass::Fact;
    }
    if kind == ChangeKind::Substitution && c.iter().any(|t| name(cx.cdoc, t)) {
        return ChangeClass::Fact;
    }
    ChangeClass::Other
}

/// How a word is misspelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typo {
    /// Only the case differs, or two neighbouring letters are swapped ("form" for "from").
    Slip,
    /// Another small edit: a letter or two added, dropped or changed.
    Edit,
}

/// Is the copy's word (folded) a misspelling of the source's? The same word in another case;
/// or, for words of 4 letters or more, an edit distance of 1 (2 from 8 letters on) counted
/// with Damerau–Levenshtein (`strsim`), where swapping two neighbouring letters is one edit.
/// Two dictionary words apart by anything but a swap ("cart", "card") are a word changed, not
/// a typo.
fn typo(lex: &Lexicon, source: &str, copy: &str) -> Option<Typo> {
    if source == copy {
        // Only the case differs (the texts are compared by their exact spelling).
        return Some(Typo::Slip);
    }
    let len = source.chars().count().min(copy.chars().count());
    if len < 4 {
        return None;
    }
    let edits = strsim::damerau_levenshtein(source, copy);
    let allowed = if len >= 8 { 2 } else { 1 };
    if edits == 0 || edits > allowed {
        return None;
    }
    if edits == 1 && strsim::levenshtein(source, copy) == 2 {
        return Some(Typo::Slip);
    }
    let known = lex.id(copy).is_some_and(|id| lex.is_word_id(id));
    (!known).then_some(Typo::Edit)
}

/// Is some word of one side a thesaurus neighbour of a word of the other?
fn is_swap(lex: &Lexicon, s: &[&str], c: &[&str]) -> bool {
    let sid: Vec<u32> = s.iter().filter_map(|w| lex.id(w)).collect();
    let cid: Vec<u32> = c.iter().filter_map(|w| lex.id(w)).collect();
    let linked = |a: &[u32], b: &[u32]| {
        a.iter()
            .any(|&x| lex.neighbours(x).any(|(n, _)| b.contains(&n)))
    };
    linked(&sid, &cid) || linked(&cid, &sid)
}

/// Does the range cover whole lines and touch the start or end of the text (only white space
/// and punctuation beyond it)?
fn whole_edge_lines(text: &str, r: &Range<usize>) -> bool {
    let before = &text[..r.start];
    let after = &text[r.end..];
    let line_start = before.is_empty() || before.ends_with('\n') || {
        let l = before.rsplit('\n').next().unwrap_or("");
        l.chars().all(|ch| !ch.is_alphanumeric())
    };
    let line_end = {
        let l = after.split('\n').next().unwrap_or("");
        l.chars().all(|ch| !ch.is_alphanumeric())
    };
    let at_start = !before.chars().any(char::is_alphanumeric);
    let at_end = !after.chars().any(char::is_alphanumeric);
    line_start && line_end && (at_start || at_end)
}

/// Words that carry content: not stopwords; numbers count.
fn is_content(doc: &Document, t: &Token) -> bool {
    match t.kind {
        TokenKind::Punct => false,
        TokenKind::Word => !is_stopword(doc.norm_text(t)),
        _ => true,
    }
}

/// A small English stopword list (function words).
pub fn is_stopword(w: &str) -> bool {
    STOPWORDS.binary_search(&w).is_ok()
}

/// Sorted.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
