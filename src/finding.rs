//! Findings: what a detector reports, in the public JSON shape.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of damage a finding points at. Serialized in lower case; more may be added later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A word or phrase swapped for an unidiomatic "synonym".
    Swap,
    /// Leftovers of another language (machine translation, auto-blog templates).
    Foreign,
    /// Scraper and CMS debris.
    Boilerplate,
    /// Words run together.
    Glue,
    /// Other mechanical damage: doubled words, lost quotes, broken sentences.
    Garble,
}

impl Category {
    /// All categories, in a stable order.
    pub const ALL: [Category; 5] = [
        Category::Swap,
        Category::Foreign,
        Category::Boilerplate,
        Category::Glue,
        Category::Garble,
    ];

    /// The lower-case name used in JSON and config files.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Swap => "swap",
            Category::Foreign => "foreign",
            Category::Boilerplate => "boilerplate",
            Category::Glue => "glue",
            Category::Garble => "garble",
        }
    }

    /// Parse a category name.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a finding matters; ordered `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look.
    Info,
    /// Probably damage (the default threshold for a non-zero exit).
    Warning,
    /// Certainly damage.
    Error,
}

impl Severity {
    /// The lower-case name used in JSON and config files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse a severity name.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, in the public contract's shape: byte offsets `start..end` into the original
/// text (on char boundaries), 1-based `line` and `column` (column in characters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, e.g. `glue.joined-words` or `ngram.swap`.
    pub rule: String,
    /// Category of the rule.
    pub category: Category,
    /// Severity (the rule's, possibly overridden by configuration).
    pub severity: Severity,
    /// Start byte offset into the original text.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, in characters.
    pub column: usize,
    /// The original text of the span.
    pub text: String,
    /// What was probably there before (the fix), if known.
    pub suggestion: Option<String>,
    /// A plain explanation.
    pub message: String,
    /// How likely this is real damage, in [0, 1].
    pub confidence: f64,
    /// Language tag (BCP 47) for `foreign` findings.
    pub language: Option<String>,
}

/// A finding as a detector produces it, before line/column and text are filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the rule in the checker's rule table.
    pub rule: usize,
    /// Original byte span.
    pub start: usize,
    /// Original byte span end.
    pub end: usize,
    /// The suggested replacement.
    pub suggestion: Option<String>,
    /// A specific message; `None` uses the rule's message.
    pub message: Option<String>,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Evidence for the document score only, not reported as a finding (a weak signal that
    /// still tells a spun document from a clean one).
    pub evidence_only: bool,
    /// The highest severity this hit may be reported at: a confidence band of a rule whose
    /// measured precision is below the warning bar is reported as `info` (README, "Precision
    /// of the rules"). `None`: the rule's severity.
    pub severity_cap: Option<Severity>,
    /// A weak suspicion on its own: reported at its severity only when the document holds
    /// another finding at `warning` or above that does not need evidence itself, else as
    /// `info` (document evidence before word verdicts, README "Precision of the rules").
    pub needs_evidence: bool,
}

impl Hit {
    /// A hit with the rule's message and no suggestion.
    pub fn new(rule: usize, span: std::ops::Range<usize>, confidence: f64) -> Hit {
        Hit {
            rule,
            start: span.start,
            end: span.end,
            suggestion: None,
            message: None,
            confidence,
            evidence_only: false,
            severity_cap: None,
            needs_evidence: false,
        }
    }

    /// Mark this hit as a suspicion that is a warning only in a document with other evidence
    /// of damage (see [`Hit::needs_evidence`]).
    pub fn needs_evidence(mut self) -> Hit {
        self.needs_evidence = true;
        self
    }

    /// Report this hit as `info` at most when its confidence is below `min_confidence`: the
    /// rule's bands below that measured under the warning bar (precision 0.9).
    pub fn warn_from(self, min_confidence: f64) -> Hit {
        if self.confidence < min_confidence {
            self.at_most(Severity::Info)
        } else {
            self
        }
    }

    /// Report this hit at `cap` at most (a low-precision confidence band).
    pub fn at_most(mut self, cap: Severity) -> Hit {
        self.severity_cap = Some(cap);
        self
    }

    /// Set the suggestion.
    pub fn suggest(mut self, s: impl Into<String>) -> Hit {
        self.suggestion = Some(s.into());
        self
    }

    /// Set a specific message.
    pub fn message(mut self, m: impl Into<String>) -> Hit {
        self.message = Some(m.into());
        self
    }
}
