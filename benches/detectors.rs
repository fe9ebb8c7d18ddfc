//! Where the time goes, per stage: `cargo bench --bench detectors [-- FILE.jsonl [MB]]`.
//!
//! Loads up to MB (default 20) of records from a JSON Lines file (default
//! `bench-data/corpus-256mb.jsonl`, made by `benches/score.sh`), then times, single-threaded, each
//! stage of `Checker::check` separately: building the document model (folding + tokenizing),
//! the language stage (`lang::identify`), every detector on its own, and the whole check (which adds sorting and resolving the
//! findings). Prints ns per byte and MB/s per stage. Not a test: figures only.

use std::time::Instant;
use unspun::detect::{self, Detector, ForeignDetector, PhraseMatcher, RegexRules};
use unspun::rules::RuleTable;
use unspun::text::Document;
use unspun::Checker;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let path = args
        .first()
        .cloned()
        .unwrap_or_else(|| "bench-data/corpus-256mb.jsonl".to_string());
    let max_mb: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20.0);
    let data = match std::fs::read_to_string(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e} (run benches/score.sh first to make the corpus)");
            std::process::exit(1);
        }
    };
    let mut texts: Vec<String> = Vec::new();
    let mut bytes = 0usize;
    for line in data.lines() {
        if bytes as f64 >= max_mb * 1e6 {
            break;
        }
        let v: serde_json::Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(_) => continue,
        };
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            bytes += t.len();
            texts.push(t.to_string());
        }
    }
    drop(data);
    let mb = bytes as f64 / 1e6;
    println!("{} documents, {mb:.1} MB of text from {path}", texts.len());

    let mut table = RuleTable::default();
    for (b, _) in detect::BUILTINS {
        table.add_builtin(b);
    }
    table.add_embedded().expect("embedded packs load");
    let all = |_: usize| true;
    let mut stages: Vec<(String, Box<dyn Detector>)> = vec![
        (
            "phrases (aho-corasick)".into(),
            Box::new(PhraseMatcher::compile(&table, &all).expect("phrases compile")),
        ),
        (
            "regex rules".into(),
            Box::new(RegexRules::compile(&table, &all).expect("regexes compile")),
        ),
        (
            "foreign words".into(),
            Box::new(ForeignDetector::compile(&table, &all)),
        ),
    ];
    for (b, make) in detect::BUILTINS {
        let i = table.rules.iter().position(|r| r.id == b.id).unwrap();
        stages.push((b.id.to_string(), make(i)));
    }

    let row = |name: &str, secs: f64| {
        println!(
            "{name:<28} {:>8.1} ms {:>7.2} ns/byte {:>8.1} MB/s",
            secs * 1e3,
            secs * 1e9 / bytes as f64,
            mb / secs
        );
    };
    let secs = best_of(ROUNDS, || {
        for t in &texts {
            std::hint::black_box(Document::new(t));
        }
    });
    row("document model", secs);
    let secs = best_of(ROUNDS, || {
        for t in &texts {
            std::hint::black_box(unspun::text::Normalized::new(t));
        }
    });
    row("  of which folding", secs);
    let docs: Vec<Document> = texts.iter().map(|t| Document::new(t)).collect();
    let secs = best_of(ROUNDS, || {
        for doc in &docs {
            std::hint::black_box(unspun::lang::identify(doc));
        }
    });
    row("language stage", secs);
    let mut hits = Vec::new();
    for (name, d) in &stages {
        // The first round warms up (the phrase matcher upgrades itself to a DFA after the
        // first megabytes); the best of the others counts (the machine is shared).
        let secs = best_of(ROUNDS, || {
            for doc in &docs {
                hits.clear();
                d.detect(doc, &mut hits);
            }
        });
        row(name, secs);
    }
    let checker = Checker::builder().build().expect("checker builds");
    let mut findings = 0;
    let secs = best_of(ROUNDS, || {
        findings = texts.iter().map(|t| checker.check(t).findings.len()).sum();
    });
    row("Checker::check (all)", secs);
    println!("{findings} findings");
}

/// Timed rounds after one warm-up round.
const ROUNDS: usize = 3;

/// The shortest of `rounds` timed runs of `f`, after one untimed run.
fn best_of(rounds: usize, mut f: impl FnMut()) -> f64 {
    f();
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}
