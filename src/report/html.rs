//! HTML output: highlighted documents, the standalone report (`check --format html`) and the
//! assets of the `serve` page. Everything here renders into a `String`; the binary decides
//! where it goes.
//!
//! Every piece of document text, rule id, message and suggestion is escaped. Findings are
//! highlighted by their byte offsets; overlapping findings are cut into segments so the markup
//! stays well nested, and each segment lists every finding that covers it.

use super::{verdict, verdict_text};
use crate::finding::{Category, Finding};
use crate::Report;
use std::fmt::Write as _;

/// The stylesheet shared by the report and the `serve` page.
pub const STYLE: &str = include_str!("../../assets/unspun.css");
/// The `serve` page (it loads `/unspun.css` and `/app.js` from the same server).
pub const APP_HTML: &str = include_str!("../../assets/index.html");
/// The `serve` page's script, without the data prefix that [`app_script`] adds.
const APP_JS: &str = include_str!("../../assets/app.js");

/// A human name for each category, as shown in legends and lists.
pub fn category_label(c: Category) -> &'static str {
    match c {
        Category::Swap => "synonym swap",
        Category::Foreign => "foreign leftover",
        Category::Boilerplate => "scraper debris",
        Category::Glue => "glued words",
        Category::Garble => "garbled",
    }
}

/// The verdicts of [`verdict`] as `(lowest score, verdict)`, best first, read off the function
/// itself (to a tenth of a point) so the page and the report never disagree with the CLI.
pub fn verdict_table() -> Vec<(f64, &'static str)> {
    let mut table = Vec::new();
    let mut current = verdict(100.0);
    let mut lowest = 100.0;
    for tenth in (0..1000).rev() {
        let s = f64::from(tenth) / 10.0;
        let v = verdict(s);
        if v != current {
            table.push((lowest, current));
            current = v;
        }
        lowest = s;
    }
    table.push((0.0, current));
    table
}

/// How good a score is: 0 for the best verdict, counting up; used for colours (`u-v0` …).
pub fn verdict_level(score: f64) -> usize {
    let v = verdict(score);
    verdict_table()
        .iter()
        .position(|&(_, t)| t == v)
        .unwrap_or(0)
        .min(3)
}

/// The `serve` page's script: the verdict table and the categories (in [`Category::ALL`] order,
/// with their labels) as data, then the code.
pub fn app_script() -> String {
    let verdicts: Vec<serde_json::Value> = verdict_table()
        .iter()
        .map(|(s, v)| serde_json::json!([s, v]))
        .collect();
    let categories: Vec<serde_json::Value> = Category::ALL
        .iter()
        .map(|&c| serde_json::json!([c.as_str(), category_label(c)]))
        .collect();
    let languages: serde_json::Map<String, serde_json::Value> = crate::lang::NAMES
        .iter()
        .map(|(t, n)| (t.to_string(), serde_json::json!(n)))
        .collect();
    format!(
        "\"use strict\";\nconst UNSPUN_VERDICTS = {};\nconst UNSPUN_CATEGORIES = {};\nconst UNSPUN_LANGUAGES = {};\n{APP_JS}",
        serde_json::Value::Array(verdicts),
        serde_json::Value::Array(categories),
        serde_json::Value::Object(languages)
    )
}

/// Escape text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Escape for an attribute value, keeping line breaks as `&#10;` (for `white-space: pre-line`).
fn escape_attr(s: &str) -> String {
    escape(s).replace('\n', "&#10;")
}

/// The tooltip of one finding: suggestion, message, rule.
fn tip(f: &Finding) -> String {
    let mut t = String::new();
    match f.suggestion.as_deref() {
        Some("") => t.push_str("→ remove\n"),
        Some(s) => {
            let _ = writeln!(t, "→ {s}");
        }
        None => {}
    }
    let _ = write!(t, "{}\n{} · {}", f.message, f.rule, f.severity);
    t
}

