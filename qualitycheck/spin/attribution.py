"""Who holds each paragraph of the folder pass, and which version a spun copy was made from.

The folder pass indexes a paragraph repeated word for word once (spin/crossdoc.py). Its copies are not
owned by the first document in folder order: every document holding it is a holder, so a swap found
against the paragraph is evidence against (or for) all of them, and the source a spun copy is named
after is chosen by what the documents hold, not by which came first. Nothing here depends on the order
the documents are listed in, nor on their names except as a last tie-break between identical texts.
Names never form a cycle: no two documents are named each other's spun version, nor A of B, B of C and C of
A (name_sources); the pairs of such a cycle, and pairs differing by a spin's swaps in paragraphs whose
direction was not told, are left to review (undetermined).
"""
from __future__ import annotations

import hashlib
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Aligned:
    """One compared pair of paragraphs: unit `spun` was judged the thesaurus spin of unit `source` (for a
    pair whose direction was not told, either way round); `swaps` are (spun-side, source-side) word pairs;
    `distinct` their direction-free lemma pairs; `shared` how many distinct words the two paragraphs have
    in common."""

    spun: int
    source: int
    swaps: list[tuple[str, str]]
    distinct: frozenset
    shared: int = 0

    def reversed(self) -> "Aligned":
        """The same pair seen from the other side (for pairs whose direction was not told)."""
        return Aligned(self.source, self.spun, [(b, a) for a, b in self.swaps], self.distinct, self.shared)


class Holders:
    """The holders of every indexed paragraph (unit) and a few numbers per document, in arrays: per unit
    its first holder, slot, text key and spin score (20 bytes), per further holder 20 bytes, per document
    its spin score and a content digest (12 bytes) and its id. After finish(), a unit's holders are
    read through numpy (CSR: further holders sorted by unit)."""

    def __init__(self) -> None:
        self.unit_doc, self.unit_slot = array("i"), array("i")
        self.unit_key, self.unit_score = array("q"), array("f")
        self.rep_key, self.rep_doc, self.rep_slot, self.rep_score = array("q"), array("i"), array("i"), array("f")
        self._seen: set[int] = set()
        self.doc_ids: list[str] = []
        self.doc_score, self.doc_digest = array("f"), array("q")
        self._digest: Any = None   # the current document's hashlib.blake2b

    def start_document(self, doc_id: str, spun_score: float | None) -> None:
        self._end_document()
        self.doc_ids.append(doc_id)
        self.doc_score.append(math.nan if spun_score is None else spun_score)
        self._digest = hashlib.blake2b(digest_size=8)

    def _end_document(self) -> None:
        if self._digest is not None:
            self.doc_digest.append(int.from_bytes(self._digest.digest(), "little", signed=True))
            self._digest = None

    def add(self, slot: int, words: list[str], score: float | None) -> int | None:
        """Record that the current document holds this paragraph at `slot`; its unit id if the paragraph
        is new (to be indexed), None if another document's copy is indexed already."""
        d = len(self.doc_ids) - 1
        joined = " ".join(words)
        assert self._digest is not None
        self._digest.update(joined.encode("utf-8") + b"\n")
        # Python's hash is fixed within the process, which is all the grouping needs (as paragraph_keys)
        text_key = hash(joined)
        value = math.nan if score is None else score
        if text_key in self._seen:
            self.rep_key.append(text_key)
            self.rep_doc.append(d)
            self.rep_slot.append(slot)
            self.rep_score.append(value)
            return None
        self._seen.add(text_key)
        self.unit_doc.append(d)
        self.unit_slot.append(slot)
        self.unit_key.append(text_key)
        self.unit_score.append(value)
        return len(self.unit_doc) - 1

    def finish(self) -> None:
        """Resolve each repeat to its unit; group repeats by unit; a unit's score becomes the lowest of its
        holders' (the same words score higher among a spun copy's other paragraphs: the document's counts
        feed each paragraph's score, so the copy's context must not decide the direction)."""
        self._end_document()
        self._seen = set()
        keys = np.frombuffer(self.unit_key, dtype=np.int64)
        by_key = np.argsort(keys, kind="stable")
        rep_keys = np.frombuffer(self.rep_key, dtype=np.int64)
        rep_unit = by_key[np.searchsorted(keys[by_key], rep_keys)] if len(rep_keys) else np.zeros(0, np.int64)
        order = np.argsort(rep_unit, kind="stable")
        self._rep_unit = rep_unit[order]
        self._rep_doc = np.frombuffer(self.rep_doc, dtype=np.int32)[order]
        self._rep_slot = np.frombuffer(self.rep_slot, dtype=np.int32)[order]
        self._score = np.frombuffer(self.unit_score, dtype=np.float32).astype(np.float64)
        np.fmin.at(self._score, self._rep_unit, np.frombuffer(self.rep_score, dtype=np.float32)[order])
        self.rep_key, self.rep_score = array("q"), array("f")   # resolved into the sorted copies above
        self.rep_doc, self.rep_slot = array("i"), array("i")

    def shared(self) -> np.ndarray:
        """Per unit, whether more than one document holds it."""
        out = np.zeros(len(self.unit_doc), dtype=bool)
        first = np.frombuffer(self.unit_doc, dtype=np.int32)
        out[self._rep_unit[self._rep_doc != first[self._rep_unit]]] = True
        return out

    def holders(self, unit: int) -> list[tuple[int, int]]:
        """(document, slot) of every document holding `unit`, first holder first."""
        lo, hi = np.searchsorted(self._rep_unit, [unit, unit + 1])
        return [(self.unit_doc[unit], self.unit_slot[unit])] + \
            list(zip(self._rep_doc[lo:hi].tolist(), self._rep_slot[lo:hi].tolist()))

    def documents(self, unit: int) -> set[int]:
        """The documents holding `unit`."""
        return {d for d, _ in self.holders(unit)}

    def score(self, unit: int) -> float | None:
        value = float(self._score[unit])
        return None if math.isnan(value) else value

    def units_of(self, doc: int) -> list[int]:
        """The units `doc` holds (as first holder or as a repeat)."""
        first = np.flatnonzero(np.frombuffer(self.unit_doc, dtype=np.int32) == doc)
        return first.tolist() + self._rep_unit[self._rep_doc == doc].tolist()

    def tie_break(self, doc: int) -> tuple:
        """The last keys between equally good sources: the lower document spin score (the detector's reading
        of the whole text), then a digest of its words (two different texts never tie), then its id (two
        documents with the same words are the same source either way)."""
        score = float(self.doc_score[doc])
        return (math.inf if math.isnan(score) else score, self.doc_digest[doc], self.doc_ids[doc])


