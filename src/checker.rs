//! The checker: rule packs and detectors compiled once ([`CheckerBuilder`]), then run over
//! prepared documents ([`Checker`]). A [`Session`](crate::Session) wraps one per configuration
//! and adds everything around it (decoding, markup, configuration, inline ignores, limits).

use crate::detect::{self, Detector};
use crate::finding::{Category, Finding, Hit, Severity};
use crate::rules::{self, PackError, PackFiles, Rule, RuleTable};
use crate::text::{self, Document};
use crate::{
    budget, lang, report, score, Report, NOT_ENGLISH, STATISTICAL_PREFIX, TRUNCATED_FINDINGS,
    TRUNCATED_TIME,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

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
    max_findings: Option<usize>,
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
            max_findings: None,
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

    /// List at most `n` findings per report, the first by position: the others are never
    /// built (a text with a finding in every word costs memory for `n` findings, not for all
    /// of them), still count in the score, and the report says `truncated: "max-findings"`
    /// (unless the time budget ran out too). Per-document adjustments (allow-lists, inline
    /// ignores, severity overrides) apply to the listed findings only. Default: no limit.
    pub fn max_findings(mut self, n: usize) -> Self {
        self.max_findings = Some(n);
        self
    }

    /// Load, validate and compile. Errors name the pack file, line and rule.
    pub fn build(self) -> Result<Checker, Vec<PackError>> {
        let mut table = RuleTable::default();
        for (b, _) in detect::BUILTINS {
            table.add_builtin(b);
        }
        table.add_builtin(&lang::PASSAGE);
        let mut errors = Vec::new();
        if self.embedded {
            if let Err(mut e) = table.add_embedded() {
                errors.append(&mut e);
            }
        }
        let before_dirs: std::collections::HashSet<(String, String)> = table
            .rules
            .iter()
            .map(|r| (r.id.clone(), r.file.clone()))
            .collect();
        // A folder named twice (a flag and a configuration's `rule-packs`, or two spellings of
        // one path) loads once: its rules would collide with themselves.
        let mut loaded: Vec<PathBuf> = Vec::new();
        let mut first = |dir: &std::path::Path| {
            let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            let new = !loaded.contains(&key);
            loaded.push(key);
            new
        };
        for d in &self.dirs {
            if !first(d) {
                continue;
            }
            if let Err(mut e) = table.add_dir(d) {
                errors.append(&mut e);
            }
        }
        for p in &self.files {
            if !first(&p.dir) {
                continue;
            }
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
                    && !before_dirs.contains(&(r.id.clone(), r.file.clone()))
            })
            .collect();
        let disabled: std::collections::HashSet<&String> = table.disabled.iter().collect();
        let mut enabled: Vec<bool> = table
            .rules
            .iter()
            .map(|r| {
                (!disabled.contains(&r.id) || self.enable_rules.contains(&r.id))
                    && !self.disable_rules.contains(&r.id)
                    && !self.disable_categories.contains(&r.category)
            })
            .collect();
        let severity: Vec<Severity> = table
            .rules
            .iter()
            .map(|r| self.severity.get(&r.id).copied().unwrap_or(r.severity))
            .collect();
        // Patterns of the rules that loaded are compiled (and their examples verified below)
        // even when another rule or pack failed, so every error is reported at once.
        let mut detectors = match detect::compile_packs(&table, &|i| enabled[i]) {
            Ok(d) => d,
            Err(mut e) => {
                // The rules whose patterns failed are left out and the rest compiled again,
                // so that their examples are still verified.
                let failed: std::collections::HashSet<String> =
                    e.iter().filter_map(|x| x.rule.clone()).collect();
                errors.append(&mut e);
                for (on, r) in enabled.iter_mut().zip(&table.rules) {
                    *on &= !failed.contains(&r.id);
                }
                match detect::compile_packs(&table, &|i| enabled[i]) {
                    Ok(d) if !failed.is_empty() => d,
                    _ => return Err(errors),
                }
            }
        };
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
        let passage_rule = table
            .rules
            .iter()
            .position(|r| r.id == lang::PASSAGE.id)
            .expect("the passage rule is in the table");
        let checker = Checker {
            table,
            enabled,
            severity,
            detectors,
            budget: None,
            max_findings: None,
            passage_rule,
        };
        errors.append(&mut checker.verify_examples(&user_rules));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Checker {
            budget: self.budget,
            max_findings: self.max_findings,
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
    max_findings: Option<usize>,
    /// Index of `foreign.passage` in the table.
    passage_rule: usize,
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

    /// The time budget of each check, if the builder set one.
    pub(crate) fn budget(&self) -> Option<Duration> {
        self.budget
    }

    /// A hit's severity before the document-evidence gate: its rule's, lowered to its band's
    /// cap (a weak split of a glued word is `info`).
    fn capped_severity(&self, h: &Hit) -> Severity {
        let rule = self.severity[h.rule];
        h.severity_cap.map_or(rule, |c| c.min(rule))
    }

    /// How many of `hits` are artifacts of a machine rewrite (see [`Detector::detect_after`]):
    /// the glue, foreign and garble findings that this document's report would show as
    /// warnings if it ended here. The hits go the way of the final report: overlaps resolved,
    /// the document-evidence gate, and `adjust` (the document's configuration and inline
    /// ignores), so a glued word the writer switched off, downgraded, allowed or ignored
    /// inline is no evidence of a rewrite. Most documents have no candidate and cost nothing.
    fn artifacts(
        &self,
        doc: &Document,
        hits: &[Hit],
        rule_on: &dyn Fn(&Rule) -> bool,
        adjust: &mut dyn FnMut(&mut Vec<Finding>),
    ) -> usize {
        let artifact =
            |c: Category| matches!(c, Category::Glue | Category::Foreign | Category::Garble);
        let on = |h: &Hit| !h.evidence_only && rule_on(&self.table.rules[h.rule]);
        // Candidates: hits whose band allows a warning (the configuration may raise a rule
        // the builder set to `info`, so the rule's own severity is not asked here).
        if !hits.iter().any(|h| {
            on(h)
                && artifact(self.table.rules[h.rule].category)
                && h.severity_cap.is_none_or(|c| c >= Severity::Warning)
        }) {
            return 0;
        }
        let (mut findings, _) = self.finish(doc, hits.iter().filter(|h| on(h)).cloned().collect());
        adjust(&mut findings);
        findings
            .iter()
            .filter(|f| artifact(f.category) && f.severity >= Severity::Warning)
            .count()
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

    /// The severity this checker reports a rule at (its own, or the builder's override); a
    /// finding of a confidence band below the warning bar is reported lower (`info`).
    pub fn severity_of(&self, id: &str) -> Option<Severity> {
        self.table
            .rules
            .iter()
            .position(|r| r.id == id)
            .map(|i| self.severity[i])
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
    /// computed from what remains. Used by
    /// [`Effective::check`](crate::config::Effective::check).
    ///
    /// `adjust` may be called more than once: first on the findings so far when `ngram.swap`
    /// counts the artifacts it reads (see [`Detector::detect_after`]), last on the report's
    /// findings. It should depend on its input alone; state it keeps is right after the last
    /// call.
    pub fn check_document_with(
        &self,
        doc: &Document,
        rule_on: &dyn Fn(&Rule) -> bool,
        adjust: &mut dyn FnMut(&mut Vec<Finding>),
    ) -> Report {
        self.run(doc, self.budget, rule_on, adjust)
    }

    /// [`check_document_with`](Self::check_document_with) within a time budget given per
    /// check (the session's pipeline passes its option here).
    pub(crate) fn run(
        &self,
        doc: &Document,
        budget: Option<Duration>,
        rule_on: &dyn Fn(&Rule) -> bool,
        adjust: &mut dyn FnMut(&mut Vec<Finding>),
    ) -> Report {
        // The language stage: once per document, before the detectors, which read its
        // verdict. Passages in another language are hidden from the English detectors.
        let language = lang::identify(doc);
        let english = language.is_english();
        let hidden;
        let doc = if language.passages.is_empty() {
            doc
        } else {
            hidden = doc.hiding(language.passages.iter().map(|p| p.start..p.end).collect());
            &hidden
        };
        let mut hits = Vec::new();
        let scope = budget::Scope::start(budget);
        for d in &self.detectors {
            if budget::out_of_time() {
                break;
            }
            // A document in another language gets only the detectors that read no English.
            if english || d.language_independent() {
                let artifacts = if d.reads_artifacts() {
                    self.artifacts(doc, &hits, rule_on, adjust)
                } else {
                    0
                };
                d.detect_after(doc, &language, artifacts, &mut hits);
            }
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
        let (mut findings, mut rest) = self.finish(doc, hits);
        let passage = &self.table.rules[self.passage_rule];
        if !language.passages.is_empty() && self.enabled[self.passage_rule] && rule_on(passage) {
            findings.extend(language.passage_findings(doc, self.severity[self.passage_rule]));
            findings.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
            // Passages count towards `max_findings` like any finding.
            if let Some(n) = self.max_findings.filter(|&n| findings.len() > n) {
                let cut: f64 = findings[n..].iter().map(score::penalty).sum();
                findings.truncate(n);
                rest = Some(rest.unwrap_or(0.0) + cut);
            }
        }
        adjust(&mut findings);
        let words = doc.word_count();
        let penalty: f64 =
            findings.iter().map(score::penalty).sum::<f64>() + evidence + rest.unwrap_or(0.0);
        let truncated = truncated.or_else(|| rest.map(|_| TRUNCATED_FINDINGS.to_string()));
        let score = score::score_from_penalty(words, penalty);
        quiet_statistical(score, &mut findings);
        let translated_from = if english {
            lang::translation(doc, &findings)
        } else {
            None
        };
        Report {
            path: String::new(),
            score,
            words,
            findings,
            truncated,
            verdict: Some(if english {
                report::verdict(score).to_string()
            } else {
                NOT_ENGLISH.to_string()
            }),
            language: Some(language.to_language()),
            translated_from,
        }
    }

    /// Sort, de-duplicate and resolve hits into findings.
    /// Returns the findings, and when there were more than
    /// [`max_findings`](CheckerBuilder::max_findings) the summed penalty of the others.
    fn finish(&self, doc: &Document, mut hits: Vec<Hit>) -> (Vec<Finding>, Option<f64>) {
        hits.retain(|h| self.enabled[h.rule] && h.start < h.end);
        hits.sort_by(|a, b| {
            (a.start, std::cmp::Reverse(a.end), a.rule)
                .cmp(&(b.start, std::cmp::Reverse(b.end), b.rule))
                .then(b.confidence.total_cmp(&a.confidence))
        });
        // Within a rule findings never overlap; within a category a span inside another one
        // that is at least as confident adds nothing.
        // (In place: `hits[..w]` are the kept ones, so a document with a million hits does
        // not hold a second vector of them.)
        let mut w: usize = 0;
        'next: for i in 0..hits.len() {
            let cat = self.table.rules[hits[i].rule].category;
            for j in (w.saturating_sub(32)..w).rev() {
                let (k, h) = (&hits[j], &hits[i]);
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
                        hits.swap(j, i);
                    } else if h.confidence > k.confidence && !same_rule {
                        // A more confident narrower hit of another rule stands on its own.
                        break;
                    }
                    continue 'next;
                }
            }
            hits.swap(w, i);
            w += 1;
        }
        hits.truncate(w);
        let mut kept = hits;
        // Past `max_findings`, hits are not made into findings; they still count in the
        // score, with the confidence rounded as a finding's is.
        let mut rest = 0.0;
        let cut = self.max_findings.is_some_and(|n| kept.len() > n);
        if let Some(n) = self.max_findings.filter(|_| cut) {
            rest = kept[n..]
                .iter()
                .map(|h| {
                    let category = self.table.rules[h.rule].category;
                    score::weight(category, self.severity[h.rule], round3(h.confidence))
                })
                .sum();
            kept.truncate(n);
        }
        // Document evidence: a hit that needs it is a warning only beside another warning
        // that stands on its own (a glued word in a spun article, not in a clean novel).
        let severity = |h: &Hit| self.capped_severity(h);
        let evidence = kept
            .iter()
            .any(|h| !h.needs_evidence && severity(h) >= Severity::Warning);
        // Findings are sorted by start: columns are counted incrementally, so a document that
        // is one huge line costs linear time, not a scan from the line start per finding.
        let mut cursor = text::LineCursor::new(doc);
        let findings = kept
            .into_iter()
            .map(|h| {
                let severity = if h.needs_evidence && !evidence {
                    severity(&h).min(Severity::Info)
                } else {
                    severity(&h)
                };
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
                    severity,
                    start: h.start,
                    end: h.end,
                    line,
                    column,
                    text,
                    suggestion: h.suggestion,
                    message,
                    confidence: round3(h.confidence),
                    language: rule.language.clone(),
                }
            })
            .collect();
        (findings, cut.then_some(rest))
    }
}

