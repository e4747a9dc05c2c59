#!/usr/bin/env python3
"""A/B speed of two spin-detector set-ups (LM + weights) in one process, alternated.

    python bench/bench_spin_ab.py --a models/en.kenlm=models/spin/weights.json \
        --b models/en-cmu.kenlm=models/spin/weights-cmu.json [--rounds 3] [--limit 200]

Each round builds a fresh detector per set-up (so its candidate caches start cold; the memory-mapped LM
pages stay in the page cache) and times two passes over the documents: cold, then warm. CPU milliseconds
per document (process_time), as the machine is shared. Documents: ../shared/devset/docs (or --docs).

    python bench/bench_spin_ab.py --memory models/en-cmu.kenlm=models/spin/weights-cmu.json

runs one set-up alone in this (fresh) process and prints its peak RSS and the RSS added by loading the LM.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from peak_memory import peak_rss_mib  # noqa: E402


def rss_mib() -> float:
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build(setup: str):
    from qualitycheck.spin.detector import SpinDetector, load_weights
    from qualitycheck.spin.lmview import load

    model, _, weights = setup.partition("=")
    return SpinDetector(load(model or None), load_weights(Path(weights)) if weights else load_weights())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", default="", help="MODEL=WEIGHTS (empty: the shipped ones)")
    parser.add_argument("--b", default=None, help="MODEL=WEIGHTS")
    parser.add_argument("--docs", type=Path, default=ROOT.parent / "shared" / "devset" / "docs")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory", default=None, help="MODEL=WEIGHTS: memory of this set-up alone")
    parser.add_argument("--checker", action="store_true",
                        help="time the whole Checker (spin on) with each set-up instead of the detector alone")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.docs.glob("*.txt"))[: args.limit]]
    if not texts:
        sys.exit(f"no documents in {args.docs}")
    docs = [t.split("\n\n") for t in texts]
    if args.memory is not None:
        import numpy  # noqa: F401  (imported before the baseline, as the detector needs it anyway)
        from qualitycheck.spin import thesaurus
        thesaurus.load()
        before = rss_mib()
        det = build(args.memory)
        loaded = rss_mib()
        for d in docs:
            det.document(d)
        print(json.dumps({"setup": args.memory, "rss_before_detector_mib": round(before, 1),
                          "rss_after_load_mib": round(loaded, 1), "rss_after_docs_mib": round(rss_mib(), 1),
                          "peak_rss_mib": peak_rss_mib()}))
        return
    setups = {"a": args.a, "b": args.b}
    if args.checker:
        from qualitycheck.checker import Checker
        checkers = {}
        for name, setup in setups.items():
            if setup is not None:
                model, _, weights = setup.partition("=")
                checkers[name] = Checker(spin_model_path=model or None, spin_weights_path=weights or None)
        for r in range(args.rounds):
            for name, checker in checkers.items():
                checker.check(texts[0])
                cpu = time.process_time()
                for k, text in enumerate(texts):
                    checker.check(text, id=f"d{k}")
                print(json.dumps({"round": r, "setup": name, "checker_cpu_ms_per_doc":
                                  round(1000 * (time.process_time() - cpu) / len(texts), 2)}), flush=True)
        return
    for r in range(args.rounds):
        for name, setup in setups.items():
            if setup is None:
                continue
            det = build(setup)
            det.document(docs[0][:1])
            out = {"round": r, "setup": name}
            for phase in ("cold", "warm"):
                cpu = time.process_time()
                for d in docs:
                    det.document(d)
                out[f"{phase}_cpu_ms_per_doc"] = round(1000 * (time.process_time() - cpu) / len(docs), 2)
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
