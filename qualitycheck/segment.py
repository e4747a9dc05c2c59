"""Split decoded text into paragraphs with exact character offsets.

Blank lines separate blocks. Inside a block each line is its own paragraph (scraped pages
often put one paragraph per line), unless the block is hard-wrapped prose, whose lines
continue one another and are joined. Offsets always index the decoded text:
`paragraph.text == document.text[paragraph.start:paragraph.end]`.
"""
from __future__ import annotations

import re

from .document import Paragraph, RawDocument, Document

_BLOCK_SEP = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
_LINE = re.compile(r"[^\n]+")
# A line also ends at a lone \r (old Mac files) or U+2028 (LINE SEPARATOR, left in text taken from
# JavaScript strings); U+2029 (PARAGRAPH SEPARATOR) ends a block by itself. These patterns are about 3x
# slower than the two above, so they are used only for text that holds such a break.
_LONE_CR = re.compile(r"\r(?!\n)")
_BREAK = rf"(?:\r\n|{_LONE_CR.pattern}|[\n\u2028])"
_ANY_BLOCK_SEP = re.compile(rf"(?:{_BREAK}[ \t\f\v\u00a0]*{_BREAK}|\u2029)\s*")
_ANY_LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_SENTENCE_END = re.compile(r"[.!?:;\"'”’»)\]…]\s*$")
# Hard-wrapped prose rarely exceeds this line width (mail, Usenet and plain-text dumps wrap at 72-80).
_WRAP_WIDTH = 100
# A news article has tens of paragraphs, a long one a few hundred. Files with a million short
# lines (logs, word lists, dumps) are not articles, and some signals compare paragraphs pairwise,
# so beyond this many only the first ones are checked (with a "truncated" note).
MAX_PARAGRAPHS = 5_000
# An auto-blog's ad placeholder ([ad_1], the boilerplate rule autoblog_ad_tag) marks where an ad went
# between two paragraphs; when a page lost the line break around it ("[ad_1]The judges ruled ...") it is
# still a paragraph boundary, so the placeholder becomes a paragraph of its own and the text beside it
# stays article text.
# In any case, as the line rule matches it ('[AD_1]'), and with the doubled brackets of '[[ad_1]]'.
_GLUED_AD_PLACEHOLDER = re.compile(r"\[?\[ad_?\d{1,4}\]\]?", re.IGNORECASE)
# how every placeholder starts, in each case: str.find is a C scan, so the regex runs only on a block holding one
_AD_PREFIXES = ("[ad", "[AD", "[Ad", "[aD")
# A placeholder between an opening and a closing mark ('replaces “[ad_1]” with', '`[ad_2]`') is written about,
# not left by a plugin, so it stays in its sentence; '... he said."[ad_1]"The ruling ...' (a letter or digit
# right after the closing-side mark) is still a boundary.
_MENTION_OPENERS = "\"'“‘«`"
_MENTION_CLOSERS = "\"'”’»`"
_WORD_CHAR = re.compile(r"[^\W_]")


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when the block's lines read as one paragraph broken at a fixed width."""
    if len(lines) < 2:
        return False
    widths = [len(line.strip()) for line in lines]
    if max(widths[:-1]) > _WRAP_WIDTH or min(widths[:-1]) < 25:
        return False
    continuing = 0
    for line, nxt in zip(lines, lines[1:]):
        stripped = line.rstrip()
        if not _SENTENCE_END.search(stripped) or nxt.lstrip()[:1].islower():
            continuing += 1
    return continuing >= max(1, (len(lines) - 1) / 2)


def _has_other_breaks(text: str) -> bool:
    # `in` is a C scan, far cheaper than a regex search over the whole text
    return "\u2028" in text or "\u2029" in text or ("\r" in text and _LONE_CR.search(text) is not None)


