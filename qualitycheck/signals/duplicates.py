"""Where within-document duplicates are decided."""
from __future__ import annotations

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
        # Earlier keys by their first MIN_DUPLICATE_CHARS characters: a repeat-with-suffix must
        # share that head, so each paragraph is compared with a few candidates, not all of them.
        by_head: dict[str, list[tuple[str, int]]] = {}
        for paragraph in doc.paragraphs:
            key = normalize_for_compare(paragraph.text)
            if len(key) < MIN_DUPLICATE_CHARS:
                continue
            if key in seen:
                paragraph.add("duplicate", "exact_repeat", f"repeats paragraph {seen[key]}")
                continue
            head = key[:MIN_DUPLICATE_CHARS]
            for prior_key, prior_index in by_head.get(head, ()):
                if key.startswith(prior_key) and len(prior_key) >= PREFIX_COVER * len(key):
                    paragraph.add("duplicate", "repeat_with_suffix",
                                  f"repeats paragraph {prior_index} plus {len(key) - len(prior_key)} characters")
                    break
            seen[key] = paragraph.index
            by_head.setdefault(head, []).append((key, paragraph.index))
