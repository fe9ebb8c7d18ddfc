//! One path for every document: a [`Session`] is built once from rule packs and a way to find
//! the configuration, and its [`check`](Session::check) takes one source through every stage.
//! `unspun check`, `score`, `serve`, `cluster`, `compare` and the Python package all call it;
//! what differs between them is a [`CheckOptions`] field or a [`Source`] setting, never a
//! missing stage.
//!
//! The stages, in order (each is a few lines of [`Profile::check`]):
//!
//! 1. **configuration**: the `.unspun.toml` that applies to the source's path (found by
//!    walking up from its folder, given, or none; see [`ConfigSource`]), and the checker built
//!    for its rule packs, both cached per configuration file ([`Session::profile`]);
//! 2. **decoding**: bytes to text (byte-order marks, UTF-16, invalid bytes replaced by U+FFFD
//!    and flagged); binary input is not checked ([`CheckError::Binary`]);
//! 3. **size cap**: at most [`CheckOptions::max_doc_bytes`], cut on a character boundary
//!    ([`Notice::Cut`], `"truncated": "max-doc-bytes"`);
//! 4. **markup**: the prose of Markdown, HTML, reStructuredText or AsciiDoc, the rest masked
//!    in place (offsets stay offsets into the text; inline markup inside a word joins it);
//! 5. **language** (in the [`Checker`]): the document's languages ([`crate::lang`]); a
//!    document that is not English gets only the language-independent detectors, and a
//!    passage in another language is one `foreign.passage` finding, hidden from the others;
//! 6. **detectors**: every enabled detector, within [`CheckOptions::time_budget`]
//!    ([`Notice::TimeBudget`], `"truncated": "time budget"`); a panic in one is caught and
//!    costs this document only ([`CheckError::Internal`]);
//! 7. **configuration applied**: rules and categories switched off for this path, severity
//!    overrides, the allow-list; then the **inline ignores**;
//! 8. **score** over what remains, the verdict and `translated_from`, then the findings
//!    below the minimum severity are dropped from the report (they still count in the
//!    score).
//!
//! ```
//! use unspun::{CheckOptions, ConfigSource, Session, Source};
//! let session = Session::builder().config(ConfigSource::None).build();
//! let text = "<!-- unspun-disable-next-line -->\nHe said thatRussia was ready.\n\
//!             thatRussia again, in no unpredictable terms.\n";
//! let checked = session
//!     .check(&Source::text(text).format(unspun::Format::Markdown), &CheckOptions::default())
//!     .unwrap();
//! // The glued word and the swapped idiom of line 3; line 2 is ignored.
//! let lines: Vec<usize> = checked.report.findings.iter().map(|f| f.line).collect();
//! assert_eq!(lines, [3, 3]);
//! ```

use crate::config::{self, Config, Effective, Unused};
use crate::finding::Severity;
use crate::text::decode::{self, Decoded, Encoding};
use crate::text::markup::{self, Format, MarkupOptions};
use crate::{Checker, CheckerBuilder, Document, Report, TRUNCATED_SIZE};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Defaults shared by every entry point (the command line, the page, Python): each is written
/// here once.
pub mod defaults {
    use std::time::Duration;

    /// `unspun check`: the most of one input that is checked (50 MiB).
    pub const CHECK_MAX_DOC_BYTES: usize = 50 << 20;
    /// Batch scoring (`unspun score`, `cluster`, Python): the most of one text that is scored
    /// (8 MiB, which keeps a worker under about 100 MB).
    pub const BATCH_MAX_DOC_BYTES: usize = 8 << 20;
    /// Batch scoring and the page: the time one document may take before it is scored on
    /// what was found by then.
    pub const DOC_TIMEOUT: Duration = Duration::from_secs(10);
    /// How many findings a batch record carries by default (the most confident).
    pub const TOP_FINDINGS: usize = 5;
    /// `--fix`: the least confidence of a finding that is fixed.
    pub const FIX_MIN_CONFIDENCE: f64 = crate::config::DEFAULT_FIX_MIN_CONFIDENCE;
}

