//! Bad and hostile inputs through the library: each one is checked without a crash or a hang,
//! and the report keeps its invariants (see `support/invariants.rs`). Large inputs are built
//! here, at test time. The README's reliability table points at these tests.

use crate::support::{hostile, invariants};

use std::time::Duration;
use unspun::text::decode::{self, Decoded};
use unspun::text::markup::{self, Format, MarkupOptions};
use unspun::{Checker, Document, Report};

fn checker() -> &'static Checker {
    static C: std::sync::OnceLock<Checker> = std::sync::OnceLock::new();
    C.get_or_init(|| Checker::builder().build().unwrap())
}

/// Check `text` as `format` and assert the report invariants; the report. (How long it takes is
/// measured by `cargo bench --bench hostile`, not asserted here.)
fn check(text: &str, format: Format) -> Report {
    let m = markup::extract(text, format, MarkupOptions::default());
    let doc = Document::with_markup(text, m.masked, &m.breaks);
    let r = checker().check_document(&doc);
    invariants::report_invariants(text, &doc, &r);
    r
}

fn rules_of(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn empty_and_blank_texts_score_100() {
    for t in ["", " ", "\n\n\n", "\r\n", "\t \u{a0}\u{2028}"] {
        let r = check(t, Format::Plain);
        assert_eq!((r.score, r.words, r.findings.len()), (100.0, 0, 0), "{t:?}");
    }
}

#[test]
fn crlf_and_lone_cr_keep_lines_and_offsets() {
    let text = "First line.\r\nHe said thatRussia was ready.\rThird line has systemwith.\r";
    let r = check(text, Format::Plain);
    let glue: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "glue.joined-words")
        .map(|f| (f.text.as_str(), f.line, f.column))
        .collect();
    assert_eq!(glue, [("thatRussia", 2, 9), ("systemwith", 3, 16)]);
}

#[test]
fn nul_and_control_bytes_in_text() {
    let text = "He said\0 thatRussia\u{1}\u{7f} was \0\0ready.\u{b}\u{c}Done.";
    let r = check(text, Format::Plain);
    assert!(rules_of(&r).contains(&"glue.joined-words"), "{r:?}");
}

#[test]
fn invalid_utf8_is_decoded_flagged_and_located() {
    let bytes = b"Caf\xe9 owners said thatRussia was \xff\xfe ready.";
    let Decoded::Text(t) = decode::decode(bytes) else {
        panic!("not text")
    };
    let mut r = check(&t.text, Format::Plain);
    t.describe(&mut r.findings);
    let bad: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "input.invalid-utf8")
        .collect();
    assert_eq!(bad.len(), 2, "{r:?}");
    // Offsets are into the decoded text; the message names the input's bytes.
    assert_eq!(
        (bad[0].start, bad[0].end, bad[0].text.as_str()),
        (3, 6, "\u{FFFD}")
    );
    assert_eq!(
        bad[0].message,
        "invalid UTF-8: byte 0xE9 at byte offset 3 of the input, replaced by U+FFFD"
    );
    assert!(
        bad[1]
            .message
            .contains("2 invalid sequences at byte offsets 32..34"),
        "{}",
        bad[1].message
    );
    // After the first replaced byte, decoded offsets are 2 more than the input's.
    let glue = r
        .findings
        .iter()
        .find(|f| f.rule == "glue.joined-words")
        .unwrap();
    assert_eq!(&bytes[glue.start - 2..glue.end - 2], b"thatRussia");
}

#[test]
fn utf16_and_utf8_bom_files() {
    let text = "He said thatRussia was ready.\n";
    for (name, bytes) in [
        (
            "utf-16le",
            [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect::<Vec<u8>>(),
        ),
        (
            "utf-16be",
            [0xFE, 0xFF]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
                .collect(),
        ),
        ("utf-8 bom", [b"\xEF\xBB\xBF", text.as_bytes()].concat()),
    ] {
        let Decoded::Text(t) = decode::decode(&bytes) else {
            panic!("{name}: not text")
        };
        assert_eq!(t.text, text, "{name}");
        let r = check(&t.text, Format::Plain);
        let f = r.findings.iter().find(|f| f.rule == "glue.joined-words");
        assert_eq!(f.map(|f| (f.start, f.column)), Some((8, 9)), "{name}");
        assert_eq!(t.encode(&t.text).as_deref(), Some(&bytes[..]), "{name}");
    }
}

#[test]
fn binary_data_is_not_text() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    assert!(
        matches!(decode::decode(&png), Decoded::Binary(m) if m.contains("NUL byte at offset 8"))
    );
}

#[test]
fn a_10_mb_word() {
    for (_, text, format) in hostile::long_words(1) {
        check(&text, format);
    }
}

#[test]
fn a_long_single_line() {
    // 4 MB of prose with no line break and no sentence end.
    let line = hostile::long_line(1);
    let r = check(&line, Format::Plain);
    assert!(r.findings.iter().all(|f| f.line == 1));
    assert!(r.findings.len() > 1000);
}

#[test]
fn deeply_nested_html() {
    for (name, text) in hostile::nested_html(1) {
        let r = check(&text, Format::Html);
        if text.contains("ready.") {
            assert!(rules_of(&r).contains(&"glue.joined-words"), "{name}");
        }
        let m = markup::extract(
            &text,
            Format::Html,
            MarkupOptions {
                html_main_only: true,
            },
        );
        assert!(m.masked.iter().all(|r| r.end <= text.len()), "{name}");
    }
}

#[test]
fn markdown_that_pulldown_cmark_finds_hostile() {
    for (_, text) in hostile::hostile_markdown(1) {
        check(&text, Format::Markdown);
    }
}

#[test]
fn user_regexes_run_in_linear_time() {
    let c = hostile::redos_checker();
    // Classic catastrophic-backtracking inputs: exponential for a backtracking engine.
    // (A backtracking engine would not finish: the test would hang, not fail.)
    let r = c.check(&hostile::redos_text(1));
    assert!(r.findings.iter().any(|f| f.rule == "redos.nested"));
}

#[test]
fn a_time_budget_cuts_a_check_short_and_says_so() {
    let text =
        "the cyber assailants said that the considerable escalation was ready. ".repeat(20_000);
    let c = Checker::builder()
        .time_budget(Duration::from_millis(50))
        .build()
        .unwrap();
    let r = c.check(&text);
    // The check stopped on its budget and says so (how soon is measured by the bench).
    assert_eq!(r.truncated.as_deref(), Some(unspun::TRUNCATED_TIME));
    assert!((0.0..=100.0).contains(&r.score));
    // The field is in the JSON only when set.
    assert!(serde_json::to_string(&r)
        .unwrap()
        .contains("\"truncated\":\"time budget\""));
    let whole = checker().check("He said thatRussia was ready.");
    assert_eq!(whole.truncated, None);
    assert!(!serde_json::to_string(&whole).unwrap().contains("truncated"));
}
