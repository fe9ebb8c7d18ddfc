#!/usr/bin/env bash
# The language benchmark (issue 19): document language, foreign passages and translation
# verdicts on real text, plus the cost of the language stage.
#
#   benches/lang.sh [CLEAN_DIR...]
#
# Builds bench-data/lang (gitignored) with benches/lang_corpus.py when it is missing (Debian
# packages: translated manual pages and the Debian Reference), builds the release binary, and
# prints benches/lang_eval.py's tables: per language the share of documents over 50 words with
# the right main language and the number with a "spun" verdict; English documents (Debian,
# seed 000 and every text file under the CLEAN_DIRs) with their translation verdicts; English
# documents with one inserted foreign paragraph. Then the language stage's speed on a few MB
# of English (`cargo bench --bench detectors` on the English documents).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f bench-data/lang/pt.jsonl ]; then
  python3 benches/lang_corpus.py bench-data/lang
fi
nice -n 10 cargo build --release --quiet
# The n-gram model decides none of these figures (not the language, not the foreign findings
# that the translation verdict reads) and is 98% of the time: it is off unless UNSPUN_ARGS says.
UNSPUN_ARGS="${UNSPUN_ARGS---disable ngram.swap}" \
  python3 benches/lang_eval.py target/release/unspun bench-data/lang "$@"

echo
echo "## Speed of the language stage (one thread, English text)"
python3 - "$@" > bench-data/lang/english-speed.jsonl <<'PY'
import glob, json, os, sys
out = 0
paths = sorted(glob.glob("bench-data/lang/en.jsonl"))
for line in open("bench-data/lang/en.jsonl", encoding="utf-8"):
    print(json.dumps({"text": json.loads(line)["text"]}))
for d in sys.argv[1:]:
    for p in sorted(glob.glob(f"{d}/**/*", recursive=True)):
        if os.path.isfile(p) and p.endswith((".txt", ".md", ".rst")):
            try:
                print(json.dumps({"text": open(p, encoding="utf-8").read()}))
            except UnicodeDecodeError:
                pass
PY
nice -n 10 cargo bench --quiet --bench detectors -- bench-data/lang/english-speed.jsonl 8 \
  | grep -E "documents|document model|language stage|Checker::check"
