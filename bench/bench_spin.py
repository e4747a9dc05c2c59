#!/usr/bin/env python3
"""Documents per second of the spin detector alone and of the whole Checker with and without it.

Input: the .txt documents of ../shared/devset/docs (or a folder given with --docs); single process.
Prints one JSON line per configuration: wall-clock and CPU (process_time) milliseconds per document, as
the machine is shared and wall-clock alone moves with its load. The first document is run once before
timing (model loading is reported separately, as it happens once per process).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(run) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of run()."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=ROOT.parent / "shared" / "devset" / "docs")
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    paths = sorted(args.docs.glob("*.txt"))[: args.limit]
    if not paths:
        sys.exit(f"no documents in {args.docs}")
    texts = [p.read_text(encoding="utf-8") for p in paths]
    words = sum(len(t.split()) for t in texts)

    from qualitycheck.spin.detector import default_detector

    t0 = time.perf_counter()
    detector = default_detector()
    detector.document([texts[0].split("\n\n")[0]])
    load_s = time.perf_counter() - t0
    spin_s, spin_cpu = timed(lambda: [detector.document(text.split("\n\n")) for text in texts])
    print(json.dumps({"what": "spin detector alone, cold caches", "documents": len(texts),
                      "mean_words": words / len(texts), "load_seconds": round(load_s, 2),
                      "docs_per_second": round(len(texts) / spin_s, 1),
                      "ms_per_doc": round(1000 * spin_s / len(texts), 2),
                      "cpu_ms_per_doc": round(1000 * spin_cpu / len(texts), 2)}))
    # second pass: the per-word candidate cache is warm, as it is after the first few hundred documents of a scan
    warm_s, warm_cpu = timed(lambda: [detector.document(text.split("\n\n")) for text in texts])
    print(json.dumps({"what": "spin detector alone, warm caches", "documents": len(texts),
                      "docs_per_second": round(len(texts) / warm_s, 1),
                      "ms_per_doc": round(1000 * warm_s / len(texts), 2),
                      "cpu_ms_per_doc": round(1000 * warm_cpu / len(texts), 2)}))
    try:
        from qualitycheck.checker import Checker
    except ImportError as exc:
        print(json.dumps({"what": "checker", "error": str(exc)}))
        return
    for spin in (False, True):
        checker = Checker(spin_enabled=spin)
        checker.check(texts[0])
        elapsed, cpu = timed(lambda: [checker.check(text, id=f"d{k}") for k, text in enumerate(texts)])
        print(json.dumps({"what": f"Checker end to end, spin {'on' if spin else 'off'}", "documents": len(texts),
                          "docs_per_second": round(len(texts) / elapsed, 1),
                          "ms_per_doc": round(1000 * elapsed / len(texts), 2),
                          "cpu_ms_per_doc": round(1000 * cpu / len(texts), 2)}))


if __name__ == "__main__":
    main()
