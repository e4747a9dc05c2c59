"""N-gram language model access: per-token log-probabilities and perplexity for a paragraph.

Catches text that is unlike ordinary edited prose. Spun (synonym-swapped) text is full of word
sequences a model of real writing finds improbable, so per-token log10 probabilities, which n-gram
order matched and which words are out of vocabulary, are what the spin detector builds on; the
paragraph perplexity goes into every report.

The model is a KenLM file (binary, memory-mapped so parallel worker processes share one copy of the
pages, or ARPA / ARPA.gz as written by ``qualitycheck train-lm``). A JSON sidecar ``<model>.json``
records the language and tokenizer version the model was built with. A model whose sidecar names no
language is applied to no document: the pipeline must not guess a model's language.
"""
from __future__ import annotations

import functools
import json
import os
import threading
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .tokenize import TOKENIZER_VERSION, tokenize_columns

__all__ = [
    "DEFAULT_MODEL_NAME", "MODELS_DIR", "ParagraphLM", "LanguageModel", "ModelNotFound",
    "default_model", "get_model", "resolve_model_path",
]

DEFAULT_MODEL_NAME = "en.kenlm"
# <repo>/models, found relative to the package so a source checkout works without installation.
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
ENV_VAR = "QUALITYCHECK_MODEL"


class ModelNotFound(FileNotFoundError):
    """No model file where one was asked for (or none shipped)."""


@dataclass
class ParagraphLM:
    """Language-model view of one paragraph.

    ``tokens`` with ``starts``/``ends`` are the shared tokenisation (offsets into the original paragraph
    text, kept as compact arrays: as (start, end) tuples they were ~120 bytes a token, 46 MiB for a
    2,000,000-character document); ``spans`` gives them as pairs.
    ``logprobs``, ``oov`` and ``ngram_lengths`` have one entry per token plus a final entry for the
    end-of-sentence marker ``</s>``. ``perplexity`` is ``10 ** -mean(logprobs)`` (KenLM's definition,
    OOVs included); ``None`` when the paragraph has no tokens.
    """

    tokens: list[str]
    starts: array
    ends: array
    logprobs: np.ndarray
    oov: np.ndarray
    ngram_lengths: np.ndarray
    perplexity: float | None
    meta: dict = field(default_factory=dict)
    model_path: str | None = None     # the model file that gave these scores

    @property
    def spans(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends))

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)

    @property
    def oov_rate(self) -> float:
        return float(self.oov[:-1].mean()) if self.tokens else 0.0


def resolve_model_path(path: str | os.PathLike | None = None) -> Path:
    """Explicit path, else ``$QUALITYCHECK_MODEL``, else the shipped ``models/en.kenlm``."""
    if path is None:
        path = os.environ.get(ENV_VAR) or (MODELS_DIR / DEFAULT_MODEL_NAME)
    p = Path(path).expanduser()
    if not p.is_file():
        raise ModelNotFound(f"language model not found: {p}")
    return p.resolve()


def sidecar_path(model_path: str | os.PathLike) -> Path:
    return Path(str(model_path) + ".json")


def read_sidecar(model_path: str | os.PathLike) -> dict:
    p = sidecar_path(model_path)
    if p.is_file():
        return json.loads(p.read_text(encoding="utf-8"))
    return {}


