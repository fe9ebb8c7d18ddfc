#!/usr/bin/env python3
"""Fit the document model of ngram.swap (src/detect/ngram/document.rs).

Input: JSON lines written by `unspun eval --dump-doc FILE` over clean and spun corpora, one
object per document:

    {"set": "clean:fiction" | "spun:SPINNER" | "original", "label": 0 | 1,
     "eligible": [[start, end], ...],            # byte spans of the eligible words
     "words": [[start, end, confidence], ...],   # the judged words, first-stage confidence
     "swaps": [[start, end], ...],               # labelled swaps (spun documents)
     "sections": [[n_eligible, n_judged], ...]}  # the document's sections, in order

Output: the Rust constants of `tune.rs` (RATIO_KNOTS, RATIO_UNJUDGED, SPUN_INTERCEPT,
SPUN_SLOPE) and a report of what they give per set: the share of documents with a reported
word (clean sets: the false-alarm share) and the word-level precision and recall.

    tools/fit_doc.py dump.jsonl [more.jsonl ...] [--target-fp 0.02]

Only numpy is needed. The fit is deterministic.
"""
import argparse
import json
import math
import sys

import numpy as np

BINS = 14              # confidence bins, at quantiles of the swapped words' confidences
PSEUDO = 5.0           # pseudo-count added to every bin of both histograms (smoothing)
EDGES = None           # set by set_edges()
RATES = [0.03, 0.06, 0.1, 0.15, 0.2, 0.3]
REPORT = float(__import__("os").environ.get("REPORT", "0.5"))


def overlaps(a, b, spans):
    return any(s < b and a < e for s, e in spans)


def load(paths):
    docs = []
    for p in paths:
        with open(p) as f:
            for line in f:
                if line.strip():
                    docs.append(json.loads(line))
    return docs


def set_edges(docs):
    """Bin edges at quantiles of the labelled swaps' confidences, so every bin has swaps."""
    global EDGES
    cs = [c for d in docs if d['label'] == 1
          for s, e, c in d['words'] if overlaps(s, e, d['swaps'])]
    qs = np.quantile(cs, np.linspace(0, 1, BINS + 1)[1:-1])
    EDGES = np.concatenate([[0.0], np.unique(np.round(qs, 4)), [1.0001]])


def histograms(docs):
    """Counts of first-stage confidences: clean words (all words of clean documents) and
    swapped words (labelled swaps of spun documents); the last bin counts eligible words that
    were not judged."""
    nb = len(EDGES) - 1
    clean = np.zeros(nb + 1)
    swap = np.zeros(nb + 1)
    for d in docs:
        words = d['words']
        if d['label'] == 0:
            for _, _, c in words:
                clean[min(np.searchsorted(EDGES, c, side='right') - 1, nb - 1)] += 1
            clean[nb] += max(len(d['eligible']) - len(words), 0)
        else:
            sw = d['swaps']
            judged_spans = [(s, e) for s, e, _ in words]
            for s, e, c in words:
                if overlaps(s, e, sw):
                    swap[min(np.searchsorted(EDGES, c, side='right') - 1, nb - 1)] += 1
            for s, e in d['eligible']:
                if overlaps(s, e, sw) and not overlaps(s, e, judged_spans):
                    swap[nb] += 1
    return clean, swap


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


def ratio_table(clean, swap):
    nb = len(EDGES) - 1
    pc = (clean + PSEUDO) / (clean + PSEUDO).sum()
    ps = (swap + PSEUDO) / (swap + PSEUDO).sum()
    ln = np.log(ps / pc)
    w = 1.0 / (1.0 / (clean + PSEUDO) + 1.0 / (swap + PSEUDO))
    mono = isotonic(ln[:nb], w[:nb])
    centres = [(EDGES[i] + min(EDGES[i + 1], 1.0)) / 2 for i in range(nb)]
    return list(zip(centres, mono)), float(math.exp(ln[nb]))


def ratio_of(c, knots):
    if c <= knots[0][0]:
        return math.exp(knots[0][1])
    if c >= knots[-1][0]:
        return math.exp(knots[-1][1])
    for i in range(1, len(knots)):
        if knots[i][0] > c:
            (x0, y0), (x1, y1) = knots[i - 1], knots[i]
            return math.exp(y0 + (y1 - y0) * (c - x0) / (x1 - x0))
    return math.exp(knots[-1][1])


def profile(ratios, unjudged, r_unj):
    best = (0.0, 0.0)
    for r in RATES:
        l = sum(math.log((1 - r) + r * x) for x in ratios) + unjudged * math.log((1 - r) + r * r_unj)
        if l > best[0]:
            best = (l, r)
    return best