# A spinner swaps several words in each paragraph it touches; an editor changes a word here and there ('rail'
# -> 'train' in one paragraph, 'continue' -> 'last' in another). So besides `min_swaps` distinct swaps in all,
# a spun version needs DENSE_PARAGRAPHS aligned paragraphs with DENSE_SWAPS distinct swaps each.
DENSE_SWAPS = 2
DENSE_PARAGRAPHS = 2


def _spin_evidence(pairs: Sequence[Aligned], min_swaps: int) -> bool:
    """Whether `pairs` (one document's paragraphs aligned with one source's) show a spin, not an edit."""
    if len(frozenset().union(*(a.distinct for a in pairs))) < min_swaps:
        return False
    dense = {a.spun for a in pairs if len(a.distinct) >= DENSE_SWAPS}
    return len(dense) >= DENSE_PARAGRAPHS


def choose_sources(doc: int, aligned: Sequence[Aligned], holders: Holders,
                   min_swaps: int, exclude: frozenset[int] = frozenset()) -> list[tuple[int, list[Aligned]]]:
    """The documents `doc` (a holder of each aligned pair's spun side) is named a spun version of, each with
    the pairs it explains, best first. A pair's source side may be held by several documents: the source
    named is the one holding the most of `doc`'s text, paragraphs aligned with swaps plus paragraphs
    held word for word (the version a copy was made from keeps what the spinner left alone, which another
    outlet's edit of the story does not), then the most words in common over the aligned paragraphs (the
    same count of paragraphs, but another outlet's edit, a second spun copy or the original of a copy that
    was spun again differs in more words), then the most distinct swaps, then Holders.tie_break. A second
    source is named only for pairs whose paragraphs the first does not explain (neither their source nor
    their spun side) and only on `min_swaps` distinct swaps of its own (a copy mixing two stories). A
    pair whose spun side a named source also holds is that source's own text, not this document's swap.
    Documents in `exclude` are never named (a partner of a mutual pair, see name_sources)."""
    open_pairs = [a for a in aligned if doc not in holders.documents(a.source)]
    if len(frozenset().union(*(a.distinct for a in open_pairs))) < min_swaps:
        return []
    verbatim: Counter | None = None
    chosen: list[tuple[int, list[Aligned]]] = []
    while open_pairs:
        by_source: dict[int, list[Aligned]] = {}
        for a in open_pairs:
            for d in holders.documents(a.source) - holders.documents(a.spun) - exclude:
                by_source.setdefault(d, []).append(a)
        strong = {d: pairs for d, pairs in by_source.items() if _spin_evidence(pairs, min_swaps)}
        if not strong:
            break
        if verbatim is None:
            verbatim = Counter(d for unit in holders.units_of(doc) for d, _ in holders.holders(unit) if d != doc)

        def rank(d: int) -> tuple:
            pairs = strong[d]
            aligned_units = len({a.spun for a in pairs})
            shared = sum(max(a.shared for a in pairs if a.spun == unit) for unit in {a.spun for a in pairs})
            return (-(aligned_units + verbatim[d]), -shared, -len(frozenset().union(*(a.distinct for a in pairs))),
                    *holders.tie_break(d))

        best = min(strong, key=rank)
        chosen.append((best, strong[best]))
        # the paragraphs the named source explains: its own, and the spun paragraphs aligned with it (another
        # version's pairs for those are the same swaps seen against a farther text)
        explained = set(holders.units_of(best)) | {a.spun for a in strong[best]}
        open_pairs = [a for a in open_pairs if a.source not in explained and a.spun not in explained]
    return chosen


