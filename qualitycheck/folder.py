"""Passes that need every document of a scan at once: cross-document spin alignment.

Per-document signals see one document; a folder that holds several versions of one story
(an original and a spun copy) shows more together: the swapped words and their source.
The pass runs after the per-document stream, on the records already written, and returns
the records it changed (re-scored), so the scan can rewrite documents.jsonl once.
"""
from __future__ import annotations

from typing import Any

from .config import Config
from .document import Document, Flag, Paragraph
from .scoring import build_report

# The pass holds every record in memory and compares paragraph word sets through an inverted
# index; past this many documents a scan should be split by story (or clustered) first.
MAX_FOLDER_DOCUMENTS = 5_000


def document_from_record(record: dict[str, Any]) -> Document:
    """Rebuild an annotated Document from its documents.jsonl record."""
    paragraphs = []
    for p in record.get("paragraphs") or []:
        paragraph = Paragraph(index=p["index"], start=p["start"], end=p["end"], text=p["text"],
                              flags=[Flag(e["label"], e["rule"], e["detail"], e.get("score"))
                                     for e in p.get("evidence") or []],
                              language=p.get("language"), language_confidence=p.get("language_confidence"),
                              perplexity=p.get("perplexity"), spun_score=p.get("spun_score"),
                              spun_spans=list(p.get("spun_spans") or []))
        paragraphs.append(paragraph)
    spun = record.get("spun") or {}
    return Document(id=record["id"], path=record.get("path"), text="", paragraphs=paragraphs,
                    encoding=record.get("encoding"), error=record.get("error"), notes=list(record.get("notes") or []),
                    content_hash=record.get("content_hash"), metadata=dict(record.get("metadata") or {}),
                    language=record.get("language"), language_confidence=record.get("language_confidence"),
                    spun_flag=bool(spun.get("flag")), spun_score=spun.get("score"),
                    spun_evidence=list(spun.get("evidence") or []))


def cross_document_pass(records: list[dict[str, Any]], config: Config) -> dict[int, dict[str, Any]]:
    """Run the folder-level passes; returns {position in records: updated record} for changed ones."""
    if not config.spin_enabled or len(records) < 2:
        return {}
    try:
        from .spin.crossdoc import find_spun_versions
    except ImportError:
        return {}
    docs = [document_from_record(r) for r in records]
    before = [(len(d.notes), sum(len(p.flags) for p in d.paragraphs)) for d in docs]
    find_spun_versions(docs, config)
    changed = {}
    for position, (doc, record, (notes, flags)) in enumerate(zip(docs, records, before)):
        if (len(doc.notes), sum(len(p.flags) for p in doc.paragraphs)) == (notes, flags):
            continue
        # clean_text is rebuilt from paragraph texts, which records hold in full.
        updated = build_report(doc, config).to_dict()
        changed[position] = updated
    return changed
