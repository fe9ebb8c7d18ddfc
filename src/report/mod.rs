//! Output formats. Each renders into a `String`; the binary decides where it goes.

mod checkstyle;
mod github;
mod sarif;

pub use checkstyle::{checkstyle, checkstyle_file, CHECKSTYLE_FOOTER, CHECKSTYLE_HEADER};
pub use github::github;
pub use sarif::sarif;

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

/// Human format: every finding as a snippet (`path:line:col`, rule, message, the line with
/// the span underlined, the suggestion), then a summary line with the score.
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
    for f in &shown {
        let line_start = source[..f.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[f.end..]
            .find('\n')
            .map_or(source.len(), |i| f.end + i);
        let line = source[line_start..line_end].trim_end_matches('\r');
        let span = (f.start - line_start).min(line.len())..(f.end - line_start).min(line.len());
        // annotate-snippets appends `:line:column` itself (from the annotated span).
        let origin = report.path.clone();
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
                .origin(&origin)
                .annotation(level.span(span).label(&label)),
        );
        out.push_str(&renderer.render(msg).to_string());
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
