"""The few language-model operations the spin detector needs, over the project's KenLM model.

The detector asks "how well would word X fit here instead?" many times per paragraph, so it walks the
KenLM state machine directly (one BaseScore call per word) rather than re-scoring whole sentences.
It uses the project's tokenizer and model (qualitycheck.lm) when they exist, and adapts to whether the
model's vocabulary is lower-cased.
"""
from __future__ import annotations

import functools
import itertools
import math
import re
from pathlib import Path
from collections.abc import Callable, Iterable

import kenlm
import numpy as np

from ..memo import RecentCache, fill_misses

ROOT = Path(__file__).resolve().parents[2]
# Entries per memo of a view (token -> LM word, word -> unigram score): bounded, as a corpus's vocabulary grows
# with its size (qualitycheck.memo).
MEMO_SIZE = 30_000
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
        self._unigram: RecentCache[str, float] = RecentCache(MEMO_SIZE)

    # Whether some tokens are invisible to the LM (see SpokenLMView); the base view gives every token to it.
    transparent = False

    def lm_words(self, words: list[str]) -> list[str]:
        """The LM word of each token: the tokens themselves (the project's tokenizer made them)."""
        return words

    def mean_logprob(self, scores: list[float], lm_words: list[str]) -> float:
        """Mean log10 prob of the tokens the LM scored (here: all of them)."""
        return float(np.mean(scores)) if scores else 0.0

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
            hit = self._unigram.put(word, self.model.BaseScore(state, word, out))
        return hit

    def start_state(self, bos: bool = True) -> "kenlm.State":
        """A fresh state before the first word: after <s> (bos) or with no context."""
        state = kenlm.State()
        if bos:
            self.model.BeginSentenceWrite(state)
        else:
            self.model.NullContextWrite(state)
        return state

    def forward(self, words: list[str], bos: bool = True) -> tuple[list["kenlm.State"], list[float]]:
        """States before each word (len(words)+1, the last after all words) and each word's log10 prob."""
        model = self.model
        state = self.start_state(bos)
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
        state, out = self.start_state(lo == 0), kenlm.State()
        for word in words[lo:i]:
            model.BaseScore(state, word, out)
            state, out = out, state
        return state

    def continue_score(self, state: "kenlm.State", words: Iterable[str]) -> float:
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


# Tokens a spoken-style LM (lower-case words, no punctuation, numbers spelled out; e.g. CMU Sphinx's
# generic US-English LM) is given instead of our tokenizer's punctuation: a few symbols read as words.
SPOKEN_WORDS = {"%": "percent", "&": "and"}
# Tokens that end a sentence: scored as </s>, after which the LM starts again from <s>.
SENTENCE_END = frozenset({".", "!", "?", "..."})
# A full stop after these (or after a single letter, "U.S.", "J. K.") marks an abbreviation, not an end.
ABBREVIATIONS = frozenset("mr mrs ms dr st jr sr inc co corp ltd vs gen gov sen rep prof lt col sgt capt "
                          "no mt ft".split())
SKIP = ""   # LM word of a token the spoken LM never sees (other punctuation): transparent to its context