def sections_of(d, knots, r_unj):
    """(L, r, ln n, [(ratio, is_swap)]) per section, from the dump's section sizes."""
    words = d['words']
    sw = d.get('swaps', [])
    out = []
    i = 0
    n = max(len(d['sections']), 1)
    for k, (elig, judged) in enumerate(d['sections']):
        ws = words[i:i + judged]
        i += judged
        ratios = [ratio_of(c, knots) for _, _, c in ws]
        l, r = profile(ratios, max(elig - judged, 0), r_unj)
        out.append((l, r, math.log(n), [(x, overlaps(s, e, sw)) for x, (s, e, _) in zip(ratios, ws)]))
    return out


def logistic(x, y, w, iters=200):
    """Weighted 1-D logistic regression by Newton's method: (intercept, slope)."""
    a, b = 0.0, 1.0
    for _ in range(iters):
        z = a + b * x
        p = 1 / (1 + np.exp(-z))
        g = np.array([np.sum(w * (p - y)), np.sum(w * (p - y) * x)])
        h11 = np.sum(w * p * (1 - p))
        h12 = np.sum(w * p * (1 - p) * x)
        h11 += 1e-6
        h22 = np.sum(w * p * (1 - p) * x * x) + 1e-3
        g[1] += 1e-3 * b
        det = h11 * h22 - h12 * h12
        da = (h22 * g[0] - h12 * g[1]) / det
        db = (-h12 * g[0] + h11 * g[1]) / det
        step = max(1.0, abs(da) + abs(db))
        a, b = a - da / step, b - db / step
        if abs(da) + abs(db) < 1e-9:
            break
    return a, b


def evaluate(docs, knots, r_unj, a, b):
    per = {}
    for d in docs:
        secs = sections_of(d, knots, r_unj)
        reported, hits, swaps_hit = 0, 0, 0
        for l, r, lnn, ws in secs:
            p = 1 / (1 + math.exp(-(a + b * l - lnn)))
            for x, is_swap in ws:
                q = p * r * x / ((1 - r) + r * x) if r > 0 else 0.0
                if q >= REPORT:
                    reported += 1
                    hits += is_swap
        s = per.setdefault(d['set'], {'docs': 0, 'flagged': 0, 'reported': 0, 'hits': 0,
                                      'swaps': 0, 'words': 0})
        s['docs'] += 1
        s['flagged'] += reported > 0
        s['reported'] += reported
        s['hits'] += hits
        s['swaps'] += len(d.get('swaps', []))
        s['words'] += d.get('n_words', 0)
    return per


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dumps', nargs='+')
    ap.add_argument('--target-fp', type=float, default=0.02,
                    help='largest share of clean documents of any set with a reported word')
    args = ap.parse_args()
    docs = load(args.dumps)
    set_edges(docs)
    clean, swap = histograms(docs)
    knots, r_unj = ratio_table(clean, swap)
    xs, ys, ws = [], [], []
    npos = sum(1 for d in docs if d['label'] == 1)
    nneg = len(docs) - npos
    for d in docs:
        secs = sections_of(d, knots, r_unj)
        # The document's strongest section, as the detector reports it.
        l, _, lnn, _ = max(secs, key=lambda s: s[0] - s[2]) if secs else (0, 0, 0, [])
        xs.append(l - lnn)
        ys.append(d['label'])
        ws.append(0.5 / npos if d['label'] else 0.5 / nneg)
    a, b = logistic(np.array(xs), np.array(ys, float), np.array(ws))
    # Shift the intercept down until no clean set has more than target-fp of its documents
    # flagged (precision first).
    while True:
        per = evaluate(docs, knots, r_unj, a, b)
        worst = max((s['flagged'] / s['docs'] for k, s in per.items()
                     if not k.startswith('spun') and s['docs']), default=0)
        if worst <= args.target_fp or a < -30:
            break
        a -= 0.25
    print('pub const RATIO_KNOTS: [(f32, f32); %d] = [' % len(knots))
    for x, y in knots:
        print('    (%.3f, %.3f),' % (x, y))
    print('];')
    print('pub const RATIO_UNJUDGED: f32 = %.3f;' % r_unj)
    print('pub const SPUN_INTERCEPT: f32 = %.3f;' % a)
    print('pub const SPUN_SLOPE: f32 = %.3f;' % b)
    print(file=sys.stderr)
    print('%-34s %6s %8s %8s %8s %8s' % ('set', 'docs', 'flagged', 'reported', 'prec', 'recall'),
          file=sys.stderr)
    for k in sorted(per):
        s = per[k]
        prec = s['hits'] / s['reported'] if s['reported'] else float('nan')
        rec = s['hits'] / s['swaps'] if s['swaps'] else float('nan')
        print('%-34s %6d %8.3f %8d %8.3f %8.3f' % (k, s['docs'], s['flagged'] / s['docs'],
                                                   s['reported'], prec, rec), file=sys.stderr)


if __name__ == '__main__':
    main()
