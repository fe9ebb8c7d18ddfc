//! Bad and hostile inputs through the binary: `check` and `score` never crash, hang, read a
//! whole huge input into memory or silently drop text. Large inputs are generated here and
//! streamed through standard input. The README's reliability table points at these tests.

use crate::support::cmd::{self, run, spawn};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("unspun-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Peak resident memory of a running process, in MB (Linux).
fn peak_rss_mb(child: &Child) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024)
}

/// Stream `total` bytes (`head`, then `fill` repeated, then `tail`) into a command's standard
/// input without holding them; returns the output and the peak RSS seen before stdin closed.
fn stream(args: &[&str], head: &[u8], fill: &[u8], total: usize, tail: &[u8]) -> (Output, u64) {
    let mut child = spawn(args);
    let mut sin = child.stdin.take().unwrap();
    // Read the output meanwhile: a child blocked writing it would stop reading its input.
    let mut sout = child.stdout.take().unwrap();
    let mut serr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = sout.read_to_end(&mut b);
        b
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = serr.read_to_end(&mut b);
        b
    });
    let chunk: Vec<u8> = fill.iter().copied().cycle().take(1 << 20).collect();
    let mut sent = 0;
    let mut ok = sin.write_all(head).is_ok();
    while ok && sent < total {
        let n = chunk.len().min(total - sent);
        ok = sin.write_all(&chunk[..n]).is_ok();
        sent += n;
    }
    if ok {
        let _ = sin.write_all(tail);
    }
    let peak = peak_rss_mb(&child).unwrap_or(0);
    drop(sin);
    let status = child.wait().unwrap();
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (output, peak)
}

