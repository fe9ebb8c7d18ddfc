//! `regex` rules and `boilerplate` patterns. Rust's `regex` crate runs in linear time, so a
//! user pattern can never backtrack catastrophically; compiled size is capped too.
//!
//! Most patterns cannot be sped up by the regex engine's own literal prefilters (a leading
//! `^\s*` hides the literals), so each pattern gets a gate of its own: a set of literals one of
//! which every match must contain, looked for first with a SIMD substring search. A text without
//! any of them cannot match, and the regex is not run on it.

use super::phrase::alone_on_line;
use super::Detector;
use crate::finding::Hit;
use crate::rules::{Kind, Origin, PackError, RuleTable};
use crate::text::Document;
use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Hir, HirKind};

/// Longest pattern accepted, in bytes.
pub const MAX_PATTERN_LEN: usize = 4096;
/// Compiled size limit of one pattern.
pub const MAX_COMPILED_SIZE: usize = 1 << 20;

#[derive(Debug)]
struct Compiled {
    rule: usize,
    re: Regex,
    /// Literals one of which every match contains (`None`: no such set was found).
    gate: Option<Gate>,
    on_original: bool,
    whole_line: bool,
    suggestion: Option<String>,
    confidence: f64,
}

/// The compiled regex rules.
#[derive(Debug, Default)]
pub struct RegexRules {
    list: Vec<Compiled>,
}

impl RegexRules {
    /// Compile the patterns of the enabled pack rules; errors name file, line and rule.
    pub fn compile(
        table: &RuleTable,
        enabled: &dyn Fn(usize) -> bool,
    ) -> Result<RegexRules, Vec<PackError>> {
        let mut list = Vec::new();
        let mut errors = Vec::new();
        for (i, rule) in table.rules.iter().enumerate() {
            let Origin::Pack(def) = &rule.origin else {
                continue;
            };
            if !enabled(i) || !matches!(def.kind, Kind::Regex | Kind::Boilerplate) {
                continue;
            }
            for p in &def.patterns {
                let err = |message: String| PackError {
                    file: rule.file.clone(),
                    line: rule.line,
                    column: 0,
                    rule: Some(rule.id.clone()),
                    message,
                };
                if p.len() > MAX_PATTERN_LEN {
                    errors.push(err(format!(
                        "pattern is {} bytes long (limit {MAX_PATTERN_LEN})",
                        p.len()
                    )));
                    continue;
                }
                let on_original = def.kind == Kind::Regex && def.case_sensitive;
                match RegexBuilder::new(p)
                    .multi_line(true)
                    .size_limit(MAX_COMPILED_SIZE)
                    .dfa_size_limit(MAX_COMPILED_SIZE)
                    .build()
                {
                    Ok(re) => list.push(Compiled {
                        rule: i,
                        re,
                        gate: gate(p),
                        on_original,
                        whole_line: def.whole_line,
                        suggestion: def.suggestion.clone(),
                        confidence: def.confidence.unwrap_or(0.8),
                    }),
                    Err(e) => errors.push(err(format!("invalid pattern `{p}`: {e}"))),
                }
            }
        }
        if errors.is_empty() {
            Ok(RegexRules { list })
        } else {
            Err(errors)
        }
    }

    /// No patterns?
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl Detector for RegexRules {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        for c in &self.list {
            let hay = if c.on_original {
                doc.orig
            } else {
                doc.norm.text.as_str()
            };
            if c.gate.as_ref().is_some_and(|g| !g.is_open(hay)) {
                continue;
            }
            for caps in c.re.captures_iter(hay) {
                let m = caps.get(0).expect("group 0 always matches");
                if m.is_empty() {
                    continue;
                }
                if c.whole_line && !alone_on_line(hay, m.start(), m.end()) {
                    continue;
                }
                let span = if c.on_original {
                    m.start()..m.end()
                } else {
                    doc.norm_to_orig(m.start(), m.end())
                };
                if doc.is_masked(span.start, span.end) {
                    continue;
                }
                let mut hit = Hit::new(c.rule, span, c.confidence);
                if let Some(s) = &c.suggestion {
                    let mut dst = String::new();
                    caps.expand(s, &mut dst);
                    hit.suggestion = Some(dst);
                }
                out.push(hit);
            }
        }
    }
}

/// Most literals a gate may hold.
const GATE_MAX_LITERALS: usize = 64;

/// A substring searcher for a set of literals one of which every match of a pattern contains.
#[derive(Debug)]
enum Gate {
    One(memchr::memmem::Finder<'static>),
    /// SIMD (Teddy), where the CPU has it.
    Packed(aho_corasick::packed::Searcher),
    Many(AhoCorasick),
}

impl Gate {
    /// May the pattern match in `hay`? (`false`: it cannot.)
    fn is_open(&self, hay: &str) -> bool {
        match self {
            Gate::One(f) => f.find(hay.as_bytes()).is_some(),
            Gate::Packed(p) => p.find(hay).is_some(),
            Gate::Many(ac) => ac.is_match(hay),
        }
    }
}

/// The gate of a pattern (compiled as [`RegexRules::compile`] does).
fn gate(pattern: &str) -> Option<Gate> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(pattern)
        .ok()?;
    let mut lits = required_literals(&hir)?;
    if lits.len() == 1 {
        let one = lits.pop()?;
        return Some(Gate::One(memchr::memmem::Finder::new(&one).into_owned()));
    }
    let mut packed = aho_corasick::packed::Config::new().builder();
    if let Some(p) = packed.extend(&lits).build() {
        return Some(Gate::Packed(p));
    }
    AhoCorasick::new(lits).ok().map(Gate::Many)
}

