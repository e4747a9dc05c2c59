#!/usr/bin/env python3
"""Measure the spin detector on ../shared/devset and on our own synthetic held-out spins.

Prints, for each set: document AUC (spun vs clean documents, and vs all non-spun documents), recall per spin
level at the threshold that keeps clean false positives at or below 1% (strictly above the highest allowed
clean score), recall and false positives at the shipped threshold (Config.spun_document_threshold),
hard_clean false positives, and paragraph precision / recall / F1 for the `spun` label at
Config.spun_paragraph_threshold (with OWN_EVIDENCE_FLOOR). The devset is only read, never trained on.
--clean FILE[:SPLIT] measures false positives on a set of clean documents (scripts/build_modern.py's
clean.jsonl), per source: documents and paragraphs flagged at the Config thresholds, score quantiles.
--evidence-floor F (repeatable; "none" = no own-evidence requirement) adds paragraph figures with labels at
that own-evidence floor instead of the shipped OWN_EVIDENCE_FLOOR (qualitycheck.spin.detector); scores are
the same, so one run measures every floor.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualitycheck.config import Config  # noqa: E402
from qualitycheck.evaluate import auc, threshold_at_fp  # noqa: E402
from qualitycheck.spin.detector import (  # noqa: E402
    OWN_EVIDENCE_FLOOR, DocumentResult, SpinDetector, detector_files, load_weights)
from qualitycheck.spin.lmview import load as load_lm  # noqa: E402

SHARED = ROOT.parent / "shared"
FLOORS: list[float | None] = []   # extra own-evidence floors to report (--evidence-floor)


def labels(result: DocumentResult, config: Config) -> dict:
    """para_pred (the product's labels) and, per extra floor, para_pred@<floor>."""
    def at(floor):
        return result.paragraph_labels(config.spun_paragraph_threshold, config.spun_document_threshold,
                                       config.spun_paragraph_threshold_in_spun_document, floor)
    out = {"para_pred": at(OWN_EVIDENCE_FLOOR)}
    for floor in FLOORS:
        out[f"para_pred@{floor}"] = at(floor)
    return out


def prf(pred: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def report(name: str, docs: list[dict], config: Config) -> dict:
    """docs: {"score", "spun", "level", "hard", "para_scores", "para_gold"}."""
    clean = [d["score"] for d in docs if not d["spun"] and d["clean"]]
    others = [d["score"] for d in docs if not d["spun"]]
    spun = [d["score"] for d in docs if d["spun"]]
    t = threshold_at_fp(clean, 0.01)
    out = {"set": name, "documents": len(docs), "spun_documents": len(spun), "clean_documents": len(clean),
           "auc_vs_clean": auc(spun, clean), "auc_vs_all": auc(spun, others), "threshold_1pct_fp": t}
    for level in ("light", "medium", "heavy"):
        scores = [d["score"] for d in docs if d["spun"] and d["level"] == level]
        if scores:
            out[f"recall_{level}@1%fp"] = float(np.mean([s >= t for s in scores]))
            out[f"recall_{level}@config"] = float(np.mean([s > config.spun_document_threshold for s in scores]))
            out[f"n_{level}"] = len(scores)
    out["clean_fp@config"] = sum(s > config.spun_document_threshold for s in clean)
    out["nonspun_fp@config"] = sum(s > config.spun_document_threshold for s in others)
    hard = [d["score"] for d in docs if d.get("hard")]
    if hard:
        out["hard_clean_fp@1%fp"] = sum(s >= t for s in hard)
        out["hard_clean_fp@config"] = sum(s > config.spun_document_threshold for s in hard)
        out["hard_clean_n"] = len(hard)
    gold = [g for d in docs for g in d["para_gold"]]
    for key in ["para_pred"] + [f"para_pred@{floor}" for floor in FLOORS]:
        pred = [p for d in docs for p in d[key]]
        p, r, f = prf(pred, gold)
        tag = key[len("para_pred"):]
        out.update({f"paragraph_precision{tag}": p, f"paragraph_recall{tag}": r, f"paragraph_f1{tag}": f})
        if tag:   # clean documents' paragraphs flagged at this floor
            out[f"clean_paragraphs_flagged{tag}"] = sum(p for d in docs if d["clean"] for p in d[key])
    out["clean_paragraphs_flagged"] = sum(p for d in docs if d["clean"] for p in d["para_pred"])
    out.update({"paragraphs": len(gold), "spun_paragraphs": int(sum(gold))})
    return out


def skip_paragraph(text: str) -> bool:
    """What the earlier signals would remove anyway: ad placeholders. (Eval runs the detector alone.)"""
    return text.strip() in ("[ad_1]", "[ad_2]")


def _max_spans(result) -> list[float | None]:
    """Each paragraph's strongest span probability (None: paragraph not scored; 0.0: no span)."""
    return [max((s.probability for s in r.spans), default=0.0) if r else None for r in result.paragraphs]


def run_devset(detector: SpinDetector, limit: int | None, config: Config) -> list[dict]:
    root = SHARED / "devset"
    labels = [json.loads(line) for line in (root / "labels.jsonl").open(encoding="utf-8")]
    docs = []
    for rec in labels[:limit]:
        text = (root / "docs" / f"{rec['id']}.txt").read_text(encoding="utf-8")
        paragraphs = text.split("\n\n")
        result = detector.document([None if skip_paragraph(p) else p for p in paragraphs])
        gold = {p["index"]: "spun" in p["labels"] for p in rec["paragraphs"]}
        docs.append({
            "id": rec["id"], "score": result.score, "spun": rec["doc_label"] == "spun",
            "clean": rec["doc_label"] == "clean", "level": rec.get("spin_level"),
            "spinner": rec.get("spinner"), "hard": rec.get("subset") == "hard_clean",
            "para_scores": [r.score if r else None for r in result.paragraphs],
            "para_max_span": _max_spans(result),
            **labels(result, config),
            "para_gold": [gold.get(i, False) for i in range(len(paragraphs))],
        })
    return docs


def run_synthetic(detector: SpinDetector, path: Path, limit: int | None, config: Config) -> list[dict]:
    docs = []
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    records = [r for r in records if r["split"] == "test"][:limit]
    for rec in records:
        texts = [p["text"] for p in rec["paragraphs"]]
        result = detector.document(texts)
        docs.append({
            "id": rec["id"], "score": result.score, "spun": rec["spinner"] != "clean",
            "clean": rec["spinner"] == "clean", "level": rec.get("level"), "spinner": rec["spinner"],
            "para_scores": [r.score if r else None for r in result.paragraphs],
            "para_max_span": _max_spans(result),
            **labels(result, config),
            "para_gold": [bool(p["spans"]) for p in rec["paragraphs"]],
        })
    return docs


def run_clean(detector: SpinDetector, spec: str, config: Config) -> list[dict]:
    path, _, split = spec.partition(":")
    records = [json.loads(line) for line in open(path, encoding="utf-8")]
    docs = []
    for rec in records:
        if split and rec.get("split") != split:
            continue
        result = detector.document([p["text"] for p in rec["paragraphs"]])
        docs.append({"id": rec["id"], "source": rec.get("source", "?"), "split": rec.get("split"),
                     "score": result.score, "spun": False, "clean": True,
                     "para_scores": [r.score if r else None for r in result.paragraphs],
                     "para_max_span": _max_spans(result),
                     **labels(result, config)})
    return docs


def clean_report(name: str, docs: list[dict], config: Config) -> dict:
    scores = np.array([d["score"] for d in docs])
    paras = [s for d in docs for s in d["para_scores"] if s is not None]
    flagged = [p for d in docs for p in d["para_pred"]]
    return {"set": name, "documents": len(docs),
            "flagged@config": int(np.sum(scores > config.spun_document_threshold)),
            "flagged_share": float(np.mean(scores > config.spun_document_threshold)),
            "score_median": float(np.median(scores)), "score_p90": float(np.quantile(scores, 0.9)),
            "score_p99": float(np.quantile(scores, 0.99)), "score_max": float(scores.max()),
            "paragraphs": len(paras), "paragraphs_flagged": int(sum(flagged)),
            "paragraph_flag_share": float(np.mean(flagged)) if flagged else 0.0,
            "paragraph_score_above_0.5": float(np.mean(np.array(paras) > 0.5)) if paras else 0.0,
            **{f"paragraphs_flagged@{floor}": int(sum(p for d in docs for p in d[f"para_pred@{floor}"]))
               for floor in FLOORS}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spins", type=Path, default=Path("/work/build-cache/spin/spins.jsonl"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-fingerprints", action="store_true")
    parser.add_argument("--dump", type=Path, default=None, help="write per-document scores here (JSONL)")
    parser.add_argument("--weights", type=Path, default=None,
                        help="weights JSON (default: the one the model's sidecar names, else models/spin/weights.json)")
    parser.add_argument("--synthetic-model", default=None,
                        help="KenLM file for the synthetic set; use the fold LM (make_spins.py --fold-corpus): "
                             "the shipped LM was trained on the text the synthetic spins were made from")
    parser.add_argument("--model", default=None,
                        help="KenLM file (default: the spin detector's shipped model, models/en-cmu.kenlm)")
    parser.add_argument("--clean", action="append", default=[], metavar="FILE[:SPLIT]",
                        help="clean-document JSONL to measure false positives on (repeatable)")
    parser.add_argument("--no-devset", action="store_true")
    parser.add_argument("--evidence-floor", action="append", default=[], metavar="F",
                        help="also report paragraph labels at this own-evidence floor ('none': no requirement)")
    args = parser.parse_args()
    FLOORS.extend(None if f == "none" else float(f) for f in args.evidence_floor)
    config = Config()
    # what the spin signal runs with by default (before the fifth session this was the perplexity signal's model)
    model, default_weights = detector_files(args.model or config.spin_model_path or config.model_path)
    weights = args.weights or default_weights
    detector = SpinDetector(load_lm(model), load_weights(weights), not args.no_fingerprints)
    print(f"LM {model or 'shipped default'}; weights {weights}")
    results = []
    dumped = []
    for spec in args.clean:
        docs = run_clean(detector, spec, config)
        results.append(clean_report(f"clean[{spec}]", docs, config))
        for source in sorted({d["source"] for d in docs}):
            results.append(clean_report(f"clean[{spec}][{source}]", [d for d in docs if d["source"] == source],
                                        config))
        dumped.extend(docs)
    if args.no_devset:
        pass
    elif (SHARED / "devset" / "labels.jsonl").exists():
        t0 = time.time()
        docs = run_devset(detector, args.limit, config)
        elapsed = time.time() - t0
        rep = report("devset", docs, config)
        rep["seconds_per_doc"] = elapsed / max(len(docs), 1)
        results.append(rep)
        for spinner in ("wordnet", "aiksaurus"):
            sub = [d for d in docs if not d["spun"] or d["spinner"] == spinner]
            results.append(report(f"devset[{spinner}]", sub, config))
        dumped.extend(docs)
    else:
        print("devset not found at", SHARED / "devset", "- skipped")
    if args.spins.exists():
        synth_detector = detector
        if args.synthetic_model:
            synth_detector = SpinDetector(load_lm(args.synthetic_model), detector.weights, not args.no_fingerprints)
        else:
            print("note: synthetic set scored with the default LM; pass --synthetic-model for an honest figure")
        docs = run_synthetic(synth_detector, args.spins, args.limit, config)
        results.append(report("synthetic-test", docs, config))
        for spinner in ("wordnet", "aiksaurus", "phrase"):
            sub = [d for d in docs if not d["spun"] or d["spinner"] == spinner]
            results.append(report(f"synthetic-test[{spinner}]", sub, config))
        dumped.extend(docs)
    for rep in results:
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in rep.items()}))
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for d in dumped:
                out.write(json.dumps(d) + "\n")


if __name__ == "__main__":
    main()
