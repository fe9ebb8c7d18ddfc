//! Hostile inputs built at run time, shared by the tests (`tests/library/hostile_inputs.rs`:
//! each is checked without a crash and with the report's invariants) and by the benchmark
//! that times them (`cargo bench --bench hostile`: speed is measured there, never asserted in
//! a test). `scale` 1 is the size the tests use.

use unspun::text::markup::Format;

/// Ten megabytes of one word: one letter, a glued pair, a letter with a combining mark.
pub fn long_words(scale: usize) -> Vec<(&'static str, String, Format)> {
    vec![
        (
            "10 MB of 'a'",
            "a".repeat(scale * (10 << 20)),
            Format::Plain,
        ),
        (
            "10 MB of 'thatRussia'",
            "thatRussia".repeat(scale << 20),
            Format::Plain,
        ),
        (
            "9 MB of e + U+0301",
            "e\u{301}".repeat(scale * (3 << 20)),
            Format::Plain,
        ),
    ]
}

/// 4 MB of prose with no line break and no sentence end.
pub fn long_line(scale: usize) -> String {
    "the cyber assailants said thatRussia was ready and ".repeat(scale * 80_000)
}

/// HTML nested 100,000 deep, and elements, comments and quotes left open as often.
pub fn nested_html(scale: usize) -> Vec<(&'static str, String)> {
    let n = scale * 100_000;
    vec![
        (
            "nested <div>",
            format!(
                "{}He said thatRussia was ready.{}",
                "<div>".repeat(n),
                "</div>".repeat(n)
            ),
        ),
        ("nested <code>", format!("{}thatRussia", "<code>".repeat(n))),
        ("unclosed '<b '", format!("{}x", "<b ".repeat(n))),
        ("unclosed comments", "<!--".repeat(n)),
        ("unclosed quotes", "<a href=\"".repeat(n)),
        ("entities", "&amp;".repeat(n)),
        (
            "nested <article> in <main>",
            format!("<main>{}</main>", "<article>".repeat(n)),
        ),
    ]
}

/// Markdown that pulldown-cmark finds hostile: deep nesting, long runs of one delimiter.
pub fn hostile_markdown(scale: usize) -> Vec<(&'static str, String)> {
    let n = scale * 50_000;
    vec![
        (
            "nested quotes",
            format!("{}quoted thatRussia", "> ".repeat(n)),
        ),
        (
            "deep lists",
            (0..scale * 2_000)
                .map(|i| format!("{}- item\n", "  ".repeat(i)))
                .collect(),
        ),
        ("brackets", "[".repeat(n) + &"]".repeat(n)),
        ("open links", "[a](".repeat(n)),
        ("emphasis", "*a **a ".repeat(n)),
        ("underscores", "_".repeat(n)),
        ("backticks", "`".repeat(n) + "x"),
        ("angle brackets", "<".repeat(n)),
        ("images", "![".repeat(n)),
        (
            "a wide table",
            "|a".repeat(n / 10) + "|\n" + &"|-".repeat(n / 10) + "|\n",
        ),
        (
            "link references",
            "[x]: http://a\n".repeat(n / 5) + &"[x] ".repeat(n / 5),
        ),
        ("backslashes", "\\".repeat(n)),
        ("rules", "---\n".repeat(n)),
        ("list markers", "1. ".repeat(n)),
        ("a long heading", format!("{}\n", "#".repeat(n))),
        ("HTML blocks", "<div>\n".repeat(n)),
        ("fences", "```\n".repeat(n)),
        ("entity starts", "&#x".repeat(n)),
    ]
}

/// A rule pack of patterns that backtrack catastrophically in other engines.
pub const REDOS_PACK: &str = r#"[pack]
name = "redos"
[[rule]]
id = "redos.nested"
kind = "regex"
category = "swap"
message = "m"
patterns = ['(a+)+$', '(a|aa)+b', '(x+x+)+y']
examples.fire = ["xx aaab yy"]
examples.clean = ["bbb"]
"#;

/// A checker with only [`REDOS_PACK`] (and the built-in detectors but `ngram.swap`).
pub fn redos_checker() -> unspun::Checker {
    let dir = std::env::temp_dir().join(format!("unspun-redos-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("redos.toml"), REDOS_PACK).unwrap();
    let c = unspun::Checker::builder()
        .embedded_packs(false)
        .disable_rule("ngram.swap")
        .rules_dir(&dir)
        .build()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    c
}

/// Input for [`REDOS_PACK`]'s patterns: exponential for a backtracking engine.
pub fn redos_text(scale: usize) -> String {
    "a".repeat(scale * 200_000) + "!" + &"x".repeat(scale * 200_000) + " then aaab."
}
