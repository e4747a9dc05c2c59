"""`qualitycheck filter`: JSONL records in, kept records out, line by line in constant memory.

What it is for: the pre-filter step of a data pipeline (`zcat crawl.jsonl.gz | qualitycheck
filter --min-score 0.7 > kept.jsonl`). Each input line is read, checked and written before the
next is read (with `jobs` > 1, at most the worker pool's window of lines is in flight); nothing
accumulates across records except counters, so memory does not grow with the input. A line that
is not a JSON object, or a record without text, is routed to the rejected output with its reason
and never stops the stream.
"""
from __future__ import annotations

import errno
import gzip
import io
import json
import os
import stat
import sys
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .checker import Checker
from .config import Config
from .document import DocumentReport, RawDocument
from .reading import (BOMS, EMPTY_PATH, GZIP_ERRORS, JSONL_SNIFF_BYTES, NO_STDIN, PARQUET_NEEDS, PARQUET_SUFFIXES,
                      capped_lines, line_cap, not_jsonl, parquet_rows, parquet_where, parse_json_line, record_to_raw,
                      strip_line_bom)

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_KEEP_VERDICTS = ("keep",)
OUTPUTS = ("record", "text")

# Reason codes written as `reject_reason` on rejected lines, and counted in FilterStats.
# Machine-readable on purpose: pipelines route or count on them.
REASON_MALFORMED = "malformed_json"      # the line does not parse as JSON
REASON_NOT_OBJECT = "not_an_object"      # valid JSON, but not an object
REASON_NO_TEXT = "no_text"               # the text field is missing, empty or not a string
REASON_SPUN = "spun"                     # document flagged as spun text
REASON_VERDICT = "verdict_"              # + verdict name, when the verdict is not among those kept
REASON_LOW_SCORE = "low_score"           # verdict passes but the score is under --min-score
REASON_LANGUAGE = "language_"            # + the document's language ("undetermined" if none), when not kept
REASON_TOO_LONG = "line_too_long"        # the line is longer than the reader holds (not parsed)
REASON_UNREADABLE = "unreadable_input"   # an input file that could not be opened (the others are still read)
# How much of an unparsed line a rejected record repeats as "raw".
RAW_EXCERPT_CHARS = 1000
# Inputs that could not be read named, with why, in FilterStats.unreadable (the rest are counted only).
UNREADABLE_SHOWN = 10


@dataclass
class FilterStats:
    """Counts of one filter run: lines read, records kept, rejections per reason code."""

    lines: int = 0
    kept: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    # "<file>: why" of the first inputs that could not be read (UNREADABLE_SHOWN), for the command to say
    unreadable: list[str] = field(default_factory=list)

    def summary(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.reasons.items())) or "none"
        return f"{self.lines} records: kept {self.kept}, rejected {self.rejected} ({reasons})"


def quality_fields(report: DocumentReport) -> dict[str, Any]:
    """The `quality` object added to each output record: the report without the paragraph texts.

    Flagged paragraphs are listed by index with their labels and reasons, so a reader can find
    them in the original text without the output repeating it.
    """
    flagged = []
    for paragraph in report.paragraphs:
        if paragraph["labels"]:
            flagged.append({
                "index": paragraph["index"], "start": paragraph["start"], "end": paragraph["end"],
                "labels": paragraph["labels"],
                "reasons": [f"{e['label']}: {e['rule']}: {e['detail']}" for e in paragraph["evidence"]],
            })
    spun = report.spun or {}
    return {
        "score": report.score,
        "verdict": report.verdict,
        "labels": dict(report.labels),
        "spun": bool(spun.get("flag")),
        "spun_score": spun.get("score"),
        "language": report.language,
        "clean_text": report.clean_text,
        "flagged_paragraphs": flagged,
        "error": report.error,
        "notes": list(report.notes),
    }


def reject_reason(report: DocumentReport, min_score: float | None, keep_verdicts: Collection[str],
                  keep_languages: Collection[str] | None = None) -> str | None:
    """Why a checked record is rejected (a reason code), or None when it passes. `keep_languages`: the
    document languages that may pass (None: any); a document in another one is rejected whatever its verdict
    (a clean German page is clean, but not for an English corpus)."""
    if report.error is not None:
        return REASON_NO_TEXT
    if keep_languages is not None and report.language not in keep_languages:
        return REASON_LANGUAGE + (report.language or "undetermined")
    if (report.spun or {}).get("flag") and report.verdict not in keep_verdicts:
        return REASON_SPUN
    if report.verdict not in keep_verdicts:
        return REASON_VERDICT + str(report.verdict)
    if min_score is not None and report.score < min_score:
        return REASON_LOW_SCORE
    return None


