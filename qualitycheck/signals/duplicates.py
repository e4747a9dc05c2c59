"""Where within-document duplicates are decided."""
from __future__ import annotations

import bisect
import math
import re

from ..config import Config
from ..document import Document, Paragraph
from ..textnorm import compare_key
from .boilerplate import CHROME_LABELS

# Shorter repeats ("Photo", "Share") are chrome, handled by the boilerplate rules, not duplicates.
MIN_DUPLICATE_CHARS = 20
# A repeat that adds a photo credit ("... June 19, 2024. Gavriil Grigorov/Sputnik") still
# repeats the caption: the earlier paragraph must cover this share of the later one.
PREFIX_COVER = 0.6
# A repeat that adds or drops a tail of at most this many characters (a credit, a site name after a page
# title) is looked for in both directions; a longer tail only as an added suffix covered PREFIX_COVER.
TAIL_MAX_CHARS = 80
# A tail that is a photo credit makes a repeat whatever share of the paragraph it is ("Divers at the wreck."
# and "Divers at the wreck. (Photo: Jane Smith/Getty Images)"). On the compare key: no punctuation, lower case.
_CREDIT_WORDS = (r"photos?|photograph(?:y|s)?|pictures?|pics?|images?|credits?|courtesy|illustration|copyright|source")
_AGENCIES = (r"ap|ap photo|afp|reuters|getty|getty images|epa|epa efe|pa|pa media|pa wire|shutterstock|alamy|"
             r"bloomberg|xinhua|anadolu|nurphoto|istock|istockphoto|supplied|handout|file photo")
_CREDIT_START = re.compile(rf"(?:©|(?:{_CREDIT_WORDS}|{_AGENCIES})\b)")
_AGENCY_END = re.compile(rf"\s(?:{_AGENCIES})\Z")
# A later paragraph that goes on from an earlier one with at least this many more words (not a credit) is the
# fuller copy: a teaser or headline followed by the whole paragraph. The earlier one is then the duplicate, so
# the cleaned text keeps the added sentences. Title suffixes and bylines ('Island Times', 'Gavriil
# Grigorov/Sputnik', 'The New York Times') are names of a few words and keep the later copy the duplicate.
CONTINUATION_MIN_WORDS = 6
# A pull quote repeats a passage from inside a longer paragraph, so it is not found as a prefix or a suffix (it is
# ContainedPassageSignal's, which runs after the language signal): a paragraph that is one quotation (an attribution
# of at most QUOTE_ATTRIBUTION_CHARS may follow it) of at least PULL_QUOTE_MIN_WORDS words, found at word boundaries
# inside another paragraph, is its duplicate, whichever comes first. An unquoted paragraph needs CONTAINED_MIN_WORDS
# words (a highlighted sentence repeated from the body). The first paragraph (the title) is never one, quoted or
# not, as a headline's words may open the lead ('‘We will not let the island be cut off,’ says harbour master'
# above a lead that quotes her).
PULL_QUOTE_MIN_WORDS = 5
CONTAINED_MIN_WORDS = 12
QUOTE_ATTRIBUTION_CHARS = 60
# Pull quotes are looked for with one substring search per candidate over all paragraphs; on a page of
# thousands of quoted comments that is quadratic, so only the first candidates are tried.
MAX_CONTAINED_CANDIDATES = 200
# A quotation in double marks ends at a double mark, one in single marks at a single mark, so the apostrophe of a
# plural possessive in its attribution ('said the ferry workers’ union') does not end it. A closing mark with a
# letter or digit right after it is an apostrophe inside a word ('council’s', 'rock ’n’ roll'), not the end of the
# quotation: '‘Tis the season ... the council’s budget is tight, wrote one resident' is not a quotation with an
# attribution.
_DOUBLE_CLOSERS, _SINGLE_CLOSERS = "\"”»“", "’'‘"
_DOUBLE_CLOSING = re.compile(f"[{re.escape(_DOUBLE_CLOSERS)}](?![^\\W_])")
_SINGLE_CLOSING = re.compile(f"[{re.escape(_SINGLE_CLOSERS)}](?![^\\W_])")
# a quotation's closing marks, by its opening mark
_CLOSING_QUOTE = {**dict.fromkeys("\"“«„", _DOUBLE_CLOSING), **dict.fromkeys("‘'‚", _SINGLE_CLOSING)}
# An attribution is one clause ('she said.', '- Jane Smith'); one that goes on after a sentence end ('she said.
# The mayor agreed.') holds words of its own, which the paragraph would lose as a pull quote.
_SENTENCE_GOES_ON = re.compile(r"[.!?…][\"”’')\]]*\s+\w")
# Paragraphs already called site chrome or an ad slot (CHROME_LABELS) are not duplicates as well: 'Story continues
# below advertisement' three times on a page is three ad markers, and two labels would count its characters twice
# in the document score.


