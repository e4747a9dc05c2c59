#!/usr/bin/env bash
# Build models/en-cmu.kenlm (+ sidecar en-cmu.kenlm.json): CMU Sphinx's generic US-English trigram LM,
# converted to a KenLM binary for the spin detector. See models/README.md, "CMU Sphinx LM for the spin
# detector".
#
#   bash models/build.sh          # once: builds KenLM's build_binary into $BUILD/bin
#   bash models/build_cmu.sh      # then this (about a minute)
#
# Input: the PyPI package pocketsphinx (pinned below; only its file model/en-us/en-us.lm.bin is used, and
# its sha256 is checked, so any wheel or the sdist of that version will do). Everything downloaded or
# written on the way goes to $BUILD/cmu (default models/.build, gitignored). The binary ships in git; this
# rebuilds the same file (sha256 in the model card).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${QUALITYCHECK_BUILD_DIR:-$REPO/models/.build}"
PY="${PYTHON:-python3}"

PSX_VERSION="5.1.1"
LM_MEMBER="model/en-us/en-us.lm.bin"
LM_SHA256="db21d0642286677699e6dbc859d2e5395570222361999387ce60f6e1d01995d6"
UNK="-8.0"          # log10 P(<unk>): the sphinx LM has no <unk>; about its rarest 5 % of words (see the card)
OUT="$REPO/models/en-cmu.kenlm"

[ -x "$BUILD/bin/build_binary" ] || { echo "no $BUILD/bin/build_binary: run models/build.sh first" >&2; exit 1; }
mkdir -p "$BUILD/cmu"
log() { printf '\n== %s\n' "$*"; }

log "pocketsphinx==$PSX_VERSION from PyPI (only $LM_MEMBER is used)"
rm -f "$BUILD"/cmu/pocketsphinx-*
"$PY" -m pip download --no-deps "pocketsphinx==$PSX_VERSION" -d "$BUILD/cmu" >/dev/null
"$PY" - "$BUILD/cmu" "$LM_MEMBER" <<'EOF'
import sys, tarfile, zipfile
from pathlib import Path
folder, member = Path(sys.argv[1]), sys.argv[2]
pkg = next(folder.glob("pocketsphinx-*"))
if pkg.suffix == ".whl":
    data = zipfile.ZipFile(pkg).read("pocketsphinx/" + member)
else:   # sdist
    with tarfile.open(pkg) as tar:
        name = next(n for n in tar.getnames() if n.endswith("/" + member))
        data = tar.extractfile(name).read()
(folder / "en-us.lm.bin").write_bytes(data)
# the package's licence text, for the attribution the BSD licence asks of binary redistributions
if pkg.suffix == ".whl":
    z = zipfile.ZipFile(pkg)
    lic = next((n for n in z.namelist() if n.endswith("licenses/LICENSE") or n.endswith("/LICENSE")), None)
    if lic:
        (folder / "LICENSE").write_bytes(z.read(lic))
EOF
echo "$LM_SHA256  $BUILD/cmu/en-us.lm.bin" | sha256sum -c -

log "sphinx trie binary -> ARPA (scripts/sphinx_lm_to_arpa.py)"
"$PY" "$REPO/scripts/sphinx_lm_to_arpa.py" "$BUILD/cmu/en-us.lm.bin" "$BUILD/cmu/en-cmu.arpa" --unk "$UNK"

log "build_binary: trie, 8-bit quantised probabilities and backoffs, 22-bit pointer compression"
"$BUILD/bin/build_binary" -q 8 -b 8 -a 22 trie "$BUILD/cmu/en-cmu.arpa" "$OUT" > "$BUILD/cmu/build_binary.log" 2>&1

log "sidecar $OUT.json"
"$PY" - "$OUT" "$BUILD/cmu/en-cmu.arpa" "$PSX_VERSION" "$LM_SHA256" "$UNK" <<'EOF'
import hashlib, json, os, re, sys
from pathlib import Path
out, arpa, version, source_sha, unk = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
weights = out.parent / "spin" / "weights-cmu.json"
meta = {
    "language": "en",
    # tokens reach this LM as spoken-style words (qualitycheck.spin.lmview.SpokenLMView): no punctuation,
    # sentence ends as </s>; the perplexity signal does not use it
    "lm_words": "spoken",
    "spin_weights": os.path.relpath(weights, out.parent),
    # British-only spellings given to this US LM in its spelling (scripts/build_us_spelling.py)
    "spelling": os.path.relpath(out.parent / "spin" / "us_spelling.tsv", out.parent),
    "order": 3,
    "ngrams": [int(n) for n in re.findall(r"^ngram \d+=(\d+)$", arpa.open().read(4096), re.M)],
    "unk_log10": unk,
    "quantisation": "trie -q 8 -b 8 -a 22",
    "source": f"PyPI pocketsphinx=={version}, model/en-us/en-us.lm.bin (CMU Sphinx generic US English LM)",
    "source_sha256": source_sha,
    "licence": "BSD-2-Clause (Carnegie Mellon University; Alpha Cephei Inc.): see models/en-cmu.LICENSE",
    "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
    "bytes": out.stat().st_size,
}
Path(str(out) + ".json").write_text(json.dumps(meta, indent=1) + "\n")
print(json.dumps(meta, indent=1))
EOF
ls -l "$OUT"
