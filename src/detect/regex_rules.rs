//! `regex` rules and `boilerplate` patterns. Rust's `regex` crate runs in linear time, so a
//! user pattern can never backtrack catastrophically; compiled size is capped too.

use super::phrase::alone_on_line;
use super::Detector;
use crate::finding::Hit;
use crate::rules::{Kind, Origin, PackError, RuleTable};
use crate::text::Document;
use regex::{Regex, RegexBuilder};

/// Longest pattern accepted, in bytes.
pub const MAX_PATTERN_LEN: usize = 4096;
/// Compiled size limit of one pattern.
pub const MAX_COMPILED_SIZE: usize = 1 << 20;

#[derive(Debug)]
struct Compiled {
    rule: usize,
    re: Regex,
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
