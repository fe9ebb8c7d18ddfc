#!/usr/bin/env bash
# Rebuild rules/lang/profiles.txt (the word profiles of the language identifier, src/lang.rs)
# from the pinned PyPI package wordfreq (see rules/SOURCES.md, section "Language profiles").
#
#   tools/build_lang_profiles.sh [OUTDIR]     (default: rules/lang)
#
# Needs python3 (3.9+) with venv and access to PyPI. Nothing is installed system-wide: the
# wheel is downloaded into a temp dir (checked against its sha256) and read without installing
# wordfreq; msgpack goes into a temp venv. Deterministic: the same inputs give the same file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
out="${1:-$repo/rules/lang}"
WHEEL_SHA256=4b1c6ecffc6198be3396d5cf871c4423ca71c907c231348d352dd54d62b97473

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "msgpack==1.1.0"
"$work/venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
  "wordfreq==3.1.1" -d "$work"
echo "$WHEEL_SHA256  $(ls "$work"/wordfreq-3.1.1-*.whl)" | sha256sum -c - >&2
mkdir -p "$out"
"$work/venv/bin/python" "$here/build_lang_profiles.py" "$work"/wordfreq-3.1.1-*.whl "$out/profiles.txt"
# The licence and the data notice travel with the table.
unzip -p "$work"/wordfreq-3.1.1-*.whl wordfreq-3.1.1.dist-info/LICENSE.txt > "$out/wordfreq.LICENSE.txt"
echo "== wrote $out/profiles.txt" >&2
