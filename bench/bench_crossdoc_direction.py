#!/usr/bin/env python3
"""How reliably the folder pass tells which of two aligned paragraphs is the spun one, by how far apart
their evidence is: the margins of spin/crossdoc.py (FIT_MARGIN, SCORE_MARGIN) come from this.

Takes --docs records of a bench corpus (bench/corpus.py: registry prose, never the dev set or seeds), spins
each with the project's WordNet and Aiksaurus spinners (as bench_crossdoc.py) at rates 0.1 / 0.2 / 0.35
(seeded), scores both versions with the spin signal, and for every paragraph pair the copy changed with at
least attribution.DENSE_SWAPS swaps (the pairs that can count towards a flag) prints, by bin of the gap,
how often each direction test picks the wrong side: the paragraph spin scores (copy minus source) and the
language-model fit (source minus copy, mean log10 probability per token). --touched spins only that share
of a copy's paragraphs; --disjoint compares two copies each spinning the paragraphs the other left alone.
--save writes the per-pair rows (JSON) for trying other rules on them. The runs behind the margins, on text
the language model was not trained on (its train.txt is in the default bench corpus):

    python bench/corpus.py --source /work/build-cache/corpus/heldout.txt --docs 600 --seed 5 -o heldout.jsonl.gz
    python bench/bench_crossdoc_direction.py --corpus heldout.jsonl.gz --docs 600 --seed 11
    python bench/bench_crossdoc_direction.py --corpus heldout.jsonl.gz --docs 600 --seed 13 --touched 0.5
    python bench/bench_crossdoc_direction.py --corpus heldout.jsonl.gz --docs 600 --seed 14 --touched 0.5 --disjoint
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_crossdoc import read_records  # noqa: E402

SCORE_BINS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 1.01)
FIT_BINS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 10.0)


def _document(doc_id: str, paragraphs: list[str]):
    from qualitycheck.document import Document
    return Document.of_paragraphs(doc_id, paragraphs, language="en")


def measure(records: list[dict], seed: int, touched: float = 1.0, disjoint: bool = False) -> list[dict]:
    """Per changed paragraph pair: gap of the spin scores (copy - source), of the LM fit (source - copy),
    distinct swaps; each copy spins a `touched` share of its paragraphs."""
    from qualitycheck.config import Config
    from qualitycheck.signals.spin import SpinSignal
    from qualitycheck.spin import thesaurus
    from qualitycheck.spin.attribution import DENSE_SWAPS
    from qualitycheck.spin.crossdoc import _fit, _swap_lemmas, _words, swaps_between
    from qualitycheck.spin.spinners import ThesaurusSpinner

    rng = random.Random(seed)
    spinners = [ThesaurusSpinner(thesaurus.load((name,)), name) for name in ("wordnet", "aiksaurus")]
    thes = thesaurus.load()
    rows = []
    for k, record in enumerate(records):
        paragraphs = [p.strip() for p in record["text"].split("\n\n") if len(p.split()) >= 8]
        spinner, rate = spinners[k % len(spinners)], (0.1, 0.2, 0.35)[k % 3]
        # a spinner may leave some paragraphs alone: those score higher among the copy's spun ones (the
        # detector reads the document's counts), which is what the direction tests must see through. With
        # `disjoint`, the other version is not the source but a second copy spinning the paragraphs the first
        # left alone (two copies of a story absent from the folder: each is the spun side of half the pairs)
        touched_here = [rng.random() < touched for _ in paragraphs]
        spun = [spinner.spin(p, rate, rng).text if t else p for p, t in zip(paragraphs, touched_here)]
        other = [p if t else spinner.spin(p, rate, rng).text for p, t in zip(paragraphs, touched_here)] \
            if disjoint else paragraphs
        left, right = _document("left", spun), _document("right", other)
        for doc in (left, right):
            SpinSignal().apply(doc, Config())
        for a, b, t in zip(left.paragraphs, right.paragraphs, touched_here):
            copy_side, source_side = (a, b) if t else (b, a)
            swaps = swaps_between(_words(copy_side.text), _words(source_side.text), thes)
            distinct = {frozenset(_swap_lemmas(s, thes)) for s in swaps}
            if len(distinct) < DENSE_SWAPS:
                continue
            fit_copy, fit_source = _fit(copy_side.text), _fit(source_side.text)
            rows.append({"spinner": spinner.name, "rate": rate, "swaps": len(distinct),
                         "score_gap": None if copy_side.spun_score is None or source_side.spun_score is None
                         else copy_side.spun_score - source_side.spun_score,
                         "fit_gap": None if fit_copy is None or fit_source is None else fit_source - fit_copy})
    return rows


def table(rows: list[dict], key: str, bins: tuple[float, ...]) -> list[dict]:
    """Per bin of |gap|: pairs, and the share the gap's sign gets wrong (a gap of 0 counts as wrong)."""
    out = []
    for lo, hi in zip(bins, bins[1:]):
        gaps = [r[key] for r in rows if r[key] is not None and lo <= abs(r[key]) < hi]
        wrong = sum(1 for g in gaps if g <= 0)
        out.append({"gap": f"[{lo}, {hi})", "pairs": len(gaps), "wrong": wrong,
                    "wrong_share": round(wrong / len(gaps), 3) if gaps else None})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/qc-bench/corpus.jsonl.gz"))
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--skip", type=int, default=0, help="start after this many records")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--touched", type=float, default=1.0, help="share of a copy's paragraphs spun (seeded)")
    parser.add_argument("--disjoint", action="store_true",
                        help="compare with a second copy spinning the other paragraphs, not with the source")
    parser.add_argument("--save", type=Path, help="also write the per-pair rows here (JSON)")
    args = parser.parse_args()
    records = read_records(args.corpus, args.skip + args.docs)[args.skip:]
    rows = measure(records, args.seed, args.touched, args.disjoint)
    if args.save:
        args.save.write_text(json.dumps(rows), encoding="utf-8")
    print(json.dumps({"documents": len(records), "touched": args.touched, "disjoint": args.disjoint,
                      "pairs": len(rows)}))
    for key, bins in (("score_gap", SCORE_BINS), ("fit_gap", FIT_BINS)):
        for row in table(rows, key, bins):
            print(json.dumps({"test": key, **row}))


if __name__ == "__main__":
    main()
