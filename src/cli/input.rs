//! Finding and reading inputs: files, folders (recursively, sorted), and `-` for stdin.
//! Compressed inputs (gzip, zstd: told by their first bytes, whatever their name) are read
//! decompressed, as crawl dumps come compressed.

use super::atomic::Fingerprint;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use unspun::text::decode::{self, Decoded, DecodedText};

/// File extensions checked when walking a folder (explicitly named files are always checked),
/// also under a compression suffix (`.txt.gz`, `.md.zst`).
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown", "html", "htm", "rst"];

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
                .filter_entry(|e| e.depth() == 0 || !e.file_name().as_bytes().starts_with(b"."));
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        if walked_extension(e.path()) {
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
    /// The input was compressed (and read decompressed).
    pub compressed: Option<Compression>,
    /// The bytes read, for `--fix` to tell whether the file changed meanwhile (a whole,
    /// uncompressed file only).
    pub fingerprint: Option<Fingerprint>,
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

    /// Why `--fix` must not rewrite this input, if it must not.
    pub fn not_rewritable(&self) -> Option<String> {
        if self.cut.is_some() {
            Some("only its first part was checked".to_string())
        } else if let Some(c) = self.compressed {
            Some(format!("it is {} compressed", c.name()))
        } else {
            None
        }
    }
}

/// Read an input (at most `limit` bytes of it, decompressed when it is gzip or zstd) and
/// decode it: UTF-8 or UTF-16 with a byte-order mark, invalid bytes replaced (and reported by
/// `input.invalid-utf8`), binary files (a NUL byte in the first 8 KiB) skipped.
pub fn read(input: &Input, limit: usize) -> Result<Content, String> {
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
    match decode::decode_prefix(&bytes, cut.is_some()) {
        Decoded::Text(decoded) => Ok(Content::Text(Text {
            decoded,
            cut,
            compressed,
            fingerprint,
        })),
        Decoded::Binary(why) => Ok(Content::Binary(format!("{label}: {why}, skipped"))),
    }
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
