//! Project configuration: `.unspun.toml`.
//!
//! ```toml
//! min-severity = "warning"          # report (and fail on) findings at or above this
//! fail-under = 60                   # also fail when a document scores below this
//! rule-packs = ["house-rules"]      # extra rule-pack folders, relative to this file
//! allow = ["Dentro Cafe"]           # words and phrases never flagged (case-insensitive)
//! html-main-only = false            # HTML: only the text of <main>/<article>
//! fix-min-confidence = 0.9          # --fix applies safe fixes at or above this confidence
//! exclude = ["vendor", "docs/generated/**"]  # never walked; relative to this file
//!
//! [categories]
//! glue = false                      # swap | foreign | boilerplate | glue | garble
//!
//! [rules]
//! "ngram.swap" = "off"              # off | on | info | warning | error
//!
//! [[overrides]]                     # later overrides win; globs are relative to this file
//! files = ["docs/**/*.md"]
//! min-severity = "error"
//! [overrides.rules]
//! "garble.repeated-word" = "off"
//! ```
//!
//! A rule's own setting wins over its category's. Unknown keys, categories, severities and
//! rule ids are errors that name the file, the line and the key.
//!
//! This module parses, merges and applies configuration; a [`Session`](crate::Session) decides
//! which file applies to which document (see [`discover`] and
//! [`ConfigSource`](crate::ConfigSource)).

use crate::finding::{Category, Severity};
use crate::rules::pack::LineIndex;
use crate::rules::RuleTable;
use crate::text::markup::Format;
use crate::{Checker, CheckerBuilder, Finding, Report};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The configuration file name looked for in each folder.
pub const FILE_NAME: &str = ".unspun.toml";

/// The default `fix-min-confidence`.
pub const DEFAULT_FIX_MIN_CONFIDENCE: f64 = 0.9;

/// A configuration error: file, 1-based line, the offending key and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// The configuration file.
    pub file: String,
    /// 1-based line (0 if unknown).
    pub line: usize,
    /// The key at fault, if any.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        match &self.key {
            Some(k) => write!(f, ": `{k}`: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// What a configuration says about one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    /// Switched off.
    Off,
    /// Switched on (even if a pack disabled it), at its own severity.
    On,
    /// Switched on at this severity.
    Severity(Severity),
}

impl RuleSetting {
    /// Parse `off`, `on`, `info`, `warning` or `error`.
    pub fn parse(s: &str) -> Option<RuleSetting> {
        match s {
            "off" => Some(RuleSetting::Off),
            "on" => Some(RuleSetting::On),
            _ => Severity::parse(s).map(RuleSetting::Severity),
        }
    }

    /// The name used in configuration files.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSetting::Off => "off",
            RuleSetting::On => "on",
            RuleSetting::Severity(s) => s.as_str(),
        }
    }
}

impl Serialize for RuleSetting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Settings of one level: the top of a file or one `[[overrides]]` entry. `None` and empty
/// mean "not said here".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Per-rule settings.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Per-category switches.
    pub categories: BTreeMap<Category, bool>,
    /// Minimum severity reported.
    pub min_severity: Option<Severity>,
    /// Fail a document scoring below this.
    pub fail_under: Option<f64>,
    /// Allowed words and phrases.
    pub allow: Vec<String>,
    /// HTML: main content only.
    pub html_main_only: Option<bool>,
    /// Confidence threshold of `--fix`.
    pub fix_min_confidence: Option<f64>,
}

/// One `[[overrides]]` entry.
#[derive(Debug, Clone)]
pub struct Override {
    /// Its globs, as written (relative to the configuration's folder).
    pub files: Vec<String>,
    matcher: GlobSet,
    /// Its settings.
    pub settings: Settings,
}

/// A loaded configuration file (or the defaults).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from (`None`: defaults).
    pub file: Option<PathBuf>,
    /// The folder globs and rule-pack folders are relative to.
    pub dir: PathBuf,
    /// Extra rule-pack folders (resolved against `dir`).
    pub rule_packs: Vec<PathBuf>,
    /// Top-level settings.
    pub settings: Settings,
    /// Per-glob overrides, in file order.
    pub overrides: Vec<Override>,
    /// `exclude` globs, as written (relative to `dir`).
    pub exclude: Vec<String>,
    exclude_matcher: GlobSet,
    /// Rule ids named in the file with their lines (validated against the rule table).
    rule_refs: Vec<(String, usize)>,
}

