//! How long the hostile inputs of the reliability table take: `cargo bench --bench hostile`.
//!
//! The tests check each input (`tests/library/hostile_inputs.rs`: no crash, the report's
//! invariants); this times them, single-threaded, at the tests' size and at twice that size,
//! and prints the ratio: near 2 is linear, near 4 quadratic. Not a test: figures only.

#[path = "../tests/support/hostile.rs"]
mod hostile;

use std::time::{Duration, Instant};
use unspun::text::markup::{self, Format, MarkupOptions};
use unspun::{Checker, Document};

/// Markup extraction, the document model and every detector, as the library checks a text.
fn time_check(checker: &Checker, text: &str, format: Format) -> Duration {
    let start = Instant::now();
    let m = markup::extract(text, format, MarkupOptions::default());
    let doc = Document::with_markup(text, m.masked, &m.breaks);
    let report = checker.check_document(&doc);
    std::hint::black_box(report);
    start.elapsed()
}

fn row(checker: &Checker, name: &str, make: &dyn Fn(usize) -> (String, Format)) {
    let (one, format) = make(1);
    let (b1, t1) = (one.len(), time_check(checker, &one, format));
    drop(one);
    let (two, format) = make(2);
    let (b2, t2) = (two.len(), time_check(checker, &two, format));
    let growth = (t2.as_secs_f64() / t1.as_secs_f64().max(1e-6)) / (b2 as f64 / b1 as f64);
    println!(
        "| {name} | {:.2} | {:.3} | {:.2} | {:.3} | {growth:.2} |",
        b1 as f64 / 1e6,
        t1.as_secs_f64(),
        b2 as f64 / 1e6,
        t2.as_secs_f64(),
    );
}

fn main() {
    let checker = Checker::builder().build().expect("the built-in rules load");
    println!("| input | MB | s | MB (2x) | s (2x) | time growth / size growth |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (i, (name, _, _)) in hostile::long_words(1).into_iter().enumerate() {
        row(&checker, name, &|k| {
            let (_, t, f) = hostile::long_words(k).swap_remove(i);
            (t, f)
        });
    }
    row(&checker, "4 MB on one line", &|k| {
        (hostile::long_line(k), Format::Plain)
    });
    for (i, (name, _)) in hostile::nested_html(1).into_iter().enumerate() {
        row(&checker, name, &|k| {
            (hostile::nested_html(k).swap_remove(i).1, Format::Html)
        });
    }
    for (i, (name, _)) in hostile::hostile_markdown(1).into_iter().enumerate() {
        row(&checker, &format!("Markdown: {name}"), &|k| {
            (
                hostile::hostile_markdown(k).swap_remove(i).1,
                Format::Markdown,
            )
        });
    }
    let redos = hostile::redos_checker();
    row(&redos, "patterns that backtrack elsewhere", &|k| {
        (hostile::redos_text(k), Format::Plain)
    });
    // A time budget: how soon a check given 50 ms stops.
    let slow =
        "the cyber assailants said that the considerable escalation was ready. ".repeat(20_000);
    let budgeted = Checker::builder()
        .time_budget(Duration::from_millis(50))
        .build()
        .expect("the built-in rules load");
    let start = Instant::now();
    let r = budgeted.check(&slow);
    println!(
        "\na check with a 50 ms budget on {:.1} MB stopped after {:.3} s (truncated: {:?})",
        slow.len() as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        r.truncated
    );
}
