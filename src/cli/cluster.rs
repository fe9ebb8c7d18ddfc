//! `unspun cluster INPUT.jsonl`: find groups of spun copies in a corpus and score each member's
//! faithfulness against its group's most faithful text.
//!
//! Two passes over the input. The first streams the records in chunks (the next chunk is read
//! while all cores sign the current one) and keeps, per document, only its MinHash signature
//! and where its line is in the file: memory grows with the number of documents, not with the
//! text. Clustering then works on the signatures alone. The second pass re-reads, by offset,
//! only the lines it prints: the members of each group (to compare them) and, with
//! `--singletons`, the others (for their id). Standard input and compressed files (gzip,
//! zstd) are first copied (decompressed) to an unnamed temporary file so they can be read
//! twice.

use super::{exit_code, CmdResult, Error, Out, SessionArgs, Size};
use clap::Args;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Seek, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::time::Instant;
use unspun::batch::{self, Fields, Id, RecordError};
use unspun::cluster::{self, Params, Signature};
use unspun::session::Profile;
use unspun::{defaults, CheckOptions, Source};

/// Input bytes signed per chunk.
const CHUNK_BYTES: usize = 4 << 20;
/// Lines per chunk at most.
const CHUNK_LINES: usize = 16_384;
/// Output records rendered per parallel step.
const OUT_CHUNK: usize = 256;
/// Room for the JSON around the text when reading a record line.
const LINE_SLACK: usize = 1 << 20;

#[derive(Args, Debug)]
#[command(
    after_help = "Output: one JSON line per group of two or more documents, in input order of \
    each group's first member: {\"group\", \"size\", \"representative\", \"members\": [{\"id\", \
    \"faithfulness\", \"similarity\"}]}; a record that could not be read gives {\"id\", \"error\"} \
    in its place.\n\nExit codes: 0 all records read, 1 a record or the input could not be read \
    (every other record is still clustered)."
)]
pub struct ClusterArgs {
    /// A JSON Lines file (one record per line, the text in a string field), or `-` for stdin.
    #[arg(value_name = "INPUT", default_value = "-")]
    pub input: String,
    /// Write the groups to FILE (atomically, via a temporary file) instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// JSON field that holds the text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub text_field: String,
    /// JSON field that holds the id (default: the line number when the field is absent).
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id_field: String,
    /// Also print every document that is in no group, as a group of one.
    #[arg(long)]
    pub singletons: bool,
    /// Estimated share of immutable shingles (Jaccard, 0-1) two documents must have in common
    /// to be grouped: lower finds more heavily spun copies and merges more by mistake.
    #[arg(long, value_name = "SIMILARITY", default_value_t = Params::default().threshold)]
    pub threshold: f64,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Read at most this much of each record (bytes; K, M, G suffixes); a longer text is
    /// clustered on its first part.
    #[arg(long, value_name = "BYTES", default_value_t = Size(defaults::BATCH_MAX_DOC_BYTES))]
    pub max_doc_bytes: Size,
    /// No summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Rule packs and configuration of the checker whose score picks the representative of a
    /// two-member group.
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Where a document's line is, to read it again.
struct DocRef {
    line_no: u64,
    offset: u64,
    /// Bytes kept of the line (at most the cap).
    kept: u32,
    /// The line goes on past what was kept.
    cut: bool,
}

/// A line read in the first pass.
struct Line {
    line_no: u64,
    offset: u64,
    range: Range<usize>,
    len: usize,
}

#[derive(Default)]
struct Chunk {
    buf: Vec<u8>,
    lines: Vec<Line>,
    /// An input error after the last line: (line number, message).
    failed: Option<(u64, String)>,
    eof: bool,
}

/// Position in the input.
struct Cursor {
    line_no: u64,
    offset: u64,
    cap: usize,
}

pub fn run(args: ClusterArgs) -> CmdResult {
    let params = Params {
        threshold: args.threshold,
        ..Params::default()
    };
    params
        .validate()
        .map_err(|e| Error::msg(format!("--threshold: {e}")))?;
    // The session's check picks the representative of two members (or a tie): its full
    // score, `ngram.swap` included, names the original in 399 of 400 real pairs (without it,
    // most pairs tie and the longer text, often the spun copy, won). A document's check is
    // cut at 10 seconds, as in `score` (`CheckOptions::batch`).
    let session = args.session.builder().build();
    let input_path = (args.input != "-").then(|| std::path::Path::new(&args.input));
    let profile = session.profile(input_path)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    // One command per process: the global pool is this command's.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let file = open_input(&args.input).map_err(Error::msg)?;
    let mut sink = Out::open(args.output.as_deref())?;
    let fields = Fields {
        text: args.text_field.clone(),
        id: args.id_field.clone(),
    };
    let start = Instant::now();
    let cap = args.max_doc_bytes.0.saturating_add(LINE_SLACK);
    let summary = {
        let Signed { docs, sigs, errors } = sign_all(&file, cap, &fields, &params);
        let clusters = cluster::cluster(&sigs, &params);
        let out = Output {
            profile: &profile,
            check: CheckOptions {
                max_doc_bytes: args.max_doc_bytes.0,
                ..CheckOptions::batch()
            },
            file: &file,
            docs: &docs,
            sigs: &sigs,
            fields: &fields,
        };
        let written = out.write_all(&clusters.groups, &errors, args.singletons, &mut sink)?;
        Summary {
            docs: docs.len(),
            unsigned: sigs.iter().filter(|s| s.is_none()).count(),
            groups: clusters.groups.len(),
            grouped: clusters.groups.iter().map(Vec::len).sum(),
            errors: errors.len() + written.errors,
        }
    };
    sink.finish()?;
    if !args.quiet {
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{}: {} of 2 or more ({}), {} too short to group, {} ({:.1} s, {:.0} documents/s)",
            plural(summary.docs, "document"),
            plural(summary.groups, "group"),
            plural(summary.grouped, "document"),
            summary.unsigned,
            plural(summary.errors, "error"),
            secs,
            summary.docs as f64 / secs.max(1e-9)
        );
    }
    Ok(exit_code(summary.errors > 0, false))
}