/// The settings in force for one file, after merging the top level and every matching
/// override.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Effective {
    /// The configuration file (absent: defaults).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// Minimum severity reported.
    pub min_severity: Severity,
    /// Fail a document scoring below this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_under: Option<f64>,
    /// Confidence threshold of `--fix`.
    pub fix_min_confidence: f64,
    /// HTML: main content only.
    pub html_main_only: bool,
    /// Extra rule-pack folders.
    pub rule_packs: Vec<String>,
    /// Allowed words and phrases.
    pub allow: Vec<String>,
    /// Per-category switches (all categories listed).
    pub categories: BTreeMap<String, bool>,
    /// Per-rule settings.
    pub rules: BTreeMap<String, RuleSetting>,
}

impl Default for Effective {
    fn default() -> Self {
        Config::default().effective(Path::new(""))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCategories {
    swap: Option<bool>,
    foreign: Option<bool>,
    boilerplate: Option<bool>,
    glue: Option<bool>,
    garble: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    min_severity: Option<Spanned<String>>,
    fail_under: Option<Spanned<f64>>,
    fix_min_confidence: Option<Spanned<f64>>,
    html_main_only: Option<bool>,
    rule_packs: Option<Vec<String>>,
    allow: Option<Spanned<Vec<String>>>,
    exclude: Option<Spanned<Vec<String>>>,
    categories: Option<RawCategories>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    overrides: Option<Vec<Spanned<RawOverride>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    files: Spanned<Vec<String>>,
    min_severity: Option<Spanned<String>>,
    fail_under: Option<Spanned<f64>>,
    fix_min_confidence: Option<Spanned<f64>>,
    html_main_only: Option<bool>,
    allow: Option<Spanned<Vec<String>>>,
    categories: Option<RawCategories>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// The largest configuration file read (a larger one, or a device such as `/dev/zero`, is an
/// error, not a read without end).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Read a configuration file of at most [`MAX_CONFIG_BYTES`].
fn read_capped(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    if f.metadata().is_ok_and(|m| m.is_dir()) {
        return Err("cannot read: is a folder".to_string());
    }
    let mut buf = Vec::new();
    f.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "larger than {} MiB: not a configuration file",
            MAX_CONFIG_BYTES >> 20
        ));
    }
    String::from_utf8(buf).map_err(|e| {
        format!(
            "cannot read: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Find the nearest configuration file: `.unspun.toml` in `dir` or a parent folder. The walk
/// stops at the nearest repository root (a folder holding `.git`) or the home folder
/// (`$HOME`), whichever comes first, included; for a folder below neither, at the current
/// folder if it is below that, else only the folder itself is looked in. So a `.unspun.toml`
/// in `/`, `/tmp` or another user's folder above never switches rules off unnoticed.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    let cwd = std::env::current_dir().ok();
    discover_within(dir, home.as_deref(), cwd.as_deref())
}

/// [`discover`] with the home and current folders given.
pub fn discover_within(dir: &Path, home: Option<&Path>, cwd: Option<&Path>) -> Option<PathBuf> {
    let last = dir
        .ancestors()
        .find(|a| a.join(".git").exists() || Some(*a) == home)
        .or_else(|| cwd.filter(|c| dir.starts_with(c)))
        .unwrap_or(dir);
    for here in dir.ancestors() {
        let candidate = here.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if here == last {
            break;
        }
    }
    None
}

impl Config {
    /// Read and parse a configuration file.
    pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
        let label = path.display().to_string();
        let src = read_capped(path).map_err(|message| {
            vec![ConfigError {
                file: label.clone(),
                line: 0,
                key: None,
                message,
            }]
        })?;
        let dir = path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut c = Config::parse(&label, &src, &dir)?;
        c.file = Some(path.to_path_buf());
        Ok(c)
    }

    /// Parse configuration text. `label` names it in errors; `dir` is the folder that globs
    /// and rule-pack folders are relative to.
    pub fn parse(label: &str, src: &str, dir: &Path) -> Result<Config, Vec<ConfigError>> {
        let err = |line: usize, key: Option<&str>, message: String| ConfigError {
            file: label.to_string(),
            line,
            key: key.map(str::to_string),
            message,
        };
        let index = LineIndex::new(src);
        let raw: RawFile = toml::from_str(src).map_err(|e| {
            let line = e.span().map_or(0, |s| index.line(s.start));
            let msg = e.message().to_string();
            // serde says "unknown field `x`, expected one of …": name the key.
            let key = msg
                .strip_prefix("unknown field `")
                .and_then(|r| r.split('`').next())
                .map(str::to_string);
            let message = if key.is_some() {
                format!("unknown key ({msg})")
            } else {
                msg
            };
            vec![ConfigError {
                file: label.to_string(),
                line,
                key,
                message,
            }]
        })?;
        let mut errors = Vec::new();
        let mut rule_refs = Vec::new();
        let mut settings = Settings::default();
        fill_settings(
            &mut settings,
            &index,
            &mut rule_refs,
            &mut errors,
            &err,
            RawLevel {
                min_severity: raw.min_severity,
                fail_under: raw.fail_under,
                fix_min_confidence: raw.fix_min_confidence,
                html_main_only: raw.html_main_only,
                allow: raw.allow,
                categories: raw.categories,
                rules: raw.rules,
            },
        );
        let mut overrides = Vec::new();
        for o in raw.overrides.unwrap_or_default() {
            let line = index.line(o.span().start);
            let o = o.into_inner();
            let files_line = index.line(o.files.span().start);
            let files = o.files.into_inner();
            if files.is_empty() {
                errors.push(err(
                    files_line,
                    Some("files"),
                    "an override needs at least one glob".into(),
                ));
            }
            let gs = glob_set(&files, files_line, "files", &err, &mut errors);
            let mut s = Settings::default();
            fill_settings(
                &mut s,
                &index,
                &mut rule_refs,
                &mut errors,
                &err,
                RawLevel {
                    min_severity: o.min_severity,
                    fail_under: o.fail_under,
                    fix_min_confidence: o.fix_min_confidence,
                    html_main_only: o.html_main_only,
                    allow: o.allow,
                    categories: o.categories,
                    rules: o.rules,
                },
            );
            let matcher = gs.build().unwrap_or_else(|e| {
                errors.push(err(line, Some("files"), format!("bad globs: {e}")));
                GlobSet::empty()
            });
            overrides.push(Override {
                files,
                matcher,
                settings: s,
            });
        }
        let (exclude, exclude_matcher) = match raw.exclude {
            Some(x) => {
                let line = index.line(x.span().start);
                let globs = x.into_inner();
                let gs = glob_set(&globs, line, "exclude", &err, &mut errors);
                let m = gs.build().unwrap_or_else(|e| {
                    errors.push(err(line, Some("exclude"), format!("bad globs: {e}")));
                    GlobSet::empty()
                });
                (globs, m)
            }
            None => (Vec::new(), GlobSet::empty()),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            exclude,
            exclude_matcher,
            file: None,
            dir: dir.to_path_buf(),
            rule_packs: raw
                .rule_packs
                .unwrap_or_default()
                .into_iter()
                .map(|p| dir.join(p))
                .collect(),
            settings,
            overrides,
            rule_refs,
        })
    }

    /// Check that every rule id the file names exists in `table`.
    pub fn validate(&self, table: &RuleTable) -> Result<(), Vec<ConfigError>> {
        let label = self
            .file
            .as_ref()
            .map_or_else(|| "<config>".to_string(), |f| f.display().to_string());
        let errors: Vec<ConfigError> = self
            .rule_refs
            .iter()
            .filter(|(id, _)| table.get(id).is_none())
            .map(|(id, line)| ConfigError {
                file: label.clone(),
                line: *line,
                key: Some(id.clone()),
                message: "unknown rule (see `unspun rules`)".into(),
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Add this configuration's rule-pack folders to a builder, and switch on the rules it
    /// switches on anywhere (switching off and severities are applied per file by
    /// [`Effective::apply`]).
    pub fn configure(&self, mut b: CheckerBuilder) -> CheckerBuilder {
        for d in &self.rule_packs {
            b = b.rules_dir(d);
        }
        let levels =
            std::iter::once(&self.settings).chain(self.overrides.iter().map(|o| &o.settings));
        for s in levels {
            for (id, set) in &s.rules {
                if *set != RuleSetting::Off {
                    b = b.enable_rule(id.clone());
                }
            }
        }
        b
    }

    /// Is `path` (a file or a folder; relative paths are taken from the current folder)
    /// excluded by this configuration's `exclude` globs, itself or through one of its
    /// folders below this configuration's folder?
    pub fn excludes(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(path)
        };
        let abs = normalize_path(&abs);
        let rel = abs.strip_prefix(&self.dir).unwrap_or(path);
        rel.ancestors()
            .take_while(|a| !a.as_os_str().is_empty())
            .any(|a| self.exclude_matcher.is_match(a))
    }

    /// The settings in force for `path` (relative paths are taken from the current folder).
    pub fn effective(&self, path: &Path) -> Effective {
        let mut s = self.settings.clone();
        if !self.overrides.is_empty() {
            let abs = if path.is_absolute() {
                path.to_path_buf()
            } else {
                std::env::current_dir().unwrap_or_default().join(path)
            };
            let abs = normalize_path(&abs);
            let rel = abs.strip_prefix(&self.dir).unwrap_or(path);
            for o in &self.overrides {
                if o.matcher.is_match(rel) {
                    merge(&mut s, &o.settings);
                }
            }
        }
        Effective {
            config: self.file.as_ref().map(|f| f.display().to_string()),
            min_severity: s.min_severity.unwrap_or(Severity::Warning),
            fail_under: s.fail_under,
            fix_min_confidence: s.fix_min_confidence.unwrap_or(DEFAULT_FIX_MIN_CONFIDENCE),
            html_main_only: s.html_main_only.unwrap_or(false),
            rule_packs: self
                .rule_packs
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            allow: s.allow,
            categories: Category::ALL
                .iter()
                .map(|c| {
                    (
                        c.as_str().to_string(),
                        s.categories.get(c).copied().unwrap_or(true),
                    )
                })
                .collect(),
            rules: s.rules,
        }
    }
}

/// Lexically resolve `.` and `..` (no file-system access).
fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Globs relative to a configuration's folder: with a `/` they are anchored there, without
/// one they match a name at any depth (`vendor` is `**/vendor`).
fn glob_set<E: Fn(usize, Option<&str>, String) -> ConfigError>(
    globs: &[String],
    line: usize,
    key: &str,
    err: &E,
    errors: &mut Vec<ConfigError>,
) -> GlobSetBuilder {
    let mut gs = GlobSetBuilder::new();
    for g in globs {
        let g = g.trim_end_matches('/');
        let pattern = if g.contains('/') {
            g.trim_start_matches("./")
                .trim_start_matches('/')
                .to_string()
        } else {
            format!("**/{g}")
        };
        match GlobBuilder::new(&pattern).literal_separator(true).build() {
            Ok(glob) => {
                gs.add(glob);
            }
            Err(e) => errors.push(err(line, Some(key), format!("bad glob `{g}`: {e}"))),
        }
    }
    gs
}

/// Later settings win; allow-lists add up.
fn merge(into: &mut Settings, s: &Settings) {
    for (k, v) in &s.rules {
        into.rules.insert(k.clone(), *v);
    }
    for (k, v) in &s.categories {
        into.categories.insert(*k, *v);
    }
    into.min_severity = s.min_severity.or(into.min_severity);
    into.fail_under = s.fail_under.or(into.fail_under);
    into.fix_min_confidence = s.fix_min_confidence.or(into.fix_min_confidence);
    into.html_main_only = s.html_main_only.or(into.html_main_only);
    into.allow.extend(s.allow.iter().cloned());
}

struct RawLevel {
    min_severity: Option<Spanned<String>>,
    fail_under: Option<Spanned<f64>>,
    fix_min_confidence: Option<Spanned<f64>>,
    html_main_only: Option<bool>,
    allow: Option<Spanned<Vec<String>>>,
    categories: Option<RawCategories>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

fn fill_settings(
    s: &mut Settings,
    index: &LineIndex,
    rule_refs: &mut Vec<(String, usize)>,
    errors: &mut Vec<ConfigError>,
    err: &dyn Fn(usize, Option<&str>, String) -> ConfigError,
    raw: RawLevel,
) {
    if let Some(m) = raw.min_severity {
        match Severity::parse(m.get_ref()) {
            Some(sev) => s.min_severity = Some(sev),
            None => errors.push(err(
                index.line(m.span().start),
                Some("min-severity"),
                format!("`{}` is not a severity (info, warning, error)", m.get_ref()),
            )),
        }
    }
    // A number setting must lie in its range; the error names the key and the line.
    let mut in_range = |f: &toml::Spanned<f64>, key: &str, lo: f64, hi: f64, what: &str| {
        let v = *f.get_ref();
        if (lo..=hi).contains(&v) {
            Some(v)
        } else {
            errors.push(err(
                index.line(f.span().start),
                Some(key),
                format!("{v} is not {what} between {lo} and {hi}"),
            ));
            None
        }
    };
    if let Some(f) = &raw.fail_under {
        s.fail_under = in_range(f, "fail-under", 0.0, 100.0, "a score");
    }
    if let Some(f) = &raw.fix_min_confidence {
        s.fix_min_confidence = in_range(f, "fix-min-confidence", 0.0, 1.0, "a confidence");
    }
    s.html_main_only = raw.html_main_only;
    if let Some(allow) = raw.allow {
        use crate::text::allow::{MAX_ENTRIES, MAX_ENTRY_BYTES};
        let line = index.line(allow.span().start);
        let allow = allow.into_inner();
        if allow.len() > MAX_ENTRIES {
            errors.push(err(
                line,
                Some("allow"),
                format!("{} entries (at most {MAX_ENTRIES})", allow.len()),
            ));
        }
        for a in allow.iter().filter(|a| a.len() > MAX_ENTRY_BYTES) {
            let head: String = a.chars().take(40).collect();
            errors.push(err(
                line,
                Some("allow"),
                format!(
                    "entry \"{head}…\" is {} bytes long (at most {MAX_ENTRY_BYTES}: a word or a phrase)",
                    a.len()
                ),
            ));
        }
        s.allow = allow
            .into_iter()
            .filter(|a| !a.trim().is_empty() && a.len() <= MAX_ENTRY_BYTES)
            .take(MAX_ENTRIES)
            .collect();
    }
    if let Some(c) = raw.categories {
        for (cat, v) in [
            (Category::Swap, c.swap),
            (Category::Foreign, c.foreign),
            (Category::Boilerplate, c.boilerplate),
            (Category::Glue, c.glue),
            (Category::Garble, c.garble),
        ] {
            if let Some(v) = v {
                s.categories.insert(cat, v);
            }
        }
    }
    for (k, v) in raw.rules.unwrap_or_default() {
        let line = index.line(k.span().start);
        let id = k.into_inner();
        match RuleSetting::parse(v.get_ref()) {
            Some(set) => {
                rule_refs.push((id.clone(), line));
                s.rules.insert(id, set);
            }
            None => errors.push(err(
                line,
                Some(&id),
                format!(
                    "`{}` is not a rule setting (off, on, info, warning, error)",
                    v.get_ref()
                ),
            )),
        }
    }
}

/// One inline ignore that suppressed nothing.
pub use crate::suppress::Unused;

/// A checked source: the report after configuration and inline ignores, and the ignores that
/// matched nothing.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The report (scored over the findings that remain after configuration and ignores,
    /// before the minimum-severity filter).
    pub report: Report,
    /// Inline ignores that suppressed nothing.
    pub unused_ignores: Vec<Unused>,
}

impl Effective {
    /// Is this rule on, given its id and category? A rule's own setting wins over its
    /// category's.
    pub fn rule_on(&self, id: &str, category: Category) -> bool {
        match self.rules.get(id) {
            Some(RuleSetting::Off) => false,
            Some(_) => true,
            None => self
                .categories
                .get(category.as_str())
                .copied()
                .unwrap_or(true),
        }
    }

    /// Drop findings of rules switched off here, apply severity overrides and the allow-list.
    /// (The score is not recomputed; [`Effective::check`] scores what remains.)
    pub fn apply(&self, findings: &mut Vec<Finding>, text: &str) {
        self.apply_with(findings, text, &|_| None);
    }

    /// [`Effective::apply`], knowing the severity each rule was checked at (`checked_at`): a
    /// finding below it is of a confidence band under the warning bar, and a severity
    /// override never raises it above `info`.
    pub(crate) fn apply_with(
        &self,
        findings: &mut Vec<Finding>,
        text: &str,
        checked_at: &dyn Fn(&str) -> Option<Severity>,
    ) {
        findings.retain(|f| self.rule_on(&f.rule, f.category));
        for f in findings.iter_mut() {
            if let Some(RuleSetting::Severity(s)) = self.rules.get(&f.rule) {
                let capped = checked_at(&f.rule).is_some_and(|c| f.severity < c);
                f.severity = if capped { f.severity.min(*s) } else { *s };
            }
        }
        if !self.allow.is_empty() && !findings.is_empty() {
            crate::text::allow::AllowList::new(&self.allow).retain(findings, text);
        }
    }

    /// Check a source: extract its prose for `format`, run `checker`, apply this
    /// configuration and the inline ignores, and recompute the score (the middle stages of a
    /// [`Session`](crate::Session)'s check, which also decodes, caps and filters by severity).
    pub fn check(&self, checker: &Checker, text: &str, format: Format) -> Checked {
        let (report, unused_ignores) =
            crate::session::run(checker, self, text, format, checker.budget());
        Checked {
            report,
            unused_ignores,
        }
    }

    /// This configuration as TOML (for `unspun config --dump`).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, Vec<ConfigError>> {
        Config::parse("t.toml", src, Path::new("/proj"))
    }

    #[test]
    fn parses_the_documented_keys() {
        let c = parse(
            "min-severity = \"info\"\nfail-under = 60\nallow = [\"Dentro Cafe\"]\n[categories]\nglue = false\n[rules]\n\"ngram.swap\" = \"error\"\n\"garble.repeated-word\" = \"off\"\n",
        )
        .unwrap();
        assert_eq!(c.settings.min_severity, Some(Severity::Info));
        assert_eq!(c.settings.fail_under, Some(60.0));
        assert_eq!(c.settings.categories.get(&Category::Glue), Some(&false));
        assert_eq!(
            c.settings.rules.get("ngram.swap"),
            Some(&RuleSetting::Severity(Severity::Error))
        );
        let e = c.effective(Path::new("/proj/a.txt"));
        assert!(!e.rule_on("glue.joined-words", Category::Glue));
        assert!(!e.rule_on("garble.repeated-word", Category::Garble));
        assert!(e.rule_on("garble.quotes", Category::Garble));
    }

    #[test]
    fn unknown_keys_name_file_line_and_key() {
        let e = parse("min-severity = \"info\"\n\nfail_under = 3\n").unwrap_err();
        assert_eq!(e[0].line, 3, "{}", e[0]);
        assert_eq!(e[0].key.as_deref(), Some("fail_under"));
        assert!(
            e[0].to_string().starts_with("t.toml:3: `fail_under`"),
            "{}",
            e[0]
        );
        let e = parse("[categories]\nglue = false\nglew = true\n").unwrap_err();
        assert_eq!((e[0].line, e[0].key.as_deref()), (3, Some("glew")));
        let e = parse("[rules]\n\"a.b\" = \"loud\"\n").unwrap_err();
        assert_eq!((e[0].line, e[0].key.as_deref()), (2, Some("a.b")));
        let e = parse("[[overrides]]\nfiles = [\"*.md\"]\nmin-severity = \"high\"\n").unwrap_err();
        assert_eq!((e[0].line, e[0].key.as_deref()), (3, Some("min-severity")));
    }

    #[test]
    fn unknown_rule_ids_are_errors_with_lines() {
        let c =
            parse("[rules]\n\"glue.joined-words\" = \"info\"\n\"no.such\" = \"off\"\n").unwrap();
        let checker = Checker::builder().build().unwrap();
        let e = c.validate(checker.rules()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].line, e[0].key.as_deref()), (3, Some("no.such")));
    }

