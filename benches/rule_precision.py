#!/usr/bin/env python3
"""Measured precision of every rule, per confidence band (issue 15: severity and fixes from
measured precision), and the warnings each rule raises on clean text.

    benches/rule_precision.py                         # dev split, every rule
    benches/rule_precision.py --disable ngram.swap    # the other rules alone (fast)
    benches/rule_precision.py --split holdout --format markdown
    benches/rule_precision.py --worksheet FILE        # warnings on clean text, in context, to judge

A finding is a true positive only where the data says there is damage:
* clean corpora (bench-data/clean/SPLIT/GENRE, built by tools/clean_corpus.sh): a finding is a
  false alarm, unless `--labels` (default benches/rule_precision_labels.tsv) says a reader
  judged it a real slip of the source ("the the" in a changelog is a real doubled word);
* labelled spun text (../shared/eval/dev.jsonl when present, bench-data/spun/spun.jsonl when
  built by tools/spin_corpus.py): a finding on the spun text that overlaps a labelled swap or
  edit is true, any other finding on it or on the original is false;
* the seeds (seeds/*.txt): a finding that matches an entry of `must` in its
  `*.expected.toml`, or a swap-category finding on one of its listed `swaps`, is true; any
  other is false.

Precision = true / (true + false), pooled over all of that, per rule and per confidence band
(the distinct confidences of a built-in rule; tenths for pack rules). The bar of the issue: a
band is `warning` only at precision >= 0.9 and a fix `safe` only at >= 0.99. The script prints
three tables: per genre of the clean corpora (warnings per 10,000 words, share of documents a
default CI run fails, top rules), per rule (warnings per 10,000 words on each clean genre and
findings on the spun sets), and per rule and band (precision of all its findings and the bar
it meets, and the precision of those reported as warnings: a band that needs document
evidence is a warning only beside other findings).

The labels file holds one judged clean finding a line, tab-separated: split, genre, the file's
path relative to the genre folder, byte start, rule, verdict (`real` or `false`), and a note in
the reader's own words. No text of the corpora is stored. Offsets are stable because the
corpora are rebuilt from pinned packages and checked against tools/clean_corpus/MANIFEST.tsv.

Needs a built binary (`cargo build --release`) and the corpora; reads nothing else.
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENRES = ["api-docs", "changelog", "fiction", "markdown", "news", "rst"]


def run_jsonl(cmd, stdin=None):
    out = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    # 0: clean, 2: findings; clap also exits 2 on a usage error, with nothing on stdout.
    if out.returncode not in (0, 2) or (out.returncode == 2 and not out.stdout.strip()):
        sys.exit(f"error: {' '.join(cmd)} exited {out.returncode}: {out.stderr[-2000:]}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def byte_offsets(text):
    """Code-point index -> byte offset."""
    offs, b = [], 0
    for ch in text:
        offs.append(b)
        b += len(ch.encode())
    offs.append(b)
    return offs


def band_of(conf, builtin):
    return f"{conf:.2f}" if builtin else f"{int(conf * 10 + 1e-9) / 10:.1f}+"


def load_labels(path):
    labels = {}
    if not path or not os.path.exists(path):
        return labels
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        split, genre, rel, start, rule, verdict = line.rstrip("\n").split("\t")[:6]
        if verdict not in ("real", "false"):
            sys.exit(f"error: {path}: verdict must be real or false: {line!r}")
        labels[(split, genre, rel, int(start), rule)] = verdict == "real"
    return labels


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--unspun", default=os.path.join(ROOT, "target/release/unspun"))
    ap.add_argument("--data", default=os.path.join(ROOT, "bench-data"))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--eval", default=os.path.join(ROOT, "..", "shared", "eval", "dev.jsonl"))
    ap.add_argument("--labels", default=os.path.join(ROOT, "benches", "rule_precision_labels.tsv"))
    ap.add_argument("--disable", action="append", default=[], metavar="RULE")
    ap.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    ap.add_argument("--worksheet", metavar="FILE",
                    help="write every warning on clean text, in context, with its label key")
    ap.add_argument("-j", "--threads", default="2")
    args = ap.parse_args()
    exe = args.unspun
    disable = [a for r in args.disable for a in ("--disable", r)]
    labels = load_labels(args.labels)
    # Built-in rules have a few discrete confidences; pack rules are banded by tenths.
    builtin = set()
    for line in subprocess.run([exe, "rules"], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[-1] == "built-in":
            builtin.add(parts[0])

    stats = collections.defaultdict(collections.Counter)  # (rule, band) -> counters
    severity = {}
    per_rule = collections.defaultdict(collections.Counter)  # rule -> counters

    def add(f, where, true):
        key = (f["rule"], band_of(f["confidence"], f["rule"] in builtin))
        stats[key]["tp" if true else "fp"] += 1
        stats[key][("tp_" if true else "fp_") + where] += 1
        if f["severity"] != "info":
            stats[key]["tp_warn" if true else "fp_warn"] += 1
        severity.setdefault(key, collections.Counter())[f["severity"]] += 1

    # 1. Clean corpora.
    genres = []
    worksheet = []
    for g in GENRES:
        d = os.path.join(args.data, "clean", args.split, g)
        if not os.path.isdir(d):
            continue
        docs = run_jsonl([exe, "check", "--format", "jsonl", "--no-config",
                          "--min-severity", "info", *disable, d])
        words = sum(x["words"] for x in docs)
        warn = [f for x in docs for f in x["findings"] if f["severity"] != "info"]
        failing = sum(1 for x in docs if any(f["severity"] != "info" for f in x["findings"]))
        top = collections.Counter(f["rule"] for f in warn)
        genres.append({"genre": g, "documents": len(docs), "words": words,
                       "warnings": len(warn),
                       "warnings_per_10k": 1e4 * len(warn) / max(words, 1),
                       "ci_fail_share": failing / max(len(docs), 1),
                       "top": top.most_common(4)})
        for x in docs:
            rel = os.path.relpath(x["path"], d)
            for f in x["findings"]:
                key = (args.split, g, rel, f["start"], f["rule"])
                real = labels.get(key, False)
                add(f, "clean", real)
                c = per_rule[f["rule"]]
                c["clean_all"] += 1
                if f["severity"] != "info":
                    c["warn_" + g] += 1
                    c["real_" + g] += real
                    if args.worksheet:
                        worksheet.append((key, f, x["path"], labels.get(key)))
    if not genres:
        sys.exit(f"error: no clean corpus under {args.data}/clean/{args.split} "
                 "(build it with tools/clean_corpus.sh)")

    # 2. Labelled spun text.
    sets = [p for p in [args.eval, os.path.join(args.data, "spun", "spun.jsonl")]
            if os.path.exists(p)]
    for path in sets:
        recs = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
        lines = []
        for i, r in enumerate(recs):
            lines.append(json.dumps({"id": f"o{i}", "text": r["original"]}))
            lines.append(json.dumps({"id": f"s{i}", "text": r["spun"]}))
        out = run_jsonl([exe, "score", "--findings", "all", "-q", "-j", args.threads, *disable,
                         "-"], stdin="\n".join(lines) + "\n")
        if len(out) != len(lines):
            sys.exit(f"error: {path}: {len(out)} records scored of {len(lines)}")
        for rec in out:
            i = int(rec["id"][1:])
            r = recs[i]
            if rec["id"][0] == "o":
                for f in rec.get("findings", []):
                    add(f, "spun", False)
                    per_rule[f["rule"]]["spun_false"] += 1
                continue
            offs = byte_offsets(r["spun"])
            spans = [(offs[s["spun_start"]], offs[s["spun_end"]])
                     for s in r.get("swaps", []) + r.get("edits", [])]
            for f in rec.get("findings", []):
                hit = any(f["start"] < e and s < f["end"] or (s == e and f["start"] <= s < f["end"])
                          for s, e in spans)
                add(f, "spun", hit)
                per_rule[f["rule"]]["spun_true" if hit else "spun_false"] += 1

    # 3. Seeds.
    for txt in sorted(glob.glob(os.path.join(ROOT, "seeds", "*.txt"))):
        exp_path = txt[:-4] + ".expected.toml"
        exp = tomllib.load(open(exp_path, "rb")) if os.path.exists(exp_path) else {}
        must = [(m["rule"], m["text"]) for m in exp.get("must", [])]
        swaps = {w.lower() for w in exp.get("swaps", [])}
        for x in run_jsonl([exe, "check", "--format", "jsonl", "--no-config",
                            "--min-severity", "info", *disable, txt]):
            for f in x["findings"]:
                words = {w.strip(".,;:!?\"'()").lower() for w in f["text"].split()}
                true = (f["rule"], f["text"]) in must or (
                    f["category"] == "swap" and bool(words & swaps))
                add(f, "seeds", true)

    if args.worksheet:
        with open(args.worksheet, "w", encoding="utf-8") as w:
            for key, f, path, verdict in worksheet:
                raw = open(path, "rb").read()
                before = raw[max(0, f["start"] - 80):f["start"]].decode("utf-8", "replace")
                after = raw[f["end"]:f["end"] + 60].decode("utf-8", "replace")
                ctx = f"{before}[[{f['text']}]]{after}".replace("\n", "⏎").replace("\t", " ")
                mark = {None: "?", True: "real", False: "false"}[verdict]
                w.write("\t".join(map(str, key)) + f"\t{mark}\t{f['confidence']}\t{ctx}\n")

    # A rule with a continuous confidence (ngram.swap) is banded by tenths, like the packs.
    nbands = collections.Counter(rule for rule, _ in stats)
    merged = collections.defaultdict(collections.Counter)
    for (rule, band), c in stats.items():
        if nbands[rule] > 12:
            tenth = band_of(float(band.rstrip("+")), False)
            merged[(rule, tenth)].update(c)
            severity.setdefault((rule, tenth), collections.Counter()).update(
                severity[(rule, band)])
        else:
            merged[(rule, band)].update(c)
    stats = merged
    rows = []
    for (rule, band), c in sorted(stats.items()):
        n = c["tp"] + c["fp"]
        p = c["tp"] / n if n else None
        sev = severity[(rule, band)].most_common(1)[0][0]
        nw = c["tp_warn"] + c["fp_warn"]
        rows.append({"rule": rule, "band": band, "severity": sev, "true": c["tp"],
                     "warnings": nw, "precision_of_warnings": c["tp_warn"] / nw if nw else None,
                     "false": c["fp"], "true_clean": c["tp_clean"], "false_clean": c["fp_clean"],
                     "false_spun": c["fp_spun"], "false_seeds": c["fp_seeds"],
                     "true_spun": c["tp_spun"], "true_seeds": c["tp_seeds"], "precision": p,
                     "meets_warning": p is not None and p >= 0.9,
                     "meets_safe_fix": p is not None and p >= 0.99})
    words = {g["genre"]: g["words"] for g in genres}
    rules = []
    for rule, c in sorted(per_rule.items()):
        rules.append({"rule": rule,
                      "warnings_per_10k": {g: 1e4 * c["warn_" + g] / max(words[g], 1)
                                           for g in words},
                      "warnings_judged_real": sum(c["real_" + g] for g in words),
                      "clean_findings_any_severity": c["clean_all"],
                      "spun_true": c["spun_true"], "spun_false": c["spun_false"]})

    if args.format == "json":
        print(json.dumps({"split": args.split, "disabled": args.disable, "genres": genres,
                          "rules": rules, "bands": rows, "labelled_sets": sets}, indent=1))
        return
    md = args.format == "markdown"
    fmt_p = lambda p: "-" if p is None else f"{p:.2f}"
    total_words = sum(words.values())
    print(f"clean corpora ({args.split}, {total_words} words), labelled sets: "
          f"{', '.join(os.path.relpath(s, ROOT) for s in sets) or 'none'}, seeds"
          + (f"; disabled: {', '.join(args.disable)}" if args.disable else "")
          + f"; {len(labels)} clean findings judged by hand")
    print()
    if md:
        print("| genre | docs | words | warnings/10k | CI fail | top warnings |")
        print("|---|---:|---:|---:|---:|---|")
    for g in genres:
        top = ", ".join(f"{r} {n}" for r, n in g["top"])
        if md:
            print(f"| {g['genre']} | {g['documents']} | {g['words']} | "
                  f"{g['warnings_per_10k']:.2f} | {100 * g['ci_fail_share']:.1f}% | {top} |")
        else:
            print(f"{g['genre']:10} {g['documents']:5} docs {g['words']:8} words "
                  f"{g['warnings_per_10k']:7.2f} warn/10k  CI fail {100 * g['ci_fail_share']:5.1f}%  {top}")
    print()
    gs = list(words)
    if md:
        print("| rule | " + " | ".join(gs) + " | judged real | spun: on swap / elsewhere |")
        print("|---|" + "---:|" * len(gs) + "---:|---:|")
    else:
        print(f"{'warnings/10k on clean':28} " + " ".join(f"{g[:9]:>9}" for g in gs)
              + "  real  spun: on swap / elsewhere")
    for r in rules:
        cells = [f"{r['warnings_per_10k'][g]:.2f}" for g in gs]
        spun = f"{r['spun_true']} / {r['spun_false']}"
        if md:
            print(f"| `{r['rule']}` | " + " | ".join(cells)
                  + f" | {r['warnings_judged_real']} | {spun} |")
        else:
            print(f"{r['rule']:28} " + " ".join(f"{c:>9}" for c in cells)
                  + f"  {r['warnings_judged_real']:4}  {spun}")
    print()
    if md:
        print("| rule | confidence | severity | true (clean / spun / seeds) | false (clean / spun / seeds) | precision | bar met | warnings | their precision |")
        print("|---|---|---|---:|---:|---:|---|---:|---:|")
    for r in rows:
        bar = "safe fix" if r["meets_safe_fix"] else "warning" if r["meets_warning"] else "info"
        true = f"{r['true']} ({r['true_clean']} / {r['true_spun']} / {r['true_seeds']})"
        false = f"{r['false']} ({r['false_clean']} / {r['false_spun']} / {r['false_seeds']})"
        if md:
            print(f"| `{r['rule']}` | {r['band']} | {r['severity']} | {true} | {false} | "
                  f"{fmt_p(r['precision'])} | {bar} | {r['warnings']} | "
                  f"{fmt_p(r['precision_of_warnings'])} |")
        else:
            print(f"{r['rule']:28} {r['band']:5} {r['severity']:7} true {true:20} "
                  f"false {false:24} P {fmt_p(r['precision']):>4}  bar met: {bar:8}  "
                  f"warnings {r['warnings']:4} P {fmt_p(r['precision_of_warnings'])}")


if __name__ == "__main__":
    main()
