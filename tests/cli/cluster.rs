//! `unspun cluster` end to end, on documents built from the seed texts with planted spun
//! copies (thesaurus swaps from the project's own lexicon, a dropped sentence, boilerplate, a
//! glued pair of words), unrelated documents on the same topic, and bad lines.

use crate::support::cmd::{records, run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use unspun::lexicon::{EdgeKind, Lexicon};

/// The paragraphs of a seed text.
fn paragraphs(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The two halves of a seed, as two documents.
fn halves(name: &str) -> (String, String) {
    let p = paragraphs(name);
    let mid = p.len() / 2;
    (p[..mid].join("\n\n"), p[mid..].join("\n\n"))
}

/// Spin a text: swap every `every`-th lowercase content word (counting from `skew`) for its
/// most frequent thesaurus synonym, drop sentence `skew + 1` of each paragraph, glue the first
/// "of the" of each paragraph (`skew` 0 only), and add a boilerplate line (one of three, by
/// `skew`): copies with different `skew` are spun independently, as by different spinners.
fn spin(text: &str, every: usize, skew: usize) -> String {
    let lex = Lexicon::embedded();
    let mut n = skew;
    let paras: Vec<String> = text
        .split("\n\n")
        .map(|p| {
            let mut sentences: Vec<&str> = p.split_inclusive(". ").collect();
            if sentences.len() > skew + 2 {
                sentences.remove(skew + 1);
            }
            let words: Vec<String> = sentences
                .concat()
                .split(' ')
                .map(|w| {
                    let core = w.trim_end_matches(|c: char| !c.is_alphabetic());
                    if core.len() < 4 || !core.chars().all(|c| c.is_ascii_lowercase()) {
                        return w.to_string();
                    }
                    n += 1;
                    if !n.is_multiple_of(every) {
                        return w.to_string();
                    }
                    let syn = lex.id(core).and_then(|id| {
                        lex.neighbours(id)
                            .filter(|&(_, k)| k.intersects(EdgeKind::MOBY | EdgeKind::WORDNET))
                            .map(|(s, _)| lex.word(s))
                            .find(|s| lex.is_word(s) && s.len() > 3)
                    });
                    match syn {
                        Some(s) => format!("{s}{}", &w[core.len()..]),
                        None => w.to_string(),
                    }
                })
                .collect();
            let p = words.join(" ");
            if skew == 0 {
                p.replacen(" of the ", " ofthe ", 1)
            } else {
                p
            }
        })
        .collect();
    let boilerplate = [
        "Share this article on Facebook and Twitter",
        "Click here to read more.",
        "Source: Associated Press",
    ];
    paras.join("\n\n") + "\n\n" + boilerplate[skew % 3]
}

struct Corpus {
    jsonl: String,
    /// Planted groups by id, original first.
    groups: Vec<Vec<&'static str>>,
}

fn corpus() -> Corpus {
    let (a, b) = halves("000_76536d54b82e6b70.txt");
    let (c, d) = halves("004_10f339da52fe37a9.txt");
    let docs: Vec<(&str, Value)> = vec![
        ("a1", json!(spin(&a, 3, 0))),
        ("b", json!(b)),
        ("c", json!(c.clone())),
        ("a", json!(a.clone())),
        (
            "short",
            json!("Russia and the United States met in Helsinki."),
        ),
        // A two-member group: the checker's score decides (the copy has glued words).
        ("c1", json!(spin(&c, 2, 0))),
        ("d", json!(d)),
        ("a2", json!(spin(&a, 4, 1))),
    ];
    let mut jsonl = String::new();
    for (i, (id, text)) in docs.into_iter().enumerate() {
        if i == 1 {
            jsonl.push_str("{\"id\": \"broken\", \"text\": \n");
            jsonl.push_str("{\"id\": \"no-text\", \"body\": \"x\"}\n\n");
        }
        jsonl.push_str(&json!({"id": id, "text": text}).to_string());
        jsonl.push('\n');
    }
    Corpus {
        jsonl,
        groups: vec![vec!["a", "a1", "a2"], vec!["c", "c1"]],
    }
}

fn tempfile(name: &str, contents: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("unspun-cluster-{}-{name}", std::process::id()));
    std::fs::write(&p, contents).unwrap();
    p
}

fn ids(group: &Value) -> Vec<&str> {
    group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect()
}

#[test]
fn finds_the_planted_groups_and_nothing_else() {
    let c = corpus();
    let path = tempfile("corpus.jsonl", &c.jsonl);

    let out = run(&["cluster", "-q", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1), "bad lines make exit code 1");
    let recs = records(&out);
    let groups: Vec<&Value> = recs.iter().filter(|r| r.get("group").is_some()).collect();
    assert_eq!(groups.len(), 2, "{recs:#?}");
    // Members in input order; groups in the input order of their first member.
    assert_eq!(ids(groups[0]), ["a1", "a", "a2"]);
    assert_eq!(ids(groups[1]), ["c", "c1"]);
    for (g, planted) in groups.iter().zip(&c.groups) {
        assert_eq!(g["representative"], planted[0], "{g}");
        assert_eq!(g["size"], planted.len());
        for m in g["members"].as_array().unwrap() {
            let f = m["faithfulness"].as_f64().unwrap();
            let s = m["similarity"].as_f64().unwrap();
            if m["id"] == planted[0] {
                assert_eq!((f, s), (100.0, 1.0));
            } else {
                assert!((30.0..100.0).contains(&f), "{m}");
                assert!((0.25..1.0).contains(&s), "{m}");
            }
        }
    }
    assert_eq!(groups[0]["group"], 0);
    assert_eq!(groups[1]["group"], 1);
    // The bad lines are reported in their place (lines 2 and 3: between the group whose first
    // member is on line 1 and the one whose first member is on line 6).
    let errors: Vec<&Value> = recs.iter().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(errors.len(), 2);
    // The id is read even from the broken line (it comes before the fault); both carry
    // their line.
    assert_eq!(errors[0]["id"], "broken");
    assert_eq!(errors[0]["line"], 2);
    assert!(errors[0]["error"].as_str().unwrap().starts_with("line 2: "));
    assert_eq!(errors[1]["id"], "no-text");
    assert_eq!(errors[1]["line"], 3);
    assert_eq!(errors[1]["error"], "line 3: no field 'text'");
    let order: Vec<String> = recs
        .iter()
        .map(|r| match r.get("group") {
            Some(g) => format!("group {g}"),
            None => format!("error {}", r["id"]),
        })
        .collect();
    assert_eq!(
        order,
        [
            "group 0",
            "error \"broken\"",
            "error \"no-text\"",
            "group 1"
        ]
    );
}

#[test]
fn same_topic_is_not_a_copy() {
    // The two seeds report the same event with the same names; their halves share names and
    // numbers but are not copies of each other.
    let c = corpus();
    let path = tempfile("topic.jsonl", &c.jsonl);
    let out = run(
        &["cluster", "-q", "--singletons", path.to_str().unwrap()],
        b"",
    );
    let recs = records(&out);
    let groups: Vec<&Value> = recs.iter().filter(|r| r.get("group").is_some()).collect();
    let sizes: Vec<(Vec<&str>, u64)> = groups
        .iter()
        .map(|g| (ids(g), g["size"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        sizes,
        [
            (vec!["a1", "a", "a2"], 3),
            (vec!["b"], 1),
            (vec!["c", "c1"], 2),
            (vec!["short"], 1),
            (vec!["d"], 1),
        ]
    );
    let numbers: Vec<u64> = groups
        .iter()
        .map(|g| g["group"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [0, 1, 2, 3, 4]);
    assert_eq!(groups[1]["members"][0]["faithfulness"], 100.0);
}

#[test]
fn output_is_deterministic_and_stdin_is_the_same() {
    let c = corpus();
    let path = tempfile("det.jsonl", &c.jsonl);
    let p = path.to_str().unwrap();
    let one = run(&["cluster", "-q", "-j1", p], b"");
    let two = run(&["cluster", "-q", "-j2", p], b"");
    let piped = run(&["cluster", "-q", "-"], c.jsonl.as_bytes());
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, piped.stdout);
    assert_eq!(piped.status.code(), Some(1));
}

#[test]
fn other_fields_and_a_summary() {
    let (a, _) = halves("000_76536d54b82e6b70.txt");
    let input = [
        json!({"url": "u1", "body": a}),
        json!({"url": "u2", "body": spin(&a, 3, 0)}),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>();
    let out = run(
        &["cluster", "--text-field", "body", "--id-field", "url"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(ids(&recs[0]), ["u1", "u2"]);
    assert_eq!(recs[0]["representative"], "u1");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(
            "2 documents: 1 group of 2 or more (2 documents), 0 too short to group, 0 errors ("
        ),
        "{err}"
    );
}

#[test]
fn missing_input_is_an_error() {
    let out = run(&["cluster", "/no/such/file.jsonl"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("/no/such/file.jsonl: cannot read"));
}