Sources = dict[int, list[tuple[int, list[Aligned]]]]   # spun document -> choose_sources' answer


def naming_cycles(named: dict[int, list[int]]) -> set[tuple[int, int]]:
    """The naming edges (lower position first) that lie on a cycle of `named` (document -> the documents it is
    named a spun version of): a document named the spun version of its partner (a cycle of two), or A of B, B
    of C and C of A (copies of a story each spun from an original the folder lacks). Tarjan's strongly connected
    components, iteratively (a folder may hold thousands of flagged documents)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    component: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    for root in sorted(named):
        if root in index:
            continue
        work = [(root, iter(named.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(named.get(target, ()))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = node
                        if member == node:
                            break
    return {(min(d, s), max(d, s)) for d, sources in named.items() for s in sources
            if d != s and component[d] == component[s]}


def name_sources(by_spun_doc: dict[int, list[Aligned]], holders: Holders,
                 min_swaps: int) -> tuple[Sources, set[tuple[int, int]]]:
    """Each document's sources (choose_sources) with no naming cycle (no two documents named each other's
    spun version, nor A of B, B of C and C of A), and the naming edges that lay on one (lower position
    first). Each paragraph's direction is decided on its own
    (crossdoc._spun_side_is_first), so two versions that each swapped words the other kept (two copies spinning
    different paragraphs of a story, or a paraphrase and its wire copy) can each hold enough evidence against
    the other: neither reading is right, and which weighs more is no test of which was copied. Such a pair is
    left to review (undetermined), and each of the two is chosen sources again without the other: a copy
    whose spun paragraphs the wire also holds is the wire's spun version, though its partner held more of its
    text and was preferred. A longer cycle is the same contradiction among three or more copies (each spun from
an original the folder lacks, or three outlets' edits of one wire): its edges are such pairs. Repeated until
no new pair appears (the excluded sets only grow)."""
    found: Sources = {d: sources for d, pairs in by_spun_doc.items()
                      if (sources := choose_sources(d, pairs, holders, min_swaps))}
    mutual: set[tuple[int, int]] = set()
    while True:
        new = naming_cycles({d: [s for s, _ in sources] for d, sources in found.items()}) - mutual
        if not new:
            return found, mutual
        mutual |= new
        for d in sorted({d for pair in new for d in pair}):
            partners = frozenset(x for pair in mutual if d in pair for x in pair if x != d)
            sources = choose_sources(d, by_spun_doc[d], holders, min_swaps, exclude=partners)
            if sources:
                found[d] = sources
            else:
                found.pop(d, None)


def undetermined(aligned: Sequence[Aligned], undecided: Sequence[Aligned], found: Sources,
                 mutual: set[tuple[int, int]], holders: Holders, min_swaps: int) -> dict[tuple[int, int], list[Aligned]]:
    """Pairs of documents (lower position first) whose aligned paragraphs show a spin's swaps (the conditions
    of a flag, _spin_evidence) with no telling which of the two is the spun one: pairs of documents neither
    flagged a spun version whose direction was undecided (with the decided pairs between the two), and mutual
    pairs (name_sources) unless both were flagged against others. The caller notes only the unflagged side
    of a pair: a document flagged against a third carries that finding already. Each document's side of a
    pair is its `spun` side in the returned Aligned."""
    flagged = set(found)
    groups: dict[tuple[int, int], list[Aligned]] = defaultdict(list)

    def add(a: Aligned, only: set[tuple[int, int]] | None) -> None:
        spun_docs, source_docs = holders.documents(a.spun), holders.documents(a.source)
        for x in spun_docs - source_docs:
            for y in source_docs - spun_docs:
                key = (min(x, y), max(x, y))
                if {x, y} & flagged and (key not in mutual or {x, y} <= flagged):
                    continue
                if only is None or key in only:
                    groups[key].append(a if x < y else a.reversed())

    for a in undecided:
        add(a, None)
    wanted = set(groups) | {pair for pair in mutual if not set(pair) <= flagged}
    for a in aligned:
        add(a, wanted)
    return {pair: pairs for pair, pairs in sorted(groups.items()) if _spin_evidence(pairs, min_swaps)}
