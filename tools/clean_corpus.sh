#!/bin/sh
# Build the clean-English benchmark corpora into bench-data/clean (see tools/clean_corpus.py).
# On a fresh machine: apt-get update first (Debian packages are fetched with apt-get download).
set -e
cd "$(dirname "$0")/.."
exec python3 tools/clean_corpus.py "$@"
