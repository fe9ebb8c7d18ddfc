//! `ngram.swap`: thesaurus swaps found from statistics, with the likely original as suggestion.
//!
//! A spinner replaces a word `c` with one of its thesaurus neighbours `w`; the result reads
//! grammatically but unidiomatically ("in no *unpredictable* terms"). For every word `w` the
//! detector weighs two hypotheses with the trigram model of the lexicon:
//!
//! ```text
//! S(x)      = log P(x | u v) + log P(y | v x) + log P(z | x y)    (the trigrams covering x)
//! LLR(c)    = S(c) − S(w) + log q − log |syn(c)|                    (c replaced by w?)
//! posterior = Σ_c 10^LLR(c) / (1 + Σ_c 10^LLR(c))
//! ```
//!
//! `q` is the prior rate of swapping and `1/|syn(c)|` the chance that the spinner picked `w`
//! among the neighbours of `c`, so generic words with huge synonym sets ("go", "way") need
//! much more contextual support to win. The suggestion is the neighbour with the highest LLR;
//! the confidence is the posterior. Candidates are Moby and WordNet neighbours plus inflected
//! forms (a spinner ignores agreement: "this details", "keeps in mind"), and inflections of the
//! first neighbours (a lemma-based spinner writes "they personify" for "they are"). A
//! multi-word WordNet lemma in the text ("information technology" for "it") is weighed the same
//! way against its single-word synonyms, and rare dictionary words outside the model
//! ("thriftiness") are judged too.
//!
//! Precision comes first: names (capitalised words inside a sentence), acronyms, numbers,
//! words outside the model, words inside quotation marks and very short function words are
//! never flagged; an edge counts only when the candidate's context is attested and the
//! observed one is not much better.

use super::Detector;
use crate::finding::{Category, Hit, Severity};
use crate::lexicon::{EdgeKind, Lexicon, Phrase, WordId};
use crate::rules::BuiltinRule;
use crate::text::{Case, Document, TokenKind};

/// The rule.
pub const RULE: BuiltinRule = BuiltinRule {
    id: "ngram.swap",
    category: Category::Swap,
    severity: Severity::Warning,
    message: "'{text}' is unusual here; '{suggestion}' is the common wording",
    doc: "A word whose trigram context is rare in a reference English model while one of its \
          thesaurus neighbours (Moby, WordNet, inflections) makes the context common: the \
          fingerprint of a synonym spinner. The suggestion is the likely original word and \
          the confidence a posterior probability that the word was swapped.",
    file: "src/detect/ngram.rs",
    fix_safe: false,
    fire: &[
        "The report made the assertion in no unpredictable terms.",
        "Coats called Russia and China cyber assailants versus the United States.",
        "The report keeps in mind that the claim is sourced broadly.",
        // A multi-word lemma for one word, a synonym's base form for an inflected word, and a
        // rare dictionary word outside the model.
        "Information technology is time for us to act together.",
        "They personify the best of America.",
        "The nation needs thriftiness and hard work from every family.",
    ],
    clean: &[
        "The report made the assertion in no uncertain terms.",
        "Coats warned that the warning lights are on once again.",
        "The most recent example is their cooperation.",
        "Vladimir Putin met Donald Trump in Helsinki on Monday.",
    ],
};

/// Build the detector.
pub fn make(rule: usize) -> Box<dyn Detector> {
    Box::new(NgramSwap {
        rule,
        lex: Lexicon::embedded(),
    })
}

/// Tuning constants, all in one place.
mod tune {
    /// log10 of the prior probability that a given word was swapped.
    pub const LOG_PRIOR: f32 = -1.3;
    /// Smallest synonym-set size assumed for a candidate (a tiny set is not a sure pick).
    pub const MIN_SYNSET: f32 = 4.0;
    /// Calibrated confidence at which a finding is reported.
    pub const REPORT: f32 = 0.46;
    /// Direct thesaurus neighbours examined per word (rows are sorted by frequency).
    pub const MAX_CANDIDATES: usize = 80;
    /// Neighbours whose inflections are added as candidates ("personify" → "be" → "is").
    pub const TWO_HOP_SOURCES: usize = 12;
    /// Entries of such a neighbour's row scanned for its inflections.
    pub const TWO_HOP_SCAN: usize = 48;
    /// Candidates per word in all.
    pub const MAX_ALL: usize = 128;
    /// Extra log10 weight of an inflection edge (a spinner does not inflect what it inserts).
    pub const INFLECTION_BONUS: f32 = 0.0;
    /// Weight of a candidate's unigram advantage subtracted from its LLR (frequency
    /// normalisation: generic words must win by context, not by being common).
    pub const FREQ_WEIGHT: f32 = 0.0;
    /// Calibration: confidence = sigmoid(W · features + B), a logistic model fitted on the
    /// labelled development set (features in [`Judgement::features`]). Few weights on generic
    /// features, so it transfers to other texts and spinners: an edge that several thesauri agree
    /// on is a likelier pick for any spinner, and an inflection edge is strong evidence because
    /// spinners do not inflect what they insert.
    #[allow(clippy::approx_constant)] // fitted weights, not π/6
    pub const W: [f32; NF] = [
        -0.1680, -0.4232, -0.6543, -0.0177, 0.1879, 0.0411, -0.0110, 0.1847, 0.1052, 0.5009,
        0.5845, 1.0286, 1.5495, 0.1556, -0.0523, 0.3814, 1.5920,
    ];
    /// Number of calibration features.
    pub const NF: usize = 17;
    /// Intercept of the calibration.
    pub const B: f32 = -2.1664;
    /// Calibrated confidence below which a word adds nothing to the document score.
    pub const EVIDENCE: f32 = 0.3;
    /// Weight of a sub-threshold word in the document score (a reported finding weighs 1).
    pub const EVIDENCE_WEIGHT: f32 = 0.3;
    /// Posterior at which a first-pass suggestion replaces the word in its neighbours' context.
    pub const CORRECT: f32 = 0.5;
    /// Attestation (see `attest`, at most 7) at which a word is not judged at all: its
    /// windows are (nearly) all explicit trigrams, so the model has nothing to explain.
    pub const SKIP_ATTESTED: u32 = 5;
    /// The same for a multi-word lemma, whose inner windows are not counted.
    pub const SKIP_ATTESTED_PHRASE: u32 = 6;
    /// Candidates, best by their bigram context, weighed on the full trigram context. The
    /// rest rarely change the verdict, and their look-ups dominated the time.
    pub const RESCORE: usize = 24;
    /// How much better attested (in n-gram orders found) a candidate must be.
    pub const MIN_ATTEST_GAIN: u32 = 0;
}

