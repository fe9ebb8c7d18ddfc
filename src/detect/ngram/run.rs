//! One run of model words, judged: two passes over its words, then its multi-word lemmas,
//! then one verdict per word.

use super::features::Features;
use super::judge::Judgement;
use super::{closed_class, tune, DocContext, NgramSwap, Slot, Verdict};
use crate::lexicon::WordId;
use crate::text::Document;

impl NgramSwap {
    /// Judge one run of model words (a sentence, or part of one between out-of-model words)
    /// and pass every verdict to `emit`, in text order. The second pass judges each word again
    /// with its confidently swapped neighbours replaced by their suggestions, so one swap does
    /// not spoil the context of the next.
    pub(super) fn score_run(
        &self,
        doc: &Document,
        ctx: &DocContext,
        slots: &[Slot],
        emit: &mut dyn FnMut(&Verdict),
    ) {
        let lex = self.lex;
        // One prior for every word today; the judge takes it as an input so that a
        // document-level or per-word prior can be put here.
        let prior = tune::LOG_PRIOR;
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
        ids.extend(slots.iter().map(|s| s.id));
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
        // First pass: every eligible word on the text as written.
        let first: Vec<Option<Judgement>> = slots
            .iter()
            .enumerate()
            .map(|(j, slot)| {
                if slot.eligible && !crate::budget::out_of_time() {
                    self.judge(&ids, j + base, prior)
                } else {
                    None
                }
            })
            .collect();
        // The run with the first pass's confident suggestions in place.
        let mut fixed = ids.clone();
        for (j, jd) in first.iter().enumerate() {
            if let Some(jd) = jd {
                if jd.posterior >= tune::CORRECT {
                    fixed[j + base] = jd.best.word;
                }
            }
        }
        // Second pass: a word whose window holds a correction is judged again in the corrected
        // run (itself as written).
        let mut verdicts: Vec<Verdict> = Vec::new();
        for (j, slot) in slots.iter().enumerate() {
            if !slot.eligible {
                continue;
            }
            let k = j + base;
            let lo = k.saturating_sub(2);
            let hi = (k + 2).min(ids.len() - 1);
            let changed = (lo..=hi).any(|i| i != k && fixed[i] != ids[i]);
            let jd = if changed {
                let saved = fixed[k];
                fixed[k] = ids[k];
                let jd = self.judge(&fixed, k, prior);
                fixed[k] = saved;
                jd
            } else {
                first[j].clone()
            };
            let Some(jd) = jd else { continue };
            let p1 = first[j].as_ref().map_or(0.0, |f| f.posterior);
            let c = self.context(doc, ctx, slots, (j, j), &jd);
            verdicts.push(Verdict::new(slot.token, slot.token, jd, p1, c));
        }
        // Multi-word lemmas, judged on the observed context (one pass).
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
                let Some(jd) = self.judge_phrase(&ids, k, ph, prior) else {
                    continue;
                };
                let p1 = jd.posterior;
                let c = self.context(doc, ctx, slots, (j, j + len - 1), &jd);
                verdicts.push(Verdict::new(
                    slots[j].token,
                    slots[j + len - 1].token,
                    jd,
                    p1,
                    c,
                ));
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

/// What the document and the word's surroundings say about a verdict (see
/// [`Features::of`]).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct WordContext {
    /// Other occurrences of the observed word (its first word for a phrase) in the document.
    pub repeats: u32,
    /// The suggested original occurs in the document too.
    pub candidate_in_doc: bool,
    /// The observed word is a closed-class word.
    pub obs_closed: bool,
    /// The suggestion is a closed-class word.
    pub cand_closed: bool,
    /// Markup or code was masked out next to the word (its context is broken).
    pub near_markup: bool,
    /// The word's sentence does not end like one (a heading, a list item, a cell).
    pub fragment: bool,
}

impl NgramSwap {
    /// The context of the verdict on slots `j..=last` of a run.
    fn context(
        &self,
        doc: &Document,
        ctx: &DocContext,
        slots: &[Slot],
        (j, last): (usize, usize),
        jd: &Judgement,
    ) -> WordContext {
        let obs = doc.norm_text(&doc.tokens[slots[j].token]);
        let cand = self.lex.word(jd.best.word);
        WordContext {
            repeats: ctx.count(obs).saturating_sub(1),
            candidate_in_doc: ctx.count(cand) > 0,
            obs_closed: last == j && closed_class(obs),
            cand_closed: closed_class(cand),
            near_markup: slots[j].after_mask || slots.get(last + 1).is_some_and(|s| s.after_mask),
            fragment: slots[j].fragment,
        }
    }
}

impl Verdict {
    /// The verdict on tokens `first..=last`, calibrated; `p1`: the first pass's posterior.
    fn new(first: usize, last: usize, judgement: Judgement, p1: f32, c: WordContext) -> Verdict {
        let features = Features::of(&judgement, p1, &c);
        Verdict {
            first,
            last,
            confidence: features.confidence(),
            evidence: features.evidence(),
            judgement,
            features,
        }
    }
}
