"""Several versions of one story in a folder: find the version whose words were swapped against another's.

What it catches: a scraped folder often holds the original article and a spun copy. Paragraphs of the two
share most words; where they differ, a spun copy shows swaps of single words or short phrases for thesaurus
neighbours ("month" -> "thirty day period" is a 1 -> 3 word swap). Aligning paragraphs and diffing them
turns that into direct evidence and names the source document. Which side is the spin: the one whose
swapped words fit the language model worse (lower mean log-probability); ordinary editing (updated
numbers, reworded clauses) rarely swaps several words for their synonyms.
"""
from __future__ import annotations

import difflib
import re
from array import array
from collections import defaultdict

import numpy as np

from ..config import Config
from ..document import Document, Paragraph
from . import morph, thesaurus
from .words import STOPWORDS

SKIP_LABELS = frozenset({"boilerplate", "ad_marker", "off_language", "duplicate"})
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+")
MAX_SWAP_WORDS = 3
MIN_PARAGRAPH_WORDS = 8
# Versions of one paragraph share many words that are rare in the folder; a word in more paragraphs than
# this is not used to propose pairs (pairs proposed per word grow with the square of its postings).
MAX_POSTINGS = 12


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _lemma_set(words: list[str]) -> set[str]:
    phrase = " ".join(words)
    return {lemma for lemma, _ in morph.lemmas(phrase)} if len(words) == 1 else {phrase}


def _neighbours_of(words: list[str], thes: thesaurus.Thesaurus) -> tuple[set[str], set[str]]:
    lemmas = _lemma_set(words)
    out: set[str] = set()
    for lemma in lemmas:
        if lemma in thes:
            out.update(thes.neighbours(lemma))
    return lemmas, out


def _related(left: list[str], right: list[str], thes: thesaurus.Thesaurus) -> bool:
    """True if the two sides are thesaurus neighbours (after undoing inflection), not just re-inflections."""
    lemmas_a, near_a = _neighbours_of(left, thes)
    lemmas_b = _lemma_set(right)
    if lemmas_a & lemmas_b:
        return False  # "said" vs "says": same word
    return bool(near_a & lemmas_b) or bool(_neighbours_of(right, thes)[1] & lemmas_a)


def _swap_pairs(left: list[str], right: list[str], thes: thesaurus.Thesaurus) -> list[tuple[str, str]]:
    """Thesaurus swaps inside one differing stretch: whole stretch, word by word, or word -> short phrase."""
    if _related(left, right, thes):
        return [(" ".join(left), " ".join(right))]
    out = []
    if len(left) == len(right):
        for a, b in zip(left, right):
            if a != b and _related([a], [b], thes):
                out.append((a, b))
        return out
    short, long_, flipped = (left, right, False) if len(left) < len(right) else (right, left, True)
    for a in short:
        for n in (1, 2, 3):
            hit = next((long_[k:k + n] for k in range(len(long_) - n + 1)
                        if _related([a], long_[k:k + n], thes)), None)
            if hit:
                out.append((" ".join(hit), a) if flipped else (a, " ".join(hit)))
                break
    return out


def swaps_between(a: list[str], b: list[str], thes: thesaurus.Thesaurus) -> list[tuple[str, str]]:
    """(a-side, b-side) word swaps between two aligned word lists that look like thesaurus substitutions."""
    out = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        # widen inserts/deletes by one word each side: "each other" -> "each individual other"
        if op != "replace":
            i1, j1 = max(i1 - 1, 0), max(j1 - 1, 0)
            i2, j2 = min(i2 + 1, len(a)), min(j2 + 1, len(b))
        left, right = a[i1:i2], b[j1:j2]
        if len(left) > MAX_SWAP_WORDS + 1 or len(right) > MAX_SWAP_WORDS + 1:
            continue
        if all(w in STOPWORDS for w in left) and all(w in STOPWORDS for w in right):
            continue
        out.extend(_swap_pairs(left, right, thes))
    return out


def _fit(text: str) -> float | None:
    """Mean log10 probability per token under the LM (None if no LM is available)."""
    try:
        from .lmview import load
        view = load()
    except Exception:
        return None
    words = [view.norm(t) for t, _, _ in view.tokenize(text)]
    if not words:
        return None
    _, scores = view.forward(words)
    return sum(scores) / len(scores)


