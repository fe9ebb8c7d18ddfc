//! The lint's acceptance checks on the fixtures: prose-only Markdown, exact positions on
//! awkward files, and configuration and inline ignores removing exactly what they should.

use std::path::Path;
use unspun::config::{Config, Effective};
use unspun::text::markup::Format;
use unspun::{Category, Checker, Finding, Severity};

fn fixture(p: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(p),
    )
    .unwrap()
}

fn check(text: &str, format: Format) -> Vec<Finding> {
    let checker = Checker::builder().build().unwrap();
    Effective::default()
        .check(&checker, text, format)
        .report
        .findings
}

/// Byte ranges of the non-prose parts of md/code.md, found by their delimiters.
fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let fm_end = text[3..].find("---\n").unwrap() + 7;
    out.push(0..fm_end);
    let fence = text.find("```text").unwrap();
    out.push(fence..text[fence + 3..].find("```").unwrap() + fence + 6);
    let ind = text.find("    Indented").unwrap();
    out.push(ind..ind + text[ind..].find('\n').unwrap());
    let mut i = 0;
    while let Some(k) = text[i..].find('`') {
        let s = i + k;
        if text[s..].starts_with("```") {
            i = s + 3;
            continue;
        }
        let e = s + 1 + text[s + 1..].find('`').unwrap() + 1;
        out.push(s..e);
        i = e;
    }
    let link = text.find("(https://").unwrap();
    out.push(link..link + text[link..].find(')').unwrap() + 1);
    let c = text.find("<!--").unwrap();
    out.push(c..c + text[c..].find("-->").unwrap() + 3);
    out
}

#[test]
fn markdown_code_is_not_checked_but_the_same_text_in_prose_is() {
    let text = fixture("md/code.md");
    let code = code_ranges(&text);
    // Read as plain text, the code is full of findings: the fixture tests something.
    let plain = check(&text, Format::Plain);
    let in_code = |f: &Finding| code.iter().any(|r| r.start < f.end && f.start < r.end);
    let plain_in_code: Vec<_> = plain.iter().filter(|f| in_code(f)).collect();
    assert!(plain_in_code.len() >= 5, "{plain_in_code:?}");
    // Read as Markdown, nothing inside code, front matter, link targets or comments…
    let md = check(&text, Format::Markdown);
    let bad: Vec<_> = md.iter().filter(|f| in_code(f)).collect();
    assert!(bad.is_empty(), "findings inside code: {bad:?}");
    // …while the same words in prose are flagged.
    for (rule, t) in [
        ("glue.joined-words", "thatRussia"),
        ("swap.idiom", "in no unpredictable terms"),
        ("swap.tortured-science", "neural organization"),
        ("foreign.pt", "Dentro"),
        ("foreign.pt", "Fonte do artigo"),
    ] {
        assert!(
            md.iter().any(|f| f.rule == rule && f.text == t),
            "{rule} {t:?} missing in {md:?}"
        );
        assert!(
            plain_in_code.iter().any(|f| f.rule == rule && f.text == t),
            "{rule} {t:?} should also be found inside code when read as plain text"
        );
    }
}

/// Line and column computed independently: lines split at CRLF/LF, column in chars.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[test]
fn positions_are_exact_with_crlf_tabs_multibyte_and_front_matter() {
    for (file, format) in [
        ("md/crlf.md", Format::Markdown),
        ("html/page.html", Format::Html),
        ("md/code.md", Format::Markdown),
    ] {
        let text = fixture(file);
        let found = check(&text, format);
        assert!(found.len() >= 2, "{file}: {found:?}");
        for f in &found {
            assert_eq!(&text[f.start..f.end], f.text, "{file}");
            assert_eq!(
                (f.line, f.column),
                line_col(&text, f.start),
                "{file}: {f:?}"
            );
        }
    }
    // Spot checks on the CRLF file: after a tab and curly quotes, after an emoji.
    let text = fixture("md/crlf.md");
    assert!(text.contains("\r\n") && text.contains('\t'));
    let found = check(&text, Format::Markdown);
    let at: Vec<_> = found
        .iter()
        .map(|f| (f.text.as_str(), f.line, f.column))
        .collect();
    assert_eq!(at, [("thatRussia", 10, 29), ("systemwith", 12, 19)]);
}

#[test]
fn config_disabling_glue_removes_exactly_the_glue_findings() {
    let text = fixture("txt/plain.txt");
    let checker = Checker::builder().build().unwrap();
    let all = Effective::default()
        .check(&checker, &text, Format::Plain)
        .report;
    let config = Config::parse("t.toml", "[categories]\nglue = false\n", Path::new("/")).unwrap();
    let eff = config.effective(Path::new("/doc.txt"));
    let without = eff.check(&checker, &text, Format::Plain).report;
    let expected: Vec<_> = all
        .findings
        .iter()
        .filter(|f| f.category != Category::Glue)
        .cloned()
        .collect();
    assert!(
        expected.len() < all.findings.len(),
        "the fixture has glue findings"
    );
    assert!(!expected.is_empty(), "and others");
    assert_eq!(without.findings, expected);
    assert!(without.score > all.score);
}

