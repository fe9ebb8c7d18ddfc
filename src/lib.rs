//! unspun: find the fingerprints of article spinning, machine translation and scraping in
//! English text, point at each with the words that were probably there before, and score every
//! document's faithfulness from 0 (garbled) to 100 (clean).
//!
//! A [`Session`] is built once from rule packs and a way to find `.unspun.toml`; its
//! [`check`](Session::check) takes a [`Source`] (text or a file's bytes, with a path and a
//! markup [`Format`]) through every stage and returns the [`Report`], the document object of
//! `unspun check --format json`:
//!
//! ```
//! use unspun::{CheckOptions, ConfigSource, Session, Source};
//! let session = Session::builder().config(ConfigSource::None).build();
//! let checked = session
//!     .check(
//!         &Source::text("He said thatRussia was ready, in no unpredictable terms."),
//!         &CheckOptions::default(),
//!     )
//!     .unwrap();
//! let finding = &checked.report.findings[0];
//! assert_eq!(finding.rule, "glue.joined-words");
//! assert_eq!(finding.suggestion.as_deref(), Some("that Russia"));
//! ```
//!
//! Below it, a [`Checker`] runs the detectors over a prepared [`Document`] with no
//! configuration at all. For a corpus, [`batch`] reads JSON Lines records and writes
//! `unspun score` records; [`cluster`] groups spun copies; [`compare`] aligns a copy with its
//! source; [`report`] renders reports as SARIF, Checkstyle, GitHub annotations or HTML.
//!
//! The library never prints and never exits; the `unspun` binary (the `cli` feature, on by
//! default) owns I/O and exit codes.

#![warn(missing_docs)]

// The command line's modules say `unspun::…` like any user of the library.
extern crate self as unspun;

pub mod baseline;
pub mod batch;
mod budget;
mod checker;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod diffbase;
#[cfg(feature = "cli")]
pub(crate) mod eval;
mod finding;
#[cfg(feature = "cli")]
pub(crate) mod fix;
pub mod lang;
pub mod report;
pub mod rules;
pub mod score;
pub mod session;
mod suppress;
pub mod text;

// Internals, public for the benchmarks (benches/), the fuzz targets (fuzz/), the tests and the
// thesaurus example only: not a stable API, and not documented as one.
#[doc(hidden)]
pub mod detect;
#[doc(hidden)]
pub mod lexicon;

/// The `unspun` command line (`src/main.rs` calls [`cli::run`]): argument parsing, inputs,
/// output formats and exit codes. Not a stable API.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;

pub use checker::{Checker, CheckerBuilder};
#[doc(hidden)]
pub use finding::Hit;
pub use finding::{Category, Finding, Severity};
pub use rules::{PackError, PackFiles, Rule, RuleTable};
pub use session::{
    defaults, CheckError, CheckOptions, Checked, ConfigSource, Notice, Session, SessionBuilder,
    SetupError, Source,
};
pub use text::markup::Format;
pub use text::Document;

use serde::{Deserialize, Serialize};

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
    /// Set when only part of the document was checked: `"time budget"` (the
    /// [time budget](CheckOptions::time_budget) ran out: the score counts what was found
    /// until then) or `"max-doc-bytes"` (only the first [`CheckOptions::max_doc_bytes`] of a
    /// larger document were checked); or `"max-findings"` (all of it was checked, but only
    /// the first [`max_findings`](CheckerBuilder::max_findings) findings are listed). Absent
    /// from the JSON when the whole document was checked and every finding is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<String>,
    /// The document's languages: `{"main": "en", "confidence": 0.99, "others": {"pt": 0.05}}`
    /// (see [`lang`]). Always set by the checker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<lang::Language>,
    /// One verdict for the document: `"clean"`, `"mostly faithful"`, `"suspicious"`, `"likely
    /// spun or garbled"` (from the score), or [`NOT_ENGLISH`] (its main language is another
    /// one: the English detectors did not run, and the score is not a judgement of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    /// Present when the document reads like a machine translation from another language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translated_from: Option<lang::TranslatedFrom>,
}

/// The value of [`Report::verdict`] for a document whose main language is not English.
pub const NOT_ENGLISH: &str = "not English";

/// The value of [`Report::truncated`] when the time budget ran out.
pub const TRUNCATED_TIME: &str = "time budget";
/// Rule ids of the statistical rules (judged from a language model rather than listed): in a
/// document scored [`score::CLEAN`] or better their findings are `info`.
pub const STATISTICAL_PREFIX: &str = "ngram.";
/// The value of [`Report::truncated`] when only the first part of a document was checked.
pub const TRUNCATED_SIZE: &str = "max-doc-bytes";
/// The value of [`Report::truncated`] when the whole document was checked but only the first
/// [`max_findings`](CheckerBuilder::max_findings) findings are listed (the others count in
/// the score).
pub const TRUNCATED_FINDINGS: &str = "max-findings";

impl Report {
    /// Is the document English (or of unknown language: a report made without the language
    /// stage)? Non-English documents are not scored as spun English.
    pub fn is_english(&self) -> bool {
        self.verdict.as_deref() != Some(NOT_ENGLISH)
    }

    /// Keep the findings for which `keep` is true (e.g. those at or above a minimum
    /// severity); the indices in `translated_from.evidence` follow them, and evidence that is
    /// dropped is left out.
    pub fn retain_findings(&mut self, mut keep: impl FnMut(&Finding) -> bool) {
        let mut kept = 0;
        let index: Vec<Option<usize>> = self
            .findings
            .iter()
            .map(|f| {
                keep(f).then(|| {
                    kept += 1;
                    kept - 1
                })
            })
            .collect();
        let mut i = 0;
        self.findings.retain(|_| {
            i += 1;
            index[i - 1].is_some()
        });
        if let Some(t) = &mut self.translated_from {
            t.evidence = t
                .evidence
                .iter()
                .filter_map(|&e| index.get(e).copied().flatten())
                .collect();
        }
    }

    /// Findings per category, in [`Category::ALL`] order.
    pub fn counts(&self) -> [(Category, usize); 5] {
        Category::ALL.map(|c| (c, self.findings.iter().filter(|f| f.category == c).count()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retained_findings_keep_the_translation_evidence_pointing_at_them() {
        let finding = |rule: &str, severity: &str, start: usize| {
            serde_json::json!({
                "rule": rule, "category": "foreign", "severity": severity, "start": start,
                "end": start + 1, "line": 1, "column": start + 1, "text": "x",
                "suggestion": null, "message": "m", "confidence": 0.9, "language": "pt",
            })
        };
        let mut r: Report = serde_json::from_value(serde_json::json!({
            "path": "-", "score": 50.0, "words": 10,
            "findings": [
                finding("a", "info", 0),
                finding("foreign.pt", "warning", 2),
                finding("b", "info", 4),
                finding("foreign.pt", "warning", 6),
            ],
            "translated_from": {"language": "pt", "confidence": 0.9, "evidence": [0, 1, 3]},
        }))
        .unwrap();
        r.retain_findings(|f| f.severity >= Severity::Warning);
        assert_eq!(r.findings.len(), 2);
        let t = r.translated_from.unwrap();
        assert_eq!(t.evidence, [0, 1]);
    }
}
