//! `unspun serve`: a local web page for editors and a small JSON API.
//!
//! A plain HTTP/1.1 server on `std::net`: requests are parsed with `httparse`. Each connection
//! gets a thread of its own, up to `--max-connections` at once (more are turned away with 503
//! at once); a connection has `--timeout` seconds to send its whole request (slow clients are
//! cut off, and they never hold up others: reading is not checking); checks run at most
//! `--workers` at a time, each within `--doc-timeout`; bodies are read up to a limit whatever
//! `Content-Length` claims (chunked bodies too), and every response closes the connection.
//! Memory is bounded by `max-connections × max-body` for request bodies plus `workers` checks.
//! Routes:
//!
//! * `GET /`, `/unspun.css`, `/app.js`: the page (all assets are compiled in)
//! * `POST /api/check` with `{"text": "…", "format": "text|markdown|html", "path": "…"}`:
//!   the document object
//! * `GET /api/rules`: the rule table
//! * `GET /healthz`

use super::{budget, exit_code, parse_secs, parse_size, CmdResult, Error, SessionArgs, Size};
use clap::Args;
use serde::Deserialize;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use unspun::report::html;
use unspun::session::Profile;
use unspun::{defaults, CheckOptions, Checker, Source};

/// Longest request head (request line and headers) accepted.
const MAX_HEAD: usize = 16 * 1024;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. The default is loopback only; give e.g. `0.0.0.0:7878` to serve
    /// other machines too (anyone who can reach it can use it).
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: String,
    /// Largest request body accepted (bytes; K and M suffixes are binary), larger ones get 413.
    #[arg(long, value_name = "SIZE", default_value = "5M", value_parser = parse_size)]
    pub max_body: usize,
    /// Checks run at once (a request beyond waits for one to finish, up to --timeout, then
    /// gets 503).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub workers: u16,
    /// Connections handled at once (sending a request, waiting for a check or being
    /// answered); more are turned away with 503 at once.
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
    /// Seconds a client has to send its whole request (slower ones are cut off).
    #[arg(long, value_name = "SECS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Rule packs, and the configuration found from the current folder when the server starts
    /// (a request's `path` picks its `[[overrides]]`).
    #[command(flatten)]
    pub session: SessionArgs,
}

/// What every connection shares.
struct App {
    /// The configuration and checker every request is checked with.
    profile: Arc<Profile>,
    /// What each check is given (the time budget).
    check: CheckOptions,
    /// Checks running now, at most `workers`.
    checks: Slots,
    max_body: usize,
    timeout: Duration,
    rules_json: Vec<u8>,
    app_js: Vec<u8>,
}

/// A counting semaphore: at most `max` holders.
struct Slots {
    used: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

impl Slots {
    fn new(max: usize) -> Slots {
        Slots {
            used: Mutex::new(0),
            freed: Condvar::new(),
            max,
        }
    }

    /// Take a slot, waiting until `deadline` at most.
    fn acquire(&self, deadline: Instant) -> Option<SlotGuard<'_>> {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used >= self.max {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            used = self
                .freed
                .wait_timeout(used, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *used += 1;
        Some(SlotGuard(self))
    }
}

struct SlotGuard<'a>(&'a Slots);

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        *self.0.used.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        self.0.freed.notify_one();
    }
}

/// Counts a connection as open while it lives.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

