"""Readers for the Debian thesaurus packages, used at build time only.

`scripts/make_spins.py --build-tables` turns them into the compact tables under `models/spin/`, which is
what the detector loads at run time (the packages need not be installed to run qualitycheck).

- WordNet 3.0 (`wordnet-base`, /usr/share/wordnet): synsets from data.{noun,verb,adj,adv}; inflection
  exceptions from *.exc. Licence: the WordNet 3.0 licence (Princeton), redistribution allowed with notice.
- Aiksaurus (`libaiksaurus-1.2-data`, /usr/share/aiksaurus): words.dat holds NUL-terminated words (':' for a
  space) each followed by big-endian 16-bit meaning ids ending in 0xFFFF; meanings.dat holds per meaning two
  title word ids then member word ids ending in 0xFFFF. Licence: GPL-2+.
"""
from __future__ import annotations

import struct
from pathlib import Path

WORDNET_DIR = Path("/usr/share/wordnet")
AIKSAURUS_DIR = Path("/usr/share/aiksaurus")


def wordnet_synsets(root: Path = WORDNET_DIR) -> list[tuple[str, list[str]]]:
    """Every WordNet synset as (pos, [lemma, ...]) with lemmas lower-cased and '_' turned into spaces."""
    out: list[tuple[str, list[str]]] = []
    for pos in ("noun", "verb", "adj", "adv"):
        with open(root / f"data.{pos}", encoding="latin-1") as handle:
            for line in handle:
                if line.startswith("  "):
                    continue  # licence header
                parts = line.split()
                count = int(parts[3], 16)
                lemmas = []
                for k in range(count):
                    word = parts[4 + 2 * k]
                    # adjective markers like "(a)" / "(p)" / "(ip)" are syntax notes, not part of the word
                    if word.endswith(")") and "(" in word:
                        word = word[: word.index("(")]
                    word = word.replace("_", " ").lower()
                    if word not in lemmas:
                        lemmas.append(word)
                if len(lemmas) > 1:
                    out.append((pos[0], lemmas))
    return out


def wordnet_exceptions(root: Path = WORDNET_DIR) -> list[tuple[str, str, str]]:
    """Irregular forms as (pos, form, lemma), e.g. ("v", "came", "come")."""
    out = []
    for pos in ("noun", "verb", "adj"):
        with open(root / f"{pos}.exc", encoding="latin-1") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 2:
                    out.append((pos[0], parts[0].replace("_", " "), parts[1].replace("_", " ")))
    return out


def aiksaurus_meanings(root: Path = AIKSAURUS_DIR) -> list[list[str]]:
    """Every Aiksaurus meaning group as a list of lower-cased words (multi-word entries use spaces)."""
    raw_words = (root / "words.dat").read_bytes()
    words: list[str] = []
    pos = 0
    while pos < len(raw_words):
        end = raw_words.index(b"\0", pos)
        words.append(raw_words[pos:end].decode("latin-1").replace(":", " ").lower())
        pos = end + 1
        while raw_words[pos:pos + 2] != b"\xff\xff":
            pos += 2
        pos += 2
    raw = (root / "meanings.dat").read_bytes()
    groups: list[list[str]] = []
    pos = 0
    while pos + 4 <= len(raw):
        pos += 4  # two title word ids
        members = []
        while raw[pos:pos + 2] != b"\xff\xff":
            (wid,) = struct.unpack(">H", raw[pos:pos + 2])
            if wid < len(words) and words[wid] not in members:
                members.append(words[wid])
            pos += 2
        pos += 2
        if len(members) > 1:
            groups.append(members)
    return groups