/// Clamp a finding's span to the text and to char boundaries (findings from the library are
/// always on boundaries; a report read back from JSON might not be).
fn clamp_span(source: &str, f: &Finding) -> (usize, usize) {
    let mut start = f.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = f.end.min(source.len()).max(start);
    while !source.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

/// The text with every finding highlighted: `<mark>` segments carrying the category colour of
/// the narrowest covering finding, a tooltip for all covering findings, and links to the side
/// list items (`{prefix}f{i}`). The first segment of finding `i` has the id `{prefix}m{i}` and
/// is focusable. Newlines are kept; the caller wraps the result in a `white-space: pre-wrap`
/// element.
pub fn highlight(source: &str, findings: &[Finding], prefix: &str) -> String {
    let spans: Vec<(usize, usize)> = findings.iter().map(|f| clamp_span(source, f)).collect();
    let mut cuts: Vec<usize> = vec![0, source.len()];
    for &(s, e) in &spans {
        if s < e {
            cuts.push(s);
            cuts.push(e);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    // Findings ordered by start, walked once; `active` holds those covering the segment.
    let mut order: Vec<usize> = (0..findings.len())
        .filter(|&i| spans[i].0 < spans[i].1)
        .collect();
    order.sort_by_key(|&i| (spans[i].0, std::cmp::Reverse(spans[i].1)));
    let mut next = 0;
    let mut active: Vec<usize> = Vec::new();
    let mut out = String::with_capacity(source.len() * 11 / 10 + findings.len() * 200);
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        active.retain(|&i| spans[i].1 > a);
        while next < order.len() && spans[order[next]].0 <= a {
            if spans[order[next]].1 > a {
                active.push(order[next]);
            }
            next += 1;
        }
        let text = escape(&source[a..b]);
        if active.is_empty() {
            out.push_str(&text);
            continue;
        }
        active.sort_unstable();
        let narrowest = *active
            .iter()
            .min_by_key(|&&i| (spans[i].1 - spans[i].0, i))
            .expect("not empty");
        let starts: Vec<usize> = active
            .iter()
            .copied()
            .filter(|&i| spans[i].0 == a)
            .collect();
        let ids: Vec<String> = active.iter().map(|i| i.to_string()).collect();
        let described: Vec<String> = active.iter().map(|i| format!("{prefix}f{i}")).collect();
        let tips: Vec<String> = active.iter().map(|&i| tip(&findings[i])).collect();
        let _ = write!(
            out,
            "<mark class=\"u-m u-{}{}\" data-f=\"{}\" data-tip=\"{}\" aria-describedby=\"{}\"",
            findings[narrowest].category,
            if active.len() > 1 { " u-multi" } else { "" },
            ids.join(" "),
            escape_attr(&tips.join("\n\n")),
            escape_attr(&described.join(" "))
        );
        if let Some(first) = starts.first() {
            let _ = write!(out, " id=\"{prefix}m{first}\" tabindex=\"0\"");
        }
        let _ = write!(out, ">{text}</mark>");
    }
    out
}

/// The score gauge: a half-circle arc filled to the score, coloured by verdict.
pub fn gauge(score: f64) -> String {
    let s = if score.is_finite() {
        score.clamp(0.0, 100.0)
    } else {
        0.0
    };
    format!(
        concat!(
            "<div class=\"u-gauge u-v{lvl}\" role=\"img\" aria-label=\"score {s:.1} out of 100\">",
            "<svg viewBox=\"0 0 100 58\" aria-hidden=\"true\">",
            "<path class=\"u-track\" d=\"M10,50 A40,40 0 0 1 90,50\" fill=\"none\" stroke-width=\"10\" stroke-linecap=\"round\" pathLength=\"100\"/>",
            "<path class=\"u-arc\" d=\"M10,50 A40,40 0 0 1 90,50\" fill=\"none\" stroke-width=\"10\" stroke-linecap=\"round\" pathLength=\"100\" stroke-dasharray=\"{s:.1} 100\"/>",
            "<text class=\"u-val\" x=\"50\" y=\"48\" text-anchor=\"middle\">{s:.1}</text>",
            "<text class=\"u-of\" x=\"50\" y=\"57\" text-anchor=\"middle\">/ 100</text>",
            "</svg></div>"
        ),
        lvl = verdict_level(s),
        s = s
    )
}

/// Chips with the number of findings per category.
fn counts(report: &Report) -> String {
    let mut out = String::from("<ul class=\"u-counts\" aria-label=\"findings per category\">");
    for (c, n) in report.counts() {
        let _ = write!(
            out,
            "<li class=\"u-{c}{}\">{} <b>{n}</b></li>",
            if n == 0 { " u-zero" } else { "" },
            category_label(c)
        );
    }
    out.push_str("</ul>");
    out
}

/// The side list: one item per finding, linking to its highlight.
fn finding_list(findings: &[Finding], prefix: &str) -> String {
    if findings.is_empty() {
        return "<p class=\"u-none\">No findings.</p>".to_string();
    }
    let mut out = String::from("<ol class=\"u-list\">");
    for (i, f) in findings.iter().enumerate() {
        let sugg = match f.suggestion.as_deref() {
            Some("") => " → <span class=\"u-sugg\">(remove)</span>".to_string(),
            Some(s) => format!(" → <span class=\"u-sugg\">{}</span>", escape(s)),
            None => String::new(),
        };
        let _ = write!(
            out,
            concat!(
                "<li id=\"{p}f{i}\" class=\"u-item u-{c}\"><a href=\"#{p}m{i}\">",
                "<span class=\"u-chip\">{cat}</span><span class=\"u-orig\">{text}</span>{sugg}",
                "<div class=\"u-msg\">{msg}</div>",
                "<div class=\"u-where\">line {line}:{col} · {rule} · {sev} · confidence {conf:.2}{lang}</div>",
                "</a></li>"
            ),
            p = prefix,
            i = i,
            c = f.category,
            cat = f.category,
            text = escape(&f.text),
            sugg = sugg,
            msg = escape(&f.message),
            line = f.line,
            col = f.column,
            rule = escape(&f.rule),
            sev = f.severity,
            conf = f.confidence,
            lang = f
                .language
                .as_deref()
                .map(|l| format!(" · {}", escape(l)))
                .unwrap_or_default(),
        );
    }
    out.push_str("</ol>");
    out
}

/// One document: heading, gauge, verdict, counts, highlighted text and the side list. `id` is
/// the section's HTML id and the prefix of its highlight and list ids.
pub fn document_section(report: &Report, source: &str, id: &str) -> String {
    format!(
        concat!(
            "<section class=\"u-doc\" id=\"{id}\" aria-labelledby=\"{id}-h\">",
            "<h2 id=\"{id}-h\">{path}</h2>",
            "<div class=\"u-summary u-v{lvl}\">{gauge}<div>",
            "<p class=\"u-verdict\">{verdict}</p>",
            "<p class=\"u-meta-line\">score {score:.1}/100 · {n} finding{s} in {words} words</p>",
            "{counts}</div></div>",
            "<div class=\"u-grid\"><div class=\"u-text\">{text}</div>",
            "<aside class=\"u-side\" aria-label=\"findings\"><h3>Findings</h3>{list}</aside></div>",
            "</section>\n"
        ),
        id = id,
        path = escape(&report.path),
        lvl = verdict_level(report.score),
        gauge = gauge(report.score),
        verdict = escape(&verdict_text(report)),
        score = report.score,
        n = report.findings.len(),
        s = if report.findings.len() == 1 { "" } else { "s" },
        words = report.words,
        counts = counts(report),
        text = highlight(source, &report.findings, &format!("{id}-")),
        list = finding_list(&report.findings, &format!("{id}-")),
    )
}

/// The colour legend.
fn legend() -> String {
    let mut out = String::from("<ul class=\"u-legend\" aria-label=\"colours\">");
    for c in Category::ALL {
        let _ = write!(
            out,
            "<li><span class=\"u-{c}\">{c}</span> {}</li>",
            category_label(c)
        );
    }
    out.push_str("</ul>");
    out
}

/// The standalone report: one self-contained HTML file (inline CSS, no script, no external
/// asset; a Content-Security-Policy forbids any request), an index table, then one section per
/// document, worst score first. Each pair is a report and the text it was computed on.
pub fn report_page(docs: &[(Report, String)]) -> String {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| {
        docs[a]
            .0
            .score
            .total_cmp(&docs[b].0.score)
            .then_with(|| docs[a].0.path.cmp(&docs[b].0.path))
    });
    let mut out = String::with_capacity(
        STYLE.len() + docs.iter().map(|(_, t)| t.len() * 2 + 4096).sum::<usize>(),
    );
    let _ = write!(
        out,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
            "<meta name=\"generator\" content=\"unspun {ver}\">",
            "<title>unspun report: {n} document{s}</title><style>\n{style}</style></head>\n",
            "<body><main class=\"u-wrap\"><header class=\"u-head\"><h1>unspun report</h1>",
            "<p>{n} document{s}, worst score first · unspun {ver}</p></header>\n"
        ),
        ver = env!("CARGO_PKG_VERSION"),
        n = docs.len(),
        s = if docs.len() == 1 { "" } else { "s" },
        style = STYLE,
    );
    out.push_str(&legend());
    out.push_str(concat!(
        "<table class=\"u-index\"><thead><tr><th scope=\"col\">document</th>",
        "<th scope=\"col\">score</th><th scope=\"col\" class=\"u-hide-narrow\">verdict</th>",
        "<th scope=\"col\" class=\"u-hide-narrow\">words</th><th scope=\"col\">findings</th>",
        "</tr></thead><tbody>"
    ));
    for (k, &i) in order.iter().enumerate() {
        let r = &docs[i].0;
        let _ = write!(
            out,
            concat!(
                "<tr class=\"u-v{lvl}\"><td><a href=\"#d{k}\">{path}</a></td>",
                "<td class=\"u-num u-score\">{score:.1}</td><td class=\"u-hide-narrow\">{verdict}</td>",
                "<td class=\"u-num u-hide-narrow\">{words}</td><td class=\"u-num\">{n}</td></tr>"
            ),
            lvl = verdict_level(r.score),
            k = k,
            path = escape(&r.path),
            score = r.score,
            verdict = escape(&verdict_text(r)),
            words = r.words,
            n = r.findings.len(),
        );
    }
    out.push_str("</tbody></table>\n");
    for (k, &i) in order.iter().enumerate() {
        out.push_str(&document_section(&docs[i].0, &docs[i].1, &format!("d{k}")));
    }
    out.push_str("</main></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn finding(source: &str, start: usize, end: usize, c: Category, sugg: Option<&str>) -> Finding {
        Finding {
            rule: format!("{c}.test"),
            category: c,
            severity: Severity::Warning,
            start,
            end,
            line: 1,
            column: 1,
            text: source.get(start..end).unwrap_or("").to_string(),
            suggestion: sugg.map(str::to_string),
            message: format!("<b>{c}</b> & \"quoted\""),
            confidence: 0.9,
            language: None,
        }
    }

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        let src = "x <script>alert(1)</script> y";
        let f = finding(src, 2, 10, Category::Garble, Some("\"><img src=x>"));
        let html = highlight(src, &[f], "p-");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("&quot;&gt;&lt;img src=x&gt;"));
    }

    #[test]
    fn overlapping_findings_become_nested_free_segments() {
        // "abcdef": glue 1..4, swap 2..6 overlap without nesting.
        let src = "abcdefg";
        let fs = [
            finding(src, 1, 4, Category::Glue, Some("b c d")),
            finding(src, 2, 6, Category::Swap, None),
        ];
        let html = highlight(src, &fs, "x");
        assert_eq!(html.matches("<mark").count(), 3, "{html}");
        assert_eq!(
            html.matches("<mark").count(),
            html.matches("</mark>").count()
        );
        // Text survives intact once the markup is stripped.
        let stripped = regex::Regex::new("<[^>]*>").unwrap().replace_all(&html, "");
        assert_eq!(stripped, src);
        // The middle segment is covered by both and links to both list items.
        assert!(html.contains("data-f=\"0 1\""), "{html}");
        assert!(html.contains("aria-describedby=\"xf0 xf1\""), "{html}");
        // Each finding's first segment is focusable and has the anchor id.
        assert!(
            html.contains("id=\"xm0\" tabindex=\"0\">b</mark>"),
            "{html}"
        );
        assert!(
            html.contains("id=\"xm1\" tabindex=\"0\">cd</mark>"),
            "{html}"
        );
        assert!(html.contains("class=\"u-m u-swap\" data-f=\"1\""), "{html}");
    }

    #[test]
    fn multibyte_text_and_bad_offsets_stay_on_char_boundaries() {
        let src = "Dentro 2017 — “quoted” ünïcödé";
        let q = src.find('“').unwrap();
        let fs = [
            finding(src, 0, 6, Category::Foreign, Some("In")),
            finding(src, q, q + '“'.len_utf8(), Category::Garble, None),
            // Offsets inside a char and past the end (a report edited by hand) do not panic.
            Finding {
                start: q + 1,
                end: src.len() + 40,
                ..finding(src, 0, 0, Category::Glue, None)
            },
        ];
        let html = highlight(src, &fs, "");
        let stripped = regex::Regex::new("<[^>]*>").unwrap().replace_all(&html, "");
        assert_eq!(stripped, escape(src));
        assert!(html.contains("u-foreign\" data-f=\"0\""), "{html}");
    }

    #[test]
    fn verdicts_match_the_cli() {
        let t = verdict_table();
        assert_eq!(t.first().unwrap().1, verdict(100.0));
        assert_eq!(t.last().unwrap(), &(0.0, verdict(0.0)));
        for &(s, v) in &t {
            assert_eq!(verdict(s), v);
        }
        assert_eq!(verdict_level(100.0), 0);
        assert!(verdict_level(0.0) > verdict_level(95.0));
        let js = app_script();
        assert!(js.contains("\"clean\""));
        assert!(js.contains("const UNSPUN_CATEGORIES = [[\"swap\",\"synonym swap\"]"));
    }

    #[test]
    fn report_is_self_contained_and_sorted_by_score() {
        let good = Report {
            path: "good.txt".into(),
            score: 98.0,
            words: 3,
            findings: vec![],
            truncated: None,
            language: None,
            verdict: None,
            translated_from: None,
        };
        let src = "He said thatRussia was ready.";
        let bad = Report {
            path: "<bad>.txt".into(),
            score: 12.5,
            words: 5,
            findings: vec![finding(src, 8, 18, Category::Glue, Some("that Russia"))],
            truncated: None,
            language: None,
            verdict: None,
            translated_from: None,
        };
        let page = report_page(&[(good, "All fine.".into()), (bad, src.into())]);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.find("&lt;bad&gt;.txt").unwrap() < page.find("good.txt").unwrap());
        assert!(!page.contains("<script"));
        assert!(!page.contains("<link"));
        assert!(!page.contains("src=\"http"));
        assert!(page.contains("default-src 'none'"));
        assert!(page.contains("thatRussia</mark>"));
        assert!(page.contains("that Russia"));
        assert!(page.contains(verdict(12.5)));
        // Asset text never closes the style element early.
        assert!(!STYLE.contains("</"));
    }
}