class SpokenLMView(LMView):
    """An LM trained on speech-style text: it never saw punctuation or digits. The detector keeps our
    tokenizer's tokens (spans, fingerprints and the perplexity signal's tokens stay as they are); this view
    maps them to the LM's words: words unchanged, "%" -> "percent", sentence-final punctuation -> </s> (and
    a fresh <s> context after it), other punctuation -> SKIP, which scores 0 and leaves the context as it
    was. Digit tokens ("0000") are unknown to the LM and score as <unk>, which also cuts the context, as
    a spoken number the model cannot read would."""

    transparent = True

    def __init__(self, model: "kenlm.Model", tokenize=None, path: str | None = None,
                 spelling: dict[str, str] | None = None):
        super().__init__(model, tokenize, path)
        self._bos = kenlm.State()
        model.BeginSentenceWrite(self._bos)
        self._map: RecentCache[str, str] = RecentCache(MEMO_SIZE)
        # British-only spelling -> the LM's (American) one: "offence" (unknown to the CMU LM) scored as "offense",
        # so British news is not read as rare words. Only where the LM prefers the American form: it knows
        # "labour" better than "labor" (the party), so that one stays.
        self.spelling = {word: target for word, target in (spelling or {}).items()
                         if self.unigram(target) > self.unigram(word)}

    def norm(self, token: str) -> str:
        word = super().norm(token)
        return self.spelling.get(word, word)

    def lm_words(self, words: list[str]) -> list[str]:
        """The LM word of each token (SKIP for punctuation the LM never saw). Looked up by a C-level map over
        the memo; only tokens missing from it, and full stops (which may end an abbreviation), are handled
        one at a time."""
        memo = self._map
        out = list(map(memo.get, words))
        if None in out:
            fill_misses(out, words, memo, self._lm_word)
        if "." in words:
            # A full stop after an abbreviation or a single letter ("U.S.", "J. K.") does not end the
            # sentence. Each such stop changes only its own LM word and that of the token before it, which
            # is never a stop, so the stops can be handled in any order.
            k = 0
            while True:
                try:
                    k = words.index(".", k + 1)
                except ValueError:
                    break
                prev = words[k - 1]
                if out[k] == "</s>" and (len(prev) == 1 and prev.isalpha() or prev in ABBREVIATIONS):
                    out[k] = SKIP
                    if len(prev) == 1 and out[k - 1] == prev and prev + "." in self.model:
                        out[k - 1] = prev + "."     # a spelled letter, as the LM writes it ("u. s.")
        return out

    def _lm_word(self, w: str) -> str:
        """The LM word of token `w` before the full-stop rule of lm_words."""
        if w[0].isalnum() or w[0] == "'" and len(w) > 1:
            return self.spelling.get(w, w)
        if w in SPOKEN_WORDS:
            return SPOKEN_WORDS[w]
        if w in SENTENCE_END:
            return "</s>"
        return SKIP

    def following(self, lm_words: list[str]) -> list[int]:
        """For each position j, the first position k >= j holding an LM word (len if none)."""
        n = len(lm_words)
        out = [n] * (n + 1)
        nxt = n
        for k in range(n - 1, -1, -1):
            if lm_words[k] != SKIP:
                nxt = k
            out[k] = nxt
        return out

    def mean_logprob(self, scores: list[float], lm_words: list[str]) -> float:
        used = list(itertools.compress(scores, lm_words))   # SKIP is the only empty LM word
        return sum(used) / len(used) if used else 0.0

    def forward(self, words: list[str], bos: bool = True) -> tuple[list["kenlm.State"], list[float]]:
        """As LMView.forward over LM words (lm_words()): SKIP scores 0 and keeps the state; </s> is scored and
        followed by the <s> state."""
        model = self.model
        state = self.start_state(bos)
        states = [state]
        scores = []
        for word in words:
            if word == SKIP:
                scores.append(0.0)
                states.append(state)
                continue
            out = kenlm.State()
            scores.append(model.BaseScore(state, word, out))
            if word == "</s>":
                out = self._bos
            states.append(out)
            state = out
        return states, scores

    def state_before(self, words: list[str], i: int) -> "kenlm.State":
        """The state forward() gives before words[i] (LM words), from the last order-1 LM words before it,
        or from <s> when a sentence end or the paragraph start comes first."""
        model = self.model
        context: list[str] = []
        k = i - 1
        from_bos = True
        while k >= 0:
            w = words[k]
            if w == "</s>":
                break
            if w != SKIP:
                if len(context) == model.order - 1:
                    from_bos = False
                    break
                context.append(w)
            k -= 1
        state, out = self.start_state(from_bos), kenlm.State()
        for word in reversed(context):
            model.BaseScore(state, word, out)
            state, out = out, state
        return state


def read_spelling(path: Path) -> dict[str, str]:
    """A spelling table: "word<TAB>LM spelling" lines, "#" comments (models/spin/us_spelling.tsv)."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, target = line.partition("\t")
            table[word] = target
    return table


def view_for(model: "kenlm.Model", tokenize: Callable[[str], list[tuple[str, int, int]]] | None,
             path: str | None) -> LMView:
    """The view a model file asks for in its sidecar (<model>.json: "lm_words": "spoken", and optionally
    "spelling": a table, relative to the sidecar, of spellings to give the LM instead), else LMView."""
    from ..lm.model import read_sidecar, sidecar_path

    meta = read_sidecar(path) if path else {}
    if meta.get("lm_words") == "spoken":
        spelling = read_spelling(sidecar_path(path).parent / meta["spelling"]) if meta.get("spelling") else None
        return SpokenLMView(model, tokenize, path, spelling)
    return LMView(model, tokenize, path)


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
    from ..lm.model import open_kenlm

    tokenize = None
    try:  # the project's tokenizer keeps LM tokens and our offsets in step
        from ..lm.tokenize import tokenize_with_spans as tokenize  # type: ignore
    except Exception:  # pragma: no cover - LM package not there yet
        tokenize = None
    if model_path:
        return view_for(open_kenlm(model_path), tokenize, model_path)
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
    return LMView(open_kenlm(path), tokenize, str(path))



LN10 = math.log(10)
