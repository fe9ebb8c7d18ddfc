//! Property tests (proptest) of the invariants, over random text built from fragments that
//! stress the folding and the detectors (Unicode that changes length when folded, CR and CRLF,
//! quotes, markup, U+FFFD, NUL) and over random mixes of good and bad JSON Lines records.
//! Case counts are kept moderate so `cargo test --release` stays fast.

use crate::support::{cmd, invariants};

use proptest::prelude::*;
use unspun::text::decode::{self, Decoded};
use unspun::text::markup::{self, Format, MarkupOptions};
use unspun::{Checker, Document};

const FRAGMENTS: &[&str] = &[
    "the",
    "He",
    "said",
    "thatRussia",
    "animpenetrable",
    "systemwith",
    "cyber",
    "assailants",
    "considerable",
    "escalation",
    "Dentro",
    "Once",
    "once",
    "Moscows",
    "longstanding",
    "U.S.",
    "e.g.",
    "5,000",
    "1960s",
    "http://x.io/a",
    "a@b.co",
    "#tag",
    "snake_case",
    "caf\u{e9}",
    "cafe\u{301}",
    "na\u{ef}ve",
    "\u{130}stanbul",
    "STRASSE",
    "stra\u{df}e",
    "\u{1c5}",
    "\u{fb01}",
    "\u{1f600}",
    "\u{fffd}",
    "\u{0}",
    "\u{feff}",
    "\u{200b}",
    ".",
    ",",
    "!",
    "?",
    ";",
    ":",
    "\"",
    "'",
    "\u{201c}",
    "\u{201d}",
    "\u{2018}",
    "\u{2019}",
    "\u{2014}",
    "-",
    "\u{2026}",
    "(",
    ")",
    " ",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "\u{a0}",
    "\u{2028}",
    "<b>",
    "</p>",
    "<p>",
    "`code`",
    "[link](http://x)",
    "# ",
    "> ",
    "- ",
    "&amp;",
    "<!--",
    "-->",
    "*",
    "_",
    "```\n",
    "<script>",
    "</script>",
    "<main>",
    "::",
    "\n.. ",
    ".. code-block:: python\n",
    "``",
    ":ref:`",
    "`_",
    "<x>`",
    "`",
    "|",
    "\\ ",
    "**",
    "    ",
    "\n====\n",
    "----\n",
    "|===\n",
    "+\n",
    "{attr}",
    "link:x[y]",
    "<<a,b>>",
    ":toc:\n",
    "term::",
    "1. ",
    "</b>",
    "&shy;",
];

