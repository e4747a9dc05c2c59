"""Passes that need every document of a scan at once: repeated documents and near copies, lines several
stories repeat, and cross-document spin alignment.

Per-document signals see one document; a folder that holds several versions of one story
(an original and a spun copy) shows more together: the swapped words and their source.
The pass runs after the per-document stream, on the records already written, and returns
the records it changed (re-scored), so the scan can rewrite documents.jsonl once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .document import Document, Flag, Paragraph
from .scoring import UNDETERMINED_SPIN_NOTE, build_report
from .signals.boilerplate import REPEATED_LINE_RULE, REPEATED_LINES_NOTE, RepeatedLines
from .signals.spin import MAX_EVIDENCE

# The pass indexes every paragraph's words and word pairs in numpy arrays (12 bytes per key, ~60 keys per
# paragraph, sorted an eighth at a time) and loads only the documents that pair up. 20,000 bench documents:
# 183 MiB peak and 16-22 CPU seconds (bench/bench_crossdoc.py); past this many documents a scan should be split
# by story first.
MAX_FOLDER_DOCUMENTS = 20_000


def document_from_record(record: dict[str, Any], slim: bool = False) -> Document:
    """Rebuild an annotated Document from its documents.jsonl record. slim=True keeps what the folder
    passes read (paragraph texts, labels, scores, language) and drops the per-span evidence, the
    document's evidence list and metadata: a fraction of the memory, for holding a whole run."""
    paragraphs = []
    for p in record.get("paragraphs") or []:
        paragraph = Paragraph(index=p["index"], start=p["start"], end=p["end"], text=p["text"],
                              flags=[Flag(e["label"], e["rule"], e["detail"], e.get("score"))
                                     for e in p.get("evidence") or []],
                              language=p.get("language"), language_confidence=p.get("language_confidence"),
                              perplexity=p.get("perplexity"), spun_score=p.get("spun_score"),
                              spun_spans=[] if slim else list(p.get("spun_spans") or []))
        paragraphs.append(paragraph)
    spun = record.get("spun") or {}
    return Document(id=record["id"], path=record.get("path"), text="", paragraphs=paragraphs,
                    encoding=record.get("encoding"), error=record.get("error"), notes=list(record.get("notes") or []),
                    content_hash=record.get("content_hash"),
                    metadata={} if slim else dict(record.get("metadata") or {}),
                    language=record.get("language"), language_confidence=record.get("language_confidence"),
                    spun_flag=bool(spun.get("flag")), spun_score=spun.get("score"),
                    spun_evidence=[] if slim else list(spun.get("evidence") or []))


@dataclass
class FolderChange:
    """What the folder passes added to one document: its slim copy after the passes, and how many flags
    per paragraph and notes it had before (the passes only append flags, notes and evidence, and raise
    scores)."""

    doc: Document
    flags_before: list[int]
    notes_before: int


# Every change the passes make to a record comes with one of these notes, so a record tells whether it holds
# their additions (holds_folder_additions).
REPEAT_NOTE = "same text as "
NEAR_COPY_NOTE = "near copy of "
SPUN_VERSION_NOTE = "spun version of "   # spin/crossdoc.py; also scoring.UNDETERMINED_SPIN_NOTE
# A document is a near copy of an earlier one when at least this share of its long paragraphs (and at least
# NEAR_COPY_MIN_PARAGRAPHS) first appeared there word for word: syndicated copies with another header,
# an added paragraph or a cut ending.
NEAR_COPY_SHARE = 0.8
NEAR_COPY_MIN_PARAGRAPHS = 2


def holds_folder_additions(record: dict[str, Any]) -> bool:
    """Whether the folder passes changed this documents.jsonl record."""
    return any(str(note).startswith((REPEAT_NOTE, NEAR_COPY_NOTE, SPUN_VERSION_NOTE, UNDETERMINED_SPIN_NOTE,
                                     REPEATED_LINES_NOTE))
               for note in record.get("notes") or [])


@dataclass
class FolderPassResult:
    """What the passes add: {position in the run: FolderChange} for the documents they loaded (repeats,
    spun versions), how many of those repeat an earlier document's text, and {position: [(paragraph index,
    evidence detail)]} for the lines other stories repeat (applied to the full records as they are rewritten,
    without loading the documents: a crawl repeats such lines in thousands of them)."""

    changes: dict[int, FolderChange]
    repeats: int
    lines: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    near_copies: dict[int, str] = field(default_factory=dict)   # position -> its "near copy of" note

    def positions(self) -> list[int]:
        return sorted(set(self.changes) | set(self.lines) | set(self.near_copies))


