//! `unspun serve` against hostile clients: memory per connection and across connections,
//! answers, Host and Origin checks, slow clients. Large inputs are generated here.

use crate::support::serve::{form, parse, pending, proc_status, status_of, Server};
use std::io::{Read, Write};
use std::net::Shutdown;
use std::time::Duration;

/// Stream `lines` lines of `line` after a chunked body's last chunk; the status answered.
fn send_trailers(server: &Server, line: &[u8], lines: usize) -> Option<u16> {
    let mut s = server.connect();
    let head = format!(
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.addr
    );
    let body = br#"{"text": "He said thatRussia was ready."}"#;
    let mut start = head.into_bytes();
    start.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
    start.extend_from_slice(body);
    start.extend_from_slice(b"\r\n0\r\n");
    s.write_all(&start).ok()?;
    let block: Vec<u8> = line.repeat(1024);
    for _ in 0..lines / 1024 {
        // Stop once answered (and read the answer before the server closes).
        if s.write_all(&block).is_err() || !pending(&s) {
            break;
        }
    }
    let _ = s.write_all(b"\r\n");
    let _ = s.shutdown(Shutdown::Write);
    status_of(s)
}

#[test]
fn trailer_lines_and_chunk_extensions_do_not_accumulate() {
    let server = Server::start(&[]);
    server.assert_healthy();
    let before = proc_status(server.pid(), "VmHWM:");
    // 64 MB of trailer lines after a small body: refused once past 16 KiB (they used to
    // pile up in the read buffer, and the request was then answered).
    let status = send_trailers(
        &server,
        b"X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        1 << 20,
    );
    assert_eq!(status, Some(431));
    // One trailer line longer than the limit.
    let long = format!("X-Long: {}\r\n", "b".repeat(1 << 20));
    assert_eq!(send_trailers(&server, long.as_bytes(), 1024), Some(431));
    // A few trailers are fine.
    let mut req = format!(
        "POST /api/check HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.addr
    )
    .into_bytes();
    let body = br#"{"text": "He said thatRussia was ready."}"#;
    req.extend_from_slice(format!("{:x};name=value\r\n", body.len()).as_bytes());
    req.extend_from_slice(body);
    req.extend_from_slice(b"\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n");
    let (status, _, b) = server.raw(&req);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&b));

    // 16 MB of one-byte chunks with 1000-byte extensions: refused once the framing passes
    // 1 MiB (it used to be read, kept and answered).
    let mut s = server.connect();
    s.write_all(
        format!(
            "POST /api/check HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    )
    .unwrap();
    let chunk = format!("1;ext={}\r\n \r\n", "e".repeat(1000)).repeat(64);
    for _ in 0..256 {
        if s.write_all(chunk.as_bytes()).is_err() || !pending(&s) {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let _ = s.shutdown(Shutdown::Write);
    assert_eq!(status_of(s), Some(413));
    server.assert_healthy();
    if let (Some(before), Some(after)) = (before, proc_status(server.pid(), "VmHWM:")) {
        assert!(
            after < before + 32 * 1024,
            "peak RSS grew from {before} kB to {after} kB"
        );
    }
}

#[test]
fn answers_list_at_most_max_findings_and_say_so() {
    let server = Server::start(&["--max-findings", "500"]);
    // A doubled word every third word: 40,000 findings (not "the the the": a word three
    // times in a row is deliberate).
    let text = "so the the ".repeat(40_000);
    let body = serde_json::json!({ "text": text }).to_string();
    let (status, _, b) = server.request("POST", "/api/check", "", body.as_bytes());
    assert_eq!(status, 200);
    let got: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(got["findings"].as_array().unwrap().len(), 500);
    assert_eq!(got["truncated"], "max-findings");
    // The score still counts every finding: the library's, uncapped.
    let full = unspun::Checker::builder().build().unwrap().check(&text);
    assert!(full.findings.len() > 500);
    assert_eq!(got["score"].as_f64().unwrap(), full.score);
    assert_eq!(got["findings"][499]["start"], full.findings[499].start);

    // The same cap on the LanguageTool endpoint, with its warning.
    let f = form(&[("text", &text), ("language", "en-US")]);
    let (status, _, b) = server.request("POST", "/v2/check", "", f.as_bytes());
    assert_eq!(status, 200);
    let got: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(got["matches"].as_array().unwrap().len(), 500);
    assert_eq!(got["warnings"]["incompleteResults"], true);

    // A document under the cap is answered whole, without the marker.
    let (_, _, b) = server.request(
        "POST",
        "/api/check",
        "",
        br#"{"text": "He said thatRussia was ready."}"#,
    );
    let got: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert!(got.get("truncated").is_none(), "{got}");
}

#[test]
fn the_library_cap_keeps_the_score_and_the_first_findings() {
    let text = format!(
        "{} He said thatRussia was ready. {}",
        "so the the ".repeat(1000),
        "b b ".repeat(50)
    );
    let full = unspun::Checker::builder().build().unwrap().check(&text);
    let capped = unspun::Checker::builder()
        .max_findings(10)
        .build()
        .unwrap()
        .check(&text);
    assert!(full.findings.len() > 10);
    assert_eq!(capped.findings[..], full.findings[..10]);
    assert_eq!(capped.score, full.score);
    assert_eq!(capped.words, full.words);
    assert_eq!(
        capped.truncated.as_deref(),
        Some(unspun::TRUNCATED_FINDINGS)
    );
    let roomy = unspun::Checker::builder()
        .max_findings(full.findings.len())
        .build()
        .unwrap()
        .check(&text);
    assert_eq!(roomy.findings, full.findings);
    assert_eq!(roomy.truncated, None);
}

#[test]
fn only_the_hosts_the_server_was_started_for_are_answered() {
    let server = Server::start(&["--allow-host", "My-Box"]);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let get = |host: &str| {
        server
            .raw(format!("GET /api/rules HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
            .0
    };
    // A DNS-rebinding page: its own name, resolving to 127.0.0.1.
    assert_eq!(get(&format!("rebind.example:{port}")), 403);
    assert_eq!(get("localhost.rebind.example"), 403);
    let (status, _, body) = server.raw(
        format!("POST /api/check HTTP/1.1\r\nHost: evil.example:{port}\r\nContent-Length: 2\r\n\r\n{{}}")
            .as_bytes(),
    );
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("--allow-host"));
    // The address listened on, localhost, and --allow-host names.
    assert_eq!(get(&server.addr), 200);
    assert_eq!(get(&format!("localhost:{port}")), 200);
    assert_eq!(get(&format!("my-box:{port}")), 200);
    // HTTP/1.0 without a Host (no browser sends that).
    assert_eq!(server.raw(b"GET /healthz HTTP/1.0\r\n\r\n").0, 200);
}

#[test]
fn cors_is_off_by_default_and_answers_the_origins_given() {
    let origin = "chrome-extension://abcdefghijklmnop";
    let preflight = format!(
        "OPTIONS /v2/check HTTP/1.1\r\nOrigin: {origin}\r\nAccess-Control-Request-Method: POST\r\n\
         Access-Control-Request-Headers: content-type\r\nAccess-Control-Request-Private-Network: true\r\n"
    );
    let off = Server::start(&[]);
    let (status, head, _) =
        off.request("OPTIONS", "/v2/check", &preflight_headers(&preflight), b"");
    assert_eq!(status, 403);
    assert!(!head.contains("Access-Control-Allow-Origin"), "{head}");
    let (status, head, _) = off.request(
        "POST",
        "/v2/check",
        &format!("Origin: {origin}\r\n"),
        b"text=Hello+there.",
    );
    assert_eq!(status, 200);
    assert!(!head.contains("Access-Control-Allow-Origin"), "{head}");

    let on = Server::start(&[
        "--cors-origin",
        origin,
        "--cors-origin",
        "app://obsidian.md",
    ]);
    let (status, head, _) = on.request("OPTIONS", "/v2/check", &preflight_headers(&preflight), b"");
    assert_eq!(status, 204, "{head}");
    assert!(
        head.contains(&format!("Access-Control-Allow-Origin: {origin}")),
        "{head}"
    );
    assert!(head.contains("Access-Control-Allow-Methods: GET, HEAD, POST, OPTIONS"));
    assert!(head.contains("Access-Control-Allow-Headers: content-type"));
    assert!(head.contains("Access-Control-Allow-Private-Network: true"));
    let (status, head, _) = on.request(
        "POST",
        "/v2/check",
        "Origin: app://obsidian.md\r\n",
        b"text=Hello+there.",
    );
    assert_eq!(status, 200);
    assert!(
        head.contains("Access-Control-Allow-Origin: app://obsidian.md"),
        "{head}"
    );
    assert!(head.contains("Vary: Origin"), "{head}");
    // Another origin: no CORS headers, and its preflight is refused.
    let (_, head, _) = on.request(
        "POST",
        "/api/check",
        "Origin: https://evil.example\r\n",
        br#"{"text": "x"}"#,
    );
    assert!(!head.contains("Access-Control-Allow-Origin"), "{head}");
    let other = preflight.replace(origin, "https://evil.example");
    assert_eq!(
        on.request("OPTIONS", "/api/rules", &preflight_headers(&other), b"")
            .0,
        403
    );
}

/// The header lines of a preflight written as a request head above.
fn preflight_headers(head: &str) -> String {
    head.split_once("\r\n").unwrap().1.to_string()
}

#[test]
fn a_slow_head_is_cut_off_before_a_slow_body() {
    let server = Server::start(&["--header-timeout", "1", "--timeout", "30"]);
    // The slow body connects first: with one time limit for everything it would be cut off
    // first; with a separate, shorter limit for heads the slow head goes first.
    let mut body = server.connect();
    body.write_all(
        format!(
            "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Length: 100\r\n\r\n{{\"te",
            server.addr
        )
        .as_bytes(),
    )
    .unwrap();
    let mut head = server.connect();
    head.write_all(b"POST /api/check HTTP/1.1\r\nHost: loc")
        .unwrap();
    assert_eq!(status_of(head), Some(408));
    assert!(
        pending(&body),
        "the slow body was answered before the slow head"
    );
    server.assert_healthy();
}

#[test]
fn slow_heads_on_every_connection_leave_healthz_answering() {
    let server = Server::start(&["--max-connections", "8", "--header-timeout", "5"]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tricklers = Vec::new();
    let mut watched = Vec::new();
    for _ in 0..8 {
        let mut s = server.connect();
        s.write_all(b"G").unwrap();
        watched.push(s.try_clone().unwrap());
        let stop = stop.clone();
        tricklers.push(std::thread::spawn(move || {
            for b in b"ET /api/rules HTTP/1.1\r\nX-Slow: "
                .iter()
                .chain(b"a".repeat(10_000).iter())
            {
                if stop.load(std::sync::atomic::Ordering::Relaxed) || s.write_all(&[*b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(300));
    // Every connection slot is held by a slow head; /healthz still answers (a slot kept for
    // it), other paths on that slot get 503, all while the slow heads are still pending.
    server.assert_healthy();
    assert_eq!(server.get("/api/rules").0, 503);
    for s in &watched {
        assert!(pending(s), "a slow head was answered before /healthz");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tricklers {
        t.join().unwrap();
    }
    for s in watched {
        let _ = s.shutdown(Shutdown::Both);
    }
}

/// Words of ordinary prose, to make large bodies that are not one finding per word.
fn prose(bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "committee",
        "said",
        "on",
        "Tuesday",
        "that",
        "new",
        "rules",
        "for",
        "water",
        "would",
        "take",
        "effect",
        "next",
        "year",
        "after",
        "a",
        "long",
        "review",
        "of",
        "costs",
    ];
    let mut s = String::with_capacity(bytes + 16);
    let mut i = 0usize;
    while s.len() < bytes {
        s.push_str(WORDS[i % WORDS.len()]);
        i = i.wrapping_mul(7).wrapping_add(3) % 1_000_003;
        s.push_str(if i.is_multiple_of(13) { ". " } else { " " });
    }
    s
}

#[test]
fn hostile_clients_keep_the_server_under_300_mb_and_healthz_answering() {
    let server = Server::start(&[
        "--timeout",
        "8",
        "--header-timeout",
        "2",
        "--doc-timeout",
        "2",
    ]);
    let pid = server.pid();
    server.assert_healthy();
    let idle_rss = proc_status(pid, "VmRSS:");
    let big = std::sync::Arc::new(
        serde_json::json!({ "text": prose(5 * 1024 * 1024 - 1024) })
            .to_string()
            .into_bytes(),
    );
    let huge_answer = std::sync::Arc::new(
        serde_json::json!({ "text": "the ".repeat(250_000) })
            .to_string()
            .into_bytes(),
    );
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (statuses, healthz) = std::thread::scope(|sc| {
        // Watch the server's RSS throughout.
        let watcher = {
            let (stop, peak) = (stop.clone(), peak.clone());
            sc.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Some(kb) = proc_status(pid, "VmRSS:") {
                        peak.fetch_max(kb, std::sync::atomic::Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        };
        let mut clients = Vec::new();
        // Answers that used to be hundreds of MB (a finding in every other word).
        for _ in 0..4 {
            let (server, body) = (&server, huge_answer.clone());
            clients
                .push(sc.spawn(move || server.request("POST", "/api/check", "", &body).0.into()));
        }
        // 32 MB of trailers, twice.
        for _ in 0..2 {
            let server = &server;
            clients.push(sc.spawn(move || {
                send_trailers(
                    server,
                    b"X-Pad: 0123456789abcdef0123456789abcdef\r\n",
                    800_000,
                )
            }));
        }
        // Slow heads.
        for _ in 0..8 {
            let server = &server;
            clients.push(sc.spawn(move || {
                let mut s = server.connect();
                for b in b"POST /api/check HTTP/1.1\r\nHost: localhost\r\n".iter() {
                    if s.write_all(&[*b]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                let mut rest = Vec::new();
                let _ = s.read_to_end(&mut rest);
                rest.get(9..12)
                    .and_then(|c| std::str::from_utf8(c).ok()?.parse().ok())
            }));
        }
        // 64 clients sending 5 MB bodies at once.
        for _ in 0..64 {
            let (server, big) = (&server, big.clone());
            clients.push(sc.spawn(move || {
                let mut s = server.connect();
                let head = format!(
                    "POST /api/check HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n\r\n",
                    server.addr,
                    big.len()
                );
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&big);
                status_of(s)
            }));
        }
        // /healthz, all along.
        let health = sc.spawn(|| {
            let mut answers = Vec::new();
            for _ in 0..40 {
                let mut s = server.connect();
                let _ = s.write_all(
                    format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).as_bytes(),
                );
                answers.push(status_of(s));
                std::thread::sleep(Duration::from_millis(100));
            }
            answers
        });
        let statuses: Vec<Option<u16>> = clients.into_iter().map(|c| c.join().unwrap()).collect();
        let healthz = health.join().unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        watcher.join().unwrap();
        (statuses, healthz)
    });
    let hwm = proc_status(pid, "VmHWM:");
    let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "hostile clients: idle RSS {idle_rss:?} kB, peak RSS sampled {peak} kB, VmHWM {hwm:?} kB; \
         statuses {statuses:?}; /healthz {healthz:?}"
    );
    // Every client got an answer or was cut off; none hung (the hang guard is 60 s).
    for s in statuses.iter().flatten() {
        assert!([200, 408, 413, 431, 503].contains(s), "{statuses:?}");
    }
    // In spawn order: 4 huge answers, 2 trailer floods, 8 slow heads, 64 large bodies.
    assert!(statuses[..4]
        .iter()
        .all(|s| matches!(s, Some(200) | Some(503))));
    assert!(statuses[4..6]
        .iter()
        .all(|s| matches!(s, Some(431) | Some(503))));
    assert!(
        statuses[14..].contains(&Some(200)),
        "no large body was checked"
    );
    // /healthz answered all along: every poll got an answer, and all but a few (a poll that
    // meets the burst of 78 connections while non-health requests still hold the kept slots
    // for the time to read their heads) got 200.
    assert!(
        healthz.iter().all(|s| matches!(s, Some(200) | Some(503))),
        "{healthz:?}"
    );
    let ok = healthz.iter().filter(|s| **s == Some(200)).count();
    assert!(ok >= 30, "{healthz:?}");
    if let Some(hwm) = hwm {
        assert!(hwm < 300 * 1024, "peak RSS {hwm} kB");
    }
    server.assert_healthy();
}

#[test]
fn a_health_slot_serves_nothing_else() {
    // With one connection slot taken by a slow head, a second request lands in a health slot.
    let server = Server::start(&["--max-connections", "1", "--header-timeout", "30"]);
    let slow = server.connect();
    (&slow).write_all(b"GET / HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let (status, _, body) = server.get("/api/rules");
    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&body));
    server.assert_healthy();
    let (status, _, _) = parse(&{
        let mut s = server.connect();
        s.write_all(format!("HEAD /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).as_bytes())
            .unwrap();
        let mut r = Vec::new();
        let _ = s.read_to_end(&mut r);
        r
    });
    assert_eq!(status, 200);
    assert!(pending(&slow));
}
