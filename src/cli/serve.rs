//! `unspun serve`: a local web page for editors, a small JSON API and a LanguageTool-compatible
//! endpoint.
//!
//! A plain HTTP/1.1 server on `std::net`: requests are parsed with `httparse`. Each connection
//! gets a thread of its own, up to `--max-connections` at once, plus [`HEALTH_SLOTS`] kept for
//! `GET /healthz` (beyond both, 503 at once). A connection has `--header-timeout` seconds to
//! send its request head and `--timeout` seconds for the whole request; every response closes
//! the connection.
//!
//! Memory is bounded at every step:
//! * a connection's read buffer holds at most one request head, or one chunk-size or trailer
//!   line, plus one read: consumed bytes are dropped, chunk extensions and trailers are
//!   bounded ([`MAX_CHUNK_LINE`], [`MAX_TRAILERS`], [`MAX_FRAMING`]);
//! * bodies are refused past `--max-body` whatever the headers say, and the bytes of bodies
//!   and answers held at once across all connections are capped by `--max-inflight` (a
//!   request waits for room until its deadline, then gets 503);
//! * checks run at most `--workers` at a time, on at most [`CHECK_TEXT`] bytes of text
//!   together (a larger text runs alone), each within `--doc-timeout`;
//! * an answer lists at most `--max-findings` findings and [`MAX_ANSWER`] bytes of them, and
//!   says `"truncated": "max-findings"` when it had to leave some out.
//!
//! Requests whose `Host` is not one the server was bound for (or `--allow-host`) get 403, so a
//! DNS-rebinding page cannot read the API. `--cors-origin` lets the given origins (a browser
//! extension's) read answers; their `OPTIONS` preflights are answered.
//!
//! Routes:
//!
//! * `GET /`, `/unspun.css`, `/app.js`: the page (all assets are compiled in)
//! * `POST /api/check` with `{"text": "…", "format": "text|markdown|html", "path": "…"}`:
//!   the document object
//! * `GET /api/rules`: the rule table
//! * `GET /healthz`
//! * `POST /v2/check`, `GET /v2/languages`: LanguageTool's HTTP API (see `serve_lt.rs`)

#[path = "serve_lt.rs"]
mod lt;

use super::{budget, exit_code, parse_secs, parse_size, CmdResult, Error, SessionArgs, Size};
use clap::Args;
use serde::Deserialize;
use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use unspun::report::html;
use unspun::session::Profile;
use unspun::{defaults, CheckOptions, Checker, Report, Source};

/// Longest request head (request line and headers) accepted.
const MAX_HEAD: usize = 16 * 1024;
/// Longest chunk-size line (the size and its extensions, which are ignored).
const MAX_CHUNK_LINE: usize = 1024;
/// Most bytes of trailer lines after a chunked body.
const MAX_TRAILERS: usize = 16 * 1024;
/// Most bytes of chunk framing (size lines, extensions, line breaks) in one body: a body sent
/// in one-byte chunks is refused instead of costing five bytes of parsing per byte.
const MAX_FRAMING: usize = 1024 * 1024;
/// Connections kept, beyond `--max-connections`, for `GET /healthz` only.
pub const HEALTH_SLOTS: usize = 4;
/// Time a connection in a health slot has to send its head.
const HEALTH_HEAD_TIMEOUT: Duration = Duration::from_secs(2);
/// Checks run together on at most this many bytes of text (one larger text runs alone): a
/// check's working memory grows with its text.
pub const CHECK_TEXT: usize = 1024 * 1024;
/// Most bytes of findings in one answer.
pub const MAX_ANSWER: usize = 8 * 1024 * 1024;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. The default is loopback only; give e.g. `0.0.0.0:7878` to serve
    /// other machines too (anyone who can reach it can use it).
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: String,
    /// Largest request body accepted (bytes; K and M suffixes are binary), larger ones get 413.
    #[arg(long, value_name = "SIZE", default_value = "5M", value_parser = parse_size)]
    pub max_body: usize,
    /// Bytes of request bodies and answers held at once across all connections (at least
    /// --max-body); a request beyond waits for room until its --timeout, then gets 503.
    #[arg(long, value_name = "SIZE", default_value = "32M", value_parser = parse_size)]
    pub max_inflight: usize,
    /// Checks run at once (a request beyond waits for one to finish, up to --timeout, then
    /// gets 503).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: u16,
    /// Connections handled at once (sending a request, waiting for a check or being
    /// answered); more are turned away with 503 at once. A few more are kept for /healthz.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub max_connections: u16,
    /// Seconds one check may take (0: no limit); a longer one answers with what was found by
    /// then and "truncated": "time budget".
    #[arg(long, value_name = "SECS", default_value_t = defaults::DOC_TIMEOUT.as_secs_f64(), value_parser = parse_secs)]
    pub doc_timeout: f64,
    /// Check at most this much of each text (bytes; K, M, G suffixes): a longer one is checked
    /// on its first part, and says "truncated": "max-doc-bytes".
    #[arg(long, value_name = "BYTES", default_value_t = Size(defaults::CHECK_MAX_DOC_BYTES))]
    pub max_doc_bytes: Size,
    /// Findings listed in one answer at most (the first by position; the others still count
    /// in the score, and the answer says "truncated": "max-findings").
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub max_findings: u64,
    /// Seconds a client has to send its whole request (slower ones are cut off).
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Seconds a client has to send its request head (request line and headers).
    #[arg(long, value_name = "SECS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Also accept requests for this host name (the `Host` header), e.g. the machine's name
    /// when serving other machines; repeat for more, `*` for any. By default only the address
    /// listened on (and `localhost` on loopback) is accepted, so a DNS-rebinding page cannot
    /// use the server.
    #[arg(long, value_name = "HOST")]
    pub allow_host: Vec<String>,
    /// Let pages or browser extensions of this origin read answers (CORS), e.g.
    /// `chrome-extension://ID` or `app://obsidian.md`; repeat for more, `*` for any origin.
    #[arg(long, value_name = "ORIGIN")]
    pub cors_origin: Vec<String>,
    /// Rule packs, and the configuration found from the current folder when the server starts
    /// (a request's `path` picks its `[[overrides]]`).
    #[command(flatten)]
    pub session: SessionArgs,
}

