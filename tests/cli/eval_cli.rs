//! `unspun eval` on a small synthetic fixture whose numbers are worked out by hand.
//!
//! tests/fixtures/eval/mini.jsonl (six records, written for this test; offsets in code points):
//!
//! | id     | spinner | swap-category findings on spun             | labels | hit | orig score |
//! |--------|---------|--------------------------------------------|--------|-----|------------|
//! | mini-1 | spin-a  | 2 idioms (0.9), both on swaps, right sugg. | 2      | 2   | 100        |
//! | mini-2 | spin-a  | "caution lights" on a swap, right sugg.    | 2      | 1   | 100        |
//! | mini-3 | spin-b  | "caution lights", also in the original: FP | 1      | 0   | < 100      |
//! | mini-4 | spin-b  | "health and wellness care" on an edit: FP  | 1      | 0   | 97 (glue)  |
//! | mini-5 | spin-b  | 2 set phrases on swaps, one wrong sugg.    | 3      | 2   | 100        |
//! | mini-6 | spin-a  | none (spun score 100)                      | 2      | 0   | 100        |
//!
//! Span: 7 findings on spun texts and 1 on an original (mini-3's "caution lights"), so
//! P = 5/8 (5/7 on the spun texts alone), R = 5/11, F1 = 10/19, suggestions 4/5.
//! spin-a: P 3/3, R 3/6, sugg 3/3; spin-b: P 2/5 (2/4 spun only), R 2/5, sugg 1/2.
//!
//! Documents: mini-3's original (the set phrase, 84.0) is the lowest original, tied with
//! mini-3's spun text (same words but one); mini-4's original is just below 100 (97.0: its one
//! glue hit, "thatday", is a weak split reported as `info`, which weighs 0.3). With six
//! originals the 1 % threshold is the lowest original, so spun texts below it are flagged:
//! mini-1, -4 and -5 (two findings each). AUC wins per spun text: mini-1 6, mini-2 5 (84.3:
//! above mini-3's original only), mini-3 5.5 (tie), mini-4 6, mini-5 6, mini-6 2 (ties with
//! four 100s): all 30.5/36; spin-a 13/18, spin-b 17.5/18.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/eval/mini.jsonl"
);

