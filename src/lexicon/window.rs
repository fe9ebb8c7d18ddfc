//! One position of a word sequence scored with the trigram model: the context window.
//!
//! One notation serves the n-gram code and its documentation. At position `k` of a sequence
//! of ids, the word there and the two words either side are
//!
//! ```text
//! u v [w] x y        u = ids[k-2]  v = ids[k-1]  w = ids[k]  x = ids[k+1]  y = ids[k+2]
//! ```
//!
//! `w` is the word in the slot: the one written there, or any word put in its place. Near the
//! ends of the sequence some of `u v x y` are missing. Three trigram windows cover `w`:
//! `u v w`, `v w x` and `w x y`.
//!
//! * The **local score** of `w` is the sum of their Katz-backoff log10 probabilities
//!   (as [`Lexicon::logp`] gives them: a shorter context where `u` or `v` is missing, a context
//!   word outside the model cutting the context after it), a term dropped where `x` or `y` is
//!   missing:
//!
//!   ```text
//!   S(w) = log P(w | u v) + log P(x | v w) + log P(y | w x)
//!   ```
//!
//!   Only these three terms change when `w` does, so `S(c) − S(w)` is the log10 likelihood
//!   ratio of the whole sequence with `c` in the slot against it with `w`.
//! * The **attestation** of `w` says how much of that the model saw explicitly rather than
//!   backed off to: window `u v w` counts 3 if the model has the trigram, else 2 if it has the
//!   bigram `v w`, else 1 (1 without `v`); window `v w x` (if there is an `x`) 3 for the trigram,
//!   else 2 for the bigram `w x`, else 1; window `w x y` (if there is a `y`) 1 for the trigram,
//!   else 0. From 1 to 7.
//!
//! [`Lexicon::local_score`] and [`Lexicon::attestation`] compute them from the definitions.
//! [`Window`] computes the same numbers bit for bit when many words are put in one slot (the
//! candidates of `ngram.swap`): the terms that do not depend on `w` are computed once, and
//! each n-gram is looked up once per word.

use super::{Lexicon, WordId};

/// An explicit bigram entry `a b` of the model.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BigramEntry {
    /// log10 P(b | a).
    pub logp: f32,
    /// log10 backoff weight of the context `a b` (used when a trigram `a b ·` is missing).
    pub backoff: f32,
}

/// The bigram entries of a word `w` put in a [`Window`]: `v w` and `w x`, if the model has
/// them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Beside {
    /// The entry `v w`.
    pub vw: Option<BigramEntry>,
    /// The entry `w x`.
    pub wx: Option<BigramEntry>,
}

/// The local score and attestation of a word in a window (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Local {
    /// `S(w)`, log10.
    pub score: f32,
    /// How many of its windows the model has explicitly, 1 to 7.
    pub attest: u32,
}

/// The context `u v [·] x y` of one position and the parts of the Katz model that do not
/// depend on the word in the slot. [`Window::local`] then scores any model word put there
/// as [`Lexicon::local_score`] and [`Lexicon::attestation`] do, bit for bit, looking each
/// n-gram up once; the bigram entries it needs ([`Window::beside`]) are looked up apart, so
/// that a caller can first rank many words on them ([`Window::bigram_score`]).
pub struct Window<'a> {
    lex: &'a Lexicon,
    /// The two words before the slot and the two after it, where the sequence has them.
    pub u: Option<WordId>,
    /// See [`Window::u`].
    pub v: Option<WordId>,
    /// See [`Window::u`].
    pub x: Option<WordId>,
    /// See [`Window::u`].
    pub y: Option<WordId>,
    /// The neighbour exists and is a model word (a word outside the model cuts the context).
    u_lm: bool,
    v_lm: bool,
    x_lm: bool,
    y_lm: bool,
    /// log10 backoff weight of the bigram context `u v`.
    bo_uv: f32,
    /// log10 backoff weight of the unigram context `v`.
    bo_v: f32,
    /// Unigram log10 P(x) and P(y) (the out-of-model constant for a word outside the model).
    lp_x: f32,
    lp_y: f32,
    /// Bigram-model log10 P(y | x).
    lp_y_x: f32,
}