struct NgramSwap {
    rule: usize,
    lex: &'static Lexicon,
}

/// A word slot of a sentence: its token index and model id (`None` outside the model).
#[derive(Clone, Copy)]
struct Slot {
    token: usize,
    id: Option<WordId>,
    /// May be flagged (a lower-case prose word in the model, not inside quotes).
    eligible: bool,
    /// Prose: not a name, not inside quotes (may be part of a flagged phrase).
    prose: bool,
    /// The run was cut right after this word by something other than a sentence end.
    cut_after: bool,
}

/// An edge flag of this detector, not stored in the lexicon: the candidate is an inflection of
/// a thesaurus neighbour of the observed word.
const VIA_INFLECTION: EdgeKind = EdgeKind::from_bits(0x40);

/// The candidate originals of one word (a fixed array: no allocation per word): each with
/// its edge and the lemma the spinner would have looked up (itself, or for an inflection of a
/// neighbour that neighbour: its synonym set is what the spinner picked from).
struct Candidates {
    list: [(WordId, EdgeKind, WordId); tune::MAX_ALL],
    len: usize,
}

impl Candidates {
    fn push(&mut self, c: WordId, kind: EdgeKind, lemma: WordId) {
        if self.len < self.list.len() {
            self.list[self.len] = (c, kind, lemma);
            self.len += 1;
        }
    }
    fn as_slice(&self) -> &[(WordId, EdgeKind, WordId)] {
        &self.list[..self.len]
    }
}

/// A word's bigram entries at a [`Site`]: `prev c` and `c next`, each as (log10 P, log10
/// backoff weight), if the model has them.
#[derive(Clone, Copy, Default)]
struct Beside {
    left: Option<(f32, f32)>,
    right: Option<(f32, f32)>,
}

/// A position in a run and what every word put there shares: the words around it and the
/// parts of the Katz model that do not depend on the word. With it [`Site::eval`] gives a
/// word's local score and attestation (as [`NgramSwap::local`] and [`NgramSwap::attest`] do,
/// bit for bit) while looking each n-gram up once: the candidates of a word share their
/// context, and their bigram entries are already known from the bigram stage.
struct Site {
    pprev: Option<WordId>,
    prev: Option<WordId>,
    next: Option<WordId>,
    nnext: Option<WordId>,
    /// The neighbour exists and is in the model (one outside it cuts the context).
    a_lm: bool,
    p_lm: bool,
    x_lm: bool,
    y_lm: bool,
    /// log10 backoff weight of `pprev prev`.
    bo_ap: f32,
    /// Unigram backoff weight of `prev`.
    ub_p: f32,
    /// Unigram log10 P of `next` and `nnext` (the out-of-model constant outside the model).
    u_x: f32,
    u_y: f32,
    /// Bigram-model log10 P(nnext | next).
    lp_xy: f32,
}

impl Site {
    fn new(lex: &Lexicon, ids: &[WordId], k: usize) -> Site {
        let prev = k.checked_sub(1).map(|i| ids[i]);
        let pprev = k.checked_sub(2).map(|i| ids[i]);
        let (next, nnext) = (ids.get(k + 1).copied(), ids.get(k + 2).copied());
        let lm = |w: Option<WordId>| w.is_some_and(|w| lex.in_lm(w));
        let (a_lm, p_lm, x_lm, y_lm) = (lm(pprev), lm(prev), lm(next), lm(nnext));
        let bo_ap = match (pprev, prev) {
            (Some(a), Some(p)) if a_lm && p_lm => lex.bigram_backoff(a, p),
            _ => 0.0,
        };
        let lp_xy = match (next, nnext) {
            (Some(x), Some(y)) if x_lm && y_lm => lex.logp(&[x], y),
            _ => 0.0,
        };
        Site {
            pprev,
            prev,
            next,
            nnext,
            a_lm,
            p_lm,
            x_lm,
            y_lm,
            bo_ap,
            ub_p: prev.map_or(0.0, |p| lex.unigram_backoff(p)),
            u_x: next.map_or(0.0, |x| lex.unigram(x)),
            u_y: nnext.map_or(0.0, |y| lex.unigram(y)),
            lp_xy,
        }
    }