/// Where a session finds the configuration of a document.
#[derive(Debug, Clone, Default)]
pub enum ConfigSource {
    /// The nearest `.unspun.toml` in the document's folder or a parent folder, up to the
    /// repository root (see [`config::discover`]); a document without a path looks from the
    /// current folder. This is what every command does without `--config` or `--no-config`.
    #[default]
    Discover,
    /// This file, for every document (`--config FILE`).
    File(PathBuf),
    /// This configuration, for every document (Python's `config_text`).
    Given(Box<Config>),
    /// None: the defaults (`--no-config`).
    None,
}

/// Why a configuration (or the rule packs it names) could not be used: one message per
/// error, each naming the file, the line and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupError {
    /// The messages.
    pub messages: Vec<String>,
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join("\n"))
    }
}

impl std::error::Error for SetupError {}

impl SetupError {
    fn of<E: fmt::Display>(errors: &[E]) -> SetupError {
        SetupError {
            messages: errors.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Builds a [`Session`]: rule packs (as [`CheckerBuilder`]) and where configuration comes from.
#[derive(Debug, Clone, Default)]
pub struct SessionBuilder {
    packs: CheckerBuilder,
    config: ConfigSource,
}

impl SessionBuilder {
    /// Use the packs compiled into the binary (default: yes).
    pub fn embedded_packs(mut self, yes: bool) -> Self {
        self.packs = self.packs.embedded_packs(yes);
        self
    }

    /// Also load every pack in this folder (a folder named twice, here or in a
    /// configuration's `rule-packs`, loads once).
    pub fn rules_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.packs = self.packs.rules_dir(dir);
        self
    }

    /// Also load packs held in memory (see [`crate::PackFiles::read_dir`]).
    pub fn pack_files(mut self, files: crate::PackFiles) -> Self {
        self.packs = self.packs.pack_files(files);
        self
    }

    /// Switch a rule off by id, whatever the configuration says.
    pub fn disable_rule(mut self, id: impl Into<String>) -> Self {
        self.packs = self.packs.disable_rule(id);
        self
    }

    /// List at most `n` findings per report (see [`CheckerBuilder::max_findings`]): the
    /// others still count in the score, and the report says `"truncated": "max-findings"`.
    pub fn max_findings(mut self, n: usize) -> Self {
        self.packs = self.packs.max_findings(n);
        self
    }

    /// Where the configuration comes from (default: [`ConfigSource::Discover`]).
    pub fn config(mut self, source: ConfigSource) -> Self {
        self.config = source;
        self
    }

    /// The session. Nothing is loaded yet: each configuration, and the checker for its rule
    /// packs, is built when a document first needs it, and its errors are returned then (by
    /// [`Session::profile`] or [`Session::check`]); call `profile(None)` to build (and
    /// validate) the one configuration of a session up front.
    pub fn build(self) -> Session {
        Session {
            packs: self.packs,
            config: self.config,
            found: Mutex::new(HashMap::new()),
            configs: Mutex::new(HashMap::new()),
            profiles: Mutex::new(HashMap::new()),
        }
    }
}

/// The key of a cached profile: the configuration file, or none.
type Key = Option<PathBuf>;

/// A profile, or what prevented it (both shared: errors are reported once per file).
type Built = Result<Arc<Profile>, Arc<SetupError>>;

/// Rule packs and configuration, compiled once, then applied to many documents (it is
/// `Send + Sync`: share it across threads).
pub struct Session {
    packs: CheckerBuilder,
    config: ConfigSource,
    /// Folder -> the configuration file found from it.
    found: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file -> the configuration alone (see [`Session::config`]).
    configs: Mutex<HashMap<PathBuf, Option<Arc<Config>>>>,
    /// Configuration file -> its profile, or what prevented it.
    profiles: Mutex<HashMap<Key, Built>>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A builder: the embedded packs, configuration discovered per document.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    /// The configuration file that applies to a document at `path` (`None`: a document
    /// without a path, looked up from the current folder); `None` when there is none.
    /// Paths are shown relative to the current folder when they lie below it.
    pub fn config_file(&self, path: Option<&Path>) -> Option<PathBuf> {
        match &self.config {
            ConfigSource::None | ConfigSource::Given(_) => None,
            ConfigSource::File(f) => Some(f.clone()),
            ConfigSource::Discover => {
                let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                let dir = match path.and_then(Path::parent) {
                    Some(p) if !p.as_os_str().is_empty() => cwd.join(p),
                    _ => cwd.clone(),
                };
                let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
                found
                    .entry(dir.clone())
                    .or_insert_with(|| {
                        config::discover(&dir)
                            .map(|f| f.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(f))
                    })
                    .clone()
            }
        }
    }

    /// The configuration and checker for a document at `path` (built once per configuration
    /// file, then shared).
    pub fn profile(&self, path: Option<&Path>) -> Built {
        let key = self.config_file(path);
        let mut profiles = self.profiles.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = profiles.get(&key) {
            return p.clone();
        }
        // Built under the lock: two threads never build the same profile twice.
        let built = self
            .build_profile(key.as_deref())
            .map(Arc::new)
            .map_err(Arc::new);
        profiles.insert(key, built.clone());
        built
    }

    fn build_profile(&self, file: Option<&Path>) -> Result<Profile, SetupError> {
        let config = match (&self.config, file) {
            (ConfigSource::Given(c), _) => (**c).clone(),
            (_, Some(f)) => Config::load(f).map_err(|es| SetupError::of(&es))?,
            (_, None) => Config::default(),
        };
        let checker = config
            .configure(self.packs.clone())
            .build()
            .map_err(|es| SetupError::of(&es))?;
        config
            .validate(checker.rules())
            .map_err(|es| SetupError::of(&es))?;
        Ok(Profile { config, checker })
    }

    /// The configuration that applies to a document at `path`, without building the checker
    /// for its rule packs (a folder walk reads its `exclude` globs this way). `None`: no
    /// configuration (the defaults), or one that cannot be loaded (its errors come with
    /// [`profile`](Self::profile) when a document it governs is checked).
    pub fn config(&self, path: Option<&Path>) -> Option<Arc<Config>> {
        if let ConfigSource::Given(c) = &self.config {
            return Some(Arc::new((**c).clone()));
        }
        let key = self.config_file(path)?;
        if let Some(Ok(p)) = self
            .profiles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&Some(key.clone()))
        {
            return Some(Arc::new(p.config.clone()));
        }
        let mut configs = self.configs.lock().unwrap_or_else(|e| e.into_inner());
        configs
            .entry(key.clone())
            .or_insert_with(|| Config::load(&key).ok().map(Arc::new))
            .clone()
    }

    /// Forget the configurations found and built (they are read again when next needed), e.g.
    /// when a configuration file changed.
    pub fn forget_configs(&self) {
        self.found.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.configs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.profiles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Check one source with the configuration that applies to its path.
    pub fn check<'a>(
        &self,
        source: &Source<'a>,
        opts: &CheckOptions,
    ) -> Result<Checked<'a>, CheckError> {
        let profile = self.profile(source.path).map_err(CheckError::Setup)?;
        profile.check(source, opts)
    }
}

