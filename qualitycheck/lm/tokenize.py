"""The one tokenisation shared by language-model training, the model build script and scoring.

An n-gram model is only meaningful if the text it scores is cut into tokens exactly as its
training text was. Everything that produces or consumes LM tokens (``models/build.sh`` via
``models/prepare_corpus.py``, ``qualitycheck train-lm``, ``LanguageModel.score_text`` and the spin
detector) goes through :func:`tokenize_with_spans`, so there is a single place to change.

Decisions (repeated in ``models/README.md``):

* Tokens are found on the ORIGINAL text, so each carries (start, end) character offsets into it;
  normalisation is then applied per token, which never moves an offset.
* A word is a run of letters/digits, optionally joined by internal apostrophes (``don't``,
  ``Atlanta's``, ``o'clock`` stay one token). Hyphens split words (``term-end`` -> ``term - end``)
  because hyphenation is inconsistent across sources and a small model cannot afford both forms.
* Hiragana, Katakana and CJK ideographs are one token per character: those scripts put no spaces
  between words, and a user training ``train-lm`` on Chinese or Japanese needs usable units.
* An invisible format character between two letters or digits (soft hyphen, zero-width space or
  joiners, word joiner: ``qualitycheck.textnorm.INVISIBLE_CHARS``) belongs to the word, and normalisation
  drops it (``op\u00adened`` -> ``opened``); elsewhere it is a token of its own, as before.
* Every other non-space character is its own token (punctuation carries sentence structure), except
  that runs of dots and the ellipsis character become a single ``...``.
* Normalisation per token: Unicode NFKC (ligatures, full-width forms), lower case (a small model
  cannot afford separate statistics for ``The``/``the``), typographic quotes/apostrophes/dashes to
  ASCII, and every digit to ``0`` (``1987`` and ``2023`` share statistics while ``0`` vs ``0000``
  still distinguishes a small number from a year).
"""
from __future__ import annotations

import operator
import re
import unicodedata

from ..memo import RecentCache, fill_misses
from ..textnorm import CJK_LETTERS, INVISIBLE_CHARS, drop_invisible

__all__ = ["normalize", "normalize_token", "tokenize", "tokenize_columns", "tokenize_with_spans",
           "TOKENIZER_VERSION"]

# Bump whenever the output of tokenize() changes: models record the version they were built with.
TOKENIZER_VERSION = 4

# Apostrophe-like characters accepted inside a word: ASCII, right single quote, modifier letter.
_APOS = "'\u2019\u02bc"
# Scripts written without spaces between words: each character is a token (a run of them would
# otherwise be one giant "word"). Hiragana, Katakana (also half-width), CJK and compatibility ideographs.
_CJK = CJK_LETTERS
_TOKEN_RE = re.compile(
    rf"[{_CJK}]"                        # one CJK character
    r"|\d+(?:[.,]\d+)+"                 # number with separators: 3,000,000 or 2.5
    # word (apostrophes inside): letters/digits that are not CJK; one negated class, not a per-character
    # lookahead (same tokens, a third faster)
    rf"|[^\W_{_CJK}]+(?:[{_APOS}{INVISIBLE_CHARS}][^\W_{_CJK}]+)*"
    r"|\.{2,}|\u2026"                   # ellipsis as one token
    r"|[^\w\s]|_",                      # any other single visible character
    re.UNICODE,
)

# Typographic variants folded to one ASCII form (after NFKC, which leaves these alone).
_CHAR_MAP = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201a": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
})
_DIGIT_RE = re.compile(r"\d")
# Raw token -> its normalised token(s). Tokens repeat heavily (Zipf), so this halves tokenising time. Bounded
# (qualitycheck.memo): a corpus's vocabulary keeps growing with its size (names, numbers), and an unbounded or
# 500,000-entry memo took tens of MiB of a scan worker's 300 MB budget over 20,000 documents.
# A raw token's entry is its normalised token, or the tuple of them when it has not exactly one (see _pieces).
_CACHE_MAX = 30_000
_CACHE: RecentCache[str, str | tuple[str, ...]] = RecentCache(_CACHE_MAX)
_MATCH_TEXT = operator.itemgetter(0)


def normalize_token(token: str) -> str:
    """Canonical form of one raw token (see module docstring)."""
    if token == "\u2026" or (len(token) > 1 and token.startswith(".")):
        return "..."
    if token.isascii():
        # Fast path (most tokens): NFKC leaves ASCII alone and only the backtick needs mapping.
        t = token.lower() if token != "`" else "'"
    else:
        t = unicodedata.normalize("NFKC", token).translate(_CHAR_MAP).lower()
        if len(t) > 1:   # a word holding invisible characters (alone, one is a token: see the docstring)
            t = drop_invisible(t)
    if not t.isalpha() and any(c.isdigit() for c in t):
        t = _DIGIT_RE.sub("0", t)
    return t


def _pieces(raw: str) -> tuple[str, ...]:
    """Normalised token(s) of one raw token.

    Almost always one. NFKC can expand a character into text that would itself be cut into several
    tokens (``½`` -> ``1⁄2``, ``㏂`` -> ``a.m.``) or into spaces; re-cutting the normalised form keeps
    ``normalize`` a fixed point (training text that is already normalised tokenises the same way).
    """
    tok = normalize_token(raw)
    if raw.isascii():
        return (tok,)
    found = _TOKEN_RE.findall(tok)
    if found == [tok]:
        return (tok,)
    return tuple(normalize_token(t) for t in found)


def _memo_entry(raw: str) -> str | tuple[str, ...]:
    """What the token memo holds for a raw token: its one normalised token, or the tuple when it
    normalises into other than one."""
    pieces = _pieces(raw)
    return pieces[0] if len(pieces) == 1 else pieces


def tokenize_with_spans(text: str) -> list[tuple[str, int, int]]:
    """Normalised tokens with their (start, end) character offsets into ``text`` as given.

    A character that normalises into several tokens gives several tokens with the same span.
    """
    return list(zip(*tokenize_columns(text)))


def tokenize_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """:func:`tokenize_with_spans` as three lists: normalised tokens, starts, ends.

    Built by C-level maps over the regex matches (a Python loop per token took most of the tokenizer's
    time); only raw tokens missing from the memo, and the rare ones that normalise into other than one
    token, are handled one at a time.
    """
    matches = list(_TOKEN_RE.finditer(text))
    raws = list(map(_MATCH_TEXT, matches))
    starts = list(map(re.Match.start, matches))
    ends = list(map(re.Match.end, matches))
    cache = _CACHE
    tokens = list(map(cache.get, raws))
    if None in tokens:
        fill_misses(tokens, raws, cache, _memo_entry)
    if tuple in map(type, tokens):
        # several tokens (or none) for one raw token: each gets the raw token's span
        out_tokens: list[str] = []
        out_starts: list[int] = []
        out_ends: list[int] = []
        for tok, start, end in zip(tokens, starts, ends):
            pieces = (tok,) if type(tok) is str else tok
            out_tokens.extend(pieces)
            out_starts.extend([start] * len(pieces))
            out_ends.extend([end] * len(pieces))
        return out_tokens, out_starts, out_ends
    return tokens, starts, ends


def tokenize(text: str) -> list[str]:
    """Normalised LM tokens of ``text``."""
    return [t for t, _, _ in tokenize_with_spans(text)]


def normalize(text: str) -> str:
    """The text as the language model sees it: normalised tokens joined by single spaces.

    This is the exact line format written to training files (``prepare_corpus.py``,
    ``train-lm``) and fed to KenLM at scoring time.
    """
    return " ".join(tokenize(text))
