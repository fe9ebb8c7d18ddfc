//! Files written whole or not at all: a temporary file in the target's folder, renamed over
//! the target once complete. A run that is killed leaves the target as it was (and at most a
//! `.NAME.XXXXXXXX.tmp` beside it); a run that fails, at any step, removes its temporary file.
//!
//! The temporary file is created with a random name and `O_EXCL` (the `tempfile` crate), so a
//! file or symbolic link planted under a predictable name can neither be followed nor
//! overwritten. [`rewrite`] is what `--fix` uses: it also resolves a symbolic link (the target
//! is fixed, the link stays), keeps the owner and permissions, refuses hard-linked and
//! read-only files, and does not replace a file that changed since it was read.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A file being written; [`AtomicFile::commit`] puts it in place.
pub struct AtomicFile {
    /// `None` once committed.
    out: Option<BufWriter<NamedTempFile>>,
    path: PathBuf,
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A new temporary file beside `path`: random name, created exclusively, with `mode` (before
/// the umask) when given.
fn temp_beside(path: &Path, mode: Option<u32>) -> io::Result<NamedTempFile> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .rand_bytes(8)
        .permissions(std::fs::Permissions::from_mode(mode.unwrap_or(0o666)))
        .tempfile_in(folder_of(path))
}

impl AtomicFile {
    /// Start writing `path` (keeping its permissions if it exists). A folder is refused at
    /// once.
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        // Through a symbolic link the file it points to is replaced; the link stays.
        let resolved;
        let path = match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => {
                resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
                resolved.as_path()
            }
            _ => path,
        };
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a folder, not a file",
            ));
        }
        let tmp = temp_beside(path, None)?;
        if let Some(meta) = existing {
            // An explicit mode is not subject to the umask: the file keeps the one it had.
            tmp.as_file().set_permissions(meta.permissions())?;
        }
        Ok(AtomicFile {
            out: Some(BufWriter::with_capacity(1 << 16, tmp)),
            path: path.to_path_buf(),
        })
    }

    /// The file being replaced.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush and sync the temporary file (still not in place).
    fn finish_writing(&mut self) -> io::Result<NamedTempFile> {
        let out = self.out.take().expect("committed once");
        let tmp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        tmp.as_file().sync_all()?;
        Ok(tmp)
    }

    /// Flush, sync and rename over the target. On any error the temporary file is removed
    /// and the target is as it was.
    pub fn commit(mut self) -> io::Result<()> {
        let tmp = self.finish_writing()?;
        tmp.persist(&self.path).map(drop).map_err(|e| e.error)
    }

    /// Write `contents` to `path` atomically.
    #[cfg(test)]
    pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
        let mut f = AtomicFile::create(path)?;
        f.write_all(contents)?;
        f.commit()
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

// Not committed (an error, or a panic): dropping the `NamedTempFile` removes it, and the
// target stays as it was.

/// What a file looked like when it was read, to tell whether it changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// Its length in bytes.
    pub len: u64,
    /// A hash of its bytes.
    pub hash: u64,
}

impl Fingerprint {
    /// The fingerprint of these bytes.
    pub fn of(bytes: &[u8]) -> Fingerprint {
        use std::hash::Hasher;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        h.write(bytes);
        Fingerprint {
            len: bytes.len() as u64,
            hash: h.finish(),
        }
    }

    /// The fingerprint of a file's current contents.
    fn of_file(path: &Path) -> io::Result<Fingerprint> {
        let mut buf = Vec::new();
        File::open(path)?.read_to_end(&mut buf)?;
        Ok(Fingerprint::of(&buf))
    }
}

/// Why [`rewrite`] did not replace a file.
#[derive(Debug)]
pub enum RewriteError {
    /// On purpose: the file is left as it is, and the reason is a notice (not an error).
    Refused(String),
    /// Something failed (the file is left as it was): an error.
    Failed(String),
}