struct Summary {
    docs: usize,
    unsigned: usize,
    groups: usize,
    grouped: usize,
    errors: usize,
}

/// The input as a file that can be read twice: a file as it is; standard input or a
/// compressed file (gzip, zstd, told by its first bytes) decompressed into an unnamed
/// temporary file (gone when closed, whatever happens).
fn open_input(input: &str) -> Result<File, String> {
    let mut f = if input == "-" {
        None
    } else {
        let f = File::open(input).map_err(|e| format!("{input}: cannot read: {e}"))?;
        if f.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(format!("{input}: is a folder, not a JSON Lines file"));
        }
        Some(f)
    };
    if let Some(file) = &mut f {
        let mut head = [0u8; 4];
        let n = file
            .read_at(&mut head, 0)
            .map_err(|e| format!("{input}: cannot read: {e}"))?;
        if super::input::Compression::sniff(&head[..n]).is_none() {
            return Ok(f.expect("a file"));
        }
    }
    let source: Box<dyn io::Read + Send> = match f {
        Some(file) => Box::new(file),
        None => Box::new(io::stdin()),
    };
    let (mut reader, _) =
        super::input::decompressing(source).map_err(|e| format!("{input}: cannot read: {e}"))?;
    let mut spool =
        tempfile::tempfile().map_err(|e| format!("cannot create a temporary file: {e}"))?;
    let mut w = io::BufWriter::with_capacity(1 << 20, &mut spool);
    io::copy(&mut reader, &mut w).map_err(|e| format!("{input}: cannot read: {e}"))?;
    w.flush()
        .map_err(|e| format!("cannot write a temporary file: {e}"))?;
    drop(w);
    spool
        .rewind()
        .map_err(|e| format!("cannot read a temporary file: {e}"))?;
    Ok(spool)
}

/// What the first pass keeps.
struct Signed {
    /// Where each document's line is.
    docs: Vec<DocRef>,
    /// Each document's signature (`None`: too short).
    sigs: Vec<Option<Signature>>,
    /// Records that could not be read: (line number, error).
    errors: Vec<(u64, RecordError)>,
}

/// First pass: every record's signature and where it is; records that could not be read.
fn sign_all(file: &File, cap: usize, fields: &Fields, params: &Params) -> Signed {
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut cur = Cursor {
        line_no: 0,
        offset: 0,
        cap,
    };
    let mut docs = Vec::new();
    let mut sigs = Vec::new();
    let mut errors = Vec::new();
    let mut chunk = read_chunk(&mut reader, &mut cur);
    loop {
        let last = chunk.eof;
        let (next, signed) = rayon::join(
            || (!last).then(|| read_chunk(&mut reader, &mut cur)),
            || sign_chunk(&chunk, fields, params),
        );
        for (line, result) in chunk.lines.iter().zip(signed) {
            match result {
                Ok(sig) => {
                    docs.push(DocRef {
                        line_no: line.line_no,
                        offset: line.offset,
                        kept: line.range.len() as u32,
                        cut: line.len > line.range.len(),
                    });
                    sigs.push(sig);
                }
                Err(e) => errors.push((line.line_no, e)),
            }
        }
        if let Some((line_no, message)) = chunk.failed.take() {
            errors.push((
                line_no,
                RecordError {
                    id: None,
                    line: line_no,
                    message,
                },
            ));
        }
        match next {
            Some(c) => chunk = c,
            None => break,
        }
    }
    Signed { docs, sigs, errors }
}

