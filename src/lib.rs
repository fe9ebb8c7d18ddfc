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

pub mod batch;
pub mod budget;
mod checker;
pub mod cluster;
pub mod compare;
pub mod config;
pub mod detect;
pub mod eval;
pub mod finding;
pub mod fix;
pub mod lexicon;
pub mod report;
pub mod rules;
pub mod score;
pub mod session;
pub mod suppress;
pub mod text;

pub use checker::{Checker, CheckerBuilder};
pub use finding::{Category, Finding, Hit, Severity};
pub use rules::{PackError, PackFiles, Rule, RuleTable};
use serde::{Deserialize, Serialize};
pub use session::{
    defaults, CheckError, CheckOptions, Checked, ConfigSource, Notice, Profile, Session,
    SessionBuilder, SetupError, Source,
};
pub use text::markup::Format;
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
