//! One path for every document: `unspun check`, `unspun score` and `serve`'s `/api/check` (and
//! its LanguageTool endpoint `/v2/check`, for plain text) give the report that the library's [`Session`] gives for the same text, configuration and format
//! (the Python package is held to the same in `python/tests/test_api.py`). The documents: the
//! seeds, a Markdown file with inline ignores under a configuration that switches a category
//! off, and a text cut by the size limit. One test per entry point.

use crate::support::cmd::{records, run, unspun};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use unspun::{CheckOptions, ConfigSource, Report, Session, Source};

/// The size limit every entry point is given (the long text is over it).
const LIMIT: usize = 4096;

/// The Markdown document: a finding in prose (a glued word, a warning beside the swapped idiom
/// in the same sentence), one silenced by an inline ignore, one in code (never checked),
/// garbling that the configuration switches off.
const MARKDOWN: &str = "# Notes on the meeting\n\
\n\
He said thatRussia was ready to talk in no unpredictable terms.\n\
\n\
<!-- unspun-disable-next-line glue.joined-words -->\n\
The systemwith no name was ready.\n\
\n\
Once once again the committee met, and `thatRussia` stays in code.\n\
\n\
```\n\
thatRussia in a fence\n\
```\n";

/// The configuration: garbling is off everywhere.
const CONFIG: &str = "[categories]\ngarble = false\n";

/// A folder with the configuration and the documents; their names relative to it.
fn sandbox(name: &str) -> (PathBuf, Vec<String>) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("entry-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".unspun.toml"), CONFIG).unwrap();
    let mut names = Vec::new();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut seed_files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seed_files.sort();
    for p in seed_files {
        let n = p.file_name().unwrap().to_string_lossy().to_string();
        std::fs::copy(&p, dir.join(&n)).unwrap();
        names.push(n);
    }
    std::fs::write(dir.join("notes.md"), MARKDOWN).unwrap();
    names.push("notes.md".into());
    let long =
        "He said thatRussia was ready in no unpredictable terms. Once once again. ".repeat(200);
    assert!(long.len() > LIMIT);
    std::fs::write(dir.join("long.txt"), long).unwrap();
    names.push("long.txt".into());
    (dir, names)
}

/// The library's report of a file in the sandbox, found and configured as the commands do.
fn expected(dir: &Path, name: &str) -> Report {
    let session = Session::builder()
        .config(ConfigSource::File(dir.join(".unspun.toml")))
        .build();
    let bytes = std::fs::read(dir.join(name)).unwrap();
    let opts = CheckOptions {
        max_doc_bytes: LIMIT,
        ..CheckOptions::default()
    };
    let path = PathBuf::from(name);
    let checked = session
        .check(&Source::bytes(&bytes).path(&path), &opts)
        .unwrap();
    checked.report
}

/// The reports of the sandbox: what each test compares with, and a check that the cases say
/// something (the configuration, the ignore and the cut all show).
fn cases(name: &str) -> (PathBuf, Vec<(String, Report)>) {
    let (dir, names) = sandbox(name);
    let reports: Vec<(String, Report)> = names
        .into_iter()
        .map(|n| {
            let r = expected(&dir, &n);
            (n, r)
        })
        .collect();
    let md = &reports.iter().find(|(n, _)| n == "notes.md").unwrap().1;
    let texts: Vec<&str> = md.findings.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        texts,
        ["thatRussia", "in no unpredictable terms"],
        "{md:#?}"
    );
    assert_eq!(md.findings[0].line, 3);
    let long = &reports.iter().find(|(n, _)| n == "long.txt").unwrap().1;
    assert_eq!(long.truncated.as_deref(), Some(unspun::TRUNCATED_SIZE));
    assert!(long
        .findings
        .iter()
        .all(|f| f.category != unspun::Category::Garble && f.end <= LIMIT));
    assert!(!long.findings.is_empty());
    assert!(reports.iter().all(|(_, r)| r
        .findings
        .iter()
        .all(|f| f.category != unspun::Category::Garble)));
    (dir, reports)
}

fn as_json(r: &Report) -> Value {
    serde_json::to_value(r).unwrap()
}

#[test]
fn check_gives_the_sessions_report() {
    let (dir, reports) = cases("check");
    let limit = LIMIT.to_string();
    let mut args = vec!["check", "--format", "json", "--max-doc-bytes", &limit];
    args.extend(reports.iter().map(|(n, _)| n.as_str()));
    let out = unspun()
        .args(&args)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let want: Vec<Value> = reports.iter().map(|(_, r)| as_json(r)).collect();
    assert_eq!(got, want);
}

