//! A baseline of accepted findings, so CI fails only on new ones.
//!
//! The baseline is what `unspun check --format json` (or `jsonl`) wrote: document objects
//! (a JSON array of them, one per line, or one after another). A finding is matched to a
//! baseline entry of the same document path, rule and flagged text (line-insensitive), so
//! edits elsewhere in the file do not invalidate the baseline. When a document has several
//! findings with the same key, each baseline entry excuses at most one finding: the nearest by
//! line, so a repeated phrase added to a file is still reported once for each new occurrence.

use crate::{Finding, Report};
use serde::Deserialize;
use std::collections::HashMap;

/// What identifies a finding across edits: (path, rule, text). The line is deliberately left
/// out; it only breaks ties between findings with the same key.
type Key = (String, String, String);

/// The accepted findings, read from a baseline file.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    /// Per key, the lines of the baseline entries.
    entries: HashMap<Key, Vec<usize>>,
    /// Per path, the number of entries.
    per_path: HashMap<String, usize>,
    len: usize,
}

/// The part of a document object the baseline needs.
#[derive(Deserialize)]
struct Doc {
    path: String,
    #[serde(default)]
    findings: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    rule: String,
    text: String,
    #[serde(default)]
    line: usize,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DocOrDocs {
    One(Doc),
    Many(Vec<Doc>),
}

/// A document path as written in reports, made comparable: `./` prefixes dropped and
/// backslashes read as slashes.
pub fn normalize_path(p: &str) -> String {
    let mut s = p.replace('\\', "/");
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    s
}

impl Baseline {
    /// Parse the output of `unspun check --format json` or `--format jsonl`.
    pub fn parse(s: &str) -> Result<Baseline, String> {
        let mut b = Baseline::default();
        let stream = serde_json::Deserializer::from_str(s).into_iter::<DocOrDocs>();
        for v in stream {
            let v = v.map_err(|e| {
                format!("not a JSON or JSON Lines report of `unspun check --format json`: {e}")
            })?;
            let docs = match v {
                DocOrDocs::One(d) => vec![d],
                DocOrDocs::Many(ds) => ds,
            };
            for d in docs {
                let path = normalize_path(&d.path);
                for f in d.findings {
                    b.entries
                        .entry((path.clone(), f.rule, f.text))
                        .or_default()
                        .push(f.line);
                    *b.per_path.entry(path.clone()).or_default() += 1;
                    b.len += 1;
                }
            }
        }
        Ok(b)
    }

    /// Number of findings in the baseline.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the baseline holds no finding.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of baseline entries for a document path.
    pub fn len_for(&self, path: &str) -> usize {
        self.per_path
            .get(&normalize_path(path))
            .copied()
            .unwrap_or(0)
    }

    /// Remove from `report` the findings the baseline accepts; returns how many were removed.
    /// The score is left as it was: it describes the document, not what is new in it.
    pub fn filter(&self, report: &mut Report) -> usize {
        let path = normalize_path(&report.path);
        let mut groups: HashMap<Key, Vec<usize>> = HashMap::new();
        for (i, f) in report.findings.iter().enumerate() {
            let key = (path.clone(), f.rule.clone(), f.text.clone());
            if self.entries.contains_key(&key) {
                groups.entry(key).or_default().push(i);
            }
        }
        let mut drop = vec![false; report.findings.len()];
        for (key, found) in groups {
            let lines = &self.entries[&key];
            // Pair findings with entries nearest by line first (greedy on the distance).
            let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
            for &i in &found {
                for (j, &l) in lines.iter().enumerate() {
                    pairs.push((report.findings[i].line.abs_diff(l), i, j));
                }
            }
            pairs.sort_unstable();
            let mut used = vec![false; lines.len()];
            for (_, i, j) in pairs {
                if !drop[i] && !used[j] {
                    drop[i] = true;
                    used[j] = true;
                }
            }
        }
        let before = report.findings.len();
        let mut it = drop.iter();
        report
            .findings
            .retain(|_: &Finding| !*it.next().expect("one flag per finding"));
        before - report.findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, Severity};

    fn finding(rule: &str, text: &str, line: usize) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::Glue,
            severity: Severity::Warning,
            start: 0,
            end: text.len(),
            line,
            column: 1,
            text: text.into(),
            suggestion: None,
            message: String::new(),
            confidence: 0.9,
            language: None,
        }
    }

    fn entry(rule: &str, text: &str, line: usize) -> String {
        format!(r#"{{"rule":"{rule}","text":"{text}","line":{line}}}"#)
    }

    #[test]
    fn reads_arrays_lines_and_concatenated_objects() {
        let a = entry("glue.joined-words", "saidthat", 3);
        let s = format!(
            "[{{\"path\":\"./a.md\",\"findings\":[{a}]}}]\n{{\"path\":\"b.md\",\"findings\":[{a}]}}\n\
             {{\n  \"path\": \"c.md\",\n  \"findings\": [{a}, {a}]\n}}"
        );
        let b = Baseline::parse(&s).unwrap();
        assert_eq!(b.len(), 4);
        assert_eq!(b.len_for("a.md"), 1);
        assert_eq!(b.len_for("./c.md"), 2);
        assert!(Baseline::parse("[1, 2]").is_err());
    }

    #[test]
    fn each_entry_excuses_the_nearest_finding_once() {
        let s = format!(
            "{{\"path\":\"a.md\",\"findings\":[{}]}}",
            entry("glue.joined-words", "saidthat", 10)
        );
        let b = Baseline::parse(&s).unwrap();
        let mut r = Report {
            path: "a.md".into(),
            score: 90.0,
            words: 10,
            findings: vec![
                finding("glue.joined-words", "saidthat", 2),
                finding("glue.joined-words", "saidthat", 12),
                finding("garble.repeat", "saidthat", 12),
            ],
            truncated: None,
            language: None,
            verdict: None,
            translated_from: None,
        };
        assert_eq!(b.filter(&mut r), 1);
        let left: Vec<(&str, usize)> = r
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.line))
            .collect();
        assert_eq!(left, [("glue.joined-words", 2), ("garble.repeat", 12)]);
        assert_eq!(r.score, 90.0);
    }
}
