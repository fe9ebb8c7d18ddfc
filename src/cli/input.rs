//! Finding and reading inputs: files, folders (recursively, sorted), and `-` for stdin.
//!
//! Folders are walked like ripgrep walks them (the `ignore` crate): files that `.gitignore`
//! (inside a git repository), `.ignore`, `.git/info/exclude` or the global git excludes
//! exclude are skipped, and so are hidden files and folders; `--no-ignore` and `--hidden`
//! turn that off. A configuration's `exclude` globs are applied on top (see [`Excludes`]).
//! Files named on the command line are always checked, unless `--force-exclude` (pre-commit
//! passes files one by one). Symbolic links to files are followed; links to folders only with
//! `--follow` (file-system loops are reported as notices, never walked twice).
//! Compressed inputs (gzip, zstd: told by their first bytes, whatever their name) are read
//! decompressed, as crawl dumps come compressed.

use super::atomic::Fingerprint;
use clap::Args;
use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use unspun::Session;

/// File extensions checked when walking a folder (explicitly named files are always checked),
/// also under a compression suffix (`.txt.gz`, `.md.zst`).
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

/// Compression suffixes looked through.
pub const COMPRESSED_EXTENSIONS: &[&str] = &["gz", "zst"];

/// One input to check.
#[derive(Debug, Clone)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name shown in reports (see [`display_path`]).
    pub fn label(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => display_path(p),
        }
    }
}

/// A path as reports show it. A name that is valid UTF-8 without control characters or
/// backslashes is shown as it is; any other is escaped: `\` as `\\`, each control character
/// and each byte that is not UTF-8 as `\xNN` (so a terminal never receives an escape
/// sequence from a file name). Two different paths never show the same: a shown name holds a
/// backslash exactly when it was escaped, and escaping is reversible ([`path_bytes`]).
pub fn display_path(p: &Path) -> String {
    let bytes = p.as_os_str().as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.chars().any(|c| c.is_control() || c == '\\') => s.to_string(),
        _ => {
            let mut out = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        c if c.is_control() => {
                            let mut b = [0u8; 4];
                            for byte in c.encode_utf8(&mut b).bytes() {
                                out.push_str(&format!("\\x{byte:02x}"));
                            }
                        }
                        c => out.push(c),
                    }
                }
                for byte in chunk.invalid() {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
            }
            out
        }
    }
}

/// The bytes of a path shown by [`display_path`] (the inverse of its escaping).
#[cfg(test)]
pub fn path_bytes(shown: &str) -> Vec<u8> {
    unspun::report::unescape_path(shown)
}

