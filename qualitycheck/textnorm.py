"""Small text normalisations shared by the signals (one place, so every rule sees the same text)."""
from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u200b": "",
})
_SPACE = re.compile(r"\s+")
_EDGE_JUNK = " \t-–—•·|>»›→:.!*#"


def fold_quotes(text: str) -> str:
    """Curly quotes, dashes and no-break spaces to their plain forms."""
    return text.translate(_QUOTES)


def collapse_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def normalize_line(text: str) -> str:
    """A paragraph as a chrome rule sees it: casefolded, plain quotes, single spaces,
    leading bullets and trailing punctuation trimmed ("- Advertisement -" -> "advertisement")."""
    line = collapse_space(fold_quotes(text)).casefold()
    return line.strip(_EDGE_JUNK)


def normalize_for_compare(text: str) -> str:
    """Key for duplicate detection: NFKC, casefold, plain quotes, no spacing differences."""
    text = unicodedata.normalize("NFKC", text)
    return collapse_space(fold_quotes(text)).casefold()
