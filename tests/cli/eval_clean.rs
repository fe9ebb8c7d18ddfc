//! `unspun eval --clean DIR` on a tiny fixture written for this test
//! (tests/fixtures/clean/: two genres of two documents each, plus a file that a folder walk
//! skips). With `ngram.swap` off, the other detectors' hits are hand-countable:
//!
//! | genre   | file         | words | warnings                               | CI |
//! |---------|--------------|-------|----------------------------------------|----|
//! | guides  | install.md   | 52    | none: "the the" is inside inline code  | ok |
//! | guides  | upgrade.md   | 48    | none: glue "oneand" is info (a weak    | ok |
//! |         |              |       | split: "one" + "and"), counted in      |    |
//! |         |              |       | find/10k only                          |    |
//! | guides  | notes.json   | -     | not a document (skipped by extension)  |    |
//! | letters | quiet.txt    | 51    | none                                   | ok |
//! | letters | doubled.txt  | 51    | garble.repeated-word "the the"         | 2  |
//!
//! The counts must agree with what `unspun check --no-config FILE` reports and exits with.

use serde_json::Value;
use std::process::{Command, Output};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/clean");

fn unspun(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unspun"))
        .args(args)
        .args(["--disable", "ngram.swap"])
        .output()
        .expect("the binary runs")
}

fn json(o: &Output) -> Value {
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

#[test]
fn counts_per_genre_match_check() {
    let o = unspun(&["eval", "--clean", DIR, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    let genres = v["genres"].as_array().unwrap();
    let names: Vec<&str> = genres
        .iter()
        .map(|g| g["genre"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["guides", "letters", "all"]);

    // What `unspun check` says about each file, read by its extension.
    for (g, files) in [
        (&genres[0], ["guides/install.md", "guides/upgrade.md"]),
        (&genres[1], ["letters/quiet.txt", "letters/doubled.txt"]),
    ] {
        let (mut words, mut warnings, mut failing, mut score) = (0, 0, 0, 0.0);
        for f in files {
            let path = format!("{DIR}/{f}");
            let o = unspun(&["check", "--no-config", "--format", "json", &path]);
            let r = &json(&o)[0];
            words += r["words"].as_u64().unwrap();
            warnings += r["findings"].as_array().unwrap().len();
            failing += (o.status.code() == Some(2)) as usize;
            score += r["score"].as_f64().unwrap();
        }
        assert_eq!(g["documents"], 2);
        assert_eq!(g["words"], words);
        assert_eq!(g["warnings"], warnings);
        assert_eq!(g["documents_failing_ci"], failing);
        // Scores are printed rounded; the mean is of the exact ones.
        assert!((g["mean_score"].as_f64().unwrap() - score / 2.0).abs() < 0.1);
    }

    let guides = &genres[0];
    assert_eq!(guides["words"], 100);
    assert_eq!(guides["warnings"], 0);
    close(&guides["warnings_per_10k_words"], 0.0);
    close(&guides["findings_per_10k_words"], 100.0);
    close(&guides["ci_fail_share"], 0.0);
    assert_eq!(guides["top_rules"].as_array().unwrap().len(), 0);
    let letters = &genres[1];
    assert_eq!(letters["words"], 102);
    close(&letters["warnings_per_10k_words"], 10_000.0 / 102.0);
    assert_eq!(letters["top_rules"][0]["rule"], "garble.repeated-word");
    assert_eq!(letters["top_rules"][0]["count"], 1);
    assert_eq!(letters["top_rules"][0]["documents"], 1);
    let all = &genres[2];
    assert_eq!(all["documents"], 4);
    assert_eq!(all["words"], 202);
    assert_eq!(all["warnings"], 1);
    assert_eq!(all["documents_failing_ci"], 1);
    close(&all["ci_fail_share"], 0.25);
}

#[test]
fn markdown_is_read_as_markdown() {
    // The same file read as plain text has the doubled word that its inline code hides.
    let path = format!("{DIR}/guides/install.md");
    let o = unspun(&[
        "check",
        "--no-config",
        "--input-format",
        "plain",
        "--format",
        "json",
        &path,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = unspun(&[
        "eval",
        "--clean",
        &format!("{DIR}/guides"),
        "--format",
        "json",
    ]);
    let v = json(&o);
    // Files directly in DIR form one genre named after the folder.
    let g = &v["genres"][0];
    assert_eq!(g["genre"], "guides");
    assert_eq!(g["documents"], 2);
    assert_eq!(g["warnings"], 0);
}

#[test]
fn human_table() {
    let o = unspun(&["eval", "--clean", DIR]);
    assert_eq!(o.status.code(), Some(0));
    let s = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("genre"))
        .expect("a table");
    assert_eq!(
        lines[at],
        "genre      docs      words  warnings   warn/10k   find/10k  CI fail   score"
    );
    assert!(
        lines[at + 1]
            .starts_with("guides        2        100         0        0.0      100.0     0.0%"),
        "{s}"
    );
    assert!(
        lines[at + 3]
            .starts_with("all           4        202         1       49.5       99.0    25.0%"),
        "{s}"
    );
    assert!(s.contains("\nletters  garble.repeated-word 1 (1)\n"), "{s}");
}

#[test]
fn missing_folder_is_an_error() {
    let o = unspun(&["eval", "--clean", &format!("{DIR}/nope")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read the folder"));
    let o = unspun(&["eval"]);
    // A usage error exits with 1 like any other error (2 means findings).
    assert_eq!(
        o.status.code(),
        Some(1),
        "clap usage error without FILE or --clean"
    );
}
