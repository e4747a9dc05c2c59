"""Spun text: words and phrases swapped for context-blind synonyms by an article spinner.

What it catches: a document rewritten word by word with a thesaurus ("year" -> "twelvemonth",
"first" -> "to start with"). Why this way: average perplexity hardly separates spun from clean news,
so the detector (qualitycheck.spin.detector) accumulates evidence per word and phrase: a thesaurus
neighbour that fits the language-model context far better than the word present is the likely original.
Paragraph scores are calibrated probabilities; the document verdict reads all paragraphs.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..config import Config
from ..document import Document

# Paragraphs other signals already removed are not prose; scoring them only adds noise.
SKIP_LABELS = frozenset({"boilerplate", "ad_marker", "off_language"})
_FUNCTION_WORDS = frozenset("the of and to in a is that for on was with as by at from it his are be has have "
                            "he said were an which this not but their its they had who after also".split())
_WORD = re.compile(r"[A-Za-z]+")
MAX_EVIDENCE = 12     # top suspicious phrases kept on the document
# A paragraph can be labelled spun on accumulated evidence (many mildly suspicious words, or a low bar
# inside a spun document) with no single word above the span threshold: then its strongest words down to
# this probability are shown, marked weak, so a reviewer has words to check. Labels do not change. The label
# itself needs a span at or above spin.detector.OWN_EVIDENCE_FLOOR (or a fingerprint), the same value, so a
# labelled paragraph always has a word to show (kept equal by tests/test_spin_units.py).
WEAK_SPAN_FLOOR = 0.2
MAX_WEAK_SPANS = 3
# The detector holds ~4.7 KB per word of a paragraph (LM states, candidate features), so a 2,000,000-character
# one-paragraph file would need ~2 GB. News paragraphs are a few hundred characters; longer ones are scored
# on their first MAX_SCORED_CHARS characters (cut at a space), with a note.
MAX_SCORED_CHARS = 10_000
# Photo captions and credit lines ("Agency / Getty Images In this photo ...", "Photo: ..."): not article
# prose (the dev set's label scheme calls them non_content, and the seed reviewer leaves them unlabelled),
# so they get no paragraph `spun` label. Their evidence still counts for the document and is shown.
# Agencies: the wire and stock-photo services whose credits lead captions on scraped news pages.
CAPTION = re.compile(
    r"^[^\n]{0,60}?\s/\s(?:Getty|Reuters|AFP|EPA|AP\b|PA\b|Shutterstock|Alamy|Bloomberg)"
    r"|^(?:Photo|Image|Picture|Caption)s?(?:\s+credit)?\s*:", re.IGNORECASE)


def mostly_english(text: str) -> bool:
    """Undetermined language: treat as English if common English function words are frequent."""
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    if len(words) < 20:
        return False
    return sum(w in _FUNCTION_WORDS for w in words) / len(words) >= 0.2


def _scored_text(text: str) -> str:
    """The part of a paragraph the detector scores: all of it, or its first MAX_SCORED_CHARS characters."""
    if len(text) <= MAX_SCORED_CHARS:
        return text
    space = text.rfind(" ", 0, MAX_SCORED_CHARS)
    return text[:space if space > 0 else MAX_SCORED_CHARS]


def _shared_tokens(paragraph, detector, scored: str | None) -> list[tuple[str, int, int]] | None:
    """The perplexity signal's tokenisation of the scored part of the paragraph (the project tokenizer,
    which the detector also uses unless its model came without it; tokenising twice was ~8% of a
    document's time)."""
    lm = paragraph.lm
    if lm is None or scored is None or not detector.view.pre_normalised:
        return None
    # token ends never decrease, so the tokens inside the scored part are a prefix
    n = bisect.bisect_right(lm.ends, len(scored))
    return list(zip(lm.tokens[:n], lm.starts[:n], lm.ends[:n]))


def _shared_scores(paragraph, detector, scored: str | None, same_model: bool) -> list[float] | None:
    """When both signals read the same model file, the log10 probabilities of _shared_tokens' tokens (the
    detector then skips its own forward pass). A view that gives the LM other words than the tokens
    (SpokenLMView: punctuation skipped, spellings mapped) takes only scores made through such a view
    (perplexity.score_spoken): tokens scored as written, read as the detector's, flagged 65 of the dev set's
    203 unspun documents."""
    lm = paragraph.lm
    if (not same_model or lm is None or scored is None or not detector.view.pre_normalised
            or detector.view.transparent and lm.meta.get("lm_words") != "spoken"):
        return None
    # token ends never decrease, so the tokens inside the scored part are a prefix
    n = bisect.bisect_right(lm.ends, len(scored))
    return lm.logprobs[:n].tolist()


class _PerParagraph(Sequence):
    """Values computed for a paragraph when the detector reads them. SpinDetector.document reads a batch
    of paragraphs at a time, so a document's token lists are not all held at once (on a 2,000,000-character
    document they are tens of MB)."""

    def __init__(self, compute: Callable[[int], Any], n: int) -> None:
        self.compute, self.n = compute, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.compute(k) for k in range(*index.indices(self.n))]
        if not -self.n <= index < self.n:
            raise IndexError(index)
        return self.compute(index % self.n)


