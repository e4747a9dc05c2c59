"""The few language-model operations the spin detector needs, over the project's KenLM model.

The detector asks "how well would word X fit here instead?" many times per paragraph, so it walks the
KenLM state machine directly (one BaseScore call per word) rather than re-scoring whole sentences.
It uses the project's tokenizer and model (qualitycheck.lm) when they exist, and adapts to whether the
model's vocabulary is lower-cased.
"""
from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import Callable

import kenlm

ROOT = Path(__file__).resolve().parents[2]
_FALLBACK_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*|[^\sA-Za-z\d]")


def _fallback_tokenize(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _FALLBACK_TOKEN.finditer(text)]


class LMView:
    """KenLM model plus tokenizer: per-token scores with states, and cheap re-scoring of alternatives."""

    def __init__(self, model: "kenlm.Model", tokenize: Callable[[str], list[tuple[str, int, int]]] | None = None,
                 path: str | None = None):
        self.model = model
        self.path = path
        self.tokenize_raw = tokenize or _fallback_tokenize
        self.lower = ("the" in model) and ("The" not in model)
        # the project's tokenizer already returns normalised LM tokens; the fallback returns raw text
        self.pre_normalised = tokenize is not None
        self.State = kenlm.State
        self._unigram: dict[str, float] = {}

    def norm(self, token: str) -> str:
        token = token.replace("’", "'")
        return token.lower() if self.lower else token

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """(LM token, start, end) with offsets into `text`; the surface form is text[start:end]."""
        if self.pre_normalised:
            return self.tokenize_raw(text)
        return [(self.norm(t), s, e) for t, s, e in self.tokenize_raw(text)]

    def contains(self, word: str) -> bool:
        return word in self.model

    def unigram(self, word: str) -> float:
        """log10 P(word) with no context (the <unk> probability for unknown words)."""
        hit = self._unigram.get(word)
        if hit is None:
            state, out = kenlm.State(), kenlm.State()
            self.model.NullContextWrite(state)
            hit = self.model.BaseScore(state, word, out)
            self._unigram[word] = hit
        return hit

    def forward(self, words: list[str], bos: bool = True) -> tuple[list["kenlm.State"], list[float]]:
        """States before each word (len(words)+1, the last after all words) and each word's log10 prob."""
        model = self.model
        state = kenlm.State()
        if bos:
            model.BeginSentenceWrite(state)
        else:
            model.NullContextWrite(state)
        states = [state]
        scores = []
        for word in words:
            out = kenlm.State()
            scores.append(model.BaseScore(state, word, out))
            states.append(out)
            state = out
        return states, scores

    def state_before(self, words: list[str], i: int) -> "kenlm.State":
        """The state forward() would give before words[i], from the last order-1 words only: a KenLM
        state holds at most order-1 words of context, so walking just those (from <s> when they reach
        the start) gives the same state and the same scores (checked on 46,793 positions of the bench
        corpus: identical states and next-word scores)."""
        model = self.model
        lo = max(0, i - (model.order - 1))
        state, out = kenlm.State(), kenlm.State()
        if lo == 0:
            model.BeginSentenceWrite(state)
        else:
            model.NullContextWrite(state)
        for word in words[lo:i]:
            model.BaseScore(state, word, out)
            state, out = out, state
        return state

    def continue_score(self, state: "kenlm.State", words) -> float:
        """log10 prob of `words` following `state`."""
        model = self.model
        total = 0.0
        a, b = kenlm.State(), kenlm.State()
        model_score = model.BaseScore
        first = True
        for word in words:
            total += model_score(state if first else a, word, b)
            a, b = b, a
            first = False
        return total


def _find_kenlm(obj) -> "kenlm.Model | None":
    if isinstance(obj, kenlm.Model):
        return obj
    for name in ("model", "kenlm", "_model", "lm", "_kenlm"):
        inner = getattr(obj, name, None)
        if isinstance(inner, kenlm.Model):
            return inner
    for value in getattr(obj, "__dict__", {}).values():
        if isinstance(value, kenlm.Model):
            return value
    return None


@functools.lru_cache(maxsize=4)
def load(model_path: str | None = None) -> LMView:
    """The project's default LM (or the KenLM file at model_path), loaded once per process."""
    tokenize = None
    try:  # the project's tokenizer keeps LM tokens and our offsets in step
        from ..lm.tokenize import tokenize_with_spans as tokenize  # type: ignore
    except Exception:  # pragma: no cover - LM package not there yet
        tokenize = None
    if model_path:
        return LMView(kenlm.Model(model_path), tokenize, model_path)
    try:
        from ..lm.model import default_model  # type: ignore
        lm = default_model()
        model = _find_kenlm(lm)
        if model is not None:
            return LMView(model, tokenize, getattr(lm, "path", None))
    except Exception:
        pass
    path = ROOT / "models" / "en.kenlm"
    if not path.exists():
        raise FileNotFoundError(f"no language model at {path}; build it (see models/) or set model_path")
    return LMView(kenlm.Model(str(path)), tokenize, str(path))


LN10 = math.log(10)
