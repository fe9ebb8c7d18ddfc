#!/usr/bin/env bash
# Rebuild the lexicon into a temp dir and compare it byte for byte with rules/lexicon/.
# Exit 0 if identical, 1 otherwise. Also verifies rules/lexicon/CHECKSUMS.sha256.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

( cd "$repo/rules/lexicon" && sha256sum --quiet -c CHECKSUMS.sha256 )
"$here/build_lexicon.sh" "$tmp/lexicon"
if diff -r "$tmp/lexicon" "$repo/rules/lexicon"; then
  echo "lexicon: rebuild is byte-identical" >&2
else
  echo "lexicon: rebuild DIFFERS from rules/lexicon" >&2
  exit 1
fi