/// What every connection shares.
struct App {
    /// The configuration and checker every request is checked with (both APIs).
    profile: Arc<Profile>,
    /// What each check is given (the time budget, the size cap).
    check: CheckOptions,
    /// Checks running now: at most `workers`, on at most [`CHECK_TEXT`] bytes together.
    checks: Checks,
    /// Bytes of bodies and answers held now.
    inflight: Budget,
    max_body: usize,
    max_findings: usize,
    timeout: Duration,
    header_timeout: Duration,
    hosts: Hosts,
    cors: Cors,
    rules_json: Vec<u8>,
    app_js: Vec<u8>,
    lt_rules: lt::RuleInfo,
}

/// Admission of checks: at most `max` at once, on at most `bytes` of text together, except
/// that one check always runs when no other does.
struct Checks {
    state: Mutex<(usize, usize)>,
    freed: Condvar,
    max: usize,
    bytes: usize,
}

impl Checks {
    fn new(max: usize, bytes: usize) -> Checks {
        Checks {
            state: Mutex::new((0, 0)),
            freed: Condvar::new(),
            max,
            bytes,
        }
    }

    /// Start a check of `len` bytes, waiting until `deadline` at most.
    fn acquire(&self, len: usize, deadline: Instant) -> Option<CheckSlot<'_>> {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while s.0 >= self.max || (s.0 > 0 && s.1.saturating_add(len) > self.bytes) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            s = self
                .freed
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        s.0 += 1;
        s.1 += len;
        Some(CheckSlot(self, len))
    }
}

struct CheckSlot<'a>(&'a Checks, usize);

impl Drop for CheckSlot<'_> {
    fn drop(&mut self) {
        let mut s = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 -= 1;
        s.1 -= self.1;
        // Several waiters may fit in what was freed.
        self.0.freed.notify_all();
    }
}

/// A budget of bytes shared by all connections.
struct Budget {
    used: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

impl Budget {
    fn new(max: usize) -> Budget {
        Budget {
            used: Mutex::new(0),
            freed: Condvar::new(),
            max,
        }
    }

    /// A charge of nothing yet, released when dropped.
    fn charge(&self) -> Charge<'_> {
        Charge {
            budget: self,
            held: 0,
        }
    }
}

/// Bytes one request holds of the [`Budget`].
struct Charge<'a> {
    budget: &'a Budget,
    held: usize,
}

impl Charge<'_> {
    /// Hold `n` more bytes, waiting for room until `deadline`; `false` if there was none.
    fn grow(&mut self, n: usize, deadline: Instant) -> bool {
        let b = self.budget;
        let mut used = b.used.lock().unwrap_or_else(|e| e.into_inner());
        while used.saturating_add(n) > b.max {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || n > b.max {
                return false;
            }
            used = b
                .freed
                .wait_timeout(used, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *used += n;
        self.held += n;
        true
    }

    /// Hold exactly `n` bytes from now on, without waiting: for an answer already built (it
    /// may take the budget over its limit by what is being answered; new requests then wait).
    fn set(&mut self, n: usize) {
        let b = self.budget;
        let mut used = b.used.lock().unwrap_or_else(|e| e.into_inner());
        *used = *used - self.held + n;
        let freed = n < self.held;
        self.held = n;
        if freed {
            b.freed.notify_all();
        }
    }
}

impl Drop for Charge<'_> {
    fn drop(&mut self) {
        if self.held > 0 {
            self.set(0);
        }
    }
}

/// Counts a connection as open while it lives.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Which `Host` headers are accepted.
struct Hosts {
    /// The address listened on.
    local: IpAddr,
    /// Extra names (`--allow-host`), lower case.
    names: Vec<String>,
    /// `--allow-host '*'`.
    any: bool,
}

