#!/usr/bin/env python3
"""Generate a JSON Lines corpus with planted groups of spun copies, for `unspun cluster`.

Every document is either a *base* (an article of 5 to 20 sentences, each spliced from the
first part of one source sentence and the last part of another, so two bases share almost
nothing) or a *spun copy* of a base. A share of the bases (`--planted`, default 30% of
all documents end up in a planted group) get 1 to 5 copies, each spun on its own:

* thesaurus swaps of 15-60% of the content words (the project's own thesaurus, dumped by
  `cargo run --release --example thesaurus`), a few stopwords swapped too ("about" -> "regarding"
  style), sentence-initial words included, mid-sentence capitalised words (names) left alone;
* sentences dropped (0-15%), neighbouring sentences swapped, paragraphs reordered (30% of
  copies), the tail cut off (10% of copies keep only the first 55-85%);
* words glued together (1%), a boilerplate line added at the start or end (30% of copies).

5% of the documents are short (1-3 sentences), never planted. Document ids are `d0000000`...
in output order, which is shuffled. The ground truth (TRUTH.json) is
`{"groups": [[id, ...], ...]}`: every planted group, its base first; every document not
listed is in no group.

Deterministic for a given seed. usage:
  gen_cluster.py SOURCE_DIR THESAURUS.tsv OUT.jsonl TRUTH.json --docs 100000 [--seed 1]
"""

import argparse
import glob
import json
import os
import random
import re
import sys

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

