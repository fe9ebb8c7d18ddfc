//! Every input a fuzz target once crashed on (kept, minimized, in
//! `tests/fuzz_regressions/TARGET/`) is replayed through the same invariants the target
//! checks (`support/invariants.rs`). To add one: copy `fuzz/artifacts/TARGET/crash-*` there.

use crate::support::invariants;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut n = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    for p in files {
        let data = std::fs::read(&p).unwrap();
        let name = p.display().to_string();
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            panic!("{name} fails again");
        }
        n += 1;
    }
    n
}

#[test]
fn text_offsets() {
    replay("text_offsets", invariants::text_offsets);
}

#[test]
fn markup() {
    replay("markup", invariants::markup);
}

#[test]
fn rule_pack() {
    assert!(replay("rule_pack", invariants::rule_pack) >= 1);
}

#[test]
fn check_bytes() {
    replay("check_bytes", invariants::check_bytes);
}
