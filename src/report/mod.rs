//! Output formats. Each renders into a `String`; the binary decides where it goes.

use crate::finding::Severity;
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
        // annotate-snippets appends `:line:col` to the origin itself.
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
    format!(
        "{}: score {:.1}/100 ({}), {} finding{} in {} words{}",
        report.path,
        report.score,
        verdict(report.score),
        shown,
        if shown == 1 { "" } else { "s" },
        report.words,
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({})", counts.join(", "))
        }
    )
}

/// JSON Lines: one document object per line.
pub fn jsonl(report: &Report) -> String {
    let mut s = serde_json::to_string(report).expect("reports serialize");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checker;

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