def _spun_side_is_first(a: Paragraph, b: Paragraph) -> bool | None:
    """Which of two aligned versions is the spun one: the paragraph the spin detector scored higher (its
    per-word evidence); when either is unscored or they tie, the one that fits the language model worse
    (mean log-probability, a weaker signal: on the dev set it once picked an untouched paragraph whose
    partner's spinner had shortened "marriage proposal" to "proposal"). None: no evidence either way."""
    if a.spun_score is not None and b.spun_score is not None and a.spun_score != b.spun_score:
        return a.spun_score > b.spun_score
    fit_a, fit_b = _fit(a.text), _fit(b.text)
    if fit_a is None or fit_b is None:
        return None
    return fit_a <= fit_b


def _candidate_pairs(index: dict[str, list[int]], unit_doc: list[int], min_shared: int = 4) -> list[tuple[int, int]]:
    """Pairs (u, v), u < v, of paragraphs of different documents sharing at least `min_shared` indexed words,
    in (u, v) order. Each co-occurrence is one int64 code u * n + v in a flat array, counted with numpy, not a
    dict of tuple pairs (most seen once or twice): the pass's peak over 2,000 bench documents went from 124 to
    116 MiB RSS, and the order no longer follows string hashing."""
    n = len(unit_doc)
    codes = array("q")
    for postings in index.values():
        if len(postings) > MAX_POSTINGS:
            continue  # too common to point at a pair (and keeps the pair count linear in folder size)
        for x, u in enumerate(postings):
            du, base = unit_doc[u], u * n
            codes.extend(base + v for v in postings[x + 1:] if unit_doc[v] != du)
    if not codes:
        return []
    unique, counts = np.unique(np.frombuffer(codes, dtype=np.int64), return_counts=True)
    return [(int(code) // n, int(code) % n) for code in unique[counts >= min_shared]]


def find_spun_versions(docs: list[Document], config: Config) -> None:
    """Align paragraphs across `docs`; flag paragraphs (and documents) that are thesaurus spins of another
    document's paragraph, naming the source. Annotates in place."""
    if len(docs) < 2:
        return
    thes = thesaurus.load()
    # (doc index, paragraph): word lists are recomputed for the few candidate pairs instead of kept for
    # every paragraph (at 4,000 documents they were most of the pass's memory)
    units = []
    index: dict[str, list[int]] = defaultdict(list)
    for d, doc in enumerate(docs):
        if doc.language not in (None, "en") or doc.error:
            continue
        for paragraph in doc.paragraphs:
            if set(paragraph.labels) & SKIP_LABELS:
                continue
            words = _words(paragraph.text)
            if len(words) < MIN_PARAGRAPH_WORDS:
                continue
            uid = len(units)
            units.append((d, paragraph))
            for w in set(words):
                if len(w) > 3 and w not in STOPWORDS:
                    index[w].append(uid)
    per_doc_pair: dict[tuple[int, int], list] = defaultdict(list)
    for u, v in _candidate_pairs(index, [d for d, _ in units]):
        (du, pu), (dv, pv) = units[u], units[v]
        wu, wv = _words(pu.text), _words(pv.text)
        su, sv = set(wu), set(wv)
        jaccard = len(su & sv) / len(su | sv)
        if jaccard < config.crossdoc_min_overlap or wu == wv:
            continue
        swaps = swaps_between(wu, wv, thes)
        if len(swaps) < 1:
            continue
        first_is_spun = _spun_side_is_first(pu, pv)
        if first_is_spun is None:
            continue
        if first_is_spun:
            per_doc_pair[(du, dv)].append((pu, pv, swaps))
        else:
            per_doc_pair[(dv, du)].append((pv, pu, [(b, a) for a, b in swaps]))
    for (spun_d, source_d), pairs in per_doc_pair.items():
        total = sum(len(s) for _, _, s in pairs)
        if total < config.crossdoc_min_swaps:
            continue
        spun_doc, source_doc = docs[spun_d], docs[source_d]
        for spun_p, source_p, swaps in pairs:
            shown = ", ".join(f"'{orig}' -> '{new}'" for new, orig in swaps[:6])
            spun_p.add("spun", "spin.crossdoc",
                       f"{len(swaps)} word swap(s) against {source_doc.id} paragraph {source_p.index}: {shown}",
                       1.0)
            spun_p.spun_score = max(spun_p.spun_score or 0.0, 1.0)
        spun_doc.spun_flag = True
        spun_doc.spun_score = max(spun_doc.spun_score or 0.0, 0.99)
        spun_doc.notes.append(
            f"spun version of {source_doc.id}: {total} thesaurus swaps in {len(pairs)} aligned paragraph(s)")
        for spun_p, source_p, swaps in pairs:
            for new, orig in swaps[:3]:
                spun_doc.spun_evidence.append({"paragraph": spun_p.index, "word": new, "original": orig,
                                               "score": 1.0, "rule": "crossdoc", "source": source_doc.id})
