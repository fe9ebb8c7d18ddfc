#!/usr/bin/env python3
"""The language benchmark of `benches/lang.sh` (see there). Prints a table, reads nothing
outside its arguments:

    lang_eval.py UNSPUN LANGDIR [CLEAN_DIR...]

`unspun score` gets the extra arguments in $UNSPUN_ARGS (benches/lang.sh: `--disable
ngram.swap`, which no figure here depends on but the speed).

* per language (pt, es, fr, de, it, nl): of the documents over 50 words, the share whose
  main language is right, and how many got a "spun" verdict or a --threshold 50 flag;
* English documents (LANGDIR/en.jsonl, the seeds, every .txt/.md/.rst/.html under the
  CLEAN_DIRs): main language English, foreign passages found, translation verdicts;
* mixed documents: an English document (3 paragraphs or more, 100 words or more) with one
  foreign paragraph (30 to 150 words, from a document of another language; the English
  document has 450 words or more, three times the longest paragraph) inserted at a
  paragraph break in the middle: is the passage found, with its language, and are the
  findings outside it those of the English document alone?
"""

import glob
import json
import os
import random
import subprocess
import sys

FOREIGN = ["pt", "es", "fr", "de", "it", "nl"]
SEED = 19
SPUN = "likely spun or garbled"


def score(unspun, records, extra=()):
    """Run `unspun score` on records ({"id", "text"}); return the output records by id."""
    data = "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in records)
    out = subprocess.run(
        [unspun, "score", "--quiet", "-j2", "--findings", "all", "--threshold", "50",
         *os.environ.get("UNSPUN_ARGS", "").split(), *extra, "-"],
        input=data.encode(),
        capture_output=True,
        check=False,
    )
    if out.returncode not in (0, 2):
        sys.exit(out.stderr.decode())
    recs = [json.loads(l) for l in out.stdout.decode().splitlines()]
    return {r["id"]: r for r in recs}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def english_docs(langdir, clean_dirs):
    docs = [{"id": r["id"], "text": r["text"], "src": "debian"} for r in load(f"{langdir}/en.jsonl")]
    for p in sorted(glob.glob("seeds/*.txt")):
        if os.path.basename(p).startswith("000"):
            docs.append({"id": p, "text": open(p, encoding="utf-8").read(), "src": "seed"})
    for d in clean_dirs:
        for p in sorted(glob.glob(f"{d}/**/*", recursive=True)):
            if os.path.isfile(p) and p.rsplit(".", 1)[-1] in ("txt", "md", "rst", "html", "markdown"):
                try:
                    text = open(p, encoding="utf-8").read()
                except UnicodeDecodeError:
                    continue
                docs.append({"id": p, "text": text[:200_000], "src": "clean"})
    return docs


