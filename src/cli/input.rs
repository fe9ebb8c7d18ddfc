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

/// What reading an input gave.
#[derive(Debug)]
pub enum Content {
    /// Text to check.
    Text(String),
    /// A binary file, skipped (with the reason).
    Binary(String),
}

/// Read an input as UTF-8 text. Errors name the input, line and byte.
pub fn read(input: &Input) -> Result<Content, String> {
    let label = input.label();
    let mut bytes = Vec::new();
    let res = match input {
        Input::Stdin => std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ()),
        Input::File(p) => std::fs::read(p).map(|b| bytes = b),
    };
    res.map_err(|e| format!("{label}: cannot read: {e}"))?;
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        return Ok(Content::Binary(format!(
            "{label}: binary file (NUL byte at offset {}), skipped",
            memchr::memchr(0, head).unwrap_or(0)
        )));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Content::Text(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let b = e.as_bytes();
            let line = b[..at].iter().filter(|&&c| c == b'\n').count() + 1;
            Err(format!("{label}:{line}: invalid UTF-8 at byte {at}"))
        }
    }
}