def _tail_starts(key: str) -> list[tuple[int, bool]]:
    """The word boundaries of `key` whose tail is at most TAIL_MAX_CHARS and whose prefix is at least
    MIN_DUPLICATE_CHARS, each with whether its tail is a photo credit ('photo jane smith', 'reuters jane doe',
    'jane smith getty images')."""
    start = max(MIN_DUPLICATE_CHARS, len(key) - TAIL_MAX_CHARS - 1)
    ends_with_agency = _AGENCY_END.search(key, start) is not None
    out = []
    position = key.find(" ", start)
    while position != -1:
        out.append((position, ends_with_agency or _CREDIT_START.match(key, position + 1) is not None))
        position = key.find(" ", position + 1)
    return out


def _credit_tails(key: str, tails: list[tuple[int, bool]]) -> list[int]:
    """The boundaries among `tails` where a credit begins ('photo jane smith ap', 'reuters'), with the part
    before them at least PREFIX_COVER of the key: two captions that differ only there are one caption."""
    return [n for n, credit in tails
            if credit and n >= PREFIX_COVER * len(key) and _CREDIT_START.match(key, n + 1) is not None]


def _continues(key: str, prefix_length: int, tails: list[tuple[int, bool]]) -> bool:
    """Whether `key` goes on from its first `prefix_length` characters with words of its own: at least
    CONTINUATION_MIN_WORDS of them, and not a photo credit."""
    if any(credit for n, credit in tails if n == prefix_length):
        return False
    return key.count(" ", prefix_length) >= CONTINUATION_MIN_WORDS


def _key(paragraph: Paragraph) -> str:
    """The paragraph's compare_key, computed once for both passes."""
    if paragraph.duplicate_key is None:
        paragraph.duplicate_key = compare_key(paragraph.text)
    return paragraph.duplicate_key


def _quotation(text: str) -> str | None:
    """The quoted words of a paragraph that is one quotation, perhaps followed by a short attribution
    ('"We cannot keep the libraries open," - Jane Smith'); None for any other paragraph."""
    text = text.strip()
    closing = _CLOSING_QUOTE.get(text[:1])
    if closing is None:
        return None
    end = max((m.start() for m in closing.finditer(text, 1)), default=-1)
    if end < 0 or len(text) - end - 1 > QUOTE_ATTRIBUTION_CHARS or _SENTENCE_GOES_ON.search(text, end + 1):
        return None
    inner = text[1:end]
    return inner if not any(q in inner for q in "\"“”") else None   # two quotations, or a quote in a sentence


class DuplicateSignal:
    """Flags paragraphs that repeat an earlier paragraph of the same document.

    Scraped pages repeat titles (page title and headline), photo captions (alt text and
    caption) and pull quotes; the repeat adds nothing and skews n-gram statistics. Compared
    after folding case, quotes, punctuation and spacing; a repeat that only appends a short
    credit to an earlier paragraph counts too, and so does one that drops the credit or site name
    the earlier one had. A prefix ends at a word: 'on Monday' is not repeated by 'on Mondays and
    Fridays'. The first occurrence is kept, except when the later one goes on with words of its own (a
    teaser, then the full paragraph): then the shorter, earlier one is the duplicate, so that no sentence
    is lost from the cleaned text.
    """

    name = "duplicate"

    def apply(self, doc: Document, config: Config) -> None:
        seen: dict[str, int] = {}
        # Earlier keys less a short tail that makes a repeat (a credit, or a tail of at most 40%), by hash
        # (a paragraph has up to TAIL_MAX_CHARS / 2 of them; kept as text, 5,000 long paragraphs of short words
        # would hold hundreds of MB): a later paragraph equal to one of them repeats that paragraph less its tail.
        stems: dict[int, tuple[int, int]] = {}
        # Lengths of the earlier keys, by their first MIN_DUPLICATE_CHARS characters: an earlier paragraph
        # this one repeats with a suffix is its own first `length` characters, for one of those lengths, so
        # it is found by lookups in `seen` (comparing with every earlier key of the same head was quadratic
        # on a page of thousands of comments that all start alike).
        lengths_by_head: dict[str, list[int]] = {}
        # Earlier keys less a tail that opens with a credit ('photo ...', 'reuters', 'getty images'), by hash: a
        # later paragraph that is one of them plus another credit repeats that caption ('... Photo: AP' after
        # '... Photo: Jane Smith/AP', '... (Reuters)' after '... (Getty Images)').
        credit_stems: dict[int, int] = {}
        by_index = {paragraph.index: paragraph for paragraph in doc.paragraphs}
        for paragraph in doc.paragraphs:
            if any(paragraph.has(label) for label in CHROME_LABELS):
                continue
            key = _key(paragraph)
            if len(key) < MIN_DUPLICATE_CHARS:
                continue
            if key in seen:
                paragraph.add("duplicate", "exact_repeat", f"repeats paragraph {seen[key]}")
                continue
            tails = _tail_starts(key)
            credit_tails = _credit_tails(key, tails) if any(credit for _, credit in tails) else []
            prior = self._with_suffix(key, tails, seen, lengths_by_head)
            if prior is not None:
                prior_index, prior_length = prior
                if _continues(key, prior_length, tails):
                    earlier = by_index[prior_index]
                    if not earlier.has("duplicate"):
                        earlier.add("duplicate", "repeated_with_more",
                                    f"repeated at the start of paragraph {paragraph.index}, which goes on for "
                                    f"{len(key) - prior_length} more characters")
                else:
                    paragraph.add("duplicate", "repeat_with_suffix",
                                  f"repeats paragraph {prior_index} plus {len(key) - prior_length} characters")
            elif (stem := stems.get(hash(key))) is not None:
                prior_index, prior_length = stem
                paragraph.add("duplicate", "repeat_without_suffix",
                              f"repeats paragraph {prior_index} less {prior_length - len(key)} characters")
            elif (other := min((credit_stems[h] for n in credit_tails
                                if (h := hash(key[:n])) in credit_stems), default=None)) is not None:
                paragraph.add("duplicate", "repeat_with_other_credit",
                              f"repeats paragraph {other} with another credit")
            seen[key] = paragraph.index
            for n in credit_tails:
                credit_stems.setdefault(hash(key[:n]), paragraph.index)
            for length, credit in tails:
                if credit or length >= PREFIX_COVER * len(key):
                    stems.setdefault(hash(key[:length]), (paragraph.index, len(key)))
            lengths = lengths_by_head.setdefault(key[:MIN_DUPLICATE_CHARS], [])
            here = bisect.bisect_left(lengths, len(key))
            if here == len(lengths) or lengths[here] != len(key):
                lengths.insert(here, len(key))

    @staticmethod
    def _with_suffix(key: str, tails: list[tuple[int, bool]], seen: dict[str, int],
                     lengths_by_head: dict[str, list[int]]) -> tuple[int, int] | None:
        """The earliest paragraph whose key is `key` less a tail at a word boundary that makes a repeat: one
        covering PREFIX_COVER of it, or a credit. (index, key length), or None."""
        priors = []
        lengths = lengths_by_head.get(key[:MIN_DUPLICATE_CHARS], [])
        lowest = bisect.bisect_left(lengths, math.ceil(PREFIX_COVER * len(key)))
        here = bisect.bisect_left(lengths, len(key))
        for n in lengths[lowest:here]:
            if key[n] == " " and (index := seen.get(key[:n])) is not None:
                priors.append((index, n))
        for n, credit in tails:
            if credit and (index := seen.get(key[:n])) is not None:
                priors.append((index, n))
        return min(priors) if priors else None   # the earliest, as a walk in paragraph order finds first


