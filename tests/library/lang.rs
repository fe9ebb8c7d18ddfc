//! The language stage: the document's language, foreign passages, leftovers judged by the
//! document's evidence, and the translation verdict. Every text here was written for these
//! tests (the benchmark on real text in other languages is `benches/lang.sh`).

use unspun::batch::{FindingsMode, Record};
use unspun::{Checker, Report, NOT_ENGLISH};

/// Short original paragraphs, one per language.
const PT: &str = "O governo anunciou ontem que vai aumentar os impostos sobre os combustíveis a \
                  partir do próximo mês. Os sindicatos disseram que não aceitam a medida e \
                  prometem uma greve geral se o ministro não recuar até sexta-feira.";
const ES: &str = "El ayuntamiento aprobó ayer un plan para construir tres nuevas escuelas en el \
                  barrio norte. Según la alcaldesa, las obras empezarán en primavera y \
                  estarán terminadas antes de que comience el próximo curso.";
const FR: &str = "La mairie a présenté hier un projet de piste cyclable le long du fleuve. Les \
                  habitants du quartier craignent que les travaux bloquent la circulation \
                  pendant tout l'été, mais le maire assure que ce ne sera pas le cas.";
const DE: &str = "Die Stadt will im nächsten Jahr drei neue Brücken über den Fluss bauen. Der \
                  Bürgermeister sagte, dass die Kosten höher sind als erwartet, aber die \
                  Bürger sollen nicht mehr für den Nahverkehr bezahlen.";
const IT: &str = "Il comune ha deciso di chiudere il centro storico alle automobili durante i \
                  fine settimana. Secondo il sindaco, la misura servirà a ridurre il traffico \
                  e a rendere le strade più sicure per chi va a piedi.";
const NL: &str = "De gemeente wil volgend jaar een nieuwe brug over de rivier bouwen. Volgens \
                  de wethouder zijn de kosten hoger dan verwacht, maar de bewoners hoeven \
                  niet meer te betalen voor het openbaar vervoer in de stad.";
const EN: &[&str] = &[
    "The council met on Tuesday to discuss the budget for next year. Several members said \
     the plan to repair the old bridge was too expensive, and the vote was delayed.",
    "Residents of the northern district have complained about the noise from the new \
     warehouse, which runs its trucks through the night. The company said it would look \
     into the matter.",
    "After a long dry summer, the farmers in the valley are hoping for an early rain. Many \
     of them have already sold part of their herds because they cannot buy enough feed.",
];

fn checker() -> Checker {
    Checker::builder().build().unwrap()
}

fn english_doc() -> String {
    EN.join("\n\n")
}

#[test]
fn each_language_is_its_own_main_language() {
    let c = checker();
    for (want, text) in [
        ("pt", PT),
        ("es", ES),
        ("fr", FR),
        ("de", DE),
        ("it", IT),
        ("nl", NL),
    ] {
        let r = c.check(text);
        let l = r.language.as_ref().expect("every report has a language");
        assert_eq!(l.main, want, "{text}");
        assert!(l.confidence > 0.9, "{want}: {l:?}");
        assert_eq!(r.verdict.as_deref(), Some(NOT_ENGLISH), "{want}");
        assert!(!r.is_english());
        // The English detectors did not run: no finding, no translation verdict.
        assert!(r.findings.is_empty(), "{want}: {:?}", r.findings);
        assert!(r.translated_from.is_none());
    }
    let r = c.check(&english_doc());
    let l = r.language.as_ref().unwrap();
    assert_eq!(l.main, "en");
    assert!(l.others.is_empty(), "{l:?}");
    assert!(r.is_english());
    // An English verdict, from the score (whatever the English detectors found).
    assert_eq!(r.verdict.as_deref(), Some(unspun::report::verdict(r.score)));
}

#[test]
fn scripts_tell_the_languages_without_spaces() {
    let c = checker();
    let r = c.check(
        "東京都は来年から新しい交通計画を始めると発表しました。多くの住民が賛成しています。",
    );
    assert_eq!(r.language.unwrap().main, "ja");
    let r = c.check("서울시는 내년부터 새로운 교통 계획을 시작한다고 발표했습니다. 많은 시민들이 찬성하고 있습니다.");
    assert_eq!(r.language.unwrap().main, "ko");
    let r = c.check(
        "Правительство объявило вчера, что налоги на топливо вырастут со следующего месяца, \
         и профсоюзы уже пообещали провести забастовку.",
    );
    assert_eq!(r.language.unwrap().main, "ru");
}

