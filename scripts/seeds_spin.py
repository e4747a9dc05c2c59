#!/usr/bin/env python3
"""The spin expectations of ../shared/seeds/EXPECTED.json for one spin set-up (LM + weights), end to end
through the Checker, with and without the fingerprint list: each seed's spun flag and score, and for each
paragraph EXPECTED.json names, whether it carries `spun` where it must (or must not: paragraphs without
`spun` in must/may, and every paragraph of a seed not marked spun). The seeds are only read.

  python scripts/seeds_spin.py [--model models/en-cmu.kenlm] [--weights FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEEDS = ROOT.parent / "shared" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="spin detector LM (default: the perplexity signal's)")
    parser.add_argument("--weights", default=None)
    args = parser.parse_args()
    from qualitycheck.checker import Checker
    from qualitycheck.document import RawDocument
    expected = json.loads((SEEDS / "EXPECTED.json").read_text(encoding="utf-8"))["documents"]
    summary = {}
    for fingerprints in (True, False):
        checker = Checker(spin_fingerprints=fingerprints, spin_model_path=args.model,
                          spin_weights_path=args.weights)
        met = total = wrong = 0
        for name, info in expected.items():
            doc = checker.annotate(RawDocument(id=name, path=None, text=(SEEDS / name).read_text(encoding="utf-8"),
                                               encoding="utf-8"))
            named = {e["contains"]: e for e in info.get("paragraphs", [])}
            misses = []
            total += 1
            ok_doc = bool(doc.spun_flag) == bool(info.get("spun"))
            met += ok_doc
            for p in doc.paragraphs:
                entry = next((e for c, e in named.items() if c in p.text), None)
                must = entry is not None and "spun" in entry.get("must", [])
                may = entry is not None and "spun" in entry.get("may", [])
                if must:
                    total += 1
                    met += p.has("spun")
                    if not p.has("spun"):
                        misses.append(f"missed: {p.text[:60]!r} ({p.spun_score:.2f})")
                elif p.has("spun") and not may:
                    wrong += 1
                    misses.append(f"wrongly spun: {p.text[:60]!r} ({p.spun_score:.2f})")
            print(json.dumps({"fingerprints": fingerprints, "seed": name[:3], "spun_expected": bool(info.get("spun")),
                              "flagged": bool(doc.spun_flag), "score": round(doc.spun_score or 0.0, 4),
                              "problems": misses}))
        summary[f"fingerprints={fingerprints}"] = (f"{met}/{total} spin expectations met (document flags + must-spun "
                                                   f"paragraphs); {wrong} paragraphs spun that must not be")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