    /// The bigram entries beside model word `c`.
    #[inline]
    fn beside(&self, lex: &Lexicon, c: WordId) -> Beside {
        Beside {
            left: self.prev.and_then(|p| lex.bigram_entry_pb(p, c)),
            right: self.next.and_then(|x| lex.bigram_entry_pb(c, x)),
        }
    }

    /// log10 P(c | prev) of the bigram model (the unigram without a model word before).
    #[inline]
    fn lp_pc(&self, lex: &Lexicon, c: WordId, e: &Beside) -> f32 {
        if !self.p_lm {
            return lex.unigram(c);
        }
        match e.left {
            Some((p, _)) => p,
            None => self.ub_p + lex.unigram(c),
        }
    }

    /// log10 P(next | c) of the bigram model; only with a next word.
    #[inline]
    fn lp_cx(&self, lex: &Lexicon, c: WordId, e: &Beside) -> f32 {
        if !self.x_lm {
            return self.u_x;
        }
        match e.right {
            Some((p, _)) => p,
            None => lex.unigram_backoff(c) + self.u_x,
        }
    }

    /// The bigram model's score of `c` here: what ranks the candidates for the trigram stage.
    #[inline]
    fn bigram_score(&self, lex: &Lexicon, c: WordId, e: &Beside) -> f32 {
        self.lp_pc(lex, c, e) + self.next.map_or(0.0, |_| self.lp_cx(lex, c, e))
    }

    /// Start loading the trigrams [`Site::eval`] reads for `c`.
    #[inline]
    fn prefetch_trigrams(&self, lex: &Lexicon, c: WordId) {
        if let (Some(a), Some(p)) = (self.pprev, self.prev) {
            lex.prefetch_trigram(a, p, c);
        }
        if let (Some(p), Some(x)) = (self.prev, self.next) {
            lex.prefetch_trigram(p, c, x);
        }
        if let (Some(x), Some(y)) = (self.next, self.nnext) {
            lex.prefetch_trigram(c, x, y);
        }
    }

    /// Local score and attestation of model word `c` here, given its bigram entries.
    #[inline]
    fn eval(&self, lex: &Lexicon, c: WordId, e: &Beside) -> (f32, u32) {
        let t1 = match (self.pprev, self.prev) {
            (Some(a), Some(p)) if self.a_lm && self.p_lm => lex.trigram(a, p, c),
            _ => None,
        };
        let t2 = match (self.prev, self.next) {
            (Some(p), Some(x)) if self.p_lm && self.x_lm => lex.trigram(p, c, x),
            _ => None,
        };
        let t3 = match (self.next, self.nnext) {
            (Some(x), Some(y)) if self.x_lm && self.y_lm => lex.trigram(c, x, y),
            _ => None,
        };
        // Term by term as `local` sums them (Katz backoff, a word outside the model cutting
        // the context).
        let mut s = if !self.p_lm {
            lex.unigram(c)
        } else if !self.a_lm {
            self.lp_pc(lex, c, e)
        } else {
            t1.unwrap_or_else(|| self.bo_ap + self.lp_pc(lex, c, e))
        };
        // Attestation: the order of each window (without a word before, neither is known).
        let order = |tri: Option<f32>, bi: Option<(f32, f32)>| {
            if tri.is_some() {
                3
            } else if bi.is_some() {
                2
            } else {
                1
            }
        };
        let mut n = order(t1, e.left);
        if self.next.is_some() {
            s += if !self.x_lm {
                self.u_x
            } else if !self.p_lm {
                self.lp_cx(lex, c, e)
            } else {
                t2.unwrap_or_else(|| e.left.map_or(0.0, |l| l.1) + self.lp_cx(lex, c, e))
            };
            n += order(t2, e.right);
        }
        if self.nnext.is_some() {
            s += if !self.y_lm || !self.x_lm {
                self.u_y
            } else {
                t3.unwrap_or_else(|| e.right.map_or(0.0, |r| r.1) + self.lp_xy)
            };
            n += u32::from(t3.is_some());
        }
        (s, n)
    }
}

impl NgramSwap {
    /// Local score of `x` at position `k` of `ids` (with `ids[k]` replaced by `x`).
    #[inline]
    fn local(&self, ids: &[WordId], k: usize, x: WordId) -> f32 {
        let lex = self.lex;
        let mut s = lex.logp(&ids[k.saturating_sub(2)..k], x);
        if k + 1 < ids.len() {
            s += match k {
                0 => lex.logp(&[x], ids[k + 1]),
                _ => lex.logp(&[ids[k - 1], x], ids[k + 1]),
            };
        }
        if k + 2 < ids.len() {
            s += lex.logp(&[x, ids[k + 1]], ids[k + 2]);
        }
        s
    }

    /// The n-gram order the model has for `c` after `a b`: explicit trigram 3, bigram 2, else 1.
    #[inline]
    fn order(&self, a: Option<WordId>, b: WordId, c: WordId) -> u32 {
        if a.is_some_and(|a| self.lex.trigram(a, b, c).is_some()) {
            3
        } else if self.lex.bigram(b, c).is_some() {
            2
        } else {
            1
        }
    }

