//! unspun: find the fingerprints of article spinning, machine translation and scraping in
//! English text, point at each with the words that were probably there before, and score every
//! document's faithfulness from 0 (garbled) to 100 (clean).
//!
//! ```
//! let checker = unspun::Checker::builder().build().unwrap();
//! let report = checker.check("He said thatRussia was ready.");
//! assert_eq!(report.findings[0].rule, "glue.joined-words");
//! assert_eq!(report.findings[0].suggestion.as_deref(), Some("that Russia"));
//! ```
//!
//! The library never prints and never exits; the `unspun` binary owns I/O and exit codes.

pub mod baseline;
pub mod batch;
pub mod budget;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod detect;
pub mod diffbase;
pub mod eval;
pub mod finding;
pub mod fix;
pub mod lexicon;
pub mod report;
pub mod rules;
pub mod score;
pub mod suppress;
pub mod text;

use detect::Detector;
pub use finding::{Category, Finding, Hit, Severity};
pub use rules::{PackError, PackFiles, Rule, RuleTable};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
pub use text::Document;

/// The public document object: one per checked document.
///
/// This shape is a contract that scripts rely on: fields may be added, never removed or
/// renamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The document's path (or `-` for standard input, or an id).
    pub path: String,
    /// Faithfulness score, 0 (garbled) to 100 (clean).
    pub score: f64,
    /// Number of words.
    pub words: usize,
    /// The findings, sorted by position.
    pub findings: Vec<Finding>,
    /// Set when only part of the document was checked: `"time budget"` (the checker's
    /// [time budget](CheckerBuilder::time_budget) ran out: the score counts what was found
    /// until then) or `"max-doc-bytes"` (the binary checked only the first part of a larger
    /// document). Absent from the JSON when the whole document was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<String>,
}

/// The value of [`Report::truncated`] when the time budget ran out.
pub const TRUNCATED_TIME: &str = "time budget";
/// The value of [`Report::truncated`] when only the first part of a document was checked.
pub const TRUNCATED_SIZE: &str = "max-doc-bytes";

impl Report {
    /// Findings per category, in [`Category::ALL`] order.
    pub fn counts(&self) -> [(Category, usize); 5] {
        Category::ALL.map(|c| (c, self.findings.iter().filter(|f| f.category == c).count()))
    }
}

/// Builds a [`Checker`]: which packs, which rules, which severities.
#[derive(Debug, Clone)]
pub struct CheckerBuilder {
    embedded: bool,
    dirs: Vec<PathBuf>,
    files: Vec<PackFiles>,
    disable_rules: Vec<String>,
    disable_categories: Vec<Category>,
    severity: HashMap<String, Severity>,
    enable_rules: Vec<String>,
    budget: Option<Duration>,
}

impl Default for CheckerBuilder {
    fn default() -> Self {
        CheckerBuilder {
            embedded: true,
            dirs: Vec::new(),
            files: Vec::new(),
            disable_rules: Vec::new(),
            disable_categories: Vec::new(),
            severity: HashMap::new(),
            enable_rules: Vec::new(),
            budget: None,
        }
    }
}

impl CheckerBuilder {
    /// Use the packs compiled into the binary (default: yes).
    pub fn embedded_packs(mut self, yes: bool) -> Self {
        self.embedded = yes;
        self
    }

