//! A lost closing quotation mark (common in scraped text) must not mute `ngram.swap` for the
//! rest of a one-line article, while words inside a real quotation stay unjudged.

use unspun::Checker;

/// Written for this test: a council report spun by hand with WordNet synonyms, on one line.
const SPUN: &str = "The city council met on Tuesday to deliberate the fresh budget, which has \
    been the topic of heated argument for months. Members said the design would elevate taxes \
    for most households and trim spending on schools, roads and parks. The city manager told \
    reporters that the council had no alternative but to equilibrate the books before the \
    ending of the fiscal year, because the state had reduced its backing by almost a fifth. \
    Critics said the strategy would injure the poorest families first and demanded a public \
    listening before any ballot was taken. The mayor said she would gather with parents and \
    teachers next week and hoped to achieve a via media that both sides could accept. She said \
    the city could not go on borrowing money to wage for everyday costs. The council is \
    expected to vote on the final design at the end of the month, after a second round of \
    public hearings in each territory of the city.";

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
        "{SPUN} The treasurer added that the city cannot desert its parks."
    ));
    assert!(plain.contains(&"desert".to_string()), "{plain:?}");
    let quoted = swaps(&format!(
        "{SPUN} The treasurer added: \u{201c}the city cannot desert its parks.\u{201d}"
    ));
    assert!(!quoted.contains(&"desert".to_string()), "{quoted:?}");
    assert!(quoted.len() >= 3, "the rest is still judged: {quoted:?}");
}
