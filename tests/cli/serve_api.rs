//! `unspun serve`: the JSON API over real sockets, against the real binary.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::time::Duration;

use crate::support::serve::{parse, proc_status, Server};

/// The JSON API's requests, on the shared test server.
trait Api {
    fn post(&self, path: &str, body: &[u8]) -> (u16, String, Vec<u8>);
    fn json(&self, body: &serde_json::Value) -> (u16, serde_json::Value);
}

impl Api for Server {
    fn post(&self, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        self.request("POST", path, "Content-Type: application/json\r\n", body)
    }

    fn json(&self, body: &serde_json::Value) -> (u16, serde_json::Value) {
        let (status, _, b) = self.post("/api/check", body.to_string().as_bytes());
        (status, serde_json::from_slice(&b).expect("a JSON response"))
    }
}

fn error_of(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).expect("errors are JSON");
    v["error"].as_str().expect("an error message").to_string()
}

fn seed(name: &str) -> String {
    std::fs::read_to_string(format!("{}/seeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn check_returns_the_libraries_document_object() {
    let server = Server::start(&[]);
    let text = seed("004_10f339da52fe37a9.txt");
    let checker = unspun::Checker::builder().build().unwrap();
    for format in ["text", "markdown", "html"] {
        // Markdown and HTML go through the library's markup extraction (non-prose masked in
        // place; the seed's indented paragraphs are code blocks in Markdown).
        use unspun::text::markup;
        let mut expected = match format {
            "text" => checker.check(&text),
            f => {
                let f = if f == "markdown" {
                    markup::Format::Markdown
                } else {
                    markup::Format::Html
                };
                let m = markup::extract(&text, f, markup::MarkupOptions::default());
                checker.check_document(&unspun::Document::with_markup(&text, m.masked, &m.breaks))
            }
        };
        // The checker returns every finding; the server, like `check`, lists those at or above
        // the default minimum severity (warning). The score counts them all.
        expected.retain_findings(|f| f.severity >= unspun::Severity::Warning);
        let (status, got) = server.json(&serde_json::json!({"text": text, "format": format}));
        assert_eq!(status, 200, "{got}");
        let got: unspun::Report = serde_json::from_value(got).expect("the document object");
        assert_eq!(got.path, "-");
        assert_eq!(got.findings, expected.findings);
        assert_eq!(got.score, expected.score);
        assert_eq!(got.words, expected.words);
    }
    // `format` is optional, `path` is echoed.
    let (status, got) =
        server.json(&serde_json::json!({"text": "He said thatRussia was ready, in no unpredictable terms.", "path": "x.txt"}));
    assert_eq!(status, 200);
    assert_eq!(got["path"], "x.txt");
    assert_eq!(got["findings"][0]["rule"], "glue.joined-words");
    assert_eq!(got["findings"][0]["start"], 8);
}

#[test]
fn rules_health_and_page() {
    let server = Server::start(&[]);
    server.assert_healthy();
    let (status, head, body) = server.get("/api/rules");
    assert_eq!(status, 200);
    assert!(head.contains("application/json"), "{head}");
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
    let glue = rules
        .iter()
        .find(|r| r["id"] == "glue.joined-words")
        .expect("built-in rule listed");
    assert_eq!(glue["category"], "glue");
    assert_eq!(glue["enabled"], true);
    assert!(rules.iter().any(|r| r["category"] == "foreign"));

    let (status, head, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        head.contains("Content-Security-Policy: default-src 'none'"),
        "{head}"
    );
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("/app.js") && page.contains("/unspun.css"));
    assert!(!page.contains("http://") && !page.contains("https://"));
    let (status, _, js) = server.get("/app.js");
    assert_eq!(status, 200);
    let js = String::from_utf8(js).unwrap();
    assert!(js.contains("UNSPUN_VERDICTS") && js.contains("\"likely spun or garbled\""));
    assert_eq!(server.get("/unspun.css").0, 200);
}

#[test]
fn malformed_and_wrong_requests_get_clear_errors_and_the_server_stays_up() {
    let server = Server::start(&[]);
    let (status, _, body) = server.post("/api/check", br#"{"text": "unterminated"#);
    assert_eq!(status, 400);
    assert!(
        error_of(&body).starts_with("malformed JSON"),
        "{}",
        error_of(&body)
    );
    server.assert_healthy();

    let (status, v) = server.json(&serde_json::json!({"text": "x", "format": "pdf"}));
    assert_eq!(status, 400);
    let msg = v["error"].as_str().unwrap();
    assert!(msg.contains("pdf") && msg.contains("markdown"), "{msg}");

    let (status, v) = server.json(&serde_json::json!({"body": "x"}));
    assert_eq!(status, 400);
    assert!(v["error"]
        .as_str()
        .unwrap()
        .contains("missing field `text`"));

    let (status, _, body) = server.post("/api/check", b"");
    assert_eq!(status, 400);
    assert!(error_of(&body).contains("empty body"));

    let (status, _, body) = server.post("/api/check", b"\xff\xfe not utf-8");
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));

    let (status, _, _) = server.raw(b"POST /api/check HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(status, 411);
    let (status, head, _) = server.get("/api/check");
    assert_eq!(status, 405);
    assert!(head.contains("Allow: POST"), "{head}");
    assert_eq!(server.get("/nope").0, 404);
    assert_eq!(server.raw(b"NOT HTTP AT ALL\r\n\r\n").0, 400);
    let huge_head = format!("GET / HTTP/1.1\r\nX-Pad: {}\r\n\r\n", "a".repeat(64 * 1024));
    assert_eq!(server.raw(huge_head.as_bytes()).0, 431);
    server.assert_healthy();
}

#[test]
fn oversized_bodies_get_413_whatever_the_headers_say() {
    let server = Server::start(&["--max-body", "64K"]);
    let limit = 64 * 1024;
    // An honest Content-Length over the limit: refused before the body is read.
    let big = serde_json::json!({"text": "word ".repeat(limit / 4)}).to_string();
    let (status, _, body) = server.post("/api/check", big.as_bytes());
    assert_eq!(status, 413);
    assert!(error_of(&body).contains("65536"), "{}", error_of(&body));
    // A Content-Length that claims more than anyone could send.
    let (status, _, _) = server.raw(
        b"POST /api/check HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999\r\n\r\n{}",
    );
    assert_eq!(status, 413);
    // A chunked body that grows past the limit.
    let mut req =
        b"POST /api/check HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for _ in 0..20 {
        req.extend_from_slice(format!("{:x}\r\n{}\r\n", 8192, "a".repeat(8192)).as_bytes());
    }
    req.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(server.raw(&req).0, 413);
    // A chunked body within the limit is fine.
    let small = br#"{"text": "He said thatRussia was ready."}"#;
    let mut req =
        b"POST /api/check HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for part in small.chunks(10) {
        req.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        req.extend_from_slice(part);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let (status, _, body) = server.raw(&req);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // Just under the limit is accepted.
    let fits = serde_json::json!({"text": "word ".repeat((limit - 64) / 5)}).to_string();
    assert!(fits.len() <= limit);
    assert_eq!(server.post("/api/check", fits.as_bytes()).0, 200);
    server.assert_healthy();
}