    /// How well attested `x` is at `k`: the n-gram orders the model has for the windows
    /// covering it (explicit trigram 3, bigram 2, else 1), summed.
    #[inline]
    fn attest(&self, ids: &[WordId], k: usize, x: WordId) -> u32 {
        let lex = self.lex;
        let order = |a, b, c| self.order(a, b, c);
        let prev = k.checked_sub(1).map(|i| ids[i]);
        let mut n = match prev {
            Some(p) => order(k.checked_sub(2).map(|i| ids[i]), p, x),
            None => 1,
        };
        if k + 1 < ids.len() {
            n += order(prev, x, ids[k + 1]);
        }
        if k + 2 < ids.len() && lex.trigram(x, ids[k + 1], ids[k + 2]).is_some() {
            n += 1;
        }
        n
    }

    fn synset_size(&self, c: WordId) -> f32 {
        (self.lex.degree(c) as f32).max(tune::MIN_SYNSET)
    }

    /// The candidate originals of `w`: its thesaurus neighbours in the model, then the
    /// inflections of its first neighbours (a lemma-based spinner puts a synonym's base form
    /// where an inflected word was: "they personify" for "they are").
    fn candidates(
        &self,
        direct: impl Iterator<Item = (WordId, EdgeKind)>,
        w: WordId,
    ) -> Candidates {
        let lex = self.lex;
        let mut cs = Candidates {
            list: [(0, EdgeKind::default(), 0); tune::MAX_ALL],
            len: 0,
        };
        for (c, kind) in direct {
            if lex.in_lm(c) && c != w {
                cs.push(c, kind, c);
            }
        }
        let direct = cs.len;
        for i in 0..direct.min(tune::TWO_HOP_SOURCES) {
            let (c, kind, _) = cs.list[i];
            if kind.contains(EdgeKind::INFLECTION) {
                continue; // an inflection's inflections are the word's own
            }
            let via =
                EdgeKind::from_bits(kind.bits() & !EdgeKind::INFLECTION.bits()) | VIA_INFLECTION;
            for (d, dk) in lex.neighbours(c).take(tune::TWO_HOP_SCAN) {
                if dk.contains(EdgeKind::INFLECTION)
                    && lex.in_lm(d)
                    && d != w
                    && !cs.as_slice().iter().any(|&(e, _, _)| e == d)
                {
                    cs.push(d, via, c);
                }
            }
        }
        cs
    }

    /// Weigh the observed word at `k` of `ids` against its thesaurus neighbours.
    fn judge(&self, ids: &[WordId], k: usize) -> Option<Judgement> {
        let lex = self.lex;
        let w = ids[k];
        let site = Site::new(lex, ids, k);
        let (s_obs, a_obs) = if lex.in_lm(w) {
            site.eval(lex, w, &site.beside(lex, w))
        } else {
            (self.local(ids, k, w), self.attest(ids, k, w))
        };
        if a_obs >= tune::SKIP_ATTESTED {
            // Every window around the word is an explicit n-gram: nothing to explain.
            return None;
        }
        let cands = self.candidates(lex.neighbours(w).take(tune::MAX_CANDIDATES), w);
        let obs = Observed {
            s: s_obs,
            attest: a_obs,
            unigram: lex.unigram(w),
            oov: !lex.in_lm(w),
            phrase: false,
        };
        self.weigh(&site, &obs, cands)
    }

    /// Weigh a multi-word lemma at `ids[k..k + len]` against its single-word synonyms
    /// ("information technology" for "it").
    fn judge_phrase(&self, ids: &[WordId], k: usize, ph: &Phrase) -> Option<Judgement> {
        let lex = self.lex;
        let len = ph.words.len();
        let a_obs = self.attest_span(ids, k, len);
        if a_obs >= tune::SKIP_ATTESTED_PHRASE {
            return None;
        }
        // The phrase's words and the two after it, against one word and the same two.
        let end = (k + len + 2).min(ids.len());
        let s_obs: f32 = (k..end)
            .map(|i| lex.logp(&ids[i.saturating_sub(2)..i], ids[i]))
            .sum();
        let inner: f32 = (k..k + len)
            .map(|i| lex.logp(&ids[k.max(i.saturating_sub(2))..i], ids[i]))
            .sum();
        let mut alt: Vec<WordId> = Vec::with_capacity(ids.len());
        alt.extend_from_slice(&ids[..k]);
        alt.push(ph.cands[0]);
        alt.extend_from_slice(&ids[k + len..]);
        let direct = ph.cands.iter().map(|&c| (c, EdgeKind::WORDNET));
        let cands = self.candidates(direct.take(tune::MAX_CANDIDATES), ids[k]);
        let obs = Observed {
            s: s_obs,
            attest: a_obs,
            unigram: inner,
            oov: false,
            phrase: true,
        };
        self.weigh(&Site::new(lex, &alt, k), &obs, cands)
    }

    /// How well attested the span `ids[k..k + len]` is at its edges (as [`Self::attest`] for
    /// one word: the windows into its first word and out of its last).
    fn attest_span(&self, ids: &[WordId], k: usize, len: usize) -> u32 {
        let lex = self.lex;
        let order = |a, b, c| self.order(a, b, c);
        let last = k + len - 1;
        let mut n = match k.checked_sub(1) {
            Some(p) => order(k.checked_sub(2).map(|i| ids[i]), ids[p], ids[k]),
            None => 1,
        };
        if last + 1 < ids.len() {
            n += order(
                last.checked_sub(1).map(|i| ids[i]),
                ids[last],
                ids[last + 1],
            );
        }
        if last + 2 < ids.len()
            && lex
                .trigram(ids[last], ids[last + 1], ids[last + 2])
                .is_some()
        {
            n += 1;
        }
        n
    }