/// A configuration and the checker built for its rule packs.
#[derive(Debug)]
pub struct Profile {
    config: Config,
    checker: Checker,
}

/// What a source is made of.
#[derive(Debug, Clone, Copy)]
enum Content<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// One document to check: its text or bytes, and what is known about it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    content: Content<'a>,
    path: Option<&'a Path>,
    label: Option<&'a str>,
    format: Option<Format>,
    rest: Option<Option<u64>>,
}

impl<'a> Source<'a> {
    /// A text.
    pub fn text(text: &'a str) -> Source<'a> {
        Source {
            content: Content::Text(text),
            path: None,
            label: None,
            format: None,
            rest: None,
        }
    }

    /// The bytes of a file (or of standard input): decoded first (see
    /// [`crate::text::decode`]).
    pub fn bytes(bytes: &'a [u8]) -> Source<'a> {
        Source {
            content: Content::Bytes(bytes),
            ..Source::text("")
        }
    }

    /// Where the document lives: picks its configuration (and that configuration's
    /// `[[overrides]]`), its format when none is given, and its name in the report.
    pub fn path(mut self, path: &'a Path) -> Self {
        self.path = Some(path);
        self
    }

    /// Its name in the report (default: the path, else `-`).
    pub fn label(mut self, label: &'a str) -> Self {
        self.label = Some(label);
        self
    }

    /// Its markup (default: from the path's extension, else plain text).
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// These bytes are only the first part of the input (a reader stopped at the size
    /// limit); `size` is the whole input's length when known. The report says
    /// `"truncated": "max-doc-bytes"` as if the session had cut it.
    pub fn cut(mut self, size: Option<u64>) -> Self {
        self.rest = Some(size);
        self
    }
}

/// Per-check options: what may differ between the entry points.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOptions {
    /// Check at most this many bytes of a source (cut on a character boundary).
    pub max_doc_bytes: usize,
    /// Give the detectors at most this much time (`None`: no limit).
    pub time_budget: Option<Duration>,
    /// Report findings at or above this severity (`None`: the configuration's
    /// `min-severity`, else warning). Findings below still count in the score.
    pub min_severity: Option<Severity>,
    /// Fail a document scoring below this (`None`: the configuration's `fail-under`).
    pub fail_under: Option<f64>,
    /// Fix findings at or above this confidence (`None`: the configuration's
    /// `fix-min-confidence`, else [`defaults::FIX_MIN_CONFIDENCE`]).
    pub fix_min_confidence: Option<f64>,
    /// HTML: check only `<main>`/`<article>` (also when the configuration does not say so).
    pub html_main_only: bool,
}

impl Default for CheckOptions {
    /// The options of `unspun check`: [`defaults::CHECK_MAX_DOC_BYTES`], no time limit, the
    /// configuration's settings.
    fn default() -> Self {
        CheckOptions {
            max_doc_bytes: defaults::CHECK_MAX_DOC_BYTES,
            time_budget: None,
            min_severity: None,
            fail_under: None,
            fix_min_confidence: None,
            html_main_only: false,
        }
    }
}

impl CheckOptions {
    /// The options of batch scoring (`unspun score`, Python's `score_batch`):
    /// [`defaults::BATCH_MAX_DOC_BYTES`] and [`defaults::DOC_TIMEOUT`].
    pub fn batch() -> Self {
        CheckOptions {
            max_doc_bytes: defaults::BATCH_MAX_DOC_BYTES,
            time_budget: Some(defaults::DOC_TIMEOUT),
            ..CheckOptions::default()
        }
    }
}

/// Something the reader of a report should know about how it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Only the first `kept` bytes were checked ([`CheckOptions::max_doc_bytes`]); `size`
    /// is the whole input's length when known.
    Cut {
        /// Bytes checked (of the input as given: the bytes of a file, the text of a record).
        kept: usize,
        /// The input's length, when known.
        size: Option<u64>,
    },
    /// The time budget ran out: the report counts what was found until then.
    TimeBudget,
}

