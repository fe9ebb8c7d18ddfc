#!/usr/bin/env python3
"""Fit the calibration of `ngram.swap` (`WEIGHTS` and `INTERCEPT` in src/detect/ngram/features.rs).

    cargo run --release -- eval ../shared/eval/dev.jsonl --dump-features /tmp/feat.jsonl
    python3 tools/fit_ngram.py /tmp/feat.jsonl

Every word the detector judges is a row: its features, a JSON object keyed by feature name (see
`Features` in src/detect/ngram/features.rs), and whether it overlaps a labelled swap (words of
the originals are all negatives). The calibration is a logistic regression with a small L2
penalty, fitted by Newton's method (numpy only). It is first fitted on the records with an even
number and measured on the odd ones (so the printed precision and recall are held out), then
refitted on all rows; the refit's constants are printed in Rust syntax, the weights by feature
name, to replace `WEIGHTS` and `INTERCEPT`. A feature added to `Features` is picked up by name.
Only these few numbers are learnt from the labelled data: no phrase or word of it ends up in
the repository.
"""
import json
import sys

import numpy as np

L2 = 1e-3
THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    names = list(rows[0]["features"]) if rows else []
    for r in rows:
        if list(r["features"]) != names:
            sys.exit(f"{path}: row {r['id']} has features {list(r['features'])}, not {names}")
    X = np.array([[r["features"][n] for n in names] for r in rows], dtype=float)
    y = np.array([r["label"] for r in rows], dtype=float)
    spun = np.array([r["doc"] == "spun" for r in rows])
    odd = np.array([int(r["id"].rsplit("-", 1)[-1]) % 2 == 1 for r in rows])
    ok = np.array([r["suggestion_correct"] for r in rows])
    return names, X, y, spun, odd, ok


def fit(X, y):
    """L2-penalised logistic regression by Newton's method; returns (w, b)."""
    A = np.column_stack([X, np.ones(len(X))])
    beta = np.zeros(A.shape[1])
    reg = np.full(A.shape[1], L2 * len(X))
    reg[-1] = 0.0  # no penalty on the intercept
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(A @ beta)))
        grad = A.T @ (p - y) + reg * beta
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg)
        step = np.linalg.solve(H, grad)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return beta[:-1], beta[-1]


def report(X, y, spun, ok, w, b):
    """Precision, the share of judged swapped words found, suggestion accuracy (the true span
    recall, over all labels, comes from `unspun eval` with the new constants)."""
    labels = max(1.0, y[spun].sum())
    p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
    for t in THRESHOLDS:
        m = spun & (p >= t)
        prec = y[m].mean() if m.any() else float("nan")
        hits = (y[m] == 1).sum()
        sugg = ok[m & (y == 1)].mean() if hits else float("nan")
        print(f"  c >= {t:.2f}: findings {m.sum():6d}  P {prec:.3f}  "
              f"found {hits / labels:.3f} of the judged swaps  sugg {sugg:.3f}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    names, X, y, spun, odd, ok = load(sys.argv[1])
    w, b = fit(X[~odd], y[~odd])
    print(f"held-out half ({(odd & spun).sum()} spun words, {(odd & ~spun).sum()} original):")
    report(X[odd], y[odd], spun[odd], ok[odd], w, b)
    w, b = fit(X, y)
    print("all rows:")
    report(X, y, spun, ok, w, b)
    print("/// The calibration weights, by feature (fitted by `tools/fit_ngram.py`).")
    print("pub const WEIGHTS: Features = Features {")
    for name, c in zip(names, w):
        print(f"    {name}: {c:.4f},")
    print("};")
    print()
    print("/// The intercept of the calibration.")
    print(f"pub const INTERCEPT: f32 = {b:.4f};")


if __name__ == "__main__":
    main()