/// Replace the file at `path` with `contents` for `--fix`, atomically, as long as it still
/// holds what was read (`read`):
///
/// * a symbolic link is resolved: its target is rewritten and the link stays a link;
/// * the new file keeps the old one's permissions and owner (a fix run as root does not make
///   a user's file root's); if the owner cannot be kept the file is not rewritten;
/// * a file with several hard links is refused: a rename would split the links (the other
///   names would keep the old text), and writing in place would give up atomicity (a crash
///   or a full disk halfway would leave a half-written file under every name);
/// * a read-only file (no write permission) is refused: `--fix` must not rewrite what its
///   owner protected, even though the folder would allow the rename;
/// * a file that changed since it was read (an editor saved it meanwhile) is refused, so that
///   edit is not lost; the check is made after the new text is written and synced, just
///   before the rename.
pub fn rewrite(path: &Path, contents: &[u8], read: Fingerprint) -> Result<(), RewriteError> {
    let failed = |what: &str, e: io::Error| RewriteError::Failed(format!("{what}: {e}"));
    let target = std::fs::canonicalize(path).map_err(|e| failed("cannot resolve", e))?;
    let meta = std::fs::metadata(&target).map_err(|e| failed("cannot read", e))?;
    if !meta.is_file() {
        return Err(RewriteError::Refused("not a regular file".into()));
    }
    if meta.nlink() > 1 {
        return Err(RewriteError::Refused(format!(
            "it has {} hard links, which a rewrite would split (use --diff and apply the patch)",
            meta.nlink()
        )));
    }
    if meta.permissions().readonly() {
        return Err(RewriteError::Refused("it is read-only".into()));
    }
    let tmp = temp_beside(&target, Some(meta.mode() & 0o7777))
        .map_err(|e| failed("cannot create a temporary file", e))?;
    let f = tmp.as_file();
    f.set_permissions(meta.permissions())
        .map_err(|e| failed("cannot set permissions", e))?;
    let own = f.metadata().map_err(|e| failed("cannot read", e))?;
    if (own.uid(), own.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::fchown(f, Some(meta.uid()), Some(meta.gid())).map_err(|e| {
            RewriteError::Refused(format!(
                "cannot keep its owner ({}:{}): {e}",
                meta.uid(),
                meta.gid()
            ))
        })?;
        // chown clears set-user-id and set-group-id bits: set the mode again.
        f.set_permissions(meta.permissions())
            .map_err(|e| failed("cannot set permissions", e))?;
    }
    let mut out = AtomicFile {
        out: Some(BufWriter::with_capacity(1 << 16, tmp)),
        path: target.clone(),
    };
    out.write_all(contents)
        .map_err(|e| failed("cannot write", e))?;
    let tmp = out
        .finish_writing()
        .map_err(|e| failed("cannot write", e))?;
    match Fingerprint::of_file(&target) {
        Ok(now) if now == read => {}
        Ok(_) => {
            return Err(RewriteError::Refused(
                "it changed while it was being checked (check it again)".into(),
            ))
        }
        Err(e) => return Err(failed("cannot read again", e)),
    }
    tmp.persist(&target)
        .map(drop)
        .map_err(|e| failed("cannot rename into place", e.error))
}

/// Where the output goes: standard output, or `-o FILE` (written whole or not at all), or a
/// device, pipe or socket named by `-o` (written as a stream).
pub enum Output {
    /// Standard output.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// `-o FILE`.
    File(AtomicFile),
    /// `-o /dev/null`, `-o /dev/stderr`, a named pipe: written to, never replaced.
    Stream(BufWriter<File>, PathBuf),
}

