#!/usr/bin/env python3
"""Score `unspun cluster` output against the planted groups of `gen_cluster.py`.

usage: cluster_eval.py OUT.jsonl TRUTH.json

Definitions (every document outside a planted group is its own label):
* a planted group is *found* when all its members are in one output group, and found
  *exactly* when that output group holds nothing else;
* *wrong pairs*: pairs of documents put in one output group that are not in one planted group,
  over all pairs put in one output group;
* *wrongly merged documents*: documents in an output group whose label is not the group's most
  common label (the intruders), over all documents in output groups;
* *mixed groups*: output groups with more than one label;
* *representative*: in found groups, how often the representative is the planted original.
"""

import json
import sys
from collections import Counter


def main():
    out_path, truth_path = sys.argv[1], sys.argv[2]
    truth = json.load(open(truth_path))["groups"]
    label = {}
    for gi, g in enumerate(truth):
        for d in g:
            label[d] = gi
    lab = lambda d: label.get(d, ("solo", d))
    groups = []
    errors = 0
    for line in open(out_path):
        r = json.loads(line)
        if "error" in r:
            errors += 1
            continue
        if r["size"] >= 2:
            groups.append(r)
    where = {}
    for oi, r in enumerate(groups):
        for m in r["members"]:
            where[m["id"]] = oi
    found = exact = 0
    rep_ok = {True: [0, 0], False: [0, 0]}  # two members? -> [right, found]
    for g in truth:
        o = where.get(g[0])
        if o is not None and all(where.get(d) == o for d in g):
            found += 1
            exact += groups[o]["size"] == len(g)
            r = rep_ok[len(g) == 2]
            r[0] += groups[o]["representative"] == g[0]
            r[1] += 1
    pairs = wrong_pairs = docs = intruders = mixed = 0
    for r in groups:
        labels = [lab(m["id"]) for m in r["members"]]
        c = Counter(labels)
        n = len(labels)
        pairs += n * (n - 1) // 2
        wrong_pairs += n * (n - 1) // 2 - sum(k * (k - 1) // 2 for k in c.values())
        docs += n
        intruders += n - c.most_common(1)[0][1]
        mixed += len(c) > 1
    g = len(truth)
    print(f"planted groups: {g}; output groups: {len(groups)}; error records: {errors}")
    print(f"found: {found / g:.4f} ({found}), exactly: {exact / g:.4f} ({exact})")
    print(
        f"wrong pairs: {wrong_pairs / max(pairs, 1):.5f} ({wrong_pairs}/{pairs}); "
        f"wrongly merged documents: {intruders / max(docs, 1):.5f} ({intruders}/{docs}); "
        f"mixed groups: {mixed / max(len(groups), 1):.5f} ({mixed})"
    )
    right = rep_ok[True][0] + rep_ok[False][0]
    print(
        f"representative is the original: {right / max(found, 1):.4f} ({right}/{found}); "
        + "; ".join(
            f"{name}: {r[0] / max(r[1], 1):.4f} ({r[0]}/{r[1]})"
            for name, r in (("pairs", rep_ok[True]), ("3 or more", rep_ok[False]))
        )
    )


if __name__ == "__main__":
    main()
