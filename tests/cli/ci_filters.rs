//! `check --baseline FILE` and `check --diff-base REF`: only new findings are reported and
//! fail the run (exit 2); those in the baseline or on unchanged lines do not (exit 0).

use crate::support::cmd::unspun;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// Doubled words: a warning on their own (a lone glued word is only a hint since issue 15).
const OLD: &str = "The harbour master said that the the ferry would sail at noon.\n";
const NEW: &str = "The old lighthouse keeper wrote about about storms every winter.\n";
const PLAIN: &str = "A plain line about boats and the weather.\n";

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("unspun-ci-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    // A marker so no configuration above the folder is found.
    std::fs::create_dir_all(d.join(".git")).unwrap();
    d
}

fn check(dir: &Path, args: &[&str]) -> Output {
    unspun()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .expect("run unspun")
}

/// The (path, text, line) of every finding in `--format jsonl` output.
fn findings(out: &Output) -> Vec<(String, String, u64)> {
    let mut v = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let d: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        for f in d["findings"].as_array().unwrap() {
            v.push((
                d["path"].as_str().unwrap().to_string(),
                f["text"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            ));
        }
    }
    v.sort();
    v
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn baseline_hides_accepted_findings_and_reports_new_ones() {
    let dir = tempdir("baseline");
    let doc = dir.join("doc.txt");
    std::fs::write(&doc, format!("{OLD}\n{PLAIN}")).unwrap();
    let first = check(&dir, &["--format", "json", "-o", "base.json", "doc.txt"]);
    assert_eq!(first.status.code(), Some(2), "{}", stderr(&first));

    // The accepted finding is not reported.
    let out = check(
        &dir,
        &["--baseline", "base.json", "--format", "jsonl", "doc.txt"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(findings(&out).is_empty());
    assert!(stderr(&out).contains("baseline: 1 finding in the baseline not reported"));

    // Lines added above it move it: still matched.
    std::fs::write(&doc, format!("{PLAIN}\n{PLAIN}\n{PLAIN}\n{OLD}\n{PLAIN}")).unwrap();
    let out = check(
        &dir,
        &["--baseline", "base.json", "--format", "jsonl", "./doc.txt"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(findings(&out).is_empty());

    // A new finding is reported, and only it.
    std::fs::write(&doc, format!("{PLAIN}\n{OLD}\n{NEW}")).unwrap();
    let out = check(
        &dir,
        &["--baseline", "base.json", "--format", "jsonl", "doc.txt"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        findings(&out),
        vec![("doc.txt".to_string(), "about about".to_string(), 5)]
    );

    // A second occurrence of the accepted text is new: the entry excuses the nearest one.
    std::fs::write(&doc, format!("{OLD}\n{PLAIN}\n{PLAIN}\n{PLAIN}\n{OLD}")).unwrap();
    let out = check(
        &dir,
        &["--baseline", "base.json", "--format", "jsonl", "doc.txt"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        findings(&out),
        vec![("doc.txt".to_string(), "the the".to_string(), 9)]
    );

    // The same finding in another file is not excused by this file's entry.
    std::fs::write(&doc, PLAIN).unwrap();
    std::fs::write(dir.join("other.txt"), OLD).unwrap();
    let out = check(&dir, &["--baseline", "base.json", "--format", "jsonl", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        findings(&out),
        vec![("./other.txt".to_string(), "the the".to_string(), 1)]
    );
    assert!(stderr(&out).contains("1 baseline entry no longer found"));
}

#[test]
fn baseline_reads_json_lines_and_rejects_other_files() {
    let dir = tempdir("baseline-jsonl");
    std::fs::write(dir.join("doc.txt"), format!("{OLD}{NEW}")).unwrap();
    let first = check(&dir, &["--format", "jsonl", "-o", "base.jsonl", "doc.txt"]);
    assert_eq!(first.status.code(), Some(2));
    let out = check(&dir, &["--baseline", "base.jsonl", "doc.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    std::fs::write(dir.join("bad.json"), "not json").unwrap();
    let out = check(&dir, &["--baseline", "bad.json", "doc.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.json"), "{}", stderr(&out));
    let out = check(&dir, &["--baseline", "missing.json", "doc.txt"]);
    assert_eq!(out.status.code(), Some(1));
}

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("run git");
    assert!(st.status.success(), "git {args:?}: {}", stderr(&st));
}

#[test]
fn diff_base_keeps_findings_on_changed_lines_only() {
    let dir = std::env::temp_dir().join(format!("unspun-ci-{}-diff", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/a.md"), format!("{OLD}\n{PLAIN}")).unwrap();
    std::fs::write(dir.join("docs/b.md"), OLD).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-qm", "base"]);
    git(&dir, &["branch", "base"]);

    // Unchanged since the base: nothing reported.
    let out = check(&dir, &["--diff-base", "base", "--format", "jsonl", "docs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("diff-base: 2 findings on unchanged lines not reported"));

    // A committed change, an uncommitted one, and a file git does not track yet.
    std::fs::write(dir.join("docs/a.md"), format!("{OLD}\n{PLAIN}\n{NEW}")).unwrap();
    git(&dir, &["commit", "-qam", "more"]);
    std::fs::write(dir.join("docs/b.md"), format!("{PLAIN}\n{OLD}")).unwrap();
    std::fs::write(dir.join("docs/c.md"), NEW).unwrap();
    let out = check(&dir, &["--diff-base", "base", "--format", "jsonl", "docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        findings(&out),
        vec![
            ("docs/a.md".to_string(), "about about".to_string(), 5),
            ("docs/c.md".to_string(), "about about".to_string(), 1),
        ]
    );

    // From a subfolder, with explicit paths (as pre-commit passes them).
    let out = check(
        &dir.join("docs"),
        &["--diff-base", "base", "--format", "jsonl", "a.md", "b.md"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        findings(&out),
        vec![("a.md".to_string(), "about about".to_string(), 5)]
    );

    // A revision that does not exist is an error.
    let out = check(&dir, &["--diff-base", "no-such-branch", "docs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--diff-base"), "{}", stderr(&out));
}
