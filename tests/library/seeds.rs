//! Golden tests on the seed documents: every `seeds/*.expected.toml` lists findings that must be
//! reported, lines that must stay clean, how many other findings are tolerated, and the score
//! bounds.

use serde::Deserialize;
use std::path::Path;
use unspun::{Checker, Finding, Severity};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    max_other: usize,
    #[serde(default)]
    score_below: Option<f64>,
    #[serde(default)]
    score_above: Option<f64>,
    #[serde(default)]
    clean: Vec<String>,
    must: Vec<Must>,
    /// Words of the seed known to be thesaurus swaps.
    swaps: Vec<String>,
    /// `ngram.swap` alone (packs off) must find at least this many of them...
    ngram_min_real: usize,
    /// ...with at most this many other findings.
    ngram_max_false: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Must {
    rule: String,
    text: String,
    #[serde(default)]
    suggestion: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    line: Option<usize>,
}

impl Must {
    /// A finding a reader is shown by default: at `warning` or above, not a low-confidence
    /// band reported as `info`.
    fn matches(&self, f: &Finding) -> bool {
        f.severity >= Severity::Warning
            && f.rule == self.rule
            && f.text == self.text
            && self.line.is_none_or(|l| l == f.line)
            && (self.suggestion.is_none() || self.suggestion == f.suggestion)
            && (self.language.is_none() || self.language == f.language)
    }
}

fn check_seed(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    let exp: Expected = toml::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.expected.toml"))).unwrap(),
    )
    .unwrap();
    let checker = Checker::builder().build().unwrap();
    let report = checker.check(&text);
    let describe = |f: &Finding| {
        format!(
            "{}:{} {} {:?} -> {:?}",
            f.line, f.column, f.rule, f.text, f.suggestion
        )
    };
    let mut matched = vec![false; report.findings.len()];
    for m in &exp.must {
        let hit = report.findings.iter().position(|f| m.matches(f));
        match hit {
            Some(i) => matched[i] = true,
            None => panic!(
                "{name}: missing {} {:?} (suggestion {:?}); found:\n{}",
                m.rule,
                m.text,
                m.suggestion,
                report
                    .findings
                    .iter()
                    .map(describe)
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }
    for line in &exp.clean {
        let start = text
            .find(line.as_str())
            .unwrap_or_else(|| panic!("{name}: clean line {line:?} not in seed"));
        let ls = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let le = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let bad: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.start < le && f.end > ls)
            .map(describe)
            .collect();
        assert!(
            bad.is_empty(),
            "{name}: findings on a clean line {line:?}: {bad:#?}"
        );
    }
    let others: Vec<_> = report
        .findings
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(f, _)| describe(f))
        .collect();
    assert!(
        others.len() <= exp.max_other,
        "{name}: {} findings beyond the expected ones (at most {}): {others:#?}",
        others.len(),
        exp.max_other
    );
    if let Some(b) = exp.score_below {
        assert!(
            report.score < b,
            "{name}: score {} not below {b}",
            report.score
        );
    }
    if let Some(a) = exp.score_above {
        assert!(
            report.score > a,
            "{name}: score {} not above {a}",
            report.score
        );
    }
    // Spans are exact.
    for f in &report.findings {
        assert_eq!(&text[f.start..f.end], f.text);
    }
}

/// `ngram.swap` alone, with every rule pack switched off.
fn check_ngram_alone(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    let exp: Expected = toml::from_str(
        &std::fs::read_to_string(dir.join(format!("{name}.expected.toml"))).unwrap(),
    )
    .unwrap();
    let checker = Checker::builder().embedded_packs(false).build().unwrap();
    let found: Vec<_> = checker
        .check(&text)
        .findings
        .into_iter()
        .filter(|f| f.rule == "ngram.swap")
        .collect();
    let (real, other): (Vec<_>, Vec<_>) = found
        .iter()
        .partition(|f| exp.swaps.contains(&f.text.to_lowercase()));
    let show = |v: &[&Finding]| {
        v.iter()
            .map(|f| format!("{} -> {:?}", f.text, f.suggestion))
            .collect::<Vec<_>>()
    };
    assert!(
        real.len() >= exp.ngram_min_real,
        "{name}: ngram.swap found {} real swaps (want {}): {:?}",
        real.len(),
        exp.ngram_min_real,
        show(&real)
    );
    assert!(
        other.len() <= exp.ngram_max_false,
        "{name}: ngram.swap false alarms {:?} (at most {})",
        show(&other),
        exp.ngram_max_false
    );
}

#[test]
fn ngram_alone_on_seeds() {
    check_ngram_alone("004_10f339da52fe37a9");
    check_ngram_alone("000_76536d54b82e6b70");
}

#[test]
fn seed_004_heavily_spun() {
    check_seed("004_10f339da52fe37a9");
}

#[test]
fn seed_000_mostly_faithful() {
    check_seed("000_76536d54b82e6b70");
}

#[test]
fn every_seed_has_expectations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let stem = p.file_stem().unwrap().to_str().unwrap();
            assert!(
                dir.join(format!("{stem}.expected.toml")).exists(),
                "{stem} has no expected file"
            );
        }
    }
}