    /// Weigh the candidates for a site (whose own word is irrelevant: each candidate is put
    /// there) against the observed text.
    fn weigh(&self, site: &Site, obs: &Observed, mut cands: Candidates) -> Option<Judgement> {
        let lex = self.lex;
        let (s_obs, a_obs, u_obs) = (obs.s, obs.attest, obs.unigram);
        // The model lookups below are cache misses in tables of tens of megabytes. Each stage
        // prefetches what the next one reads for all candidates, so the misses overlap.
        // Stage 1: prefetch both bigrams beside each candidate.
        for &(c, _, _) in cands.as_slice() {
            if let Some(p) = site.prev {
                lex.prefetch_bigram(p, c);
            }
            if let Some(x) = site.next {
                lex.prefetch_bigram(c, x);
            }
        }
        let n = cands.len;
        let cands = &mut cands.list;
        // Stage 2, a cheap necessary condition: an original word is attested beside a
        // neighbour. The survivors are ranked by their bigram context, and the best
        // `RESCORE` go on to the trigram stage.
        let mut m = 0;
        let mut rank = [0f32; tune::MAX_ALL];
        let mut beside = [Beside::default(); tune::MAX_ALL];
        for i in 0..n {
            let c = cands[i].0;
            let e = site.beside(lex, c);
            if e.left.is_none() && e.right.is_none() {
                continue;
            }
            rank[m] = site.bigram_score(lex, c, &e);
            beside[m] = e;
            cands[m] = cands[i];
            m += 1;
        }
        if m > tune::RESCORE {
            let mut order: Vec<usize> = (0..m).collect();
            // Stable: among equal ranks the thesaurus order (most frequent first) decides.
            order.sort_by(|&a, &b| rank[b].total_cmp(&rank[a]));
            order.truncate(tune::RESCORE);
            order.sort_unstable(); // keep the thesaurus order among the chosen
            for (j, &i) in order.iter().enumerate() {
                cands[j] = cands[i];
                beside[j] = beside[i];
            }
            m = tune::RESCORE;
        }
        // Prefetch the trigrams covering each survivor.
        for &(c, _, _) in &cands[..m] {
            site.prefetch_trigrams(lex, c);
        }
        // Stage 3: weigh the survivors.
        let mut total = 0.0f64;
        let mut best: Option<Judgement> = None;
        for (&(c, kind, lemma), e) in cands[..m].iter().zip(&beside) {
            let (s_c, a_c) = site.eval(lex, c, e);
            if s_c <= s_obs {
                continue;
            }
            if a_c < a_obs + tune::MIN_ATTEST_GAIN {
                continue;
            }
            let syn = self.synset_size(c).max(self.synset_size(lemma));
            let mut llr = s_c - s_obs + tune::LOG_PRIOR
                - syn.log10()
                - tune::FREQ_WEIGHT * (lex.unigram(c) - u_obs).max(0.0);
            if kind.contains(EdgeKind::INFLECTION) {
                llr += tune::INFLECTION_BONUS;
            }
            total += 10f64.powf(llr as f64);
            if best.as_ref().is_none_or(|b| llr > b.llr) {
                best = Some(Judgement {
                    cand: c,
                    kind,
                    llr,
                    gain: s_c - s_obs,
                    a_obs,
                    a_c,
                    obs_oov: obs.oov,
                    phrase: obs.phrase,
                    u_obs,
                    du: lex.unigram(c) - u_obs,
                    syn,
                    post: 0.0,
                    total: 0.0,
                });
            }
        }
        best.map(|mut b| {
            b.total = total;
            b.post = (total / (1.0 + total)) as f32;
            b
        })
    }

