//! The invariants the fuzz targets check, shared by `fuzz/fuzz_targets/*` and by
//! `tests/fuzz_regressions.rs` (which replays every kept crasher through the same function).
//!
//! Each function takes arbitrary bytes and panics when an invariant breaks.
#![allow(dead_code)]

use std::sync::OnceLock;
use unspun::text::markup::{self, Format, MarkupOptions};
use unspun::text::Document;
use unspun::{Checker, Report};

/// Arbitrary bytes as text the way unspun reads a file (BOMs, UTF-16, invalid UTF-8 decoded
/// lossily); `None` for what it skips as binary.
fn text_of(data: &[u8]) -> Option<String> {
    match unspun::text::decode::decode(data) {
        unspun::text::decode::Decoded::Text(t) => Some(t.text),
        unspun::text::decode::Decoded::Binary(_) => None,
    }
}

/// Tokens and offsets of a document: every token is non-empty, on char boundaries of the
/// folded text, in order, and maps back to an in-bounds span of the original on char
/// boundaries, in order; line and column lookups work at every token.
fn document_invariants(doc: &Document) {
    let norm = &doc.norm.text;
    let orig = doc.orig;
    let mut last_norm = 0usize;
    let mut last_orig = 0usize;
    let mut lines = unspun::text::LineCursor::new(doc);
    for t in &doc.tokens {
        let (s, e) = (t.start as usize, t.end as usize);
        assert!(s < e, "empty token at {s}");
        assert!(s >= last_norm, "tokens out of order at {s}");
        assert!(e <= norm.len(), "token {s}..{e} beyond the folded text");
        assert!(norm.is_char_boundary(s) && norm.is_char_boundary(e));
        last_norm = e;
        let r = doc.orig_span(t);
        assert!(
            r.start <= r.end && r.end <= orig.len(),
            "span {r:?} out of bounds"
        );
        assert!(
            orig.is_char_boundary(r.start) && orig.is_char_boundary(r.end),
            "span {r:?} not on char boundaries"
        );
        assert!(r.start >= last_orig, "original spans out of order at {r:?}");
        last_orig = r.start;
        let (line, col) = lines.line_col(r.start);
        assert!(line >= 1 && col >= 1);
    }
    // Every folded char boundary maps into the original, on a char boundary.
    for (i, _) in norm.char_indices().step_by(7) {
        let o = doc.norm.orig_start(i);
        assert!(
            o <= orig.len() && orig.is_char_boundary(o),
            "folded {i} -> {o}"
        );
    }
    let o = doc.norm.orig_end(norm.len());
    assert!(o <= orig.len() && orig.is_char_boundary(o));
}

/// `normalize` and `tokenize`: offsets map back to char boundaries and stay in bounds.
pub fn text_offsets(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let doc = Document::new(&text);
    document_invariants(&doc);
}

/// The markup extractors (the first byte picks the format and options): masked ranges are
/// sorted, disjoint and in bounds, joins are masked ranges inside one word token, blocks are
/// sorted and disjoint, and the document built on them keeps the token invariants with no
/// token inside a masked range.
pub fn markup(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // Bit 0 picks Markdown or HTML, bit 2 reStructuredText or AsciiDoc instead.
    let format = [
        Format::Markdown,
        Format::Html,
        Format::Rst,
        Format::Asciidoc,
    ][usize::from(sel & 1) | usize::from((sel >> 1) & 2)];
    let opts = MarkupOptions {
        html_main_only: sel & 2 != 0,
    };
    let m = markup::extract(&text, format, opts);
    for ranges in [&m.masked, &m.code] {
        let mut end = 0;
        for r in ranges.iter() {
            assert!(
                r.start < r.end && r.end <= text.len(),
                "range {r:?} out of bounds"
            );
            assert!(r.start >= end, "ranges overlap or are unsorted at {r:?}");
            end = r.end;
        }
    }
    assert!(m.breaks.iter().all(|&b| b <= text.len()));
    assert!(m.breaks.windows(2).all(|w| w[0] < w[1]));
    for j in &m.joins {
        assert!(m.masked.contains(j), "join {j:?} is not a masked range");
    }
    let mut end = 0;
    for (r, _) in &m.blocks {
        assert!(
            r.start < r.end && r.end <= text.len() && r.start >= end,
            "block {r:?}"
        );
        end = r.end;
    }
    let doc = Document::from_markup(&text, &m);
    document_invariants(&doc);
    for t in &doc.tokens {
        let r = doc.orig_span(t);
        assert!(
            !doc.is_masked(r.start, r.end),
            "token {r:?} inside a masked range"
        );
    }
    // Each join lies inside one word token (`assail</b>ants` is one word).
    for j in &m.joins {
        assert!(
            doc.tokens.iter().any(|t| {
                let r = doc.orig_span(t);
                r.start < j.start && j.end < r.end
            }),
            "join {j:?} ({:?}) splits a word",
            &text[j.clone()]
        );
    }
}

