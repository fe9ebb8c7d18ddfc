//! Running the `unspun` binary from integration tests.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

/// The binary, without colours.
pub fn unspun() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_unspun"));
    c.env("NO_COLOR", "1");
    c
}

/// Start it with standard input, output and error piped.
pub fn spawn(args: &[&str]) -> Child {
    unspun()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start unspun")
}

/// Run it on `stdin`, written from another thread (the child may write output before it has
/// read all its input), and collect its output.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = spawn(args);
    let mut sin = child.stdin.take().expect("piped");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The child may stop reading early (a size limit): that is not an error here.
        let _ = sin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for unspun");
    writer.join().expect("writer thread");
    out
}

/// The JSON records on standard output, one per line.
pub fn records(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}
