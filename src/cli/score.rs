//! `unspun score`: batch scoring on all cores, in input order, in bounded memory.
//!
//! The pipeline: a reader thread cuts the inputs into batches (about [`BATCH_BYTES`] of input,
//! or one big document alone); worker threads parse, score and render whole batches; the main
//! thread writes the rendered batches in input order and draws the progress line. The reader
//! never runs more than [`WINDOW_PER_WORKER`] batches per worker ahead of the writer, so memory
//! stays bounded whatever the input size, and a single document is never read past
//! `--max-doc-bytes`.

use super::input::{self, Input};
use super::{budget, parse_secs, CmdResult, Error, Out, SessionArgs, Size};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use clap::{Args, ValueEnum};
use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use unspun::batch::{self, Fields, FindingsMode, Id, InputRecord, Record, RecordError};
use unspun::session::{CheckError, Notice, Profile};
use unspun::{defaults, CheckOptions, Source};

/// Input bytes per batch (a bigger document makes a batch of its own).
const BATCH_BYTES: usize = 256 * 1024;
/// Documents per batch at most.
const BATCH_DOCS: usize = 2048;
/// Batches in flight (read but not yet written) per worker.
const WINDOW_PER_WORKER: u64 = 4;
/// Room for the JSON around the text when reading a record line.
const LINE_SLACK: usize = 1 << 20;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// One JSON object per document.
    Jsonl,
    /// One row per document: id, path, score, words, counts per category, flagged, notice, error.
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingsArg {
    /// No findings in the records (scores and counts only).
    None,
    /// The 5 most confident findings, in text order.
    Top,
    /// Every finding.
    All,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// `.jsonl`/`.ndjson` files and stdin starting with `{` are JSON Lines, the rest are
    /// documents.
    Auto,
    /// Every input is JSON Lines.
    Jsonl,
    /// Every input is one document (Markdown and HTML files by their extension, the rest and
    /// stdin plain text).
    Text,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Exit codes: 0 all scored, 2 a document scored below --fail-under, 1 a record or input could not be scored (its output record has an \"error\"; every other record is still scored)."
)]
pub struct ScoreArgs {
    /// JSON Lines files (.jsonl, .ndjson), text files, folders (walked recursively, one
    /// document per file) or `-` for stdin.
    #[arg(value_name = "INPUT", default_value = "-")]
    pub inputs: Vec<String>,
    /// Write the records to FILE (atomically, via a temporary file) instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Jsonl)]
    pub format: OutFormat,
    /// Findings in each JSON record.
    #[arg(long, value_enum, default_value_t = FindingsArg::Top)]
    pub findings: FindingsArg,
    /// JSON field that holds the text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub text_field: String,
    /// JSON field that holds the id (default: the line number when the field is absent).
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id_field: String,
    /// How to read the inputs.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
    /// Add "flagged": true to records scoring below SCORE (false to the others).
    #[arg(long, value_name = "SCORE")]
    pub threshold: Option<f64>,
    /// Exit with 2 if any document scores below SCORE.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// Score at most this much of each text (bytes; K, M, G suffixes); a longer text is scored
    /// on its first part and its record says so in "notice". Scoring takes about 11 bytes of
    /// memory per byte of text (folded copy, tokens, offsets), so this bounds memory per worker.
    #[arg(long, value_name = "BYTES", default_value_t = Size(defaults::BATCH_MAX_DOC_BYTES))]
    pub max_doc_bytes: Size,
    /// Give each document at most this many seconds (0: no limit): a document that takes
    /// longer is scored on what was found until then, and its record says
    /// "truncated": "time budget", so one pathological document cannot stall the run.
    #[arg(long, value_name = "SECS", default_value_t = defaults::DOC_TIMEOUT.as_secs_f64(), value_parser = parse_secs)]
    pub doc_timeout: f64,
    /// No progress line and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub walk: input::WalkArgs,
    #[command(flatten)]
    pub session: SessionArgs,
}