class LanguageModel:
    """A loaded n-gram model plus the shared tokenizer. Thread-safe for scoring (KenLM is)."""

    def __init__(self, kenlm_model, path: Path, meta: dict) -> None:
        self._m = kenlm_model
        self.path = path
        self.meta = meta
        self.order: int = int(kenlm_model.order)
        # None = unknown: such a model is never applied (no guessing).
        self.language: str | None = meta.get("language")

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, language: str | None = None,
             *, cached: bool = True) -> "LanguageModel":
        """Open a KenLM binary or ARPA(.gz) file; ``language`` overrides the sidecar's.

        Loads once per process: later calls with the same file (same path, size and modification
        time of the model and its sidecar) and ``language`` return the same object, so a caller may
        call ``load`` per document without re-reading an ARPA file each time. ``cached=False`` always
        opens the file anew.
        """
        p = resolve_model_path(path)
        if not cached:
            return cls._open(p, language)
        key = (p, _file_stamp(p), _file_stamp(sidecar_path(p)), language)
        with _lock:
            m = _cache.get(key)
            if m is None:
                m = _cache[key] = cls._open(p, language)
            return m

    @classmethod
    def _open(cls, p: Path, language: str | None) -> "LanguageModel":
        meta = read_sidecar(p)
        if language is not None:
            meta["language"] = language
        tv = meta.get("tokenizer_version")
        if tv is not None and int(tv) != TOKENIZER_VERSION:
            raise ValueError(
                f"{p} was built with tokenizer version {tv}, this code uses {TOKENIZER_VERSION}; "
                "rebuild the model (models/build.sh or qualitycheck train-lm)")
        return cls(open_kenlm(p), p, meta)

    def covers(self, language: str | None) -> bool:
        """Whether this model may score text of ``language`` (exact ISO code match only)."""
        return self.language is not None and language == self.language

    # -- scoring ------------------------------------------------------------------------------------
    def score_tokens(self, tokens: list[str], bos: bool = True, eos: bool = True) -> np.ndarray:
        """log10 probability of each token (plus ``</s>`` when ``eos``) given its left context."""
        lp, _, _ = self._full(tokens, bos, eos)
        return lp

    def _full(self, tokens: list[str], bos: bool, eos: bool):
        if not tokens and not eos:
            return np.empty(0), np.empty(0, dtype=np.int16), np.empty(0, dtype=bool)
        lp, lens, oov = zip(*self._m.full_scores(" ".join(tokens), bos=bos, eos=eos))
        if len(lp) != len(tokens) + (1 if eos else 0):
            # KenLM splits on whitespace: a token containing any would shift every score.
            raise ValueError("tokens must be non-empty and contain no whitespace "
                             "(use qualitycheck.lm.tokenize.tokenize)")
        return (np.array(lp, dtype=np.float64), np.array(lens, dtype=np.int16),
                np.array(oov, dtype=bool))

    def score_text(self, text: str) -> ParagraphLM:
        """Tokenise ``text`` with the shared tokenizer and score it as one sentence (<s> ... </s>)."""
        tokens, starts, ends = tokenize_columns(text)
        starts, ends = array("q", starts), array("q", ends)
        lp, lens, oov = self._full(tokens, True, True)
        ppl = float(10.0 ** (-lp.mean())) if tokens else None
        return ParagraphLM(tokens=tokens, starts=starts, ends=ends, logprobs=lp, oov=oov,
                           ngram_lengths=lens, perplexity=ppl, model_path=str(self.path))

    def perplexity(self, text: str) -> float | None:
        return self.score_text(text).perplexity

    # -- vocabulary -----------------------------------------------------------------------------------
    def contains(self, word: str) -> bool:
        """Whether the (already normalised) token is in the model's vocabulary."""
        return word in self._m

    def unigram_logprob(self, word: str) -> float:
        """log10 unigram probability of a normalised token (the <unk> probability if unknown)."""
        return _unigram_cached(self._m, word)

    def __reduce__(self):
        # KenLM objects cannot be pickled; a worker process re-opens the file instead (memory-mapped,
        # so this is cheap and the pages stay shared).
        return (_restore, (str(self.path), self.language))

    def __repr__(self) -> str:
        return f"LanguageModel({str(self.path)!r}, order={self.order}, language={self.language!r})"


@functools.lru_cache(maxsize=200_000)
def _unigram_cached(kenlm_model, word: str) -> float:
    # With no context (bos=False) KenLM's first score is the unigram probability.
    if not word or any(c.isspace() for c in word):
        raise ValueError(f"not a single token: {word!r}")
    s, _, _ = next(iter(kenlm_model.full_scores(word, bos=False, eos=False)))
    return float(s)


def open_kenlm(path: str | os.PathLike) -> "kenlm.Model":
    """A KenLM file memory-mapped with pages faulted in as first used: fast start, pages shared between
    workers, and none resident that a run never touches (KenLM's default reads the whole file in, 17 MiB per
    scan worker for the CMU model before any document). Both signals' models open this way."""
    import kenlm  # imported here so that tokenisation works without the extension

    config = kenlm.Config()
    config.load_method = kenlm.LoadMethod.LAZY
    return kenlm.Model(str(path), config)


def _restore(path: str, language: str | None) -> "LanguageModel":
    m = LanguageModel.load(path)
    return m if m.language == language else LanguageModel.load(path, language=language)


def _file_stamp(p: Path) -> tuple[int, int] | None:
    try:
        st = p.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)


_lock = threading.Lock()
_cache: dict[tuple, LanguageModel] = {}


def get_model(path: str | os.PathLike | None = None) -> LanguageModel:
    """The model at ``path`` (None: the default), loaded once per process. Same as ``LanguageModel.load``."""
    return LanguageModel.load(path)


def default_model() -> LanguageModel:
    """The shipped (or ``$QUALITYCHECK_MODEL``) model, loaded once per process."""
    return LanguageModel.load(None)
