"""Reviewer decisions: read what report.html exports and apply it to a run.

The review page lets a reviewer mark documents keep or drop and exports those marks as CSV or
JSON. `apply_decisions` turns them into verdicts without touching the run's own files:

- It writes `decisions_applied.jsonl` into the output folder: every record of documents.jsonl, in
  order, with `verdict` replaced by the reviewer's decision where there is one, the scanner's
  verdict kept as `model_verdict`, and `reviewer_decision` set to "keep", "drop" or null.
- When the output folder is not the run folder, it also writes `documents.jsonl` (the same records),
  `summary.csv`, a copy of `run.json` with a `decisions` entry and a copy of the decisions file, so
  the output is itself a run folder that `qualitycheck report` can render. It refuses to overwrite
  an existing documents.jsonl there.
- The run folder's documents.jsonl is never modified.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

DECISIONS = ("keep", "drop")
APPLIED_FILE = "decisions_applied.jsonl"
DOCUMENTS_FILE = "documents.jsonl"
RUN_FILE = "run.json"
SUMMARY_FILE = "summary.csv"


class DecisionsError(ValueError):
    """A decisions file that cannot be read or holds something other than keep/drop per id."""


@dataclass
class ApplyResult:
    """What apply_decisions wrote and how the verdicts changed."""

    out_dir: Path
    applied_path: Path               # decisions_applied.jsonl
    documents_path: Path | None      # out_dir/documents.jsonl when out_dir is a separate run folder
    documents: int                   # records in the run
    applied: int                     # records that received a reviewer decision
    changed: int                     # of those, records whose verdict changed
    unknown_ids: list[str] = field(default_factory=list)  # decided ids not in the run
    verdicts: dict[str, int] = field(default_factory=dict)  # verdict counts after applying

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.verdicts.items()))
        text = (f"{self.applied} decision(s) applied to {self.documents} document(s), "
                f"{self.changed} verdict(s) changed; now {counts or 'no documents'}; "
                f"wrote {self.applied_path}")
        if self.unknown_ids:
            text += f"; {len(self.unknown_ids)} decided id(s) not in the run (ignored)"
        return text


def _normalise(decision: Any, where: str) -> str | None:
    """keep/drop (any case, surrounding spaces allowed); empty means undecided and is skipped."""
    if decision is None:
        return None
    text = str(decision).strip().lower()
    if not text:
        return None
    if text not in DECISIONS:
        raise DecisionsError(f"{where}: decision must be keep or drop, got {decision!r}")
    return text


def _from_json(value: Any, source: str) -> dict[str, str]:
    # Accepted shapes: the page's export {"decisions": [{"id", "decision"}, ...]}, a bare list of
    # such objects, or a plain {id: decision} mapping (handy to write by hand).
    entries = value.get("decisions", value) if isinstance(value, dict) else value
    decisions: dict[str, str] = {}
    if isinstance(entries, dict):
        for doc_id, decision in entries.items():
            if isinstance(decision, dict):
                decision = decision.get("decision")
            normalised = _normalise(decision, f"{source}: id {doc_id!r}")
            if normalised:
                decisions[str(doc_id)] = normalised
        return decisions
    if not isinstance(entries, list):
        raise DecisionsError(f"{source}: expected a list of decisions or an id -> decision mapping")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or entry.get("id") is None:
            raise DecisionsError(f"{source}: entry {number} has no id")
        normalised = _normalise(entry.get("decision"), f"{source}: entry {number}")
        if normalised:
            decisions[str(entry["id"])] = normalised
    return decisions


def _from_csv(text: str, source: str) -> dict[str, str]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "id" not in fields or "decision" not in fields:
        raise DecisionsError(f"{source}: CSV needs 'id' and 'decision' columns, found {reader.fieldnames}")
    reader.fieldnames = fields
    decisions: dict[str, str] = {}
    for number, row in enumerate(reader, start=2):
        doc_id = row.get("id")
        if doc_id is None or doc_id == "":
            continue
        normalised = _normalise(row.get("decision"), f"{source}: line {number}")
        if normalised:
            decisions[doc_id] = normalised
    return decisions


def load_decisions(path: str | Path) -> dict[str, str]:
    """Read a decisions export (CSV or JSON, as written by report.html) into {document id: keep|drop}.

    The format is taken from the content, not the suffix, so a renamed download still loads.
    When an id appears twice the later entry wins, as in the page (the last click counts).
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise DecisionsError(f"{path}: not valid JSON ({err})") from err
        return _from_json(value, str(path))
    return _from_csv(text, str(path))


def apply_decisions(run_dir: str | Path, decisions_path: str | Path,
                    out_dir: str | Path | None = None) -> ApplyResult:
    """Apply a decisions export to a run; see the module docstring for exactly what is written."""
    run_dir = Path(run_dir)
    source = run_dir / DOCUMENTS_FILE
    if not source.is_file():
        raise FileNotFoundError(f"{source} not found: not a qualitycheck run folder")
    decisions = load_decisions(decisions_path)
    out = Path(out_dir) if out_dir is not None else run_dir
    separate = out.resolve() != run_dir.resolve()
    if separate and (out / DOCUMENTS_FILE).exists():
        raise FileExistsError(f"{out / DOCUMENTS_FILE} exists; choose an empty output folder")
    out.mkdir(parents=True, exist_ok=True)

    records: list[str] = []
    seen: set[str] = set()
    applied = changed = 0
    verdicts: dict[str, int] = {}
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            # Lines are passed through when they are not JSON objects we can update, so the
            # output keeps one line per input line.
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                records.append(line.rstrip("\n"))
                continue
            if not isinstance(record, dict):
                records.append(line.rstrip("\n"))
                continue
            doc_id = record.get("id")
            doc_id = None if doc_id is None else str(doc_id)
            decision = decisions.get(doc_id) if doc_id is not None else None
            model_verdict = record.get("model_verdict", record.get("verdict"))
            record["model_verdict"] = model_verdict
            record["reviewer_decision"] = decision
            if decision is not None:
                seen.add(doc_id)  # type: ignore[arg-type]
                applied += 1
                if decision != model_verdict:
                    changed += 1
                record["verdict"] = decision
            else:
                record["verdict"] = model_verdict
            verdict = str(record.get("verdict"))
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
            records.append(json.dumps(record, ensure_ascii=False))

    body = "".join(r + "\n" for r in records)
    applied_path = out / APPLIED_FILE
    applied_path.write_text(body, encoding="utf-8")
    documents_path = None
    if separate:
        documents_path = out / DOCUMENTS_FILE
        documents_path.write_text(body, encoding="utf-8")
        run_info: dict[str, Any] = {}
        if (run_dir / RUN_FILE).is_file():
            try:
                loaded = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8"))
                run_info = loaded if isinstance(loaded, dict) else {}
            except json.JSONDecodeError:
                run_info = {}
        run_info["decisions"] = {
            "source": str(decisions_path), "from_run": str(run_dir),
            "applied": applied, "changed": changed,
            "at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        }
        (out / RUN_FILE).write_text(json.dumps(run_info, indent=1, ensure_ascii=False), encoding="utf-8")
        from .report.writers import write_summary_csv
        write_summary_csv([json.loads(r) for r in records if r.startswith("{")], out / SUMMARY_FILE)
        # Keep the export next to the verdicts it produced.
        kept_copy = out / ("decisions" + Path(decisions_path).suffix)
        if not kept_copy.exists():
            shutil.copyfile(decisions_path, kept_copy)
    unknown = sorted(set(decisions) - seen)
    return ApplyResult(out, applied_path, documents_path, len(records), applied, changed,
                       unknown, verdicts)
