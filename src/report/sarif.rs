//! SARIF 2.1.0: one run with the rule metadata, one result per finding.

use super::end_line_col;
use crate::finding::Severity;
use crate::rules::RuleTable;
use crate::Report;
use serde_json::{json, Value};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a relative URI reference (`/` separators, unsafe bytes percent-encoded). A path
/// shown with escapes (a file name that is not UTF-8, see [`super::unescape_path`]) is
/// encoded from its raw bytes, so the URI names the file itself.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in super::unescape_path(path) {
        let b = if b == b'\\' { b'/' } else { b };
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Render every report as one SARIF log (pretty JSON, ending in a newline). `rules` is the
/// checker's rule table (every rule is described, so `ruleIndex` is stable).
pub fn sarif(reports: &[Report], rules: &RuleTable, tool_version: &str) -> String {
    sarif_with(reports, rules, tool_version, None)
}

/// [`sarif`] with run `properties` (e.g. the configuration files that applied).
pub fn sarif_with(
    reports: &[Report],
    rules: &RuleTable,
    tool_version: &str,
    properties: Option<Value>,
) -> String {
    let index: std::collections::HashMap<&str, usize> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let descriptors: Vec<Value> = rules
        .rules
        .iter()
        .map(|r| {
            let mut help = if r.doc.is_empty() {
                r.message.clone()
            } else {
                r.doc.trim().to_string()
            };
            if let Some(e) = r.examples.fire.first() {
                help.push_str(&format!("\n\nExample: {e:?}"));
            }
            json!({
                "id": r.id,
                "shortDescription": {"text": r.message},
                "fullDescription": {"text": if r.doc.is_empty() { &r.message } else { r.doc.trim() }},
                "help": {"text": help},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {
                    "category": r.category,
                    "pack": r.pack,
                    "fixSafe": r.fix_safe,
                    "tags": [r.category.as_str()],
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    let mut artifacts = Vec::new();
    for (ai, rep) in reports.iter().enumerate() {
        let u = uri(&rep.path);
        artifacts.push(json!({
            "location": {"uri": u},
            "properties": {"score": rep.score, "words": rep.words},
        }));
        for f in &rep.findings {
            let (end_line, end_col) = end_line_col(f);
            let region = json!({
                "startLine": f.line,
                "startColumn": f.column,
                "endLine": end_line,
                "endColumn": end_col,
                "byteOffset": f.start,
                "byteLength": f.end - f.start,
                "snippet": {"text": f.text},
            });
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": match &f.suggestion {
                    Some(s) if !s.is_empty() => format!("{} (suggestion: {s})", f.message),
                    _ => f.message.clone(),
                }},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": u, "index": ai},
                    "region": region,
                }}],
                "properties": {
                    "category": f.category,
                    "confidence": f.confidence,
                },
            });
            if let Some(&i) = index.get(f.rule.as_str()) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(l) = &f.language {
                result["properties"]["language"] = json!(l);
            }
            if let Some(s) = &f.suggestion {
                result["fixes"] = json!([{
                    "description": {"text": format!("replace with '{s}'")},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": u, "index": ai},
                        "replacements": [{
                            "deletedRegion": {"byteOffset": f.start, "byteLength": f.end - f.start},
                            "insertedContent": {"text": s},
                        }],
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "unspun",
                "version": tool_version,
                "informationUri": "https://crates.io/crates/unspun",
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }],
    });
    if let Some(p) = properties {
        log["runs"][0]["properties"] = p;
    }
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("docs/a b.md"), "docs/a%20b.md");
        assert_eq!(uri("dir\\x.txt"), "dir/x.txt");
        assert_eq!(uri("caf\u{e9}.md"), "caf%C3%A9.md");
        // A name that is not UTF-8, as `check` shows it: its raw bytes.
        assert_eq!(uri("a\\xff.txt"), "a%FF.txt");
        assert_eq!(uri("a\\xfe.txt"), "a%FE.txt");
        assert_eq!(uri("x\\x1b[1m"), "x%1B%5B1m");
    }
}