#[test]
fn score_gives_the_sessions_report() {
    let (dir, reports) = cases("score");
    let limit = LIMIT.to_string();
    for (name, want) in &reports {
        let out = unspun()
            .args([
                "score",
                "--quiet",
                "--findings",
                "all",
                "--max-doc-bytes",
                &limit,
                name,
            ])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        let recs = records(&out);
        let [rec] = recs.as_slice() else {
            panic!("{name}: {recs:?}")
        };
        assert_eq!(rec["path"], json!(name));
        assert_eq!(rec["score"], json!(want.score), "{name}");
        assert_eq!(rec["words"], json!(want.words), "{name}");
        assert_eq!(rec["findings"], as_json(want)["findings"], "{name}");
        assert_eq!(
            rec.get("truncated"),
            as_json(want).get("truncated"),
            "{name}"
        );
    }
    // The same texts as JSON Lines records are plain text: the Markdown file's code is
    // checked then, so only the plain files must agree.
    let lines: String = reports
        .iter()
        .filter(|(n, _)| n.ends_with(".txt"))
        .map(|(n, _)| {
            let text = std::fs::read_to_string(dir.join(n)).unwrap();
            json!({"id": n, "text": text}).to_string() + "\n"
        })
        .collect();
    let out = run(
        &[
            "score",
            "--quiet",
            "--findings",
            "all",
            "--max-doc-bytes",
            &limit,
            "--config",
            dir.join(".unspun.toml").to_str().unwrap(),
        ],
        lines.as_bytes(),
    );
    let recs = records(&out);
    let txt: Vec<&(String, Report)> = reports
        .iter()
        .filter(|(n, _)| n.ends_with(".txt"))
        .collect();
    assert_eq!(recs.len(), txt.len());
    for (rec, (name, want)) in recs.iter().zip(txt) {
        assert_eq!(rec["id"], json!(name));
        assert_eq!(rec["score"], json!(want.score), "{name}");
        assert_eq!(rec["findings"], as_json(want)["findings"], "{name}");
        assert_eq!(
            rec.get("truncated"),
            as_json(want).get("truncated"),
            "{name}"
        );
    }
}

/// POST a JSON body to `/api/check`; the response's status and JSON body.
fn post(addr: &str, body: &Value) -> (u16, Value) {
    post_to(addr, "/api/check", "application/json", &body.to_string())
}

/// POST a body to a route; the response's status and JSON body.
fn post_to(addr: &str, route: &str, content_type: &str, body: &str) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {route} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let split = resp.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&resp[..split]).to_string();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_slice(&resp[split + 4..]).unwrap())
}

#[test]
fn serve_gives_the_sessions_report() {
    let (dir, reports) = cases("serve");
    // The server reads the configuration found from where it starts.
    let mut child = unspun()
        .args(["serve", "--addr", "127.0.0.1:0", "--max-doc-bytes"])
        .arg(LIMIT.to_string())
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let addr = banner
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {banner:?}"))
        .to_string();
    let mut failures = Vec::new();
    for (name, want) in &reports {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let format = if name.ends_with(".md") {
            "markdown"
        } else {
            "text"
        };
        let (status, got) = post(
            &addr,
            &json!({"text": text, "format": format, "path": name}),
        );
        if status != 200 || got != as_json(want) {
            failures.push(format!("{name}: {status} {got}"));
        }
        // The LanguageTool endpoint checks plain text: the same findings, in order.
        if name.ends_with(".txt") {
            let form = crate::support::serve::form(&[("text", &text), ("language", "en-US")]);
            let (status, got) = post_to(
                &addr,
                "/v2/check",
                "application/x-www-form-urlencoded",
                &form,
            );
            let ids: Vec<&str> = got["matches"]
                .as_array()
                .map(|m| m.iter().filter_map(|m| m["rule"]["id"].as_str()).collect())
                .unwrap_or_default();
            let want_ids: Vec<&str> = want.findings.iter().map(|f| f.rule.as_str()).collect();
            if status != 200 || ids != want_ids || got["unspun"]["score"] != json!(want.score) {
                failures.push(format!(
                    "{name} (/v2/check): {status} {ids:?} {}",
                    got["unspun"]
                ));
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(failures.is_empty(), "{failures:#?}");
}