impl Hosts {
    fn new(local: IpAddr, allow: &[String]) -> Hosts {
        let names: Vec<String> = allow
            .iter()
            .map(|h| normalize_host(h).unwrap_or_default())
            .collect();
        Hosts {
            local,
            any: allow.iter().any(|h| h.trim() == "*"),
            names,
        }
    }

    /// May a request with this `Host` header be answered? Browsers always send one; a request
    /// without it (HTTP/1.0 tools) cannot come from a rebinding page.
    fn allowed(&self, host: Option<&str>) -> bool {
        let Some(host) = host else {
            return true;
        };
        if self.any {
            return true;
        }
        let Some(name) = normalize_host(host) else {
            return false;
        };
        if self.names.contains(&name) {
            return true;
        }
        let name_ip = name.trim_start_matches('[').trim_end_matches(']');
        match name_ip.parse::<IpAddr>() {
            // An IP address cannot be rebound; accept the one listened on (any, when listening
            // on all addresses) and loopback for loopback.
            Ok(ip) => {
                self.local.is_unspecified()
                    || ip == self.local
                    || (ip.is_loopback() && self.local.is_loopback())
            }
            Err(_) => {
                name == "localhost" && (self.local.is_loopback() || self.local.is_unspecified())
            }
        }
    }
}