/// Random text: fragments, with an arbitrary character now and then.
fn text() -> impl Strategy<Value = String> {
    let frag = prop_oneof![
        8 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(frag, 0..80).prop_map(|v| v.concat())
}

fn checker() -> &'static Checker {
    static C: std::sync::OnceLock<Checker> = std::sync::OnceLock::new();
    C.get_or_init(|| Checker::builder().build().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Spans in bounds and on char boundaries, score in [0, 100], findings sorted and not
    /// overlapping within a rule, line and column right; checking twice gives the same report.
    #[test]
    fn check_invariants(t in text(), f in 0usize..Format::ALL.len()) {
        let format = Format::ALL[f];
        let m = markup::extract(&t, format, MarkupOptions::default());
        let doc = Document::from_markup(&t, &m);
        let r = checker().check_document(&doc);
        invariants::report_invariants(&t, &doc, &r);
        prop_assert_eq!(&r, &checker().check_document(&doc));
    }

    /// Token offsets map back to char boundaries of the original, in bounds and in order.
    #[test]
    fn offsets_map_back(t in text(), sel in any::<u8>()) {
        invariants::text_offsets(t.as_bytes());
        let mut with_format = vec![sel];
        with_format.extend_from_slice(t.as_bytes());
        invariants::markup(&with_format);
    }

    /// Lossy decoding: every replacement points at a U+FFFD of the text, input offsets grow,
    /// and valid UTF-8 comes back unchanged.
    #[test]
    fn decoding_locates_every_replacement(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        t in text(),
    ) {
        if let Decoded::Text(d) = decode::decode(&bytes) {
            let mut last = None;
            for r in &d.replaced {
                prop_assert_eq!(&d.text[r.at..r.at + 3], "\u{fffd}");
                prop_assert!(r.input < bytes.len() && last.is_none_or(|l| r.input > l));
                last = Some(r.input);
            }
        }
        if !t.as_bytes()[..t.len().min(decode::BINARY_SNIFF)].contains(&0)
            && !t.starts_with('\u{feff}')
        {
            match decode::decode(t.as_bytes()) {
                Decoded::Text(d) => prop_assert_eq!(d.text, t),
                Decoded::Binary(m) => prop_assert!(false, "{}", m),
            }
        }
    }
}

/// One JSON Lines input line of a random kind, and whether it is a record (blank lines are
/// not).
fn line() -> impl Strategy<Value = (Vec<u8>, bool)> {
    let doc = text().prop_map(|t| serde_json::json!({"text": t}).to_string().into_bytes());
    prop_oneof![
        4 => doc.prop_map(|l| (l, true)),
        1 => Just((b"{\"text\": }".to_vec(), true)),
        1 => Just((b"{\"body\": \"no text field\"}".to_vec(), true)),
        1 => Just((b"{\"text\": 42}".to_vec(), true)),
        1 => Just((b"[1, 2]".to_vec(), true)),
        1 => Just((b"not json at all".to_vec(), true)),
        1 => Just((b"{\"text\": \"caf\xe9 \xff\"}".to_vec(), true)),
        1 => Just((b"{\"text\": \"a\"} trailing".to_vec(), true)),
        1 => Just((b"{\"text\": \"big ".iter().copied()
            .chain(b"word ".repeat(60_000))
            .chain(b"\"}".iter().copied()).collect(), true)),
        1 => Just((b"\r".to_vec(), false)),
        1 => Just((Vec::new(), false)),
        1 => Just((b"  \t ".to_vec(), false)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// For any input of N records (non-blank lines), `score` writes exactly N output records,
    /// scored or error, in input order, with two workers and batches that split the input.
    #[test]
    fn score_writes_one_record_per_line_in_order(
        lines in prop::collection::vec(line(), 0..40),
        crlf in any::<bool>(),
    ) {
        let mut input = Vec::new();
        for (l, _) in &lines {
            input.extend_from_slice(l);
            input.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        let n = lines.iter().filter(|(_, record)| *record).count();
        let out = cmd::run(
            &["score", "--quiet", "--input-format", "jsonl", "-j", "2",
              "--max-doc-bytes", "100K", "--findings", "none", "--disable", "ngram.swap"],
            &input,
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let recs: Vec<serde_json::Value> =
            stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        prop_assert_eq!(recs.len(), n, "{}", String::from_utf8_lossy(&out.stderr));
        // Ids default to line numbers, and error records carry their line (their id is null
        // when it cannot be read): increasing means in input order.
        let ids: Vec<u64> = recs
            .iter()
            .map(|r| {
                if r["error"].is_string() {
                    let line = r["line"].as_u64().unwrap();
                    prop_assert!(r["id"].is_null() || r["id"] == line, "{}", r);
                    Ok(line)
                } else {
                    Ok(r["id"].as_u64().unwrap())
                }
            })
            .collect::<Result<_, _>>()?;
        prop_assert!(ids.windows(2).all(|w| w[0] < w[1]), "{:?}", ids);
        for r in &recs {
            prop_assert!(r["score"].is_number() != r["error"].is_string(), "{}", r);
        }
        let errors = recs.iter().any(|r| r["error"].is_string());
        prop_assert_eq!(out.status.code(), Some(if errors { 1 } else { 0 }));
    }
}
