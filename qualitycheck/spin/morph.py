"""Rule-based English inflection: map a token to (lemma, tag) guesses and put a lemma back into a tag.

Spinners replace a lemma and re-inflect it ("years" -> "twelvemonths"), so the detector has to undo the
inflection before a thesaurus lookup and redo it on the likely original. Irregular forms come from the
WordNet exception lists, shipped as `models/spin/irregular.tsv` (see models/spin/README.md).
Tags: "" (as is), "s" (plural / 3rd person), "ed" (past / participle), "ing".
"""
from __future__ import annotations

import functools
from pathlib import Path

IRREGULAR_PATH = Path(__file__).resolve().parents[2] / "models" / "spin" / "irregular.tsv"
VOWELS = set("aeiou")


@functools.lru_cache(maxsize=1)
def _irregular() -> tuple[dict[str, list[tuple[str, str]]], dict[tuple[str, str], str]]:
    """(form -> [(lemma, tag)], (lemma, tag) -> form) from the shipped exception list."""
    to_lemma: dict[str, list[tuple[str, str]]] = {}
    to_form: dict[tuple[str, str], str] = {}
    if not IRREGULAR_PATH.exists():
        return to_lemma, to_form
    for line in IRREGULAR_PATH.read_text(encoding="utf-8").splitlines():
        pos, form, lemma = line.split("\t")
        if pos == "n":
            tag = "s"
        elif pos == "v":
            tag = "ing" if form.endswith("ing") else ("s" if form.endswith("s") and not form.endswith("ss") else "ed")
        else:
            continue  # comparatives are not re-inflected by our spinners
        to_lemma.setdefault(form, []).append((lemma, tag))
        # verb.exc mixes past and participle ("took", "taken"); keep the shorter, usually the past
        known = to_form.get((lemma, tag))
        if known is None or len(form) < len(known):
            to_form[(lemma, tag)] = form
    return to_lemma, to_form


def lemmas(word: str) -> list[tuple[str, str]]:
    """Possible (lemma, tag) readings of a lower-case word, the word itself first. Over-generates on purpose:
    callers keep only lemmas their thesaurus knows."""
    out = [(word, "")]
    irregular, _ = _irregular()
    out.extend(irregular.get(word, ()))
    n = len(word)
    if n > 3 and word.endswith("s") and not word.endswith("ss"):
        if word.endswith("ies") and n > 4:
            out.append((word[:-3] + "y", "s"))
        if word.endswith("es"):
            out.append((word[:-2], "s"))
        out.append((word[:-1], "s"))
    if n > 4 and word.endswith("ed"):
        if word.endswith("ied"):
            out.append((word[:-3] + "y", "ed"))
        out.append((word[:-2], "ed"))
        out.append((word[:-1], "ed"))
        if n > 5 and word[-3] == word[-4]:
            out.append((word[:-3], "ed"))
    if n > 5 and word.endswith("ing"):
        out.append((word[:-3], "ing"))
        out.append((word[:-3] + "e", "ing"))
        if word[-4] == word[-5]:
            out.append((word[:-4], "ing"))
    return out


def _inflect_word(word: str, tag: str) -> str:
    if not tag:
        return word
    _, irregular = _irregular()
    form = irregular.get((word, tag))
    if form:
        return form
    if tag == "s":
        if word.endswith(("ss", "x", "z", "ch", "sh")):
            return word + "es"
        if word.endswith("s"):
            return word  # already plural ("four weeks"); a spinner would not add another s
        if word.endswith(("s", "x", "z", "ch", "sh")):
            return word + "es"
        if word.endswith("y") and len(word) > 1 and word[-2] not in VOWELS:
            return word[:-1] + "ies"
        return word + "s"
    if tag == "ed":
        if word.endswith("e"):
            return word + "d"
        if word.endswith("y") and len(word) > 1 and word[-2] not in VOWELS:
            return word[:-1] + "ied"
        return word + "ed"
    if tag == "ing":
        if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
            return word[:-1] + "ing"
        return word + "ing"
    return word


def inflect(lemma: str, tag: str) -> str:
    """Put `lemma` (possibly several words) into `tag`. Verb-like tags inflect the first word
    ("take off" -> "took off"); plural inflects the last ("leap year" -> "leap years")."""
    if not tag:
        return lemma
    words = lemma.split(" ")
    if len(words) == 1:
        return _inflect_word(lemma, tag)
    if tag == "s":
        words[-1] = _inflect_word(words[-1], tag)
    else:
        words[0] = _inflect_word(words[0], tag)
    return " ".join(words)
