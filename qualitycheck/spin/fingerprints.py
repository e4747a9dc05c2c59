"""Known spinner substitutions (fingerprints), read from qualitycheck/patterns/spinner_fingerprints.tsv.

A fingerprint is a trace that commercial spinners are known to leave, with what it usually replaced and a
note on where it was seen. Three kinds, all in the one TSV file:
- phrases: a fixed word sequence ("getty visuals" for "getty images");
- patterns (`@regex` lines): a regular expression over the paragraph, for artefacts with many spellings
  ("20-four": a number word half-swapped for digits);
- trailer templates (`@trailer` lines): a whole short line that is a thesaurus respelling of a fixed
  auto-blog line ("Radio link", "Supply hyperlink" for "Source link"); its spellings are generated from
  the shipped thesaurus tables, so every synonym a WordNet- or Aiksaurus-based spinner could pick is known.
Each is one signal among others: a hit adds fixed evidence (see detector.FINGERPRINT_LLR); it is never
enough alone to flag a long paragraph.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "patterns" / "spinner_fingerprints.tsv"
TRAILER_MAX_WORDS = 4
_TRAILER_STRIP = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True)
class Fingerprint:
    phrase: tuple[str, ...]     # lower-case words
    original: str
    seen: str


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    original: str
    seen: str
    gate: str = ""      # lower-case text every match contains: paragraphs without it are not searched


@dataclass(frozen=True)
class Trailer:
    """A fixed two-part line ("source" + "link") and the spellings a thesaurus spinner could give each part."""

    original: str
    heads: frozenset[str]
    tails: frozenset[str]
    seen: str


@dataclass
class FingerprintTable:
    phrases: dict[tuple[str, ...], Fingerprint] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)
    trailers: list[Trailer] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.phrases or self.patterns or self.trailers)

    def trailer(self, text: str) -> Fingerprint | None:
        """The fingerprint when the whole of `text` is a spun form of a trailer line (not the line itself)."""
        if not self.trailers or len(text) > 80:
            return None
        words = _TRAILER_STRIP.sub("", text.strip().lower()).replace(":", " ").split()
        if not 2 <= len(words) <= TRAILER_MAX_WORDS:
            return None
        for cut in range(1, len(words)):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            for trailer in self.trailers:
                if head in trailer.heads and tail in trailer.tails and f"{head} {tail}" != trailer.original:
                    return Fingerprint(tuple(words), trailer.original, trailer.seen)
        return None

    def pattern_hits(self, text: str) -> list[tuple[int, int, Fingerprint]]:
        """(start, end, fingerprint) for every pattern match in `text`."""
        out = []
        lowered = text.lower()
        for pattern in self.patterns:
            if pattern.gate not in lowered:
                continue
            for match in pattern.regex.finditer(text):
                words = tuple(match.group(0).lower().split())
                out.append((match.start(), match.end(), Fingerprint(words, pattern.original, pattern.seen)))
        return out


def _trailer(original: str, seen: str, extra: str) -> Trailer:
    from .thesaurus import load as load_thesaurus

    thesaurus = load_thesaurus()
    head, tail = original.split(" ", 1)
    extra_heads, _, extra_tails = extra.partition("/")
    heads = {head, *thesaurus.neighbours(head), *filter(None, extra_heads.split(","))}
    tails = {tail, *thesaurus.neighbours(tail), *filter(None, extra_tails.split(","))}
    return Trailer(original, frozenset(heads), frozenset(tails), seen)


@functools.lru_cache(maxsize=1)
def load(path: Path = PATH) -> FingerprintTable:
    """Parse the fingerprint file once per process."""
    table = FingerprintTable()
    if not path.exists():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if parts[0] == "@regex" and len(parts) >= 4:
            gate = parts[4].lower() if len(parts) >= 5 else ""
            table.patterns.append(Pattern(re.compile(parts[1], re.IGNORECASE), parts[2], parts[3], gate))
            continue
        if parts[0] == "@trailer" and len(parts) >= 4:
            table.trailers.append(_trailer(parts[1], parts[3], parts[2]))
            continue
        if len(parts) < 3:
            continue
        # tokenizers differ on hyphens: register both "a - b" and "a-b" token sequences
        for variant in (parts[0].lower().replace("-", " - "), parts[0].lower()):
            words = tuple(variant.split())
            table.phrases[words] = Fingerprint(words, parts[1], parts[2])
    return table