/// Read lines until the chunk is full or the input ends.
fn read_chunk(r: &mut impl BufRead, cur: &mut Cursor) -> Chunk {
    let mut c = Chunk {
        buf: Vec::with_capacity(CHUNK_BYTES + CHUNK_BYTES / 4),
        ..Chunk::default()
    };
    while c.buf.len() < CHUNK_BYTES && c.lines.len() < CHUNK_LINES {
        let start = c.buf.len();
        match batch::read_line_capped(r, &mut c.buf, cur.cap) {
            Ok(None) => {
                c.eof = true;
                break;
            }
            Ok(Some(len)) => {
                cur.line_no += 1;
                let offset = cur.offset;
                cur.offset += len as u64 + 1;
                if c.buf[start..].iter().all(u8::is_ascii_whitespace) {
                    c.buf.truncate(start);
                    continue;
                }
                c.lines.push(Line {
                    line_no: cur.line_no,
                    offset,
                    range: start..c.buf.len(),
                    len,
                });
            }
            Err(e) => {
                c.buf.truncate(start);
                let n = cur.line_no + 1;
                c.failed = Some((n, format!("line {n}: cannot read: {e}")));
                c.eof = true;
                break;
            }
        }
    }
    c
}

fn sign_chunk(
    c: &Chunk,
    fields: &Fields,
    params: &Params,
) -> Vec<Result<Option<Signature>, RecordError>> {
    c.lines
        .par_iter()
        .map(|l| {
            let rec = batch::parse_line(&c.buf[l.range.clone()], l.len, l.line_no, fields)?;
            Ok(cluster::signature(&rec.text, params))
        })
        .collect()
}

/// A group's output record.
#[derive(Serialize)]
struct GroupRec {
    group: usize,
    size: usize,
    /// `null` when the representative's line could not be read again.
    representative: Option<Id>,
    members: Vec<MemberRec>,
}

/// A member of a group: faithfulness against the representative (0-100) and estimated
/// similarity of the immutables (0-1), or why its line could not be read again. A record
/// that could not be read at all is `{"id", "line", "error"}` too: its id when it could be
/// read (else `null`) and always its line.
#[derive(Serialize)]
struct MemberRec {
    id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    faithfulness: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    similarity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// One output record, in input order.
enum Item {
    /// A group (indexes into the documents) and its number.
    Group(Vec<u32>, usize),
    /// An index into the errors.
    Error(usize),
}

struct Output<'a> {
    /// The configuration and checker of the input (for the representative's tie-break).
    profile: &'a Profile,
    /// What the tie-break check is given.
    check: CheckOptions,
    file: &'a File,
    docs: &'a [DocRef],
    sigs: &'a [Option<Signature>],
    fields: &'a Fields,
}

#[derive(Default)]
struct Written {
    /// Lines that could not be read again.
    errors: usize,
}