def _spans(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim whitespace from text[start:end]; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def split_paragraphs(text: str, limit: int | None = None) -> list[Paragraph]:
    """Paragraphs of `text`, in order, with offsets into `text`; at most `limit` + 1 of them
    when a limit is given (the extra one tells the caller that the text went on)."""
    paragraphs: list[Paragraph] = []
    text_len = len(text)
    block_sep, line = (_ANY_BLOCK_SEP, _ANY_LINE) if _has_other_breaks(text) else (_BLOCK_SEP, _LINE)
    block_start = 0
    bounds: list[tuple[int, int]] = []
    for sep in block_sep.finditer(text):
        bounds.append((block_start, sep.start()))
        block_start = sep.end()
    bounds.append((block_start, text_len))
    # the placeholder checks run per block and per paragraph only in the rare text holding one
    has_ads = _holds_ad_prefix(text, 0, text_len)

    for b_start, b_end in bounds:
        # finditer with pos/endpos gives offsets into the whole text
        lines = [(m.start(), m.end()) for m in line.finditer(text, b_start, b_end) if m.group().strip()]
        if not lines:
            continue
        line_texts = [text[s:e] for s, e in lines]
        # a placeholder line between wrapped lines is cut out below, so it does not break the wrap
        wrap_test = line_texts
        if has_ads and _holds_ad_prefix(text, b_start, b_end):
            wrap_test = [t for t in line_texts if not _GLUED_AD_PLACEHOLDER.fullmatch(t.strip())]
        if _is_hard_wrapped(wrap_test):
            groups = [(lines[0][0], lines[-1][1])]
        else:
            groups = lines
        for g_start, g_end in groups:
            pieces = _split_at_ad_placeholders(text, g_start, g_end) if has_ads else ((g_start, g_end),)
            for p_start, p_end in pieces:
                span = _spans(text, p_start, p_end)
                if span:
                    paragraphs.append(Paragraph(index=len(paragraphs), start=span[0], end=span[1],
                                                text=text[span[0]:span[1]]))
                    if limit is not None and len(paragraphs) > limit:
                        return paragraphs
    return paragraphs


def _holds_ad_prefix(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may hold an ad placeholder (see _AD_PREFIXES)."""
    return any(text.find(prefix, start, end) >= 0 for prefix in _AD_PREFIXES)


def _split_at_ad_placeholders(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] cut before and after each ad placeholder glued to words ([ad_1]The judges ...), but not
    one written about between quotation marks (_MENTION_OPENERS). Brackets, spaces or punctuation around a
    placeholder ('[[ad_1]]') stay with it."""
    if not _holds_ad_prefix(text, start, end):
        return [(start, end)]
    bounds = [start]
    for m in _GLUED_AD_PLACEHOLDER.finditer(text, start, end):
        a, b = m.start(), m.end()
        if (a > start and b < end and text[a - 1] in _MENTION_OPENERS and text[b] in _MENTION_CLOSERS
                and not (b + 1 < end and text[b + 1].isalnum())):
            continue
        bounds += [a, b]
    bounds.append(end)
    pieces: list[list] = []   # [start, end, holds words]
    for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
        words = i % 2 == 0 and _WORD_CHAR.search(text, a, b) is not None
        if pieces and not words and not pieces[-1][2]:
            pieces[-1][1] = b
        else:
            pieces.append([a, b, words])
    return [(a, b) for a, b, _ in pieces]


def segment(raw: RawDocument, max_paragraphs: int = MAX_PARAGRAPHS) -> Document:
    """Turn a RawDocument into a Document with paragraphs (none when the read failed).

    Only the first `max_paragraphs` paragraphs are kept; the text after them is left out of
    the paragraphs (and so of clean_text) and a "truncated" note says so.
    """
    notes = list(raw.notes)
    paragraphs = split_paragraphs(raw.text, max_paragraphs) if raw.error is None else []
    if len(paragraphs) > max_paragraphs:
        cut = paragraphs[max_paragraphs].start
        paragraphs = paragraphs[:max_paragraphs]
        notes.append(f"truncated: more than {max_paragraphs} paragraphs, checked the first {max_paragraphs} "
                     f"(text from character {cut} on is not checked)")
    return Document(id=raw.id, path=raw.path, text=raw.text, paragraphs=paragraphs,
                    encoding=raw.encoding, error=raw.error, notes=notes,
                    content_hash=raw.content_hash, metadata=dict(raw.metadata))
