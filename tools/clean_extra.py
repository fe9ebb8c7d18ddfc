#!/usr/bin/env python3
"""Build clean English of genres the main corpora (tools/clean_corpus.py) lack, to measure false
alarms on text unspun was not developed on:

* `manpages`: the English manual pages of sections 2, 5 and 7 (Debian manpages 6.03-2), rendered
  by man(1) as a terminal shows them: 80 columns, words hyphenated across line ends.
* `fortunes`: the quotations, songs, poems and jokes of Debian's fortunes 1.99.1, entries of 60
  words or more. (Looked at while writing the repeated-word rule's list of deliberate doubles.)
* `licenses`: the licence texts of the SPDX list (npm spdx-license-list 6.12.0), 50 words or
  more.
* `jargon`: the entries of the Jargon File 4.4.7 (Debian dict-jargon 4.4.7-3.1), 60 words or
  more: hackers' slang, explained informally.
* `devil`: the entries of Ambrose Bierce's The Devil's Dictionary, 1911 (Debian dict-devil
  1.0-13.1), 40 words or more: satire in period prose and verse.

    python3 tools/clean_extra.py            # bench-data/clean-extra/GENRE/*.txt
    unspun eval --clean bench-data/clean-extra

Nothing here is split into dev and holdout: none of it is used to fit a constant. Needs what
tools/clean_corpus.py needs (apt-get, dpkg-deb, npm) plus man(1) and col(1) for the rendering.
Downloads are pinned by SHA-256 and cached in bench-data/cache.
"""

import argparse
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import clean_corpus  # noqa: E402  (pins and fetchers)

clean_corpus.DEBIAN.update({
    "manpages": ("6.03-2", "efa1ba4cd19ad7baeae959c9209a7eb74be2ebb858bcabb412597bfc9f588c91"),
    "fortunes": ("1:1.99.1-7.3", "41d0551dc0ff52f875a2ecef7c39da2f672ab468c37e170119f7e0245a9d63c5"),
    "dict-jargon": ("4.4.7-3.1", "405f8168d7994ed2cb71407bb95493daec2e9aa66fc0461dafa74a9d6728a8c1"),
    "dict-devil": ("1.0-13.1", "6a535684def2a1f70cd42da16d12d43f0e9dc3e54e4a329178eebab3170e3154"),
})
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
SPDX = ("spdx-license-list", "6.12.0", "54cc8d13086187333ca1457c8edaa06d9a412144f076aa7f7c1b59c4f3b0a1ef")


def manpages(cache, out):
    x = clean_corpus.fetch_debian(cache, "manpages")
    n = 0
    for sec in ("man2", "man5", "man7"):
        for page in sorted(glob.glob(os.path.join(x, "usr/share/man", sec, "*.gz"))):
            if os.path.islink(page):
                continue
            with gzip.open(page, "rt", encoding="utf-8", errors="replace") as f:
                if f.readline().startswith(".so "):
                    continue  # a redirect to another page
            env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="")
            rendered = subprocess.run(["man", "-l", page], env=env, capture_output=True, check=True).stdout
            plain = subprocess.run(["col", "-bx"], input=rendered, capture_output=True, check=True).stdout
            name = os.path.basename(page)[:-3]
            with open(os.path.join(out, name + ".txt"), "wb") as f:
                f.write(plain)
            n += 1
    return n


def fortunes(cache, out):
    x = clean_corpus.fetch_debian(cache, "fortunes")
    d = os.path.join(x, "usr/share/games/fortunes")
    n = 0
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if name.endswith((".dat", ".u8")) or name == "ascii-art" or os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, encoding="utf-8", errors="replace") as f:
            entries = f.read().split("\n%\n")
        for i, entry in enumerate(entries):
            if len(entry.split()) < 60:
                continue
            with open(os.path.join(out, f"{name}-{i}.txt"), "w", encoding="utf-8") as f:
                f.write(entry)
            n += 1
    return n


def licenses(cache, out):
    tgz = clean_corpus.fetch_npm(cache, *SPDX)
    n = 0
    with tarfile.open(tgz) as t:
        for m in sorted(t.getmembers(), key=lambda m: m.name):
            if not (m.name.startswith("package/licenses/") and m.name.endswith(".json")):
                continue
            text = json.load(t.extractfile(m)).get("licenseText") or ""
            if len(text.split()) < 50:
                continue
            name = os.path.basename(m.name)[:-5]
            with open(os.path.join(out, name + ".txt"), "w", encoding="utf-8") as f:
                f.write(text)
            n += 1
    return n


def dictd(package, name, min_words):
    """The entries of a dictd database (`NAME.index`: headword, offset and length in base 64;
    `NAME.dict.dz`: gzip-compatible), one file each."""
    def b64(s):
        n = 0
        for c in s:
            n = n * 64 + B64.index(c)
        return n

    def build(cache, out):
        x = clean_corpus.fetch_debian(cache, package)
        d = os.path.join(x, "usr/share/dictd")
        with gzip.open(os.path.join(d, name + ".dict.dz")) as f:
            data = f.read()
        n = 0
        with open(os.path.join(d, name + ".index"), encoding="utf-8") as index:
            for line in index:
                head, off, length = (line.rstrip("\n").split("\t") + ["", ""])[:3]
                if not length or head.startswith("00"):
                    continue  # the database's own header entries
                text = data[b64(off):b64(off) + b64(length)].decode("utf-8", "replace")
                if len(text.split()) < min_words:
                    continue
                slug = "".join(c if c.isalnum() else "_" for c in head)[:60]
                with open(os.path.join(out, f"{slug}-{n}.txt"), "w", encoding="utf-8") as f:
                    f.write(text)
                n += 1
        return n

    return build


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-data", "clean-extra"))
    ap.add_argument("--cache", default=os.path.join(ROOT, "bench-data", "cache"))
    args = ap.parse_args()
    for genre, build in (("manpages", manpages), ("fortunes", fortunes), ("licenses", licenses),
                         ("jargon", dictd("dict-jargon", "jargon", 60)),
                         ("devil", dictd("dict-devil", "devil", 40))):
        out = os.path.join(args.out, genre)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        try:
            n = build(args.cache, out)
        except clean_corpus.Missing as e:
            sys.exit(f"clean_extra: {e}")
        print(f"{genre}: {n} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