impl Output {
    pub fn open(path: Option<&Path>) -> Result<Output, String> {
        let Some(p) = path else {
            return Ok(Output::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout().lock(),
            )));
        };
        let failed = |e: io::Error| format!("{}: cannot write: {e}", p.display());
        // Renaming a finished file over a device or a pipe would put a regular file in its
        // place (as root, `-o /dev/null` would replace the system's /dev/null), and over
        // `/dev/stderr` the link itself: those, and anything under /dev or /proc, are opened
        // and appended to like standard output.
        let special = p.starts_with("/dev") || p.starts_with("/proc");
        if special || std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let f = std::fs::OpenOptions::new()
                .append(true)
                .open(p)
                .map_err(failed)?;
            return Ok(Output::Stream(
                BufWriter::with_capacity(1 << 16, f),
                p.to_path_buf(),
            ));
        }
        AtomicFile::create(p).map(Output::File).map_err(failed)
    }

    /// Flush, and put `-o FILE` in place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut o) => o.flush(),
            Output::File(f) => f.commit(),
            Output::Stream(mut o, _) => o.flush(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(o) => o.write(buf),
            Output::File(f) => f.write(buf),
            Output::Stream(o, _) => o.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(o) => o.flush(),
            Output::File(f) => f.flush(),
            Output::Stream(o, _) => o.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("unspun-atomic-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn entries(d: &Path) -> usize {
        std::fs::read_dir(d).unwrap().count()
    }

    #[test]
    fn commit_replaces_and_drop_leaves_the_target_alone() {
        let dir = dir("commit");
        let p = dir.join("out.txt");
        std::fs::write(&p, "old").unwrap();
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        AtomicFile::write(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(entries(&dir), 1, "no temporary file is left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_planted_link_at_the_old_temporary_name_is_not_followed() {
        let dir = dir("planted");
        let victim = dir.join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).unwrap();
        // The name the previous version used (`.NAME.PID.tmp`), and a few around it.
        for pid in [std::process::id(), 1, 2] {
            std::os::unix::fs::symlink(&victim, dir.join(format!(".out.txt.{pid}.tmp"))).unwrap();
        }
        let p = dir.join("out.txt");
        AtomicFile::write(&p, b"report").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "report");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let mode = std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the link's target was not chmod-ed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_pipe_named_by_o_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = dir("fifo");
        let fifo = dir.join("out.pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("no mkfifo here: skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let mut out = Output::open(Some(&fifo)).unwrap();
        out.write_all(b"report\n").unwrap();
        out.finish().unwrap();
        assert_eq!(reader.join().unwrap(), b"report\n");
        // Still the pipe, and nothing left beside it.
        assert!(std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo());
        assert_eq!(entries(&dir), 1);
    }

    #[test]
    fn devices_and_standard_streams_are_streams_never_replaced() {
        // Opened only (a file output would be put in place by `finish`): nothing is written.
        for p in ["/dev/null", "/dev/stderr"] {
            let out = Output::open(Some(Path::new(p))).unwrap();
            assert!(matches!(out, Output::Stream(..)), "{p}");
        }
    }

    #[test]
    fn through_a_symbolic_link_the_target_is_replaced_and_the_link_stays() {
        let dir = dir("link");
        let target = dir.join("real.json");
        std::fs::write(&target, "old").unwrap();
        let link = dir.join("out.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        let mut out = Output::open(Some(&link)).unwrap();
        out.write_all(b"new").unwrap();
        out.finish().unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn a_failed_final_step_removes_the_temporary_file() {
        let dir = dir("failed");
        // `-o` naming a folder: refused at once, nothing created.
        let sub = dir.join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(AtomicFile::create(&sub).is_err());
        assert_eq!(entries(&dir), 1);
        // The rename fails (the target became a non-empty folder after the start).
        let p = dir.join("late");
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"x").unwrap();
        std::fs::create_dir(&p).unwrap();
        std::fs::write(p.join("keep"), "k").unwrap();
        assert!(f.commit().is_err());
        assert_eq!(entries(&dir), 2, "only sub/ and late/ remain");
        // The disk fills up (the write fails): nothing is left either.
        if Path::new("/dev/full").exists() {
            let mut f = AtomicFile::create(&dir.join("full")).unwrap();
            // Swap the temporary file's descriptor for /dev/full's.
            let full = File::options().write(true).open("/dev/full").unwrap();
            let tmp = f.out.take().unwrap().into_inner().ok().unwrap();
            let (_file, path) = tmp.into_parts();
            assert_eq!(entries(&dir), 3, "the temporary file exists");
            f.out = Some(BufWriter::new(NamedTempFile::from_parts(full, path)));
            f.write_all(&[b'x'; 1 << 17]).ok();
            assert!(f.commit().is_err());
            assert_eq!(entries(&dir), 2, "the temporary file was removed");
            assert!(!dir.join("full").exists());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rewrite_refuses_links_read_only_and_changed_files_and_follows_symlinks() {
        let dir = dir("rewrite");
        let p = dir.join("a.txt");
        std::fs::write(&p, "old text").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        let read = Fingerprint::of(b"old text");
        // A symbolic link: the target is rewritten, the link stays.
        let link = dir.join("link.txt");
        std::os::unix::fs::symlink("a.txt", &link).unwrap();
        rewrite(&link, b"new text", read).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new text");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "permissions kept");
        // Changed since it was read: refused, the edit stays.
        let e = rewrite(&p, b"fixed", read).unwrap_err();
        assert!(
            matches!(&e, RewriteError::Refused(m) if m.contains("changed")),
            "{e:?}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new text");
        // Hard links: refused, both names keep the same file.
        let hard = dir.join("hard.txt");
        std::fs::hard_link(&p, &hard).unwrap();
        let e = rewrite(&p, b"fixed", Fingerprint::of(b"new text")).unwrap_err();
        assert!(
            matches!(&e, RewriteError::Refused(m) if m.contains("hard links")),
            "{e:?}"
        );
        std::fs::remove_file(&hard).unwrap();
        // Read-only: refused.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = rewrite(&p, b"fixed", Fingerprint::of(b"new text")).unwrap_err();
        assert!(
            matches!(&e, RewriteError::Refused(m) if m.contains("read-only")),
            "{e:?}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new text");
        assert_eq!(entries(&dir), 2, "no temporary file is left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
