//! Folder walks: ignore files, hidden files, `exclude` in `.unspun.toml`, `--force-exclude`,
//! symbolic links and the extensions walked. Each test builds its tree in a fresh temporary
//! folder (a `.gitignore` committed under tests/fixtures would hide files from this repository).

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A finding in every file: a glued word, a warning beside the swapped idiom.
const GLUED: &str = "He said thatRussia was ready, in no unpredictable terms.\n";

struct Tree(PathBuf);

impl Tree {
    /// A repository root (`.git` marker) with the given files.
    fn new(name: &str, files: &[&str]) -> Tree {
        let dir = std::env::temp_dir().join(format!("unspun-walk-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        let t = Tree(dir);
        for f in files {
            t.write(f, GLUED);
        }
        t
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_unspun"))
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .output()
            .expect("binary runs")
    }

    /// The paths `check --format json ARGS` reports, in output order.
    fn checked(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_ne!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let docs: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON array");
        docs.iter()
            .map(|d| {
                d["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string()
            })
            .collect()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn walks_skip_ignored_and_hidden_files_like_ripgrep() {
    let t = Tree::new(
        "ignore",
        &[
            "docs/a.md",
            "docs/z.md",
            "node_modules/pkg/README.md",
            "build/out.md",
            "notes/draft.md",
            "notes/keep.md",
            ".github/hidden.md",
            "docs/.secret.md",
        ],
    );
    t.write(".gitignore", "node_modules/\n/build\n");
    t.write("notes/.ignore", "draft.md\n");
    assert_eq!(
        t.checked(&["."]),
        ["docs/a.md", "docs/z.md", "notes/keep.md"]
    );
    // The ignore files of the folders above a walked folder count too.
    t.write("build/sub/x.md", GLUED);
    assert_eq!(t.checked(&["build"]), ["build/out.md", "build/sub/x.md"]);
    assert_eq!(t.checked(&["notes"]), ["notes/keep.md"]);
    assert_eq!(
        t.checked(&["--no-ignore", "."]),
        [
            "build/out.md",
            "build/sub/x.md",
            "docs/a.md",
            "docs/z.md",
            "node_modules/pkg/README.md",
            "notes/draft.md",
            "notes/keep.md"
        ]
    );
    assert_eq!(
        t.checked(&["--hidden", "docs"]),
        ["docs/.secret.md", "docs/a.md", "docs/z.md"]
    );
    // A file named on the command line is checked even when ignored.
    assert_eq!(t.checked(&["build/out.md"]), ["build/out.md"]);
}

#[test]
fn gitignore_needs_a_repository_but_dot_ignore_does_not() {
    let t = Tree::new("norepo", &["a.md", "b.md", "c.md"]);
    std::fs::remove_dir_all(t.0.join(".git")).unwrap();
    t.write(".gitignore", "a.md\n");
    t.write(".ignore", "b.md\n");
    // Inside the temporary folder, not a repository: only .ignore applies (as in ripgrep).
    let got = t.checked(&["."]);
    assert!(got.contains(&"a.md".to_string()), "{got:?}");
    assert!(!got.contains(&"b.md".to_string()), "{got:?}");
}

#[test]
fn config_exclude_applies_to_walks_and_with_force_exclude_to_explicit_paths() {
    let t = Tree::new(
        "exclude",
        &[
            "docs/a.md",
            "docs/generated/api.md",
            "vendor/lib/README.md",
            "sub/vendor/x.md",
            "CHANGELOG.md",
            "ignored.md",
        ],
    );
    t.write(
        ".unspun.toml",
        "exclude = [\"vendor\", \"docs/generated/**\", \"/CHANGELOG.md\"]\n",
    );
    t.write(".gitignore", "ignored.md\n");
    assert_eq!(t.checked(&["."]), ["docs/a.md"]);
    assert_eq!(t.checked(&["docs"]), ["docs/a.md"]);
    // Explicit paths (pre-commit passes files one by one): checked unless --force-exclude.
    let explicit = [
        "docs/a.md",
        "docs/generated/api.md",
        "vendor/lib/README.md",
        "sub/vendor/x.md",
        "CHANGELOG.md",
        "ignored.md",
    ];
    assert_eq!(t.checked(&explicit), explicit);
    let mut forced = vec!["--force-exclude"];
    forced.extend_from_slice(&explicit);
    assert_eq!(t.checked(&forced), ["docs/a.md"]);
    // --no-ignore keeps the ignored file but not the excluded ones.
    forced.insert(0, "--no-ignore");
    assert_eq!(t.checked(&forced), ["docs/a.md", "ignored.md"]);
    // --no-config: no excludes.
    assert_eq!(
        t.checked(&["--no-config", "docs"]),
        ["docs/a.md", "docs/generated/api.md"]
    );
    // All excluded: nothing to check is a clean run.
    let out = t.run(&["check", "--force-exclude", "vendor/lib/README.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn exclude_globs_are_relative_to_their_configuration_file() {
    let t = Tree::new("relative", &["docs/a.md", "docs/old/b.md", "old/c.md"]);
    t.write("docs/.unspun.toml", "exclude = [\"old/**\"]\n");
    assert_eq!(t.checked(&["."]), ["docs/a.md", "old/c.md"]);
    let out = t.run(&["check", "docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // A bad glob is a configuration error naming the key.
    t.write("docs/.unspun.toml", "exclude = [\"a[\"]\n");
    let out = t.run(&["check", "docs/a.md"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("exclude"), "{}", stderr(&out));
}

#[test]
fn walks_take_every_markup_extension() {
    let files = [
        "a.adoc",
        "b.asciidoc",
        "c.mdx",
        "d.rst",
        "e.xhtml",
        "f.markdown",
        "g.txt",
        "h.html",
    ];
    let t = Tree::new("ext", &files);
    t.write("skip.rs", GLUED);
    t.write("skip.json", GLUED);
    assert_eq!(t.checked(&["."]), files);
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_or_reported() {
    use std::os::unix::fs::symlink;
    let t = Tree::new("links", &["real/a.md"]);
    symlink("real/a.md", t.0.join("link.md")).unwrap();
    symlink("real", t.0.join("linkdir")).unwrap();
    symlink("missing.md", t.0.join("broken.md")).unwrap();
    std::fs::create_dir_all(t.0.join("loop")).unwrap();
    symlink("..", t.0.join("loop/up")).unwrap();
    // Links to files are checked; links to folders are said to be skipped.
    let out = t.run(&["check", "--format", "json", "."]);
    let err = stderr(&out);
    let paths: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = paths.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["./link.md", "./real/a.md"], "{err}");
    assert!(
        err.contains("linkdir: symbolic link to a folder, not walked (use --follow)"),
        "{err}"
    );
    assert!(
        err.contains("broken.md: broken symbolic link, skipped"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(2), "{err}");
    // --follow walks linked folders; a loop is reported once and not walked again.
    let out = t.run(&["check", "--format", "json", "--follow", "."]);
    let err = stderr(&out);
    let paths: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = paths.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        ["./link.md", "./linkdir/a.md", "./real/a.md"],
        "{err}"
    );
    assert!(err.contains("file-system loop"), "{err}");
    assert_eq!(out.status.code(), Some(2), "{err}");
}

#[test]
fn score_walks_the_same_way() {
    let t = Tree::new("score", &["a.txt", "build/b.txt"]);
    t.write(".gitignore", "build/\n");
    let out = t.run(&["score", "-q", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("a.txt") && !text.contains("b.txt"), "{text}");
    let out = t.run(&["score", "-q", "--no-ignore", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("b.txt"), "{text}");
}

#[test]
fn order_is_sorted_whatever_the_creation_order() {
    let names: Vec<String> = (0..40)
        .rev()
        .map(|i| format!("d{}/f{i:02}.md", i % 3))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let t = Tree::new("order", &refs);
    let got = t.checked(&["."]);
    let mut want = names.clone();
    want.sort();
    assert_eq!(got, want);
}
