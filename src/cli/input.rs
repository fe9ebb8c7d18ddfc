//! Finding and reading inputs: files, folders (recursively, sorted), and `-` for stdin.
//!
//! Folders are walked like ripgrep walks them (the `ignore` crate): files that `.gitignore`
//! (inside a git repository), `.ignore`, `.git/info/exclude` or the global git excludes
//! exclude are skipped, and so are hidden files and folders; `--no-ignore` and `--hidden`
//! turn that off. A configuration's `exclude` globs are applied on top (see [`Excludes`]).
//! Files named on the command line are always checked, unless `--force-exclude` (pre-commit
//! passes files one by one). Symbolic links to files are followed; links to folders only with
//! `--follow` (file-system loops are reported as notices, never walked twice).

use clap::Args;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use unspun::config::{self, Config};
use unspun::text::decode::{self, Decoded, DecodedText};

/// File extensions checked when walking a folder (explicitly named files are always checked).
pub const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "mdown", "mkd", "mdx", "html", "htm", "xhtml", "rst", "adoc",
    "asciidoc",
];

/// How folders are walked.
#[derive(Args, Debug, Clone, Default)]
pub struct WalkArgs {
    /// Also walk files that .gitignore, .ignore, .git/info/exclude or the global git
    /// excludes exclude (like ripgrep's --no-ignore).
    #[arg(long)]
    pub no_ignore: bool,
    /// Also walk hidden files and folders (names that start with a dot).
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links to folders when walking (links to files are always followed;
    /// file-system loops are reported and skipped).
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// Skip files named on the command line too when ignore files or the configuration's
    /// `exclude` exclude them (for pre-commit and other tools that pass files one by one).
    #[arg(long)]
    pub force_exclude: bool,
}

/// One input to check.
#[derive(Debug, Clone)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name shown in reports.
    pub fn label(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// A test of paths against exclusions other than ignore files (a configuration's `exclude`).
pub type Excluded = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// What the command-line paths expand to.
#[derive(Debug, Default)]
pub struct Collected {
    /// The inputs, in command-line order; each folder's files sorted by path.
    pub inputs: Vec<Input>,
    /// Paths that do not exist or could not be read (the rest still run).
    pub errors: Vec<String>,
    /// What was skipped and why (links to folders, loops, broken links).
    pub notices: Vec<String>,
}

/// Expand the command-line paths: folders are walked (see the module documentation),
/// `excluded` paths are left out of walks (and, with `--force-exclude`, out of explicit
/// paths too).
pub fn collect_with(paths: &[String], walk: &WalkArgs, excluded: Option<Excluded>) -> Collected {
    let mut out = Collected::default();
    let mut listings = Listings::default();
    for p in paths {
        if p == "-" {
            out.inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(p);
        if walk.force_exclude {
            let by_config = excluded.as_ref().is_some_and(|x| x(path));
            if by_config || (!walk.no_ignore && path.exists() && listings.ignored(path)) {
                continue;
            }
        }
        if path.is_dir() {
            walk_dir(p, walk, excluded.clone(), &mut out);
        } else if path.exists() {
            out.inputs.push(Input::File(path.to_path_buf()));
        } else if path.symlink_metadata().is_ok() {
            out.errors.push(format!("{p}: broken symbolic link"));
        } else {
            out.errors.push(format!("{p}: no such file or directory"));
        }
    }
    out
}

fn has_text_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| TEXT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
}

/// Walk one folder named on the command line. The order is sorted by file name at each
/// level, so output is the same from run to run.
fn walk_dir(root: &str, walk: &WalkArgs, excluded: Option<Excluded>, out: &mut Collected) {
    let mut b = ignore::WalkBuilder::new(root);
    b.standard_filters(!walk.no_ignore)
        .hidden(!walk.hidden)
        .follow_links(walk.follow)
        .sort_by_file_name(|a, c| a.cmp(c));
    // A repository's own folder is never prose, even with --hidden; excluded folders are not
    // even entered.
    b.filter_entry(move |e| {
        e.depth() == 0
            || !(e.file_name() == ".git" || excluded.as_ref().is_some_and(|x| x(e.path())))
    });
    for entry in b.build() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                match walk_problem(&err) {
                    Some(notice) => out.notices.push(notice),
                    None => out.errors.push(format!("{root}: {err}")),
                }
                continue;
            }
        };
        let Some(ft) = e.file_type() else { continue };
        if ft.is_file() {
            if has_text_extension(e.path()) {
                out.inputs.push(Input::File(e.into_path()));
            }
        } else if ft.is_symlink() {
            // Not followed by the walker (no --follow): a link to a file is checked like
            // the file, a link to a folder is said to be skipped.
            match std::fs::metadata(e.path()) {
                Ok(m) if m.is_file() => {
                    if has_text_extension(e.path()) {
                        out.inputs.push(Input::File(e.into_path()));
                    }
                }
                Ok(m) if m.is_dir() => out.notices.push(format!(
                    "{}: symbolic link to a folder, not walked (use --follow)",
                    e.path().display()
                )),
                Ok(_) => {}
                Err(_) => out.notices.push(format!(
                    "{}: broken symbolic link, skipped",
                    e.path().display()
                )),
            }
        }
    }
}