/// A finding's confidence: rounded to 3 decimals.
fn round3(c: f64) -> f64 {
    (c * 1000.0).round() / 1000.0
}

/// The score and the findings tell one story: in a document scored [`score::CLEAN`] or better
/// a statistical rule's findings are hints (`info`), never warnings.
fn quiet_statistical(score: f64, findings: &mut [Finding]) {
    if score < score::CLEAN {
        return;
    }
    for f in findings {
        if f.rule.starts_with(STATISTICAL_PREFIX) && f.severity > Severity::Info {
            f.severity = Severity::Info;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistical_findings_are_hints_in_a_document_scored_clean() {
        let checker = Checker::builder().build().unwrap();
        let mut r = checker.check("He spoke in no unpredictable terms, and thatRussia knew it.");
        assert!(r.findings.len() >= 2, "{:?}", r.findings);
        for f in &mut r.findings {
            f.severity = Severity::Warning;
        }
        r.findings[0].rule = "ngram.swap".into();
        let mut low = r.findings.clone();
        quiet_statistical(score::CLEAN - 0.1, &mut low);
        assert_eq!(low, r.findings);
        quiet_statistical(score::CLEAN, &mut r.findings);
        assert_eq!(r.findings[0].severity, Severity::Info);
        assert!(r.findings[1..]
            .iter()
            .all(|f| f.severity == Severity::Warning));
    }
}
