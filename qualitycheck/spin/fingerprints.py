"""Known spinner substitutions (fingerprints), read from qualitycheck/patterns/spinner_fingerprints.tsv.

A fingerprint is a phrase that commercial spinners are known to produce, with the phrase it usually
replaced and a note on where it was seen. It is one signal among others: a hit adds fixed evidence to the
span (see detector.FINGERPRINT_LLR); it is never enough alone to flag a long paragraph.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "patterns" / "spinner_fingerprints.tsv"


@dataclass(frozen=True)
class Fingerprint:
    phrase: tuple[str, ...]     # lower-case words
    original: str
    seen: str


@functools.lru_cache(maxsize=1)
def load(path: Path = PATH) -> dict[tuple[str, ...], Fingerprint]:
    """Phrase (tuple of lower-case words) -> Fingerprint."""
    table: dict[tuple[str, ...], Fingerprint] = {}
    if not path.exists():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        # tokenizers differ on hyphens: register both "a - b" and "a-b" token sequences
        for variant in (parts[0].lower().replace("-", " - "), parts[0].lower()):
            words = tuple(variant.split())
            table[words] = Fingerprint(words, parts[1], parts[2])
    return table
