//! Prototype (not shipped): document-level features for the spun/clean document model.
//! Reads JSONL {"id","text","label","genre","format"} on stdin; writes one JSON line per doc.
use std::io::{BufRead, Write};
use unspun::config::Effective;
use unspun::lexicon::{EdgeKind, Lexicon};
use unspun::text::markup::{self, Format, MarkupOptions};
use unspun::text::{Case, TokenKind};
use unspun::{Checker, Document};

const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "as", "it",
    "its", "he", "she", "we", "they", "i", "you", "that", "this", "not", "but", "if", "so", "no",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "will",
    "would", "can", "could", "should", "may", "might", "must", "shall", "there", "their", "them",
    "his", "her", "our", "us", "me", "my", "your", "which", "who", "what", "when", "where", "how",
    "all", "any", "some", "from", "than", "then", "these", "those", "into", "also", "more",
];

fn main() {
    let lex = Lexicon::embedded();
    let checker = Checker::builder()
        .disable_rule("ngram.swap")
        .build()
        .unwrap();
    let eff = Effective::default();
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let text = v["text"].as_str().unwrap_or("");
        let fmt = v["format"]
            .as_str()
            .and_then(Format::parse)
            .unwrap_or(Format::Plain);
        let m = markup::extract(text, fmt, MarkupOptions::default());
        let doc = Document::with_markup(text, m.masked.clone(), &m.breaks);
        // cheap stats
        let mut words = 0usize;
        let mut lower = 0usize;
        let mut oov = 0usize;
        let mut content = 0usize;
        let mut gap_sum = 0f64;
        let mut gap1 = 0usize;
        let mut gap2 = 0usize;
        let mut pairs = 0usize;
        let mut pairs_att = 0usize;
        let mut lp_sum = 0f64;
        let mut tri = 0usize;
        let mut tri_att = 0usize;
        let mut prev: Option<u32> = None;
        let mut pprev: Option<u32> = None;
        for t in &doc.tokens {
            if t.sent_start || t.breaks_before > 0 {
                prev = None;
                pprev = None;
            }
            if t.kind != TokenKind::Word {
                if t.kind != TokenKind::Punct {
                    prev = None;
                    pprev = None;
                }
                continue;
            }
            words += 1;
            let w = doc.norm_text(t);
            let id = lex.id(w).filter(|&i| lex.in_lm(i));
            if t.case == Case::Lower {
                lower += 1;
                if id.is_none() {
                    oov += 1;
                }
            }
            if let Some(id) = id {
                if t.case == Case::Lower && w.len() >= 3 && !STOP.contains(&w) {
                    content += 1;
                    let u = lex.unigram(id);
                    let best = lex
                        .neighbours(id)
                        .filter(|(c, k)| !k.contains(EdgeKind::INFLECTION) && lex.in_lm(*c))
                        .map(|(c, _)| lex.unigram(c))
                        .fold(f32::NEG_INFINITY, f32::max);
                    let g = (best - u).max(0.0) as f64;
                    if best.is_finite() {
                        gap_sum += g;
                        if g > 1.0 {
                            gap1 += 1;
                        }
                        if g > 2.0 {
                            gap2 += 1;
                        }
                    }
                }
                if let Some(p) = prev {
                    pairs += 1;
                    if lex.bigram(p, id).is_some() {
                        pairs_att += 1;
                    }
                    lp_sum += lex.logp(&[p], id) as f64;
                    if let Some(pp) = pprev {
                        tri += 1;
                        if lex.trigram(pp, p, id).is_some() {
                            tri_att += 1;
                        }
                    }
                }
                pprev = prev;
                prev = Some(id);
            } else {
                prev = None;
                pprev = None;
            }
        }
        let dj = unspun::detect::ngram_document_judgement(&doc);
        let js = &dj.words;
        let confs: Vec<f32> = js.iter().map(|j| j.confidence).collect();
        let secs: Vec<(usize, usize, usize, f32, f32, f32)> = dj
            .assessment
            .sections
            .iter()
            .map(|s| (s.first, s.last, s.eligible, s.evidence, s.rate, s.spun))
            .collect();
        let qs: Vec<(f32, usize)> = dj.assessment.words.clone();
        let elig_spans: Vec<(usize, usize)> = dj
            .eligible
            .iter()
            .map(|&t| {
                let r = doc.orig_span(&doc.tokens[t]);
                (r.start, r.end)
            })
            .collect();
        let mut sec_counts: Vec<(usize, usize)> = dj
            .assessment
            .sections
            .iter()
            .map(|s| (s.eligible, 0))
            .collect();
        for &(_, si) in &dj.assessment.words {
            sec_counts[si].1 += 1;
        }
        let words3: Vec<(usize, usize, f32)> =
            js.iter().map(|j| (j.start, j.end, j.confidence)).collect();
        let feats: Vec<&unspun::detect::Features> = js.iter().map(|j| &j.features).collect();
        let spans: Vec<(usize, usize, String)> = js
            .iter()
            .map(|j| (j.start, j.end, j.suggestion.clone()))
            .collect();
        let rep = eff.check(&checker, text, fmt).report;
        let cat = |c: &str| {
            rep.findings
                .iter()
                .filter(|f| f.category.as_str() == c && f.severity != unspun::Severity::Info)
                .count()
        };
        let o = serde_json::json!({
            "id": v["id"], "label": v["label"], "genre": v["genre"], "set": v["set"], "swaps": v["swaps"], "eligible": elig_spans, "words": words3, "features": feats, "sections": sec_counts, "n_words": doc.word_count(),
            "lower": lower, "oov": oov, "content": content,
            "gap_sum": gap_sum, "gap1": gap1, "gap2": gap2,
            "pairs": pairs, "pairs_att": pairs_att, "lp_sum": lp_sum,
            "tri": tri, "tri_att": tri_att,
            "confs": confs, "spans": spans, "secs": secs, "qs": qs, "firsts": dj.first_tokens, "n_eligible": dj.eligible.len(),
            "glue": cat("glue"), "garble": cat("garble"), "foreign": cat("foreign"),
            "boilerplate": cat("boilerplate"), "swap_rules": cat("swap"),
        });
        writeln!(out, "{o}").unwrap();
    }
}
