//! `unspun score` end to end: the binary on generated inputs.

use crate::support::cmd::{records, run};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_unspun");

/// Sentences with and without damage, so documents differ in work and in score.
const SENTENCES: &[&str] = &[
    "The committee met on Tuesday to discuss the budget.",
    "He said thatRussia was ready to talk.",
    "Once once again the council voted against the plan.",
    "Members of the public may attend the hearing next week.",
    "The report was published in the spring and read widely.",
    "She argued that the policy had failed animpenetrable test.",
];

fn doc(i: usize) -> String {
    (0..1 + i % 7)
        .map(|k| SENTENCES[(i * 31 + k * 7) % SENTENCES.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn jsonl(n: usize) -> String {
    (0..n)
        .map(|i| serde_json::json!({"id": format!("doc-{i}"), "text": doc(i)}).to_string() + "\n")
        .collect()
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("unspun-score-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn order_is_kept_with_two_threads_and_matches_one_thread() {
    let input = jsonl(6000);
    let two = run(
        &["score", "-j", "2", "--quiet", "--findings", "all"],
        input.as_bytes(),
    );
    assert_eq!(
        two.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&two.stderr)
    );
    let recs = records(&two);
    assert_eq!(recs.len(), 6000);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r["id"], format!("doc-{i}"));
    }
    // Damaged sentences are found, so records differ; the order does not depend on threads.
    assert!(recs.iter().any(|r| r["score"].as_f64().unwrap() < 100.0));
    assert!(recs.iter().any(|r| r["score"].as_f64().unwrap() == 100.0));
    let one = run(
        &["score", "-j", "1", "--quiet", "--findings", "all"],
        input.as_bytes(),
    );
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn records_match_the_library_report() {
    let input = jsonl(40);
    let out = run(&["score", "--quiet", "--findings", "all"], input.as_bytes());
    let checker = unspun::Checker::builder().build().unwrap();
    let mut glue_seen = 0;
    for (i, r) in records(&out).iter().enumerate() {
        let mut report = checker.check(&doc(i));
        // The checker returns every finding; `score`, like `check`, lists those at or above
        // the default minimum severity (warning). The score counts them all.
        report.retain_findings(|f| f.severity >= unspun::Severity::Warning);
        assert_eq!(r["score"].as_f64().unwrap(), report.score);
        assert_eq!(r["words"].as_u64().unwrap() as usize, report.words);
        let findings: Vec<unspun::Finding> = serde_json::from_value(r["findings"].clone()).unwrap();
        assert_eq!(findings, report.findings);
        let glue = report
            .findings
            .iter()
            .filter(|f| f.category == unspun::Category::Glue)
            .count();
        assert_eq!(r["counts"]["glue"].as_u64().unwrap() as usize, glue);
        glue_seen += glue;
    }
    // Glued words beside a doubled word are warnings: the records list some.
    assert!(glue_seen > 0);
}

#[test]
fn bad_records_keep_their_place_and_exit_1() {
    let mut input: Vec<u8> = Vec::new();
    let mut kinds = Vec::new();
    for i in 0..300 {
        match i % 10 {
            3 => {
                input.extend_from_slice(b"{\"id\": 1, \"text\": }\n");
                kinds.push("malformed");
            }
            5 => {
                input.extend_from_slice(
                    format!("{{\"id\": \"m{i}\", \"body\": \"x\"}}\n").as_bytes(),
                );
                kinds.push("missing");
            }
            7 => {
                input.extend_from_slice(b"{\"text\": \"caf\xe9 au lait\"}\n");
                kinds.push("utf8");
            }
            _ => {
                input.extend_from_slice(
                    (serde_json::json!({"id": i, "text": doc(i)}).to_string() + "\n").as_bytes(),
                );
                kinds.push("ok");
            }
        }
    }
    let out = run(&["score", "-j", "2"], &input);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    assert_eq!(recs.len(), 300, "one output record per input line");
    for (i, (r, kind)) in recs.iter().zip(&kinds).enumerate() {
        let line = i + 1;
        match *kind {
            "ok" => {
                assert_eq!(r["id"], i);
                assert!(r["score"].is_number() && r.get("error").is_none());
            }
            "malformed" => {
                // The id before the fault is still read, and the line is given.
                assert_eq!(r["id"], 1, "{r}");
                assert_eq!(r["line"], line);
                assert_eq!(
                    r["error"],
                    format!("line {line}: expected value at column 19")
                );
            }
            "missing" => {
                assert_eq!(r["id"], format!("m{i}"));
                assert_eq!(r["line"], line);
                assert_eq!(r["error"], format!("line {line}: no field 'text'"));
            }
            _ => {
                // Invalid UTF-8 is replaced, flagged and scored, not an error.
                assert_eq!(r["id"], line);
                assert!(r["score"].is_number() && r.get("error").is_none());
                assert_eq!(
                    r["notice"],
                    format!("line {line}: invalid UTF-8 at column 14, replaced by U+FFFD")
                );
                let f = r["findings"].as_array().unwrap();
                let bad = f
                    .iter()
                    .find(|f| f["rule"] == "input.invalid-utf8")
                    .unwrap();
                assert_eq!(bad["text"], "\u{FFFD}");
                assert_eq!(bad["start"], 3, "offsets are into the decoded text");
            }
        }
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("300 documents (60 errors)"), "{stderr}");
}

#[test]
fn blank_lines_are_not_documents() {
    let out = run(
        &["score", "--quiet"],
        b"\n{\"text\": \"One.\"}\r\n   \n{\"text\": \"Two.\"}\n\n",
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(
        (recs[0]["id"].clone(), recs[1]["id"].clone()),
        (2.into(), 4.into())
    );
}

#[test]
fn threshold_and_fail_under() {
    let input = jsonl(60);
    let out = run(&["score", "--quiet", "--threshold", "90"], input.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out);
    let scores: Vec<f64> = recs.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    let lowest = scores.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(lowest < 90.0, "the corpus has damaged documents");
    for r in &recs {
        assert_eq!(r["flagged"], r["score"].as_f64().unwrap() < 90.0);
    }
    let without = run(&["score", "--quiet"], input.as_bytes());
    assert!(records(&without).iter().all(|r| r.get("flagged").is_none()));

    let fail = format!("{}", lowest + 0.05);
    let out = run(
        &["score", "--quiet", "--fail-under", &fail],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(records(&out).len(), 60);
    let pass = format!("{lowest}");
    let out = run(
        &["score", "--quiet", "--fail-under", &pass],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn csv_has_one_row_per_document() {
    let mut input = jsonl(25);
    input.push_str("not json\n");
    let out = run(
        &["score", "--quiet", "--format", "csv", "--threshold", "95"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "id,path,score,words,swap,foreign,boilerplate,glue,garble,flagged,notice,error,line,language,verdict"
    );
    assert_eq!(rows.len(), 27);
    let checker = unspun::Checker::builder().build().unwrap();
    for (i, row) in rows[1..26].iter().enumerate() {
        let cols: Vec<&str> = row.split(',').collect();
        assert_eq!(cols.len(), 15, "{row}");
        assert_eq!(cols[0], format!("doc-{i}"));
        let report = checker.check(&doc(i));
        assert_eq!(cols[2].parse::<f64>().unwrap(), report.score);
        assert_eq!(cols[9], if report.score < 95.0 { "true" } else { "false" });
        assert_eq!(cols[12], "");
        assert_eq!(cols[13], "en");
        assert_eq!(Some(cols[14]), report.verdict.as_deref());
    }
    // An unreadable id is left empty; the line is in the last column.
    assert!(rows[26].starts_with(",,,"), "{}", rows[26]);
    assert!(
        rows[26].ends_with("line 26: expected ident at column 2,26,,"),
        "{}",
        rows[26]
    );
}

#[test]
fn text_and_id_fields() {
    let input = "{\"url\": \"http://a\", \"body\": \"He said thatRussia was ready, in no unpredictable terms.\", \"text\": \"clean\"}\n\
                 {\"body\": \"Fine words.\"}\n";
    let out = run(
        &[
            "score",
            "--quiet",
            "--text-field",
            "body",
            "--id-field",
            "url",
        ],
        input.as_bytes(),
    );
    let recs = records(&out);
    assert_eq!(recs[0]["id"], "http://a");
    assert_eq!(recs[0]["counts"]["glue"], 1, "the body field was scored");
    assert_eq!(recs[0]["findings"][0]["text"], "thatRussia");
    assert_eq!(recs[1]["id"], 2);
}

#[test]
fn folders_give_one_record_per_file_in_order() {
    let d = tempdir("dirs");
    std::fs::create_dir_all(d.join("b/inner")).unwrap();
    std::fs::write(
        d.join("a.txt"),
        "He said thatRussia was ready, in no unpredictable terms.",
    )
    .unwrap();
    std::fs::write(d.join("b/inner/c.md"), "A clean sentence here.").unwrap();
    std::fs::write(d.join("b/skip.bin"), [0u8, 1, 2]).unwrap();
    std::fs::write(d.join("z.txt"), b"bad \xff byte").unwrap();
    let lines = d.join("x.jsonl");
    std::fs::write(&lines, jsonl(3)).unwrap();
    let out = run(
        &[
            "score",
            "--quiet",
            d.to_str().unwrap(),
            "missing-file.txt",
            lines.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    let paths: Vec<String> = recs
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    let p = |s: &str| d.join(s).display().to_string();
    assert_eq!(
        paths,
        [
            p("a.txt"),
            p("b/inner/c.md"),
            p("z.txt"),
            "missing-file.txt".to_string(),
            lines.display().to_string(),
            lines.display().to_string(),
            lines.display().to_string(),
        ]
    );
    assert_eq!(recs[0]["counts"]["glue"], 1);
    // The Markdown file was scored (its score depends on the detectors, not on the walk).
    assert!(recs[1]["score"].is_number() && recs[1]["error"].is_null());
    // Invalid UTF-8 is replaced by U+FFFD and flagged with its byte offset in the file.
    assert!(recs[2]["score"].is_number() && recs[2]["error"].is_null());
    assert_eq!(recs[2]["findings"][0]["rule"], "input.invalid-utf8");
    assert_eq!(
        recs[2]["findings"][0]["message"],
        "invalid UTF-8: byte 0xFF at byte offset 4 of the input, replaced by U+FFFD"
    );
    assert!(recs[3]["error"].as_str().unwrap().contains("no such file"));
    assert_eq!(recs[5]["id"], "doc-1");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn long_documents_are_scored_on_their_first_part() {
    let long = "He said thatRussia was ready. ".repeat(200); // 6000 bytes
    let input = serde_json::json!({"id": "long", "text": long}).to_string()
        + "\n"
        + &serde_json::json!({"id": "short", "text": "Short."}).to_string()
        + "\n";
    let out = run(
        &["score", "--quiet", "--max-doc-bytes", "1K"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    let notice = recs[0]["notice"].as_str().unwrap();
    assert!(notice.contains("scored its first 1024 bytes"), "{notice}");
    let words = recs[0]["words"].as_u64().unwrap();
    assert!(
        words > 100 && words < 250,
        "about 1 KB of words, got {words}"
    );
    assert!(recs[1].get("notice").is_none());

    // A record line longer than the cap plus room for the JSON is never held whole: the text
    // is read leniently from the part that was kept.
    let huge = "Fine words. ".repeat(110_000); // 1.3 MB
    let input = serde_json::json!({"id": "huge", "text": huge}).to_string()
        + "\n"
        + &serde_json::json!({"id": "after", "text": "x"}).to_string()
        + "\n";
    let out = run(
        &["score", "--quiet", "--max-doc-bytes", "1K"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out);
    assert_eq!(recs[0]["id"], "huge");
    assert!(recs[0]["notice"]
        .as_str()
        .unwrap()
        .starts_with("record is 1320"));
    assert_eq!(recs[0]["words"], 171, "1024 bytes of 'Fine words. '");
    assert_eq!(recs[1]["id"], "after");

    // A plain-text document is cut the same way.
    let out = run(
        &[
            "score",
            "--quiet",
            "--max-doc-bytes",
            "1K",
            "--input-format",
            "text",
        ],
        long.as_bytes(),
    );
    let recs = records(&out);
    assert!(recs[0]["notice"].as_str().unwrap().contains("1024 bytes"));
}

#[test]
fn findings_none_top_all() {
    let text = "He said thatRussia was ready. Once once again. ".repeat(6);
    let input = serde_json::json!({"text": text}).to_string() + "\n";
    let all = records(&run(
        &["score", "--quiet", "--findings", "all"],
        input.as_bytes(),
    ));
    let top = records(&run(&["score", "--quiet"], input.as_bytes()));
    let none = records(&run(
        &["score", "--quiet", "--findings", "none"],
        input.as_bytes(),
    ));
    let all_f = all[0]["findings"].as_array().unwrap();
    let top_f = top[0]["findings"].as_array().unwrap();
    assert!(all_f.len() > 5);
    assert_eq!(top_f.len(), 5);
    assert!(top_f.iter().all(|f| all_f.contains(f)));
    let starts: Vec<u64> = top_f.iter().map(|f| f["start"].as_u64().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "text order");
    let min_top = top_f
        .iter()
        .map(|f| f["confidence"].as_f64().unwrap())
        .fold(1.0, f64::min);
    let dropped = all_f.iter().filter(|f| !top_f.contains(f));
    assert!(dropped
        .into_iter()
        .all(|f| f["confidence"].as_f64().unwrap() <= min_top));
    assert!(none[0].get("findings").is_none());
    assert_eq!(none[0]["score"], all[0]["score"]);
}

#[test]
fn output_file_is_written_whole() {
    let d = tempdir("out");
    let target = d.join("scores.jsonl");
    std::fs::write(&target, "old contents\n").unwrap();
    let out = run(
        &["score", "--quiet", "-o", target.to_str().unwrap()],
        jsonl(50).as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written.lines().count(), 50);
    assert!(written.starts_with("{\"id\":\"doc-0\""));
    let names: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn closed_pipe_ends_quietly() {
    let mut child = Command::new(BIN)
        .args(["score", "-j", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut sin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let data = jsonl(20000);
        let _ = sin.write_all(data.as_bytes());
    });
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"id\":\"doc-0\""));
    // stdout is dropped here: the reader went away, like `| head -1`.
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("error"),
        "{stderr}"
    );
}

#[test]
fn summary_and_quiet() {
    let input = jsonl(10);
    let out = run(&["score"], input.as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("10 documents (0 errors)"), "{stderr}");
    assert!(stderr.contains("scores by decile: 0-10: "), "{stderr}");
    assert!(
        !stderr.contains('\r'),
        "no progress bar when stderr is not a terminal"
    );
    let quiet = run(&["score", "-q"], input.as_bytes());
    assert!(quiet.stderr.is_empty());
}

#[test]
fn a_byte_order_mark_on_stdin_does_not_hide_json_lines() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(jsonl(3).as_bytes());
    let out = run(&["score", "--quiet"], &input);
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out);
    assert_eq!(recs.len(), 3, "three records, not one plain-text document");
    assert_eq!(recs[0]["id"], "doc-0");
}

#[test]
fn ids_are_kept_verbatim_and_error_records_keep_theirs() {
    let input = concat!(
        "{\"id\": 123456789012345678901234567890, \"text\": \"He said thatRussia was ready.\"}\n",
        "{\"id\": 18446744073709551616, \"text\": \"Fine.\"}\n",
        "{\"id\": 2.50, \"text\": \"Fine.\"}\n",
        "{\"id\": 3, \"text\": null}\n",
        "{\"id\": 4, \"text\": \"broken\n",
        "not json\n",
    );
    let out = run(
        &["score", "--quiet", "--findings", "none"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("{\"id\":123456789012345678901234567890,\"score\":"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("{\"id\":18446744073709551616,\"score\":"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("{\"id\":2.50,\"score\":"),
        "{}",
        lines[2]
    );
    // The case: line 4 holds id 3 and a null text.
    assert!(
        lines[3].starts_with(
            "{\"id\":3,\"line\":4,\"error\":\"line 4: field 'text': invalid type: null"
        ),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("{\"id\":4,\"line\":5,\"error\":\"line 5: "),
        "{}",
        lines[4]
    );
    assert!(
        lines[5].starts_with("{\"id\":null,\"line\":6,\"error\":\"line 6: "),
        "{}",
        lines[5]
    );
}