/// One thing to score, as the reader found it.
enum Item {
    /// A JSON Lines record: its bytes are `buf[range]`, `len` is the whole line's length
    /// (more than the range when the line was cut).
    Line {
        src: Arc<str>,
        profile: Arc<Profile>,
        line_no: u64,
        range: Range<usize>,
        len: usize,
    },
    /// A plain-text document in `buf[range]`; `cut` when the file goes on past the cap.
    Text {
        src: Arc<str>,
        /// The file (its configuration's overrides and its markup apply).
        path: Option<PathBuf>,
        profile: Arc<Profile>,
        range: Range<usize>,
        cut: bool,
    },
    /// An input that could not be read.
    Failed {
        src: Arc<str>,
        line_no: Option<u64>,
        msg: String,
    },
}

struct Batch {
    seq: u64,
    buf: Vec<u8>,
    items: Vec<Item>,
    /// Input bytes this batch stands for.
    bytes: u64,
}

/// Per-batch (and total) figures.
#[derive(Default, Clone)]
struct Stats {
    docs: u64,
    errors: u64,
    bytes: u64,
    /// Scores by decile: [0,10), [10,20), ..., [90,100].
    deciles: [u64; 10],
    flagged: u64,
    /// Documents in another language (not scored as spun English).
    not_english: u64,
    below: u64,
    /// Binary files, not scored.
    skipped: u64,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.docs += o.docs;
        self.errors += o.errors;
        self.bytes += o.bytes;
        for (a, b) in self.deciles.iter_mut().zip(o.deciles) {
            *a += b;
        }
        self.flagged += o.flagged;
        self.not_english += o.not_english;
        self.below += o.below;
        self.skipped += o.skipped;
    }
}

struct Done {
    seq: u64,
    out: Vec<u8>,
    stats: Stats,
}

/// The reorder window: the reader may not start batch `s` before `s < written + size`.
struct Window {
    written: Mutex<u64>,
    cv: Condvar,
    size: u64,
}

impl Window {
    fn wait_for(&self, seq: u64) {
        let mut w = self.written.lock().expect("window lock");
        while seq >= *w + self.size {
            w = self.cv.wait(w).expect("window lock");
        }
    }

    fn advance(&self, written: u64) {
        *self.written.lock().expect("window lock") = written;
        self.cv.notify_all();
    }
}

/// What workers need to turn items into records.
struct Ctx {
    fields: Fields,
    findings: FindingsMode,
    format: OutFormat,
    threshold: Option<f64>,
    fail_under: Option<f64>,
    /// What the session's check is given: the size limit and the time budget.
    check: CheckOptions,
    /// Name the file in JSON Lines records too (several inputs).
    line_paths: bool,
}

