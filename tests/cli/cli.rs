//! Command-line cases, one per file in `tests/cmd/`:
//!
//! ```toml
//! # NAME.toml: what the case shows
//! args = ["check", "--format", "github", "md/code.md"]
//! stdin = "text piped in"          # optional
//! status = 2                       # expected exit code
//! [files]                          # optional: files expected after the run
//! "fix/doc.txt" = "NAME.doc.txt"   # sandbox path = expected contents (in tests/cmd)
//! ```
//!
//! `NAME.stdout` holds the expected standard output and `NAME.stderr`, if present, the
//! expected standard error. Each case runs in a fresh copy of `tests/fixtures/` (its working
//! folder, with a `.git` marker so no configuration above it is found). The version is shown
//! as `[VERSION]`. Run with `UNSPUN_BLESS=1` to rewrite the expected output files.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    #[serde(default)]
    stdin: Option<String>,
    status: i32,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else if p.extension().is_none_or(|x| x != "json") {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn sandbox(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("unspun-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&root.join("tests/fixtures"), &dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

fn compare(failures: &mut Vec<String>, name: &str, what: &str, expected: &Path, actual: &str) {
    let bless = std::env::var_os("UNSPUN_BLESS").is_some();
    if bless {
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let exp = std::fs::read_to_string(expected).unwrap_or_default();
    if exp != actual {
        let diff = similar::TextDiff::from_lines(exp.as_str(), actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        failures.push(format!("{name}: {what} differs:\n{diff}"));
    }
}

#[test]
fn cli_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cmd_dir = root.join("tests/cmd");
    let mut names: Vec<String> = std::fs::read_dir(&cmd_dir)
        .unwrap()
        .filter_map(|e| {
            let n = e.unwrap().file_name().into_string().unwrap();
            n.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "only {} cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let case: Case =
            toml::from_str(&std::fs::read_to_string(cmd_dir.join(format!("{name}.toml"))).unwrap())
                .unwrap_or_else(|e| panic!("{name}.toml: {e}"));
        let dir = sandbox(name);
        let mut child = Command::new(env!("CARGO_BIN_EXE_unspun"))
            .args(&case.args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            let mut sin = child.stdin.take().unwrap();
            if let Some(s) = &case.stdin {
                sin.write_all(s.as_bytes()).unwrap();
            }
        }
        let out = child.wait_with_output().unwrap();
        let clean =
            |b: &[u8]| String::from_utf8_lossy(b).replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
        let stdout = clean(&out.stdout);
        let stderr = clean(&out.stderr);
        let code = out.status.code().unwrap_or(-1);
        if code != case.status {
            failures.push(format!(
                "{name}: exit {code}, expected {}\nstderr:\n{stderr}",
                case.status
            ));
        }
        compare(
            &mut failures,
            name,
            "stdout",
            &cmd_dir.join(format!("{name}.stdout")),
            &stdout,
        );
        let err_file = cmd_dir.join(format!("{name}.stderr"));
        if err_file.exists() || !stderr.is_empty() {
            compare(&mut failures, name, "stderr", &err_file, &stderr);
        }
        for (path, expected) in &case.files {
            let actual = std::fs::read_to_string(dir.join(path)).unwrap_or_default();
            compare(&mut failures, name, path, &cmd_dir.join(expected), &actual);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
