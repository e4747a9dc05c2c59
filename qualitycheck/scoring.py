"""How a document is scored: flags -> score, verdict, label counts and clean text.

score = 1 - sum over labels of (weight of the label x share of the document's characters
carrying it), clipped to [0, 1]. A paragraph with several labels counts once per label.
Verdict: spun documents get `config.spun_verdict`; otherwise keep when score >= keep_threshold,
drop when score < drop_threshold, review in between; a document with less clean text than
`min_clean_chars`, whose language could not be identified (too few words: a table, a blob, a run of
one character), with a document spun score above `spun_review_threshold` (possible light spinning,
below the spun flag), or that the folder pass found swapped against another version in a direction it
could not tell (UNDETERMINED_SPIN_NOTE), is at best `review`; unreadable documents are `drop` with their error.
"""
from __future__ import annotations

from typing import Any

from .config import Config
from .document import LABELS, REMOVED_LABELS, Document, DocumentReport


def _paragraph_record(paragraph) -> dict[str, Any]:
    record: dict[str, Any] = {
        "index": paragraph.index,
        "start": paragraph.start,
        "end": paragraph.end,
        "text": paragraph.text,
        "labels": paragraph.labels,
        "language": paragraph.language,
        "language_confidence": paragraph.language_confidence,
        "perplexity": None if paragraph.perplexity is None else round(float(paragraph.perplexity), 2),
        "spun_score": None if paragraph.spun_score is None else round(float(paragraph.spun_score), 4),
        "spun_spans": paragraph.spun_spans,
        "evidence": [flag.to_dict() for flag in paragraph.flags],
    }
    return record


def document_score(doc: Document, config: Config) -> float:
    total = sum(len(p.text) for p in doc.paragraphs)
    if total == 0:
        return 0.0
    penalty = 0.0
    for label, weight in config.label_weights.items():
        chars = sum(len(p.text) for p in doc.paragraphs if p.has(label))
        penalty += weight * chars / total
    return round(max(0.0, min(1.0, 1.0 - penalty)), 4)


def clean_text(doc: Document) -> str:
    """The document without paragraphs carrying a removed label (boilerplate, ads, duplicates, foreign)."""
    kept = [p.text for p in doc.paragraphs if not (set(p.labels) & REMOVED_LABELS)]
    return "\n\n".join(kept)


def verdict_for(score: float, spun: bool, clean_chars: int, config: Config, spun_score: float | None = None,
                language_known: bool = True, spin_direction_unclear: bool = False) -> str:
    if spun:
        return config.spun_verdict
    if score < config.drop_threshold:
        return "drop"
    if (score < config.keep_threshold or clean_chars < config.min_clean_chars or possible_spin(spun_score, config)
            or not language_known or spin_direction_unclear):
        return "review"
    return "keep"


# Notes derived from the scores (a re-scored record, as in the folder pass, drops them and decides again):
# too little clean text, said when only that keeps the document from keep; possible spinning, said whenever
# the spun score is in the review band (it holds the document at review at best).
SHORT_TEXT_NOTE = "review: too little clean text"
NO_LANGUAGE_NOTE = "review: language undetermined"
POSSIBLE_SPIN_NOTE = "possible spinning"
DERIVED_NOTES = (SHORT_TEXT_NOTE, NO_LANGUAGE_NOTE, POSSIBLE_SPIN_NOTE)
# The folder pass's note (spin/crossdoc.py) on two versions of a story that differ by a spin's thesaurus swaps
# when the evidence does not tell which is the spun one: it holds both documents at review at best.
UNDETERMINED_SPIN_NOTE = "spin direction unclear against "


def possible_spin(spun_score: float | None, config: Config) -> bool:
    """Spun score above spun_review_threshold but the document not flagged (the caller checks the flag)."""
    return spun_score is not None and spun_score > config.spun_review_threshold


def review_reasons(clean_chars: int, spun_score: float | None, config: Config, language_known: bool = True) -> list[str]:
    """Why a document whose score would keep it goes to review instead (empty: it need not)."""
    reasons = []
    if clean_chars < config.min_clean_chars:
        reasons.append(f"{SHORT_TEXT_NOTE} ({clean_chars} characters, fewer than min_clean_chars "
                       f"{config.min_clean_chars})")
    elif not language_known:
        # (short texts are held by the rule above already; a long text without a language is not prose)
        reasons.append(f"{NO_LANGUAGE_NOTE} ({clean_chars} characters of clean text)")
    if possible_spin(spun_score, config):
        reasons.append(f"{POSSIBLE_SPIN_NOTE}: document spun score {spun_score:.2f}, above spun_review_threshold "
                       f"{config.spun_review_threshold} and not above spun_document_threshold "
                       f"{config.spun_document_threshold}, so at best review")
    return reasons


def build_report(doc: Document, config: Config) -> DocumentReport:
    """Summarise an annotated Document as its report."""
    labels = {label: sum(1 for p in doc.paragraphs if p.has(label)) for label in LABELS}
    labels = {label: count for label, count in labels.items() if count}
    spun = {"flag": bool(doc.spun_flag), "score": None if doc.spun_score is None else round(float(doc.spun_score), 4),
            "evidence": doc.spun_evidence}
    notes = [note for note in doc.notes if not note.startswith(DERIVED_NOTES)]
    if doc.error is not None:
        score, verdict, text = 0.0, "drop", ""
    else:
        score = document_score(doc, config)
        text = clean_text(doc)
        language_known = doc.language is not None or not text
        unclear = any(note.startswith(UNDETERMINED_SPIN_NOTE) for note in notes)
        verdict = verdict_for(score, doc.spun_flag, len(text), config, doc.spun_score, language_known, unclear)
        if not doc.spun_flag:
            # say why a reviewer sees it: possible spinning always (a reader of the scores wants it even when
            # labels already cost the document its keep), too little text or no language when only that holds
            # it back
            reasons = review_reasons(len(text), doc.spun_score, config, language_known)
            if score < config.keep_threshold:   # includes every score-based drop (drop_threshold <= keep_threshold)
                reasons = [r for r in reasons if r.startswith(POSSIBLE_SPIN_NOTE)]
            notes.extend(reasons)
    return DocumentReport(
        id=doc.id, path=doc.path, language=doc.language, language_confidence=doc.language_confidence,
        score=score, verdict=verdict, labels=labels, spun=spun,
        paragraphs=[_paragraph_record(p) for p in doc.paragraphs], clean_text=text, error=doc.error,
        encoding=doc.encoding, notes=notes, content_hash=doc.content_hash, metadata=dict(doc.metadata),
    )