pub fn run(args: ScoreArgs) -> CmdResult {
    let session = args.session.builder().build();
    let workers = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);

    // Expand the arguments one by one so a missing path keeps its place in the output; each
    // input gets the configuration that applies to it (an error in one ends the run here,
    // before anything is scored).
    let mut sources: Vec<Arg> = Vec::new();
    for p in &args.inputs {
        let found = input::collect_with(std::slice::from_ref(p), &args.walk, None);
        let dir = p != "-" && Path::new(p).is_dir();
        for n in &found.notices {
            eprintln!("notice: {n}");
        }
        for i in found.inputs {
            let path = match &i {
                Input::File(f) => Some(f.as_path()),
                Input::Stdin => None,
            };
            let profile = session.profile(path)?;
            sources.push(Arg::Input(i, dir, profile));
        }
        sources.extend(found.errors.into_iter().map(|e| Arg::Missing(p.clone(), e)));
    }
    let total_bytes = known_size(&sources);
    let line_paths = sources.len() > 1;

    let progress = !args.quiet && io::stderr().is_terminal();
    let mut sink = Out::open(args.output.as_deref())?;
    if args.format == OutFormat::Csv {
        sink.write(batch::CSV_HEADER)?;
    }

    let ctx = Arc::new(Ctx {
        fields: Fields {
            text: args.text_field.clone(),
            id: args.id_field.clone(),
        },
        findings: match args.findings {
            FindingsArg::None => FindingsMode::None,
            FindingsArg::Top => FindingsMode::Top(defaults::TOP_FINDINGS),
            FindingsArg::All => FindingsMode::All,
        },
        format: args.format,
        threshold: args.threshold,
        fail_under: args.fail_under,
        check: CheckOptions {
            max_doc_bytes: args.max_doc_bytes.0,
            time_budget: budget(args.doc_timeout),
            ..CheckOptions::default()
        },
        line_paths,
    });
    let window = Arc::new(Window {
        written: Mutex::new(0),
        cv: Condvar::new(),
        size: WINDOW_PER_WORKER * workers as u64 + 2,
    });
    let reader_cfg = ReaderCfg {
        format: args.input_format,
        max_doc: args.max_doc_bytes.0,
    };
    let start = Instant::now();
    let mut total = Stats::default();
    let mut bar = Progress::new(progress, total_bytes);

    // The reader and the workers are not joined when writing fails: the command returns (and
    // the process ends) at once, even with the reader waiting on its input.
    let (job_tx, job_rx) = mpsc::sync_channel::<Batch>(window.size as usize);
    let (done_tx, done_rx) = mpsc::sync_channel::<Done>(window.size as usize);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let mut threads = Vec::with_capacity(workers + 1);
    {
        let window = Arc::clone(&window);
        threads.push(std::thread::spawn(move || {
            read_all(sources, &reader_cfg, &window, job_tx)
        }));
    }
    for _ in 0..workers {
        let job_rx = Arc::clone(&job_rx);
        let done_tx = done_tx.clone();
        let ctx = Arc::clone(&ctx);
        threads.push(std::thread::spawn(move || work(&ctx, &job_rx, &done_tx)));
    }
    drop(done_tx);
    let written = write_all(&done_rx, &window, &mut sink, &mut total, &mut bar);
    if !matches!(written, Err(Error::Closed)) {
        bar.clear();
    }
    written?;
    for t in threads {
        let _ = t.join();
    }
    sink.finish()?;
    if !args.quiet {
        eprintln!("{}", summary(&total, start.elapsed(), &args));
    }
    Ok(ExitCode::from(if total.errors > 0 {
        EXIT_ERROR
    } else if total.below > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }))
}

/// An input argument, expanded.
enum Arg {
    /// A file or stdin; `true` when found by walking a folder (a document per file then);
    /// the configuration that applies to it.
    Input(Input, bool, Arc<Profile>),
    /// A path that does not exist or could not be walked: the argument and the message.
    Missing(String, String),
}

/// Total input size when every input is a regular file (for the ETA).
fn known_size(sources: &[Arg]) -> Option<u64> {
    let mut total = 0;
    for s in sources {
        let meta = match s {
            Arg::Input(Input::File(p), ..) => std::fs::metadata(p).ok()?,
            Arg::Input(Input::Stdin, ..) => std::fs::metadata("/dev/stdin").ok()?,
            Arg::Missing(..) => continue,
        };
        if !meta.is_file() {
            return None;
        }
        total += meta.len();
    }
    Some(total)
}

struct ReaderCfg {
    format: InputFormat,
    max_doc: usize,
}

/// Cuts the inputs into batches and hands them to the workers, staying within the window.
struct Batcher<'a> {
    cur: Batch,
    window: &'a Window,
    tx: SyncSender<Batch>,
}

impl Batcher<'_> {
    fn full(&self) -> bool {
        self.cur.buf.len() >= BATCH_BYTES || self.cur.items.len() >= BATCH_DOCS
    }

    /// Send the current batch (if it has anything). `false` when nobody listens any more.
    fn flush(&mut self) -> bool {
        if self.cur.items.is_empty() {
            // Bytes of blank lines still count as read.
            if self.cur.bytes == 0 {
                return true;
            }
        }
        let seq = self.cur.seq;
        self.window.wait_for(seq);
        let next = Batch {
            seq: seq + 1,
            buf: Vec::with_capacity(BATCH_BYTES + BATCH_BYTES / 4),
            items: Vec::new(),
            bytes: 0,
        };
        let b = std::mem::replace(&mut self.cur, next);
        self.tx.send(b).is_ok()
    }

    fn failed(&mut self, src: &Arc<str>, line_no: Option<u64>, msg: String) {
        self.cur.items.push(Item::Failed {
            src: Arc::clone(src),
            line_no,
            msg,
        });
    }
}

