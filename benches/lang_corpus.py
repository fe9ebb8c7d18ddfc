#!/usr/bin/env python3
"""Build the language benchmark corpus of `benches/lang.sh` from Debian packages.

    python3 benches/lang_corpus.py [OUT]        # default OUT: bench-data/lang (gitignored)

Downloads (with `apt-get download`, versions pinned below) the translated manual pages of
manpages-l10n (`manpages-fr`, `-de`, `-es`, `-it`, `-pt-br`, `-nl`), the English
`manpages`, and the Debian Reference in six languages (`debian-reference-*`), and writes
`OUT/LANG.jsonl`: one document per line, `{"id", "lang", "source", "text"}`:

* a manual page: its text, troff markup stripped (one document per page);
* a Debian Reference section (numbered heading to the next one).

Translations keep the paragraphs nobody translated in English. They are removed where the
English original is at hand (a paragraph found word for word in the English edition of the
Debian Reference, or in the English page of the same name), so a document's label is its
language. At most `PER_LANG` documents per language are kept, drawn with a fixed seed, so the
output is the same on every run. Nothing here is committed: the texts stay under their own
licences (GPL and others, see each package's copyright file).
"""

import glob
import gzip
import html
import json
import os
import random
import re
import subprocess
import sys

PACKAGES = {
    # package: version (Debian bookworm)
    "manpages": "6.03-2",
    "manpages-fr": "4.18.1-1",
    "manpages-de": "4.18.1-1",
    "manpages-es": "4.18.1-1",
    "manpages-it": "4.18.1-1",
    "manpages-pt-br": "4.18.1-1",
    "manpages-nl": "4.18.1-1",
    "debian-reference-en": "2.100",
    "debian-reference-fr": "2.100",
    "debian-reference-de": "2.100",
    "debian-reference-es": "2.100",
    "debian-reference-it": "2.100",
    "debian-reference-pt": "2.100",
}
MAN_DIRS = {"fr": "fr", "de": "de", "es": "es", "it": "it", "pt": "pt_BR", "nl": "nl"}
REF_LANGS = ["en", "fr", "de", "es", "it", "pt"]
PER_LANG = 400
SEED = 19


def fetch(out):
    debs = os.path.join(out, "debs")
    root = os.path.join(out, "root")
    os.makedirs(debs, exist_ok=True)
    os.makedirs(root, exist_ok=True)
    want = [p for p in PACKAGES if not glob.glob(os.path.join(debs, f"{p}_*.deb"))]
    if want:
        subprocess.run(
            ["apt-get", "download", "-q"] + [f"{p}={PACKAGES[p]}" for p in want],
            cwd=debs,
            check=True,
        )
    for deb in sorted(glob.glob(os.path.join(debs, "*.deb"))):
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    return root


ESCAPES = {
    "em": "\u2014", "en": "\u2013", "aq": "'", "dq": '"', "lq": "\u201c", "rq": "\u201d",
    "oq": "\u2018", "cq": "\u2019", "bu": "\u2022", "co": "\u00a9", "rg": "\u00ae",
    "hy": "-", "mi": "-", "pl": "+", "mu": "\u00d7", "<=": "<=", ">=": ">=", "->": "->",
    "Fo": "\u00ab", "Fc": "\u00bb", "fo": "\u2039", "fc": "\u203a", "ga": "`", "ti": "~",
    "ha": "^", "rs": "\\", "ss": "\u00df",
}
# Macros whose arguments are running text (man and mdoc).
TEXT_MACROS = {
    "SH", "SS", "B", "I", "BR", "IR", "RB", "BI", "IB", "RI", "SM", "SB", "IP", "TQ",
    "Nd", "Nm", "Sh", "Ss", "Em", "Sy", "Ar", "Pa", "Xr", "Dq", "Qq", "Sq", "Ql", "Li",
}


def troff_text(src):
    """The running text of a troff manual page (good enough for word statistics)."""
    src = re.sub(r"\\\(([A-Za-z<>=\-]{2})", lambda m: ESCAPES.get(m.group(1), ""), src)
    src = re.sub(r"\\\[([^\]]*)\]", lambda m: ESCAPES.get(m.group(1), ""), src)
    src = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", src)
    src = re.sub(r"\\s[+-]?\d", "", src)
    src = re.sub(r"\\\*(\(..|\[[^\]]*\]|.)", "", src)
    src = src.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "").replace("\\ ", " ")
    src = re.sub(r"\\[|^:c%]", "", src)
    src = src.replace("\\", "")
    paras, cur = [], []
    for line in src.split("\n"):
        if line.startswith(('.\\"', "'\\\"", '.\\"')) or line.startswith('.."'):
            continue
        if line.startswith((".", "'")):
            m = re.match(r"[.'](\S+)\s*(.*)", line)
            if not m:
                continue
            name, args = m.group(1), m.group(2)
            if name in ("SH", "SS", "Sh", "Ss", "PP", "LP", "P", "TP", "IP", "sp", "Pp"):
                if cur:
                    paras.append(" ".join(cur))
                    cur = []
            if name in TEXT_MACROS and args:
                args = re.sub(r'"([^"]*)"', r"\1", args)
                if name in ("IP", "TQ"):
                    args = args.split(" ")[0] if args else ""
                cur.append(args)
                if name in ("SH", "SS", "Sh", "Ss"):
                    paras.append(" ".join(cur))
                    cur = []
            continue
        if not line.strip():
            if cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        cur.append(line.strip())
    if cur:
        paras.append(" ".join(cur))
    return [re.sub(r"\s+", " ", p).strip() for p in paras if p.strip()]


