//! The judge: the observed text in its window against its candidate originals.
//!
//! In the window `u v [w] x y` of the observed word `w`, each candidate `c` is put in the slot
//! and weighed on the local scores `S` of the trigram model (see [`crate::lexicon::window`]):
//!
//! ```text
//! LLR(c)    = S(c) − S(w) + prior − log |syn(c)|      (log10: was c replaced by w?)
//! odds      = Σ_c 10^LLR(c)
//! posterior = odds / (1 + odds)
//! ```
//!
//! `prior` is the log10 prior odds that the word was swapped, an input of the judge (today
//! [`tune::LOG_PRIOR`] for every word). `1/|syn(c)|` is the chance that the spinner picked `w`
//! among the neighbours of `c` (of the lemma it looked up, at least [`tune::MIN_SYNSET`]), so
//! generic words with huge synonym sets ("go", "way") need much more contextual support to
//! win. A candidate counts only if its context is attested (the model has a bigram `v c` or
//! `c x`), is at least as well attested as the observed word's, and scores better. The
//! suggestion is the candidate with the highest LLR.

use super::candidates::{Candidate, Candidates};
use super::{tune, NgramSwap};
use crate::lexicon::{Beside, Local, Phrase, Window, WordId};

/// What is known of the observed text in its window.
#[derive(Clone, Copy, Debug)]
pub(super) struct Observed {
    /// Its local score `S(w)` (a phrase: its words and the two after it).
    pub score: f32,
    /// Its attestation (a phrase: at its edges).
    pub attest: u32,
    /// Its unigram log10 probability (a phrase: the phrase's own probability).
    pub unigram: f32,
    /// Its thesaurus neighbours (a phrase: its single-word synonyms).
    pub neighbours: usize,
    /// Outside the language model (a rare dictionary word).
    pub out_of_model: bool,
    /// A multi-word lemma.
    pub phrase: bool,
}

/// The judge's verdict on one word or phrase.
#[derive(Clone, Debug)]
pub(super) struct Judgement {
    /// The observed text.
    pub observed: Observed,
    /// The best candidate: the likely original.
    pub best: Candidate,
    /// Its LLR.
    pub llr: f32,
    /// Its context gain `S(c) − S(w)`.
    pub gain: f32,
    /// Its attestation.
    pub attest: u32,
    /// The synonym-set size its LLR assumed.
    pub synset: f32,
    /// Its unigram log10 probability minus the observed text's.
    pub unigram_gain: f32,
    /// The posterior odds that the word was swapped (all candidates).
    pub odds: f64,
    /// The posterior probability.
    pub posterior: f32,
}

impl NgramSwap {
    /// Judge the word at `k` of `ids` against its thesaurus neighbours; `prior`: the log10
    /// prior odds that it was swapped.
    pub(super) fn judge(&self, ids: &[WordId], k: usize, prior: f32) -> Option<Judgement> {
        let direct = self.judge_here(ids, k, prior);
        if direct.as_ref().is_some_and(|j| j.posterior >= 0.5) {
            return direct;
        }
        match self.judge_by_class(ids, k, prior) {
            Some(b) if direct.as_ref().is_none_or(|d| b.odds > d.odds) => Some(b),
            _ => direct,
        }
    }

    /// Back off from a place name beside the word to its class: the model may never have
    /// seen "Helsinki summit", but it has seen summits after other cities. The word is judged
    /// with each of the class's exemplars in the name's place; the odds are their mean (the
    /// name is one of them, we do not know which), and the verdict is the one of the exemplar
    /// closest to that mean.
    fn judge_by_class(&self, ids: &[WordId], k: usize, prior: f32) -> Option<Judgement> {
        let classes = self.lex.name_classes();
        let (at, class) = [k.checked_sub(1), Some(k + 1)]
            .into_iter()
            .flatten()
            .filter(|&i| i < ids.len())
            .find_map(|i| classes.class_of(ids[i]).map(|c| (i, c)))?;
        if class.exemplars.is_empty() {
            return None;
        }
        let mut alt = ids.to_vec();
        let mut verdicts: Vec<Judgement> = Vec::with_capacity(class.exemplars.len());
        for &e in &class.exemplars {
            if e == ids[at] {
                continue;
            }
            alt[at] = e;
            if let Some(j) = self.judge_here(&alt, k, prior) {
                verdicts.push(j);
            }
        }
        let tried = class.exemplars.len().max(1) as f64;
        let mean = verdicts.iter().map(|j| j.odds).sum::<f64>() / tried;
        let mut b = verdicts
            .into_iter()
            .min_by(|a, b| (a.odds - mean).abs().total_cmp(&(b.odds - mean).abs()))?;
        b.odds = mean;
        b.posterior = (mean / (1.0 + mean)) as f32;
        Some(b)
    }

