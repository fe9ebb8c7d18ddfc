//! The candidate originals of an observed word: which words the spinner may have replaced.

use super::tune;
use crate::lexicon::{EdgeKind, Lexicon, Phrase, WordId};

/// One candidate original of an observed word.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Candidate {
    /// The candidate (a language-model word).
    pub word: WordId,
    /// How the thesaurus links it to the observed word; for an inflection of a neighbour, how
    /// it links that neighbour (without [`EdgeKind::INFLECTION`]).
    pub edge: EdgeKind,
    /// The lemma the spinner would have looked up: the candidate itself, or for an inflection
    /// of a neighbour that neighbour. Its synonym set is the one the spinner picked from.
    pub lemma: WordId,
    /// An inflection of a thesaurus neighbour, not a neighbour itself ("are" for "personify",
    /// through "be").
    pub via_inflection: bool,
}

/// The candidates of one word, in thesaurus order (most frequent first), in a fixed array:
/// no allocation per word.
pub(super) struct Candidates {
    pub list: [Candidate; tune::MAX_ALL],
    pub len: usize,
}

impl Candidates {
    /// The candidates of word `w`: its first thesaurus neighbours in the model, then the
    /// inflections of the first of those (a lemma-based spinner puts a synonym's base form
    /// where an inflected word was: "they personify" for "they are").
    pub fn of_word(lex: &Lexicon, w: WordId) -> Candidates {
        let n = lex.neighbours(w);
        if n.len() <= tune::MAX_CANDIDATES {
            return Candidates::new(lex, n, w);
        }
        // A word with a huge neighbourhood ("top": 200, most of them from the broad Moby
        // thesaurus): its WordNet synonyms and inflections first ("summit" is the 100th most
        // frequent neighbour of "top", but one of its few WordNet synonyms), then the others,
        // each group most frequent first.
        let close = EdgeKind::from_bits(EdgeKind::WORDNET.bits() | EdgeKind::INFLECTION.bits());
        let first = n.clone().filter(|(_, k)| k.intersects(close));
        let rest = n.filter(|(_, k)| !k.intersects(close));
        Candidates::new(lex, first.chain(rest).take(tune::MAX_CANDIDATES), w)
    }

    /// The candidates of a multi-word lemma whose first word is `first`: its single-word
    /// synonyms (WordNet), then their inflections.
    pub fn of_phrase(lex: &Lexicon, ph: &Phrase, first: WordId) -> Candidates {
        let direct = ph.cands.iter().map(|&c| (c, EdgeKind::WORDNET));
        Candidates::new(lex, direct.take(tune::MAX_CANDIDATES), first)
    }

    /// `direct` (the model words other than `w`), then the inflections of the first
    /// [`tune::TWO_HOP_SOURCES`] of them.
    fn new(lex: &Lexicon, direct: impl Iterator<Item = (WordId, EdgeKind)>, w: WordId) -> Self {
        let mut cs = Candidates {
            list: [Candidate::default(); tune::MAX_ALL],
            len: 0,
        };
        for (c, edge) in direct {
            if lex.in_lm(c) && c != w {
                cs.push(Candidate {
                    word: c,
                    edge,
                    lemma: c,
                    via_inflection: false,
                });
            }
        }
        let direct = cs.len;
        for i in 0..direct.min(tune::TWO_HOP_SOURCES) {
            let n = cs.list[i];
            if n.edge.contains(EdgeKind::INFLECTION) {
                continue; // an inflection's inflections are the word's own
            }
            for (d, dk) in lex.neighbours(n.word).take(tune::TWO_HOP_SCAN) {
                if dk.contains(EdgeKind::INFLECTION)
                    && lex.in_lm(d)
                    && d != w
                    && !cs.as_slice().iter().any(|e| e.word == d)
                {
                    cs.push(Candidate {
                        word: d,
                        edge: n.edge,
                        lemma: n.word,
                        via_inflection: true,
                    });
                }
            }
        }
        cs
    }

    fn push(&mut self, c: Candidate) {
        if self.len < self.list.len() {
            self.list[self.len] = c;
            self.len += 1;
        }
    }

    pub fn as_slice(&self) -> &[Candidate] {
        &self.list[..self.len]
    }
}