/// The host name of a `Host` header (or `--allow-host` value) without its port, in lower case
/// and without a trailing dot; IPv6 addresses keep their brackets.
fn normalize_host(h: &str) -> Option<String> {
    let h = h.trim();
    let name = if h.starts_with('[') {
        let end = h.find(']')?;
        let rest = &h[end + 1..];
        if !(rest.is_empty() || rest.strip_prefix(':')?.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        &h[..=end]
    } else {
        match h.rsplit_once(':') {
            Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
            Some(_) => return None,
            None => h,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// Origins that may read answers (`--cors-origin`).
struct Cors {
    origins: Vec<String>,
    any: bool,
}

impl Cors {
    fn new(origins: &[String]) -> Cors {
        Cors {
            any: origins.iter().any(|o| o.trim() == "*"),
            origins: origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .collect(),
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, if it is allowed.
    fn allow(&self, origin: Option<&str>) -> Option<String> {
        let origin = origin?.trim();
        if self.any || self.origins.contains(&origin.to_ascii_lowercase()) {
            Some(origin.to_string())
        } else {
            None
        }
    }
}

pub fn run(args: ServeArgs) -> CmdResult {
    cap_malloc_arenas();
    let max_findings = usize::try_from(args.max_findings).unwrap_or(usize::MAX);
    let profile = args
        .session
        .builder()
        .max_findings(max_findings)
        .build()
        .profile(None)?;
    let check = CheckOptions {
        max_doc_bytes: args.max_doc_bytes.0,
        time_budget: budget(args.doc_timeout),
        ..CheckOptions::default()
    };
    let cannot_listen =
        |e: std::io::Error| Error::msg(format!("cannot listen on {}: {e}", args.addr));
    let listener = TcpListener::bind(&args.addr).map_err(cannot_listen)?;
    let local = listener.local_addr().map_err(cannot_listen)?;
    if !local.ip().is_loopback() {
        eprintln!(
            "warning: listening on {local}, not only on this machine: anyone who can reach it can use it"
        );
    }
    if args.cors_origin.iter().any(|o| o.trim() == "*") {
        eprintln!(
            "warning: --cors-origin '*': any web page you visit can read this server's answers"
        );
    }
    let rules_json = rules_json(profile.checker());
    let lt_rules = lt::RuleInfo::new(profile.checker());
    let app = Arc::new(App {
        profile,
        check,
        checks: Checks::new(usize::from(args.workers), CHECK_TEXT),
        inflight: Budget::new(args.max_inflight.max(args.max_body)),
        max_body: args.max_body,
        max_findings,
        timeout: Duration::from_secs(args.timeout),
        header_timeout: Duration::from_secs(args.header_timeout),
        hosts: Hosts::new(local.ip(), &args.allow_host),
        cors: Cors::new(&args.cors_origin),
        rules_json,
        app_js: html::app_script().into_bytes(),
        lt_rules,
    });
    let url = match local {
        SocketAddr::V4(a) => format!("http://{a}/"),
        SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "unspun: serving {url} (Ctrl+C to stop)");
        let _ = out.flush();
    }
    let open = Arc::new(AtomicUsize::new(0));
    let max = usize::from(args.max_connections);
    for conn in listener.incoming() {
        let stream = match conn {
            Ok(s) => s,
            // Out of file descriptors and the like: wait a moment instead of spinning.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let before = open.fetch_add(1, Ordering::AcqRel);
        if before >= max + HEALTH_SLOTS {
            open.fetch_sub(1, Ordering::AcqRel);
            turn_away(stream);
            continue;
        }
        // Past --max-connections, a connection may only ask for /healthz.
        let health_only = before >= max;
        let guard = Open(Arc::clone(&open));
        let app = Arc::clone(&app);
        let spawned = std::thread::Builder::new()
            .name("unspun-http".into())
            .spawn(move || {
                let _open = guard;
                connection(&app, stream, health_only)
            });
        if spawned.is_err() {
            // The guard went with the closure and was dropped; the stream too.
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Ok(exit_code(false, false))
}

/// Answer 503 without waiting on the client: the response fits in the socket buffer.
/// glibc's malloc gives each thread that allocates under contention an arena of its own (up to
/// eight per core) and keeps what is freed there for that arena: with a thread per connection,
/// the request bodies and check buffers of many connections stay resident after they are
/// freed (the hostile-clients test saw the peak vary from 250 to 360 MB). Two arenas keep the
/// peak near what is really in use (170 to 210 MB there) at no measurable cost in speed: the
/// checks themselves are few (`--workers`) and allocate little per word.
fn cap_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator, under the allocator's own lock;
    // no Rust invariant depends on it.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn turn_away(stream: TcpStream) {
    if stream.set_nonblocking(true).is_ok() {
        let mut s = &stream;
        let r = Response::error(503, "the server is busy, try again");
        let _ = s.write_all(&head_bytes(&r, false));
        let _ = stream.shutdown(Shutdown::Write);
    }
}

fn connection(app: &App, mut stream: TcpStream, health_only: bool) {
    // A bug in a handler must not take the server down with it.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        serve_one(app, &mut stream, health_only)
    }));
    if outcome.is_err() {
        let _ = respond(&mut stream, &Response::error(500, "internal error"), false);
    }
}

/// A response: status, content type, body, extra headers.
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Response {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    fn json(status: u16, v: &impl serde::Serialize) -> Response {
        let body = serde_json::to_vec(v).expect("responses serialize");
        Response::new(status, "application/json", body)
    }

    /// `{"error": "…"}` with the status.
    fn error(status: u16, msg: &str) -> Response {
        Response::json(status, &serde_json::json!({ "error": msg }))
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn respond(stream: &mut TcpStream, r: &Response, head_only: bool) -> std::io::Result<()> {
    stream.write_all(&head_bytes(r, head_only))?;
    stream.flush()
}

/// The whole response (the head only for HEAD requests).
fn head_bytes(r: &Response, head_only: bool) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    if r.status != 204 {
        head.push_str(&format!(
            "Content-Type: {}\r\nContent-Length: {}\r\n",
            r.content_type,
            r.body.len()
        ));
    }
    head.push_str(
        "Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\n",
    );
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if !head_only && r.status != 204 {
        out.extend_from_slice(&r.body);
    }
    out
}

/// A connection's input: bytes read but not yet consumed, more on demand, all before a
/// deadline. Consumed bytes are dropped, so the buffer never holds more than what is being
/// parsed plus one read.
struct Conn<'a> {
    stream: &'a mut TcpStream,
    buf: Vec<u8>,
    pos: usize,
    deadline: Instant,
}

/// Why a request could not be read.
enum ReadError {
    /// Answer with this status and message.
    Reply(u16, String),
    /// The client went away: just close.
    Gone,
}

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 16 * 1024;

impl Conn<'_> {
    /// Read at most `max` (at least one) more bytes into `into`.
    fn read_some(&mut self, into: &mut Vec<u8>, max: usize) -> Result<(), ReadError> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ReadError::Reply(408, "request not received in time".into()));
        }
        let _ = self.stream.set_read_timeout(Some(left));
        let mut chunk = [0u8; READ_CHUNK];
        let want = max.clamp(1, READ_CHUNK);
        match self.stream.read(&mut chunk[..want]) {
            Ok(0) => Err(ReadError::Gone),
            Ok(n) => {
                into.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Err(ReadError::Reply(408, "request not received in time".into()))
            }
            Err(_) => Err(ReadError::Gone),
        }
    }

    /// Drop the consumed bytes, then read more into the buffer.
    fn fill(&mut self) -> Result<(), ReadError> {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let mut buf = std::mem::take(&mut self.buf);
        let r = self.read_some(&mut buf, READ_CHUNK);
        self.buf = buf;
        r
    }

    fn available(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Append exactly `n` bytes to `out` (the caller has checked `n` against the limits and
    /// reserved the memory): what is buffered first, then straight from the socket.
    fn take_into(&mut self, out: &mut Vec<u8>, n: usize) -> Result<(), ReadError> {
        let buffered = self.available().min(n);
        out.extend_from_slice(&self.buf[self.pos..self.pos + buffered]);
        self.pos += buffered;
        let end = out.len() + (n - buffered);
        while out.len() < end {
            let want = end - out.len();
            self.read_some(out, want)?;
        }
        Ok(())
    }

    /// A line of at most `max` bytes, without its line break (CRLF or LF).
    fn line(&mut self, max: usize, too_long: impl Fn() -> ReadError) -> Result<Vec<u8>, ReadError> {
        loop {
            let window = &self.buf[self.pos..self.buf.len().min(self.pos + max + 2)];
            if let Some(i) = memchr::memchr(b'\n', window) {
                let mut l = self.buf[self.pos..self.pos + i].to_vec();
                self.pos += i + 1;
                if l.last() == Some(&b'\r') {
                    l.pop();
                }
                return Ok(l);
            }
            if self.available() > max + 1 {
                return Err(too_long());
            }
            self.fill()?;
        }
    }

    /// A chunked body, refused as soon as it grows past `limit`; every chunk is reserved in
    /// `charge` before it is read.
    fn chunked(&mut self, limit: usize, charge: &mut Charge) -> Result<Vec<u8>, ReadError> {
        let malformed = || ReadError::Reply(400, "malformed chunked body".into());
        let mut body = Vec::new();
        let mut framing = 0usize;
        loop {
            let line = self.line(MAX_CHUNK_LINE, || {
                ReadError::Reply(400, "chunk size line too long".into())
            })?;
            framing += line.len() + 2;
            let size = std::str::from_utf8(&line)
                .ok()
                .map(|l| l.split(';').next().unwrap_or("").trim())
                .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| usize::from_str_radix(h, 16).ok())
                .ok_or_else(|| ReadError::Reply(400, "malformed chunk size".into()))?;
            if size == 0 {
                // Trailers, up to the empty line: read and dropped, bounded in total.
                let mut trailers = 0usize;
                loop {
                    let left = MAX_TRAILERS.saturating_sub(trailers);
                    let t = self.line(left, || {
                        ReadError::Reply(431, "trailer fields too large".into())
                    })?;
                    if t.is_empty() {
                        return Ok(body);
                    }
                    trailers += t.len() + 2;
                    if trailers > MAX_TRAILERS {
                        return Err(ReadError::Reply(431, "trailer fields too large".into()));
                    }
                }
            }
            if body.len().saturating_add(size) > limit {
                return Err(too_large(limit));
            }
            if framing > MAX_FRAMING {
                return Err(ReadError::Reply(
                    413,
                    "too many chunks: send the body in larger chunks".into(),
                ));
            }
            if !charge.grow(size, self.deadline) {
                return Err(busy());
            }
            body.reserve_exact(size);
            self.take_into(&mut body, size)?;
            if !self.line(2, malformed)?.is_empty() {
                return Err(malformed());
            }
        }
    }
}

fn too_large(limit: usize) -> ReadError {
    ReadError::Reply(
        413,
        format!("request body too large: the limit is {limit} bytes (see --max-body)"),
    )
}

fn busy() -> ReadError {
    ReadError::Reply(503, "the server is busy, try again".into())
}

/// A parsed request head.
struct Head {
    method: String,
    /// The request target (path and query).
    target: String,
    host: Option<String>,
    origin: Option<String>,
    content_length: Option<u64>,
    chunked: bool,
    expect_continue: bool,
    /// `Access-Control-Request-Headers` of a preflight.
    cors_headers: Option<String>,
    /// `Access-Control-Request-Private-Network: true` (Chrome's Private Network Access).
    private_network: bool,
}

impl Head {
    fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("/")
    }

    fn query(&self) -> &str {
        self.target
            .split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or(""))
            .unwrap_or("")
    }
}