#[test]
fn slow_clients_are_cut_off_and_do_not_block_others() {
    let server = Server::start(&["--workers", "2", "--timeout", "1"]);
    // A client that sends half a request and then nothing.
    let mut slow = server.connect();
    slow.write_all(
        b"POST /api/check HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"te",
    )
    .unwrap();
    // Others are still served meanwhile (by the other worker) ...
    for _ in 0..3 {
        server.assert_healthy();
    }
    // ... and the slow one gets 408 once its time is up.
    let mut resp = Vec::new();
    let _ = slow.read_to_end(&mut resp);
    assert_eq!(parse(&resp).0, 408);
    let _ = slow.shutdown(Shutdown::Both);
    server.assert_healthy();
}

#[test]
fn concurrent_requests_are_all_answered() {
    let server = Server::start(&["--workers", "3"]);
    let text = seed("000_76536d54b82e6b70.txt");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let (status, v) = server.json(&serde_json::json!({"text": text}));
                    assert_eq!(status, 200);
                    v["score"].as_f64().unwrap()
                })
            })
            .collect();
        let scores: Vec<f64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
    });
}

#[test]
fn html_report_of_the_seeds() {
    let dir = std::env::temp_dir().join(format!("unspun-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("report.html");
    let status = Command::new(env!("CARGO_BIN_EXE_unspun"))
        .args(["check", "--format", "html", "-o"])
        .arg(&out)
        .arg(format!("{}/seeds", env!("CARGO_MANIFEST_DIR")))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2), "findings -> exit 2");
    let page = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Worst first: 004 (likely spun) before 000.
    let a = page.find("<h2 id=\"d0-h\">").unwrap();
    assert!(page[a..].starts_with("<h2 id=\"d0-h\">") && page[a..a + 200].contains("004_"));
    assert!(page.contains(">Dentro</mark>"));
    assert!(page.contains(">animpenetrable</mark>"));
    assert!(!page.contains("<script") && !page.contains("<link") && !page.contains("url("));
}

