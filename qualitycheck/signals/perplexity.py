"""Per-paragraph perplexity under the language model of the document's language."""
from __future__ import annotations

from ..config import Config
from ..document import Document

# Labels whose paragraphs are not article prose; scoring them would only waste time.
SKIP_LABELS = frozenset({"boilerplate", "ad_marker", "off_language"})


class PerplexitySignal:
    """Fills `paragraph.perplexity` (and `paragraph.lm`, the per-token scores) for prose
    paragraphs of documents whose language has a model. It adds no flags itself: perplexity
    alone separates spun from clean news poorly, so it is evidence for the spin signal and
    a number for reviewers. Documents in a language without a model get a note, not a guess.
    """

    name = "perplexity"

    def apply(self, doc: Document, config: Config) -> None:
        from ..lm.model import get_model

        if not doc.paragraphs:
            return
        model = get_model(config.model_path)
        if doc.language is None:
            doc.notes.append("document language undetermined: perplexity not computed")
            return
        if not model.covers(doc.language):
            doc.notes.append(f"no language model for '{doc.language}': perplexity not computed")
            return
        for paragraph in doc.paragraphs:
            if set(paragraph.labels) & SKIP_LABELS:
                continue
            scored = model.score_text(paragraph.text)
            paragraph.lm = scored
            paragraph.perplexity = scored.perplexity
