//! `unspun compare`: hand-made source/copy pairs whose changes are known.

use serde_json::Value;
use std::process::Command;
use unspun::compare::{compare, compare_with, Change, ChangeClass, ChangeKind};
use unspun::Checker;

const SOURCE: &str = "The committee met on Tuesday to discuss the budget.\n\
It approved 12 new projects for the city of Lyon.\n\n\
A second paragraph explains the uncertain terms of the warning lights.\n";

/// The summary of a change: kind, class, copy text, source text.
fn brief(c: &Change) -> (ChangeKind, ChangeClass, &str, &str) {
    (
        c.kind,
        c.class,
        c.copy_text.as_str(),
        c.source_text.as_str(),
    )
}

/// Every offset slices exactly the text it reports.
fn check_offsets(source: &str, copy: &str, changes: &[Change]) {
    for c in changes {
        assert_eq!(&source[c.source_start..c.source_end], c.source_text);
        assert_eq!(&copy[c.copy_start..c.copy_end], c.copy_text);
    }
}

#[test]
fn identical_up_to_whitespace_and_punctuation_is_unchanged() {
    let copy = "The committee   met on Tuesday to discuss the budget!\n\
It approved 12 new projects, for the city of Lyon\n\
A second paragraph explains the uncertain terms of the warning lights";
    let r = compare(SOURCE, copy);
    assert!(r.changes.is_empty(), "{:?}", r.changes);
    assert_eq!(r.score, 100.0);
    assert_eq!(r.kept_content_words, r.source_content_words);
}

#[test]
fn thesaurus_swaps_are_swaps_one_per_word() {
    let copy = SOURCE
        .replace("uncertain", "unpredictable")
        .replace("warning", "caution");
    let r = compare(SOURCE, &copy);
    check_offsets(SOURCE, &copy, &r.changes);
    let got: Vec<_> = r.changes.iter().map(brief).collect();
    assert_eq!(
        got,
        [
            (
                ChangeKind::Substitution,
                ChangeClass::Swap,
                "unpredictable",
                "uncertain"
            ),
            (
                ChangeKind::Substitution,
                ChangeClass::Swap,
                "caution",
                "warning"
            ),
        ]
    );
    assert!(r.score < 100.0);
}

#[test]
fn neighbouring_swaps_split_into_one_change_each() {
    let src = "We need uncertain warning signs here.";
    let copy = "We need unpredictable caution signs here.";
    let r = compare(src, copy);
    assert_eq!(r.changes.len(), 2);
    assert_eq!(r.changes[0].copy_text, "unpredictable");
    assert_eq!(r.changes[1].copy_text, "caution");
}

#[test]
fn changed_number_and_name_are_facts() {
    let copy = SOURCE.replace("12", "15").replace("Lyon", "Paris");
    let r = compare(SOURCE, &copy);
    check_offsets(SOURCE, &copy, &r.changes);
    let got: Vec<_> = r.changes.iter().map(brief).collect();
    assert_eq!(
        got,
        [
            (ChangeKind::Substitution, ChangeClass::Fact, "15", "12"),
            (ChangeKind::Substitution, ChangeClass::Fact, "Paris", "Lyon"),
        ]
    );
    // Two lost content words out of the source's plus one extra word per fact.
    let n = r.source_content_words as f64;
    let want = ((1000.0 * (n - 2.0) / (n + 2.0)).round()) / 10.0;
    assert_eq!(r.score, want);
}

#[test]
fn misspellings_are_typos_not_swaps_or_facts() {
    let source = "The government of Lyon met on Tuesday to discuss the budget from Paris.\n";
    let copy = source
        .replace("government", "governmemt") // a letter changed: not a dictionary word
        .replace("Tuesday", "Teusday") // two letters swapped, in a name
        .replace("from", "form") // two letters swapped: both are words
        .replace("discuss", "Discuss"); // only the case
    let r = compare(source, &copy);
    check_offsets(source, &copy, &r.changes);
    let got: Vec<_> = r.changes.iter().map(brief).collect();
    assert_eq!(
        got,
        [
            (
                ChangeKind::Substitution,
                ChangeClass::Typo,
                "governmemt",
                "government"
            ),
            (
                ChangeKind::Substitution,
                ChangeClass::Typo,
                "Teusday",
                "Tuesday"
            ),
            (
                ChangeKind::Substitution,
                ChangeClass::Typo,
                "Discuss",
                "discuss"
            ),
            (ChangeKind::Substitution, ChangeClass::Typo, "form", "from"),
        ]
    );
    // A name one letter off may be another name; a word for another word is no typo.
    let copy = source.replace("Lyon", "Lyot").replace("budget", "budgie");
    let r = compare(source, &copy);
    let got: Vec<_> = r.changes.iter().map(brief).collect();
    assert_eq!(
        got,
        [
            (ChangeKind::Substitution, ChangeClass::Fact, "Lyot", "Lyon"),
            (
                ChangeKind::Substitution,
                ChangeClass::Other,
                "budgie",
                "budget"
            ),
        ]
    );
}

#[test]
fn glued_and_split_words_are_glue() {
    let copy = SOURCE.replace("the budget", "thebudget");
    let r = compare(SOURCE, &copy);
    check_offsets(SOURCE, &copy, &r.changes);
    assert_eq!(r.changes.len(), 1);
    assert_eq!(
        brief(&r.changes[0]),
        (
            ChangeKind::Substitution,
            ChangeClass::Glue,
            "thebudget",
            "the budget"
        )
    );
    let r = compare("They met on Tuesday.", "They met on Tues day.");
    assert_eq!(r.changes[0].class, ChangeClass::Glue);
}

