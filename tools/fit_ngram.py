#!/usr/bin/env python3
"""Fit ngram.swap: its two word scores and its document model.

    unspun eval SPUN.jsonl --dump-doc a.jsonl             # labelled spun texts + originals
    unspun eval --clean bench-data/clean/dev --dump-doc b.jsonl   # clean text, by genre
    tools/spin_corpus.py --per-genre 400 --clean-passages bench-data/passages/dev
    unspun eval --clean bench-data/passages/dev --dump-doc c.jsonl  # clean 120-300-word passages
    tools/fit_ngram.py a.jsonl b.jsonl c.jsonl [...] [--target-fp 0.02] --report 0.6

The committed constants: a = ../shared/eval/dev.jsonl, b and c from the dev split. The
passages matter for step 4: a passage is judged on less text than the whole chapter it was cut
from, and 120-300 words is the length of the labelled spun texts and of a scraped excerpt.

Each input line is one document as the detector saw it (`DocRow` in src/eval.rs): its set
(`spun:SPINNER`, `original`, `clean:GENRE`), its eligible words, every judged word with its
calibration features (a JSON object keyed by feature name, see `Features` in
src/detect/ngram/features.rs) and whether it overlaps a labelled swap, and its sections.

What is fitted (numpy and scikit-learn; the committed constants were fitted with numpy 2.4.6
and scikit-learn 1.9.1, deterministic for a given version; see src/detect/ngram/document.rs):
1. trees.rs CONFIDENCE, the confidence c: gradient-boosted trees (scikit-learn's
   HistGradientBoostingClassifier, fixed settings below, no early stopping) of "swapped" on
   the features, over the words of spun texts: is this word a swap, given that its text is
   spun? Trees, not a logistic model: on the held-out half they raise the precision of the
   reported words by 3 to 5 points at the same recall (the features interact: a context gain
   means more for a word with few neighbours, a repeat means less in a long document).
2. EVIDENCE_WEIGHTS / EVIDENCE_INTERCEPT, the evidence e: a logistic regression (small L2
   penalty, Newton's method) of the swapped words of spun texts against every judged word of
   clean texts (originals and the clean corpora), the two classes weighted equally: does this
   word look like a swap or like clean text? A linear model on purpose: e decides whether a
   document of a genre it was not fitted on is spun at all, so it must transfer; fitted as
   trees it let period fiction look as spun as a real spun article (measured: the intercept
   A had to drop from -5.7 to -10 for fiction, and seeds/004 lost every ngram.swap finding).
3. DOC_RATIO_KNOTS / DOC_RATIO_UNJUDGED: ln D(e), the likelihood ratio of an evidence score on
   a swapped word against a word of clean text, from histograms (bins at quantiles of the
   swapped words' scores, pseudo-counts, made non-decreasing); the last value is for eligible
   words the judge did not weigh. WORD_RATIO_KNOTS: ln W(c), the same for the confidence, of
   swapped words against the other words of spun texts.
4. SPUN_INTERCEPT / SPUN_SLOPE: a logistic regression of "spun" on each document's strongest
   section evidence max(L - ln n, mean L) (classes weighted equally), whose intercept is then lowered until
   no clean set has more than --target-fp of its documents with a reported word (precision
   first).

Every document is first assigned to a half by a hash of its id (a record's spun text and its
original go together); the constants are fitted on one half and the report shows the other
half (held out), then everything is refitted on all documents and printed as Rust constants
for features.rs and tune.rs. Only these numbers are learnt from the data: no word or phrase of
it ends up in the repository.
"""
import argparse
import json
import math
import sys
import zlib

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

L2 = 1e-3
BINS = 14
PSEUDO = 5.0
RATES = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]
REPORT = 0.5
# The trees: few and shallow, many words per leaf (transfer to other texts before fit).
TREES = dict(max_iter=100, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=40,
             l2_regularization=1.0, early_stopping=False, random_state=0)
POOL_PENALTY = None


def load(paths):
    docs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            docs.extend(json.loads(line) for line in f if line.strip())
    if not docs:
        sys.exit("no documents")
    return docs


def half(doc):
    return zlib.crc32(doc["id"].rsplit("/", 1)[0].encode()) % 2