impl Lexicon {
    /// The window around position `k` of `ids` (the word at `k` itself is ignored).
    pub fn window(&self, ids: &[WordId], k: usize) -> Window<'_> {
        let v = k.checked_sub(1).map(|i| ids[i]);
        let u = k.checked_sub(2).map(|i| ids[i]);
        let (x, y) = (ids.get(k + 1).copied(), ids.get(k + 2).copied());
        let lm = |a: Option<WordId>| a.is_some_and(|a| self.in_lm(a));
        let (u_lm, v_lm, x_lm, y_lm) = (lm(u), lm(v), lm(x), lm(y));
        let bo_uv = match (u, v) {
            (Some(u), Some(v)) if u_lm && v_lm => self.bigram_backoff(u, v),
            _ => 0.0,
        };
        let lp_y_x = match (x, y) {
            (Some(x), Some(y)) if x_lm && y_lm => self.logp(&[x], y),
            _ => 0.0,
        };
        Window {
            lex: self,
            u,
            v,
            x,
            y,
            u_lm,
            v_lm,
            x_lm,
            y_lm,
            bo_uv,
            bo_v: v.map_or(0.0, |v| self.unigram_backoff(v)),
            lp_x: x.map_or(0.0, |x| self.unigram(x)),
            lp_y: y.map_or(0.0, |y| self.unigram(y)),
            lp_y_x,
        }
    }

    /// The local score `S(w)` of `w` at position `k` of `ids` (`ids[k]` replaced by `w`; see
    /// the [module docs](crate::lexicon::window)). Any word, in the model or not.
    #[inline]
    pub fn local_score(&self, ids: &[WordId], k: usize, w: WordId) -> f32 {
        // log P(w | u v)
        let mut s = self.logp(&ids[k.saturating_sub(2)..k], w);
        if k + 1 < ids.len() {
            // log P(x | v w)
            s += match k {
                0 => self.logp(&[w], ids[k + 1]),
                _ => self.logp(&[ids[k - 1], w], ids[k + 1]),
            };
        }
        if k + 2 < ids.len() {
            // log P(y | w x)
            s += self.logp(&[w, ids[k + 1]], ids[k + 2]);
        }
        s
    }

    /// The attestation of `w` at position `k` of `ids` (`ids[k]` replaced by `w`), 1 to 7 (see
    /// the [module docs](crate::lexicon::window)).
    #[inline]
    pub fn attestation(&self, ids: &[WordId], k: usize, w: WordId) -> u32 {
        let v = k.checked_sub(1).map(|i| ids[i]);
        let mut n = match v {
            Some(v) => self.order(k.checked_sub(2).map(|i| ids[i]), v, w),
            None => 1,
        };
        if k + 1 < ids.len() {
            n += self.order(v, w, ids[k + 1]);
        }
        if k + 2 < ids.len() && self.trigram(w, ids[k + 1], ids[k + 2]).is_some() {
            n += 1;
        }
        n
    }

    /// The attestation of the span `ids[k..k + len]` at its edges: as [`Self::attestation`]
    /// with the windows into its first word (`u v` before it) and out of its last (the last two
    /// words, then `x y` after it); the windows inside the span are not counted.
    pub fn span_attestation(&self, ids: &[WordId], k: usize, len: usize) -> u32 {
        let last = k + len - 1;
        let mut n = match k.checked_sub(1) {
            Some(v) => self.order(k.checked_sub(2).map(|i| ids[i]), ids[v], ids[k]),
            None => 1,
        };
        if last + 1 < ids.len() {
            n += self.order(
                last.checked_sub(1).map(|i| ids[i]),
                ids[last],
                ids[last + 1],
            );
        }
        if last + 2 < ids.len()
            && self
                .trigram(ids[last], ids[last + 1], ids[last + 2])
                .is_some()
        {
            n += 1;
        }
        n
    }

    /// Σ `log10 P(ids[i] | ids[i-2..i])` over `i` in `span`, the context not reaching
    /// before `from` (`from` = 0: the whole sequence; `from` = the span's start: the span's
    /// own probability).
    pub fn span_logp(&self, ids: &[WordId], span: std::ops::Range<usize>, from: usize) -> f32 {
        span.map(|i| self.logp(&ids[from.max(i.saturating_sub(2))..i], ids[i]))
            .sum()
    }

    /// The order of the window `a b c` the model has: 3 for an explicit trigram (only with an
    /// `a`), 2 for an explicit bigram `b c`, else 1.
    #[inline]
    fn order(&self, a: Option<WordId>, b: WordId, c: WordId) -> u32 {
        if a.is_some_and(|a| self.trigram(a, b, c).is_some()) {
            3
        } else if self.bigram(b, c).is_some() {
            2
        } else {
            1
        }
    }
}

