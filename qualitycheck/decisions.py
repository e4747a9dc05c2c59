"""Reviewer decisions: read what report.html exports and apply it to a run.

The review page lets a reviewer mark documents keep or drop and exports those marks as CSV or
JSON. `apply_decisions` turns them into verdicts without touching the run's own files:

- It writes `decisions_applied.jsonl` into the output folder: every record of documents.jsonl, in
  order, with `verdict` replaced by the reviewer's decision where there is one, the scanner's
  verdict kept as `model_verdict`, and `reviewer_decision` set to "keep", "drop" or null. A
  decision applied by an earlier round (a run folder written with an output folder, or the
  decisions_applied.jsonl of a round applied in place) stays unless the new file decides that
  record again, so review can go in rounds. Lines that are not JSON records are passed through unchanged.
- A decision names its record by id and, in the page's exports, by record number (the record's
  place among the readable records of documents.jsonl), so documents that share an id (two JSONL
  shards both numbering from 1) are decided one by one. A decision whose number points at a record
  with another id (an export of an earlier version of the run) falls back to its id; one without
  a number (written by hand) applies to every record with that id.
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

from .document import JSON_ERRORS, json_error_text
from .report.writers import DOCUMENTS_FILE, RUN_FILE, SUMMARY_FILE

DECISIONS = ("keep", "drop")
APPLIED_FILE = "decisions_applied.jsonl"


class DecisionsError(ValueError):
    """A decisions file that cannot be read or holds something other than keep/drop per id."""


@dataclass(frozen=True)
class Decision:
    """One reviewer decision as exported by the page."""

    id: str                     # the id the page shows (a record without an id shows as "#<record>")
    decision: str               # keep | drop
    record: int | None = None   # 1-based place among the run's readable records; None: match by id only


@dataclass
class ApplyResult:
    """What apply_decisions wrote and how the verdicts changed."""

    out_dir: Path
    applied_path: Path               # decisions_applied.jsonl
    documents_path: Path | None      # out_dir/documents.jsonl when out_dir is a separate run folder
    documents: int                   # lines written (records, and unreadable lines passed through)
    applied: int                     # records that received a decision from this file
    changed: int                     # of those, records whose verdict changed
    unknown_ids: list[str] = field(default_factory=list)  # decided ids not in the run
    verdicts: dict[str, int] = field(default_factory=dict)  # verdict counts after applying
    kept_earlier: int = 0            # records keeping a decision applied by an earlier round
    unreadable_lines: int = 0        # lines of documents.jsonl that are not JSON records, passed through

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.verdicts.items()))
        text = (f"{self.applied} decision(s) applied to {self.documents} document(s), "
                f"{self.changed} verdict(s) changed; now {counts or 'no documents'}; "
                f"wrote {self.applied_path}")
        if self.kept_earlier:
            text += f"; {self.kept_earlier} decision(s) of an earlier round kept"
        if self.unknown_ids:
            text += f"; {len(self.unknown_ids)} decided id(s) not in the run (ignored)"
        if self.unreadable_lines:
            text += f"; {self.unreadable_lines} unreadable line(s) of documents.jsonl passed through"
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


def _record_number(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise DecisionsError(f"{where}: record must be a record number, got {value!r}") from None
    if number < 1:
        raise DecisionsError(f"{where}: record must be 1 or more, got {value!r}")
    return number


def _from_json(value: Any, source: str) -> list[Decision]:
    # Accepted shapes: the page's export {"decisions": [{"id", "decision", "record"}, ...]}, a bare list
    # of such objects, or a plain {id: decision} mapping (handy to write by hand).
    entries = value.get("decisions", value) if isinstance(value, dict) else value
    decisions: list[Decision] = []
    if isinstance(entries, dict):
        for doc_id, decision in entries.items():
            if isinstance(decision, dict):
                decision = decision.get("decision")
            normalised = _normalise(decision, f"{source}: id {doc_id!r}")
            if normalised:
                decisions.append(Decision(str(doc_id), normalised))
        return decisions
    if not isinstance(entries, list):
        raise DecisionsError(f"{source}: expected a list of decisions or an id -> decision mapping")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or entry.get("id") is None:
            raise DecisionsError(f"{source}: entry {number} has no id")
        normalised = _normalise(entry.get("decision"), f"{source}: entry {number}")
        if normalised:
            decisions.append(Decision(str(entry["id"]), normalised,
                                      _record_number(entry.get("record"), f"{source}: entry {number}")))
    return decisions


def _from_csv(text: str, source: str) -> list[Decision]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "id" not in fields or "decision" not in fields:
        raise DecisionsError(f"{source}: CSV needs 'id' and 'decision' columns, found {reader.fieldnames}")
    reader.fieldnames = fields
    decisions: list[Decision] = []
    for number, row in enumerate(reader, start=2):
        doc_id = row.get("id")
        if doc_id is None or doc_id == "":
            continue
        normalised = _normalise(row.get("decision"), f"{source}: line {number}")
        if normalised:
            decisions.append(Decision(doc_id, normalised, _record_number(row.get("record"), f"{source}: line {number}")))
    return decisions


def _decode(data: bytes, path: Path) -> str:
    """The decisions file's text: UTF-8 (BOM or not) as the page writes it, UTF-16 with a BOM, or cp1252
    (a CSV re-saved by a spreadsheet). No newline translation: a quoted CSV field may hold a CR."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DecisionsError(f"{path}: not text in UTF-8, UTF-16 or cp1252; export the decisions from the page again")


