"""Plain data classes passed between the stages: read -> segment -> signals -> score -> write.

Nothing here does work; each stage module owns its own logic and hands these objects on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1

# The report's label vocabulary. `mojibake` is evidence of broken decoding upstream.
LABELS = ("spun", "off_language", "boilerplate", "ad_marker", "duplicate", "mojibake")
# Labels whose paragraphs are removed from clean_text.
REMOVED_LABELS = frozenset({"boilerplate", "ad_marker", "duplicate", "off_language"})

# What json.loads raises on a damaged or hand-edited file: JSONDecodeError and bad UTF-8 (ValueErrors), an
# integer of 4,300+ digits (a plain ValueError) and deep nesting (RecursionError, no ValueError at all).
JSON_ERRORS = (ValueError, RecursionError)


def json_error_text(exc: Exception) -> str:
    """What to tell of one of JSON_ERRORS (a RecursionError's own text speaks of the interpreter, not the file)."""
    return "nested too deep" if isinstance(exc, RecursionError) else str(exc)


def is_report_record(record: Any) -> bool:
    """Whether a documents.jsonl line's object has the shape resume, the summary and the folder passes read
    without checking again (a hand-edited or half-damaged line may be an object of other types): a string
    id, a string or null path, number score, string verdict, labels counted in integers, spun an object, paragraphs with integer
    offsets, their text and evidence objects of string label, rule and detail."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return False
    if not isinstance(record.get("path"), (str, type(None))):
        return False
    if not isinstance(record.get("score"), (int, float)) or not isinstance(record.get("verdict"), str):
        return False
    labels, spun, notes = record.get("labels") or {}, record.get("spun") or {}, record.get("notes") or []
    if not isinstance(labels, dict) or not all(type(n) is int for n in labels.values()):
        return False
    if not isinstance(spun, dict) or not isinstance(notes, list):
        return False
    paragraphs = record.get("paragraphs") or []
    return isinstance(paragraphs, list) and all(_is_paragraph(p) for p in paragraphs)


def _is_paragraph(paragraph: Any) -> bool:
    if not isinstance(paragraph, dict) or not isinstance(paragraph.get("text"), str):
        return False
    if not all(type(paragraph.get(key)) is int for key in ("index", "start", "end")):
        return False
    evidence, labels = paragraph.get("evidence") or [], paragraph.get("labels") or []
    return isinstance(labels, list) and isinstance(evidence, list) and all(
        isinstance(e, dict) and all(isinstance(e.get(key), str) for key in ("label", "rule", "detail"))
        for e in evidence)


@dataclass
class RawDocument:
    """One input document as read from disk or a record, before segmentation."""

    id: str
    path: str | None
    text: str
    encoding: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    content_hash: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Flag:
    """One reason to put a label on a paragraph: which rule fired and what it saw."""

    label: str
    rule: str
    detail: str
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "rule": self.rule, "detail": self.detail}
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        return out


@dataclass
class Paragraph:
    """A span of the decoded text. `start`/`end` are character offsets: text == doc.text[start:end]."""

    index: int
    start: int
    end: int
    text: str
    flags: list[Flag] = field(default_factory=list)
    language: str | None = None
    language_confidence: float | None = None
    perplexity: float | None = None
    spun_score: float | None = None
    # Suspicious words inside the paragraph: [{"start", "end", "word", "score", "original"?}],
    # offsets relative to the paragraph text. Filled by the spin signal.
    spun_spans: list[dict[str, Any]] = field(default_factory=list)
    # Language-model scores of this paragraph (qualitycheck.lm ParagraphLM), kept so the spin
    # signal reuses what the perplexity signal computed. Not written to reports.
    lm: Any = field(default=None, repr=False, compare=False)
    # The paragraph's duplicate-comparison key (textnorm.compare_key), kept so the pull-quote pass reuses
    # what the duplicate signal computed. Not written to reports.
    duplicate_key: str | None = field(default=None, repr=False, compare=False)

    @property
    def labels(self) -> list[str]:
        seen: list[str] = []
        for flag in self.flags:
            if flag.label not in seen:
                seen.append(flag.label)
        return seen

    def has(self, label: str) -> bool:
        return any(flag.label == label for flag in self.flags)

    def add(self, label: str, rule: str, detail: str, score: float | None = None) -> None:
        self.flags.append(Flag(label, rule, detail, score))


@dataclass
class Document:
    """A segmented document that signals annotate in place."""

    id: str
    path: str | None
    text: str
    paragraphs: list[Paragraph]
    encoding: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    content_hash: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    language_confidence: float | None = None
    spun_flag: bool = False
    spun_score: float | None = None
    spun_evidence: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of_paragraphs(cls, doc_id: str, paragraphs: list[str], language: str | None = None) -> "Document":
        """A document of `paragraphs` joined by blank lines, each with its offsets, not segmented again: for
        callers (tests, benchmarks) that already hold the paragraphs."""
        out, pos = [], 0
        for k, text in enumerate(paragraphs):
            out.append(Paragraph(index=k, start=pos, end=pos + len(text), text=text))
            pos += len(text) + 2
        return cls(id=doc_id, path=None, text="\n\n".join(paragraphs), paragraphs=out, language=language)


@dataclass
class DocumentReport:
    """The per-document result: what documents.jsonl holds, one object per line (schema 1)."""

    id: str
    path: str | None
    language: str | None
    language_confidence: float | None
    score: float
    verdict: str
    labels: dict[str, int]
    spun: dict[str, Any]
    paragraphs: list[dict[str, Any]]
    clean_text: str
    error: str | None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    content_hash: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "id": self.id,
            "path": self.path,
            "language": self.language,
            "language_confidence": self.language_confidence,
            "score": self.score,
            "verdict": self.verdict,
            "labels": dict(self.labels),
            "spun": dict(self.spun),
            "paragraphs": list(self.paragraphs),
            "clean_text": self.clean_text,
            "error": self.error,
            "encoding": self.encoding,
            "notes": list(self.notes),
            "content_hash": self.content_hash,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> "DocumentReport":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in record.items() if k in known})