/// Why a source was not checked.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckError {
    /// Its configuration (or a rule pack it names) has errors.
    Setup(Arc<SetupError>),
    /// It is not text (`binary file (NUL byte at offset 7)`): skipped, which is not an error.
    Binary(String),
    /// A detector panicked on it (a bug: the message says where); other documents are still
    /// checked.
    Internal(String),
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::Setup(e) => write!(f, "{e}"),
            CheckError::Binary(why) => f.write_str(why),
            CheckError::Internal(what) => write!(
                f,
                "internal error while checking this document: {what} (please report it)"
            ),
        }
    }
}

impl std::error::Error for CheckError {}

/// A checked document.
#[derive(Debug, Clone)]
pub struct Checked<'a> {
    /// The document object: `path` is the source's label, findings at or above the minimum
    /// severity, scored over every finding that the configuration and inline ignores left.
    pub report: Report,
    /// The text that was checked (decoded, and cut to the size limit): findings' offsets
    /// point into it.
    pub text: Cow<'a, str>,
    /// The markup it was read as.
    pub format: Format,
    /// The settings in force for it (configuration and options merged).
    pub settings: Effective,
    /// Inline ignores that suppressed nothing.
    pub unused_ignores: Vec<Unused>,
    /// How the report was made, when the reader should know (cut, out of time).
    pub notices: Vec<Notice>,
    /// What the bytes were decoded from (`None` for a text source).
    encoding: Option<Encoding>,
    /// Invalid bytes were replaced.
    replaced: bool,
    /// Only part of the input is in `text`.
    cut: bool,
}

