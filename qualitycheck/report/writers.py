"""Write run outputs: documents.jsonl (streamed, crash-safe), summary.csv, run.json."""
from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..document import JSON_ERRORS, LABELS, is_report_record

# The files of a run folder (run.py writes them, report/html.py and decisions.py read them).
DOCUMENTS_FILE = "documents.jsonl"
SUMMARY_FILE = "summary.csv"
RUN_FILE = "run.json"
REPORT_FILE = "report.html"

# Spreadsheets run cells that start with these as formulas; scraped text must never do that.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in a CSV cell (and lone surrogates, which
    pandas and the CSV encoder both refuse)."""
    if isinstance(value, str):
        value = _SURROGATE.sub("\ufffd", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def iter_documents(path: str | Path) -> Iterator[dict[str, Any]]:
    """Every complete record of a documents.jsonl, one at a time; a torn last line (after a
    crash) is skipped, and so is any line a crash, a bad disk or a hand edit left unreadable (bytes
    that are not UTF-8, not a JSON object, or one of other field types: is_report_record) rather
    than stopping the resume or the report."""
    with open(path, "rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                record = json.loads(line.decode("utf-8"))
            except JSON_ERRORS:   # (also deep nesting or a 4,300+-digit integer)
                continue
            if is_report_record(record):
                yield record


def read_documents(path: str | Path) -> list[dict[str, Any]]:
    """All of `iter_documents` in a list (for small runs and tests)."""
    return list(iter_documents(path))


def count_lines(path: str | Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def rewrite_documents(records: Iterable[dict[str, Any]], path: str | Path) -> Path:
    """Replace a documents.jsonl with `records`, atomically (a crash leaves the old file)."""
    path = Path(path)
    tmp = path.with_suffix(".jsonl.tmp")
    with DocumentsWriter(tmp) as writer:
        for record in records:
            writer.write(record)
    os.replace(tmp, path)
    return path


def repair_torn_tail(path: Path) -> None:
    """Cut a partially written last line so appending continues from a record boundary."""
    if not path.exists():
        return
    with open(path, "rb+") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return
        handle.seek(max(0, size - 1))
        if handle.read(1) == b"\n":
            return
        # Walk back to the last newline.
        pos = size
        chunk = 65536
        while pos > 0:
            start = max(0, pos - chunk)
            handle.seek(start)
            block = handle.read(pos - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                handle.truncate(start + cut + 1)
                return
            pos = start
        handle.truncate(0)


class DocumentsWriter:
    """Appends one JSON object per line and flushes it, so an interrupted run leaves only
    complete lines (plus at most one torn line that `repair_torn_tail` removes on resume)."""

    def __init__(self, path: str | Path, append: bool = False) -> None:
        self.path = Path(path)
        if append:
            repair_torn_tail(self.path)
        self._handle: TextIO = open(self.path, "a" if append else "w", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate that got past the readers: escape it rather than crash mid-run
            # (a failed write here would leave a torn line and lose the rest of the scan).
            line = json.dumps(record, ensure_ascii=True) + "\n"
        self._handle.write(line)
        self._handle.flush()

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()

    def __enter__(self) -> "DocumentsWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


SUMMARY_COLUMNS = ("path", "id", "language", "score", "verdict", "spun_flag", "spun_score", "paragraphs", *LABELS,
                   "error")


def summary_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """summary.csv's row of each record (cells a spreadsheet would run as formulas neutralised)."""
    for record in records:
        # (apply-decisions writes the rows of a run's lines as they are, hand-edited ones too)
        labels = record.get("labels") if isinstance(record.get("labels"), dict) else {}
        spun = record.get("spun") if isinstance(record.get("spun"), dict) else {}
        row = {
            "path": record.get("path"),
            "id": record.get("id"),
            "language": record.get("language"),
            "score": record.get("score"),
            "verdict": record.get("verdict"),
            "spun_flag": bool(spun.get("flag")),
            "spun_score": spun.get("score"),
            "paragraphs": len(record["paragraphs"]) if isinstance(record.get("paragraphs"), list) else 0,
        }
        for label in LABELS:
            count = labels.get(label, 0)
            row[label] = count if type(count) is int else 0
        row["error"] = record.get("error")
        yield {key: safe_cell(value) for key, value in row.items()}


def write_summary_csv(records: Iterable[dict[str, Any]], path: str | Path) -> Path:
    """One row per document, streamed (the csv module, not pandas: importing pandas alone added ~50 MiB to a
    scan's peak, and the rows need not be held)."""
    tmp = Path(str(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
        # The csv module quotes a cell for the characters of its line terminator only ("\n" here), so a lone
        # CR in an id or path went out bare and ended the row early for every reader; such a row has all its
        # cells quoted instead (other rows are written as before).
        quoted = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        for row in summary_rows(records):
            (quoted if any(isinstance(v, str) and "\r" in v for v in row.values()) else writer).writerow(row)
    os.replace(tmp, path)
    return Path(path)


def write_json_atomic(payload: dict[str, Any], path: str | Path) -> Path:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return Path(path)
