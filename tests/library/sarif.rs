//! SARIF output for the seed documents: results point at the rules described and at regions.
//! Validation against the official SARIF 2.1.0 JSON schema (vendored in tests/fixtures, see
//! tests/fixtures/README.md) is in `python/tests/test_sarif.py`, with Python's `jsonschema`:
//! a Rust validator as a dev-dependency changes the features of shared dependencies (syn,
//! regex-automata), so `cargo test` would compile the library a second time.

use std::path::Path;
use unspun::config::Effective;
use unspun::text::markup::Format;
use unspun::Checker;

fn seed_log() -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checker = Checker::builder().build().unwrap();
    let mut reports = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(root.join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for p in names {
        let text = std::fs::read_to_string(&p).unwrap();
        let mut r = Effective::default()
            .check(&checker, &text, Format::Plain)
            .report;
        r.path = format!("seeds/{}", p.file_name().unwrap().to_string_lossy());
        reports.push(r);
    }
    let s = unspun::report::sarif(&reports, checker.rules(), "0.0.0-test");
    serde_json::from_str(&s).unwrap()
}

#[test]
fn seed_sarif_results_point_at_rules_and_regions() {
    let log = seed_log();
    assert_eq!(log["version"], "2.1.0");
    // It says something: results with rule indexes into the described rules, and regions.
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 10, "{} results", results.len());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["endColumn"].as_u64().unwrap() >= 1);
    }
}