def main():
    unspun, langdir = sys.argv[1], sys.argv[2]
    clean_dirs = sys.argv[3:]
    print("## Documents in other languages (real text: Debian manual pages and Debian Reference)\n")
    print("| language | docs | over 50 words | main language right | spun verdicts | flagged at --threshold 50 |")
    print("|---|---:|---:|---:|---:|---:|")
    foreign = {}
    for lang in FOREIGN:
        path = f"{langdir}/{lang}.jsonl"
        if not os.path.exists(path):
            continue
        recs = load(path)
        foreign[lang] = recs
        if os.environ.get("ONLY") == "mixed":
            continue
        out = score(unspun, recs)
        long = [out[r["id"]] for r in recs if out[r["id"]].get("words", 0) > 50]
        right = sum(1 for o in long if o["language"]["main"] == lang)
        spun = sum(1 for o in out.values() if o.get("verdict") == SPUN)
        flagged = sum(1 for o in out.values() if o.get("flagged"))
        print(f"| {lang} | {len(recs)} | {len(long)} | {right} ({100 * right / max(len(long), 1):.1f}%) | {spun} | {flagged} |")

    en = english_docs(langdir, clean_dirs)
    out = score(unspun, en) if os.environ.get("ONLY") != "mixed" else {}
    print("\n## English documents\n")
    print("| source | docs | main language English | with a foreign passage | translation verdicts |")
    print("|---|---:|---:|---:|---:|")
    for src in ["debian", "seed", "clean", "all"]:
        ds = [d for d in en if src in ("all", d["src"]) and d["id"] in out]
        if not ds:
            continue
        os_ = [out[d["id"]] for d in ds]
        main = sum(1 for o in os_ if o["language"]["main"] == "en")
        pas = sum(1 for o in os_ if any(f["rule"] == "foreign.passage" for f in o["findings"]))
        tr = sum(1 for o in os_ if o.get("translated_from"))
        n = len(os_)
        print(f"| {src} | {n} | {main} ({100 * main / n:.1f}%) | {pas} ({100 * pas / n:.1f}%) | {tr} ({100 * tr / n:.2f}%) |")
    not_en = [(d["id"], out[d["id"]]["language"]) for d in en if d["id"] in out and out[d["id"]]["language"]["main"] != "en"]
    tr = [(d["id"], out[d["id"]]["translated_from"]) for d in en if d["id"] in out and out[d["id"]].get("translated_from")]
    if os.environ.get("DUMP"):
        for i, t in tr:
            print("TRANSLATED", i, t, [(f["rule"], f["text"]) for k, f in enumerate(out[i]["findings"]) if k in t["evidence"]], file=sys.stderr)
    for i, l in not_en[:10]:
        print(f"  not English: {i} {l}")

    # Mixed documents.
    rng = random.Random(SEED)
    paras = []
    for lang, recs in foreign.items():
        for r in recs:
            for p in r["text"].split("\n\n"):
                n = len(p.split())
                if 30 <= n <= 150 and sum(c.isalpha() for c in p) > 0.7 * len(p):
                    paras.append((lang, p))
    # Hosts with at least three times the words of the longest paragraph inserted: English
    # stays the main language.
    hosts = [d for d in en if len(d["text"].split()) >= 450 and d["text"].count("\n\n") >= 2 and d["src"] != "seed"]
    rng.shuffle(hosts)
    hosts = hosts[:600]
    mixed, plain, meta = [], [], {}
    for k, d in enumerate(hosts):
        lang, p = paras[rng.randrange(len(paras))]
        blocks = d["text"].split("\n\n")
        at = len(blocks) // 2
        before = "\n\n".join(blocks[:at]) + "\n\n"
        text = before + p + "\n\n" + "\n\n".join(blocks[at:])
        start = len(before.encode())
        end = start + len(p.encode())
        mid = f"m{k}"
        mixed.append({"id": mid, "text": text})
        plain.append({"id": mid, "text": "\n\n".join(blocks)})
        meta[mid] = (lang, start, end, len(p.encode()) + 2)
    om = score(unspun, mixed)
    op = score(unspun, plain)
    found = same = 0
    deltas = []
    by_lang = {}
    for mid, (lang, start, end, shift) in meta.items():
        m, p = om[mid], op[mid]
        pas = [f for f in m["findings"] if f["rule"] == "foreign.passage"]
        inside = [f for f in pas if f["start"] < end and f["end"] > start]
        ok = (
            len(inside) == 1
            and inside[0]["language"] == lang
            and inside[0]["end"] - inside[0]["start"] >= 0.8 * (end - start)
        )
        found += ok
        if not ok and os.environ.get("DUMP"):
            print("MISSED", lang, mid, [(f["rule"], f["language"], f["start"], f["end"]) for f in m["findings"] if f["category"] == "foreign"], m["language"], (start, end), file=sys.stderr)
            print("   ", [x for x in mixed if x["id"] == mid][0]["text"].encode()[start:end].decode()[:300].replace("\n", " | "), file=sys.stderr)
        by_lang.setdefault(lang, [0, 0])
        by_lang[lang][0] += ok
        by_lang[lang][1] += 1

        def key(f, off):
            return (f["rule"], f["start"] - off, f["end"] - off, f["text"])

        outside_m = sorted(
            key(f, shift if f["start"] >= end else 0)
            for f in m["findings"]
            if f["rule"] != "foreign.passage" and not (f["start"] < end and f["end"] > start)
        )
        outside_p = sorted(key(f, 0) for f in p["findings"])
        same += outside_m == outside_p
        deltas.append(m["score"] - p["score"])
    n = len(meta)
    deltas.sort()
    print("\n## English documents with one inserted foreign paragraph\n")
    print(f"- passage found with its language: {found} of {n} ({100 * found / max(n, 1):.1f}%); per language: "
          + ", ".join(f"{l} {a}/{b}" for l, (a, b) in sorted(by_lang.items())))
    print(f"- findings outside the passage identical to the English document's: {same} of {n} ({100 * same / max(n, 1):.1f}%)")
    if deltas:
        print(f"- score change (the passage finding's own penalty): median {deltas[n // 2]:+.1f}, "
              f"min {deltas[0]:+.1f}, max {deltas[-1]:+.1f}")


if __name__ == "__main__":
    main()
