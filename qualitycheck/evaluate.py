"""Score a run against a labelled set laid out like the dev set (labels.jsonl + docs/<id>.txt).

Paragraphs are matched by position in the text, not by index, so a different paragraph
split is still scored fairly: a gold paragraph counts as predicted with a label when the
run's paragraphs carrying that label cover at least half of its characters.
Conventions (from the dev set's README): `non_content` paragraphs are left out of
boilerplate precision and recall (how many were flagged is reported); an `ad_marker`
paragraph may also be called boilerplate without penalty.
"""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

from .document import JSON_ERRORS, json_error_text
from .report.writers import read_documents
from .scoring import POSSIBLE_SPIN_NOTE, UNDETERMINED_SPIN_NOTE

SCORED_LABELS = ("spun", "off_language", "boilerplate", "ad_marker")
# Every paragraph label of the layout (the dev set's README): the scored ones, plus those read but not scored.
PARAGRAPH_LABELS = frozenset(SCORED_LABELS) | {"clean", "non_content", "duplicate", "mojibake"}
DOCUMENT_LABELS = frozenset(SCORED_LABELS) | {"clean"}
COVER = 0.5
EXAMPLE_IDS = 5   # ids named in a note about documents left out
# Paragraphs are separated by one blank line; a file saved with CRLF line ends separates them by \r\n\r\n.
_BLANK_LINE = re.compile(r"\r?\n\r?\n")


class LabelledSetError(ValueError):
    """A labelled folder that does not follow the layout (missing files, bad JSON, unknown labels)."""


def _read_utf8(path: Path) -> str:
    """A file of the labelled set as the scanner reads text: bytes decoded, no newline translation (so
    offsets agree). Raises LabelledSetError."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise LabelledSetError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise LabelledSetError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc


def _gold_text(labelled_dir: Path, doc_id: str) -> str:
    return _read_utf8(labelled_dir / "docs" / f"{doc_id}.txt")


def _gold_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the gold paragraphs: the text split on blank lines."""
    spans, start = [], 0
    for gap in _BLANK_LINE.finditer(text):
        spans.append((start, gap.start()))
        start = gap.end()
    spans.append((start, len(text)))
    return spans


