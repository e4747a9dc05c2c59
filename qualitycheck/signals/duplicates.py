"""Where within-document duplicates are decided."""
from __future__ import annotations

import bisect
import math

from ..config import Config
from ..document import Document
from ..textnorm import normalize_for_compare

# Shorter repeats ("Photo", "Share") are chrome, handled by the boilerplate rules, not duplicates.
MIN_DUPLICATE_CHARS = 20
# A repeat that adds a photo credit ("... June 19, 2024. Gavriil Grigorov/Sputnik") still
# repeats the caption: the earlier paragraph must cover this share of the later one.
PREFIX_COVER = 0.6


class DuplicateSignal:
    """Flags paragraphs that repeat an earlier paragraph of the same document.

    Scraped pages repeat titles (page title and headline), photo captions (alt text and
    caption) and pull quotes; the repeat adds nothing and skews n-gram statistics. Compared
    after folding case, quotes, apostrophes and spacing; a repeat that only appends a short
    credit to an earlier paragraph counts too. The first occurrence is kept.
    """

    name = "duplicate"

    def apply(self, doc: Document, config: Config) -> None:
        seen: dict[str, int] = {}
        # Lengths of the earlier keys, by their first MIN_DUPLICATE_CHARS characters: an earlier paragraph
        # this one repeats with a suffix is its own first `length` characters, for one of those lengths, so
        # it is found by lookups in `seen` (comparing with every earlier key of the same head was quadratic
        # on a page of thousands of comments that all start alike).
        lengths_by_head: dict[str, list[int]] = {}
        for paragraph in doc.paragraphs:
            key = normalize_for_compare(paragraph.text)
            if len(key) < MIN_DUPLICATE_CHARS:
                continue
            if key in seen:
                paragraph.add("duplicate", "exact_repeat", f"repeats paragraph {seen[key]}")
                continue
            lengths = lengths_by_head.setdefault(key[:MIN_DUPLICATE_CHARS], [])
            lowest = bisect.bisect_left(lengths, math.ceil(PREFIX_COVER * len(key)))
            here = bisect.bisect_left(lengths, len(key))
            priors = [(seen[key[:n]], n) for n in lengths[lowest:here] if key[:n] in seen]
            if priors:
                prior_index, prior_length = min(priors)   # the earliest, as a walk in paragraph order finds first
                paragraph.add("duplicate", "repeat_with_suffix",
                              f"repeats paragraph {prior_index} plus {len(key) - prior_length} characters")
            seen[key] = paragraph.index
            if here == len(lengths) or lengths[here] != len(key):
                lengths.insert(here, len(key))
