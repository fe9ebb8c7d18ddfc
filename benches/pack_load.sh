#!/usr/bin/env bash
# How long loading a rule pack takes by its number of rules (issue 20: it was quadratic).
#
#   benches/pack_load.sh                 # 5k, 10k, 20k, 100k phrase rules and regex rules
#   benches/pack_load.sh 1000 50000      # other sizes
#
# Generates one pack per size under a temporary folder and times `unspun rules --rules DIR`
# (load, validate, compile; no text is checked) with GNU time: wall time and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(5000 10000 20000 100000)
cargo build --release --quiet --bin unspun
BIN=target/release/unspun
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for kind in phrase regex; do
  for n in "${SIZES[@]}"; do
    mkdir -p "$TMP/$kind-$n"
    python3 - "$n" "$kind" > "$TMP/$kind-$n/big.toml" <<'PY'
import sys
n, kind = int(sys.argv[1]), sys.argv[2]
print('[pack]\nname = "big"\n')
for i in range(n):
    if kind == "phrase":
        body = f'entries = [["zq{i} alpha", "beta"]]'
    else:
        body = f"patterns = ['\\bzq{i}x\\b']"
    print(f'[[rule]]\nid = "big.r{i}"\nkind = "{kind}"\nmessage = "m"\n{body}\n')
PY
    size=$(stat -c %s "$TMP/$kind-$n/big.toml")
    /usr/bin/time -f "%e %M" -o "$TMP/time" "$BIN" rules --rules "$TMP/$kind-$n" > /dev/null
    read -r secs kb < "$TMP/time"
    printf '%-6s %7d rules (%5.1f MB): %6.2f s, peak RSS %4d MB\n' \
      "$kind" "$n" "$(python3 -c "print($size/1e6)")" "$secs" "$((kb / 1024))"
  done
done
