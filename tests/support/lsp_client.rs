//! A scripted Language Server Protocol client for `unspun lsp`: JSON-RPC messages with
//! `Content-Length` framing over the child's standard input and output. Shared by the end-to-end
//! test (`tests/cli/lsp.rs`) and the latency bench (`benches/lsp.rs`).
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long any one answer may take before the script gives up (generous: CI machines are
/// shared).
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read but not yet asked for.
    pending: VecDeque<Value>,
    next_id: i64,
    /// Every `window/logMessage` text seen.
    pub logs: Vec<String>,
    /// Other notifications passed over while waiting for diagnostics (`window/showMessage`).
    pub seen: Vec<Value>,
}

/// Write one framed message.
pub fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).expect("JSON");
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// Read one framed message; `None` at the end of the stream.
pub fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').expect("a header line");
        if name.eq_ignore_ascii_case("content-length") {
            len = Some(value.trim().parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; len.expect("Content-Length header")];
    r.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("a JSON body"))
}

impl Client {
    /// Start `unspun lsp ARGS` in `cwd`.
    pub fn start(args: &[&str], cwd: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_unspun"))
            .arg("lsp")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start unspun lsp");
        let stdout = child.stdout.take().expect("piped");
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming,
            pending: VecDeque::new(),
            next_id: 0,
            logs: Vec::new(),
            seen: Vec::new(),
        }
    }

    pub fn send(&mut self, v: Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(&frame(&v)).expect("write to the server");
        stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message from the server (answering its requests to the client, and keeping
    /// its log messages aside).
    fn next(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let v = match self.pending.pop_front() {
                Some(v) => v,
                None => match self
                    .incoming
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                {
                    Ok(v) => v,
                    Err(RecvTimeoutError::Timeout) => return None,
                    Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
                },
            };
            if v.get("method").is_some() && v.get("id").is_some() {
                // A request to the client (client/registerCapability): accept it.
                let id = v["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
                continue;
            }
            if v["method"] == "window/logMessage" {
                self.logs
                    .push(v["params"]["message"].as_str().unwrap_or("").to_string());
                continue;
            }
            return Some(v);
        }
    }

    /// Send a request and wait for its answer; other messages meanwhile are kept for later.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + PATIENCE;
        let mut skipped = Vec::new();
        loop {
            let v = self
                .next(deadline)
                .unwrap_or_else(|| panic!("no answer to {method} within {PATIENCE:?}"));
            if v["id"] == id && v.get("method").is_none() {
                self.pending.extend(skipped);
                assert!(v.get("error").is_none(), "{method} failed: {v}");
                return v["result"].clone();
            }
            skipped.push(v);
        }
    }

    /// Wait for the next `textDocument/publishDiagnostics` of `uri` for document `version`
    /// (earlier ones are dropped); returns its diagnostics.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let v = self.next(deadline).unwrap_or_else(|| {
                panic!("no diagnostics for {uri} version {version} within {PATIENCE:?}")
            });
            let p = &v["params"];
            if v["method"] == "textDocument/publishDiagnostics"
                && p["uri"] == uri
                && p["version"] == version
            {
                return p["diagnostics"].as_array().expect("a list").clone();
            }
            if v["method"] != "textDocument/publishDiagnostics" {
                self.seen.push(v);
            }
        }
    }

    /// `shutdown`, then `exit`; the server's exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Close the server's input and wait for it to end.
    pub fn wait(mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                return s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The client capabilities of a typical editor: versioned edits, file creation, file
/// watchers registered at run time.
pub fn initialize_params(root: &Path) -> Value {
    let uri = file_uri(root);
    json!({
        "processId": std::process::id(),
        "rootUri": uri,
        "workspaceFolders": [{"uri": uri, "name": "ws"}],
        "capabilities": {
            "workspace": {
                "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]},
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "workspaceFolders": true
            },
            "textDocument": {
                "publishDiagnostics": {"versionSupport": true},
                "hover": {"contentFormat": ["markdown", "plaintext"]}
            }
        }
    })
}

/// `initialize` and `initialized`; returns the server's answer.
pub fn initialize(c: &mut Client, root: &Path) -> Value {
    let r = c.request("initialize", initialize_params(root));
    c.notify("initialized", json!({}));
    r
}

/// A `file://` URI (the paths here are plain ASCII absolute paths).
pub fn file_uri(p: &Path) -> String {
    let s = p.to_str().expect("a UTF-8 path");
    assert!(
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b)),
        "{s}"
    );
    format!("file://{s}")
}

/// Apply a list of LSP text edits (UTF-16 positions) to a text.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let (line, ch) = (
            pos["line"].as_u64().unwrap(),
            pos["character"].as_u64().unwrap(),
        );
        let mut start = 0;
        for _ in 0..line {
            start += text[start..].find('\n').expect("a line") + 1;
        }
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch || c == '\n' {
                return start + i;
            }
            units += c.len_utf16() as u64;
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}
