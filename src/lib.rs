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
//!     .check(&Source::text("He said thatRussia was ready."), &CheckOptions::default())
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

pub mod batch;
mod budget;
mod checker;
pub mod cluster;
pub mod compare;
pub mod config;
#[cfg(feature = "cli")]
pub(crate) mod eval;
mod finding;
#[cfg(feature = "cli")]
pub(crate) mod fix;
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
    /// larger document were checked). Absent from the JSON when the whole document was
    /// checked.
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
