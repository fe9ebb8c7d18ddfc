//! Checkstyle XML (read by Jenkins, GitLab code-quality converters, reviewdog, …).

use crate::Report;

/// The document's opening.
pub const CHECKSTYLE_HEADER: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
/// The document's closing.
pub const CHECKSTYLE_FOOTER: &str = "</checkstyle>\n";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Characters XML 1.0 cannot hold.
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One `<file>` element with an `<error>` per finding.
pub fn checkstyle_file(report: &Report) -> String {
    let mut s = format!("<file name=\"{}\">\n", escape(&report.path));
    for f in &report.findings {
        let msg = match &f.suggestion {
            Some(x) if !x.is_empty() => format!("{} (suggestion: {x})", f.message),
            _ => f.message.clone(),
        };
        s.push_str(&format!(
            "<error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"unspun.{}\"/>\n",
            f.line,
            f.column,
            f.severity.as_str(),
            escape(&msg),
            escape(&f.rule)
        ));
    }
    s.push_str("</file>\n");
    s
}

/// A whole Checkstyle document.
pub fn checkstyle(reports: &[Report]) -> String {
    let mut s = CHECKSTYLE_HEADER.to_string();
    for r in reports {
        s.push_str(&checkstyle_file(r));
    }
    s.push_str(CHECKSTYLE_FOOTER);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot;&#10;");
    }
}
