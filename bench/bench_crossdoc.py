#!/usr/bin/env python3
"""The folder pass (cross-document spin alignment) at scale: time, peak memory, and whether it finds planted
spun copies.

Takes the first --docs records of a bench corpus (bench/corpus.py), spins --planted of them with the project's
own WordNet and Aiksaurus spinners (rates 0.1 / 0.2 / 0.35, seeded) and inserts each copy at a random place,
then checks the folder with the spin detector off (fast; the pass tells which side is the spin by the
language-model fit alone; --spin: on, so the paragraph scores can veto it) and runs the folder pass alone in a fresh process, reporting its CPU seconds,
peak RSS, planted copies found (flagged, naming their source or a document that shares a paragraph with it),
other documents it flagged, and documents it sent to review as swapped against another version in a
direction it could not tell (planted copies among them).

    python bench/bench_crossdoc.py --corpus /tmp/qc-bench/corpus.jsonl.gz --docs 2000 --planted 40
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from peak_memory import peak_rss_mib  # noqa: E402


def read_records(path: Path, limit: int) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            out.append(json.loads(line))
            if len(out) == limit:
                break
    return out


def plant(records: list[dict], planted: int, seed: int) -> tuple[list[dict], dict[str, str]]:
    """records with `planted` spun copies inserted; {copy id: source id}."""
    from qualitycheck.spin import thesaurus
    from qualitycheck.spin.spinners import ThesaurusSpinner

    rng = random.Random(seed)
    spinners = [ThesaurusSpinner(thesaurus.load((name,)), name) for name in ("wordnet", "aiksaurus")]
    out = list(records)
    truth = {}
    for k, source in enumerate(rng.sample(records, planted)):
        spinner, rate = spinners[k % 2], (0.1, 0.2, 0.35)[k % 3]
        copy = {"id": f"planted-{k:04d}", "text": spinner.spin(source["text"], rate, rng).text}
        out.insert(rng.randrange(len(out) + 1), copy)
        truth[copy["id"]] = source["id"]
    return out, truth


def folder_pass_only(documents: str) -> None:
    """Child process: run the folder pass over documents.jsonl and print what it changed."""
    from qualitycheck.config import Config
    from qualitycheck.folder import cross_document_pass
    from qualitycheck.report.writers import iter_documents

    cpu = time.process_time()
    changed = cross_document_pass(lambda: iter_documents(Path(documents)), Config()).changes
    print(json.dumps({"cpu_s": round(time.process_time() - cpu, 2),
                      "peak_rss_mib": peak_rss_mib(),
                      "changed": {change.doc.id: change.doc.notes for change in changed.values()}}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/qc-bench/corpus.jsonl.gz"))
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--planted", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/qc-bench-crossdoc"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--save", type=Path, help="also write the flagged documents and their notes here (JSON)")
    parser.add_argument("--reuse", action="store_true", help="keep the checked folder from an earlier run in --work")
    parser.add_argument("--spin", action="store_true",
                        help="check with the spin detector on (slower; the pass then also reads paragraph spin scores)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder_pass_only(args.child)
        return

    from qualitycheck.config import Config
    from qualitycheck.run import scan

    records, truth = plant(read_records(args.corpus, args.docs), args.planted, args.seed)
    if not (args.reuse and (args.work / "run" / "documents.jsonl").is_file()):
        args.work.mkdir(parents=True, exist_ok=True)
        inputs = args.work / "input.jsonl"
        inputs.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        if args.spin:   # the scan's own folder pass would leave its flags and raised scores in the records
            import qualitycheck.run
            qualitycheck.run._apply_folder_passes = lambda *_: ("skipped: bench_crossdoc runs it", 0)
        scan([str(inputs)], args.work / "run", Config(spin_enabled=args.spin), jobs=args.jobs, overwrite=True,
             html=False)
    child = subprocess.run([sys.executable, __file__, "--child", str(args.work / "run" / "documents.jsonl")],
                           check=True, capture_output=True, text=True)
    result = json.loads(child.stdout)
    changed = result.pop("changed")
    if args.save:
        args.save.write_text(json.dumps(changed, indent=1, sort_keys=True), encoding="utf-8")
    # The corpus draws paragraphs from a shared pool, so a copy's paragraphs may first occur in another
    # document than its source: naming any document that holds one of the source's paragraphs is right.
    paragraphs = {r["id"]: {p.strip() for p in r["text"].split("\n\n") if len(p.split()) >= 8} for r in records}
    named = {copy: [note.split("spun version of ", 1)[1].split(":", 1)[0] for note in changed.get(copy, [])
                    if note.startswith("spun version of ")] for copy in truth}
    exact = sum(1 for copy, source in truth.items() if source in named[copy])
    found = sum(1 for copy, source in truth.items()
                if any(paragraphs.get(other, set()) & paragraphs[source] for other in named[copy]))
    others = sorted(doc for doc, notes in changed.items()
                    if doc not in truth and any(n.startswith("spun version of ") for n in notes))
    repeats = sum(1 for notes in changed.values() if any(n.startswith("same text as ") for n in notes))
    # sent to review: swapped against another version in a direction the pass could not tell
    unclear = sorted(doc for doc, notes in changed.items() if any(n.startswith("spin direction unclear") for n in notes))
    print(json.dumps({"documents": len(records), "planted": len(truth), "found": found, "source_exact": exact,
                      "other_documents_flagged": len(others), "examples": others[:5],
                      "repeated_documents_noted": repeats, "direction_unclear": len(unclear),
                      "direction_unclear_planted": sum(1 for doc in unclear if doc in truth), **result}))


if __name__ == "__main__":
    main()