fn read_all(sources: Vec<Arg>, cfg: &ReaderCfg, window: &Window, tx: SyncSender<Batch>) {
    let mut b = Batcher {
        cur: Batch {
            seq: 0,
            buf: Vec::with_capacity(BATCH_BYTES + BATCH_BYTES / 4),
            items: Vec::new(),
            bytes: 0,
        },
        window,
        tx,
    };
    for source in sources {
        let (inp, walked, profile) = match source {
            Arg::Input(i, walked, profile) => (i, walked, profile),
            Arg::Missing(arg, msg) => {
                b.failed(&Arc::from(arg.as_str()), None, msg);
                if b.full() && !b.flush() {
                    return;
                }
                continue;
            }
        };
        let label: Arc<str> = Arc::from(inp.label().as_str());
        let origin = Origin {
            label: Arc::clone(&label),
            path: match &inp {
                Input::File(p) => Some(p.clone()),
                Input::Stdin => None,
            },
            profile,
        };
        // Compressed inputs (gzip, zstd) are read decompressed.
        let reader: Box<dyn BufRead> = match input::open(&inp) {
            Ok((r, _)) => r,
            Err(e) => {
                b.failed(&label, None, format!("{label}: cannot read: {e}"));
                if b.full() && !b.flush() {
                    return;
                }
                continue;
            }
        };
        let ok = match (cfg.format, &inp) {
            (InputFormat::Jsonl, _) => read_lines(reader, &origin, cfg, &mut b),
            (InputFormat::Text, _) => read_text(reader, &origin, cfg, &mut b),
            (InputFormat::Auto, Input::File(p)) => {
                if !walked && input::is_jsonl_path(p) {
                    read_lines(reader, &origin, cfg, &mut b)
                } else {
                    read_text(reader, &origin, cfg, &mut b)
                }
            }
            (InputFormat::Auto, Input::Stdin) => {
                let (is_json, reader) = match sniff(reader) {
                    Ok(x) => x,
                    Err(e) => {
                        b.failed(&label, None, format!("-: cannot read: {e}"));
                        continue;
                    }
                };
                if is_json {
                    read_lines(reader, &origin, cfg, &mut b)
                } else {
                    read_text(reader, &origin, cfg, &mut b)
                }
            }
        };
        if !ok {
            return;
        }
    }
    b.flush();
}

/// Where the items of one input come from.
struct Origin {
    /// The input's name.
    label: Arc<str>,
    /// Its path (none for stdin).
    path: Option<PathBuf>,
    /// Its configuration and checker.
    profile: Arc<Profile>,
}

/// Does the input start (after a UTF-8 byte-order mark and white space) with `{`? The bytes
/// looked at are put back.
fn sniff(mut r: Box<dyn BufRead>) -> io::Result<(bool, Box<dyn BufRead>)> {
    let mut seen = Vec::new();
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok((false, Box::new(io::Cursor::new(seen).chain(r))));
        }
        // A byte-order mark at the very start is looked through (it is dropped from line 1).
        let bom = if seen.is_empty() && avail.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        match avail[bom..]
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map(|i| i + bom)
        {
            Some(i) => {
                let json = avail[i] == b'{';
                if seen.is_empty() {
                    return Ok((json, r));
                }
                return Ok((json, Box::new(io::Cursor::new(seen).chain(r))));
            }
            None => {
                let n = avail.len();
                seen.extend_from_slice(avail);
                r.consume(n);
            }
        }
    }
}

/// Read JSON Lines records. `false` when the run is over (nobody listens).
fn read_lines(mut r: Box<dyn BufRead>, origin: &Origin, cfg: &ReaderCfg, b: &mut Batcher) -> bool {
    let label = &origin.label;
    let cap = cfg.max_doc.saturating_add(LINE_SLACK);
    let mut line_no = 0u64;
    loop {
        let start = b.cur.buf.len();
        match batch::read_line_capped(&mut r, &mut b.cur.buf, cap) {
            Ok(None) => return true,
            Ok(Some(len)) => {
                line_no += 1;
                b.cur.bytes += len as u64 + 1;
                let line = &b.cur.buf[start..];
                if line.iter().all(|c| c.is_ascii_whitespace()) {
                    b.cur.buf.truncate(start);
                } else {
                    let end = b.cur.buf.len();
                    b.cur.items.push(Item::Line {
                        src: Arc::clone(label),
                        profile: Arc::clone(&origin.profile),
                        line_no,
                        range: start..end,
                        len,
                    });
                }
            }
            Err(e) => {
                b.cur.buf.truncate(start);
                b.failed(
                    label,
                    Some(line_no + 1),
                    format!("line {}: cannot read: {e}", line_no + 1),
                );
                return !b.full() || b.flush();
            }
        }
        if b.full() && !b.flush() {
            return false;
        }
    }
}