fn serve_one(app: &App, stream: &mut TcpStream, health_only: bool) {
    let _ = stream.set_write_timeout(Some(app.timeout));
    let start = Instant::now();
    let head_time = if health_only {
        HEALTH_HEAD_TIMEOUT
    } else {
        app.header_timeout
    };
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        pos: 0,
        deadline: start + head_time.min(app.timeout),
    };
    let mut charge = app.inflight.charge();
    let head = match read_head(&mut conn) {
        Ok(h) => h,
        Err(e) => return fail(app, conn.stream, e, None),
    };
    let cors = app.cors.allow(head.origin.as_deref());
    if !app.hosts.allowed(head.host.as_deref()) {
        let host = head.host.as_deref().unwrap_or("");
        let msg =
            format!("host `{host}` is not one this server was started for (see --allow-host)");
        return fail(app, conn.stream, ReadError::Reply(403, msg), None);
    }
    let get = head.method == "GET" || head.method == "HEAD";
    if health_only && !(get && head.path() == "/healthz") {
        return fail(app, conn.stream, busy(), cors);
    }
    if head.method == "OPTIONS" {
        let r = preflight(&head, cors.as_deref());
        let _ = respond(conn.stream, &r, false);
        return;
    }
    conn.deadline = start + app.timeout;
    let body = match read_body(app, &mut conn, &head, &mut charge) {
        Ok(b) => b,
        Err(e) => return fail(app, conn.stream, e, cors),
    };
    let deadline = conn.deadline;
    let mut response = route(app, &head, body, &mut charge, deadline);
    if let Some(origin) = cors {
        response = response
            .header("Access-Control-Allow-Origin", origin)
            .header("Vary", "Origin");
    }
    let _ = respond(conn.stream, &response, head.method == "HEAD");
}