    /// Score one run of model words (a sentence, or part of one between out-of-model words).
    /// Two passes: the second judges every word with its confidently swapped neighbours
    /// replaced by their suggestions, so one swap does not spoil the context of the next.
    fn score_run(&self, doc: &Document, slots: &[Slot], emit: &mut dyn FnMut(&Verdict)) {
        let lex = self.lex;
        // A run cut by an out-of-model word, a number or a bracket has no real sentence edge
        // there: no `<s>` / `</s>` is put at the cut, so the word beside it is judged on the
        // context it really has.
        let real_start = slots
            .first()
            .is_some_and(|s| doc.tokens[s.token].sent_start);
        let real_end = slots.last().is_some_and(|s| !s.cut_after);
        let base = usize::from(real_start);
        let mut ids: Vec<WordId> = Vec::with_capacity(slots.len() + 2);
        if real_start {
            ids.push(lex.bos());
        }
        ids.extend(slots.iter().map(|s| s.id.expect("runs hold model words")));
        if real_end {
            ids.push(lex.eos());
        }
        // Prefetch the observed n-grams of the whole run (every word's attestation reads them).
        for k in 1..ids.len() {
            lex.prefetch_bigram(ids[k - 1], ids[k]);
            if k >= 2 {
                lex.prefetch_trigram(ids[k - 2], ids[k - 1], ids[k]);
            }
        }
        let first: Vec<Option<Judgement>> = slots
            .iter()
            .enumerate()
            .map(|(j, slot)| {
                if slot.eligible && !crate::budget::out_of_time() {
                    self.judge(&ids, j + base)
                } else {
                    None
                }
            })
            .collect();
        let mut fixed = ids.clone();
        for (j, jd) in first.iter().enumerate() {
            if let Some(jd) = jd {
                if jd.post >= tune::CORRECT {
                    fixed[j + base] = jd.cand;
                }
            }
        }
        let mut verdicts: Vec<Verdict> = Vec::new();
        for (j, slot) in slots.iter().enumerate() {
            if !slot.eligible {
                continue;
            }
            let k = j + base;
            // Re-judge only when a correction falls inside this word's trigram windows.
            let lo = k.saturating_sub(2);
            let hi = (k + 2).min(ids.len() - 1);
            let changed = (lo..=hi).any(|i| i != k && fixed[i] != ids[i]);
            let jd = if changed {
                let saved = fixed[k];
                fixed[k] = ids[k];
                let jd = self.judge(&fixed, k);
                fixed[k] = saved;
                jd
            } else {
                first[j].clone()
            };
            let Some(jd) = jd else { continue };
            let p1 = first[j].as_ref().map_or(0.0, |f| f.post);
            let features = jd.features(lex.degree(ids[k]), p1);
            verdicts.push(Verdict {
                first: slot.token,
                last: slot.token,
                confidence: calibrate(&features),
                jd,
                features,
            });
        }
        // Multi-word lemmas, judged on the observed context.
        let phrases = lex.phrases();
        for k in base..base + slots.len() {
            if k + 1 >= base + slots.len() {
                break;
            }
            for ph in phrases.starting(ids[k], ids[k + 1]) {
                let len = ph.words.len();
                let j = k - base;
                if j + len > slots.len()
                    || ids[k..k + len] != ph.words[..]
                    || !slots[j..j + len].iter().all(|s| s.prose)
                {
                    continue;
                }
                let Some(jd) = self.judge_phrase(&ids, k, ph) else {
                    continue;
                };
                let features = jd.features(ph.cands.len(), jd.post);
                verdicts.push(Verdict {
                    first: slots[j].token,
                    last: slots[j + len - 1].token,
                    confidence: calibrate(&features),
                    jd,
                    features,
                });
            }
        }
        // One verdict per word: where a phrase and a word (or two phrases) overlap, the more
        // confident one stands.
        verdicts.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        let mut taken: Vec<(usize, usize)> = Vec::new();
        verdicts.retain(|v| {
            let free = taken.iter().all(|&(a, b)| v.last < a || b < v.first);
            if free {
                taken.push((v.first, v.last));
            }
            free
        });
        verdicts.sort_by_key(|v| v.first);
        for v in &verdicts {
            emit(v);
        }
    }
}

/// The verdict on one word.
#[derive(Clone, Debug)]
struct Judgement {
    /// The best candidate (the likely original).
    cand: WordId,
    kind: EdgeKind,
    /// Its log-likelihood ratio (prior and normalisations included).
    llr: f32,
    /// log10 context gain of the candidate over the observed word.
    gain: f32,
    a_obs: u32,
    a_c: u32,
    du: f32,
    syn: f32,
    /// Posterior that the word was swapped (all candidates).
    post: f32,
    total: f64,
    /// The observed word is outside the model (a rare dictionary word).
    obs_oov: bool,
    /// The observed text is a multi-word lemma.
    phrase: bool,
    /// Unigram log probability of the observed word (a phrase: its own probability).
    u_obs: f32,
}

/// A judged word or phrase: tokens `first..=last` of the document.
pub(crate) struct Verdict {
    first: usize,
    last: usize,
    jd: Judgement,
    confidence: f32,
    features: [f32; tune::NF],
}

/// What is known of the observed text at a position, for [`NgramSwap::weigh`].
struct Observed {
    /// Its local score (see [`NgramSwap::local`]).
    s: f32,
    /// Its attestation.
    attest: u32,
    /// Its unigram log probability (a phrase: its own probability).
    unigram: f32,
    /// Outside the model.
    oov: bool,
    /// A multi-word lemma.
    phrase: bool,
}

impl Judgement {
    /// The calibration features: observed attestation (one-hot 3, 4, 5+), attestation gain,
    /// context gain (capped), candidate's frequency advantage, log synonym-set size, observed
    /// unigram, log neighbour count of the observed word, log summed likelihood ratio,
    /// first-pass posterior, number of thesauri with the edge (Moby, WordNet, WordNet
    /// similar-to), inflection edge, observed word rare, inflection of a neighbour, observed
    /// word outside the model.
    fn features(&self, n_obs: usize, p1: f32) -> [f32; tune::NF] {
        let u_obs = self.u_obs;
        let k = self.kind;
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        [
            b(self.a_obs == 3),
            b(self.a_obs == 4),
            b(self.a_obs >= 5),
            self.a_c as f32 - self.a_obs as f32,
            self.gain.min(6.0),
            self.du.max(0.0),
            self.syn.log10(),
            u_obs,
            (n_obs as f32 + 1.0).log10(),
            ((self.total + 1e-9).log10()) as f32,
            p1,
            b(k.contains(EdgeKind::MOBY))
                + b(k.contains(EdgeKind::WORDNET))
                + b(k.contains(EdgeKind::SIMILAR)),
            b(k.contains(EdgeKind::INFLECTION)),
            b(u_obs < -5.0),
            b(k.contains(VIA_INFLECTION)),
            b(self.obs_oov),
            b(self.phrase),
        ]
    }
}