def _dumps(record: Any) -> str:
    line = json.dumps(record, ensure_ascii=False) + "\n"
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        # Invalid UTF-8 in the input survives decoding as lone surrogates, which no UTF-8 writer
        # accepts: escape them (\udcxx) instead of failing the stream on this record.
        line = json.dumps(record, ensure_ascii=True) + "\n"
    return line


@dataclass
class _Line:
    """One non-blank input line: a parsed record, or why it was rejected before any check."""

    number: int
    source: str | None = None                # the input file, when the lines came from named files
    record: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None    # the rejected line's output object, when record is None
    reason: str | None = None


def _parsed_lines(lines_in: Iterable[str | bytes], stats: FilterStats) -> Iterator[_Line]:
    for count, line in enumerate(lines_in, start=1):
        # Lines from iter_input_lines know their file and number there; other iterables count from 1.
        lineno, source = getattr(line, "number", count), getattr(line, "source", None)
        if isinstance(line, UnreadableInput):
            stats.lines += 1
            if len(stats.unreadable) < UNREADABLE_SHOWN:
                stats.unreadable.append(f"{'<stdin>' if source is None else source or repr(source)}: {line.error}")
            yield _Line(lineno, source, payload={"file": source, "detail": line.error}, reason=REASON_UNREADABLE)
            continue
        if isinstance(line, OverlongLine):
            stats.lines += 1
            head = line[:RAW_EXCERPT_CHARS].decode("utf-8", errors="surrogateescape")
            yield _unreadable(lineno, source, head, f"line longer than {len(line):,} bytes: not read", REASON_TOO_LONG)
            continue
        if isinstance(line, bytes):
            line = line.decode("utf-8", errors="surrogateescape")
        line = strip_line_bom(line)
        if not line.strip():
            continue
        stats.lines += 1
        record, why, _ = parse_json_line(line)
        if why is not None:
            yield _unreadable(lineno, source, line, why, REASON_MALFORMED)
            continue
        if not isinstance(record, dict):
            yield _unreadable(lineno, source, line, f"JSON {type(record).__name__}, not an object", REASON_NOT_OBJECT)
            continue
        yield _Line(lineno, source, record=record)


def _unreadable(lineno: int, source: str | None, line: str, detail: str, reason: str) -> _Line:
    """A line rejected before any check, written out as {"file", "line", "raw", "detail"} ("file" when the
    lines came from named files). "raw" is the line as read; _dumps escapes what UTF-8 cannot hold."""
    payload: dict[str, Any] = {} if source is None else {"file": source}
    payload.update({"line": lineno, "raw": line.rstrip("\n"), "detail": detail})
    return _Line(lineno, source, payload=payload, reason=reason)


# What a pool worker checks in place of a line rejected before any check: keeps one result per line,
# so the results line up with the lines read (and the window of lines in flight stays bounded).
_SKIPPED = RawDocument(id="", path=None, text="", error="line rejected before the check")