    #[test]
    fn overrides_apply_by_glob() {
        let c = parse(
            "min-severity = \"warning\"\n[[overrides]]\nfiles = [\"docs/**/*.md\"]\nmin-severity = \"error\"\n[overrides.categories]\nswap = false\n",
        )
        .unwrap();
        let docs = c.effective(Path::new("/proj/docs/a/b.md"));
        assert_eq!(docs.min_severity, Severity::Error);
        assert!(!docs.rule_on("swap.x", Category::Swap));
        let other = c.effective(Path::new("/proj/src/b.md"));
        assert_eq!(other.min_severity, Severity::Warning);
        assert!(other.rule_on("swap.x", Category::Swap));
        // A glob without a slash matches at any depth.
        let c = parse("[[overrides]]\nfiles = [\"*.html\"]\nhtml-main-only = true\n").unwrap();
        assert!(c.effective(Path::new("/proj/x/y.html")).html_main_only);
        assert!(!c.effective(Path::new("/proj/x/y.md")).html_main_only);
    }

    #[test]
    fn rule_setting_beats_category() {
        let c =
            parse("[categories]\nglue = false\n[rules]\n\"glue.joined-words\" = \"on\"\n").unwrap();
        let e = c.effective(Path::new("/proj/a"));
        assert!(e.rule_on("glue.joined-words", Category::Glue));
        assert!(!e.rule_on("glue.other", Category::Glue));
    }