/// Read one plain-text document (at most `max_doc` bytes of it).
fn read_text(r: Box<dyn BufRead>, origin: &Origin, cfg: &ReaderCfg, b: &mut Batcher) -> bool {
    let label = &origin.label;
    // A big document goes into a batch of its own.
    if !b.cur.items.is_empty() && b.cur.buf.len() >= BATCH_BYTES / 2 && !b.flush() {
        return false;
    }
    let start = b.cur.buf.len();
    let mut limited = r.take(cfg.max_doc as u64);
    match limited.read_to_end(&mut b.cur.buf) {
        Ok(n) => {
            let mut r = limited.into_inner();
            let cut = n == cfg.max_doc && r.fill_buf().is_ok_and(|rest| !rest.is_empty());
            b.cur.bytes += n as u64;
            let end = b.cur.buf.len();
            b.cur.items.push(Item::Text {
                src: Arc::clone(label),
                path: origin.path.clone(),
                profile: Arc::clone(&origin.profile),
                range: start..end,
                cut,
            });
        }
        Err(e) => {
            b.cur.buf.truncate(start);
            b.failed(label, None, format!("{label}: cannot read: {e}"));
        }
    }
    !b.full() || b.flush()
}

fn work(ctx: &Ctx, jobs: &Mutex<Receiver<Batch>>, done: &SyncSender<Done>) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(batch) = job else { return };
        let d = score_batch(ctx, batch);
        if done.send(d).is_err() {
            return;
        }
    }
}

fn score_batch(ctx: &Ctx, batch: Batch) -> Done {
    let mut out = Vec::with_capacity(batch.items.len() * 256);
    let mut stats = Stats {
        bytes: batch.bytes,
        ..Stats::default()
    };
    for item in &batch.items {
        match item {
            Item::Line {
                src,
                profile,
                line_no,
                range,
                len,
            } => {
                let mut raw = &batch.buf[range.clone()];
                if let [rest @ .., b'\r'] = raw {
                    raw = rest;
                }
                if *line_no == 1 {
                    raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
                }
                let cut = *len > range.len();
                let mut notices = Vec::new();
                let line;
                let parsed: Result<InputRecord, RecordError> = if cut {
                    batch::parse_truncated_record(raw, *line_no, &ctx.fields)
                } else {
                    // Bytes that are not UTF-8 are replaced by U+FFFD (flagged by
                    // `input.invalid-utf8` when they are in the text), not fatal.
                    // One validation: the lossy copy is only made for a line that fails it.
                    line = match std::str::from_utf8(raw) {
                        Ok(s) => std::borrow::Cow::Borrowed(s),
                        Err(e) => {
                            let col = e.valid_up_to() + 1;
                            notices.push(format!(
                                "line {line_no}: invalid UTF-8 at column {col}, replaced by U+FFFD"
                            ));
                            batch::line_lossy(raw)
                        }
                    };
                    batch::parse_record(&line, *line_no, &ctx.fields)
                };
                let path = ctx.line_paths.then_some(&**src);
                match parsed {
                    Ok(rec) => {
                        // A record is plain text, whatever its file is called.
                        let mut source = Source::text(&rec.text).format(unspun::Format::Plain);
                        if cut {
                            source = source.cut(Some(*len as u64));
                        }
                        let doc = Doc {
                            id: Some(&rec.id),
                            line: Some(*line_no),
                            path,
                            source,
                            notices,
                            cut_notice: &|kept| {
                                format!(
                                    "record is {len} bytes, text longer than --max-doc-bytes: \
                                     scored its first {kept} bytes"
                                )
                            },
                        };
                        score_one(ctx, profile, doc, &mut out, &mut stats);
                    }
                    Err(e) => emit_record_error(ctx, &e, path, &mut out, &mut stats),
                }
            }
            Item::Text {
                src,
                path,
                profile,
                range,
                cut,
            } => {
                let bytes = &batch.buf[range.clone()];
                let mut source = Source::bytes(bytes);
                if let Some(p) = path {
                    // Its configuration's overrides and its markup (Markdown, HTML) apply.
                    source = source.path(p);
                }
                if *cut {
                    source = source.cut(None);
                }
                let doc = Doc {
                    id: None,
                    line: None,
                    path: Some(src),
                    source,
                    notices: Vec::new(),
                    cut_notice: &|kept| {
                        format!("text longer than --max-doc-bytes: scored its first {kept} bytes")
                    },
                };
                score_one(ctx, profile, doc, &mut out, &mut stats);
            }
            Item::Failed { src, line_no, msg } => {
                let path = (line_no.is_none() || ctx.line_paths).then_some(&**src);
                match line_no {
                    Some(n) => {
                        let e = RecordError {
                            id: None,
                            line: *n,
                            message: msg.clone(),
                        };
                        emit_record_error(ctx, &e, path, &mut out, &mut stats);
                    }
                    None => emit_failed(ctx, None, path, msg.clone(), &mut out, &mut stats),
                }
            }
        }
    }
    Done {
        seq: batch.seq,
        out,
        stats,
    }
}

