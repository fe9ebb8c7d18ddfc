"""Shared helpers: the CLI to compare against, and documents made from the seeds."""

import json
import os
import random
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("UNSPUN_BIN", ROOT / "target" / "release" / "unspun"))
SEEDS = sorted(ROOT.glob("seeds/*.txt"))


def read(path):
    """A file's text exactly as the CLI reads it (no newline translation)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def cli(*args, stdin=None):
    """Run the unspun binary from the repository root; its stdout. Exit codes 0 and 2
    (findings) are both success."""
    if not BIN.exists():
        pytest.fail(f"{BIN} not found: build it first (cargo build --release) or set UNSPUN_BIN")
    p = subprocess.run([str(BIN), *map(str, args)], cwd=ROOT, input=stdin,
                       capture_output=True, text=True)
    assert p.returncode in (0, 2), p.stderr
    return p.stdout


def cli_score(texts, *args):
    """`unspun score` on records {"id": i, "text": texts[i]}: the records by id."""
    jsonl = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    out = cli("score", "-q", *args, "-", stdin=jsonl)
    recs = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in recs] == list(range(len(texts)))
    return recs


BOILERPLATE = [
    "Click here to read more.",
    "Read also : The best deals of the week",
    "Share this article on Facebook Twitter",
    "Source: Associated Press",
    "Fonte do artigo: agência de notícias",
]


def make_docs(n, seed=7):
    """`n` documents cut from the seeds with variations: windows of paragraphs, words glued or
    doubled, boilerplate lines, straight or curly quotes, a few odd ones (empty, one word,
    non-ASCII). Deterministic."""
    rng = random.Random(seed)
    paras = [p for s in SEEDS for p in read(s).split("\n") if p.strip()]
    odd = ["", "   \n", "Word", "Ünïcödé façade — “quoted” text… 東京 2020.",
           "He said thatRussia was ready."]
    docs = []
    for i in range(n):
        if i % 97 == 0:
            docs.append(odd[(i // 97) % len(odd)])
            continue
        start = rng.randrange(len(paras))
        text = "\n".join(paras[start:start + rng.randint(1, 6)])
        words = text.split(" ")
        for _ in range(rng.randint(0, 3)):
            j = rng.randrange(len(words))
            if rng.random() < 0.5 and j + 1 < len(words):
                words[j:j + 2] = [words[j] + words[j + 1]]
            else:
                words.insert(j, words[j])
        text = " ".join(words)
        if rng.random() < 0.3:
            text += "\n" + rng.choice(BOILERPLATE)
        if rng.random() < 0.3:
            text = re.sub(r"[“”]", '"', text)
        docs.append(text)
    return docs