/// Why an edited text cannot be written back over its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unwritable {
    /// Only the first part of the input was checked: the rest would be lost.
    Cut,
    /// The input had bytes that are not valid text: they cannot be written back as they were.
    InvalidBytes,
}

impl fmt::Display for Unwritable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unwritable::Cut => "only its first part was checked",
            Unwritable::InvalidBytes => {
                "it has bytes that are not valid text (see input.invalid-utf8)"
            }
        })
    }
}

impl Checked<'_> {
    /// The score is below the `fail-under` in force (never for a document that is not in
    /// English: its score is no judgement of it).
    pub fn below_fail_under(&self) -> Option<f64> {
        self.settings
            .fail_under
            .filter(|&l| self.report.is_english() && self.report.score < l)
    }

    /// An edited version of the text, encoded as the input was (byte-order mark, UTF-16), to
    /// write back over it; an error when that would lose something.
    pub fn encode(&self, edited: &str) -> Result<Vec<u8>, Unwritable> {
        if self.cut {
            return Err(Unwritable::Cut);
        }
        if self.replaced {
            return Err(Unwritable::InvalidBytes);
        }
        let decoded = decode::DecodedText {
            text: String::new(),
            encoding: self.encoding.unwrap_or(Encoding::Utf8),
            replaced: Vec::new(),
        };
        decoded.encode(edited).ok_or(Unwritable::InvalidBytes)
    }
}

impl Profile {
    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The checker built for the configuration's rule packs.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// The settings in force for a document at `path` (`-` without one), with `opts`'s
    /// overrides.
    pub fn settings(&self, path: Option<&Path>, opts: &CheckOptions) -> Effective {
        let mut eff = self.config.effective(path.unwrap_or(Path::new("-")));
        eff.html_main_only |= opts.html_main_only;
        if let Some(m) = opts.min_severity {
            eff.min_severity = m;
        }
        if let Some(f) = opts.fail_under {
            eff.fail_under = Some(f);
        }
        if let Some(c) = opts.fix_min_confidence {
            eff.fix_min_confidence = c;
        }
        eff
    }