#[test]
fn a_foreign_document_is_never_flagged_as_spun() {
    let c = checker();
    // A German text full of words that the English rules would flag one by one.
    let r = c.check(DE);
    let rec = Record::scored(None, None, &r, FindingsMode::All, Some(99.9));
    assert_eq!(rec.flagged, Some(false));
    let json = rec.to_json();
    assert!(json.contains(r#""verdict":"not English""#), "{json}");
    assert!(json.contains(r#""language":{"main":"de""#), "{json}");
    // The human summary says so.
    let mut r = r;
    r.path = "de.txt".into();
    let line = unspun::report::summary_line(&r, 0);
    assert!(
        line.starts_with("de.txt: not English (German, confidence"),
        "{line}"
    );
}

#[test]
fn a_foreign_paragraph_is_one_passage_and_the_rest_scores_as_before() {
    let c = checker();
    let plain = english_doc();
    for (lang, para) in [("pt", PT), ("fr", FR), ("de", DE), ("es", ES), ("it", IT)] {
        let mixed = format!("{}\n\n{para}\n\n{}", EN[0], EN[1..].join("\n\n"));
        let r = c.check(&mixed);
        assert_eq!(r.language.as_ref().unwrap().main, "en");
        let share = r.language.as_ref().unwrap().others.get(lang).copied();
        assert!(
            share.is_some_and(|s| s > 0.2 && s < 0.6),
            "{lang}: {share:?}"
        );
        let passages: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule == "foreign.passage")
            .collect();
        assert_eq!(passages.len(), 1, "{lang}: {:?}", r.findings);
        let p = passages[0];
        assert_eq!(p.language.as_deref(), Some(lang));
        assert_eq!(&mixed[p.start..p.end], para.trim_end_matches('.'));
        // Nothing else: no finding per word inside it, and outside it the findings of the
        // English text alone, at their places.
        let shift = para.len() + 2;
        let outside: Vec<(&str, usize)> = r
            .findings
            .iter()
            .filter(|f| f.rule != "foreign.passage")
            .map(|f| {
                assert!(f.end <= p.start || f.start >= p.end, "{lang}: {f:?}");
                let at = if f.start > p.start {
                    f.start - shift
                } else {
                    f.start
                };
                (f.rule.as_str(), at)
            })
            .collect();
        let alone = c.check(&plain);
        let before: Vec<(&str, usize)> = alone
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.start))
            .collect();
        assert_eq!(outside, before, "{lang}");
        // The English words are counted as before; the passage's are not.
        assert_eq!(r.words, alone.words, "{lang}");
    }
}

#[test]
fn names_and_acronyms_are_not_leftovers() {
    let c = checker();
    for text in [
        "She studied at MIT before she joined the lab in Boston.",
        "The essay was edited by Antoine du Hamel in 1998.",
        "There are three TODOs left in the code before the release.",
        "We had dinner at Casa Dentro, a small place near the station.",
    ] {
        let r = c.check(text);
        let foreign: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.category == unspun::Category::Foreign)
            .map(|f| f.text.clone())
            .collect();
        assert!(foreign.is_empty(), "{text}: {foreign:?}");
    }
    // A foreign-only word written like no name is still a leftover on its own ...
    let r = c.check("Dentro 2017, the agency said it had found no evidence of fraud.");
    assert!(r.findings.iter().any(|f| f.rule == "foreign.pt"), "{r:?}");
    let r = c.check("The plan, segundo the minister, would cut the deficit.");
    assert!(r.findings.iter().any(|f| f.rule == "foreign.pt"), "{r:?}");
    // ... and a capitalised one is a leftover when its language is supported elsewhere.
    let r = c.check(
        "The committee, in his words, was Dentro the rules. Fonte do artigo: the agency site.",
    );
    let texts: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.language.as_deref() == Some("pt"))
        .map(|f| f.text.as_str())
        .collect();
    assert!(texts.contains(&"Dentro"), "{texts:?}");
}

