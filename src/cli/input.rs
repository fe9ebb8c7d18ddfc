//! Finding and reading inputs: files, folders (recursively, sorted), and `-` for stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

/// File extensions checked when walking a folder (explicitly named files are always checked).
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "html", "htm", "rst"];

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

/// Expand the command-line paths. Missing paths are returned as errors (the rest still run).
pub fn collect(paths: &[String]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let ext_ok =
                            e.path()
                                .extension()
                                .and_then(|x| x.to_str())
                                .is_some_and(|x| {
                                    TEXT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str())
                                });
                        if ext_ok {
                            inputs.push(Input::File(e.into_path()));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(format!("{p}: {e}")),
                }
            }
        } else if path.exists() {
            inputs.push(Input::File(path.to_path_buf()));
        } else {
            errors.push(format!("{p}: no such file or directory"));
        }
    }
    (inputs, errors)
}

/// An input's bytes, as read (decoding is the session's first stage).
#[derive(Debug)]
pub struct Raw {
    /// At most the limit.
    pub bytes: Vec<u8>,
    /// `Some(size)` when the input is longer than the limit: only its first part was read
    /// (`size` is the input's length when known).
    pub cut: Option<Option<u64>>,
}

/// Read an input, at most `limit` bytes of it (a larger one is never read whole).
pub fn read(input: &Input, limit: usize) -> Result<Raw, String> {
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
    Ok(Raw { bytes, cut })
}

/// Read up to `limit` bytes into `buf`; `true` when there is more.
fn read_capped(r: impl Read, limit: usize, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut r = r.take(limit as u64 + 1);
    r.read_to_end(buf)?;
    let more = buf.len() > limit;
    buf.truncate(limit);
    Ok(more)
}