#[test]
fn inserted_boilerplate_line_is_boilerplate() {
    let copy = format!("{SOURCE}\nShare this article with your friends\n");
    let r = compare(SOURCE, &copy);
    check_offsets(SOURCE, &copy, &r.changes);
    assert_eq!(r.changes.len(), 1);
    let c = &r.changes[0];
    assert_eq!(c.kind, ChangeKind::Insertion);
    assert_eq!(c.class, ChangeClass::Boilerplate);
    assert_eq!(c.copy_text, "Share this article with your friends");
    assert_eq!(c.source_start, c.source_end);
    // Boilerplate costs a tenth of a word per word, nothing is lost.
    assert!(r.score > 95.0 && r.score < 100.0, "{}", r.score);
}

#[test]
fn reordered_paragraphs_cost_nothing() {
    let copy = "A second paragraph explains the uncertain terms of the warning lights.\n\n\
The committee met on Tuesday to discuss the budget. It approved 12 new projects for \
the city of Lyon.\n";
    let r = compare(SOURCE, copy);
    assert!(r.changes.is_empty(), "{:?}", r.changes);
    assert_eq!(r.score, 100.0);

    // A swap inside a moved paragraph is still found at its place in both texts.
    let copy = copy.replace("warning", "caution");
    let r = compare(SOURCE, &copy);
    check_offsets(SOURCE, &copy, &r.changes);
    assert_eq!(r.changes.len(), 1);
    assert_eq!(r.changes[0].source_text, "warning");
    assert_eq!(r.changes[0].source_start, SOURCE.find("warning").unwrap());
    assert_eq!(r.changes[0].copy_start, copy.find("caution").unwrap());
}

#[test]
fn deletion_and_other_insertion() {
    let src = "The plan was simple and the plan worked well.";
    let copy = "The plan was simple and the plan worked very well indeed.";
    let r = compare(src, copy);
    check_offsets(src, copy, &r.changes);
    let kinds: Vec<_> = r
        .changes
        .iter()
        .map(|c| (c.kind, c.copy_text.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ChangeKind::Insertion, "very"),
            (ChangeKind::Insertion, "indeed")
        ]
    );
    let r = compare(copy, src);
    assert!(r.changes.iter().all(|c| c.kind == ChangeKind::Deletion));
    assert_eq!(r.changes.len(), 2);
    assert_eq!(r.changes[1].source_text, "indeed");
    // "very" is a stopword, "indeed" a lost content word.
    assert!(r.score < 100.0);
}

#[test]
fn foreign_leftover_is_foreign_with_a_checker() {
    let checker = Checker::builder().build().unwrap();
    let src = "In 2017 the council met in the town hall.";
    let copy = "Dentro 2017 the council met in the town hall.";
    let r = compare_with(src, copy, Some(&checker));
    assert_eq!(r.changes.len(), 1);
    assert_eq!(r.changes[0].class, ChangeClass::Foreign);
    assert_eq!(r.changes[0].copy_text, "Dentro");
}

#[test]
fn offsets_are_bytes_with_non_ascii_text() {
    let src = "Café owners — and résumé writers — face uncertain times.";
    let copy = "Café owners — and résumé writers — face unpredictable times.";
    let r = compare(src, copy);
    check_offsets(src, copy, &r.changes);
    assert_eq!(r.changes[0].copy_start, copy.find("unpredictable").unwrap());
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_unspun"))
}

#[test]
fn cli_json_contract_and_errors() {
    let dir = std::env::temp_dir().join(format!("unspun-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let s = dir.join("source.txt");
    let c = dir.join("copy.txt");
    std::fs::write(&s, SOURCE).unwrap();
    std::fs::write(&c, SOURCE.replace("warning", "caution")).unwrap();
    let out = bin()
        .args(["compare", "--format", "json"])
        .arg(&s)
        .arg(&c)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["score"].as_f64().unwrap() < 100.0);
    let ch = &v["changes"][0];
    assert_eq!(ch["kind"], "substitution");
    assert_eq!(ch["class"], "swap");
    assert_eq!(ch["source_text"], "warning");
    assert_eq!(ch["copy_text"], "caution");
    for k in ["source_start", "source_end", "copy_start", "copy_end"] {
        assert!(ch[k].is_u64(), "{k}");
    }

    let out = bin().args(["compare"]).arg(&s).arg(&c).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[caution -> warning]"), "{text}");
    assert!(text.contains("faithfulness"), "{text}");

    let missing = dir.join("nope.txt");
    let out = bin()
        .args(["compare"])
        .arg(&s)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.txt"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_eval_recovers_the_fixture_swaps() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eval/mini.jsonl"
    );
    let out = bin()
        .args(["compare", "--format", "json", "--eval", fixture])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], 6);
    assert_eq!(v["swaps"], 11);
    assert_eq!(v["swaps_recovered"], 11);
    assert_eq!(v["precision"], 1.0);
    assert_eq!(v["recall"], 1.0);
}

#[test]
fn eval_pairs_labels_unlabelled_records_by_aligning_them() {
    let dir = std::env::temp_dir().join(format!("unspun-pairs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("pairs.jsonl");
    std::fs::write(
        &f,
        r#"{"id":"p1","spinner":"s","original":"We need uncertain warning signs here.","spun":"We need unpredictable caution signs here."}
"#,
    )
    .unwrap();
    // Without --pairs a record without swaps is an error naming the file and line.
    let out = bin()
        .args(["eval", "--disable", "ngram.swap"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1") && err.contains("--pairs"), "{err}");
    let out = bin()
        .args([
            "eval",
            "--pairs",
            "--format",
            "json",
            "--disable",
            "ngram.swap",
        ])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["evaluation"]["all"]["labels"], 2);
    let _ = std::fs::remove_dir_all(&dir);
}
