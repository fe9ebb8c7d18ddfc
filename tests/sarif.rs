//! SARIF output for the seed documents validates against the official SARIF 2.1.0 JSON schema
//! (vendored in tests/fixtures, see tests/fixtures/README.md).

use std::path::Path;
use unspun::config::Effective;
use unspun::text::markup::Format;
use unspun::Checker;

fn schema() -> jsonschema::Validator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

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
fn seed_sarif_validates_against_the_schema() {
    let v = schema();
    let log = seed_log();
    let errors: Vec<String> = v
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
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

#[test]
fn the_schema_rejects_a_broken_log() {
    let v = schema();
    let mut log = seed_log();
    log["runs"][0]["results"][0]["level"] = "loud".into();
    assert!(!v.is_valid(&log));
    let mut log = seed_log();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!v.is_valid(&log));
}
