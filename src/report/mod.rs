//! Output formats. Each renders into a `String`; the binary decides where it goes.

mod checkstyle;
mod github;
mod sarif;

pub use checkstyle::{checkstyle, checkstyle_file, CHECKSTYLE_FOOTER, CHECKSTYLE_HEADER};
pub use github::github;
pub use sarif::{sarif, sarif_with};

use crate::finding::{Finding, Severity};
use crate::Report;
use annotate_snippets::{Level, Renderer, Snippet};

pub mod html;

/// A one-line verdict for a score.
pub fn verdict(score: f64) -> &'static str {
    if score >= 90.0 {
        "clean"
    } else if score >= 75.0 {
        "mostly faithful"
    } else if score >= 50.0 {
        "suspicious"
    } else {
        "likely spun or garbled"
    }
}

/// The verdict shown for a report: [`verdict`] of its score, or "not English (French)"; with
/// "reads like a machine translation from Portuguese" when it does.
pub fn verdict_text(report: &Report) -> String {
    let mut v = match (&report.language, report.is_english()) {
        (Some(l), false) => format!("{} ({})", crate::NOT_ENGLISH, crate::lang::name(&l.main)),
        _ => verdict(report.score).to_string(),
    };
    if let Some(t) = &report.translated_from {
        v.push_str(&format!(
            " · reads like a machine translation from {}",
            crate::lang::name(&t.language)
        ));
    }
    v
}

/// Options for the human format.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Cut long lines to this width around the span.
    pub width: usize,
    /// Show only findings at or above this severity.
    pub min_severity: Severity,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
            min_severity: Severity::Info,
        }
    }
}

/// Lines longer than this many bytes are cut to a window around each finding before they are
/// rendered (each side keeps at least `LONG_LINE_SIDE` bytes, more than the terminal width).
const LONG_LINE: usize = 1024;
/// Bytes kept on each side of a finding on a long line.
const LONG_LINE_SIDE: usize = 320;

/// Human format: every finding as a snippet (`path:line:col`, rule, message, the line with
/// the span underlined, the suggestion), then a summary line with the score.
///
/// Linear in the text and the findings: the line starts are found once, and a finding on a
/// long line is rendered from a window of that line around it (the renderer cuts long lines
/// to the terminal width anyway), so a megabyte on one line with a finding every few bytes
/// costs the same per finding as a short line.
pub fn human(report: &Report, source: &str, opts: &HumanOptions) -> String {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .term_width(opts.width);
    let mut out = String::new();
    let shown: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity >= opts.min_severity)
        .collect();
    // Offsets just after each '\n'.
    let breaks: Vec<usize> = memchr::memchr_iter(b'\n', source.as_bytes())
        .map(|i| i + 1)
        .collect();
    // annotate-snippets appends `:line:column` itself (from the annotated span).
    let origin = report.path.as_str();
    for f in &shown {
        let (start, end) = (f.start.min(source.len()), f.end.min(source.len()));
        // The line holding the start, through the end of the line holding the end.
        let line_start = match breaks.partition_point(|&b| b <= start) {
            0 => 0,
            k => breaks[k - 1],
        };
        let line_end = match breaks.get(breaks.partition_point(|&b| b <= end)) {
            Some(&b) => b - 1,
            None => source.len(),
        };
        let mut line = source[line_start..line_end].trim_end_matches('\r');
        let mut from = line_start;
        if line.len() > LONG_LINE {
            let mut a = start.saturating_sub(LONG_LINE_SIDE).max(line_start);
            while !source.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = end
                .saturating_add(LONG_LINE_SIDE)
                .min(line_start + line.len());
            while !source.is_char_boundary(b) {
                b += 1;
            }
            line = &source[a..b];
            from = a;
        }
        let span = (start - from).min(line.len())..(end - from).min(line.len());
        let label = match &f.suggestion {
            Some(s) if !s.is_empty() => format!("suggestion: {s}"),
            _ => String::new(),
        };
        let level = match f.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Info => Level::Info,
        };
        let title = match &f.language {
            Some(l) => format!("{} [{l}, confidence {:.2}]", f.message, f.confidence),
            None => format!("{} [confidence {:.2}]", f.message, f.confidence),
        };
        let msg = level.title(&title).id(&f.rule).snippet(
            Snippet::source(line)
                .line_start(f.line)
                .origin(origin)
                .annotation(level.span(span.clone()).label(&label)),
        );
        let rendered = renderer.render(msg).to_string();
        if from == line_start {
            out.push_str(&rendered);
        } else {
            // The column annotate-snippets computed counts from the window's start: put the
            // finding's own column in its place.
            let col = line[..span.start].chars().count() + 1;
            let wrong = format!("{origin}:{}:{col}", f.line);
            let right = format!("{origin}:{}:{}", f.line, f.column);
            out.push_str(&rendered.replacen(&wrong, &right, 1));
        }
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(report, shown.len()));
    out.push('\n');
    out
}