def read_decisions(path: str | Path) -> list[Decision]:
    """Every decision of an export (CSV or JSON, as written by report.html), in file order, later entries
    for the same record (or id) replacing earlier ones, as in the page (the last click counts).

    The format is taken from the content, not the suffix, so a renamed download still loads.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DecisionsError(f"{path}: cannot read ({err.strerror or err})") from err
    text = _decode(data, path)
    if text.lstrip().startswith(("{", "[")):
        try:
            value = json.loads(text)
        except JSON_ERRORS as err:
            raise DecisionsError(f"{path}: not valid JSON ({json_error_text(err)})") from err
        entries = _from_json(value, str(path))
    else:
        entries = _from_csv(text, str(path))
    latest: dict[tuple[str, int | None], Decision] = {}
    for entry in entries:
        key = (entry.id, entry.record)
        latest.pop(key, None)   # re-inserted at the end: file order of the last word on each
        latest[key] = entry
    return list(latest.values())


def load_decisions(path: str | Path) -> dict[str, str]:
    """A decisions export as {document id: keep|drop}; when an id appears twice the later entry wins.
    (read_decisions keeps the record numbers that tell documents sharing an id apart.)"""
    return {entry.id: entry.decision for entry in read_decisions(path)}


def _match(decisions: list[Decision], shown_ids: list[str]) -> tuple[dict[int, Decision], dict[str, Decision]]:
    """(record number -> decision, id -> decision for records no number decides). A number whose record
    shows another id belongs to another version of the run: that decision is matched by its id."""
    by_record: dict[int, Decision] = {}
    by_id: dict[str, Decision] = {}
    for entry in decisions:
        number = entry.record
        if number is not None and number <= len(shown_ids) and shown_ids[number - 1] == entry.id:
            by_record[number] = entry
        else:
            by_id[entry.id] = entry
    return by_record, by_id


def _earlier_in_place(applied_path: Path, shown_ids: list[str]) -> dict[int, str]:
    """Record number -> decision of an earlier round applied in place (its decisions_applied.jsonl), for the
    records whose number still shows the same id."""
    from .report.html import display_id, iter_lines

    if not applied_path.is_file():
        return {}
    earlier: dict[int, str] = {}
    number = 0
    for _, _, record in iter_lines(applied_path):
        if record is None:
            continue
        number += 1
        if number <= len(shown_ids) and display_id(record, number - 1) == shown_ids[number - 1] \
                and record.get("reviewer_decision") in DECISIONS:
            earlier[number] = record["reviewer_decision"]
    return earlier


def apply_decisions(run_dir: str | Path, decisions_path: str | Path,
                    out_dir: str | Path | None = None) -> ApplyResult:
    """Apply a decisions export to a run; see the module docstring for exactly what is written."""
    from .report.html import display_id, iter_lines

    run_dir = Path(run_dir)
    source = run_dir / DOCUMENTS_FILE
    if not source.is_file():
        raise FileNotFoundError(f"{source} not found: not a qualitycheck run folder")
    decisions = read_decisions(decisions_path)
    out = Path(out_dir) if out_dir is not None else run_dir
    separate = out.resolve() != run_dir.resolve()
    if separate and (out / DOCUMENTS_FILE).exists():
        raise FileExistsError(f"{out / DOCUMENTS_FILE} exists; choose an empty output folder")

    lines = [(line, record) for _, line, record in iter_lines(source)]
    shown_ids = []
    for _, record in lines:
        if record is not None:
            shown_ids.append(display_id(record, len(shown_ids)))
    by_record, by_id = _match(decisions, shown_ids)
    earlier = _earlier_in_place(out / APPLIED_FILE, shown_ids) if not separate else {}

    out_lines: list[bytes] = []
    records: list[dict[str, Any]] = []   # for summary.csv
    used: set[Decision] = set()
    applied = changed = kept = unreadable = 0
    verdicts: dict[str, int] = {}
    for line, record in lines:
        if record is None:
            out_lines.append(line)
            unreadable += 1
            continue
        shown = shown_ids[len(records)]
        entry = by_record.get(len(records) + 1) or by_id.get(shown)
        model_verdict = record.get("model_verdict", record.get("verdict"))
        record["model_verdict"] = model_verdict
        if entry is not None:
            used.add(entry)
            applied += 1
            if entry.decision != model_verdict:
                changed += 1
            decision: str | None = entry.decision
        elif record.get("reviewer_decision") in DECISIONS or len(records) + 1 in earlier:
            decision = record.get("reviewer_decision") if record.get("reviewer_decision") in DECISIONS \
                else earlier[len(records) + 1]
            kept += 1
        else:
            decision = None
        record["reviewer_decision"] = decision
        record["verdict"] = decision if decision is not None else model_verdict
        verdict = str(record.get("verdict"))
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        out_lines.append(json.dumps(record, ensure_ascii=False).encode("utf-8"))
        records.append(record)

    out.mkdir(parents=True, exist_ok=True)
    body = b"".join(line + b"\n" for line in out_lines)
    applied_path = out / APPLIED_FILE
    applied_path.write_bytes(body)
    documents_path = None
    if separate:
        documents_path = out / DOCUMENTS_FILE
        documents_path.write_bytes(body)
        run_info: dict[str, Any] = {}
        if (run_dir / RUN_FILE).is_file():
            try:
                loaded = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8", errors="replace"))
                run_info = loaded if isinstance(loaded, dict) else {}
            except JSON_ERRORS:
                run_info = {}
        run_info["decisions"] = {
            "source": str(decisions_path), "from_run": str(run_dir),
            "applied": applied, "changed": changed, "kept_earlier": kept,
            "at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        }
        (out / RUN_FILE).write_text(json.dumps(run_info, indent=1, ensure_ascii=False), encoding="utf-8")
        from .report.writers import write_summary_csv
        write_summary_csv(records, out / SUMMARY_FILE)
        # Keep the export next to the verdicts it produced.
        kept_copy = out / ("decisions" + Path(decisions_path).suffix)
        if not kept_copy.exists():
            shutil.copyfile(decisions_path, kept_copy)
    unknown = sorted({entry.id for entry in decisions if entry not in used})
    return ApplyResult(out, applied_path, documents_path, len(out_lines), applied, changed,
                       unknown, verdicts, kept, unreadable)