impl Output<'_> {
    /// Order the groups and errors by input line, render them on all cores, write in order.
    fn write_all(
        &self,
        groups: &[Vec<u32>],
        errors: &[(u64, RecordError)],
        singletons: bool,
        sink: &mut Out,
    ) -> Result<Written, Error> {
        let mut keyed: Vec<(u64, Item)> = Vec::with_capacity(groups.len() + errors.len());
        let mut in_group = vec![false; if singletons { self.docs.len() } else { 0 }];
        for g in groups {
            if singletons {
                for &m in g {
                    in_group[m as usize] = true;
                }
            }
            keyed.push((self.docs[g[0] as usize].line_no, Item::Group(g.clone(), 0)));
        }
        if singletons {
            for (i, _) in in_group.iter().enumerate().filter(|(_, &g)| !g) {
                keyed.push((self.docs[i].line_no, Item::Group(vec![i as u32], 0)));
            }
        }
        for (k, (line_no, _)) in errors.iter().enumerate() {
            keyed.push((*line_no, Item::Error(k)));
        }
        keyed.sort_by_key(|(line, _)| *line);
        let mut n = 0;
        for (_, item) in &mut keyed {
            if let Item::Group(_, no) = item {
                *no = n;
                n += 1;
            }
        }
        let mut written = Written::default();
        for chunk in keyed.chunks(OUT_CHUNK) {
            let rendered: Vec<(String, usize)> = chunk
                .par_iter()
                .map(|(_, item)| match item {
                    Item::Group(members, no) => self.render_group(members, *no),
                    Item::Error(k) => {
                        let e = &errors[*k].1;
                        let rec = MemberRec {
                            id: e.id.clone(),
                            line: Some(e.line),
                            faithfulness: None,
                            similarity: None,
                            error: Some(e.message.clone()),
                        };
                        (serde_json::to_string(&rec).expect("records serialize"), 0)
                    }
                })
                .collect();
            let mut buf = Vec::with_capacity(rendered.iter().map(|r| r.0.len() + 1).sum());
            for (line, errs) in rendered {
                buf.extend_from_slice(line.as_bytes());
                buf.push(b'\n');
                written.errors += errs;
            }
            sink.write(&buf)?;
        }
        Ok(written)
    }

    /// A group's record, and how many of its lines could not be read again.
    fn render_group(&self, members: &[u32], no: usize) -> (String, usize) {
        let mut lines = Vec::with_capacity(members.len());
        for &m in members {
            lines.push(self.read_line(&self.docs[m as usize]));
        }
        let parsed: Vec<Result<(Id, Cow<str>), RecordError>> = members
            .iter()
            .zip(&lines)
            .map(|(&m, line)| {
                let d = &self.docs[m as usize];
                let raw = line.as_ref().map_err(|m| RecordError {
                    id: None,
                    line: d.line_no,
                    message: m.clone(),
                })?;
                let len = raw.len() + usize::from(d.cut);
                batch::parse_line(raw, len, d.line_no, self.fields).map(|r| (r.id, r.text))
            })
            .collect();
        let texts: Vec<&str> = parsed
            .iter()
            .map(|p| p.as_ref().map_or("", |(_, t)| t.as_ref()))
            .collect();
        let sigs: Vec<Option<&Signature>> = members
            .iter()
            .map(|&m| self.sigs[m as usize].as_ref())
            .collect();
        let rep = cluster::representative(&sigs, &texts, &mut |i| self.score(texts[i]));
        let scores = cluster::faithfulness(&texts, rep);
        let rep_sig = sigs[rep];
        let mut errs = 0;
        let out: Vec<MemberRec> = members
            .iter()
            .zip(&parsed)
            .zip(&scores)
            .map(|((&m, p), score)| match p {
                Ok((id, _)) => MemberRec {
                    id: Some(id.clone()),
                    line: None,
                    faithfulness: Some(round(*score, 10.0)),
                    similarity: Some(match (rep_sig, self.sigs[m as usize].as_ref()) {
                        (Some(a), Some(b)) => round(a.similarity(b), 100.0),
                        _ => 1.0,
                    }),
                    error: None,
                },
                Err(e) => {
                    errs += 1;
                    MemberRec {
                        id: e.id.clone(),
                        line: Some(self.docs[m as usize].line_no),
                        faithfulness: None,
                        similarity: None,
                        error: Some(e.message.clone()),
                    }
                }
            })
            .collect();
        let representative = parsed[rep].as_ref().ok().map(|(id, _)| id.clone());
        let rec = GroupRec {
            group: no,
            size: members.len(),
            representative,
            members: out,
        };
        let line = serde_json::to_string(&rec).expect("records serialize");
        (line, errs)
    }

    /// A member's checker score (a document the checker fails on scores 0).
    fn score(&self, text: &str) -> f64 {
        let source = Source::text(text).format(unspun::Format::Plain);
        self.profile
            .check(&source, &self.check)
            .map_or(0.0, |c| c.report.score)
    }

    /// Read a document's line again (what the first pass kept of it).
    fn read_line(&self, d: &DocRef) -> Result<Vec<u8>, String> {
        let mut buf = vec![0u8; d.kept as usize];
        self.file
            .read_exact_at(&mut buf, d.offset)
            .map_err(|e| format!("line {}: cannot read again: {e}", d.line_no))?;
        Ok(buf)
    }
}

/// `1 group`, `2 groups`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn round(x: f64, by: f64) -> f64 {
    (x * by).round() / by
}