/// One word the detector judged, with its calibration features: what
/// `unspun eval --dump-features` writes for `tools/fit_ngram.py`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WordJudgement {
    /// Byte span of the word in the original text.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
    /// The best candidate (the likely original).
    pub suggestion: String,
    /// The calibrated confidence (reported at [`tune::REPORT`] and above).
    pub confidence: f32,
    /// The calibration features (see `Judgement::features`).
    pub features: Vec<f32>,
}

/// Every word of `doc` that the detector judged, whatever its confidence, in text order.
pub fn judgements(doc: &Document) -> Vec<WordJudgement> {
    let det = NgramSwap {
        rule: 0,
        lex: Lexicon::embedded(),
    };
    let mut out = Vec::new();
    det.walk(doc, &mut |v| {
        let span = doc.orig_span_tokens(v.first, v.last);
        out.push(WordJudgement {
            start: span.start,
            end: span.end,
            suggestion: det.lex.word(v.jd.cand).to_string(),
            confidence: v.confidence,
            features: v.features.to_vec(),
        });
    });
    out
}

/// Calibrated probability that a word was swapped, from its features.
fn calibrate(x: &[f32; tune::NF]) -> f32 {
    let z: f32 = x.iter().zip(tune::W).map(|(a, w)| a * w).sum::<f32>() + tune::B;
    1.0 / (1.0 + (-z).exp())
}

/// "10^4 x" style ratio from a log10 difference.
fn s_obs_ratio(diff: f32) -> String {
    if diff >= 2.0 {
        format!("10^{:.0} x", diff)
    } else {
        format!("{:.0} x", 10f32.powf(diff))
    }
}

/// Function words that are never flagged (a spinner rarely changes them, and the model's view
/// of them is too context-bound to judge).
const NEVER: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "as", "it",
    "its", "he", "she", "we", "they", "i", "you", "that", "this", "not", "but", "if", "so", "no",
];

impl Detector for NgramSwap {
    fn detect(&self, doc: &Document, out: &mut Vec<Hit>) {
        let lex = self.lex;
        self.walk(doc, &mut |v| {
            let (jd, conf) = (&v.jd, v.confidence);
            if conf < tune::EVIDENCE {
                return;
            }
            let span = doc.orig_span_tokens(v.first, v.last);
            let orig = &doc.orig[span.clone()];
            let suggestion = super::foreign::match_case(lex.word(jd.cand), orig);
            let message = format!(
                "'{orig}' is unusual here: with '{suggestion}' the context is {} more likely \
                 (a thesaurus swap?)",
                s_obs_ratio(jd.gain)
            );
            let weight = if conf < tune::REPORT {
                conf * tune::EVIDENCE_WEIGHT
            } else {
                conf
            };
            let mut hit = Hit::new(self.rule, span, weight as f64)
                .suggest(suggestion)
                .message(message);
            // Below the reporting threshold a word still counts towards the document score.
            hit.evidence_only = conf < tune::REPORT;
            out.push(hit);
        });
    }
}