def norm(p):
    return re.sub(r"\W+", " ", p).strip().lower()


class English:
    """Paragraphs of the English originals: a translated paragraph that is one of them, or
    starts or ends with the same eight words, was left untranslated."""

    def __init__(self):
        self.whole, self.ends = set(), set()

    def add(self, p):
        n = norm(p)
        if not n:
            return
        self.whole.add(n)
        w = n.split()
        if len(w) >= 8:
            self.ends.add(("<", tuple(w[:8])))
            self.ends.add((">", tuple(w[-8:])))

    def __contains__(self, p):
        n = norm(p)
        w = n.split()
        return n in self.whole or (
            len(w) >= 8 and (("<", tuple(w[:8])) in self.ends or (">", tuple(w[-8:])) in self.ends)
        )


def read_gz(path):
    with gzip.open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def man_pages(root, lang_dir):
    pages = {}
    for path in sorted(glob.glob(os.path.join(root, "usr/share/man", lang_dir, "man*", "*.gz"))):
        name = os.path.basename(path)[: -len(".gz")]
        try:
            text = read_gz(path)
        except OSError:
            continue
        if text.startswith(".so "):
            continue  # a link to another page
        pages[name] = troff_text(text)
    return pages


def ref_sections(root, lang):
    path = os.path.join(root, f"usr/share/debian-reference/debian-reference.{lang}.txt.gz")
    text = read_gz(path)
    sections, cur, head = [], [], None
    for line in text.split("\n"):
        if re.match(r"^\d+(\.\d+)+\.\s\S", line) or re.match(r"^\w+\s\d+\.\s\S", line):
            if head and cur:
                sections.append((head, cur))
            head, cur = line.strip(), []
            continue
        cur.append(line)
    if head and cur:
        sections.append((head, cur))
    out = []
    for head, lines in sections:
        # Tables (their cells are mostly left in English) and shell transcripts are not prose.
        lines = [l for l in lines if not re.match(r"\s*([|+]|\$ |# )", l)]
        paras = [re.sub(r"\s+", " ", p).strip() for p in "\n".join(lines).split("\n\n")]
        out.append((head, [p for p in paras if p]))
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench-data/lang"
    root = fetch(out)
    english = English()
    en_man = man_pages(root, "")  # usr/share/man/man*: the English pages
    for paras in en_man.values():
        for p in paras:
            english.add(p)
    for sys_dir in glob.glob("/usr/share/man/man*"):
        for path in glob.glob(os.path.join(sys_dir, "*.gz")):
            try:
                for p in troff_text(read_gz(path)):
                    english.add(p)
            except (OSError, EOFError):
                pass
    en_ref = ref_sections(root, "en")
    for _, paras in en_ref:
        for p in paras:
            english.add(p)
    rng = random.Random(SEED)
    counts = {}
    for lang in ["en", "fr", "de", "es", "it", "pt", "nl"]:
        docs = []
        if lang == "en":
            for name, paras in sorted(en_man.items()):
                docs.append(("manpages:" + name, paras))
        else:
            for name, paras in sorted(man_pages(root, MAN_DIRS[lang]).items()):
                kept = [p for p in paras if p not in english]
                docs.append((f"manpages-{MAN_DIRS[lang]}:{name}", kept))
        if lang in REF_LANGS:
            for head, paras in (en_ref if lang == "en" else ref_sections(root, lang)):
                kept = paras if lang == "en" else [p for p in paras if p not in english]
                docs.append((f"debian-reference-{lang}:{head}", kept))
        docs = [(s, "\n\n".join(html.unescape(p) for p in ps)) for s, ps in docs]
        docs = [(s, t) for s, t in docs if len(t.split()) >= 10]
        rng.shuffle(docs)
        docs = sorted(docs[:PER_LANG])
        with open(os.path.join(out, f"{lang}.jsonl"), "w", encoding="utf-8") as f:
            for i, (source, text) in enumerate(docs):
                rec = {"id": f"{lang}-{i}", "lang": lang, "source": source, "text": text}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        counts[lang] = len(docs)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), "documents in", out)


if __name__ == "__main__":
    main()