    #[test]
    fn allow_list_suppresses_inside_phrases() {
        let checker = Checker::builder().build().unwrap();
        let text = "We met at the Dentro Cafe.\nDentro\n2017 he said thatRussia was ready.";
        let found = |allow: &[&str]| {
            let e = Effective {
                allow: allow.iter().map(|s| s.to_string()).collect(),
                ..Effective::default()
            };
            let c = e.check(&checker, text, Format::Plain);
            c.report
                .findings
                .iter()
                .map(|f| f.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(found(&[]), ["Dentro", "thatRussia"]);
        // Only an occurrence that holds the finding suppresses it.
        assert_eq!(found(&["Dentro Cafe"]), ["Dentro", "thatRussia"]);
        assert_eq!(found(&["dentro 2017"]), ["thatRussia"]);
        assert_eq!(found(&["DENTRO"]), ["thatRussia"]);
    }

    #[test]
    fn discovery_stops_at_the_repository_the_home_or_the_current_folder() {
        let root = std::env::temp_dir().join(format!("unspun-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let deep = root.join("outside/a/b");
        std::fs::create_dir_all(&deep).unwrap();
        // A configuration planted high up (as in /tmp or /) is not picked up from below...
        std::fs::write(root.join(FILE_NAME), "").unwrap();
        assert_eq!(discover_within(&deep, None, None), None);
        // ...but one in the folder itself is, and so is one up to home or the current folder.
        std::fs::write(deep.join(FILE_NAME), "").unwrap();
        assert_eq!(
            discover_within(&deep, None, None),
            Some(deep.join(FILE_NAME))
        );
        std::fs::remove_file(deep.join(FILE_NAME)).unwrap();
        let home = root.join("outside");
        std::fs::write(home.join(FILE_NAME), "").unwrap();
        assert_eq!(
            discover_within(&deep, Some(&home), None),
            Some(home.join(FILE_NAME))
        );
        assert_eq!(
            discover_within(&deep, None, Some(&home)),
            Some(home.join(FILE_NAME))
        );
        assert_eq!(discover_within(&deep, None, Some(&deep)), None);
        // A repository root stops the walk: above it nothing is read, below it everything is
        // (from a subfolder as the current folder too).
        std::fs::create_dir(root.join("outside/a/.git")).unwrap();
        assert_eq!(discover_within(&deep, Some(&home), None), None);
        std::fs::write(root.join("outside/a").join(FILE_NAME), "").unwrap();
        assert_eq!(
            discover_within(&deep, None, Some(&deep)),
            Some(root.join("outside/a").join(FILE_NAME))
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn allow_lists_are_bounded() {
        let long = "x".repeat(crate::text::allow::MAX_ENTRY_BYTES + 1);
        let e = parse(&format!(
            "min-severity = \"info\"\nallow = [\"ok\", \"{long}\"]\n"
        ))
        .unwrap_err();
        assert_eq!((e[0].line, e[0].key.as_deref()), (2, Some("allow")));
        assert!(e[0].message.contains("bytes long"), "{}", e[0]);
        let many: Vec<String> = (0..=crate::text::allow::MAX_ENTRIES)
            .map(|i| format!("\"w{i}\""))
            .collect();
        let e = parse(&format!("allow = [{}]\n", many.join(", "))).unwrap_err();
        assert!(e[0].message.contains("at most 10000"), "{}", e[0]);
        // In overrides too.
        let e = parse(&format!(
            "[[overrides]]\nfiles = [\"*.md\"]\nallow = [\"{long}\"]\n"
        ))
        .unwrap_err();
        assert_eq!(e[0].line, 3);
    }

    #[test]
    fn dump_is_toml_that_names_every_category() {
        let c = parse("[categories]\nglue = false\n[rules]\n\"a.b\" = \"off\"\n").unwrap();
        let t = c.effective(Path::new("/proj/x")).to_toml();
        assert!(t.contains("min-severity = \"warning\""), "{t}");
        assert!(t.contains("glue = false"), "{t}");
        assert!(t.contains("swap = true"), "{t}");
        assert!(t.contains("\"a.b\" = \"off\""), "{t}");
    }
}