/// Is this file's extension one checked when walking (looking through `.gz`, `.zst`)?
fn walked_extension(p: &Path) -> bool {
    let ext = |p: &Path| {
        p.extension()
            .and_then(OsStr::to_str)
            .map(str::to_ascii_lowercase)
    };
    match ext(p) {
        Some(x) if COMPRESSED_EXTENSIONS.contains(&x.as_str()) => p
            .file_stem()
            .and_then(|s| ext(Path::new(s)))
            .is_some_and(|x| TEXT_EXTENSIONS.contains(&x.as_str())),
        Some(x) => TEXT_EXTENSIONS.contains(&x.as_str()),
        None => false,
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
            if walked_extension(e.path()) {
                out.inputs.push(Input::File(e.into_path()));
            }
        } else if ft.is_symlink() {
            // Not followed by the walker (no --follow): a link to a file is checked like
            // the file, a link to a folder is said to be skipped.
            match std::fs::metadata(e.path()) {
                Ok(m) if m.is_file() => {
                    if walked_extension(e.path()) {
                        out.inputs.push(Input::File(e.into_path()));
                    }
                }
                Ok(m) if m.is_dir() => out.notices.push(format!(
                    "{}: symbolic link to a folder, not walked (use --follow)",
                    display_path(e.path())
                )),
                Ok(_) => {}
                Err(_) => out.notices.push(format!(
                    "{}: broken symbolic link, skipped",
                    display_path(e.path())
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
            display_path(child),
            display_path(ancestor)
        ));
    }
    let path = path_of(err)?;
    let broken = err
        .io_error()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        && path
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
    broken.then(|| format!("{}: broken symbolic link, skipped", display_path(path)))
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

/// The `exclude` globs of the configuration that governs each path, as the session finds it
/// (`--config FILE`, `--no-config`, or the nearest `.unspun.toml`): a shareable test for
/// [`collect_with`]. A configuration that cannot be loaded excludes nothing here (its errors
/// are reported when its files are checked).
pub fn excludes(session: Arc<Session>) -> Excluded {
    Arc::new(move |p: &Path| session.config(Some(p)).is_some_and(|c| c.excludes(p)))
}

/// A compression format, told by the first bytes of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// gzip (`1f 8b`); several members in a row are read as one stream.
    Gzip,
    /// Zstandard (`28 b5 2f fd`); several frames in a row are read as one stream.
    Zstd,
}

impl Compression {
    /// The format these first bytes announce, if any.
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// A buffered reader over `r`, decompressing it when its first bytes say it is gzip or zstd;
/// also returns which. Only the first four bytes are looked at (and given back).
pub fn decompressing<'a>(
    mut r: impl Read + Send + 'a,
) -> io::Result<(Box<dyn BufRead + Send + 'a>, Option<Compression>)> {
    let mut head = Vec::with_capacity(4);
    while head.len() < 4 {
        let mut b = [0u8; 4];
        let n = match r.read(&mut b[..4 - head.len()]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        head.extend_from_slice(&b[..n]);
    }
    let kind = Compression::sniff(&head);
    let whole = io::Cursor::new(head).chain(r);
    let reader: Box<dyn BufRead + Send + 'a> = match kind {
        None => Box::new(BufReader::with_capacity(1 << 20, whole)),
        Some(Compression::Gzip) => Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::read::MultiGzDecoder::new(whole),
        )),
        Some(Compression::Zstd) => Box::new(BufReader::with_capacity(
            1 << 20,
            zstd::stream::read::Decoder::new(whole)?,
        )),
    };
    Ok((reader, kind))
}

/// Open an input for reading, decompressed when it is compressed.
pub fn open(input: &Input) -> io::Result<(Box<dyn BufRead + Send>, Option<Compression>)> {
    match input {
        Input::Stdin => decompressing(io::stdin()),
        Input::File(p) => {
            let f = std::fs::File::open(p)?;
            if f.metadata().is_ok_and(|m| m.is_dir()) {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "is a folder"));
            }
            decompressing(f)
        }
    }
}

/// Does this file name say JSON Lines (`.jsonl`, `.ndjson`, `.jsonlines`, also under `.gz`
/// or `.zst`)?
pub fn is_jsonl_path(p: &Path) -> bool {
    let ext = |p: &Path| {
        p.extension()
            .and_then(OsStr::to_str)
            .map(str::to_ascii_lowercase)
    };
    let ext = match ext(p) {
        Some(x) if COMPRESSED_EXTENSIONS.contains(&x.as_str()) => {
            p.file_stem().and_then(|s| ext(Path::new(s)))
        }
        x => x,
    };
    ext.is_some_and(|x| ["jsonl", "ndjson", "jsonlines"].contains(&x.as_str()))
}

/// An input's bytes, as read (decoding is the session's first stage).
#[derive(Debug)]
pub struct Raw {
    /// At most the limit.
    pub bytes: Vec<u8>,
    /// `Some(size)` when the input is longer than the limit: only its first part was read
    /// (`size` is the input's length when known).
    pub cut: Option<Option<u64>>,
    /// The input was compressed (and read decompressed).
    pub compressed: Option<Compression>,
    /// The bytes read, for `--fix` to tell whether the file changed meanwhile (a whole,
    /// uncompressed file only).
    pub fingerprint: Option<Fingerprint>,
}