    /// Also load every pack in this folder.
    pub fn rules_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dirs.push(dir.into());
        self
    }

    /// Also load packs held in memory (e.g. a folder read on another machine with
    /// [`PackFiles::read_dir`]); they load after the folders.
    pub fn pack_files(mut self, files: PackFiles) -> Self {
        self.files.push(files);
        self
    }

    /// Switch a rule off by id.
    pub fn disable_rule(mut self, id: impl Into<String>) -> Self {
        self.disable_rules.push(id.into());
        self
    }

    /// Switch a rule on even if a pack's `[pack] disable` switched it off (an explicit
    /// [`disable_rule`](Self::disable_rule) or category switch still wins).
    pub fn enable_rule(mut self, id: impl Into<String>) -> Self {
        self.enable_rules.push(id.into());
        self
    }

    /// Switch a whole category off.
    pub fn disable_category(mut self, c: Category) -> Self {
        self.disable_categories.push(c);
        self
    }

    /// Override a rule's severity.
    pub fn severity(mut self, id: impl Into<String>, s: Severity) -> Self {
        self.severity.insert(id.into(), s);
        self
    }

    /// Give every check at most this much time: when it runs out, the remaining detectors
    /// are skipped (a long one stops where it is) and the report says
    /// `truncated: "time budget"`, scored on what was found. Default: no limit.
    pub fn time_budget(mut self, budget: Duration) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Load, validate and compile. Errors name the pack file, line and rule.
    pub fn build(self) -> Result<Checker, Vec<PackError>> {
        let mut table = RuleTable::default();
        for (b, _) in detect::BUILTINS {
            table.add_builtin(b);
        }
        let mut errors = Vec::new();
        if self.embedded {
            if let Err(mut e) = table.add_embedded() {
                errors.append(&mut e);
            }
        }
        let before_dirs: Vec<(String, String)> = table
            .rules
            .iter()
            .map(|r| (r.id.clone(), r.file.clone()))
            .collect();
        for d in &self.dirs {
            if let Err(mut e) = table.add_dir(d) {
                errors.append(&mut e);
            }
        }
        for p in &self.files {
            if let Err(mut e) = table.add_files(&p.dir, &p.files) {
                errors.append(&mut e);
            }
        }
        // The rules of user packs: their examples are verified once compiled (the embedded
        // packs' examples are verified by the test suite).
        let user_rules: Vec<usize> = (0..table.rules.len())
            .filter(|&i| {
                let r = &table.rules[i];
                matches!(r.origin, rules::Origin::Pack(_))
                    && !before_dirs
                        .iter()
                        .any(|(id, f)| *id == r.id && *f == r.file)
            })
            .collect();
        let enabled: Vec<bool> = table
            .rules
            .iter()
            .map(|r| {
                (!table.disabled.contains(&r.id) || self.enable_rules.contains(&r.id))
                    && !self.disable_rules.contains(&r.id)
                    && !self.disable_categories.contains(&r.category)
            })
            .collect();
        let severity: Vec<Severity> = table
            .rules
            .iter()
            .map(|r| self.severity.get(&r.id).copied().unwrap_or(r.severity))
            .collect();
        // Patterns of the packs that loaded are compiled even when another pack failed, so
        // every error of every pack is reported at once.
        let mut detectors = match detect::compile_packs(&table, &|i| enabled[i]) {
            Ok(d) => d,
            Err(mut e) => {
                errors.append(&mut e);
                Vec::new()
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        for (b, make) in detect::BUILTINS {
            let i = table
                .rules
                .iter()
                .position(|r| r.id == b.id)
                .expect("built-ins are in the table");
            if enabled[i] && matches!(table.rules[i].origin, rules::Origin::Builtin) {
                detectors.push(make(i));
            }
        }
        let checker = Checker {
            table,
            enabled,
            severity,
            detectors,
            budget: None,
        };
        let errors = checker.verify_examples(&user_rules);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Checker {
            budget: self.budget,
            ..checker
        })
    }
}

/// A checker: rule packs and detectors compiled once, then applied to many documents (it is
/// `Send + Sync`; share it across threads).
pub struct Checker {
    table: RuleTable,
    enabled: Vec<bool>,
    severity: Vec<Severity>,
    detectors: Vec<Box<dyn Detector>>,
    budget: Option<Duration>,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("rules", &self.table.rules.len())
            .field("detectors", &self.detectors.len())
            .finish()
    }
}

impl Checker {
    /// A builder with the embedded packs.
    pub fn builder() -> CheckerBuilder {
        CheckerBuilder::default()
    }

    /// The rule table (built-ins and packs).
    pub fn rules(&self) -> &RuleTable {
        &self.table
    }

    /// Is the rule at this index enabled?
    pub fn is_enabled(&self, index: usize) -> bool {
        self.enabled[index]
    }

    /// Run the `examples` of these rules (indices into the table): each `fire` example must
    /// give a finding of the rule and each `clean` one none. Errors name the pack file, the
    /// rule's line and the example. Disabled rules are skipped.
    fn verify_examples(&self, rules: &[usize]) -> Vec<PackError> {
        let mut errors = Vec::new();
        for &i in rules {
            let rule = &self.table.rules[i];
            if !self.enabled[i] {
                continue;
            }
            let fires = |ex: &str| self.check(ex).findings.iter().any(|f| f.rule == rule.id);
            let failed = rule
                .examples
                .fire
                .iter()
                .filter(|ex| !fires(ex))
                .map(|ex| format!("example does not fire: {ex:?}"))
                .chain(
                    rule.examples
                        .clean
                        .iter()
                        .filter(|ex| fires(ex))
                        .map(|ex| format!("clean example fires: {ex:?}")),
                );
            errors.extend(failed.map(|message| PackError {
                file: rule.file.clone(),
                line: rule.line,
                column: 0,
                rule: Some(rule.id.clone()),
                message,
            }));
        }
        errors
    }