/// Answer an error, then let the client finish sending before closing, so it reads the answer
/// instead of a connection reset; bounded in time and size.
fn fail(app: &App, stream: &mut TcpStream, e: ReadError, cors: Option<String>) {
    let ReadError::Reply(status, msg) = e else {
        return;
    };
    let mut r = Response::error(status, &msg);
    if let Some(origin) = cors {
        r = r
            .header("Access-Control-Allow-Origin", origin)
            .header("Vary", "Origin");
    }
    let _ = respond(stream, &r, false);
    let _ = stream.shutdown(Shutdown::Write);
    drain(
        stream,
        app.max_body.saturating_mul(2),
        Duration::from_secs(2),
    );
}

/// The answer to an `OPTIONS` request: a CORS preflight from an allowed origin gets the
/// methods and headers it asks for; one from another origin 403; a plain one the methods.
fn preflight(head: &Head, cors: Option<&str>) -> Response {
    const METHODS: &str = "GET, HEAD, POST, OPTIONS";
    match (head.origin.as_deref(), cors) {
        (None, _) => Response::new(204, "text/plain", Vec::new()).header("Allow", METHODS),
        (Some(_), Some(origin)) => {
            let mut r = Response::new(204, "text/plain", Vec::new())
                .header("Access-Control-Allow-Origin", origin)
                .header("Access-Control-Allow-Methods", METHODS)
                .header(
                    "Access-Control-Allow-Headers",
                    head.cors_headers
                        .clone()
                        .filter(|h| h.len() <= 1024 && !h.contains(['\r', '\n']))
                        .unwrap_or_else(|| "Content-Type".into()),
                )
                .header("Access-Control-Max-Age", "600")
                .header("Vary", "Origin");
            if head.private_network {
                r = r.header("Access-Control-Allow-Private-Network", "true");
            }
            r
        }
        (Some(origin), None) => Response::error(
            403,
            &format!("origin `{origin}` may not use this server (see --cors-origin)"),
        ),
    }
}

fn drain(stream: &mut TcpStream, max: usize, time: Duration) {
    let end = Instant::now() + time;
    let mut seen = 0usize;
    let mut chunk = [0u8; 16 * 1024];
    while seen < max {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => seen += n,
        }
    }
}

fn read_head(conn: &mut Conn) -> Result<Head, ReadError> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&conn.buf) {
            Ok(httparse::Status::Complete(len)) => {
                let mut head = Head {
                    method: req.method.unwrap_or("").to_string(),
                    target: req.path.unwrap_or("/").to_string(),
                    host: None,
                    origin: None,
                    content_length: None,
                    chunked: false,
                    expect_continue: false,
                    cors_headers: None,
                    private_network: false,
                };
                for h in req.headers.iter() {
                    let value = std::str::from_utf8(h.value).unwrap_or("").trim();
                    let name = h.name;
                    if name.eq_ignore_ascii_case("content-length") {
                        let n = value.parse::<u64>().map_err(|_| {
                            ReadError::Reply(400, "malformed Content-Length".into())
                        })?;
                        if head.content_length.is_some_and(|c| c != n) {
                            return Err(ReadError::Reply(400, "conflicting Content-Length".into()));
                        }
                        head.content_length = Some(n);
                    } else if name.eq_ignore_ascii_case("transfer-encoding") {
                        if value.eq_ignore_ascii_case("chunked") {
                            head.chunked = true;
                        } else {
                            return Err(ReadError::Reply(
                                501,
                                format!("unsupported Transfer-Encoding `{value}`"),
                            ));
                        }
                    } else if name.eq_ignore_ascii_case("expect") {
                        head.expect_continue = value.eq_ignore_ascii_case("100-continue");
                    } else if name.eq_ignore_ascii_case("host") {
                        if head.host.is_some() {
                            return Err(ReadError::Reply(400, "more than one Host".into()));
                        }
                        head.host = Some(value.to_string());
                    } else if name.eq_ignore_ascii_case("origin") {
                        head.origin = Some(value.to_string()).filter(|o| o != "null");
                    } else if name.eq_ignore_ascii_case("access-control-request-headers") {
                        head.cors_headers = Some(value.to_string());
                    } else if name.eq_ignore_ascii_case("access-control-request-private-network") {
                        head.private_network = value.eq_ignore_ascii_case("true");
                    }
                }
                if head.chunked && head.content_length.is_some() {
                    return Err(ReadError::Reply(
                        400,
                        "both Content-Length and Transfer-Encoding".into(),
                    ));
                }
                conn.pos = len;
                return Ok(head);
            }
            Ok(httparse::Status::Partial) => {
                if conn.buf.len() > MAX_HEAD {
                    return Err(ReadError::Reply(431, "request head too large".into()));
                }
                conn.fill()?;
            }
            Err(httparse::Error::TooManyHeaders) => {
                return Err(ReadError::Reply(431, "too many headers".into()))
            }
            Err(e) => return Err(ReadError::Reply(400, format!("malformed request: {e}"))),
        }
    }
}