class ContainedPassageSignal:
    """Flags pull quotes and other passages repeated from inside a longer paragraph (see PULL_QUOTE_MIN_WORDS).

    Runs after the language signal: a paragraph already labelled (chrome, a duplicate, off_language) neither
    holds a passage nor is one, so a quotation is never a duplicate of a paragraph the cleaned text drops (an
    English pull quote of a French paragraph quoting it) and a foreign pull quote is counted once, as off_language.
    """

    name = "duplicate"

    def apply(self, doc: Document, config: Config) -> None:
        kept = [(paragraph.index, key) for paragraph in doc.paragraphs
                if not paragraph.labels and len(key := _key(paragraph)) >= MIN_DUPLICATE_CHARS]
        by_index = {paragraph.index: paragraph for paragraph in doc.paragraphs}
        candidates = []
        for index, key in kept:
            if len(candidates) == MAX_CONTAINED_CANDIDATES:
                break
            if index == doc.paragraphs[0].index:
                continue
            paragraph = by_index[index]
            quoted = _quotation(paragraph.text)
            if quoted is not None:
                quoted_key = compare_key(quoted)
                if len(quoted_key) >= MIN_DUPLICATE_CHARS and quoted_key.count(" ") + 1 >= PULL_QUOTE_MIN_WORDS:
                    candidates.append((paragraph, quoted_key, "pull_quote"))
                    continue
            if key.count(" ") + 1 >= CONTAINED_MIN_WORDS:
                candidates.append((paragraph, key, "repeated_passage"))
        if not candidates:
            return
        # one string of all keys, each between spaces, so a find is a word-boundary match; \n keeps keys apart
        joined = "\n".join(f" {key} " for _, key in kept)
        starts, position = [], 0
        for _, key in kept:
            starts.append(position)
            position += len(key) + 3
        # A paragraph flagged here holds its passage no more: the same quotation given twice with two
        # attributions ('"..." - Ann Reid', '"...," Reid said.') has each inside the other, and is kept once.
        flagged: set[int] = set()
        for paragraph, key, rule in candidates:
            needle = f" {key} "
            at = joined.find(needle)
            while at != -1:
                other, other_key = kept[bisect.bisect_right(starts, at) - 1]
                if other != paragraph.index and len(other_key) > len(key) and other not in flagged:
                    paragraph.add("duplicate", rule, f"repeats a passage of paragraph {other}")
                    flagged.add(paragraph.index)
                    break
                at = joined.find(needle, at + 1)