    /// Check plain text.
    pub fn check(&self, text: &str) -> Report {
        self.check_document(&Document::new(text))
    }

    /// Check a prepared document (e.g. with markup masked).
    pub fn check_document(&self, doc: &Document) -> Report {
        self.check_document_with(doc, &|_| true, &mut |_| {})
    }

    /// Check a prepared document with per-document settings: `rule_on` switches rules off
    /// (as if disabled in the builder, evidence-only hits included), and `adjust` may drop or
    /// change findings (severity overrides, allow-lists, inline ignores) before the score is
    /// computed from what remains. Used by [`config::Effective::check`].
    pub fn check_document_with(
        &self,
        doc: &Document,
        rule_on: &dyn Fn(&Rule) -> bool,
        adjust: &mut dyn FnMut(&mut Vec<Finding>),
    ) -> Report {
        let mut hits = Vec::new();
        let scope = budget::Scope::start(self.budget);
        for d in &self.detectors {
            if budget::out_of_time() {
                break;
            }
            d.detect(doc, &mut hits);
        }
        let truncated = scope.was_cut().then(|| TRUNCATED_TIME.to_string());
        drop(scope);
        hits.retain(|h| rule_on(&self.table.rules[h.rule]));
        let evidence: f64 = hits
            .iter()
            .filter(|h| h.evidence_only && self.enabled[h.rule])
            .map(|h| {
                score::weight(
                    self.table.rules[h.rule].category,
                    self.severity[h.rule],
                    h.confidence,
                )
            })
            .sum();
        hits.retain(|h| !h.evidence_only);
        let mut findings = self.finish(doc, hits);
        adjust(&mut findings);
        let words = doc.word_count();
        let penalty: f64 = findings.iter().map(score::penalty).sum::<f64>() + evidence;
        Report {
            path: String::new(),
            score: score::score_from_penalty(words, penalty),
            words,
            findings,
            truncated,
        }
    }

    /// Sort, de-duplicate and resolve hits into findings.
    fn finish(&self, doc: &Document, mut hits: Vec<Hit>) -> Vec<Finding> {
        hits.retain(|h| self.enabled[h.rule] && h.start < h.end);
        hits.sort_by(|a, b| {
            (a.start, std::cmp::Reverse(a.end), a.rule)
                .cmp(&(b.start, std::cmp::Reverse(b.end), b.rule))
                .then(b.confidence.total_cmp(&a.confidence))
        });
        // Within a rule findings never overlap; within a category a span inside another one
        // that is at least as confident adds nothing.
        let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
        'next: for h in hits {
            let cat = self.table.rules[h.rule].category;
            for k in kept.iter_mut().rev().take(32) {
                if k.end <= h.start {
                    // Sorted by start: earlier kept hits may still reach further; keep looking
                    // a few back only while they overlap.
                    continue;
                }
                let same_rule = k.rule == h.rule;
                let same_cat = self.table.rules[k.rule].category == cat;
                let inside = k.start <= h.start && h.end <= k.end;
                if same_rule || (same_cat && inside) {
                    if h.confidence > k.confidence && same_rule && !inside {
                        *k = h;
                    } else if h.confidence > k.confidence && !same_rule {
                        // A more confident narrower hit of another rule stands on its own.
                        break;
                    }
                    continue 'next;
                }
            }
            kept.push(h);
        }
        // Findings are sorted by start: columns are counted incrementally, so a document that
        // is one huge line costs linear time, not a scan from the line start per finding.
        let mut cursor = text::LineCursor::new(doc);
        kept.into_iter()
            .map(|h| {
                let rule = &self.table.rules[h.rule];
                let text = doc.orig[h.start..h.end].to_string();
                let (line, column) = cursor.line_col(h.start);
                let message = match h.message {
                    Some(m) => m,
                    None => detect::fill(&rule.message, &text, h.suggestion.as_deref()),
                };
                Finding {
                    rule: rule.id.clone(),
                    category: rule.category,
                    severity: self.severity[h.rule],
                    start: h.start,
                    end: h.end,
                    line,
                    column,
                    text,
                    suggestion: h.suggestion,
                    message,
                    confidence: (h.confidence * 1000.0).round() / 1000.0,
                    language: rule.language.clone(),
                }
            })
            .collect()
    }
}
