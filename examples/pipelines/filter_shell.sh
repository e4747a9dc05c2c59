#!/usr/bin/env bash
# qualitycheck as a shell pre-filter: gzip JSONL in, kept records out, rejects routed with reasons.
# Usage: examples/pipelines/filter_shell.sh crawl.jsonl.gz
set -euo pipefail
input="${1:?usage: $0 crawl.jsonl.gz}"

# Keep documents scoring 0.7 or more with verdict keep; write rejects (with reject_reason) aside.
zcat -f "$input" | qualitycheck filter --min-score 0.7 --rejected rejected.jsonl.gz > kept.jsonl

# An English corpus: documents whose main language is another (a clean German page is verdict keep)
# are rejected as language_<code>.
qualitycheck filter "$input" --keep-language en --rejected other-languages.jsonl.gz -o english.jsonl.gz

# Training text only: kept records with their text replaced by the cleaned text (chrome, ads,
# duplicates and foreign trailers removed); review-verdict documents pass too.
qualitycheck filter "$input" --verdict keep --verdict review --output text -o clean.jsonl.gz

# Count rejects by reason.
zcat rejected.jsonl.gz | python -c 'import sys, json, collections; print(collections.Counter(json.loads(l)["reject_reason"] for l in sys.stdin))'