#[test]
fn inline_disable_of_one_rule_removes_exactly_its_findings_in_the_region() {
    let text = fixture("ignore/doc.md");
    let checker = Checker::builder().build().unwrap();
    let with = Effective::default()
        .check(&checker, &text, Format::Markdown)
        .report
        .findings;
    // The same document with the directives neutralised (same length: offsets unchanged).
    let neutral = text.replace("unspun-", "xxxxxx-");
    let all = Effective::default()
        .check(&checker, &neutral, Format::Markdown)
        .report
        .findings;
    let region =
        text.find("<!-- unspun-disable glue").unwrap()..text.find("<!-- unspun-enable").unwrap();
    let next1 = 10; // the line after `unspun-disable-next-line`
    let next2 = 12; // the line after `unspun-disable-next-line swap` (no swap finding there)
    let expected: Vec<_> = all
        .iter()
        .filter(|f| !(f.rule == "glue.joined-words" && region.contains(&f.start)))
        .filter(|f| f.line != next1)
        .cloned()
        .collect();
    assert!(expected.len() < all.len());
    assert!(all
        .iter()
        .any(|f| f.line == next2 && f.rule == "glue.joined-words"));
    assert_eq!(with, expected);
}

#[test]
fn switching_off_by_config_equals_disabling_in_the_builder() {
    // Scores and findings must match, evidence-only hits included.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/004_10f339da52fe37a9.txt"),
    )
    .unwrap();
    let full = Checker::builder().build().unwrap();
    for (toml, builder) in [
        (
            "[rules]\n\"ngram.swap\" = \"off\"\n",
            Checker::builder().disable_rule("ngram.swap"),
        ),
        (
            "[categories]\nswap = false\n",
            Checker::builder().disable_category(Category::Swap),
        ),
    ] {
        let eff = Config::parse("t.toml", toml, Path::new("/"))
            .unwrap()
            .effective(Path::new("/x.txt"));
        let by_config = eff.check(&full, &text, Format::Plain).report;
        let by_builder = builder.build().unwrap().check(&text);
        assert_eq!(by_config.findings, by_builder.findings, "{toml}");
        assert_eq!(by_config.score, by_builder.score, "{toml}");
        assert!(by_config.score > full.check(&text).score, "{toml}");
    }
}

#[test]
fn a_severity_override_keeps_low_confidence_bands_at_info() {
    // "thatRussia" is strong glue (a warning beside the doubled word); "async" ("a sync") is
    // a weak split reported as `info`.
    let text = "He said thatRussia was ready. The call is async here. It was the the end.\n";
    let checker = Checker::builder().build().unwrap();
    let sev = |config: &str| {
        let config = Config::parse("t.toml", config, Path::new("/")).unwrap();
        let found = config
            .effective(Path::new("/doc.txt"))
            .check(&checker, text, Format::Plain)
            .report
            .findings;
        ["thatRussia", "async"].map(|t| {
            found
                .iter()
                .find(|f| f.rule == "glue.joined-words" && f.text == t)
                .map(|f| f.severity)
        })
    };
    let (w, i, e) = (Severity::Warning, Severity::Info, Severity::Error);
    assert_eq!(sev(""), [Some(w), Some(i)]);
    assert_eq!(
        sev("[rules]\n\"glue.joined-words\" = \"error\"\n"),
        [Some(e), Some(i)]
    );
    assert_eq!(
        sev("[rules]\n\"glue.joined-words\" = \"info\"\n"),
        [Some(i), Some(i)]
    );
}

#[test]
fn a_weak_suspicion_is_a_warning_only_beside_other_evidence() {
    // Written for this test. A glued word, a stray closing mark and a lone foreign word are
    // weak alone (terms, code and names look like them in clean text)...
    let checker = Checker::builder().build().unwrap();
    let alone =
        "The proposal was animpenetrable wall, they said.\" A talk on Python für beginners.";
    let found = checker.check(alone).findings;
    let sev = |found: &[Finding], rule: &str| {
        found
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.severity)
            .collect::<Vec<_>>()
    };
    for rule in ["glue.joined-words", "garble.unbalanced-quote", "foreign.de"] {
        assert_eq!(sev(&found, rule), [Severity::Info], "{rule}: {found:?}");
    }
    // ...and warnings in a document with a finding that stands on its own (a doubled word).
    let with = format!("{alone} It was the the end.");
    let found = checker.check(&with).findings;
    assert_eq!(sev(&found, "garble.repeated-word"), [Severity::Warning]);
    for rule in ["glue.joined-words", "garble.unbalanced-quote", "foreign.de"] {
        assert_eq!(sev(&found, rule), [Severity::Warning], "{rule}: {found:?}");
    }
}
