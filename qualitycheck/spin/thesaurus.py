"""Compact synonym tables derived from the Debian thesaurus packages, loaded once per process.

A context-blind spinner replaces a word with any entry its thesaurus lists for it, so the words a token
could have replaced are its neighbours in the same thesaurus groups. Each table file under `models/spin/`
holds one group per line (`pos<TAB>word|word|...`); `scripts/make_spins.py --build-tables` writes them.
"""
from __future__ import annotations

import functools
import gzip
from pathlib import Path

from ..memo import RecentCache

TABLE_DIR = Path(__file__).resolve().parents[2] / "models" / "spin"
SOURCES = ("wordnet", "aiksaurus")


class Thesaurus:
    """Word -> neighbours over the groups of one or more sources. Multi-word entries use single spaces.

    Held by every scan worker, so kept compact: each word is one string object however many groups list it
    (198,090 members, 116,970 words), groups are tuples, and the index is built as tuples directly. With the
    shipped tables that took the tables and phrase_forms() from 84 to 62 MiB per process."""

    def __init__(self, groups: list[list[str]] | list[tuple[str, ...]]):
        canon: dict[str, str] = {}
        self.groups: list[tuple[str, ...]] = [tuple([canon.setdefault(w, w) for w in members]) for members in groups]
        index: dict[str, tuple[int, ...]] = {}
        for gid, members in enumerate(self.groups):
            for word in members:
                gids = index.get(word)
                index[word] = (gid,) if gids is None else gids + (gid,)
        self.index = index
        self.max_words = max((w.count(" ") + 1 for w in self.index), default=1)
        # neighbours() of recent words: the spinners ask again and again; the detector once per lemma
        self._cache: RecentCache[str, tuple[str, ...]] = RecentCache(5_000)
        self._counts: dict[str, int] = {}

    def phrase_forms(self) -> dict[str, tuple[str, str] | tuple[tuple[str, str], ...]]:
        """Inflected surface form of every multi-word entry -> its reading (entry, tag), or a tuple of readings
        when several entries give that form (6,221 of 198,611 forms; readings_of() reads both kinds),
        built on first use, so a 2-3-word run of a paragraph is checked with one dictionary lookup."""
        forms = getattr(self, "_phrase_forms", None)
        if forms is None:
            from .morph import inflect
            forms = {}
            for word in self.index:
                if " " not in word:
                    continue
                for tag in ("", "s", "ed", "ing"):
                    form = inflect(word, tag)
                    reading = (word, tag)
                    got = forms.get(form)
                    if got is None:
                        forms[form] = reading
                    else:
                        forms[form] = readings_of(got) + (reading,)
            self._phrase_forms = forms
        return forms

    def drop_phrase_forms(self) -> None:
        """Forget phrase_forms() (built again on next use)."""
        self.__dict__.pop("_phrase_forms", None)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def neighbours(self, word: str) -> tuple[str, ...]:
        """Every entry sharing a group with `word` (not `word` itself), in first-seen order."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        seen: dict[str, None] = {}
        for gid in self.index.get(word, ()):
            for other in self.groups[gid]:
                if other != word:
                    seen[other] = None
        return self._cache.put(word, tuple(seen))

    def neighbour_count(self, word: str) -> int:
        """len(neighbours(word)), memoised as a number (asked for many more words than neighbours()); counted
        as a set, without ordering the neighbours or keeping them."""
        hit = self._counts.get(word)
        if hit is None:
            members: set[str] = set()
            for gid in self.index.get(word, ()):
                members.update(self.groups[gid])
            members.discard(word)
            hit = self._counts[word] = len(members)
        return hit


def readings_of(value: tuple[str, str] | tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """A phrase_forms() value as a tuple of (entry, tag) readings (one reading is stored bare)."""
    return (value,) if isinstance(value[0], str) else value


def read_groups(name: str, table_dir: Path = TABLE_DIR) -> list[list[str]]:
    path = table_dir / f"{name}.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t", 1)[1].split("|") for line in handle if "\t" in line]


@functools.lru_cache(maxsize=None)
def load(names: tuple[str, ...] = SOURCES) -> Thesaurus:
    """The union of the named tables (cached per process)."""
    groups: list[list[str]] = []
    for name in names:
        groups.extend(read_groups(name))
    return Thesaurus(groups)