    /// Check one source with this configuration (the stages are listed in the [module
    /// documentation](self)).
    pub fn check<'a>(
        &self,
        source: &Source<'a>,
        opts: &CheckOptions,
    ) -> Result<Checked<'a>, CheckError> {
        let settings = self.settings(source.path, opts);
        let format = source
            .format
            .or_else(|| source.path.map(Format::from_path))
            .unwrap_or_default();
        let label = match (source.label, source.path) {
            (Some(l), _) => l.to_string(),
            (None, Some(p)) => p.display().to_string(),
            (None, None) => "-".to_string(),
        };
        // Decoding and the size cap.
        let mut notices = Vec::new();
        let mut cut = source.rest.is_some();
        let (text, encoding, replaced, described): (Cow<'a, str>, _, _, _) = match source.content {
            Content::Text(t) => {
                let kept = crate::batch::truncate_at_char(t, opts.max_doc_bytes);
                let size = match source.rest {
                    Some(size) => size,
                    None => Some(t.len() as u64),
                };
                cut |= kept.len() < t.len();
                if cut {
                    notices.push(Notice::Cut {
                        kept: kept.len(),
                        size,
                    });
                }
                (Cow::Borrowed(kept), None, false, None)
            }
            Content::Bytes(b) => {
                let kept = &b[..b.len().min(opts.max_doc_bytes)];
                let size = match source.rest {
                    Some(size) => size,
                    None => Some(b.len() as u64),
                };
                cut |= kept.len() < b.len();
                if cut {
                    notices.push(Notice::Cut {
                        kept: kept.len(),
                        size,
                    });
                }
                match decode::decode_prefix(kept, cut) {
                    Decoded::Binary(why) => return Err(CheckError::Binary(why)),
                    Decoded::Text(mut d) => {
                        let text = std::mem::take(&mut d.text);
                        (
                            Cow::Owned(text),
                            Some(d.encoding),
                            !d.replaced.is_empty(),
                            Some(d),
                        )
                    }
                }
            }
        };
        // Markup, detectors, configuration, inline ignores, score: a panic costs this
        // document only.
        let run = guarded(|| run(&self.checker, &settings, &text, format, opts.time_budget));
        let (mut report, unused_ignores) = run.map_err(CheckError::Internal)?;
        if let Some(d) = &described {
            d.describe(&mut report.findings);
        }
        if report.truncated.is_some() {
            notices.push(Notice::TimeBudget);
        } else if cut {
            report.truncated = Some(TRUNCATED_SIZE.to_string());
        }
        report.path = label;
        let min = settings.min_severity;
        report.retain_findings(|f| f.severity >= min);
        Ok(Checked {
            report,
            text,
            format,
            settings,
            unused_ignores,
            notices,
            encoding,
            replaced,
            cut,
        })
    }
}

/// Stages 4 to 8 on a text: markup, language, detectors (within `budget`), configuration,
/// inline ignores, score. The report's findings are not yet filtered by severity.
pub(crate) fn run(
    checker: &Checker,
    eff: &Effective,
    text: &str,
    format: Format,
    budget: Option<Duration>,
) -> (Report, Vec<Unused>) {
    let m = markup::extract(
        text,
        format,
        MarkupOptions {
            html_main_only: eff.html_main_only,
        },
    );
    // Inline markup inside a word joins it (`assail<b>ants`); headings, list items and table
    // cells are kept as blocks.
    let doc = Document::from_markup(text, &m);
    let code = m.code;
    // (The language stage runs first inside the checker; a document screen and a
    // document-level prior would slot in here: they read `doc` before the detectors run.)
    let mut unused = Vec::new();
    let report = checker.run(
        &doc,
        budget,
        &|r| eff.rule_on(&r.id, r.category),
        &mut |findings| {
            eff.apply_with(findings, text, &|id| checker.severity_of(id));
            unused = crate::suppress::apply(findings, text, format, &doc, &code);
        },
    );
    (report, unused)
}

thread_local! {
    /// A check is running on this thread (its panics are caught).
    static CHECKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// What the last panic of a check on this thread said, and where.
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Run `f`, catching a panic: its message (with its location when [`quiet_panics`] is in
/// force) comes back as the error.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = CHECKING.with(|c| c.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CHECKING.with(|c| c.set(was));
    r.map_err(|payload| {
        PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        })
    })
}

/// Make a panic inside a check quiet: instead of a message and backtrace on standard error,
/// its message and location go into that document's [`CheckError::Internal`] (every other
/// panic is reported as before). The binary and the Python module call this once; it changes
/// the process's panic hook, which a library otherwise leaves alone.
pub fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CHECKING.with(|c| c.get()) {
                return default(info);
            }
            let payload = info.payload();
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let msg: String = msg.chars().take(200).collect();
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
        }));
    });
}
