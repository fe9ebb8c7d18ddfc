//! Print the embedded thesaurus as tab-separated lines, `word<TAB>syn1 syn2 ...`: for every
//! language-model word, its Moby and WordNet synonyms (not mere inflections), most frequent
//! first, at most `N` (default 12) per word.
//!
//! `benches/gen_cluster.py` spins its planted copies with it, so the benchmark needs no
//! thesaurus beyond the one the project already ships:
//!
//! ```sh
//! cargo run --release --example thesaurus > thesaurus.tsv
//! cargo run --release --example thesaurus -- 5   # at most 5 synonyms per word
//! ```

use std::io::Write;
use unspun::lexicon::{EdgeKind, Lexicon};

fn main() {
    let max: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("N is a number"))
        .unwrap_or(12);
    let lex = Lexicon::embedded();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for id in 0..lex.lm_len() as u32 {
        if !lex.is_word_id(id) {
            continue;
        }
        let syns: Vec<&str> = lex
            .neighbours(id)
            .filter(|&(_, k)| k.intersects(EdgeKind::MOBY | EdgeKind::WORDNET))
            .map(|(n, _)| lex.word(n))
            .filter(|w| lex.is_word(w))
            .take(max)
            .collect();
        if !syns.is_empty() {
            writeln!(out, "{}\t{}", lex.word(id), syns.join(" ")).expect("stdout");
        }
    }
    out.flush().expect("stdout");
}