/// The rule-pack loader: any text either loads (and then compiles and runs on a sample
/// without panicking) or fails with errors that name the file and a line inside it.
pub fn rule_pack(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let lines = src.lines().count().max(1) + 1;
    let mut table = unspun::RuleTable::default();
    let read = |name: &str| {
        if name.len() < 64 {
            Ok("found,original\nfoo bar,baz qux\n".to_string())
        } else {
            Err(format!("cannot read `{name}`"))
        }
    };
    let check_errors = |errors: &[unspun::PackError]| {
        assert!(!errors.is_empty());
        for e in errors {
            assert_eq!(e.file, "fuzz.toml", "{e}");
            assert!(e.line <= lines, "{e}: line beyond the file ({lines} lines)");
            assert!(!e.message.trim().is_empty(), "{e:?}");
        }
    };
    if let Err(errors) = table.add_pack("fuzz.toml", &src, &read) {
        check_errors(&errors);
        return;
    }
    let detectors = match unspun::detect::compile_packs(&table, &|_| true) {
        Ok(d) => d,
        Err(errors) => return check_errors(&errors),
    };
    let sample = "Click to read the authors bio. Dentro 2017, the neural organization said so.";
    let doc = Document::new(sample);
    let mut hits = Vec::new();
    for d in &detectors {
        d.detect(&doc, &mut hits);
    }
    for h in &hits {
        assert!(h.start <= h.end && h.end <= sample.len());
        assert!(h.rule < table.rules.len());
    }
}

fn checker() -> &'static Checker {
    static C: OnceLock<Checker> = OnceLock::new();
    C.get_or_init(|| Checker::builder().build().expect("the embedded packs load"))
}

/// The public report invariants: score in [0, 100], findings sorted by position, spans in
/// bounds and on char boundaries with `text` their original text, line and column right,
/// findings of one rule never overlapping, confidences in [0, 1].
pub fn report_invariants(text: &str, doc: &Document, r: &Report) {
    assert!(
        (0.0..=100.0).contains(&r.score),
        "score {} out of range",
        r.score
    );
    let mut last_start = 0;
    let mut ends: std::collections::HashMap<&str, usize> = Default::default();
    let mut lines = unspun::text::LineCursor::new(doc);
    for f in &r.findings {
        assert!(f.start < f.end && f.end <= text.len(), "{f:?}");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert_eq!(f.text, text[f.start..f.end]);
        assert!(f.start >= last_start, "findings not sorted at {}", f.start);
        last_start = f.start;
        let end = ends.entry(f.rule.as_str()).or_insert(0);
        assert!(
            f.start >= *end,
            "{} findings overlap at {}",
            f.rule,
            f.start
        );
        *end = f.end;
        assert_eq!((f.line, f.column), lines.line_col(f.start));
        assert!((0.0..=1.0).contains(&f.confidence));
    }
}

/// The whole check of arbitrary bytes, decoded as files are (the first byte picks plain
/// text, Markdown or HTML): report invariants, and checking twice gives the same report.
pub fn check_bytes(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = text_of(rest) else {
        return;
    };
    let format = Format::ALL[usize::from(sel) % Format::ALL.len()];
    let m = markup::extract(&text, format, MarkupOptions::default());
    let doc = Document::from_markup(&text, &m);
    let c = checker();
    let r = c.check_document(&doc);
    report_invariants(&text, &doc, &r);
    assert_eq!(r, c.check_document(&doc), "check is not deterministic");
}