/// Runs the binary. The harness is tested on the deterministic rule-based detectors, whose
/// hits on the fixture are hand-countable; the statistical `ngram.swap` is switched off here
/// (its quality is what `unspun eval` measures on real labelled data).
fn unspun(args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    if args.first() == Some(&"eval") {
        all.extend(["--disable", "ngram.swap"]);
    }
    Command::new(env!("CARGO_BIN_EXE_unspun"))
        .args(&all)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

#[test]
fn human_table_has_the_hand_computed_numbers() {
    let o = unspun(&["eval", FIXTURE]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s = stdout(&o);
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[1].contains("flags 0 of 6 originals"), "{s}");
    let table = [
        "spinner   docs    AUC  R@1%FPR  span P  P spun  span R     F1   sugg  findings  on orig  labels",
        "spin-a       3  0.722    0.333   1.000   1.000   0.500  0.667  1.000         3        0       6",
        "spin-b       3  0.972    0.667   0.400   0.500   0.400  0.400  0.500         4        1       5",
        "all          6  0.847    0.500   0.625   0.714   0.455  0.526  0.800         7        1      11",
    ];
    let at = lines
        .iter()
        .position(|l| l.starts_with("spinner"))
        .expect("a table");
    assert_eq!(&lines[at..at + 4], &table, "{s}");
    assert!(
        lines[at + 4].ends_with(": 1; findings on originals: 1"),
        "{s}"
    );
    // Sweep: everything up to 0.85; only the two 0.9 idioms at 0.90; nothing at 0.95.
    assert!(
        s.contains("\n0.85         7        1   0.625   0.714   0.455  0.526  0.800\n"),
        "{s}"
    );
    assert!(
        s.contains("\n0.90         2        0   1.000   1.000   0.182  0.308  1.000\n"),
        "{s}"
    );
    assert!(
        s.contains("\n0.95         0        0       -       -   0.000      -      -\n"),
        "{s}"
    );
}

#[test]
fn json_has_exact_metrics() {
    let o = unspun(&["eval", FIXTURE, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ev = &v["evaluation"];
    assert_eq!(ev["records"], 6);
    assert_eq!(ev["originals_flagged"], 0);
    let all = &ev["all"];
    close(&all["auc"], 30.5 / 36.0);
    close(&all["recall_at_1pct_fpr"], 0.5);
    // Findings on originals are false alarms: 5 true of 7 + 1.
    close(&all["span_precision"], 5.0 / 8.0);
    close(&all["span_precision_spun_only"], 5.0 / 7.0);
    close(&all["span_recall"], 5.0 / 11.0);
    close(&all["span_f1"], 10.0 / 19.0);
    close(&all["suggestion_accuracy"], 0.8);
    assert_eq!(all["findings"], 7);
    assert_eq!(all["true_findings"], 5);
    assert_eq!(all["findings_on_edits"], 1);
    assert_eq!(all["labels"], 11);
    assert_eq!(all["labels_found"], 5);
    assert_eq!(all["original_findings"], 1);
    let sp = ev["spinners"].as_array().unwrap();
    assert_eq!(sp[0]["spinner"], "spin-a");
    close(&sp[0]["auc"], 13.0 / 18.0);
    close(&sp[0]["recall_at_1pct_fpr"], 1.0 / 3.0);
    close(&sp[0]["span_recall"], 0.5);
    assert_eq!(sp[1]["spinner"], "spin-b");
    close(&sp[1]["auc"], 17.5 / 18.0);
    close(&sp[1]["span_precision"], 0.4);
    close(&sp[1]["span_precision_spun_only"], 0.5);
    close(&sp[1]["suggestion_accuracy"], 0.5);
    let sweep = ev["sweep"].as_array().unwrap();
    assert_eq!(sweep.len(), 10);
    close(&sweep[8]["confidence"], 0.9);
    close(&sweep[8]["span_recall"], 2.0 / 11.0);
    assert_eq!(sweep[9]["span_precision"], Value::Null);
}

#[test]
fn only_counts_the_named_rules() {
    let o = unspun(&["eval", FIXTURE, "--format", "json", "--only", "swap.idiom"]);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let all = &v["evaluation"]["all"];
    assert_eq!(all["findings"], 2);
    close(&all["span_precision"], 1.0);
    close(&all["span_recall"], 2.0 / 11.0);
    // Document scores still use every finding.
    close(&all["auc"], 30.5 / 36.0);

    let o = unspun(&["eval", FIXTURE, "--only", "no.such-rule"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no.such-rule"));
}

#[test]
fn other_categories_and_disabled_rules() {
    // The glue hit sits in mini-4's original and spun text, on no swap.
    let o = unspun(&["eval", FIXTURE, "--format", "json", "--category", "glue"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let all = &v["evaluation"]["all"];
    assert_eq!(
        (all["findings"].as_u64(), all["true_findings"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(all["original_findings"], 1);
    // Switching the set phrases off leaves the idioms; scores change with the findings.
    let o = unspun(&[
        "eval",
        FIXTURE,
        "--format",
        "json",
        "--disable",
        "swap.set-phrase",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let all = &v["evaluation"]["all"];
    assert_eq!(all["findings"], 2);
    assert_eq!(all["original_findings"], 0);
    let o = unspun(&["eval", FIXTURE, "--category", "nonsense"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "clap rejects a bad value: a usage error"
    );
}

#[test]
fn bad_lines_are_reported_and_skipped() {
    let mut body = std::fs::read_to_string(FIXTURE).unwrap();
    body.push_str("not json\n\n");
    body.push_str(
        r#"{"id":"x","spinner":"spin-a","original":"a b","spun":"a c","swaps":[{"spun_start":1,"spun_end":3,"spun":"c","original":"b"}]}"#,
    );
    body.push('\n');
    let path = tmp("eval-bad.jsonl");
    std::fs::write(&path, body).unwrap();
    let o = unspun(&["eval", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("eval-bad.jsonl: line 7: invalid record"),
        "{err}"
    );
    assert!(err.contains("line 9: swap 1"), "{err}");
    assert!(
        !err.contains("line 8"),
        "a blank line is not an error: {err}"
    );
    // The good records are still measured.
    let s = stdout(&o);
    assert!(
        s.contains("\nall          6  0.847    0.500   0.625   0.714"),
        "{s}"
    );

    let o = unspun(&["eval", tmp("does-not-exist.jsonl").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does-not-exist.jsonl: cannot read"));
}

#[test]
fn dump_lists_errors_per_record() {
    let path = tmp("eval-dump.jsonl");
    let o = unspun(&["eval", FIXTURE, "--dump", path.to_str().unwrap(), "-j", "2"]);
    assert_eq!(o.status.code(), Some(0));
    let body = std::fs::read_to_string(&path).unwrap();
    let recs: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["mini-1", "mini-2", "mini-3", "mini-4", "mini-5", "mini-6"]
    );

    assert_eq!(recs[0]["false_positives"].as_array().unwrap().len(), 0);
    assert_eq!(recs[0]["missed"].as_array().unwrap().len(), 0);
    // mini-2: the missed swap comes after non-ASCII text.
    assert_eq!(recs[1]["missed"][0]["spun"], "curate");
    assert_eq!(recs[1]["missed"][0]["context"], "They met the curate.");
    // mini-3: the same phrase in both texts, so both scores are equal and below 100.
    assert_eq!(recs[2]["score_original"], recs[2]["score_spun"]);
    assert!(recs[2]["score_spun"].as_f64().unwrap() < 100.0);
    assert_eq!(recs[2]["false_positives"][0]["text"], "caution lights");
    assert_eq!(
        recs[2]["original_false_positives"][0]["text"],
        "caution lights"
    );
    // mini-4: the finding lies on the inserted words.
    let fp = &recs[3]["false_positives"][0];
    assert_eq!(fp["text"], "health and wellness care");
    assert_eq!(fp["on_edit"], true);
    assert_eq!(fp["rule"], "swap.set-phrase");
    // mini-5: a hit whose suggestion is not what the spinner replaced.
    let ws = &recs[4]["wrong_suggestions"][0];
    assert_eq!(ws["suggestion"], "intelligence community");
    assert_eq!(ws["expected"], "intelligence service");
    assert_eq!(recs[4]["missed"][0]["original"], "senators");
    // mini-6: nothing found, both swaps missed.
    let missed: Vec<(&str, &str)> = recs[5]["missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["spun"].as_str().unwrap(), m["original"].as_str().unwrap()))
        .collect();
    assert_eq!(
        missed,
        [("schoolhouse", "school"), ("instructor", "teacher")]
    );
    assert_eq!(recs[5]["score_spun"], 100.0);
}

#[test]
fn output_does_not_depend_on_threads() {
    let one = unspun(&["eval", FIXTURE, "-j", "1", "--format", "json"]);
    let two = unspun(&["eval", FIXTURE, "-j", "2", "--format", "json"]);
    assert_eq!(one.stdout, two.stdout);
}