def cross_document_pass(read_records: Callable[[], Iterable[dict[str, Any]]], config: Config) -> FolderPassResult:
    """Run the folder-level passes over records that do not hold their additions yet (a resumed scan checks
    such records again first); returns the documents they changed.
    `read_records` gives the run's records afresh each call (e.g. documents.jsonl read again): the pass reads
    them once to index their paragraphs' words (a few numpy arrays, not the documents) and once more to load
    slim copies of the few documents it changes. apply_folder_change() merges a change into the full record,
    so a run's records are never all in memory at once.

    The passes: a document whose text repeats an earlier one's word for word (content_hash), or most of whose
    paragraphs first appeared in one earlier document (a near copy), gets a note naming it (syndicated copies,
    a page crawled twice; its verdict stands, so a pipeline decides what to do with them); short lines that
    several different stories repeat are boilerplate (signals/boilerplate.py RepeatedLines); and, with the
    spin detector on, cross-document spin alignment (spin/crossdoc.py)."""
    first_with_text: dict[str, int] = {}   # content hash -> position of the first document with that text
    repeats: dict[int, str] = {}    # position -> id of the first document with the same text
    lines = RepeatedLines()
    ids: list[str] = []

    def index_record(position: int, record: dict[str, Any]) -> dict[str, Any]:
        ids.append(str(record.get("id")))
        lines.add(position, record)
        text_hash = record.get("content_hash")
        if text_hash and not record.get("error"):
            first = first_with_text.setdefault(text_hash, position)
            if first != position:
                repeats[position] = ids[first]
        return record

    def documents() -> Iterator[Document]:
        for position, record in enumerate(read_records()):
            yield document_from_record(index_record(position, record), slim=True)

    loaded: dict[int, FolderChange] = {}

    def load(wanted: list[int]) -> dict[int, Document]:
        # the repeats are known once the stream has been read, so they come in the same reading
        remaining = (set(wanted) | set(repeats)) - set(loaded)
        for position, record in enumerate(read_records() if remaining else ()):
            if not remaining:
                break
            if position in remaining:
                doc = document_from_record(record, slim=True)
                loaded[position] = FolderChange(doc, [len(p.flags) for p in doc.paragraphs], len(doc.notes))
                remaining.discard(position)
        return {position: loaded[position].doc for position in wanted}

    flagged: set[int] = set()
    if config.spin_enabled:
        from .spin.crossdoc import align_versions

        flagged = align_versions(documents(), load, config)
    else:
        for position, record in enumerate(read_records()):
            index_record(position, record)
    load([])   # spin off, or the alignment paired nothing: the repeats now (no-op if loaded)
    for position, first_id in repeats.items():
        loaded[position].doc.notes.append(f"{REPEAT_NOTE}{first_id}")
    repeated_lines = {position: [(index, f"the same line is in {stories} other stor{'y' if stories == 1 else 'ies'} "
                                         f"of this run, e.g. {ids[other]}") for index, stories, other in found]
                      for position, found in lines.found().items()}
    near_copies = {}
    for position, shared in lines.shared_long.items():
        first, count = shared.most_common(1)[0]
        total = lines.long_paragraphs[position]
        if (position not in repeats and count >= NEAR_COPY_MIN_PARAGRAPHS and count >= NEAR_COPY_SHARE * total):
            near_copies[position] = f"{NEAR_COPY_NOTE}{ids[first]}: {count} of its {total} long paragraphs word for word"
    return FolderPassResult({position: loaded[position] for position in sorted(flagged | set(repeats))},
                            len(repeats), repeated_lines, near_copies)


def apply_folder_change(record: dict[str, Any], change: FolderChange | None, config: Config,
                        lines: list[tuple[int, str]] | None = None, near_copy: str | None = None) -> dict[str, Any]:
    """`record` with what the folder passes added to its slim copy (`change`), the repeated lines they
    found in it (`lines`, FolderPassResult.lines) and its near-copy note, re-scored (clean_text is rebuilt
    from the paragraph texts, which records hold in full)."""
    doc = document_from_record(record)
    if change is not None:
        for full, slim, count in zip(doc.paragraphs, change.doc.paragraphs, change.flags_before):
            full.flags.extend(slim.flags[count:])
            full.spun_score = slim.spun_score
            if slim.spun_spans:   # the slim copy holds only the pass's swaps
                from .spin.crossdoc import merge_spans
                full.spun_spans = merge_spans(slim.spun_spans, full.spun_spans)
        doc.notes.extend(change.doc.notes[change.notes_before:])
        # the slim copy started with none; swaps against a source document lead, within the same cap
        doc.spun_evidence = (change.doc.spun_evidence + doc.spun_evidence)[:MAX_EVIDENCE]
        doc.spun_flag, doc.spun_score = change.doc.spun_flag, change.doc.spun_score
    if lines:
        paragraphs = {p.index: p for p in doc.paragraphs}
        for index, detail in lines:
            paragraphs[index].add("boilerplate", REPEATED_LINE_RULE, detail)
        doc.notes.append(f"{REPEATED_LINES_NOTE}{len(lines)} line(s) that other stories of this run repeat, "
                         "flagged boilerplate")
    if near_copy:
        doc.notes.append(near_copy)
    return build_report(doc, config).to_dict()