def fit_logistic(X, y, w):
    """Weighted L2-penalised logistic regression by Newton's method: (weights, intercept)."""
    A = np.column_stack([X, np.ones(len(X))])
    beta = np.zeros(A.shape[1])
    reg = np.full(A.shape[1], L2 * w.sum())
    reg[-1] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(A @ beta)))
        grad = A.T @ (w * (p - y)) + reg * beta
        H = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(H, grad)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return beta[:-1], beta[-1]


def fit_trees(X, y, w):
    """Gradient-boosted trees of y on X, samples weighted by w."""
    return HistGradientBoostingClassifier(**TREES).fit(X, y, sample_weight=w)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def isotonic(y, w):
    """Weighted pool-adjacent-violators: the non-decreasing fit of y."""
    blocks = []
    for yi, wi in zip(y, w):
        blocks.append([yi * wi, wi, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            a = blocks.pop()
            blocks[-1][0] += a[0]
            blocks[-1][1] += a[1]
            blocks[-1][2] += a[2]
    out = []
    for s, wt, n in blocks:
        out.extend([s / wt] * n)
    return np.array(out)


def ratio_knots(pos, neg, extra_pos=0.0, extra_neg=0.0):
    """Knots (score, ln ratio) of pos over neg scores, and the ratio of the extra counts."""
    qs = np.quantile(pos, np.linspace(0, 1, BINS + 1)[1:-1])
    edges = np.concatenate([[0.0], np.unique(np.round(qs, 4)), [1.0]])
    hp = np.histogram(pos, edges)[0] + PSEUDO
    hn = np.histogram(neg, edges)[0] + PSEUDO
    tp, tn = hp.sum() + extra_pos + PSEUDO, hn.sum() + extra_neg + PSEUDO
    ln = np.log((hp / tp) / (hn / tn))
    ln = isotonic(ln, 1.0 / (1.0 / hp + 1.0 / hn))
    # Knots at the median score of the positives in each bin.
    centres = [float(np.median(pos[(pos >= a) & (pos < b)])) if ((pos >= a) & (pos < b)).any()
               else (a + b) / 2 for a, b in zip(edges[:-1], edges[1:])]
    extra = math.log(((extra_pos + PSEUDO) / tp) / ((extra_neg + PSEUDO) / tn))
    return list(zip(centres, ln)), extra


def interp(knots, x):
    xs = np.array([k[0] for k in knots])
    ys = np.array([k[1] for k in knots])
    return np.exp(np.interp(x, xs, ys))


class Model:
    """Everything fitted from a set of documents."""

    def __init__(self, docs, names):
        self.names = names
        words = [(d, w) for d in docs for w in d["judged"]]
        X = np.array([[w["features"][n] for n in names] for _, w in words])
        y = np.array([float(w["swap"]) for _, w in words])
        spun = np.array([d["label"] == 1 for d, _ in words])
        # 1. The confidence: words of spun texts.
        self.conf = fit_trees(X[spun], y[spun], np.ones(spun.sum()))
        # 2. The evidence: swaps against words of clean texts, classes weighted equally.
        sel = (spun & (y == 1)) | ~spun
        npos, nneg = (spun & (y == 1)).sum(), (~spun).sum()
        wts = np.where(spun, 0.5 / max(npos, 1), 0.5 / max(nneg, 1))[sel] * len(X[sel])
        self.ew, self.eb = fit_logistic(X[sel], y[sel], wts)
        c = self.conf.predict_proba(X)[:, 1]
        e = sigmoid(X @ self.ew + self.eb)
        self.cache = {}
        # 3. The ratios. Eligible words not judged: swaps among them and clean ones.
        unj_swaps = sum(sum(1 for s, t in d["eligible"] if any(a < t and s < b for a, b in d["swaps"])
                            and not any(w["start"] < t and s < w["end"] for w in d["judged"]))
                        for d in docs if d["label"] == 1)
        unj_clean = sum(max(len(d["eligible"]) - len(d["judged"]), 0)
                        for d in docs if d["label"] == 0)
        self.doc_knots, ln_unj = ratio_knots(e[spun & (y == 1)], e[~spun], unj_swaps, unj_clean)
        self.doc_unjudged = math.exp(ln_unj)
        self.word_knots, _ = ratio_knots(c[spun & (y == 1)], c[spun & (y == 0)])
        # 4. The document calibration.
        self.a, self.s = 0.0, 1.0
        xs = np.array([self.strongest(d) for d in docs])
        lab = np.array([float(d["label"]) for d in docs])
        npos = lab.sum()
        wd = np.where(lab == 1, 0.5 / max(npos, 1), 0.5 / max(len(lab) - npos, 1)) * len(lab)
        (self.s,), self.a = fit_logistic(xs[:, None], lab, wd)

    def scores(self, d):
        if not d["judged"]:
            return np.zeros(0), np.zeros(0)
        if d["id"] not in self.cache:
            X = np.array([[w["features"][n] for n in self.names] for w in d["judged"]])
            self.cache[d["id"]] = (self.conf.predict_proba(X)[:, 1],
                                   sigmoid(X @ self.ew + self.eb))
        return self.cache[d["id"]]

    def profile(self, ratios, unj):
        best = (0.0, 0.0)
        for r in RATES:
            l = float(np.log((1 - r) + r * ratios).sum() + unj * math.log((1 - r) + r * self.doc_unjudged))
            if l > best[0]:
                best = (l, r)
        return best

    def sections(self, d):
        """Per section: (evidence used, rate, [(c, is swap)]): the larger of its own evidence
        less ln n and the document's pooled evidence (as `document::assess` does)."""
        c, e = self.scores(d)
        own, i = [], 0
        n = max(len(d["sections"]), 1)
        all_r, all_u = [], 0
        for elig, judged in d["sections"]:
            ratios = interp(self.doc_knots, e[i:i + judged]) if judged else np.zeros(0)
            unj = max(elig - judged, 0)
            all_r.append(ratios)
            all_u += unj
            l, r = self.profile(ratios, unj)
            own.append((l, r,
                        [(float(c[i + k]), d["judged"][i + k]["swap"]) for k in range(judged)]))
            i += judged
        pooled = sum(l for l, _, _ in own) / n
        if POOL_PENALTY is not None:
            # Every word of the document at one rate, less a cost per section (a miscalibration
            # of D adds up with length; a spun document's evidence grows faster).
            joint = self.profile(np.concatenate(all_r) if all_r else np.zeros(0), all_u)
            pooled = max(pooled, joint[0] - POOL_PENALTY * n)
        return [(max(l - math.log(n), pooled), r, ws) for l, r, ws in own]

    def strongest(self, d):
        return max((l for l, _, _ in self.sections(d)), default=0.0)

    def reported(self, d, report=None):
        report = REPORT if report is None else report
        """(reported words, of which swaps)."""
        rep = hit = 0
        for l, r, ws in self.sections(d):
            p = 1.0 / (1.0 + math.exp(-(self.a + self.s * l)))
            r = max(r, RATES[0])
            for c, is_swap in ws:
                x = float(interp(self.word_knots, c))
                if p * r * x / ((1 - r) + r * x) >= report:
                    rep += 1
                    hit += is_swap
        return rep, hit

    def lower_intercept(self, docs, target):
        """Lower the document intercept until no clean set has more than `target` of its
        documents with a reported word."""
        while self.a > -40:
            flagged = {}
            for d in docs:
                if d["label"] == 0:
                    f = flagged.setdefault(d["set"], [0, 0])
                    f[0] += 1
                    f[1] += self.reported(d)[0] > 0
            if max(b / a for a, b in flagged.values()) <= target:
                break
            self.a -= 0.25

    def report(self, docs, out=sys.stderr):
        per = {}
        for d in docs:
            rep, hit = self.reported(d)
            key = d["set"]
            s = per.setdefault(key, [0, 0, 0, 0, 0, 0])
            s[0] += 1
            s[1] += rep > 0
            s[2] += rep
            s[3] += hit
            s[4] += len(d["swaps"])
            s[5] += d["words"]
        print("%-34s %6s %8s %9s %8s %7s %7s" % ("set", "docs", "flagged", "reported",
                                                 "per10k", "prec", "recall"), file=out)
        for k in sorted(per):
            n, f, rep, hit, sw, words = per[k]
            prec = "%.3f" % (hit / rep) if rep else "-"
            rec = "%.3f" % (hit / sw) if sw else "-"
            print("%-34s %6d %8.3f %9d %8.1f %7s %7s" % (k, n, f / n, rep, 1e4 * rep / max(words, 1),
                                                     prec, rec), file=out)

    def rust(self):
        print("// trees.rs")
        ensemble("CONFIDENCE", self.conf, self.names, "The confidence `c`")
        print("\n// features.rs")
        print("/// The evidence score's weights, by feature.\npub const EVIDENCE_WEIGHTS: Features = Features {")
        for n, v in zip(self.names, self.ew):
            print(f"    {n}: {v:.4f},")
        print("};")
        print(f"/// The intercept of the evidence score.\npub const EVIDENCE_INTERCEPT: f32 = {self.eb:.4f};")
        print("\n// tune.rs")
        for name, knots in (("DOC_RATIO_KNOTS", self.doc_knots), ("WORD_RATIO_KNOTS", self.word_knots)):
            print(f"pub const {name}: [(f32, f32); {len(knots)}] = [")
            for x, y in knots:
                print(f"    ({x:.4f}, {y:.4f}),")
            print("];")
        print(f"pub const DOC_RATIO_UNJUDGED: f32 = {self.doc_unjudged:.4f};")
        print(f"pub const SPUN_INTERCEPT: f32 = {self.a:.4f};")
        print(f"pub const SPUN_SLOPE: f32 = {self.s:.4f};")
        print(f"pub const RATES: [f32; {len(RATES)}] = [{', '.join(str(r) for r in RATES)}];")
        print(f"pub const REPORT_POSTERIOR: f32 = {REPORT};")


def f32(x):
    """The shortest literal that reads back as the same f32 (what Rust will use)."""
    return np.format_float_scientific(np.float32(x), unique=True, trim="-")


def ensemble(name, model, names, doc):
    """Print a fitted HistGradientBoostingClassifier as a Rust `Ensemble` (see trees.rs): the
    nodes of every tree, a tree's children by index within the tree, a leaf's value."""
    trees, nodes = [], []
    for (tree,) in model._predictors:
        trees.append(len(nodes))
        for n in tree.nodes:
            if n["is_leaf"]:
                nodes.append(f"L({f32(n['value'])})")
            else:
                assert not n["is_categorical"]
                nodes.append(f"S({int(n['feature_idx'])}, {f32(n['num_threshold'])}, "
                             f"{int(n['left'])}, {int(n['right'])})")
    base = float(np.ravel(model._baseline_prediction)[0])
    print(f"/// {doc}: {len(trees)} trees over the features in `Features::NAMES` order\n"
          f"/// ({', '.join(names[:3])}, ...).")
    print(f"pub const {name}: Ensemble = Ensemble {{\n    base: {f32(base)},\n"
          f"    trees: &[{', '.join(map(str, trees))}],\n    nodes: &[")
    for i in range(0, len(nodes), 4):
        print("        " + ", ".join(nodes[i:i + 4]) + ",")
    print("    ],\n};")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dumps", nargs="+")
    ap.add_argument("--target-fp", type=float, default=0.02,
                    help="largest share of the documents of any clean set with a reported word")
    ap.add_argument("--rates", type=float, nargs="+", default=RATES,
                    help="swap rates a section is tried at (tune::RATES)")
    ap.add_argument("--report", type=float, default=REPORT,
                    help="posterior at which a word is reported (tune::REPORT_POSTERIOR)")
    ap.add_argument("--pool-penalty", type=float, default=None,
                    help="also pool all words of a document, less this much evidence per section")
    ap.add_argument("--skip-held-out", action="store_true", help="fit once, on everything")
    args = ap.parse_args()
    RATES[:] = args.rates
    globals()["REPORT"] = args.report
    globals()["POOL_PENALTY"] = args.pool_penalty
    docs = load(args.dumps)
    names = next(list(w["features"]) for d in docs for w in d["judged"])
    train = [d for d in docs if half(d) == 0]
    test = [d for d in docs if half(d) == 1]
    if not args.skip_held_out:
        m = Model(train, names)
        m.lower_intercept(train, args.target_fp)
        print("held out (fitted on the other half):", file=sys.stderr)
        m.report(test)
    m = Model(docs, names)
    m.lower_intercept(docs, args.target_fp)
    print("\nall documents:", file=sys.stderr)
    m.report(docs)

    m.rust()


if __name__ == "__main__":
    main()