/// A document to score and what the record says about it besides the score.
struct Doc<'a> {
    id: Option<&'a Id>,
    /// The JSON Lines record's line.
    line: Option<u64>,
    path: Option<&'a str>,
    source: Source<'a>,
    /// For the record's `notice`, before the session's own.
    notices: Vec<String>,
    /// The notice of a text cut to its first `kept` bytes.
    cut_notice: &'a dyn Fn(usize) -> String,
}

fn score_one(ctx: &Ctx, profile: &Profile, doc: Doc, out: &mut Vec<u8>, stats: &mut Stats) {
    let Doc {
        id,
        line,
        path,
        source,
        mut notices,
        cut_notice,
    } = doc;
    let checked = match profile.check(&source, &ctx.check) {
        Ok(c) => c,
        Err(CheckError::Binary(why)) => {
            stats.docs += 1;
            stats.skipped += 1;
            let mut rec = Record::failed(None, path, String::new());
            rec.error = None;
            rec.skipped = Some(format!("{why}: not scored"));
            return emit(ctx, &rec, out);
        }
        // A bug in a detector must not lose the other records: the document gets an error
        // record with the panic's message.
        Err(CheckError::Internal(what)) => {
            let msg =
                format!("internal error while scoring this document: {what} (please report it)");
            if let Some(line) = line {
                let e = RecordError {
                    id: id.cloned(),
                    line,
                    message: msg,
                };
                return emit_record_error(ctx, &e, path, out, stats);
            }
            return emit_failed(ctx, id, path, msg, out, stats);
        }
        Err(e) => {
            if let Some(line) = line {
                let e = RecordError {
                    id: id.cloned(),
                    line,
                    message: e.to_string(),
                };
                return emit_record_error(ctx, &e, path, out, stats);
            }
            return emit_failed(ctx, id, path, e.to_string(), out, stats);
        }
    };
    for n in &checked.notices {
        notices.push(match n {
            Notice::Cut { kept, .. } => cut_notice(*kept),
            Notice::TimeBudget => {
                "the time budget (--doc-timeout) ran out: scored on the findings until then"
                    .to_string()
            }
        });
    }
    let report = &checked.report;
    let mut rec = Record::scored(id, path, report, ctx.findings, ctx.threshold);
    rec.notice = (!notices.is_empty()).then(|| notices.join("; "));
    stats.docs += 1;
    stats.deciles[((report.score / 10.0) as usize).min(9)] += 1;
    if rec.flagged == Some(true) {
        stats.flagged += 1;
    }
    if ctx
        .fail_under
        .is_some_and(|f| report.is_english() && report.score < f)
    {
        stats.below += 1;
    }
    if !report.is_english() {
        stats.not_english += 1;
    }
    emit(ctx, &rec, out);
}