pub fn run(args: ServeArgs) -> CmdResult {
    let profile = args.session.session().profile(None)?;
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
    let rules_json = rules_json(profile.checker());
    let app = Arc::new(App {
        profile,
        check,
        checks: Slots::new(usize::from(args.workers)),
        max_body: args.max_body,
        timeout: Duration::from_secs(args.timeout),
        rules_json,
        app_js: html::app_script().into_bytes(),
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
        if open.fetch_add(1, Ordering::AcqRel) >= max {
            open.fetch_sub(1, Ordering::AcqRel);
            turn_away(stream);
            continue;
        }
        let guard = Open(Arc::clone(&open));
        let app = Arc::clone(&app);
        let spawned = std::thread::Builder::new()
            .name("unspun-http".into())
            .spawn(move || {
                let _open = guard;
                connection(&app, stream)
            });
        if spawned.is_err() {
            // The guard went with the closure and was dropped; the stream too.
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Ok(exit_code(false, false))
}

/// Answer 503 without waiting on the client: the response fits in the socket buffer.
fn turn_away(stream: TcpStream) {
    if stream.set_nonblocking(true).is_ok() {
        let mut s = &stream;
        let r = Response::error(503, "the server is busy, try again");
        let _ = s.write_all(&head_bytes(&r, false));
        let _ = stream.shutdown(Shutdown::Write);
    }
}

fn connection(app: &App, mut stream: TcpStream) {
    // A bug in a handler must not take the server down with it.
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| serve_one(app, &mut stream)));
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
        400 => "Bad Request",
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
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if !head_only {
        out.extend_from_slice(&r.body);
    }
    out
}

/// A connection's input: bytes already read, more on demand, all before a deadline.
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
    /// The client went away or was too slow: just close.
    Gone,
}

impl Conn<'_> {
    /// Read more bytes (at least one) into the buffer.
    fn fill(&mut self) -> Result<(), ReadError> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ReadError::Reply(408, "request not received in time".into()));
        }
        let _ = self.stream.set_read_timeout(Some(left));
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => Err(ReadError::Gone),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
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

    fn available(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Take exactly `n` bytes (the caller has checked `n` against the limit).
    fn take(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        while self.available() < n {
            self.fill()?;
        }
        let out = self.buf[self.pos..self.pos + n].to_vec();
        self.pos += n;
        Ok(out)
    }

    /// A CRLF-terminated line of at most `max` bytes, without the line break.
    fn line(&mut self, max: usize) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.pos..]) {
                let mut l = self.buf[self.pos..self.pos + i].to_vec();
                self.pos += i + 1;
                if l.last() == Some(&b'\r') {
                    l.pop();
                }
                return Ok(l);
            }
            if self.available() > max {
                return Err(ReadError::Reply(400, "malformed chunked body".into()));
            }
            self.fill()?;
        }
    }

    /// A chunked body, refused as soon as it grows past `limit`.
    fn chunked(&mut self, limit: usize) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.line(1024)?;
            let size = std::str::from_utf8(&line)
                .ok()
                .map(|l| l.split(';').next().unwrap_or("").trim())
                .and_then(|h| usize::from_str_radix(h, 16).ok())
                .ok_or_else(|| ReadError::Reply(400, "malformed chunk size".into()))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !self.line(8 * 1024)?.is_empty() {}
                return Ok(body);
            }
            if body.len().saturating_add(size) > limit {
                return Err(too_large(limit));
            }
            body.extend(self.take(size)?);
            if !self.line(2)?.is_empty() {
                return Err(ReadError::Reply(400, "malformed chunk".into()));
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

/// A parsed request.
struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
}

fn serve_one(app: &App, stream: &mut TcpStream) {
    let _ = stream.set_write_timeout(Some(app.timeout));
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        pos: 0,
        deadline: Instant::now() + app.timeout,
    };
    let (request, head_only) = match read_request(app, &mut conn) {
        Ok(r) => {
            let head = r.method == "HEAD";
            (r, head)
        }
        Err(ReadError::Gone) => return,
        Err(ReadError::Reply(status, msg)) => {
            let stream = conn.stream;
            let _ = respond(stream, &Response::error(status, &msg), false);
            // Let the client finish sending before closing, so it reads the answer instead of
            // a connection reset; bounded in time and size.
            let _ = stream.shutdown(Shutdown::Write);
            drain(
                stream,
                app.max_body.saturating_mul(2),
                Duration::from_secs(2),
            );
            return;
        }
    };
    let deadline = conn.deadline;
    let response = route(app, &request, deadline);
    let _ = respond(conn.stream, &response, head_only);
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

