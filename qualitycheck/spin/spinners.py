"""Synthetic article spinners that make training and test data for the spin detector.

They imitate context-blind commercial spinners: pick words and short phrases, swap each for a thesaurus
entry chosen without looking at the sentence, and re-inflect it by rule. Three spinners on different synonym
sources, so the detector does not learn one dictionary:

- `ThesaurusSpinner(wordnet)`: any WordNet 3.0 synonym over all senses, uniformly ("year" -> "twelvemonth").
- `ThesaurusSpinner(aiksaurus)`: the looser Aiksaurus groups (fewer words covered, wilder neighbours).
- `PhraseSpinner`: what real commercial spinners do most: swap common words for *common* words and
  phrases (frequency-weighted WordNet picks plus a hand-written table of phrase paraphrases,
  models/spin/phrase_paraphrases.tsv), so rarity alone does not give it away.

Each spin returns the new text and the replaced spans (offsets into the new text), which label tokens.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from . import morph
from .thesaurus import TABLE_DIR, Thesaurus
from .words import STOPWORDS, WORD_RE

PHRASE_TABLE = TABLE_DIR / "phrase_paraphrases.tsv"


@dataclass
class Replacement:
    start: int          # offsets in the spun text
    end: int
    original: str
    replacement: str


@dataclass
class SpunText:
    text: str
    replacements: list[Replacement] = field(default_factory=list)
    eligible: int = 0


def _match_case(new: str, old: str) -> str:
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


class ThesaurusSpinner:
    """Replace a share of eligible words and 2-3-word phrases with a uniformly random thesaurus entry."""

    def __init__(self, thesaurus: Thesaurus, name: str, min_len: int = 4, max_words: int = 3):
        self.thesaurus = thesaurus
        self.name = name
        self.min_len = min_len
        self.max_words = max_words

    # Which readings of a word (or phrase) the thesaurus knows: [(lemma, tag)].
    def _readings(self, phrase: str) -> list[tuple[str, str]]:
        words = phrase.split(" ")
        out = []
        if len(words) == 1:
            for lemma, tag in morph.lemmas(phrase):
                if lemma in self.thesaurus:
                    out.append((lemma, tag))
            return out
        if phrase in self.thesaurus:
            out.append((phrase, ""))
        for pos in (0, -1):
            for lemma, tag in morph.lemmas(words[pos])[1:]:
                alt = list(words)
                alt[pos] = lemma
                joined = " ".join(alt)
                if joined in self.thesaurus:
                    out.append((joined, tag))
        return out

    def choose(self, lemma: str, rng: random.Random) -> str | None:
        options = self.thesaurus.neighbours(lemma)
        return rng.choice(options) if options else None

    def units(self, text: str) -> list[tuple[int, int, list[tuple[str, str]]]]:
        """Eligible (start, end, readings) units, phrases first so their words are not taken twice."""
        tokens = [(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]
        out = []
        i = 0
        while i < len(tokens):
            taken = False
            for n in range(self.max_words, 1, -1):
                if i + n > len(tokens):
                    continue
                span = tokens[i:i + n]
                # words of a phrase must be adjacent, separated by single spaces
                if any(text[span[k][2]:span[k + 1][1]] != " " for k in range(n - 1)):
                    continue
                if not all(t[0].islower() and t[0].isalpha() for t in span):
                    continue
                if all(t[0] in STOPWORDS for t in span):
                    continue
                readings = self._readings(" ".join(t[0] for t in span))
                if readings:
                    out.append((span[0][1], span[-1][2], readings))
                    i += n
                    taken = True
                    break
            if taken:
                continue
            word, start, end = tokens[i]
            if word.isalpha() and word.islower() and len(word) >= self.min_len and word not in STOPWORDS:
                readings = self._readings(word)
                if readings:
                    out.append((start, end, readings))
            i += 1
        return out

    def spin(self, text: str, rate: float, rng: random.Random) -> SpunText:
        units = self.units(text)
        chosen = [u for u in units if rng.random() < rate]
        pieces = []
        replacements: list[Replacement] = []
        last = 0
        offset = 0
        for start, end, readings in chosen:
            lemma, tag = rng.choice(readings)
            new_lemma = self.choose(lemma, rng)
            if new_lemma is None:
                continue
            old = text[start:end]
            new = _match_case(morph.inflect(new_lemma, tag), old)
            if new.lower() == old.lower():
                continue
            pieces.append(text[last:start])
            offset += start - last
            replacements.append(Replacement(offset, offset + len(new), old, new))
            pieces.append(new)
            offset += len(new)
            last = end
        pieces.append(text[last:])
        return SpunText("".join(pieces), replacements, len(units))


def load_phrase_table(path: Path = PHRASE_TABLE) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    if not path.exists():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, targets = line.split("\t")[:2]
        table[source] = [t.strip() for t in targets.split("|") if t.strip()]
    return table


class PhraseSpinner(ThesaurusSpinner):
    """Commercial-style spinner: frequency-weighted common synonyms plus phrase paraphrases.

    `frequency` maps a word to a corpus count; entries rarer than `min_count` are never chosen, and common
    ones are preferred, so the output reads as ordinary words in the wrong place ("month" -> "thirty day
    period" style), not as dictionary rarities.
    """

    def __init__(self, thesaurus: Thesaurus, frequency: dict[str, int], name: str = "phrase",
                 min_count: int = 200, phrases: dict[str, list[str]] | None = None):
        super().__init__(thesaurus, name, min_len=3)
        self.frequency = frequency
        self.min_count = min_count
        self.phrases = phrases if phrases is not None else load_phrase_table()

    def _readings(self, phrase: str) -> list[tuple[str, str]]:
        out = super()._readings(phrase)
        if phrase in self.phrases:
            out.insert(0, (phrase, ""))
        return out

    def units(self, text: str) -> list[tuple[int, int, list[tuple[str, str]]]]:
        units = super().units(text)
        # phrase-table words may be stopwords ("since", "each") or short; add those the base skipped
        taken = [(s, e) for s, e, _ in units]
        for m in WORD_RE.finditer(text):
            word = m.group()
            if word in self.phrases and not any(s <= m.start() < e for s, e in taken):
                units.append((m.start(), m.end(), [(word, "")]))
        units.sort()
        return units

    def choose(self, lemma: str, rng: random.Random) -> str | None:
        if lemma in self.phrases and rng.random() < 0.8:
            return rng.choice(self.phrases[lemma])
        options = [w for w in self.thesaurus.neighbours(lemma)
                   if all(self.frequency.get(p, 0) >= self.min_count for p in w.split(" "))]
        if not options:
            return None
        weights = [min(self.frequency.get(w.split(" ")[0], 1), 100_000) ** 0.5 for w in options]
        return rng.choices(options, weights=weights, k=1)[0]