def filter_stream(lines_in: Iterable[str | bytes], kept_out: IO[str], rejected_out: IO[str] | None = None,
                  checker: Checker | None = None, min_score: float | None = None,
                  keep_verdicts: Collection[str] = DEFAULT_KEEP_VERDICTS, output: str = "record",
                  text_field: str = "text", flush: bool = False, jobs: int = 1,
                  on_progress: Callable[[FilterStats], None] | None = None,
                  keep_languages: Collection[str] | None = None) -> FilterStats:
    """Check JSONL records one line at a time; write passing ones to `kept_out`.

    `output="record"` writes each kept record with all its fields plus a `quality` object;
    `output="text"` writes the record with its text field replaced by the cleaned text (flagged
    paragraphs removed) and no quality object. Rejected lines go to `rejected_out` (when given)
    as the original record plus `quality` and `reject_reason`; a malformed line is written as
    `{"line": n, "raw": <the line>, "reject_reason": ..., "detail": ...}`.
    `jobs` > 1 checks records in that many worker processes (the scan's pool, with `checker.config`):
    output identical and in the same order, at most a few lines per worker held in flight.
    `on_progress(stats)` is called after each line is written (the CLI's progress line).
    `keep_languages`: only documents in these languages pass (None: any); see reject_reason.
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, not {output!r}")
    keep_verdicts = frozenset(keep_verdicts)
    if keep_languages is not None:
        keep_languages = frozenset(keep_languages)
    stats = FilterStats()

    def reject(payload: dict[str, Any], reason: str) -> None:
        stats.rejected += 1
        stats.reasons[reason] += 1
        if rejected_out is not None:
            rejected_out.write(_dumps(dict(payload, reject_reason=reason)))
            if flush:
                rejected_out.flush()

    def write(line: _Line, report: DocumentReport | None) -> None:
        route(line, report)
        if on_progress is not None:
            on_progress(stats)

    def route(line: _Line, report: DocumentReport | None) -> None:
        """Write one line where it goes: `report` is None for a line rejected before any check."""
        if line.record is None or report is None:
            reject(line.payload or {}, line.reason or REASON_MALFORMED)
            return
        quality = quality_fields(report)
        reason = reject_reason(report, min_score, keep_verdicts, keep_languages)
        if reason is not None:
            reject(dict(line.record, quality=quality), reason)
            return
        stats.kept += 1
        if output == "record":
            kept_out.write(_dumps(dict(line.record, quality=quality)))
        else:
            kept_out.write(_dumps(dict(line.record, **{text_field: report.clean_text})))
        if flush:
            kept_out.flush()

    config = checker.config if checker is not None else Config()

    def to_raw(line: _Line) -> RawDocument:
        if line.record is None:
            return _SKIPPED
        fallback_id = f"{line.source}:{line.number}" if line.source else f"line:{line.number}"
        return record_to_raw(line.record, fallback_id, config, text_field)

    lines = _parsed_lines(lines_in, stats)
    if jobs <= 1:
        checker = checker or Checker(config)
        for line in lines:
            write(line, None if line.record is None else checker.check_raw(to_raw(line)))
        return stats

    from .run import check_in_order

    in_flight: deque[_Line] = deque()

    def raws() -> Iterator[RawDocument]:
        for line in lines:
            in_flight.append(line)
            yield to_raw(line)

    for result in check_in_order(raws(), config, jobs):
        line = in_flight.popleft()
        write(line, None if line.record is None else DocumentReport.from_dict(result))
    return stats


# --- file handling shared by the CLI and library users --------------------------------------

class _Pieces(io.RawIOBase):
    """A raw stream handing out, as asked, `pending` and then what `more(n)` gives (b"" at the end). Closing it
    closes the streams in `below`."""

    def __init__(self, pending: bytes, below: tuple[IO[Any], ...]) -> None:
        self.pending, self.below = pending, below

    def more(self, n: int) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        if not self.closed:
            for stream in self.below:
                stream.close()
        super().close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.pending:
            self.pending = self.more(len(buffer))
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


class _Prefixed(_Pieces):
    """A raw stream that first returns `head` (bytes already read from `rest`), then the rest. Closing it
    closes `rest` and `also` (the layers below a GzipFile given a file object, which it leaves open)."""

    def __init__(self, head: bytes, rest: IO[bytes], also: tuple[IO[bytes], ...] = ()) -> None:
        super().__init__(head, (rest, *also))
        self.rest = rest

    def more(self, n: int) -> bytes:
        return _read_some(self.rest, n)


def _read_some(stream: IO[bytes], n: int) -> bytes:
    """Up to `n` bytes, whatever one read brings: waiting for all `n` would hold back a line a pipe has
    already delivered."""
    read1 = getattr(stream, "read1", None)
    return read1(n) if read1 is not None else stream.read(n)


def _read_head(stream: IO[bytes], n: int) -> bytes:
    """The first `n` bytes, or fewer at the end or once a line is complete (a pipe may deliver them one
    read at a time, or one short line and then wait)."""
    head = b""
    while len(head) < n and b"\n" not in head:
        more = _read_some(stream, n - len(head))
        if not more:
            break
        head += more
    return head


def open_input(path: str | None) -> IO[bytes]:
    """A binary stream of UTF-8 lines for a path ('-' or None = stdin). gzip is recognised by its magic
    bytes, so `qualitycheck filter < x.jsonl.gz` works as well as a .gz name; a UTF-8 byte-order mark is
    dropped and UTF-16/32 with one is re-encoded (Windows tools write them), as `scan` reads them."""
    stream, head = _decompressed(path)
    return _as_utf8(stream, head)


def open_records_or_text(path: str | None, limit: int = 4096) -> tuple[IO[bytes], bool]:
    """A path ('-' or None = stdin) that is either JSONL or one text document, as `scan -` reads standard
    input: (UTF-8 lines as open_input gives them, True) when its first non-blank character (read in the
    encoding its byte-order mark names) opens a JSON object, else (its bytes as sent, gzip undone but
    byte-order mark and all, False), for the reader to decode as it decodes a text file. Reads no further
    than that character, at most `limit` bytes, before deciding: a pipe may hold back the rest."""
    stream, _ = _decompressed(path)
    head = b""   # read again from the start (the stream still gives what _decompressed looked at)
    while len(head) < limit and not _text_head(head).strip():
        more = _read_some(stream, limit - len(head))
        if not more:
            break
        head += more
    stream = io.BufferedReader(_Prefixed(head, stream))  # type: ignore[arg-type]
    if _text_head(head).lstrip().startswith("{"):
        return _as_utf8(stream, head), True
    return stream, False


def _text_head(head: bytes) -> str:
    """The first bytes of an input as text, in the encoding its byte-order mark names (else UTF-8); a
    character cut at the end is left out."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return head.decode(encoding, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _decompressed(path: str | None) -> tuple[IO[bytes], bytes]:
    """A binary stream of a path ('-' or None = stdin), gzip undone (by its magic bytes), and its first bytes
    (at most 4, fewer at the end or after a newline), which the stream still gives."""
    if path in (None, "-") and sys.stdin is None:   # started without one (`<&-`): an unreadable input, no crash
        raise OSError(errno.EBADF, NO_STDIN)
    raw: IO[bytes] = sys.stdin.buffer if path in (None, "-") else open(path, "rb")
    try:
        head = _read_head(raw, 4)
        stream: IO[bytes] = io.BufferedReader(_Prefixed(head, raw))  # type: ignore[arg-type]
        if head[:2] == GZIP_MAGIC:
            gz = gzip.GzipFile(fileobj=stream, mode="rb")
            head = _read_head(gz, 4)
            stream = io.BufferedReader(_Prefixed(head, gz, also=(stream,)))  # type: ignore[arg-type]
    except GZIP_ERRORS:
        if path not in (None, "-"):
            raw.close()
        raise
    return stream, head


