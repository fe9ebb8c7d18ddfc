//! Bad and hostile inputs through the binary: `check` and `score` never crash, hang, read a
//! whole huge input into memory or silently drop text. Large inputs are generated here and
//! streamed through standard input. The README's reliability table points at these tests.

use crate::support::cmd::{run, spawn};
use serde_json::Value;
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
    let start = Instant::now();
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
        b"\"}\n{\"id\": \"next\", \"text\": \"He said thatRussia was ready.\"}\n",
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
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
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
    let start = Instant::now();
    let o = run(
        &["score", "--quiet", "--doc-timeout", "0.3", "-j", "1"],
        input.as_bytes(),
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
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