#[test]
fn seed_004_reads_as_translated_from_portuguese_and_seed_000_does_not() {
    let c = checker();
    let text = std::fs::read_to_string("seeds/004_10f339da52fe37a9.txt").unwrap();
    let mut r = c.check(&text);
    let t = r
        .translated_from
        .clone()
        .expect("seed 004 is a translation");
    assert_eq!(t.language, "pt");
    assert!(t.confidence > 0.5);
    assert!(t.evidence.len() >= 2);
    for &i in &t.evidence {
        assert_eq!(r.findings[i].language.as_deref(), Some("pt"));
    }
    r.path = "004.txt".into();
    let line = unspun::report::summary_line(&r, r.findings.len());
    assert!(
        line.contains("reads like a machine translation from Portuguese"),
        "{line}"
    );
    let text = std::fs::read_to_string("seeds/000_76536d54b82e6b70.txt").unwrap();
    let r = c.check(&text);
    assert!(r.translated_from.is_none(), "{:?}", r.translated_from);
    assert_eq!(r.language.unwrap().main, "en");
}

#[test]
fn one_leftover_is_no_translation() {
    let c = checker();
    let r = c.check("The plan, segundo the minister, would cut the deficit by half next year.");
    assert!(r.findings.iter().any(|f| f.rule == "foreign.pt"));
    assert!(r.translated_from.is_none());
}

#[test]
fn reports_without_the_new_fields_still_parse() {
    // Reports written before the language stage (no "language", "verdict") still load.
    let old = r#"{"path":"a.txt","score":90.0,"words":3,"findings":[]}"#;
    let r: Report = serde_json::from_str(old).unwrap();
    assert!(r.language.is_none() && r.is_english());
}

#[test]
fn a_passage_under_a_heading_that_names_its_language_is_a_translation_set_off() {
    // A README with a section per language (written for this test).
    let c = Checker::builder().build().unwrap();
    let intro =
        "# fastjson\n\nA fast JSON parser for Rust with zero-copy deserialization. Add the \
                 crate to your Cargo.toml and enable the features you need; the parser works on \
                 stable Rust and has no unsafe code outside the SIMD module.\n\nThe parser reads \
                 a whole document into memory, checks that it is valid UTF-8 and then walks \
                 it once, so the time it takes grows with the size of the input and nothing \
                 else. Errors name the line and the column where the input went wrong.\n\n";
    let passage = |r: &Report| -> Vec<(String, unspun::Severity)> {
        r.findings
            .iter()
            .filter(|f| f.rule == "foreign.passage")
            .map(|f| (f.language.clone().unwrap_or_default(), f.severity))
            .collect()
    };
    let md = |heading: &str| {
        let text = format!("{intro}## {heading}\n\n{ES}\n\n## License\n\nMIT.\n");
        let eff = unspun::config::Effective::default();
        eff.check(&c, &text, unspun::text::markup::Format::Markdown)
            .report
    };
    for heading in ["Español", "In Spanish", "ESPAÑOL 🇪🇸"] {
        assert_eq!(
            passage(&md(heading)),
            [("es".to_string(), unspun::Severity::Info)],
            "{heading}"
        );
    }
    // Under a heading that does not name it, names another language, or names a country
    // ("Spain" is not Spanish): a warning.
    for heading in ["Usage", "Deutsch", "Our trip to Spain"] {
        assert_eq!(
            passage(&md(heading)),
            [("es".to_string(), unspun::Severity::Warning)],
            "{heading}"
        );
    }
    // HTML: the element says its language.
    let html = format!(
        "<html lang=\"en\"><body><p>{}</p>\n<div lang=\"es-MX\"><p>{ES}</p></div></body></html>",
        &intro[12..]
    );
    let r = unspun::config::Effective::default()
        .check(&c, &html, unspun::text::markup::Format::Html)
        .report;
    assert_eq!(passage(&r), [("es".to_string(), unspun::Severity::Info)]);
    // Prose that mentions `lang="es"` after a stray `<`, and a Markdown quotation mark before
    // the passage, are no tag.
    let quoted =
        format!("{intro}Keep the depth < 3 and write lang=\"es\" in the config file.\n\n> {ES}\n");
    let r = unspun::config::Effective::default()
        .check(&c, &quoted, unspun::text::markup::Format::Markdown)
        .report;
    assert_eq!(passage(&r), [("es".to_string(), unspun::Severity::Warning)]);
}
