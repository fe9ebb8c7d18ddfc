#!/usr/bin/env bash
# Latency of `unspun check` on one 4 KB file, start to finish (process start, embedded models,
# every detector, output), as a CI user sees it. Prints min / median / max over N runs.
# Usage: benches/check_latency.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
cargo build --release --quiet
bin=target/release/unspun
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# 4 KB of the heavily spun seed (the worst case: many findings to report).
head -c 4096 seeds/004_10f339da52fe37a9.txt > "$tmp/doc.txt"
# Cut back to a char boundary so the file stays valid UTF-8.
python3 - "$tmp/doc.txt" <<'PY'
import sys
p = sys.argv[1]; b = open(p, 'rb').read()
open(p, 'wb').write(b.decode('utf-8', 'ignore').encode())
PY
"$bin" check "$tmp/doc.txt" > /dev/null || true   # warm the page cache
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s%N)
  "$bin" check "$tmp/doc.txt" > /dev/null || true
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
printf 'unspun check, one %s-byte file, %d runs: min %.1f ms, median %.1f ms, max %.1f ms\n' \
  "$(wc -c < "$tmp/doc.txt")" "$n" \
  "$(echo "${sorted[0]} / 1000" | bc -l)" "$(echo "${sorted[$((n / 2))]} / 1000" | bc -l)" \
  "$(echo "${sorted[$((n - 1))]} / 1000" | bc -l)"