def read_labels(labelled_dir: Path) -> list[dict[str, Any]]:
    """labels.jsonl, checked: every record has an id of its own, a known doc_label and paragraphs with an index
    and known labels. Raises LabelledSetError naming the line."""
    path = labelled_dir / "labels.jsonl"
    # on "\n" only: str.splitlines() also splits on U+2028/U+0085, which JSON writers leave raw in strings
    lines = _read_utf8(path).split("\n")
    records = []
    first_line: dict[str, int] = {}   # id -> line it was labelled on
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            record = json.loads(line)
        except JSON_ERRORS as exc:
            raise LabelledSetError(f"{where}: not JSON ({json_error_text(exc)})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise LabelledSetError(f"{where}: needs an object with a string 'id'")
        if record["id"] in first_line:   # one document would be scored twice, by labels that may disagree
            raise LabelledSetError(f"{where}: id {record['id']!r} is labelled twice "
                                   f"(first on line {first_line[record['id']]})")
        first_line[record["id"]] = number
        if record.get("doc_label") not in DOCUMENT_LABELS:
            raise LabelledSetError(f"{where}: doc_label {record.get('doc_label')!r} is not one of "
                                   f"{', '.join(sorted(DOCUMENT_LABELS))}")
        paragraphs = record.get("paragraphs")
        if not isinstance(paragraphs, list):
            raise LabelledSetError(f"{where}: needs a 'paragraphs' list")
        for entry in paragraphs:
            if not isinstance(entry, dict) or not isinstance(entry.get("index"), int) or \
                    not isinstance(entry.get("labels"), list):
                raise LabelledSetError(f"{where}: each paragraph needs an integer 'index' and a 'labels' list")
            unknown = set(entry["labels"]) - PARAGRAPH_LABELS
            if unknown:
                raise LabelledSetError(f"{where}: unknown paragraph label(s) {', '.join(sorted(map(str, unknown)))} "
                                       f"(known: {', '.join(sorted(PARAGRAPH_LABELS))})")
        records.append(record)
    if not records:
        raise LabelledSetError(f"{path}: no labelled documents")
    return records


def _labelled_spans(labelled_dir: Path, record: dict[str, Any]) -> list[tuple[dict[str, Any], tuple[int, int], str]]:
    """(paragraph entry, its character span, its text) for each labelled paragraph, by the entry's index."""
    text = _gold_text(labelled_dir, record["id"])
    spans = _gold_spans(text)
    out = []
    for entry in record["paragraphs"]:
        if not 0 <= entry["index"] < len(spans):
            raise LabelledSetError(f"{record['id']}: paragraph index {entry['index']} is outside its "
                                   f"{len(spans)} paragraph(s)")
        start, end = spans[entry["index"]]
        out.append((entry, (start, end), text[start:end]))
    return out


def _predicted(run_paragraphs: list[dict[str, Any]], span: tuple[int, int]) -> set[str]:
    """Labels whose run paragraphs cover at least COVER of the gold paragraph's text."""
    start, end = span
    text_chars = 0
    covered: dict[str, int] = defaultdict(int)
    for p in run_paragraphs:
        overlap = min(end, p["end"]) - max(start, p["start"])
        if overlap > 0:
            text_chars += overlap
            for label in p.get("labels", []):
                covered[label] += overlap
    return {label for label, chars in covered.items() if text_chars and chars >= COVER * text_chars}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int | None]:
    """Counts with precision, recall and F1; a figure with nothing to measure (no predictions, no true
    instances, neither) is None, not 0.0, which would read as a detector that failed."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None   # the harmonic mean of the two where both exist
    return {"tp": tp, "fp": fp, "fn": fn, "precision": _rounded(precision), "recall": _rounded(recall),
            "f1": _rounded(f1)}


def auc(positives: list[float], negatives: list[float]) -> float | None:
    """Probability that a positive scores above a negative (ties count half): the rank-sum form, so it
    stays fast for the tens of thousands of spans scripts/train_spin.py compares."""
    if not positives or not negatives:
        return None
    pooled = sorted([(float(s), True) for s in positives] + [(float(s), False) for s in negatives])
    rank_sum, i = 0.0, 0
    while i < len(pooled):
        j = i
        while j < len(pooled) and pooled[j][0] == pooled[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2          # tied scores share the mean of ranks i+1 .. j
        rank_sum += mean_rank * sum(1 for k in range(i, j) if pooled[k][1])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def iter_labelled_paragraphs(labelled_dir: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """(document record, paragraph entry, paragraph text) for every labelled paragraph of a folder laid
    out like the dev set (labels.jsonl + docs/<id>.txt, paragraphs split on blank lines)."""
    for record in read_labels(labelled_dir):
        for entry, _, text in _labelled_spans(labelled_dir, record):
            yield record, entry, text


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def threshold_at_fp(clean_scores: list[float], fp: float = 0.01) -> float:
    """Smallest threshold t such that at most `fp` of the clean scores are >= t (flag means score >= t):
    just above the k-th highest clean score, k = floor(fp * n). With 98 clean documents and fp 1%, no
    clean document may be flagged."""
    ordered = sorted(clean_scores, reverse=True)
    allowed = int(math.floor(fp * len(ordered)))
    return math.nextafter(ordered[allowed], math.inf) if allowed < len(ordered) else 0.0


HELD_FOR_SPIN_NOTES = (POSSIBLE_SPIN_NOTE, UNDETERMINED_SPIN_NOTE)


def evaluate_run(run_dir: Path, labelled_dir: Path) -> dict[str, Any]:
    gold = read_labels(labelled_dir)
    if not (run_dir / "documents.jsonl").is_file():
        raise LabelledSetError(f"{run_dir / 'documents.jsonl'} not found: not a qualitycheck run folder")
    run = {Path(r.get("path") or "").stem: r for r in read_documents(run_dir / "documents.jsonl")}
    gold_ids = {record["id"] for record in gold}
    missing_ids = sorted(gold_ids - set(run))
    unlabelled_ids = sorted(set(run) - gold_ids)
    counts = {label: [0, 0, 0] for label in SCORED_LABELS}
    non_content_flagged = non_content_total = 0
    spun_scores: dict[str, list[float]] = {"spun": [], "clean": []}
    doc_spun = {"tp": 0, "fp": 0, "fn": 0}
    by_level: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    held_by_level: dict[str, int] = defaultdict(int)   # flagged spun, or sent to review for possible spinning (see held)
    nonspun_held = nonspun_total = 0
    level_scores: dict[str, list[float]] = defaultdict(list)
    hard_clean_fp = run_errors = 0
    for record in gold:
        result = run.get(record["id"])
        if result is None:
            continue
        run_errors += bool(result.get("error"))
        for entry, span, _ in _labelled_spans(labelled_dir, record):
            truth = set(entry["labels"])
            predicted = _predicted(result.get("paragraphs") or [], span)
            if "non_content" in truth:
                non_content_total += 1
                non_content_flagged += bool(predicted & {"boilerplate", "ad_marker"})
            for label in SCORED_LABELS:
                if label == "boilerplate" and "non_content" in truth:
                    continue
                if label == "boilerplate" and "ad_marker" in truth:
                    continue
                is_true, is_pred = label in truth, label in predicted
                counts[label][0] += is_true and is_pred
                counts[label][1] += is_pred and not is_true
                counts[label][2] += is_true and not is_pred
        spun = result.get("spun") or {}
        is_spun_doc = record["doc_label"] == "spun"
        flagged = bool(spun.get("flag"))
        # held: flagged, or at review for possible spinning (its own score) or for swaps against another version
        # whose direction the folder pass could not tell
        held = flagged or any(str(n).startswith(HELD_FOR_SPIN_NOTES) for n in result.get("notes") or [])
        doc_spun["tp"] += is_spun_doc and flagged
        doc_spun["fp"] += flagged and not is_spun_doc
        doc_spun["fn"] += is_spun_doc and not flagged
        if spun.get("score") is not None and record["doc_label"] in ("spun", "clean"):
            spun_scores["spun" if is_spun_doc else "clean"].append(float(spun["score"]))
        if is_spun_doc:
            if spun.get("score") is not None:
                level_scores[record.get("spin_level", "?")].append(float(spun["score"]))
            by_level[record.get("spin_level", "?")][0] += flagged
            by_level[record.get("spin_level", "?")][1] += 1
            held_by_level[record.get("spin_level", "?")] += held
        else:
            nonspun_total += 1
            nonspun_held += held
        if record.get("subset") == "hard_clean" and flagged:
            hard_clean_fp += 1
    strict: dict[str, str] = {}
    if spun_scores["clean"]:
        bar = threshold_at_fp(spun_scores["clean"])
        strict = {level: f"{sum(s >= bar for s in scores)}/{len(scores)}"
                  for level, scores in sorted(level_scores.items())}
    return {
        "paragraphs": {label: _prf(*counts[label]) for label in SCORED_LABELS},
        "spun_recall_by_level_at_1pct_clean_fp": strict,
        "non_content_flagged": f"{non_content_flagged}/{non_content_total}",
        "documents_spun": _prf(doc_spun["tp"], doc_spun["fp"], doc_spun["fn"]),
        "documents_spun_auc": _rounded(auc(spun_scores["spun"], spun_scores["clean"])),
        "spun_recall_by_level": {level: f"{hit}/{total}" for level, (hit, total) in sorted(by_level.items())},
        "spun_held_by_level": {level: f"{held_by_level[level]}/{total}" for level, (_, total) in sorted(by_level.items())},
        "nonspun_held": f"{nonspun_held}/{nonspun_total}",
        "hard_clean_spun_false_positives": hard_clean_fp,
        "documents_labelled": len(gold_ids),
        "documents_missing_from_run": len(missing_ids),
        "documents_missing_from_run_examples": missing_ids[:EXAMPLE_IDS],
        "run_documents": len(run),
        "run_documents_unlabelled": len(unlabelled_ids),
        "run_documents_unlabelled_examples": unlabelled_ids[:EXAMPLE_IDS],
        "run_documents_with_errors": run_errors,   # scored as missing every label: say so
    }


def coverage_notes(figures: dict[str, Any]) -> list[str]:
    """What was left out of the figures: labelled documents the run lacks, run documents without labels (a
    run of another folder, a labels file for part of it), each with a few ids."""
    notes = []
    if figures["documents_missing_from_run"]:
        notes.append(f"labelled documents missing from the run, not scored: {figures['documents_missing_from_run']} "
                     f"of {figures['documents_labelled']} "
                     f"({_examples(figures['documents_missing_from_run_examples'], figures['documents_missing_from_run'])})")
    if figures["run_documents_unlabelled"]:
        notes.append(f"run documents without labels, not scored: {figures['run_documents_unlabelled']} "
                     f"of {figures['run_documents']} "
                     f"({_examples(figures['run_documents_unlabelled_examples'], figures['run_documents_unlabelled'])})")
    return notes


def _examples(ids: list[str], total: int) -> str:
    return ", ".join(ids) + (", ..." if total > len(ids) else "")


def _figure(value: float | None, spec: str = ".3f") -> str:
    return "n/a" if value is None else format(value, spec)


def format_table(figures: dict[str, Any]) -> str:
    lines = [f"{'label':<14}{'precision':>10}{'recall':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for label, row in figures["paragraphs"].items():
        lines.append(f"{label:<14}{_figure(row['precision']):>10}{_figure(row['recall']):>8}{_figure(row['f1']):>8}"
                     f"{row['tp']:>6}{row['fp']:>6}{row['fn']:>6}")
    spun = figures["documents_spun"]
    lines.append(f"documents spun: precision {_figure(spun['precision'])} recall {_figure(spun['recall'])} "
                 f"F1 {_figure(spun['f1'])}  AUC {_figure(figures['documents_spun_auc'], '')}")
    lines.append(f"spun recall by level: {figures['spun_recall_by_level']}; "
                 f"hard_clean false positives: {figures['hard_clean_spun_false_positives']}")
    lines.append(f"spun documents flagged or sent to review for possible spinning, by level: "
                 f"{figures['spun_held_by_level']}; non-spun documents so: {figures['nonspun_held']}")
    if figures["spun_recall_by_level_at_1pct_clean_fp"]:
        lines.append("spun recall by level at the score threshold flagging <= 1% of clean documents: "
                     f"{figures['spun_recall_by_level_at_1pct_clean_fp']}")
    lines.append(f"non_content paragraphs flagged boilerplate/ad_marker: {figures['non_content_flagged']}")
    if figures.get("run_documents_with_errors"):
        lines.append(f"documents the run could not read (error records, scored as unlabelled): "
                     f"{figures['run_documents_with_errors']}")
    return "\n".join(lines)
