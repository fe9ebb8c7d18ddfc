//! A lost closing quotation mark (common in scraped text) must not mute `ngram.swap` for the
//! rest of a one-line article, while words inside a real quotation stay unjudged.

use unspun::Checker;

// The hand-spun council report of the document-first tests.
use super::document_first::SPUN;

fn swaps(text: &str) -> Vec<String> {
    let checker = Checker::builder().embedded_packs(false).build().unwrap();
    checker
        .check(text)
        .findings
        .into_iter()
        .filter(|f| f.rule == "ngram.swap")
        .map(|f| f.text)
        .collect()
}

#[test]
fn an_unclosed_quote_does_not_mute_the_rest_of_the_line() {
    let plain = swaps(SPUN);
    assert!(plain.len() >= 3, "{plain:?}");
    let lost = swaps(&format!("Officials said \u{201c}it is fine. {SPUN}"));
    assert!(
        lost.len() >= plain.len() - 1,
        "with a lost closing quote: {lost:?}, without: {plain:?}"
    );
}

#[test]
fn words_inside_a_closed_quotation_are_not_judged() {
    let plain = swaps(&format!(
        "{SPUN} The treasurer added that the city must not desert its parks."
    ));
    assert!(plain.contains(&"desert".to_string()), "{plain:?}");
    let quoted = swaps(&format!(
        "{SPUN} The treasurer added: \u{201c}the city must not desert its parks.\u{201d}"
    ));
    assert!(!quoted.contains(&"desert".to_string()), "{quoted:?}");
    assert!(quoted.len() >= 3, "the rest is still judged: {quoted:?}");
}
