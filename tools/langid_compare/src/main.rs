//! Accuracy and speed of three language identifiers on real text (see Cargo.toml).
use lingua::{Language as L, LanguageDetector, LanguageDetectorBuilder};
use std::time::Instant;

const LANGS: [&str; 7] = ["en", "pt", "es", "fr", "de", "it", "nl"];

fn lingua_tag(l: L) -> &'static str {
    match l {
        L::English => "en",
        L::Portuguese => "pt",
        L::Spanish => "es",
        L::French => "fr",
        L::German => "de",
        L::Italian => "it",
        L::Dutch => "nl",
    }
}

fn whatlang_tag(l: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match l {
        Eng => "en",
        Por => "pt",
        Spa => "es",
        Fra => "fr",
        Deu => "de",
        Ita => "it",
        Nld => "nl",
        _ => "other",
    }
}

struct Sample {
    lang: String,
    text: String,
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or("bench-data/lang".into());
    let mut docs = Vec::new();
    for l in LANGS {
        let f = std::fs::read_to_string(format!("{dir}/{l}.jsonl")).expect("run benches/lang_corpus.py first");
        for line in f.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            docs.push(Sample { lang: l.to_string(), text: v["text"].as_str().unwrap().to_string() });
        }
    }
    // Whole documents over 50 words, and windows of 5, 10 and 25 words of running text (from
    // the middle of each document: one per document).
    let long: Vec<&Sample> = docs.iter().filter(|d| d.text.split_whitespace().count() > 50).collect();
    let mut sets: Vec<(String, Vec<Sample>)> = vec![(
        "docs > 50 words".into(),
        long.iter().map(|d| Sample { lang: d.lang.clone(), text: d.text.clone() }).collect(),
    )];
    for n in [5usize, 10, 25] {
        let w: Vec<Sample> = long
            .iter()
            .map(|d| {
                let words: Vec<&str> = d.text.split_whitespace().collect();
                let a = words.len() / 2;
                Sample { lang: d.lang.clone(), text: words[a..(a + n).min(words.len())].join(" ") }
            })
            .collect();
        sets.push((format!("{n}-word windows"), w));
    }
    let t = Instant::now();
    let lingua_hi: LanguageDetector = LanguageDetectorBuilder::from_languages(&[
        L::English, L::Portuguese, L::Spanish, L::French, L::German, L::Italian, L::Dutch,
    ])
    .build();
    let lingua_lo: LanguageDetector = LanguageDetectorBuilder::from_languages(&[
        L::English, L::Portuguese, L::Spanish, L::French, L::German, L::Italian, L::Dutch,
    ])
    .with_low_accuracy_mode()
    .build();
    eprintln!("lingua detectors built in {:.2} s", t.elapsed().as_secs_f64());
    let wl_all = whatlang::Detector::new();
    let wl_7 = whatlang::Detector::with_allowlist(vec![
        whatlang::Lang::Eng, whatlang::Lang::Por, whatlang::Lang::Spa, whatlang::Lang::Fra,
        whatlang::Lang::Deu, whatlang::Lang::Ita, whatlang::Lang::Nld,
    ]);
    type F<'a> = Box<dyn Fn(&str) -> &'static str + 'a>;
    let methods: Vec<(&str, F)> = vec![
        ("unspun lang (39 langs, word profiles)", Box::new(|t: &str| {
            let doc = unspun::Document::new(t);
            unspun::lang::identify(&doc).main
        })),
        ("whatlang 0.18, all 69 languages", Box::new(|t: &str| wl_all.detect_lang(t).map_or("none", whatlang_tag))),
        ("whatlang 0.18, these 7", Box::new(|t: &str| wl_7.detect_lang(t).map_or("none", whatlang_tag))),
        ("lingua 1.8 low accuracy, these 7", Box::new(|t: &str| lingua_lo.detect_language_of(t).map_or("none", lingua_tag))),
        ("lingua 1.8 high accuracy, these 7", Box::new(|t: &str| lingua_hi.detect_language_of(t).map_or("none", lingua_tag))),
    ];
    println!("| method | {} | MB/s (docs) |", sets.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(" | "));
    println!("|---|{}---:|", "---:|".repeat(sets.len()));
    for (name, f) in &methods {
        let mut cells = Vec::new();
        let mut mbs = 0.0;
        for (k, (_, set)) in sets.iter().enumerate() {
            let t = Instant::now();
            let ok = set.iter().filter(|s| f(&s.text) == s.lang).count();
            let secs = t.elapsed().as_secs_f64();
            if k == 0 {
                let bytes: usize = set.iter().map(|s| s.text.len()).sum();
                mbs = bytes as f64 / 1e6 / secs;
            }
            cells.push(format!("{:.1}% of {}", 100.0 * ok as f64 / set.len() as f64, set.len()));
        }
        println!("| {name} | {} | {mbs:.1} |", cells.join(" | "));
    }
    // unspun's stage alone, on documents already tokenized (as the checker runs it).
    let prepared: Vec<unspun::Document> = long.iter().map(|d| unspun::Document::new(&d.text)).collect();
    let bytes: usize = long.iter().map(|d| d.text.len()).sum();
    let t = Instant::now();
    let mut n = 0;
    for d in &prepared {
        n += unspun::lang::identify(d).passages.len();
    }
    println!(
        "\nunspun lang::identify alone on tokenized documents: {:.0} MB/s ({} passages)",
        bytes as f64 / 1e6 / t.elapsed().as_secs_f64(),
        n
    );
}
