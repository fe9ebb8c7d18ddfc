//! GitHub Actions workflow commands: one `::warning …::message` line per finding, which the
//! runner turns into an annotation on the pull request.

use crate::finding::Severity;
use crate::Report;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=RULE::message` per finding
/// (`error`, `warning`, or `notice` for info).
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (end_line, end_col) = super::end_line_col(f);
        let msg = match &f.suggestion {
            Some(s) if !s.is_empty() => format!("{} (suggestion: {s})", f.message),
            _ => f.message.clone(),
        };
        out.push_str(&format!(
            "::{cmd} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&report.path),
            f.line,
            f.column,
            end_line,
            end_col,
            escape_property(&f.rule),
            escape_data(&msg)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_properties_and_data() {
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(escape_data("x\ny: z"), "x%0Ay: z");
    }
}
