"""Small text normalisations shared by the signals (one place, so every rule sees the same text)."""
from __future__ import annotations

import re
import unicodedata

# Invisible format characters that scraped text carries inside words: soft hyphens (hyphenation hints),
# zero-width space, non-joiner and joiner, word joiner, and a byte-order mark left mid-text. Signals read
# words without them ("op\u00adened" is "opened"); the text itself, and so every offset, keeps them.
INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE_CHARS))
# Scripts written without spaces between words, as a character class body: Hiragana, Katakana (also
# half-width), CJK and compatibility ideographs. The LM tokenizer cuts them one character a token, and the
# language signal counts their runs by characters.
CJK_LETTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"


def drop_invisible(text: str) -> str:
    """`text` without INVISIBLE_CHARS (for measuring words; never for text a report shows)."""
    # (six substring tests cost well under a microsecond; translate over a paragraph costs tens)
    if text.isascii() or not any(char in text for char in INVISIBLE_CHARS):
        return text
    return text.translate(_DROP_INVISIBLE)


_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ", **dict.fromkeys(INVISIBLE_CHARS, ""),
})
_SPACE = re.compile(r"\s+")
_EDGE_JUNK = " \t-–—•·|>»›→:.!*#"
# Arrows, guillemets, menu and share icons, emoji (with their variation selector and joiner) around a button
# label: "Next Post »", "« Previous", "Top ↑", "☰ Menu", "Trending now 🔥", "Subscribe ✉️". Stripped before
# quotes are folded, since folding turns guillemets into '"' (which a line may legitimately end with).
_EDGE_SYMBOL_RANGES = ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x25A0, 0x27BF), (0x27F0, 0x27FF), (0x2900, 0x297F),
                      (0x2B00, 0x2BFF), (0xFE0F, 0xFE0F), (0x200D, 0x200D), (0x1F000, 0x1FAFF))


def _is_edge_symbol(char: str) -> bool:
    code = ord(char)
    return char.isspace() or char in "«»‹›" or any(low <= code <= high for low, high in _EDGE_SYMBOL_RANGES)


def strip_edge_symbols(text: str) -> str:
    """`text` without arrows, guillemets, icons and emoji (or spaces) at either end."""
    start, end = 0, len(text)
    while start < end and _is_edge_symbol(text[start]):
        start += 1
    while end > start and _is_edge_symbol(text[end - 1]):
        end -= 1
    return text[start:end]


def fold_quotes(text: str) -> str:
    """Curly quotes, dashes and no-break spaces to their plain forms."""
    return text.translate(_QUOTES)


def collapse_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def normalize_line(text: str) -> str:
    """A paragraph as a chrome rule sees it: casefolded, plain quotes, single spaces,
    leading bullets and trailing punctuation trimmed ("- Advertisement -" -> "advertisement"), arrows and
    icons at either end too ("Next Post »" -> "next post")."""
    return normalize_line_cased(text).casefold()


def normalize_line_cased(text: str) -> str:
    """normalize_line without the casefolding, for the few rules that need a capital letter (a site's name
    after 'Also on', where 'Also on the panel: ...' is prose). Casefolding only changes letters, so
    normalize_line(text) == normalize_line_cased(text).casefold()."""
    return collapse_space(fold_quotes(strip_edge_symbols(text.strip(_EDGE_JUNK)))).strip(_EDGE_JUNK)


# What the duplicate key treats as spacing: Unicode punctuation (categories P*), '|', the backtick and acute
# accent _QUOTES folds to an apostrophe, and the minus sign it folds to a hyphen. Marks (Mn, Mc) are parts of
# letters and stay, so words of Indic or Thai script that differ by a vowel sign stay different.
_EXTRA_PUNCTUATION = "|`\u00b4\u2212"


def _punctuation_chars() -> list[str]:
    return [chr(c) for c in range(0x10000) if unicodedata.category(chr(c))[0] == "P"] + list(_EXTRA_PUNCTUATION)


_PUNCTUATION_CHARS = _punctuation_chars()
_PUNCTUATION = re.compile("[" + "".join(re.escape(ch) for ch in _PUNCTUATION_CHARS) + "]+")
# str.translate has a fast path for ASCII text with an ASCII table, ten times quicker than the regex there.
_ASCII_PUNCTUATION = str.maketrans({ch: " " for ch in _PUNCTUATION_CHARS if ch.isascii()})


def compare_key(text: str) -> str:
    """Key for duplicate detection: NFKC, casefold, punctuation as spacing, single spaces. Repeats that differ
    in case, spacing, quote style, a trailing full stop or a separator ('Title - Site', 'Title | Site')
    compare alike; numbers keep their parts apart ('2-1' is '2 1', not '21')."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        text = text.translate(_ASCII_PUNCTUATION)
    else:
        text = _PUNCTUATION.sub(" ", drop_invisible(text))
    return " ".join(text.casefold().split())
