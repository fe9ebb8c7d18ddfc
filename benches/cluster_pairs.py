#!/usr/bin/env python3
"""Pairs of real originals and their spun versions, for `benches/cluster.sh --pairs`.

usage: cluster_pairs.py LABELLED.jsonl CORPUS.jsonl TRUTH.json [--seed N]

LABELLED.jsonl holds records with `original` and `spun` (the format of `unspun eval`, e.g. the
development set ../shared/eval/dev.jsonl: measure on it, never tune to it). Each record gives
two documents, the original and the spun copy, written in a random order (shuffled over the
whole corpus too), so neither input order nor position tells which is which. TRUTH.json is
`{"groups": [[original id, spun id], ...]}`, the original first, as `cluster_eval.py` reads it.
"""

import json
import random
import sys


def main():
    args = sys.argv[1:]
    seed = 1
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i : i + 2]
    src, corpus, truth = args
    rng = random.Random(seed)
    docs, groups = [], []
    for n, line in enumerate(open(src)):
        r = json.loads(line)
        o, s = f"p{n}-a", f"p{n}-b"
        if rng.random() < 0.5:
            o, s = s, o
        docs.append({"id": o, "text": r["original"]})
        docs.append({"id": s, "text": r["spun"]})
        groups.append([o, s])
    rng.shuffle(docs)
    with open(corpus, "w") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    json.dump({"groups": groups}, open(truth, "w"))
    print(f"{len(groups)} pairs, {len(docs)} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
