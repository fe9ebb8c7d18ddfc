#!/usr/bin/env bash
# Findings on real reStructuredText and AsciiDoc documentation, read as plain text (BEFORE) and
# with the markup extractors (AFTER): warnings per 10,000 words and the share of documents a
# default CI run fails. Corpora (downloaded once into ./bench-data/markup, gitignored):
#   AsciiDoc: the sources shipped in Debian's git-doc package (the .txt files of git's
#             Documentation/, GPL-2), read with --input-format asciidoc;
#   reST:     doc/**/*.rst of the Sphinx 8.1.3 and pytest 8.3.4 sdists from PyPI (BSD-2 / MIT).
#
#   benches/markup_docs.sh BEFORE_BIN AFTER_BIN
#
# BEFORE_BIN is e.g. a build of the commit before the extractors (it reads .rst and .txt as
# plain text); AFTER_BIN this build (target/release/unspun). Needs apt-get, pip, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$(realpath "$1")
AFTER=$(realpath "$2")
D=bench-data/markup
mkdir -p "$D/out"
if [ ! -d "$D/gitdoc" ]; then
  (cd "$D" && apt-get download git-doc >/dev/null && dpkg-deb -x git-doc_*.deb gitdoc)
fi
if [ ! -d "$D/sphinx-8.1.3" ]; then
  pip download -q --no-deps --no-binary :all: sphinx==8.1.3 pytest==8.3.4 -d "$D/sdists"
  tar xzf "$D/sdists/sphinx-8.1.3.tar.gz" -C "$D"
  tar xzf "$D/sdists/pytest-8.3.4.tar.gz" -C "$D"
fi
find "$D/sphinx-8.1.3/doc" "$D/pytest-8.3.4/doc" -name '*.rst' | sort > "$D/rst.list"
ls "$D"/gitdoc/usr/share/doc/git-doc/*.txt | sort > "$D/adoc.list"

run() { # BIN NAME LIST [ARGS…]
  local bin=$1 name=$2 list=$3
  shift 3
  xargs -a "$list" "$bin" check --no-config --format json "$@" > "$D/out/$name.json" || true
}
run "$BEFORE" rst.before "$D/rst.list"
run "$AFTER" rst.after "$D/rst.list"
run "$BEFORE" adoc.before "$D/adoc.list"
run "$AFTER" adoc.after "$D/adoc.list" --input-format asciidoc

python3 - "$D" <<'PY'
import collections, json, sys
d = sys.argv[1]
for corpus in ("rst", "adoc"):
    files = open(f"{d}/{corpus}.list").read().split()
    raw = sum(len(open(f, errors="replace").read().split()) for f in files)
    for when in ("before", "after"):
        docs = json.load(open(f"{d}/out/{corpus}.{when}.json"))
        warn = [f for x in docs for f in x["findings"] if f["severity"] != "info"]
        failed = sum(any(f["severity"] != "info" for f in x["findings"]) for x in docs)
        words = sum(x["words"] for x in docs)
        top = collections.Counter(f["rule"] for f in warn).most_common(4)
        print(f"{corpus:4} {when:6} docs {len(docs)} raw words {raw} prose words {words} "
              f"warnings {len(warn)} = {1e4 * len(warn) / raw:.1f} per 10k raw words; "
              f"CI fails {100 * failed / len(docs):.0f}%; top: "
              + ", ".join(f"{r} {n}" for r, n in top))
PY
