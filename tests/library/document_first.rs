//! `ngram.swap` judges the document first (issue 15): a lone suspicion in a short, otherwise
//! clean text is not a finding; the same word in a plainly spun
//! document is reported; and a document scored clean carries no statistical warning.

use unspun::{Checker, Severity};

/// Written for these tests: a council report spun by hand with WordNet synonyms.
pub(crate) const SPUN: &str =
    "The city council met on Tuesday to deliberate the fresh budget, which has been the topic \
    of heated argumentation for months. Members said the design would elevate taxes for most \
    households and trim outlay on schools, roads and parks. The city manager told newsmen that \
    the council had no alternative but to equilibrate the books before the ending of the fiscal \
    year, because the state had reduced its backing by almost a fifth. Critics said the \
    strategy would injure the poorest families first and demanded a public listening before \
    any ballot was taken. The mayor said she would gather with parents and instructors next \
    week and hoped to achieve a via media that both sides could accept. She said the city \
    could not go on borrowing money to wage for everyday costs. The council is expected to \
    vote on the concluding design at the ending of the month, after a second round of public \
    hearings in each territory of the city.";

const LONE: &str = "The report made the assertion in no unpredictable terms.";

fn statistical() -> Checker {
    Checker::builder().embedded_packs(false).build().unwrap()
}

fn swaps(r: &unspun::Report) -> Vec<(&str, Severity)> {
    r.findings
        .iter()
        .filter(|f| f.rule == "ngram.swap")
        .map(|f| (f.text.as_str(), f.severity))
        .collect()
}

/// The words `ngram.swap` reported.
fn swap_words(r: &unspun::Report) -> Vec<String> {
    swaps(r).into_iter().map(|(w, _)| w.to_string()).collect()
}

#[test]
fn a_lone_suspicion_is_not_reported() {
    let r = statistical().check(LONE);
    assert!(swaps(&r).is_empty(), "{:?}", swaps(&r));
    assert!(r.score >= unspun::score::CLEAN, "score {}", r.score);
}

#[test]
fn the_same_word_in_a_spun_document_is_reported() {
    let text = format!("{SPUN} {LONE}");
    let r = statistical().check(&text);
    let found = swaps(&r);
    assert!(
        found.contains(&("unpredictable", Severity::Warning)),
        "{found:?}"
    );
    assert!(found.len() >= 4, "{found:?}");
    assert!(r.score < 60.0, "score {}", r.score);
}

#[test]
fn a_document_scored_clean_has_no_statistical_warning() {
    let checker = Checker::builder().build().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<String> = vec![SPUN.to_string(), LONE.to_string()];
    for sub in [
        "seeds",
        "tests/fixtures/txt",
        "tests/fixtures/md",
        "README.md",
    ] {
        let p = dir.join(sub);
        let files: Vec<_> = if p.is_dir() {
            std::fs::read_dir(&p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect()
        } else {
            vec![p]
        };
        for f in files {
            if let Ok(t) = std::fs::read_to_string(&f) {
                texts.push(t);
            }
        }
    }
    // Long documents with one spun paragraph: the paragraph's words may be found, but a
    // document whose score still reads clean shows them as hints only.
    let clean_para = "The committee published its annual report on Friday. It describes the work \
        of the year, the money that was spent and the plans for the next one. ";
    texts.push(format!(
        "{}\n\n{SPUN}\n\n{}",
        clean_para.repeat(40),
        clean_para.repeat(40)
    ));
    assert!(texts.len() > 5);
    for t in &texts {
        let r = checker.check(t);
        if r.score >= unspun::score::CLEAN {
            let warned: Vec<_> = r
                .findings
                .iter()
                .filter(|f| f.rule.starts_with(unspun::STATISTICAL_PREFIX))
                .filter(|f| f.severity >= Severity::Warning)
                .map(|f| f.text.clone())
                .collect();
            assert!(warned.is_empty(), "score {} with {warned:?}", r.score);
        }
    }
}

/// Written for this test: the council report spun more lightly (about one content word in
/// twelve), and its original.
const LIGHTLY_SPUN: &str =
    "The city council met on Tuesday to deliberate the fresh budget, which has been the topic \
    of heated argument for months. Members said the design would elevate taxes for most \
    households and trim spending on schools, roads and parks. The city manager told reporters \
    that the council had no alternative but to equilibrate the books before the ending of the \
    fiscal year, because the state had reduced its backing by almost a fifth. Critics said the \
    strategy would injure the poorest families first and demanded a public listening before \
    any ballot was taken. The mayor said she would gather with parents and teachers next week \
    and hoped to achieve a via media that both sides could accept. She said the city could not \
    go on borrowing money to wage for everyday costs. The council is expected to vote on the \
    final design at the end of the month, after a second round of public hearings in each \
    territory of the city.";
const ORIGINAL: &str =
    "The city council met on Tuesday to discuss the new budget, which has been the subject of \
    heated debate for months. Members said the plan would raise taxes for most households and \
    cut spending on schools, roads and parks. The city manager told reporters that the council \
    had no choice but to balance the books before the end of the fiscal year, because the state \
    had reduced its funding by almost a fifth. Critics said the plan would hurt the poorest \
    families first and demanded a public hearing before any vote was taken. The mayor said she \
    would meet with parents and teachers next week and hoped to reach a compromise that both \
    sides could accept. She said the city could not go on borrowing money to pay for everyday \
    costs. The council is expected to vote on the final plan at the end of the month, after a \
    second round of public hearings in each district of the city.";
/// What a machine rewrite leaves behind: untranslated leftovers and glued words.
const ARTIFACTS: &str = " Dentro the meeting, officials said thatRussia had no part in \
    animpenetrable deal. Fonte do artigo: city hall.";

#[test]
fn artifacts_of_a_rewrite_lower_the_bar_for_swap_evidence_already_there() {
    let checker = Checker::builder().build().unwrap();
    let found = |t: &str| swap_words(&checker.check(t));
    let alone = found(LIGHTLY_SPUN);
    let with = found(&format!("{LIGHTLY_SPUN}{ARTIFACTS}"));
    assert!(
        with.len() >= 3 && with.len() > alone.len(),
        "alone: {alone:?}, with artifacts: {with:?}"
    );
    for w in ["elevate", "via media", "wage"] {
        assert!(with.iter().any(|x| x == w), "{w} not in {with:?}");
    }
    // Artifacts are no swap evidence of their own: the original with them has no swap.
    let r = checker.check(&format!("{ORIGINAL}{ARTIFACTS}"));
    assert!(r.findings.iter().any(|f| f.rule == "glue.joined-words"));
    assert!(swaps(&r).is_empty(), "{:?}", swaps(&r));
}

#[test]
fn artifacts_the_writer_ignored_inline_are_no_evidence() {
    use unspun::config::Effective;
    use unspun::text::markup::Format;
    let checker = Checker::builder().build().unwrap();
    let found = |t: &str| {
        swap_words(
            &Effective::default()
                .check(&checker, t, Format::Markdown)
                .report,
        )
    };
    let alone = found(LIGHTLY_SPUN);
    let with = found(&format!("{LIGHTLY_SPUN}{ARTIFACTS}"));
    assert!(with.len() > alone.len(), "{alone:?} / {with:?}");
    // The same artifacts, ignored inline: the glued words and leftovers are the writer's
    // choice, so they lower no bar.
    let ignored = found(&format!(
        "{LIGHTLY_SPUN}\n\n<!-- unspun-disable glue, foreign -->\n{ARTIFACTS}\n<!-- unspun-enable -->\n"
    ));
    assert_eq!(ignored, alone);
}