def _as_utf8(stream: IO[bytes], head: bytes) -> IO[bytes]:
    """`stream` (whose first bytes are `head`) as UTF-8: a UTF-8 byte-order mark dropped, UTF-16/32 with one
    re-encoded."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            if encoding == "utf-8-sig":
                stream.read(len(bom))
                return stream
            text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")
            return io.BufferedReader(_Reencoded(text))  # type: ignore[arg-type]
    return stream


class _Reencoded(_Pieces):
    """UTF-8 bytes of a text stream (a UTF-16/32 input read line by line); closing it closes the text stream."""

    def __init__(self, text: IO[str]) -> None:
        super().__init__(b"", (text,))
        self.text = text

    def more(self, n: int) -> bytes:
        return self.text.readline(1 << 16).encode("utf-8", "surrogatepass")


def open_output(path: str | None) -> IO[str]:
    """A text stream for a path ('-' or None = stdout); gzip-compressed when the name ends in .gz."""
    if path in (None, "-"):
        return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True)
    if str(path).lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "wb"), encoding="utf-8", newline="\n")
    return open(path, "w", encoding="utf-8", newline="\n")


class InputLine(bytes):
    """A line of iter_input_lines: its bytes, the file it came from (`source`, None for standard input)
    and its number there, so a rejected line can be found again."""

    source: str | None = None
    number: int = 0


class OverlongLine(InputLine):
    """The first bytes of an input line longer than the cap: rejected as `line_too_long`, never parsed."""


def _unreadable_input(source: str | None, error: str) -> "UnreadableInput":
    marker = UnreadableInput()
    marker.source, marker.error = source, error
    return marker


class UnreadableInput(InputLine):
    """Stands for an input file that could not be opened: rejected as `unreadable_input`; the next file is read."""

    error: str = ""


def iter_input_lines(paths: Iterable[str], max_line_bytes: int | None = None,
                     text_field: str = "text") -> Iterable[bytes]:
    """Lines of every input in turn (stdin when `paths` is empty), one at a time. A line longer than
    `max_line_bytes` (default: the longest line `scan` reads, reading.line_cap) is not held: its head comes
    as an OverlongLine, so memory stays bounded whatever the input. An input that cannot be opened, or whose
    first bytes show a binary file (reading.not_jsonl), comes as one UnreadableInput."""
    cap = max_line_bytes or line_cap(Config())
    paths = list(paths) or ["-"]
    for path in paths:
        source = None if path in (None, "-") else str(path)
        if source is not None and source.lower().endswith(PARQUET_SUFFIXES):
            yield from _parquet_lines(source, text_field)
            continue
        if source == "":   # (open("") fails too, but as a missing file without a name)
            yield _unreadable_input(source, f"unreadable: {EMPTY_PATH}")
            continue
        try:
            handle = open_input(path)
        except GZIP_ERRORS as exc:   # missing, unreadable, or gzip damaged at its head
            yield _unreadable_input(source, f"unreadable: {getattr(exc, 'strerror', None) or exc}")
            continue
        number = 0
        try:
            # An image or archive is one rejection, as `scan` makes it one error record, not a "malformed
            # JSON" line per newline byte. Only the first bytes are looked at (up to the first line end: a
            # pipe's first line is not held back), and given again to the line reader.
            head = _read_head(handle, JSONL_SNIFF_BYTES)
            why = not_jsonl(head)
            if why is not None:
                yield _unreadable_input(source, why)
                continue
            handle = io.BufferedReader(_Prefixed(head, handle))  # type: ignore[arg-type]
            for number, (data, too_long) in enumerate(capped_lines(handle, cap), start=1):
                line = OverlongLine(data) if too_long else InputLine(data)
                line.source, line.number = source, number
                yield line
        except GZIP_ERRORS as exc:
            if source is None:
                raise   # standard input: nothing follows it, the command reports the stop
            # a gzip cut short: what was read stands, the file is reported, the next file is read
            yield _unreadable_input(source, f"read failed after line {number}: {exc}")
        finally:
            if source is not None:
                handle.close()


def count_input_documents(inputs: Iterable[str]) -> int:
    """How many documents a scan of `inputs` will see: one per text file, JSONL line or Parquet row.

    For a progress bar's total and ETA; counts newlines in binary chunks (gzip decompressed),
    which costs a small fraction of checking the same documents.
    """
    from .reading import JSONL_SUFFIXES, UnreadableFolder, discover

    total = 0
    for item in inputs:
        if not os.path.lexists(item):   # (os.path, which never raises: a path the user may not look at is its one error record)
            total += 1
            continue
        for path in discover(item):
            if isinstance(path, UnreadableFolder):
                total += 1
                continue
            if path.name.lower().endswith(PARQUET_SUFFIXES) and not os.path.isdir(path):
                total += _parquet_rows(path)
                continue
            if not path.name.lower().endswith(JSONL_SUFFIXES) or not _regular_file(path):
                total += 1   # (one record; a FIFO or /dev/zero named .jsonl is never opened: it blocks or never ends)
                continue
            try:
                opener = gzip.open if path.name.lower().endswith(".gz") else open
                with opener(path, "rb") as handle:
                    last = b"\n"
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        total += block.count(b"\n")
                        last = block[-1:]
                    total += last != b"\n"  # a last line without a newline
            except GZIP_ERRORS:
                total += 1
    return total


def _regular_file(path: Any) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _parquet_lines(source: str, text_field: str = "text") -> Iterator[InputLine]:
    """The rows of a Parquet file as JSONL lines (what filter reads); a file that cannot be read, or pyarrow
    missing, comes as an UnreadableInput after the rows read."""
    number = 0
    try:
        for record, _ in parquet_rows(source, text_field):
            number += 1
            line = InputLine((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
            line.source, line.number = source, number
            yield line
    except ImportError:
        yield _unreadable_input(source, PARQUET_NEEDS)
    except Exception as exc:   # pyarrow's own error classes
        yield _unreadable_input(source, f"unreadable Parquet file ({parquet_where(number)}): "
                                        f"{exc.__class__.__name__}: {exc}")


def _parquet_rows(path) -> int:
    """Rows of a Parquet file from its footer (1 when it cannot be read: its one error record)."""
    try:
        import pyarrow.parquet as pq
        return max(1, pq.read_metadata(path).num_rows)   # the footer only; the file is closed again
    except Exception:
        return 1