#[test]
fn binary_files_are_skipped_with_a_notice_never_scored() {
    let d = tempdir("binary");
    let bin = d.join("image.txt");
    std::fs::write(&bin, b"GIF89a\x01\x00\x01\x00\x00\xff\x00thatRussia").unwrap();
    let utf32 = d.join("utf32.txt");
    std::fs::write(&utf32, b"\xff\xfe\x00\x00a\x00\x00\x00").unwrap();
    let o = run(
        &["check", bin.to_str().unwrap(), utf32.to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("image.txt: binary file (NUL byte at offset 7), skipped"),
        "{err}"
    );
    assert!(
        err.contains("utf32.txt: UTF-32 text is not supported"),
        "{err}"
    );
    let o = run(&["score", "--quiet", bin.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let recs = json_lines(&o);
    assert_eq!(recs.len(), 1, "one record per input, even a skipped one");
    assert!(recs[0]["score"].is_null() && recs[0]["error"].is_null());
    assert_eq!(
        recs[0]["skipped"],
        "binary file (NUL byte at offset 7): not scored"
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn empty_files_score_100() {
    let d = tempdir("empty");
    let e = d.join("empty.md");
    std::fs::write(&e, b"").unwrap();
    let o = run(&["check", "--format", "jsonl", e.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(0));
    let r = &json_lines(&o)[0];
    assert_eq!(
        (r["score"].as_f64(), r["words"].as_u64()),
        (Some(100.0), Some(0))
    );
    let o = run(&["score", "--quiet", e.to_str().unwrap()], b"");
    assert_eq!(json_lines(&o)[0]["score"], 100.0);
    let o = run(&["check", "--format", "json", "-"], b"");
    assert_eq!(o.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn invalid_utf8_is_flagged_with_its_offset_and_never_fixed_in_place() {
    let d = tempdir("utf8");
    let f = d.join("latin1.txt");
    let bytes = b"Caf\xe9 owners spoke in no unsure terms.\n";
    std::fs::write(&f, bytes).unwrap();
    let o = run(&["check", "--format", "jsonl", f.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    let r = &json_lines(&o)[0];
    let bad = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "input.invalid-utf8")
        .expect("flagged");
    assert_eq!(
        (bad["start"].as_u64(), bad["line"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        bad["message"],
        "invalid UTF-8: byte 0xE9 at byte offset 3 of the input, replaced by U+FFFD"
    );
    // --fix would write U+FFFD over the original byte: the file is left alone.
    let o = run(&["check", "--fix", f.to_str().unwrap()], b"");
    assert!(stderr(&o).contains("not rewritten: it has bytes that are not valid text"));
    assert_eq!(std::fs::read(&f).unwrap(), bytes);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn utf16_and_bom_files_are_checked_and_fixed_in_their_encoding() {
    let d = tempdir("utf16");
    // A set phrase a spinner broke: a finding with a safe fix.
    let text = "He spoke in no unsure terms.\r\n";
    let fixed = "He spoke in no uncertain terms.\r\n";
    let le = |t: &str| -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(t.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    };
    let f16 = d.join("utf16.txt");
    std::fs::write(&f16, le(text)).unwrap();
    let f8 = d.join("bom.md");
    std::fs::write(&f8, [b"\xEF\xBB\xBF", text.as_bytes()].concat()).unwrap();
    let o = run(
        &[
            "check",
            "--format",
            "jsonl",
            f16.to_str().unwrap(),
            f8.to_str().unwrap(),
        ],
        b"",
    );
    for r in json_lines(&o) {
        let f = &r["findings"][0];
        assert_eq!(f["rule"], "swap.idiom", "{r}");
        assert_eq!(
            (f["start"].as_u64(), f["column"].as_u64()),
            (Some(9), Some(10))
        );
    }
    let o = run(
        &[
            "check",
            "--fix",
            f16.to_str().unwrap(),
            f8.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&f16).unwrap(), le(fixed));
    assert_eq!(
        std::fs::read(&f8).unwrap(),
        [b"\xEF\xBB\xBF", fixed.as_bytes()].concat()
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn check_reads_only_max_doc_bytes_and_says_so() {
    let d = tempdir("maxdoc");
    let f = d.join("long.txt");
    let text = "She spoke in no unsure terms. ".repeat(1000); // 30,000 bytes
    std::fs::write(&f, &text).unwrap();
    let o = run(
        &[
            "check",
            "--format",
            "jsonl",
            "--max-doc-bytes",
            "10000",
            f.to_str().unwrap(),
        ],
        b"",
    );
    let r = &json_lines(&o)[0];
    assert_eq!(r["truncated"], "max-doc-bytes");
    assert!(r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["end"].as_u64() <= Some(10000)));
    assert!(
        stderr(&o).contains(
            "long.txt: 30000 bytes, over --max-doc-bytes: checked its first 10000 bytes only"
        ),
        "{}",
        stderr(&o)
    );
    // The cut falls inside a multi-byte character: it is dropped, not flagged. (A doubled
    // word ends right before it, at byte 100.)
    let cut = format!("{} the the{}", "\u{e9}".repeat(46), "\u{e9}".repeat(50));
    std::fs::write(&f, cut).unwrap();
    let o = run(
        &[
            "check",
            "--format",
            "jsonl",
            "--max-doc-bytes",
            "101",
            f.to_str().unwrap(),
        ],
        b"",
    );
    let r = &json_lines(&o)[0];
    let rules: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["rule"])
        .collect();
    assert!(!rules.contains(&&Value::from("input.invalid-utf8")), "{r}");
    assert_eq!(r["findings"][0]["end"], 100);
    // A file checked in part is never rewritten.
    std::fs::write(&f, &text).unwrap();
    let o = run(
        &[
            "check",
            "--fix",
            "--max-doc-bytes",
            "10000",
            f.to_str().unwrap(),
        ],
        b"",
    );
    assert!(stderr(&o).contains("not rewritten: only its first part was checked"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), text);
    let _ = std::fs::remove_dir_all(&d);
}

/// A 1 GB line on standard input: `check` reads its first --max-doc-bytes and stops; `score`
/// reads it through, keeping at most the limit, and scores the next record too.
#[test]
fn a_1_gb_single_line() {
    const GB: usize = 1 << 30;
    let (o, _) = stream(
        &[
            "check",
            "--format",
            "jsonl",
            "--max-doc-bytes",
            "1M",
            "--disable",
            "ngram.swap",
            "-",
        ],
        b"",
        b"thatRussia and more ",
        GB,
        b"\n",
    );
    let r = &json_lines(&o)[0];
    assert_eq!(r["truncated"], "max-doc-bytes");
    assert!(r["words"].as_u64().unwrap() > 100_000);
    assert!(
        stderr(&o).contains("checked its first 1048576 bytes only"),
        "{}",
        stderr(&o)
    );

    let (o, peak) = stream(
        &[
            "score",
            "--quiet",
            "--max-doc-bytes",
            "1M",
            "--disable",
            "ngram.swap",
            "-j",
            "2",
        ],
        br#"{"id": "huge", "text": ""#,
        b"thatRussia and more ",
        GB,
        b"\"}\n{\"id\": \"next\", \"text\": \"He said thatRussia was ready, in no unpredictable terms.\"}\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let recs = json_lines(&o);
    assert_eq!(recs.len(), 2);
    assert_eq!(
        (&recs[0]["id"], &recs[0]["truncated"]),
        (&Value::from("huge"), &Value::from("max-doc-bytes"))
    );
    assert!(recs[0]["notice"]
        .as_str()
        .unwrap()
        .contains(&format!("record is {} bytes", GB + 26)));
    assert_eq!(
        (&recs[1]["id"], &recs[1]["counts"]["glue"]),
        (&Value::from("next"), &Value::from(1))
    );
    assert!(peak < 400, "peak RSS {peak} MB while reading a 1 GB line");
}

#[test]
fn a_pathological_document_cannot_stall_a_batch() {
    let slow =
        "the cyber assailants said that the considerable escalation was ready. ".repeat(40_000);
    let mut input = String::new();
    input += &serde_json::json!({"id": 1, "text": "He said thatRussia was ready."}).to_string();
    input += "\n";
    input += &serde_json::json!({"id": 2, "text": slow}).to_string();
    input += "\n";
    input += &serde_json::json!({"id": 3, "text": "A clean sentence."}).to_string();
    input += "\n";
    let o = run(
        &["score", "--quiet", "--doc-timeout", "0.3", "-j", "1"],
        input.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let recs = json_lines(&o);
    let ids: Vec<&Value> = recs.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(recs[1]["truncated"], "time budget");
    assert!(recs[1]["score"].is_number());
    assert!(recs[1]["notice"].as_str().unwrap().contains("time budget"));
    assert!(recs[0]["truncated"].is_null() && recs[2]["truncated"].is_null());
}

/// Killing `score -o FILE` part-way leaves FILE as it was: records go to a temporary file
/// that is renamed over FILE only when the run is complete.
#[test]
fn killing_score_never_leaves_a_half_written_output() {
    let d = tempdir("kill");
    let out = d.join("scores.jsonl");
    std::fs::write(&out, "previous run\n").unwrap();
    let mut child = spawn(&["score", "--quiet", "-o", out.to_str().unwrap(), "-"]);
    let mut sin = child.stdin.take().unwrap();
    for i in 0..2000 {
        let line = serde_json::json!({"id": i, "text": "He said thatRussia was ready."});
        writeln!(sin, "{line}").unwrap();
    }
    sin.flush().unwrap();
    // Let it score and write some of them, then kill it mid-run (stdin still open).
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    drop(sin);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous run\n");
    // A complete run replaces it whole.
    let o = run(
        &["score", "--quiet", "-o", out.to_str().unwrap(), "-"],
        b"{\"text\": \"x\"}\n",
    );
    assert_eq!(o.status.code(), Some(0));
    let mut s = String::new();
    std::fs::File::open(&out)
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    assert!(s.starts_with("{\"id\":1,\"score\":"), "{s}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn check_output_file_is_written_whole() {
    let d = tempdir("check-o");
    let out = d.join("report.json");
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
            "-",
        ],
        b"It was the the best.",
    );
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v[0]["findings"][0]["rule"], "garble.repeated-word");
    let left: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left");
    let _ = std::fs::remove_dir_all(&d);
}

/// Wait for a child at most `limit`, reading its output meanwhile; kill it if it is still
/// running then (the test fails).
fn wait_within(mut child: Child, limit: Duration) -> Output {
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let e = err.join().unwrap();
            panic!(
                "still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&e)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

#[test]
fn human_output_is_linear_in_findings_and_line_length() {
    // 275 KB of "so the the so the the …" on one line: 25,000 repeated-word findings.
    // Rendering each from the whole line made this 40 s; it is a second or two now. (Not
    // "a a a": a text of one-letter words is in no known language, so the English detectors
    // do not run on it; not "the the the": a word three times in a row is deliberate.)
    let d = tempdir("human-linear");
    let f = d.join("a.txt");
    std::fs::write(&f, "so the the ".repeat(25_000)).unwrap();
    let child = cmd::unspun()
        .args(["check", "--no-config", f.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_within(child, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    let arrows: Vec<&str> = text.lines().filter(|l| l.contains("--> ")).collect();
    assert!(arrows.len() >= 20_000, "{}", arrows.len());
    // Columns are the findings' own, far along the line, and each snippet stays short.
    let last = arrows.last().unwrap();
    let col: usize = last.rsplit(':').next().unwrap().parse().unwrap();
    assert!(col > 199_000, "{last}");
    assert!(text.lines().all(|l| l.len() < 400), "long lines are cut");
    let json = run(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            f.to_str().unwrap(),
        ],
        b"",
    );
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    let cols: Vec<u64> = v[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["column"].as_u64().unwrap())
        .collect();
    let shown: Vec<u64> = arrows
        .iter()
        .map(|l| l.rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(shown, cols, "every finding points at its own column");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn output_to_a_folder_fails_cleanly() {
    let d = tempdir("o-folder");
    let sub = d.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let o = run(
        &[
            "check",
            "--format",
            "json",
            "-o",
            sub.to_str().unwrap(),
            "-",
        ],
        b"He said thatRussia was ready.",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is a folder"), "{}", stderr(&o));
    let left: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left");
    assert_eq!(std::fs::read_dir(&sub).unwrap().count(), 0);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn fix_follows_symlinks_and_refuses_hard_links_and_read_only_files() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir("fix-special");
    let text = "He spoke in no unpredictable terms.\n";
    let real = d.join("real.txt");
    std::fs::write(&real, text).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = d.join("link.txt");
    std::os::unix::fs::symlink("real.txt", &link).unwrap();
    let o = run(
        &["check", "--no-config", "--fix", link.to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "He spoke in no uncertain terms.\n",
        "the target is fixed"
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "permissions are kept");
    // Hard links: not rewritten (a rename would split them), said so.
    let a = d.join("a.txt");
    std::fs::write(&a, text).unwrap();
    std::fs::hard_link(&a, d.join("b.txt")).unwrap();
    let o = run(&["check", "--no-config", "--fix", a.to_str().unwrap()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not rewritten: it has 2 hard links"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&a).unwrap(), text);
    // Read-only: not rewritten.
    let ro = d.join("ro.txt");
    std::fs::write(&ro, text).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = run(
        &["check", "--no-config", "--fix", ro.to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not rewritten: it is read-only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), text);
    let names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_config_file_without_end_is_refused() {
    // `--config /dev/zero` used to read until memory ran out.
    let child = cmd::unspun()
        .args(["check", "--config", "/dev/zero", "-"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_within(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("/dev/zero: larger than 1 MiB: not a configuration file"),
        "{}",
        stderr(&out)
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn compressed_inputs_are_read_in_check_score_and_cluster() {
    let d = tempdir("compressed");
    let text = "He spoke in no unpredictable terms.\n";
    // check: a .txt.gz file (named), a .md.zst in a walked folder, gzip on stdin.
    std::fs::write(d.join("a.txt.gz"), gzip(text.as_bytes())).unwrap();
    let sub = d.join("docs");
    std::fs::create_dir(&sub).unwrap();
    let md =
        "# Title\n\n`in no unpredictable terms` in code, and in no unpredictable terms in prose.\n";
    std::fs::write(
        sub.join("b.md.zst"),
        zstd::encode_all(md.as_bytes(), 1).unwrap(),
    )
    .unwrap();
    let a = d.join("a.txt.gz");
    let o = run(
        &[
            "check",
            "--no-config",
            "--format",
            "jsonl",
            a.to_str().unwrap(),
            sub.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let recs = json_lines(&o);
    assert_eq!(recs.len(), 2, "{}", stderr(&o));
    for r in &recs {
        let f = r["findings"].as_array().unwrap();
        assert_eq!(f.len(), 1, "{r}");
        assert_eq!(f[0]["text"], "in no unpredictable terms");
    }
    // Markdown under .zst: the code span is skipped.
    assert_eq!(recs[1]["findings"][0]["line"], 3);
    let o = run(
        &["check", "--no-config", "--format", "jsonl", "-"],
        &gzip(text.as_bytes()),
    );
    assert_eq!(
        json_lines(&o)[0]["findings"][0]["text"],
        "in no unpredictable terms"
    );
    // --fix never rewrites a compressed file.
    let before = std::fs::read(&a).unwrap();
    let o = run(&["check", "--no-config", "--fix", a.to_str().unwrap()], b"");
    assert!(
        stderr(&o).contains("not rewritten: it is gzip compressed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&a).unwrap(), before);
    // score: .jsonl.gz by name, zstd JSON Lines on stdin.
    let jsonl = "{\"id\": \"x\", \"text\": \"He spoke in no unpredictable terms.\"}\n{\"id\": \"y\", \"text\": \"Fine.\"}\n";
    std::fs::write(d.join("c.jsonl.gz"), gzip(jsonl.as_bytes())).unwrap();
    let o = run(
        &["score", "-q", d.join("c.jsonl.gz").to_str().unwrap()],
        b"",
    );
    let recs = json_lines(&o);
    assert_eq!(
        (recs.len(), &recs[0]["id"], &recs[1]["id"]),
        (2, &json!("x"), &json!("y"))
    );
    assert_eq!(recs[0]["counts"]["swap"], 1);
    let o = run(
        &["score", "-q", "-"],
        &zstd::encode_all(jsonl.as_bytes(), 1).unwrap(),
    );
    assert_eq!(json_lines(&o).len(), 2, "{}", stderr(&o));
    // cluster: a gzip corpus (read twice: decompressed to a temporary file).
    let para = "In 1990 the Congress of the United States passed a law that gave every farmer in \
                Kansas a loan of 500 dollars, and the President said it was the best thing he had \
                done for the people of the plains. It was not enough for the farmers, who asked \
                for more help in the years that followed, but it was a start.";
    let corpus = format!(
        "{}\n{}\n",
        json!({"id": "o", "text": para}),
        json!({"id": "c", "text": para.replace("passed a law", "enacted a statute")})
    );
    std::fs::write(d.join("k.jsonl.gz"), gzip(corpus.as_bytes())).unwrap();
    let o = run(
        &["cluster", "-q", d.join("k.jsonl.gz").to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let recs = json_lines(&o);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["size"], 2);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn file_names_are_shown_exactly_and_safely() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let d = tempdir("names");
    let text = "He said thatRussia was ready, in no unpredictable terms.\n";
    for name in [&b"a\xff.txt"[..], b"a\xfe.txt", b"x\x1b[31mred.txt"] {
        std::fs::write(d.join(OsStr::from_bytes(name)), text).unwrap();
    }
    let o = run(&["check", "--no-config", d.to_str().unwrap()], b"");
    let human = String::from_utf8(o.stdout).unwrap();
    assert!(human.contains("a\\xff.txt:1:9"), "{human}");
    assert!(
        human.contains("a\\xfe.txt:1:9"),
        "two names, two paths: {human}"
    );
    assert!(human.contains("x\\x1b[31mred.txt"), "{human}");
    assert!(
        !human.contains('\u{1b}'),
        "no raw escape reaches the terminal"
    );
    let o = run(
        &[
            "check",
            "--no-config",
            "--format",
            "sarif",
            d.to_str().unwrap(),
        ],
        b"",
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let uris: Vec<&str> = v["runs"][0]["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris.len(), 3);
    assert!(uris[0].ends_with("/a%FE.txt"), "{uris:?}");
    assert!(uris[1].ends_with("/a%FF.txt"), "{uris:?}");
    assert!(uris[2].ends_with("/x%1B%5B31mred.txt"), "{uris:?}");
    let _ = std::fs::remove_dir_all(&d);
}

/// Run `unspun ARGS` under a pseudo-terminal (util-linux `script`), with the environment
/// given; its output as the terminal shows it. `None` when `script` is not there.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_unspun");
    let mut c = std::process::Command::new("script");
    c.args(["-qefc", &format!("{bin} {args} </dev/tty"), "/dev/null"])
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let out = wait_within(
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .ok()?,
        Duration::from_secs(60),
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_only_on_a_terminal_and_no_silent_wait_for_input() {
    let d = tempdir("colour");
    let f = d.join("a.txt");
    std::fs::write(
        &f,
        "He said thatRussia was ready, in no unpredictable terms.\n",
    )
    .unwrap();
    let o = d.join("out.txt");
    let Some(shown) = on_a_terminal(
        &format!("check --no-config {} -o {}", f.display(), o.display()),
        &[],
    ) else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    let written = std::fs::read_to_string(&o).unwrap();
    assert!(written.contains("thatRussia"), "{written}");
    assert!(
        !written.contains('\u{1b}'),
        "no colour in -o FILE: {written:?}"
    );
    let _ = shown;
    // On the terminal itself: colour, unless NO_COLOR or --color never.
    let tty = on_a_terminal(&format!("check --no-config {}", f.display()), &[]).unwrap();
    assert!(tty.contains('\u{1b}'), "{tty:?}");
    let tty = on_a_terminal(
        &format!("check --no-config {}", f.display()),
        &[("NO_COLOR", "1")],
    )
    .unwrap();
    assert!(!tty.contains('\u{1b}'), "{tty:?}");
    let tty = on_a_terminal(
        &format!("check --no-config --color never {}", f.display()),
        &[],
    )
    .unwrap();
    assert!(!tty.contains('\u{1b}'), "{tty:?}");
    // A pipe: never, even from a terminal session.
    let piped = run(&["check", "--no-config", f.to_str().unwrap()], b"");
    assert!(!String::from_utf8_lossy(&piped.stdout).contains('\u{1b}'));
    // `unspun check` with no path and a terminal on stdin: the usage, not a silent wait.
    let tty = on_a_terminal("check --no-config", &[]).unwrap();
    assert!(tty.contains("Usage: unspun check"), "{tty:?}");
    let _ = std::fs::remove_dir_all(&d);
}