/// The body: never more than `--max-body`, whatever the headers say, and never more than the
/// in-flight budget has room for.
fn read_body(
    app: &App,
    conn: &mut Conn,
    head: &Head,
    charge: &mut Charge,
) -> Result<Vec<u8>, ReadError> {
    let has_body = head.chunked || head.content_length.is_some_and(|n| n > 0);
    if head.method == "POST" && !has_body && head.content_length.is_none() {
        return Err(ReadError::Reply(
            411,
            "a POST needs a Content-Length or a chunked body".into(),
        ));
    }
    let n = match head.content_length {
        Some(n) if n > app.max_body as u64 => return Err(too_large(app.max_body)),
        Some(n) => n as usize,
        None => 0,
    };
    if n > 0 && !charge.grow(n, conn.deadline) {
        return Err(busy());
    }
    if has_body && head.expect_continue {
        let _ = respond_continue(conn.stream);
    }
    if head.chunked {
        return conn.chunked(app.max_body, charge);
    }
    let mut body = Vec::with_capacity(n);
    conn.take_into(&mut body, n)?;
    Ok(body)
}

fn respond_continue(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    stream.flush()
}

/// The page's security headers: nothing may be loaded from anywhere but this server.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn route(
    app: &App,
    head: &Head,
    body: Vec<u8>,
    charge: &mut Charge,
    deadline: Instant,
) -> Response {
    let path = head.path();
    let get = head.method == "GET" || head.method == "HEAD";
    let post = head.method == "POST";
    let allow = |methods: &'static str| {
        Response::error(405, &format!("use {methods} for {path}")).header("Allow", methods)
    };
    match path {
        "/" | "/index.html" if get => {
            Response::new(200, "text/html; charset=utf-8", html::APP_HTML)
                .header("Content-Security-Policy", CSP)
                .header("X-Frame-Options", "DENY")
        }
        "/unspun.css" if get => Response::new(200, "text/css; charset=utf-8", html::STYLE),
        "/app.js" if get => {
            Response::new(200, "text/javascript; charset=utf-8", app.app_js.clone())
        }
        "/healthz" if get => Response::json(
            200,
            &serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
        ),
        "/api/rules" if get => Response::new(200, "application/json", app.rules_json.clone()),
        "/api/check" if post => api_check(app, body, charge, deadline),
        "/v2/check" if post || get => lt::check(app, head.query(), body, charge, deadline),
        "/v2/languages" if get => lt::languages(),
        "/" | "/index.html" | "/unspun.css" | "/app.js" | "/healthz" | "/api/rules"
        | "/v2/languages" => allow("GET, HEAD"),
        "/api/check" => allow("POST"),
        "/v2/check" => allow("GET, POST"),
        _ => Response::error(404, &format!("no such page: {path}")),
    }
}

/// How the text of an API request is to be read.
#[derive(Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum DocFormat {
    #[default]
    Text,
    Markdown,
    Html,
}

#[derive(Deserialize)]
struct CheckRequest {
    text: String,
    #[serde(default)]
    format: DocFormat,
    /// The document's path: picks the configuration's `[[overrides]]`, and is echoed as the
    /// document object's `path` (default `-`).
    #[serde(default)]
    path: Option<String>,
}

/// The one place where a request's text is checked (both APIs call it): the session's check,
/// as `unspun check` checks a file with this text and `path` (markup, language, configuration,
/// inline ignores, minimum severity); offsets stay byte offsets into the text sent.
fn check_as(
    app: &App,
    text: &str,
    format: DocFormat,
    path: Option<&str>,
) -> Result<Report, String> {
    let format = match format {
        DocFormat::Text => unspun::Format::Plain,
        DocFormat::Markdown => unspun::Format::Markdown,
        DocFormat::Html => unspun::Format::Html,
    };
    let mut source = Source::text(text).format(format);
    if let Some(p) = path {
        source = source.path(Path::new(p)).label(p);
    }
    app.profile
        .check(&source, &app.check)
        .map(|c| c.report)
        .map_err(|e| e.to_string())
}

/// Check `text` once a check may start (none can before `deadline`: `None`).
fn run_check(
    app: &App,
    text: &str,
    format: DocFormat,
    path: Option<&str>,
    deadline: Instant,
) -> Option<Result<Report, String>> {
    let _slot = app.checks.acquire(text.len(), deadline)?;
    Some(check_as(app, text, format, path))
}

fn api_check(app: &App, body: Vec<u8>, charge: &mut Charge, deadline: Instant) -> Response {
    let req: CheckRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            let msg = if body.iter().all(u8::is_ascii_whitespace) {
                "empty body: send {\"text\": \"…\", \"format\": \"text\"}".to_string()
            } else if e.is_data() {
                format!("bad request: {e}")
            } else {
                format!("malformed JSON: {e}")
            };
            return Response::error(400, &msg);
        }
    };
    drop(body);
    let report = match run_check(app, &req.text, req.format, req.path.as_deref(), deadline) {
        None => return Response::error(503, "the server is busy, try again"),
        Some(Err(e)) => return Response::error(500, &e),
        Some(Ok(r)) => r,
    };
    drop(req.text);
    let max = app.max_findings;
    let body = document_json(report, max, MAX_ANSWER);
    charge.set(body.len());
    Response::new(200, "application/json", body)
}