/// `path: score 37.2/100 (likely spun or garbled), 25 findings in 712 words`.
pub fn summary_line(report: &Report, shown: usize) -> String {
    let counts: Vec<String> = report
        .counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let judged = match (&report.language, report.is_english()) {
        (Some(l), false) => format!(
            "{} ({}, confidence {:.2}): not scored as spun English",
            crate::NOT_ENGLISH,
            crate::lang::name(&l.main),
            l.confidence
        ),
        _ => format!("score {:.1}/100 ({})", report.score, verdict(report.score)),
    };
    let mut line = format!(
        "{}: {judged}, {} finding{} in {} words{}",
        report.path,
        shown,
        if shown == 1 { "" } else { "s" },
        report.words,
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    );
    if let Some(t) = &report.translated_from {
        line.push_str(&format!(
            "; reads like a machine translation from {} (confidence {:.2})",
            crate::lang::name(&t.language),
            t.confidence
        ));
    }
    line
}

/// The bytes of a path as the binary shows it: a name that is not plain UTF-8 is shown with
/// `\\` for a backslash and `\\xNN` for a control character or a byte that is not UTF-8
/// (anything else after a backslash is kept as it is). A name without a backslash is its own
/// bytes.
pub fn unescape_path(shown: &str) -> Vec<u8> {
    let b = shown.as_bytes();
    if !b.contains(&b'\\') {
        return b.to_vec();
    }
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if b.get(i + 1) == Some(&b'x') {
                if let (Some(h), Some(l)) = (
                    b.get(i + 2).copied().and_then(hex),
                    b.get(i + 3).copied().and_then(hex),
                ) {
                    out.push(h << 4 | l);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// JSON Lines: one document object per line.
pub fn jsonl(report: &Report) -> String {
    let mut s = serde_json::to_string(report).expect("reports serialize");
    s.push('\n');
    s
}

/// 1-based line and column (in characters) just past a finding's span, computed from its
/// start position and text (CRLF, LF and lone CR all break lines).
pub fn end_line_col(f: &Finding) -> (usize, usize) {
    let mut line = f.line;
    let mut col = f.column;
    let mut prev_cr = false;
    for c in f.text.chars() {
        match c {
            '\n' if prev_cr => {}
            '\n' | '\r' => {
                line += 1;
                col = 1;
            }
            _ => col += 1,
        }
        prev_cr = c == '\r';
    }
    (line, col)
}

/// Counts per rule over many reports: `(rule, category, count)`, most frequent first.
pub fn statistics(reports: &[&Report]) -> Vec<(String, crate::Category, usize)> {
    let mut m: std::collections::BTreeMap<&str, (crate::Category, usize)> = Default::default();
    for r in reports {
        for f in &r.findings {
            m.entry(&f.rule).or_insert((f.category, 0)).1 += 1;
        }
    }
    let mut v: Vec<_> = m
        .into_iter()
        .map(|(k, (c, n))| (k.to_string(), c, n))
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    v
}

/// The statistics as a table: `count  rule  category`, then a total line.
pub fn statistics_table(stats: &[(String, crate::Category, usize)]) -> String {
    let mut s = String::new();
    let total: usize = stats.iter().map(|x| x.2).sum();
    for (rule, cat, n) in stats {
        s.push_str(&format!("{n:>6}  {rule:<32} {cat}\n"));
    }
    s.push_str(&format!(
        "{total:>6}  finding{} in total\n",
        if total == 1 { "" } else { "s" }
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checker;

    #[test]
    fn end_positions_follow_line_breaks() {
        let checker = Checker::builder().build().unwrap();
        let text = "x\u{e9} y thatRussia z";
        let r = checker.check(text);
        let f = r.findings.iter().find(|f| f.text == "thatRussia").unwrap();
        assert_eq!((f.line, f.column), (1, 6));
        assert_eq!(end_line_col(f), (1, 16));
        let mut g = f.clone();
        g.text = "ab\r\ncd".into();
        assert_eq!(end_line_col(&g), (2, 3));
    }

    #[test]
    fn human_points_at_path_line_col_once() {
        let text = "First line.\nHe said thatRussia was ready.\n";
        let mut report = Checker::builder().build().unwrap().check(text);
        report.path = "doc.txt".into();
        let out = human(&report, text, &HumanOptions::default());
        assert!(out.contains("--> doc.txt:2:9\n"), "{out}");
        assert!(out.contains("suggestion: that Russia"), "{out}");
        assert!(
            out.trim_end().ends_with("1 finding in 7 words (glue 1)"),
            "{out}"
        );
    }
}