/// A set of non-empty literals one of which every match of `hir` contains, the most selective
/// one found (longest shortest literal, then fewest literals); `None` if there is none.
fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    // Every match starts with one of the prefixes of the whole expression.
    let mut best = usable(prefixes(hir));
    let mut consider = |cand: Option<Vec<Vec<u8>>>| {
        if let Some(c) = cand {
            if best.as_ref().is_none_or(|b| better(&c, b)) {
                best = Some(c);
            }
        }
    };
    match hir.kind() {
        HirKind::Capture(c) => consider(required_literals(&c.sub)),
        HirKind::Repetition(r) if r.min >= 1 => consider(required_literals(&r.sub)),
        HirKind::Concat(parts) => {
            // Every match contains a match of each tail `parts[i..]`, which starts with one of
            // that tail's prefixes; and a match of each part.
            for i in 1..parts.len() {
                consider(usable(prefixes(&Hir::concat(parts[i..].to_vec()))));
            }
            for p in parts {
                consider(required_literals(p));
            }
        }
        HirKind::Alternation(alts) => {
            // Every match is a match of one alternative.
            let mut all: Vec<Vec<u8>> = Vec::new();
            for a in alts {
                all.extend(required_literals(a)?);
            }
            all.sort();
            all.dedup();
            consider((all.len() <= GATE_MAX_LITERALS).then_some(all));
        }
        _ => {}
    }
    best
}

fn prefixes(hir: &Hir) -> Seq {
    Extractor::new().kind(ExtractKind::Prefix).extract(hir)
}

/// The literals of a finite, non-empty sequence without an empty literal.
fn usable(seq: Seq) -> Option<Vec<Vec<u8>>> {
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > GATE_MAX_LITERALS || lits.iter().any(|l| l.is_empty()) {
        return None;
    }
    let mut v: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
    v.sort();
    v.dedup();
    Some(v)
}

/// Is literal set `a` more selective than `b`?
fn better(a: &[Vec<u8>], b: &[Vec<u8>]) -> bool {
    let min = |s: &[Vec<u8>]| s.iter().map(Vec::len).min().unwrap_or(0);
    (min(a), std::cmp::Reverse(a.len())) > (min(b), std::cmp::Reverse(b.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(p: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::ParserBuilder::new()
            .multi_line(true)
            .build()
            .parse(p)
            .unwrap();
        required_literals(&hir).map(|v| {
            v.into_iter()
                .map(|l| String::from_utf8(l).unwrap())
                .collect()
        })
    }

    #[test]
    fn gates_hold_required_literals() {
        assert_eq!(lits(r"(?m)^\s*foo bar\s*$").unwrap(), ["foo bar"]);
        assert_eq!(lits(r"x*"), None);
        assert_eq!(lits(r"a|b*"), None);
        assert_eq!(lits(r"\w+"), None);
        let l = lits(r"(?m)^\s*(image|photo) (source|credit)\s*:.{0,120}$").unwrap();
        assert_eq!(
            l,
            [
                "image credit",
                "image source",
                "photo credit",
                "photo source"
            ]
        );
        // Case-insensitive: every casing, as long as there are few enough.
        let l = lits(r"(?i)^\s*read more").unwrap();
        assert!(l.len() <= GATE_MAX_LITERALS && l.contains(&"ad more".to_string()));
        assert!(l.iter().all(|x| x.eq_ignore_ascii_case("ad more")), "{l:?}");
        let l = lits(r"(?m)^\s*the post .{3,200}? appeared first on [^.]{2,60}$").unwrap();
        assert_eq!(l, [" appeared first on "]);
    }

    #[test]
    fn gated_rules_find_what_ungated_ones_find() {
        let mut table = RuleTable::default();
        table.add_embedded().expect("embedded packs load");
        let rules = RegexRules::compile(&table, &|_| true).unwrap();
        assert!(rules.list.iter().all(|c| c.gate.is_some()));
        let texts = [
            "the post why rates rise appeared first on money blog.\nnext",
            "  this article originally appeared on example news\n",
            "photo credit: reuters\nx",
            "the post office appeared first on the list",
            "nothing here",
        ];
        for t in texts {
            for c in &rules.list {
                let all: Vec<_> = c.re.find_iter(t).map(|m| m.range()).collect();
                let open = c.gate.as_ref().unwrap().is_open(t);
                assert!(open || all.is_empty(), "{t:?} {:?}", c.re);
            }
        }
    }
}
