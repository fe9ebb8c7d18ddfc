//! Helpers shared by the tests that run the binary on JSON Lines (`score_cli`, `cluster`).

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run the binary with these arguments, feeding `stdin` from another thread (so a large input
/// cannot deadlock against a full stdout pipe).
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unspun"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut sin = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = sin.write_all(&data);
    });
    let out = child.wait_with_output().expect("binary finishes");
    feeder.join().unwrap();
    out
}

/// The JSON records on standard output, one per line.
pub fn records(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}
