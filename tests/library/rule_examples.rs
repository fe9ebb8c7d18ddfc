//! Every rule of every pack, and every built-in detector, fires on each of its `fire` examples
//! and stays silent on each of its `clean` examples.

use unspun::Checker;

#[test]
fn every_rule_example_holds() {
    let checker = Checker::builder().build().unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for rule in &checker.rules().rules {
        assert!(
            !rule.examples.fire.is_empty() && !rule.examples.clean.is_empty(),
            "rule {} ({}) needs examples that fire and that stay clean",
            rule.id,
            rule.file
        );
        for ex in &rule.examples.fire {
            count += 1;
            let r = checker.check(ex);
            if !r.findings.iter().any(|f| f.rule == rule.id) {
                failures.push(format!(
                    "{} ({}:{}) did not fire on {ex:?}",
                    rule.id, rule.file, rule.line
                ));
            }
        }
        for ex in &rule.examples.clean {
            count += 1;
            let r = checker.check(ex);
            let bad: Vec<_> = r
                .findings
                .iter()
                .filter(|f| f.rule == rule.id)
                .map(|f| f.text.clone())
                .collect();
            if !bad.is_empty() {
                failures.push(format!(
                    "{} ({}:{}) fired on clean {ex:?}: {bad:?}",
                    rule.id, rule.file, rule.line
                ));
            }
        }
    }
    assert!(count > 50, "only {count} examples ran");
    assert!(
        failures.is_empty(),
        "{} example failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A foreign rule's `words` are flagged on their own, so none may be an English dictionary word
/// (SCOWL `wamerican`, proper names aside); words that are English too belong in `shared`.
#[test]
fn foreign_only_words_are_not_english() {
    let checker = Checker::builder().build().unwrap();
    let lex = unspun::lexicon::Lexicon::embedded();
    let mut clashes = Vec::new();
    for rule in &checker.rules().rules {
        if let unspun::rules::Origin::Pack(def) = &rule.origin {
            for w in &def.words {
                let english = lex
                    .id(w)
                    .is_some_and(|id| lex.in_dict(id) && !lex.is_name_only(id));
                if english {
                    clashes.push(format!("{}: {w}", rule.id));
                }
            }
        }
    }
    assert!(
        clashes.is_empty(),
        "foreign-only words that are English words (move them to `shared`):\n{}",
        clashes.join("\n")
    );
}
