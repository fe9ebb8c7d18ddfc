//! Latency of `unspun lsp` on a 100 KB Markdown document: the time from sending `didChange`
//! to receiving its `publishDiagnostics`, as an editor sees it (the 150 ms debounce included).
//! Prints figures; asserts nothing.
//!
//! Run: `cargo bench --bench lsp [-- ROUNDS]` (default 20 rounds).

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use lsp_client::{file_uri, initialize, Client};
use serde_json::json;
use std::time::Instant;

/// About 100 KB of Markdown: the seed articles under headings, repeated.
fn document() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds: Vec<_> = std::fs::read_dir(root.join("seeds"))
        .expect("seeds/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    let texts: Vec<String> = seeds
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a seed"))
        .collect();
    let mut doc = String::from("# A long document\n\n");
    let mut i = 0;
    while doc.len() < 100 * 1024 {
        doc.push_str(&format!(
            "## Part {i}\n\n{}\n\n",
            texts[i % texts.len()].trim()
        ));
        i += 1;
    }
    doc
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(v: &mut [f64]) -> String {
    v.sort_by(f64::total_cmp);
    format!(
        "min {:.0} ms, median {:.0} ms, max {:.0} ms",
        v[0],
        v[v.len() / 2],
        v[v.len() - 1]
    )
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let ws = std::env::temp_dir().join(format!("unspun-lsp-bench-{}", std::process::id()));
    std::fs::create_dir_all(ws.join(".git")).unwrap();
    let text = document();
    let uri = file_uri(&ws.join("long.md"));

    let mut c = Client::start(&[], &ws);
    initialize(&mut c, &ws);
    let t = Instant::now();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let n = c.diagnostics(&uri, 1).len();
    let open = t.elapsed();

    // Each round types one glued word into the middle of the text, or takes it out again.
    let mid = text[..text.len() / 2].rfind(' ').unwrap();
    let mut totals = Vec::new();
    for round in 0..rounds {
        let version = round as i64 + 2;
        let edited = if round % 2 == 0 {
            format!("{}{}{}", &text[..mid], " thatRussia", &text[mid..])
        } else {
            text.clone()
        };
        let t = Instant::now();
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": edited}]}),
        );
        c.diagnostics(&uri, version);
        totals.push(ms(t.elapsed()));
    }
    let mut checks: Vec<f64> = c
        .logs
        .iter()
        .filter_map(|l| {
            l.rsplit("checked in ")
                .next()?
                .strip_suffix(" ms")?
                .parse()
                .ok()
        })
        .collect();
    let last_log = c.logs.last().cloned().unwrap_or_default();
    let status = c.shutdown();
    let _ = std::fs::remove_dir_all(&ws);

    println!(
        "unspun lsp, {} KB Markdown document, {n} diagnostics",
        text.len() / 1024
    );
    println!(
        "  didOpen -> diagnostics: {:.0} ms (rule packs built once)",
        ms(open)
    );
    println!(
        "  didChange -> diagnostics, {rounds} rounds: {} (150 ms debounce included; target < 300 ms)",
        summary(&mut totals)
    );
    println!(
        "  of which checking (server's log): {}",
        summary(&mut checks)
    );
    println!("  server's last log line: {}", last_log);
    println!("  server exit status after shutdown: {status}");
}