@functools.lru_cache(maxsize=8)
def _resolved(path: str) -> Path:
    """A model path with links and relative parts resolved (a few model files per process, so resolved
    once each rather than per document)."""
    return Path(path).resolve()


def _same_model_file(doc: Document, detector) -> bool:
    paths = {p.lm.model_path for p in doc.paragraphs if p.lm is not None}
    if len(paths) != 1 or detector.view.path is None:
        return False
    scored_by = paths.pop()
    return scored_by is not None and _resolved(scored_by) == _resolved(str(detector.view.path))


def _weak_spans(scored, threshold: float) -> list[dict]:
    """The paragraph's strongest spans between WEAK_SPAN_FLOOR and `threshold`, marked weak, in text order."""
    below = [s for s in scored.evidence(WEAK_SPAN_FLOOR) if s["score"] < threshold]
    strongest = sorted(below, key=lambda s: -s["score"])[:MAX_WEAK_SPANS]
    return [dict(s, weak=True) for s in sorted(strongest, key=lambda s: s["start"])]


class SpinSignal:
    """Scores paragraphs and the document for spinning; labels paragraphs above the configured threshold."""

    name = "spin"

    def apply(self, doc: Document, config: Config) -> None:
        if not doc.paragraphs:
            return
        language = doc.language
        if language is None and mostly_english(doc.text):
            language = "en"
        if language != "en":
            doc.spun_flag = False
            doc.spun_score = None
            for paragraph in doc.paragraphs:
                paragraph.spun_score = None
            doc.notes.append(f"spin detector is English-only; not run on language '{doc.language}'")
            return
        from ..spin.detector import default_detector, spin_lm_path

        detector = default_detector(spin_lm_path(config.spin_model_path, config.model_path, config.spin_weights_path),
                                    config.spin_fingerprints, config.spin_weights_path)
        removed = [bool(set(p.labels) & SKIP_LABELS) for p in doc.paragraphs]
        # a spun auto-blog trailer ("Supply hyperlink") is boilerplate, but also a spinner's trace: scored
        texts = [_scored_text(p.text) if not gone or detector.fingerprints.trailer(p.text) else None
                 for p, gone in zip(doc.paragraphs, removed)]
        cut = sum(1 for p, t in zip(doc.paragraphs, texts) if t is not None and len(t) < len(p.text))
        if cut:
            doc.notes.append(f"spin: {cut} paragraph(s) longer than {MAX_SCORED_CHARS:,} characters scored on "
                             f"their first {MAX_SCORED_CHARS:,}")
        same_model = _same_model_file(doc, detector)
        paragraphs, n = doc.paragraphs, len(texts)
        tokens = _PerParagraph(lambda k: _shared_tokens(paragraphs[k], detector, texts[k]), n)
        scores = _PerParagraph(lambda k: _shared_scores(paragraphs[k], detector, texts[k], same_model), n)
        result = detector.document(texts, tokens, screen=config.spin_screen, scores=scores)
        evidence: list[dict] = []
        labels = result.paragraph_labels(config.spun_paragraph_threshold, config.spun_document_threshold,
                                         config.spun_paragraph_threshold_in_spun_document)
        for paragraph, scored, spun, gone in zip(doc.paragraphs, result.paragraphs, labels, removed):
            if scored is None:
                continue
            paragraph.spun_score = round(scored.score, 4)
            spans = scored.evidence(config.spun_span_threshold)
            strong = len(spans)
            # captions: see CAPTION; paragraphs already removed as chrome need no second label
            if spun and not gone and not CAPTION.search(paragraph.text):
                if not spans:
                    spans = _weak_spans(scored, config.spun_span_threshold)
                shown = ", ".join(
                    f"'{s['word']}'" + (f" (for '{s['original']}')" if s.get("original") else "")
                    + ("" if strong else f" {s['score']:.2f}")
                    for s in sorted(spans, key=lambda s: -s["score"])[:5])
                if strong:
                    detail = f"{strong} likely substitution(s): {shown}"
                elif spans:
                    detail = f"accumulated substitution evidence; strongest words, each below the span threshold: {shown}"
                else:   # labelled on a fingerprint span scoring below WEAK_SPAN_FLOOR (never seen)
                    detail = "accumulated substitution evidence"
                paragraph.add("spun", "spin.evidence", detail, scored.score)
            paragraph.spun_spans = spans
            for span in spans[:strong]:   # weak spans stay out of the document's evidence
                evidence.append(dict(span, paragraph=paragraph.index))
        doc.spun_score = round(result.score, 4)
        doc.spun_flag = result.score > config.spun_document_threshold
        evidence.sort(key=lambda s: -s["score"])
        doc.spun_evidence = evidence[:MAX_EVIDENCE]
