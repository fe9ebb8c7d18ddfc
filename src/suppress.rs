//! Inline ignores.
//!
//! ```text
//! <!-- unspun-disable glue.joined-words -->   … findings of that rule are ignored …
//! <!-- unspun-enable -->
//! <!-- unspun-disable-next-line -->           the next line: every rule
//! <!-- unspun-disable swap, foreign -->       rule ids or category names, comma or space separated
//! ```
//!
//! In plain text the same words work after `#` or `//` (`# unspun-disable-next-line`). A
//! directive without rules applies to every rule; `unspun-enable` without rules ends every
//! open region. A directive that suppressed nothing is returned as [`Unused`].

use crate::finding::Finding;
use crate::text::markup::Format;
use crate::text::Document;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// What a directive does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `unspun-disable`: from here to `unspun-enable` (or the end).
    Disable,
    /// `unspun-enable`: ends a region.
    Enable,
    /// `unspun-disable-next-line`: the next line only.
    DisableNextLine,
}

impl Kind {
    /// The directive word.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Disable => "unspun-disable",
            Kind::Enable => "unspun-enable",
            Kind::DisableNextLine => "unspun-disable-next-line",
        }
    }
}

/// One directive found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// What it does.
    pub kind: Kind,
    /// Rule ids or category names; empty means every rule.
    pub rules: Vec<String>,
    /// Original byte span of the directive (the whole comment).
    pub start: usize,
    /// End of the span.
    pub end: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// An inline ignore that suppressed nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unused {
    /// The directive.
    pub directive: Directive,
    /// The rules it names that matched nothing (empty: the directive names no rule).
    pub rules: Vec<String>,
}

impl Unused {
    /// `unused unspun-disable glue.joined-words: it suppresses nothing`.
    pub fn message(&self) -> String {
        let what = if self.rules.is_empty() {
            String::new()
        } else {
            format!(" {}", self.rules.join(", "))
        };
        format!(
            "unused inline ignore `{}{what}`: it suppresses no finding",
            self.directive.kind.as_str()
        )
    }
}

fn comment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"<!--[ \t]*(unspun-disable-next-line|unspun-disable|unspun-enable)\b([^>]*?)[ \t]*-->",
        )
        .expect("valid regex")
    })
}

fn line_comment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?m)(?:#|//|^[ \t]*\.\.)[ \t]*(unspun-disable-next-line|unspun-disable|unspun-enable)\b([^\r\n]*)")
            .expect("valid regex")
    })
}

/// Original byte ranges of the directives of a plain text (`<!-- … -->`, `#` and `//`
/// forms). [`markup::extract`](crate::text::markup::extract) masks them, so that a directive is
/// not read as prose (a broken sentence "unspun-disable-next-line glue.joined-words"); in
/// Markdown and HTML comments are masked already.
pub fn plain_directive_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    if !text.contains("unspun-") {
        return Vec::new();
    }
    let mut out: Vec<std::ops::Range<usize>> = comment_re()
        .find_iter(text)
        .chain(line_comment_re().find_iter(text))
        .map(|m| m.range())
        .collect();
    out.sort_by_key(|r| r.start);
    out
}

/// Find the directives of a text (`<!-- … -->` in every format; `#` and `//` comments in
/// plain text, `..` comments in reStructuredText, `//` in AsciiDoc), in text order. Directives that start inside a `code` range (e.g. a Markdown
/// code block showing the syntax) are examples, not directives.
pub fn directives(
    text: &str,
    format: Format,
    doc: &Document,
    code: &[std::ops::Range<usize>],
) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut push = |re: &Regex| {
        for c in re.captures_iter(text) {
            let all = c.get(0).expect("match");
            if code.iter().any(|r| r.contains(&all.start())) {
                continue;
            }
            let kind = match &c[1] {
                "unspun-disable-next-line" => Kind::DisableNextLine,
                "unspun-disable" => Kind::Disable,
                _ => Kind::Enable,
            };
            let rules = c[2]
                .split(|ch: char| ch == ',' || ch.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let (line, column) = doc.line_col(all.start());
            out.push(Directive {
                kind,
                rules,
                start: all.start(),
                end: all.end(),
                line,
                column,
            });
        }
    };
    if text.contains("unspun-") {
        push(comment_re());
        // Plain text: `#` and `//`; reStructuredText: `..` comments; AsciiDoc: `//`.
        if matches!(format, Format::Plain | Format::Rst | Format::Asciidoc) {
            push(line_comment_re());
        }
    }
    out.sort_by_key(|d| d.start);
    out.dedup_by_key(|d| d.start);
    out
}