    /// [`Self::judge`] in the word's own window only.
    fn judge_here(&self, ids: &[WordId], k: usize, prior: f32) -> Option<Judgement> {
        let lex = self.lex;
        let w = ids[k];
        let window = lex.window(ids, k);
        let local = if lex.in_lm(w) {
            window.local(w, &window.beside(w))
        } else {
            Local {
                score: lex.local_score(ids, k, w),
                attest: lex.attestation(ids, k, w),
            }
        };
        if local.attest >= tune::SKIP_ATTESTED {
            // Every window around the word is an explicit n-gram: nothing to explain.
            return None;
        }
        let observed = Observed {
            score: local.score,
            attest: local.attest,
            unigram: lex.unigram(w),
            neighbours: lex.degree(w),
            out_of_model: !lex.in_lm(w),
            phrase: false,
        };
        self.weigh(&window, &observed, Candidates::of_word(lex, w), prior)
    }

    /// Judge a multi-word lemma at `ids[k..k + len]` against its single-word synonyms
    /// ("information technology" for "it"): its words and the two after it, against one
    /// word and the same two.
    pub(super) fn judge_phrase(
        &self,
        ids: &[WordId],
        k: usize,
        ph: &Phrase,
        prior: f32,
    ) -> Option<Judgement> {
        let lex = self.lex;
        let len = ph.words.len();
        let attest = lex.span_attestation(ids, k, len);
        if attest >= tune::SKIP_ATTESTED_PHRASE {
            return None;
        }
        let end = (k + len + 2).min(ids.len());
        let observed = Observed {
            score: lex.span_logp(ids, k..end, 0),
            attest,
            unigram: lex.span_logp(ids, k..k + len, k),
            neighbours: ph.cands.len(),
            out_of_model: false,
            phrase: true,
        };
        // The window of one word in the phrase's place.
        let mut alt: Vec<WordId> = Vec::with_capacity(ids.len());
        alt.extend_from_slice(&ids[..k]);
        alt.push(ph.cands[0]);
        alt.extend_from_slice(&ids[k + len..]);
        let cands = Candidates::of_phrase(lex, ph, ids[k]);
        self.weigh(&lex.window(&alt, k), &observed, cands, prior)
    }

    /// Weigh the candidates, each put in the window's slot, against the observed text.
    fn weigh(
        &self,
        window: &Window,
        observed: &Observed,
        mut cands: Candidates,
        prior: f32,
    ) -> Option<Judgement> {
        // The model look-ups below are cache misses in tables of tens of megabytes. Each stage
        // prefetches what the next one reads for all candidates, so the misses overlap.
        // Stage 1: prefetch both bigrams beside each candidate.
        for c in cands.as_slice() {
            window.prefetch_bigrams(c.word);
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
            let e = window.beside(cands[i].word);
            if e.vw.is_none() && e.wx.is_none() {
                continue;
            }
            rank[m] = window.bigram_score(cands[i].word, &e);
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
        for c in &cands[..m] {
            window.prefetch_trigrams(c.word);
        }
        // Stage 3: weigh the survivors on their trigram context.
        let mut odds = 0.0f64;
        let mut best: Option<Judgement> = None;
        for (c, e) in cands[..m].iter().zip(&beside) {
            let local = window.local(c.word, e);
            if local.score <= observed.score || local.attest < observed.attest {
                continue;
            }
            let synset = self.synset_size(c.word).max(self.synset_size(c.lemma));
            let gain = local.score - observed.score;
            let llr = gain + prior - synset.log10();
            odds += 10f64.powf(llr as f64);
            if best.as_ref().is_none_or(|b| llr > b.llr) {
                best = Some(Judgement {
                    observed: *observed,
                    best: *c,
                    llr,
                    gain,
                    attest: local.attest,
                    synset,
                    unigram_gain: 0.0,
                    odds: 0.0,
                    posterior: 0.0,
                });
            }
        }
        best.map(|mut b| {
            b.unigram_gain = self.lex.unigram(b.best.word) - observed.unigram;
            b.odds = odds;
            b.posterior = (odds / (1.0 + odds)) as f32;
            b
        })
    }

    /// The synonym-set size a spinner picked from, looking up `c`.
    fn synset_size(&self, c: WordId) -> f32 {
        (self.lex.degree(c) as f32).max(tune::MIN_SYNSET)
    }
}