/// A walk error that is a notice, not a failure: a file-system loop or a broken link met
/// while following links.
fn walk_problem(err: &ignore::Error) -> Option<String> {
    fn path_of(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    fn loop_of(err: &ignore::Error) -> Option<(&Path, &Path)> {
        match err {
            ignore::Error::Loop { ancestor, child } => Some((ancestor, child)),
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => loop_of(err),
            _ => None,
        }
    }
    if let Some((ancestor, child)) = loop_of(err) {
        return Some(format!(
            "{}: file-system loop (it leads back to {}), not walked again",
            child.display(),
            ancestor.display()
        ));
    }
    let path = path_of(err)?;
    let broken = err
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        && path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
    broken.then(|| format!("{}: broken symbolic link, skipped", path.display()))
}

/// What the walker would list in each folder (for `--force-exclude` on explicit paths).
#[derive(Default)]
struct Listings {
    dirs: HashMap<PathBuf, HashSet<OsString>>,
}

impl Listings {
    /// Would a walk skip `path` because an ignore file excludes it or one of its folders?
    /// Checked up to the repository root (the first folder holding `.git`).
    fn ignored(&mut self, path: &Path) -> bool {
        let mut child = absolute(path);
        while let (Some(parent), Some(name)) = (child.parent(), child.file_name()) {
            let name = name.to_os_string();
            let parent = parent.to_path_buf();
            if !self.listing(&parent).contains(&name) {
                return true;
            }
            if parent.join(".git").exists() {
                break;
            }
            child = parent;
        }
        false
    }

    fn listing(&mut self, dir: &Path) -> &HashSet<OsString> {
        self.dirs.entry(dir.to_path_buf()).or_insert_with(|| {
            let mut b = ignore::WalkBuilder::new(dir);
            b.hidden(false).max_depth(Some(1));
            b.build()
                .filter_map(Result::ok)
                .filter(|e| e.depth() == 1)
                .map(|e| e.file_name().to_os_string())
                .collect()
        })
    }
}

/// `path` from the current folder, `.` and `..` resolved without touching the disk.
fn absolute(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Which configuration file governs which folder, to apply its `exclude` globs: the same
/// rule as for the settings (`--config FILE`, `--no-config`, or the nearest `.unspun.toml`).
/// A configuration that cannot be loaded excludes nothing here (its errors are reported when
/// its files are checked).
pub struct Excludes {
    fixed: Option<Option<Arc<Config>>>,
    found: Mutex<HashMap<PathBuf, Option<Arc<Config>>>>,
}

impl Excludes {
    /// `config`: `--config`; `no_config`: `--no-config`.
    pub fn new(config: Option<&Path>, no_config: bool) -> Excludes {
        let fixed = if no_config {
            Some(None)
        } else {
            config.map(|f| Config::load(f).ok().map(Arc::new))
        };
        Excludes {
            fixed,
            found: Mutex::new(HashMap::new()),
        }
    }

    /// Is `path` excluded by the configuration that governs its folder?
    pub fn excluded(&self, path: &Path) -> bool {
        let config = match &self.fixed {
            Some(c) => c.clone(),
            None => {
                let dir = absolute(path)
                    .parent()
                    .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
                let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
                found
                    .entry(dir.clone())
                    .or_insert_with(|| {
                        config::discover(&dir).and_then(|f| Config::load(&f).ok().map(Arc::new))
                    })
                    .clone()
            }
        };
        config.is_some_and(|c| c.excludes(path))
    }

    /// As a shareable test for [`collect_with`].
    pub fn into_fn(self) -> Excluded {
        let me = Arc::new(self);
        Arc::new(move |p: &Path| me.excluded(p))
    }
}

/// What reading an input gave.
#[derive(Debug)]
pub enum Content {
    /// Text to check.
    Text(Text),
    /// A binary file, skipped (with the reason).
    Binary(String),
}

/// A text read from an input.
#[derive(Debug)]
pub struct Text {
    /// The decoded text (see [`unspun::text::decode`]).
    pub decoded: DecodedText,
    /// `Some(size)` when the input is longer than the limit: only its first part was read
    /// (`size` is the input's length when known).
    pub cut: Option<Option<u64>>,
}

impl Text {
    /// The notice for a text cut at `limit` bytes.
    pub fn cut_notice(&self, label: &str, limit: usize) -> Option<String> {
        let size = self.cut?;
        let whole = size.map_or("longer".to_string(), |n| format!("{n} bytes,"));
        Some(format!(
            "{label}: {whole} over --max-doc-bytes: checked its first {limit} bytes only"
        ))
    }
}

/// Read an input (at most `limit` bytes of it) and decode it: UTF-8 or UTF-16 with a
/// byte-order mark, invalid bytes replaced (and reported by `input.invalid-utf8`), binary
/// files (a NUL byte in the first 8 KiB) skipped.
pub fn read(input: &Input, limit: usize) -> Result<Content, String> {
    let label = input.label();
    let mut bytes = Vec::new();
    let cut = match input {
        Input::Stdin => {
            read_capped(std::io::stdin().lock(), limit, &mut bytes).map(|c| c.then_some(None))
        }
        Input::File(p) => std::fs::File::open(p).and_then(|f| {
            let size = f.metadata().ok().map(|m| m.len());
            read_capped(f, limit, &mut bytes).map(|c| c.then_some(size))
        }),
    }
    .map_err(|e| format!("{label}: cannot read: {e}"))?;
    match decode::decode_prefix(&bytes, cut.is_some()) {
        Decoded::Text(decoded) => Ok(Content::Text(Text { decoded, cut })),
        Decoded::Binary(why) => Ok(Content::Binary(format!("{label}: {why}, skipped"))),
    }
}

/// Read up to `limit` bytes into `buf`; `true` when there is more.
fn read_capped(r: impl Read, limit: usize, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut r = r.take(limit as u64 + 1);
    r.read_to_end(buf)?;
    let more = buf.len() > limit;
    buf.truncate(limit);
    Ok(more)
}