impl NgramSwap {
    /// Split the document into runs of model words and judge each run; `emit` gets every
    /// judged word (token index, verdict, calibrated confidence, features).
    fn walk(&self, doc: &Document, emit: &mut dyn FnMut(&Verdict)) {
        let lex = self.lex;
        // Words this document capitalises inside a sentence are names here ("Trump" at the
        // start of a sentence is the same name).
        let names: std::collections::HashSet<&str> = doc
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word && t.case == Case::Title && !t.sent_start)
            .map(|t| doc.norm_text(t))
            .collect();
        let mut run: Vec<Slot> = Vec::new();
        let mut in_quote = false;
        let cut = |run: &mut Vec<Slot>| {
            if let Some(last) = run.last_mut() {
                last.cut_after = true;
            }
        };
        for (i, t) in doc.tokens.iter().enumerate() {
            let boundary = t.sent_start || t.breaks_before > 0;
            if boundary && !run.is_empty() {
                cut(&mut run);
                self.score_run(doc, &run, emit);
                run.clear();
            }
            if boundary && t.breaks_before >= 2 {
                in_quote = false;
            }
            match t.kind {
                TokenKind::Word => {}
                TokenKind::Punct => {
                    let p = doc.norm_text(t);
                    if p == "\"" {
                        in_quote = !in_quote;
                    }
                    // Commas and the like are invisible to the model (trained on speech);
                    // brackets, colons and dashes start a new run.
                    if matches!(p, "(" | ")" | "[" | "]" | ":" | ";" | "-" | "/" | "\"")
                        && !run.is_empty()
                    {
                        cut(&mut run);
                        self.score_run(doc, &run, emit);
                        run.clear();
                    }
                    continue;
                }
                _ => {
                    if !run.is_empty() {
                        cut(&mut run);
                        self.score_run(doc, &run, emit);
                        run.clear();
                    }
                    continue;
                }
            }
            let w = doc.norm_text(t);
            // Words outside the model cut the run, except rare lower-case dictionary words
            // with thesaurus neighbours: a spinner's favourites ("thriftiness", "astir"). An
            // inflection of a model word ("sourced") is only a gap in the model's vocabulary.
            let id = lex.id(w).filter(|&id| {
                lex.in_lm(id)
                    || (t.case == Case::Lower
                        && !in_quote
                        && lex.in_dict(id)
                        && lex.degree(id) > 0
                        && !lex
                            .neighbours(id)
                            .any(|(c, k)| k.contains(EdgeKind::INFLECTION) && lex.in_lm(c)))
            });
            let Some(id) = id else {
                if !run.is_empty() {
                    cut(&mut run);
                    self.score_run(doc, &run, emit);
                    run.clear();
                }
                continue;
            };
            let name_like = match t.case {
                Case::Lower => false,
                Case::Title => !t.sent_start || names.contains(w) || lex.is_name_only(id),
                _ => true,
            };
            let eligible = !name_like
                && !in_quote
                && w.len() >= 2
                && !NEVER.contains(&w)
                && !w.contains(['\'', '.']);
            run.push(Slot {
                token: i,
                id: Some(id),
                eligible,
                prose: !name_like && !in_quote,
                cut_after: false,
            });
        }
        if !run.is_empty() {
            self.score_run(doc, &run, emit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reported verdicts of `text`: (flagged text, suggestion).
    fn flagged(text: &str) -> Vec<(String, String)> {
        judgements(&Document::new(text))
            .into_iter()
            .filter(|j| j.confidence >= tune::REPORT)
            .map(|j| (text[j.start..j.end].to_string(), j.suggestion))
            .collect()
    }

    /// Word ids of real sentences, with words outside the language model and run edges mixed
    /// in, and random model words: the contexts `Site` must handle.
    fn sample_runs() -> Vec<Vec<WordId>> {
        let lex = Lexicon::embedded();
        let text = "the committee will hold a hearing on the new budget next week \
                    in no uncertain terms the president said the summit was a success \
                    warning lights are blinking red across the intelligence community";
        let words: Vec<WordId> = text.split(' ').filter_map(|w| lex.id(w)).collect();
        let (lm, vocab) = (lex.lm_len() as u64, lex.vocab_len() as u64);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut runs = vec![words.clone()];
        for _ in 0..200 {
            let len = 1 + rnd(7) as usize;
            let run = (0..len)
                .map(|_| match rnd(10) {
                    0 => (lm + rnd(vocab - lm)) as WordId, // a dictionary word outside the model
                    1 => lex.bos(),
                    2..=5 => rnd(lm) as WordId,
                    _ => words[rnd(words.len() as u64) as usize],
                })
                .collect();
            runs.push(run);
        }
        runs
    }

    #[test]
    fn a_site_scores_every_word_as_the_plain_model_does() {
        let det = NgramSwap {
            rule: 0,
            lex: Lexicon::embedded(),
        };
        let lex = det.lex;
        let mut checked = 0;
        for ids in sample_runs() {
            for k in 0..ids.len() {
                let site = Site::new(lex, &ids, k);
                let mut words: Vec<WordId> = ids.clone();
                words.extend(lex.neighbours(ids[k]).map(|(c, _)| c));
                for c in words.into_iter().filter(|&c| lex.in_lm(c)) {
                    let e = site.beside(lex, c);
                    let (s, n) = site.eval(lex, c, &e);
                    let (want_s, want_n) = (det.local(&ids, k, c), det.attest(&ids, k, c));
                    assert_eq!(
                        s.to_bits(),
                        want_s.to_bits(),
                        "local score of {c} at {k} of {ids:?}"
                    );
                    assert_eq!(n, want_n, "attestation of {c} at {k} of {ids:?}");
                    let prev = k.checked_sub(1).map(|i| ids[i]);
                    let next = ids.get(k + 1).copied();
                    let want = prev.map_or(lex.unigram(c), |p| lex.logp(&[p], c))
                        + next.map_or(0.0, |x| lex.logp(&[c], x));
                    assert_eq!(site.bigram_score(lex, c, &e).to_bits(), want.to_bits());
                    assert_eq!(e.left.map(|l| l.0), prev.and_then(|p| lex.bigram(p, c)));
                    assert_eq!(e.right.map(|r| r.0), next.and_then(|x| lex.bigram(c, x)));
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "only {checked} cases");
    }

    #[test]
    fn a_multi_word_lemma_is_one_finding_with_its_single_word_synonym() {
        let f = flagged("Information technology is time for us to act together.");
        assert_eq!(f, [("Information technology".into(), "it".into())]);
    }

    #[test]
    fn an_inflection_of_a_synonym_is_a_candidate() {
        let f = flagged("They personify the best of America.");
        assert!(f.contains(&("personify".into(), "are".into())), "{f:?}");
    }

    #[test]
    fn rare_dictionary_words_are_judged_but_model_gaps_are_not() {
        let f = flagged("The nation needs thriftiness and hard work from every family.");
        assert!(
            f.contains(&("thriftiness".into(), "economy".into())),
            "{f:?}"
        );
        let f = flagged("The report keeps in mind that the claim is sourced broadly.");
        assert!(!f.iter().any(|(w, _)| w == "sourced"), "{f:?}");
    }
}