/// The document object, with at most `max` findings and about `max_bytes` of them; when some
/// are left out it says `"truncated": "max-findings"` (unless already truncated otherwise).
fn document_json(mut report: Report, max: usize, max_bytes: usize) -> Vec<u8> {
    let keep = findings_that_fit(&report.findings, max, max_bytes, |f| {
        serde_json::to_vec(f).map(|v| v.len()).unwrap_or(0)
    });
    if keep < report.findings.len() {
        report.findings.truncate(keep);
        report.findings.shrink_to_fit();
        if report.truncated.is_none() {
            report.truncated = Some(unspun::TRUNCATED_FINDINGS.to_string());
        }
    }
    serde_json::to_vec(&report).expect("reports serialize")
}

/// How many of `items` (in order) fit in `max` items and `max_bytes` bytes of JSON.
fn findings_that_fit<T>(
    items: &[T],
    max: usize,
    max_bytes: usize,
    size: impl Fn(&T) -> usize,
) -> usize {
    let mut bytes = 0usize;
    for (i, f) in items.iter().enumerate().take(max) {
        bytes += size(f) + 1;
        if bytes > max_bytes {
            return i;
        }
    }
    items.len().min(max)
}

fn rules_json(checker: &Checker) -> Vec<u8> {
    let rules: Vec<serde_json::Value> = checker
        .rules()
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::json!({
                "id": r.id, "category": r.category, "severity": r.severity,
                "enabled": checker.is_enabled(i), "pack": r.pack, "file": r.file,
                "language": r.language, "message": r.message, "doc": r.doc,
            })
        })
        .collect();
    serde_json::to_vec(&rules).expect("rules serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_normalized() {
        assert_eq!(
            normalize_host("LocalHost:7878").as_deref(),
            Some("localhost")
        );
        assert_eq!(
            normalize_host("example.com.").as_deref(),
            Some("example.com")
        );
        assert_eq!(normalize_host("[::1]:80").as_deref(), Some("[::1]"));
        assert_eq!(normalize_host("[::1]").as_deref(), Some("[::1]"));
        assert_eq!(normalize_host("a:b:c"), None);
        assert_eq!(normalize_host(":80"), None);
    }

    #[test]
    fn hosts_of_a_loopback_server() {
        let h = Hosts::new("127.0.0.1".parse().unwrap(), &[]);
        for ok in [
            "127.0.0.1:7878",
            "localhost:7878",
            "LOCALHOST",
            "[::1]:7878",
            "127.0.0.2",
        ] {
            assert!(h.allowed(Some(ok)), "{ok}");
        }
        assert!(h.allowed(None));
        for bad in [
            "evil.example:7878",
            "10.0.0.1",
            "localhost.evil.example",
            "",
            "a b",
        ] {
            assert!(!h.allowed(Some(bad)), "{bad}");
        }
        let h = Hosts::new("127.0.0.1".parse().unwrap(), &["My-Box".into()]);
        assert!(h.allowed(Some("my-box:7878")));
        let h = Hosts::new("0.0.0.0".parse().unwrap(), &[]);
        assert!(h.allowed(Some("192.168.1.9:7878")) && h.allowed(Some("localhost")));
        assert!(!h.allowed(Some("my-box:7878")));
        let h = Hosts::new("192.168.1.9".parse().unwrap(), &[]);
        assert!(h.allowed(Some("192.168.1.9:7878")));
        assert!(!h.allowed(Some("localhost")) && !h.allowed(Some("192.168.1.10")));
    }

    #[test]
    fn findings_fit_by_count_and_bytes() {
        let items = [10usize, 10, 10, 10];
        assert_eq!(findings_that_fit(&items, 10, 1000, |&n| n), 4);
        assert_eq!(findings_that_fit(&items, 2, 1000, |&n| n), 2);
        assert_eq!(findings_that_fit(&items, 10, 33, |&n| n), 3);
        assert_eq!(findings_that_fit(&items, 10, 5, |&n| n), 0);
    }

    #[test]
    fn budget_charges_wait_and_release() {
        let b = Budget::new(100);
        let soon = Instant::now();
        let mut a = b.charge();
        assert!(a.grow(60, soon));
        let mut c = b.charge();
        assert!(!c.grow(50, soon), "over the budget");
        assert!(c.grow(40, soon));
        a.set(10);
        assert!(c.grow(50, soon));
        drop(a);
        drop(c);
        assert_eq!(*b.used.lock().unwrap(), 0);
        assert!(
            !b.charge().grow(101, soon + Duration::from_secs(60)),
            "never fits"
        );
    }

    #[test]
    fn checks_share_their_text_bytes_but_one_always_runs() {
        let c = Checks::new(4, 100);
        let soon = Instant::now();
        let big = c.acquire(500, soon).expect("alone, any size runs");
        assert!(c.acquire(1, soon).is_none());
        drop(big);
        let a = c.acquire(60, soon).unwrap();
        assert!(c.acquire(50, soon).is_none());
        let b = c.acquire(40, soon).unwrap();
        drop((a, b));
    }
}
