"""Per-paragraph perplexity under the language model of the document's language."""
from __future__ import annotations

import functools
from array import array

import numpy as np

from ..config import Config
from ..document import Document
from ..lm.model import ParagraphLM, sidecar_path
from ..lm.tokenize import tokenize_columns

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
        if model.language is None:   # its sidecar is missing or names no language: never applied (no guessing)
            doc.notes.append(f"the language model {model.path} names no language (no \"language\" in "
                             f"{sidecar_path(model.path)}, which train-lm writes beside it): perplexity not computed")
            return
        if not model.covers(doc.language):
            doc.notes.append(f"no language model for '{doc.language}': perplexity not computed")
            return
        score_text = model.score_text
        if model.meta.get("lm_words") == "spoken":
            score_text = functools.partial(score_spoken, _spoken_view(config.model_path or str(model.path)),
                                           str(model.path))
        for paragraph in doc.paragraphs:
            if set(paragraph.labels) & SKIP_LABELS:
                continue
            scored = score_text(paragraph.text)
            paragraph.lm = scored
            paragraph.perplexity = scored.perplexity


def _spoken_view(path: str):
    # the spin detector's loader (imported here: it needs kenlm at import): with --model and no --spin-model
    # the detector asks for the same path, so both signals share one view and its memos
    from ..spin.lmview import load
    return load(path)


def score_spoken(view, model_path: str, text: str) -> ParagraphLM:
    """Score a paragraph under a spoken-word LM (sidecar "lm_words": "spoken", such as models/en-cmu.kenlm)
    as the spin detector reads it: the view's LM words (punctuation skipped, sentence ends as </s>, British
    spellings mapped) and its forward pass, then </s> unless the paragraph ended a sentence. (Scored as
    written, punctuation is unknown to such an LM: dev-set median perplexity 5,240 instead of 994.) Skipped
    tokens get 0.0 and are not counted; the scores are the detector's own, so it may take them instead of
    its forward pass (ParagraphLM.meta["lm_words"])."""
    from ..spin.lmview import SKIP

    tokens, starts, ends = tokenize_columns(text)
    words = view.lm_words(tokens)
    states, scores = view.forward(words)
    used = [w != SKIP for w in words]
    counted = [x for x, u in zip(scores, used) if u]
    last = next((w for w in reversed(words) if w != SKIP), None)
    end = 0.0
    if last is not None and last != "</s>":
        end = view.model.BaseScore(states[-1], "</s>", view.State())
        counted.append(end)
    ppl = float(10.0 ** (-sum(counted) / len(counted))) if counted else None
    known = view.model.__contains__
    return ParagraphLM(tokens=tokens, starts=array("q", starts), ends=array("q", ends),
                       logprobs=np.array(scores + [end], dtype=np.float64),
                       oov=np.array([u and not known(w) for w, u in zip(words, used)] + [False], dtype=bool),
                       ngram_lengths=np.zeros(len(tokens) + 1, dtype=np.int16), perplexity=ppl,
                       meta={"lm_words": "spoken"}, model_path=model_path)