fn read_request(app: &App, conn: &mut Conn) -> Result<Request, ReadError> {
    // The head.
    let (method, path, head_len, content_length, chunked, expect_continue) = loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&conn.buf) {
            Ok(httparse::Status::Complete(len)) => {
                let mut content_length = None;
                let mut chunked = false;
                let mut expect = false;
                for h in req.headers.iter() {
                    let value = std::str::from_utf8(h.value).unwrap_or("").trim();
                    if h.name.eq_ignore_ascii_case("content-length") {
                        let n = value.parse::<u64>().map_err(|_| {
                            ReadError::Reply(400, "malformed Content-Length".into())
                        })?;
                        if content_length.is_some_and(|c| c != n) {
                            return Err(ReadError::Reply(400, "conflicting Content-Length".into()));
                        }
                        content_length = Some(n);
                    } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                        if value.eq_ignore_ascii_case("chunked") {
                            chunked = true;
                        } else {
                            return Err(ReadError::Reply(
                                501,
                                format!("unsupported Transfer-Encoding `{value}`"),
                            ));
                        }
                    } else if h.name.eq_ignore_ascii_case("expect") {
                        expect = value.eq_ignore_ascii_case("100-continue");
                    }
                }
                if chunked && content_length.is_some() {
                    return Err(ReadError::Reply(
                        400,
                        "both Content-Length and Transfer-Encoding".into(),
                    ));
                }
                let method = req.method.unwrap_or("").to_string();
                let path = req.path.unwrap_or("/").to_string();
                break (method, path, len, content_length, chunked, expect);
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
    };
    conn.pos = head_len;
    // The body: never more than the limit, whatever the headers say.
    let has_body = chunked || content_length.is_some_and(|n| n > 0);
    if method == "POST" && !has_body && content_length.is_none() {
        return Err(ReadError::Reply(
            411,
            "a POST needs a Content-Length or a chunked body".into(),
        ));
    }
    if let Some(n) = content_length {
        if n > app.max_body as u64 {
            return Err(too_large(app.max_body));
        }
    }
    if has_body && expect_continue {
        let _ = respond_continue(conn.stream);
    }
    let body = if chunked {
        conn.chunked(app.max_body)?
    } else {
        match content_length {
            Some(n) if n > 0 => conn.take(n as usize)?,
            _ => Vec::new(),
        }
    };
    Ok(Request { method, path, body })
}

fn respond_continue(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    stream.flush()
}

/// The page's security headers: nothing may be loaded from anywhere but this server.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn route(app: &App, req: &Request, deadline: Instant) -> Response {
    let path = req.path.split(['?', '#']).next().unwrap_or("/");
    let get = req.method == "GET" || req.method == "HEAD";
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
        "/api/check" if req.method == "POST" => match app.checks.acquire(deadline) {
            Some(_slot) => api_check(app, &req.body),
            None => Response::error(503, "the server is busy, try again"),
        },
        "/" | "/index.html" | "/unspun.css" | "/app.js" | "/healthz" | "/api/rules" => {
            allow("GET, HEAD")
        }
        "/api/check" => allow("POST"),
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
    /// Echoed as the document object's `path` (default `-`).
    #[serde(default)]
    path: Option<String>,
}

fn api_check(app: &App, body: &[u8]) -> Response {
    let req: CheckRequest = match serde_json::from_slice(body) {
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
    // The same check as `unspun check` of a file with this text: markup, configuration,
    // inline ignores, minimum severity.
    let format = match req.format {
        DocFormat::Text => unspun::Format::Plain,
        DocFormat::Markdown => unspun::Format::Markdown,
        DocFormat::Html => unspun::Format::Html,
    };
    let mut source = Source::text(&req.text).format(format);
    if let Some(p) = &req.path {
        source = source.path(Path::new(p)).label(p);
    }
    match app.profile.check(&source, &app.check) {
        Ok(checked) => Response::json(200, &checked.report),
        Err(e) => Response::error(500, &e.to_string()),
    }
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