impl Raw {
    /// Why `--fix` must not rewrite this input, if it must not (beyond what the session's
    /// [`Checked::encode`](unspun::Checked::encode) says: a cut or invalid text).
    pub fn not_rewritable(&self) -> Option<String> {
        if self.cut.is_some() {
            Some("only its first part was checked".to_string())
        } else {
            self.compressed
                .map(|c| format!("it is {} compressed", c.name()))
        }
    }
}

/// Read an input, at most `limit` bytes of it (a larger one is never read whole),
/// decompressed when it is gzip or zstd. Decoding is the session's first stage.
pub fn read(input: &Input, limit: usize) -> Result<Raw, String> {
    let label = input.label();
    let mut bytes = Vec::new();
    let cannot = |e: io::Error| format!("{label}: cannot read: {e}");
    let size = match input {
        Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        Input::Stdin => None,
    };
    let (reader, compressed) = open(input).map_err(cannot)?;
    let more = read_capped(reader, limit, &mut bytes).map_err(cannot)?;
    let cut = more.then_some(if compressed.is_some() { None } else { size });
    let fingerprint = match input {
        Input::File(_) if !more && compressed.is_none() => Some(Fingerprint::of(&bytes)),
        _ => None,
    };
    Ok(Raw {
        bytes,
        cut,
        compressed,
        fingerprint,
    })
}

/// Read up to `limit` bytes into `buf`; `true` when there is more.
fn read_capped(r: impl Read, limit: usize, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut r = r.take(limit as u64 + 1);
    r.read_to_end(buf)?;
    let more = buf.len() > limit;
    buf.truncate(limit);
    Ok(more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    #[test]
    fn paths_are_shown_distinctly_and_safely() {
        let p = |b: &[u8]| PathBuf::from(OsString::from_vec(b.to_vec()));
        assert_eq!(
            display_path(&p(b"docs/caf\xc3\xa9.md")),
            "docs/caf\u{e9}.md"
        );
        let a = display_path(&p(b"a\xff.txt"));
        let b = display_path(&p(b"a\xfe.txt"));
        assert_eq!(a, "a\\xff.txt");
        assert_ne!(a, b, "two names, two labels");
        assert_ne!(a, display_path(&p(b"a\xef\xbf\xbd.txt")), "not U+FFFD");
        // A literal backslash is escaped when it could be mistaken for an escape.
        assert_ne!(display_path(&p(b"a\\xff.txt")), a);
        assert_eq!(display_path(&p(b"x\x1b[31my")), "x\\x1b[31my");
        for raw in [&b"a\xff.txt"[..], b"a\\xff.txt", b"x\x1b[31my", b"plain.md"] {
            assert_eq!(path_bytes(&display_path(&p(raw))), raw);
        }
    }

    #[test]
    fn compression_is_told_by_the_first_bytes() {
        use std::io::Write;
        let text = b"He said thatRussia was ready.\n".repeat(100);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&text).unwrap();
        let gz = gz.finish().unwrap();
        let zst = zstd::stream::encode_all(&text[..], 1).unwrap();
        for (data, kind) in [
            (gz, Some(Compression::Gzip)),
            (zst, Some(Compression::Zstd)),
            (text.clone(), None),
            (b"ab".to_vec(), None),
        ] {
            let (mut r, k) = decompressing(io::Cursor::new(data.clone())).unwrap();
            assert_eq!(k, kind);
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            assert_eq!(out, if kind.is_some() { &text[..] } else { &data[..] });
        }
        assert!(is_jsonl_path(Path::new("crawl.jsonl.gz")));
        assert!(is_jsonl_path(Path::new("crawl.NDJSON.zst")));
        assert!(!is_jsonl_path(Path::new("crawl.gz")));
        assert!(walked_extension(Path::new("a/b.md.zst")));
        assert!(!walked_extension(Path::new("a/b.tar.gz")));
    }
}