impl Window<'_> {
    /// Start loading the bigram entries [`Window::beside`] reads for `w`.
    #[inline]
    pub fn prefetch_bigrams(&self, w: WordId) {
        if let Some(v) = self.v {
            self.lex.prefetch_bigram(v, w);
        }
        if let Some(x) = self.x {
            self.lex.prefetch_bigram(w, x);
        }
    }

    /// The bigram entries `v w` and `w x` of model word `w`.
    #[inline]
    pub fn beside(&self, w: WordId) -> Beside {
        Beside {
            vw: self.v.and_then(|v| self.lex.bigram_with_backoff(v, w)),
            wx: self.x.and_then(|x| self.lex.bigram_with_backoff(w, x)),
        }
    }

    /// Bigram-model log10 P(w | v) (the unigram without a model word `v`).
    #[inline]
    fn lp_w_v(&self, w: WordId, b: &Beside) -> f32 {
        if !self.v_lm {
            return self.lex.unigram(w);
        }
        match b.vw {
            Some(e) => e.logp,
            None => self.bo_v + self.lex.unigram(w),
        }
    }

    /// Bigram-model log10 P(x | w); only with an `x`.
    #[inline]
    fn lp_x_w(&self, w: WordId, b: &Beside) -> f32 {
        if !self.x_lm {
            return self.lp_x;
        }
        match b.wx {
            Some(e) => e.logp,
            None => self.lex.unigram_backoff(w) + self.lp_x,
        }
    }

    /// The bigram model's local score of model word `w`, log P(w | v) + log P(x | w): a cheap
    /// ranking before [`Window::local`].
    #[inline]
    pub fn bigram_score(&self, w: WordId, b: &Beside) -> f32 {
        self.lp_w_v(w, b) + self.x.map_or(0.0, |_| self.lp_x_w(w, b))
    }

    /// Start loading the trigrams [`Window::local`] reads for `w`.
    #[inline]
    pub fn prefetch_trigrams(&self, w: WordId) {
        if let (Some(u), Some(v)) = (self.u, self.v) {
            self.lex.prefetch_trigram(u, v, w);
        }
        if let (Some(v), Some(x)) = (self.v, self.x) {
            self.lex.prefetch_trigram(v, w, x);
        }
        if let (Some(x), Some(y)) = (self.x, self.y) {
            self.lex.prefetch_trigram(w, x, y);
        }
    }

    /// The local score and attestation of model word `w` in the slot, given its bigram
    /// entries: equal, bit for bit, to [`Lexicon::local_score`] and [`Lexicon::attestation`].
    #[inline]
    pub fn local(&self, w: WordId, b: &Beside) -> Local {
        let lex = self.lex;
        let uvw = match (self.u, self.v) {
            (Some(u), Some(v)) if self.u_lm && self.v_lm => lex.trigram(u, v, w),
            _ => None,
        };
        let vwx = match (self.v, self.x) {
            (Some(v), Some(x)) if self.v_lm && self.x_lm => lex.trigram(v, w, x),
            _ => None,
        };
        let wxy = match (self.x, self.y) {
            (Some(x), Some(y)) if self.x_lm && self.y_lm => lex.trigram(w, x, y),
            _ => None,
        };
        // The order of a window: an explicit trigram 3, else an explicit bigram 2, else 1.
        let order = |tri: Option<f32>, bi: Option<BigramEntry>| {
            if tri.is_some() {
                3
            } else if bi.is_some() {
                2
            } else {
                1
            }
        };
        // log P(w | u v), term by term as `logp` backs off.
        let mut score = if !self.v_lm {
            lex.unigram(w)
        } else if !self.u_lm {
            self.lp_w_v(w, b)
        } else {
            uvw.unwrap_or_else(|| self.bo_uv + self.lp_w_v(w, b))
        };
        let mut attest = order(uvw, b.vw);
        if self.x.is_some() {
            // log P(x | v w)
            score += if !self.x_lm {
                self.lp_x
            } else if !self.v_lm {
                self.lp_x_w(w, b)
            } else {
                vwx.unwrap_or_else(|| b.vw.map_or(0.0, |e| e.backoff) + self.lp_x_w(w, b))
            };
            attest += order(vwx, b.wx);
        }
        if self.y.is_some() {
            // log P(y | w x)
            score += if !self.y_lm || !self.x_lm {
                self.lp_y
            } else {
                wxy.unwrap_or_else(|| b.wx.map_or(0.0, |e| e.backoff) + self.lp_y_x)
            };
            attest += u32::from(wxy.is_some());
        }
        Local { score, attest }
    }
}