STOP = set(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself""".split()
)

BOILERPLATE = [
    "Click here to read more.",
    "Read also: The best deals of the week",
    "We use cookies to improve your experience. Accept all cookies",
    "Share this article on Facebook and Twitter",
    "Source: Associated Press",
    "Subscribe to our newsletter for the latest updates.",
    "This article was originally published on our partner site.",
    "All rights reserved. Copyright 2024 Daily News Network",
]


def load_sentences(source):
    files = sorted(glob.glob(os.path.join(source, "**", "*.txt"), recursive=True))
    out = []
    for f in files:
        text = open(f, encoding="utf-8").read()
        for block in text.replace("\r\n", "\n").split("\n"):
            for s in SENTENCE_END.split(block.strip()):
                n = len(s.split())
                if 6 <= n <= 80:
                    out.append(s)
    if not out:
        sys.exit(f"no sentences in {source}")
    return out


def load_thesaurus(path):
    syn = {}
    for line in open(path, encoding="utf-8"):
        w, _, rest = line.rstrip("\n").partition("\t")
        cands = [c for c in rest.split() if c != w]
        if cands:
            syn[w] = cands[:6]
    return syn


def splice(rng, sentences):
    """A new sentence: the first part of one source sentence and the last part of another,
    cut at a word boundary between 30% and 70% of each. The source has about 60,000
    sentences, too few for 100,000 articles that share nothing; spliced, two articles share a
    whole sentence with odds of one in billions, and a half-sentence rarely."""
    a = sentences[rng.randrange(len(sentences))].split(" ")
    b = sentences[rng.randrange(len(sentences))].split(" ")
    i = rng.randint(int(len(a) * 0.3), int(len(a) * 0.7))
    j = rng.randint(int(len(b) * 0.3), int(len(b) * 0.7))
    return " ".join(a[:i] + b[j:])


def base_doc(seed, sentences, short):
    """A base article: a list of paragraphs, each a list of sentences."""
    rng = random.Random(seed)
    n = rng.randint(1, 3) if short else rng.randint(5, 20)
    sents = [splice(rng, sentences) for _ in range(n)]
    paras = []
    while sents:
        k = rng.randint(2, 5)
        paras.append(sents[:k])
        del sents[:k]
    return paras


def spin_sentence(rng, s, syn, rate):
    out = []
    last = 0
    for m in WORD.finditer(s):
        w = m.group(0)
        lower = w.lower()
        initial = m.start() == 0
        if w[0].isupper() and not initial:
            continue  # a name: spinners leave them alone
        p = 0.05 if lower in STOP else rate
        cands = syn.get(lower)
        if not cands or rng.random() >= p:
            continue
        new = rng.choice(cands)
        if w[0].isupper():
            new = new[0].upper() + new[1:]
        out.append(s[last : m.start()])
        out.append(new)
        last = m.end()
    out.append(s[last:])
    return "".join(out)


def glue(rng, text, p):
    parts = text.split(" ")
    out = [parts[0]]
    for w in parts[1:]:
        if rng.random() < p and out[-1][-1:].isalpha() and w[:1].isalpha():
            out[-1] += w
        else:
            out.append(w)
    return " ".join(out)


def spin(seed, paras, syn):
    rng = random.Random(seed)
    rate = rng.uniform(0.15, 0.6)
    drop = rng.uniform(0, 0.15)
    paras = [[s for s in p if rng.random() >= drop] or p[:1] for p in paras]
    if rng.random() < 0.3:
        rng.shuffle(paras)
    for p in paras:
        for i in range(len(p) - 1):
            if rng.random() < 0.1:
                p[i], p[i + 1] = p[i + 1], p[i]
    if rng.random() < 0.1:
        total = sum(len(p) for p in paras)
        keep = max(1, int(total * rng.uniform(0.55, 0.85)))
        cut = []
        for p in paras:
            if keep <= 0:
                break
            cut.append(p[:keep])
            keep -= len(p)
        paras = cut
    texts = [glue(rng, " ".join(spin_sentence(rng, s, syn, rate) for s in p), 0.01) for p in paras]
    if rng.random() < 0.3:
        line = rng.choice(BOILERPLATE)
        if rng.random() < 0.5:
            texts.insert(0, line)
        else:
            texts.append(line)
    return "\n\n".join(texts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("thesaurus")
    ap.add_argument("out")
    ap.add_argument("truth")
    ap.add_argument("--docs", type=int, default=100000)
    ap.add_argument("--planted", type=float, default=0.3, help="share of documents in groups")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sentences = load_sentences(a.source)
    syn = load_thesaurus(a.thesaurus)
    rng = random.Random(a.seed)

    # Plan: (base number, copy number or -1 for the base itself, short?) per document.
    plan = []
    groups = []
    base = 0
    while len(plan) < a.docs:
        short = rng.random() < 0.05
        planted = not short and rng.random() < a.planted / (a.planted + (1 - a.planted) * 4)
        copies = rng.randint(1, 5) if planted else 0
        copies = min(copies, a.docs - len(plan) - 1)
        members = [(base, c, short) for c in range(-1, copies)]
        if copies > 0:
            groups.append(range(len(plan), len(plan) + len(members)))
        plan.extend(members)
        base += 1
    order = list(range(len(plan)))
    rng.shuffle(order)
    position = [0] * len(plan)
    for pos, k in enumerate(order):
        position[k] = pos

    def doc_id(pos):
        return f"d{pos:07d}"

    with open(a.out, "w", encoding="utf-8") as out:
        for k in order:
            b, c, short = plan[k]
            paras = base_doc(a.seed * 1_000_003 + b, sentences, short)
            if c < 0:
                text = "\n\n".join(" ".join(p) for p in paras)
            else:
                text = spin((a.seed * 1_000_003 + b) * 7 + c, paras, syn)
            out.write(json.dumps({"id": doc_id(position[k]), "text": text}) + "\n")
    truth = {
        "groups": [[doc_id(position[k]) for k in g] for g in groups],
    }
    with open(a.truth, "w", encoding="utf-8") as f:
        json.dump(truth, f)
    in_groups = sum(len(g) for g in groups)
    print(
        f"{a.out}: {len(plan)} documents, {len(groups)} planted groups "
        f"({in_groups} documents), {base} bases",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