/// Read a response with a deadline: its status, or `None` if the connection was reset,
/// closed without an answer, or nothing came in time.
fn status_within(mut s: TcpStream, limit: Duration) -> Option<u16> {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

#[test]
fn slow_clients_and_a_flood_leave_the_server_prompt_and_bounded() {
    use std::time::Instant;
    let server = Server::start(&[
        "--workers",
        "2",
        "--timeout",
        "2",
        "--max-connections",
        "16",
    ]);
    let pid = server.child.id();
    let small = serde_json::json!({"text": "He said thatRussia was ready."}).to_string();
    assert_eq!(server.post("/api/check", small.as_bytes()).0, 200);
    let rss_before = proc_status(pid, "VmRSS:");

    // Ten clients that connect and send nothing, four that trickle a byte every 100 ms.
    let opened = Instant::now();
    let idle: Vec<TcpStream> = (0..10).map(|_| server.connect()).collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let tricklers: Vec<_> = (0..4)
        .map(|_| {
            let mut s = server.connect();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for b in b"POST /api/check HTTP/1.1\r\nHost: x\r\n".iter().cycle() {
                    if stop.load(std::sync::atomic::Ordering::Relaxed)
                        || s.write_all(&[*b]).is_err()
                    {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // Others are answered meanwhile: /healthz comes back while every idle client is still
    // waiting for its 408, i.e. without waiting for the idle clients' --timeout (an ordering,
    // not a wall-clock bound).
    server.assert_healthy();
    for s in &idle {
        s.set_nonblocking(true).unwrap();
        let mut b = [0u8; 1];
        let pending =
            matches!((&*s).read(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
        assert!(pending, "an idle client was answered before /healthz was");
        s.set_nonblocking(false).unwrap();
    }

    // Beyond --max-connections, new connections are turned away at once, not queued.
    let extra: Vec<TcpStream> = (0..30).map(|_| server.connect()).collect();
    let answers: Vec<Option<u16>> = extra
        .into_iter()
        .map(|s| status_within(s, Duration::from_secs(3)))
        .collect();
    let busy = answers.iter().filter(|a| **a == Some(503)).count();
    assert!(busy >= 20, "{answers:?}");
    if let Some(threads) = proc_status(pid, "Threads:") {
        // One per connection, the health slots kept for /healthz (4, `serve::HEALTH_SLOTS`),
        // and a few of the server's own.
        assert!(
            threads <= 16 + 4 + 4,
            "{threads} threads for 16 connections"
        );
    }

    // The idle clients are cut off once --timeout has passed since they connected.
    for s in idle {
        let left = Duration::from_secs(4).saturating_sub(opened.elapsed());
        assert_eq!(
            status_within(s, left.max(Duration::from_millis(100))),
            Some(408)
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tricklers {
        t.join().unwrap();
    }

    // A flood of requests from 8 threads: every one is answered (200, or 503 when all
    // connection slots are taken), none hangs (each request has the client's read timeout).
    let counts: Vec<(usize, usize)> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let server = &server;
                let small = &small;
                sc.spawn(move || {
                    let (mut ok, mut busy) = (0, 0);
                    for j in 0..60 {
                        let (status, _, _) = if (i + j) % 3 == 0 {
                            server.post("/api/check", small.as_bytes())
                        } else {
                            server.get("/healthz")
                        };
                        match status {
                            200 => ok += 1,
                            503 => busy += 1,
                            s => panic!("status {s}"),
                        }
                    }
                    (ok, busy)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok: usize = counts.iter().map(|c| c.0).sum();
    assert!(ok >= 240, "{counts:?}");

    // Afterwards: prompt, and memory did not grow with the number of requests.
    server.assert_healthy();
    if let (Some(before), Some(after)) = (rss_before, proc_status(pid, "VmRSS:")) {
        assert!(
            after < before + 100 * 1024,
            "RSS grew from {before} kB to {after} kB"
        );
    }
}