/// The error record of a JSON Lines record: its id when it could be read, and its line.
fn emit_record_error(
    ctx: &Ctx,
    e: &RecordError,
    path: Option<&str>,
    out: &mut Vec<u8>,
    stats: &mut Stats,
) {
    stats.docs += 1;
    stats.errors += 1;
    emit(ctx, &Record::failed_line(e, path), out);
}

fn emit_failed(
    ctx: &Ctx,
    id: Option<&Id>,
    path: Option<&str>,
    msg: String,
    out: &mut Vec<u8>,
    stats: &mut Stats,
) {
    stats.docs += 1;
    stats.errors += 1;
    emit(ctx, &Record::failed(id, path, msg), out);
}

fn emit(ctx: &Ctx, rec: &Record, out: &mut Vec<u8>) {
    match ctx.format {
        OutFormat::Jsonl => rec.write_json(out),
        OutFormat::Csv => rec.write_csv(out),
    }
}

/// Receive scored batches, write them in input order, keep the progress line fresh.
fn write_all(
    rx: &Receiver<Done>,
    window: &Window,
    sink: &mut Out,
    total: &mut Stats,
    bar: &mut Progress,
) -> Result<(), Error> {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    loop {
        match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(d) => {
                pending.insert(d.seq, d);
                let before = next;
                while let Some(d) = pending.remove(&next) {
                    sink.write(&d.out)?;
                    total.add(&d.stats);
                    next += 1;
                }
                if next != before {
                    window.advance(next);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        bar.tick(total);
    }
    debug_assert!(pending.is_empty());
    Ok(())
}

/// The progress line on a terminal's stderr.
struct Progress {
    on: bool,
    total: Option<u64>,
    start: Instant,
    last: Instant,
    drawn: bool,
}

impl Progress {
    fn new(on: bool, total: Option<u64>) -> Progress {
        let now = Instant::now();
        Progress {
            on,
            total,
            start: now,
            last: now,
            drawn: false,
        }
    }

    fn tick(&mut self, s: &Stats) {
        if !self.on || self.last.elapsed() < Duration::from_millis(200) {
            return;
        }
        self.last = Instant::now();
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let mb = s.bytes as f64 / 1e6;
        let rate = mb / secs;
        let mut line = format!("\r\x1b[K{} docs  {:.1} MB  {:.1} MB/s", s.docs, mb, rate);
        if let Some(total) = self.total.filter(|&t| t > 0) {
            let frac = (s.bytes as f64 / total as f64).min(1.0);
            let filled = (frac * 20.0) as usize;
            let eta = if rate > 0.0 {
                ((total as f64 / 1e6 - mb).max(0.0) / rate) as u64
            } else {
                0
            };
            line.push_str(&format!(
                "  [{}{}] {:.0}%  ETA {}:{:02}",
                "#".repeat(filled),
                ".".repeat(20 - filled),
                frac * 100.0,
                eta / 60,
                eta % 60
            ));
        }
        let mut err = io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let _ = io::stderr().write_all(b"\r\x1b[K");
            self.drawn = false;
        }
    }
}

/// `1200 documents (3 errors), 210.3 MB in 2.1 s = 100.1 MB/s; scores by decile: ...`
fn summary(s: &Stats, elapsed: Duration, args: &ScoreArgs) -> String {
    let secs = elapsed.as_secs_f64().max(1e-6);
    let mb = s.bytes as f64 / 1e6;
    let deciles: Vec<String> = s
        .deciles
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{}-{}: {n}", i * 10, i * 10 + 10))
        .collect();
    let skipped = if s.skipped > 0 {
        format!(", {} skipped", s.skipped)
    } else {
        String::new()
    };
    let mut line = format!(
        "{} document{} ({} error{}{skipped}), {:.1} MB in {:.2} s = {:.1} MB/s; scores by decile: {}",
        s.docs,
        if s.docs == 1 { "" } else { "s" },
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        mb,
        secs,
        mb / secs,
        deciles.join(", ")
    );
    if s.not_english > 0 {
        line.push_str(&format!("; {} not English (not scored)", s.not_english));
    }
    if let Some(t) = args.threshold {
        line.push_str(&format!("; {} flagged below {t}", s.flagged));
    }
    if let Some(f) = args.fail_under {
        line.push_str(&format!("; {} below --fail-under {f}", s.below));
    }
    line
}