fn selects(sel: &str, f: &Finding) -> bool {
    sel == f.rule || sel == f.category.as_str() || sel == "all"
}

/// Remove the findings that inline ignores cover; return the ignores that covered nothing.
/// `code`: ranges where directive-like text is an example (see [`directives`]).
pub fn apply(
    findings: &mut Vec<Finding>,
    text: &str,
    format: Format,
    doc: &Document,
    code: &[std::ops::Range<usize>],
) -> Vec<Unused> {
    let dirs = directives(text, format, doc, code);
    if dirs.is_empty() {
        return Vec::new();
    }
    // A directive is not prose: in plain text its comment would be checked like the rest
    // (directives are sorted and do not overlap).
    findings.retain(|f| {
        let k = dirs.partition_point(|d| d.start < f.end.max(f.start + 1));
        !(k > 0 && dirs[k - 1].end > f.start)
    });
    // Regions: (directive index, selector or None for all, start, end).
    struct Region {
        dir: usize,
        sel: Option<String>,
        start: usize,
        end: usize,
        next_line: Option<usize>,
    }
    let mut regions: Vec<Region> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, d) in dirs.iter().enumerate() {
        let sels: Vec<Option<String>> = if d.rules.is_empty() {
            vec![None]
        } else {
            d.rules.iter().cloned().map(Some).collect()
        };
        match d.kind {
            Kind::Disable => {
                for s in sels {
                    open.push(regions.len());
                    regions.push(Region {
                        dir: i,
                        sel: s,
                        start: d.end,
                        end: usize::MAX,
                        next_line: None,
                    });
                }
            }
            Kind::DisableNextLine => {
                for s in sels {
                    regions.push(Region {
                        dir: i,
                        sel: s,
                        start: 0,
                        end: 0,
                        next_line: Some(d.line + 1),
                    });
                }
            }
            Kind::Enable => {
                open.retain(|&r| {
                    let close = d.rules.is_empty()
                        || regions[r].sel.as_ref().is_some_and(|s| d.rules.contains(s));
                    if close {
                        regions[r].end = d.start;
                    }
                    !close
                });
            }
        }
    }
    let mut used = vec![false; regions.len()];
    findings.retain(|f| {
        let mut keep = true;
        for (k, r) in regions.iter().enumerate() {
            let inside = match r.next_line {
                Some(l) => f.line == l,
                None => r.start <= f.start && f.start < r.end,
            };
            if inside && r.sel.as_deref().is_none_or(|s| selects(s, f)) {
                used[k] = true;
                keep = false;
            }
        }
        keep
    });
    let mut unused: Vec<Unused> = Vec::new();
    for (k, r) in regions.iter().enumerate() {
        if used[k] {
            continue;
        }
        match unused.last_mut() {
            Some(u) if u.directive == dirs[r.dir] => {
                if let Some(s) = &r.sel {
                    u.rules.push(s.clone());
                }
            }
            _ => unused.push(Unused {
                directive: dirs[r.dir].clone(),
                rules: r.sel.iter().cloned().collect(),
            }),
        }
    }
    unused
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checker;

    fn run(text: &str, format: Format) -> (Vec<Finding>, Vec<Unused>) {
        let checker = Checker::builder().build().unwrap();
        let doc = Document::new(text);
        let mut f = checker.check_document(&doc).findings;
        let code = crate::text::markup::extract(text, format, Default::default()).code;
        let u = apply(&mut f, text, format, &doc, &code);
        (f, u)
    }

    #[test]
    fn region_ignores_one_rule_only() {
        let text = "He said thatRussia was ready. It was the the best.\n\
                    <!-- unspun-disable glue.joined-words -->\n\
                    He said thatRussia was ready. It was the the best.\n\
                    <!-- unspun-enable -->\n\
                    He said thatRussia was ready.\n";
        let (plain, _) = run(&text.replace("unspun-", "x-"), Format::Markdown);
        let (f, u) = run(text, Format::Markdown);
        let glue = |fs: &[Finding]| {
            fs.iter()
                .filter(|f| f.rule == "glue.joined-words")
                .map(|f| f.line)
                .collect::<Vec<_>>()
        };
        let rep = |fs: &[Finding]| {
            fs.iter()
                .filter(|f| f.rule == "garble.repeated-word")
                .count()
        };
        assert_eq!(glue(&plain), [1, 3, 5]);
        assert_eq!(glue(&f), [1, 5]);
        assert_eq!(rep(&f), rep(&plain));
        assert!(u.is_empty(), "{u:?}");
    }

    #[test]
    fn next_line_and_hash_comments_in_plain_text() {
        let text = "# unspun-disable-next-line\nHe said thatRussia was ready.\nHe said thatRussia was ready.\n";
        let (f, u) = run(text, Format::Plain);
        let lines: Vec<_> = f
            .iter()
            .filter(|f| f.rule == "glue.joined-words")
            .map(|f| f.line)
            .collect();
        assert_eq!(lines, [3]);
        assert!(u.is_empty());
        // The directive's own line is not checked as prose.
        for d in [
            "# unspun-disable-next-line",
            "// unspun-disable-next-line glue.joined-words, garble",
            "#unspun-disable swap",
            "# unspun-enable",
        ] {
            let t = format!("{d}\nHe said thatRussia was ready.\n");
            let (f, _) = run(&t, Format::Plain);
            let on_it: Vec<_> = f.iter().filter(|f| f.line == 1).collect();
            assert!(on_it.is_empty(), "{d}: {on_it:?}");
        }
        // In Markdown `#` is a heading, not a comment.
        let (f, _) = run(text, Format::Markdown);
        assert_eq!(
            f.iter().filter(|f| f.rule == "glue.joined-words").count(),
            2
        );
    }

    #[test]
    fn plain_text_directives_are_not_prose() {
        let text = "First line here.\n# unspun-disable-next-line glue.joined-words\nHe said thatRussia was ready.\n<!-- unspun-disable-next-line garble -->\nIt was the the best.\n";
        let m = crate::text::markup::extract(text, Format::Plain, Default::default());
        let doc = Document::with_markup(text, m.masked, &m.breaks);
        let checker = Checker::builder().build().unwrap();
        let mut f = checker.check_document(&doc).findings;
        let u = apply(&mut f, text, Format::Plain, &doc, &m.code);
        assert!(f.is_empty(), "{f:?}");
        assert!(u.is_empty(), "{u:?}");
    }

    #[test]
    fn directives_in_code_blocks_are_examples() {
        let text = "```markdown\n<!-- unspun-disable -->\n```\n\nHe said thatRussia was ready.\n";
        let (f, u) = run(text, Format::Markdown);
        assert_eq!(
            f.iter().filter(|f| f.rule == "glue.joined-words").count(),
            1
        );
        assert!(u.is_empty());
        // The same directive outside the fence applies.
        let (f, _) = run(
            &text.replace("```markdown\n", "").replacen("```\n", "", 1),
            Format::Markdown,
        );
        assert_eq!(
            f.iter().filter(|f| f.rule == "glue.joined-words").count(),
            0
        );
    }

    #[test]
    fn unused_ignores_are_reported() {
        let text = "// unspun-disable-next-line swap, glue.joined-words\nHe said thatRussia was ready.\n<!-- unspun-disable garble -->\nAll fine here.\n";
        let (_, u) = run(text, Format::Plain);
        assert_eq!(u.len(), 2, "{u:?}");
        assert_eq!(u[0].directive.line, 1);
        assert_eq!(u[0].rules, ["swap"]);
        assert_eq!(u[1].directive.line, 3);
        assert!(u[1].message().contains("unspun-disable garble"));
    }
}
