"""Per-span evidence of substitution: the numbers the token model of the spin detector reads.

A context-blind spinner leaves a word that (a) has thesaurus neighbours, one of which it replaced, and
(b) fits its context worse than that neighbour would. So for every content word, and for every 2-3-word
run that is itself a thesaurus entry, we try the neighbours it could have replaced in the LM context
(the word plus the next word, so a broken collocation on the right counts too) and keep how much
better the best one fits ("gain"), together with rarity, context fit and repetition. The best neighbour
is the "likely original" shown as evidence.
"""
from __future__ import annotations

import bisect

import functools
import gzip
import heapq
from array import array
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from . import morph
from ..memo import MISSING, RecentCache
from .fingerprints import Fingerprint, FingerprintTable
from .lmview import LMView
from .thesaurus import TABLE_DIR, Thesaurus, readings_of
from .words import STOPWORDS, spelling_variant

if TYPE_CHECKING:
    import kenlm

RIGHT_CONTEXT = 1        # words after the span re-scored with each alternative (2 measured no better)
MAX_CANDIDATES = 6       # most frequent neighbours tried per span (speed; originals are usually common)
# Neighbours tried when naming the likely original of a reported span (see name_original): more, and
# ranked differently, than the probes above, because here the aim is the true original.
ORIGINAL_CANDIDATES = 12
# Neighbours kept per lemma in the ranking memo (CandidateIndex.ranked_neighbours): first a few more than
# candidates() accepts (it read no further for 96 % of the probes' lemmas over bench documents 101-300, and
# 87 % of the likely originals'), then, for a lemma that needs more, RANKED_KEPT; past those, the whole ranking
# is made again, unmemoised.
RANKED_FIRST = {False: MAX_CANDIDATES + 4, True: ORIGINAL_CANDIDATES + 4}
RANKED_KEPT = 32
# How a word's probes rank its multi-word neighbours (CandidateIndex): by the mean LM unigram of the entry's words,
# or by its rarest word's. The mean favours entries padded with function words ("wait on", "give a hand" before
# "help" for "assist"). Weights record the key they were trained with (weights.json "neighbour_key"; absent:
# "mean"), since the span model learns from the probes' scores. models/spin/README.md has the measurements.
NEIGHBOUR_KEYS = ("mean", "rarest")
MIN_CANDIDATE_UNIGRAM = -6.5   # log10; rarer neighbours are unlikely originals in news text
# A shorter string is more probable just for having fewer words. When a candidate has a different
# number of words than the span ("life sentence" vs "life"), charge it this log10 cost per missing word
# (about what an ordinary word costs in context) so the comparison is per word, not per string.
WORD_COST = -2.5


FEATURE_NAMES = (
    "gain", "gain_beyond_frequency", "gain_top3", "gain_positive",
    "context_logprob", "unigram_logprob", "pmi", "next_logprob",
    "log_candidates", "multiword", "oov", "repeats_in_doc", "best_unigram",
    "web_unigram", "web_unigram_best", "best_length_change",
)
ABSENT_WEB_COUNT = 4.0   # log10; the web lists start near 10^4.1, so "absent" sits just below them


class WebCounts:
    """log10 web counts of words, looked up like a dict (`.get(word, default)`) but held as two flat arrays:
    the words' hashes, sorted, and their counts. The shipped 150,000 words take 2.4 MB instead of ~15 MiB of
    string and float objects in every process. A lookup is Python's own string hash (64 bits, so a word
    outside the table shares a table word's hash about once in 10^14 lookups) and a bisection, ~1 us; the
    detector asks ~260 per document while its memos are cold, ~40 once warm. The hashes are this process's
    (they are salted per interpreter), so the table is built where it is used, never shipped or pickled."""

    def __init__(self, counts: Iterable[tuple[str, float]]) -> None:
        words, values = [], array("d")
        for word, value in counts:
            words.append(word)
            values.append(value)
        hashes = np.fromiter(map(hash, words), dtype=np.int64, count=len(words))
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        self._hashes = array("q", ordered.tobytes())
        self._values = array("d", np.frombuffer(values, dtype=np.float64)[order].tobytes())
        # two table words with one hash (about once in 10^9 interpreters): the plain dict instead
        self._exact = dict(zip(words, values)) if (ordered[1:] == ordered[:-1]).any() else None

    def __len__(self) -> int:
        return len(self._values)

    def get(self, word: str, default: float) -> float:
        if self._exact is not None:
            return self._exact.get(word, default)
        h = hash(word)
        k = bisect.bisect_left(self._hashes, h)
        return self._values[k] if k < len(self._hashes) and self._hashes[k] == h else default


@functools.lru_cache(maxsize=1)
def web_tables() -> WebCounts:
    """log10 web counts of words, from models/spin/web_unigrams.tsv.gz (see README there): how common a
    word is in web and news usage, beyond the LM's small corpus. (Web bigram counts were tried as a
    collocation feature and gave nothing over the LM's own context scores, so they are not shipped.)"""
    path = TABLE_DIR / "web_unigrams.tsv.gz"

    def rows() -> Iterator[tuple[str, float]]:
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    key, _, count = line.rstrip("\n").rpartition("\t")
                    yield key, math.log10(int(count))

    return WebCounts(rows())


@dataclass(slots=True)
class Span:
    """A scored candidate span inside one paragraph (char offsets relative to the paragraph text)."""

    first: int                   # token index of the first word
    last: int                    # token index after the last word
    start: int
    end: int
    word: str
    original: str | None
    features: np.ndarray | None = None
    phrase: str | None = None    # the candidate-index key (surface words, straight apostrophes)
    fingerprint: Fingerprint | None = None
    probability: float = 0.0     # filled by the detector
    llr: float = 0.0


@dataclass(slots=True)
class PhraseInfo:
    """What analyze() needs about a phrase that does not depend on its context, computed once per phrase:
    its candidates (with the per-word length charge already applied) and its context-free features."""

    candidates: list[tuple[tuple[str, ...], float, str, float]]
    penalties: tuple[tuple[tuple[str, ...], float], ...]   # (candidate LM words, length charge)
    unigram: float               # summed LM unigram log10 prob of the phrase's words
    web: float                   # mean web log10 count of the phrase's words
    log_candidates: float
    oov: float                   # first word unknown to the LM


@dataclass
class ParagraphAnalysis:
    tokens: list[tuple[str, int, int]]
    spans: list[Span]
    n_content: int               # plain content words (what a spinner could touch)
    mean_logprob: float
    # KenLM state before each token: a list from forward(), or a dict filled on demand (see state_at)
    states: list | dict = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    # filled by find_spans for rescore_spans (and the screen): per candidate span not yet re-scored,
    # (span, its phrase info, LM score of span + right context, its CHEAP_FEATURES)
    pending: list = field(default_factory=list)
    # the LM's word per token (view.lm_words) and, for views with tokens invisible to the LM, the index of
    # the first LM-visible token at or after each position (None: every token is an LM word)
    lm_words: list[str] = field(default_factory=list)
    follow: list[int] | None = None


class CandidateIndex:
    """Surface word/phrase -> neighbours it could have replaced, as LM word tuples with unigram scores.
    Cached per process because news repeats its vocabulary."""

    def __init__(self, thesaurus: Thesaurus, view: LMView, cache_size: int = 40_000, neighbour_key: str = "mean"):
        if neighbour_key not in NEIGHBOUR_KEYS:
            raise ValueError(f"neighbour_key must be one of {NEIGHBOUR_KEYS}, not {neighbour_key!r}")
        self.thesaurus = thesaurus
        self.view = view
        self.neighbour_key = neighbour_key
        # phrase -> [(LM words, unigram log10 prob, surface, web log10 count)]; the probes' candidates are
        # kept in phrase_info's memo, the likely originals here
        self.likely_cache: RecentCache[str, list[tuple[tuple[str, ...], float, str, float]]] = RecentCache(cache_size)
        self.phrase_forms = thesaurus.phrase_forms()
        # first word of every multi-word form: find_spans joins and looks up a 2-3-word run only when its
        # first word can begin one (a set of first-word pairs was tried too: 37 MiB per process for a few
        # percent of the detector's time)
        self.phrase_heads = frozenset(form.split(" ", 1)[0] for form in self.phrase_forms)
        self._ranked: RecentCache[str, tuple[str, ...]] = RecentCache(cache_size)
        self._ranked_likely: RecentCache[str, tuple[str, ...]] = RecentCache(cache_size)
        # The default-key ranking of each thesaurus group (see _group_ranking), kept once made, in flat arrays
        # indexed by the group's slots (group gid holds slots _slot[gid] to _slot[gid + 1]): 2.1 MB for the
        # shipped tables' 56,405 groups of 198,090 members. A memo of 5,000 groups (about 2 MB when full)
        # re-ranked groups over and over: 7,565 of the 12,120 rankings over bench documents 101-300.
        sizes = [len(members) for members in thesaurus.groups]
        widest = max(sizes, default=0)
        self._slot = array("l" if sum(sizes) >= 2**31 else "i", itertools.accumulate(sizes, initial=0))
        # members ranked (those the LM knows) per group; -1: not ranked yet
        self._ranked_count = array("h" if widest < 2**15 else "l", [-1]) * len(sizes)
        self._ranked_keys = array("d", [0.0]) * self._slot[-1]   # negated rank key of each ranked member
        self._ranked_place = array("B" if widest <= 256 else "l", [0]) * self._slot[-1]   # its place in the group
        # the other rank key (likely originals, asked for far less often): a bounded memo per group
        self._groups_likely: RecentCache[int, tuple[array, tuple[str, ...]]] = RecentCache(cache_size // 8)
        self._info: RecentCache[str, PhraseInfo | None] = RecentCache(cache_size)
        # surface -> its candidate tuple (None: unknown to the LM or too rare), and (surface, words in the
        # phrase) -> (LM words, length charge): shared by every phrase that lists them, so the per-phrase
        # memos hold references, not copies
        self._surfaces: RecentCache[str, tuple[tuple[str, ...], float, str, float] | None] = RecentCache(
            3 * cache_size)
        self._charges: RecentCache[tuple[str, int], tuple[tuple[str, ...], float]] = RecentCache(3 * cache_size)
        self._entry_scores: dict[str, float | None] = {}   # entry -> summed unigram (a float, not a pair: ~100k entries)

    def clear_memos(self) -> None:
        """Drop the per-phrase memos; they refill as documents are checked. Frees their memory (tens of MiB
        after a few thousand documents) for the work that follows the checking, such as a scan's folder pass."""
        for memo in (self.likely_cache, self._ranked, self._ranked_likely, self._groups_likely,
                     self._info, self._surfaces, self._charges, self._entry_scores):
            memo.clear()

    def readings(self, phrase: str) -> list[tuple[str, str]]:
        if " " in phrase:
            # the index's own forms (find_spans reads them too), not the thesaurus's, which a release drops
            got = self.phrase_forms.get(phrase)
            return [] if got is None else list(readings_of(got))
        known = self.thesaurus.index
        return [(lemma, tag) for lemma, tag in morph.lemmas(phrase) if lemma in known]

    def ranked_neighbours(self, lemma: str, likely: bool = False, whole: bool = False,
                          more: bool = False) -> tuple[str, ...]:
        """Thesaurus neighbours of a lemma that the LM knows, cached per lemma, so candidates() can stop
        after enough accepted ones. Default order (the detector's probes): most frequent first by the LM
        unigram of a single word, and of a multi-word entry by the mean of its words' or its rarest word's
        (self.neighbour_key; ranking by web counts instead was measured worse, devset AUC 0.90 vs 0.93).
        likely=True: ordered by how likely each entry is to be the word a spinner picking neighbours
        uniformly replaced with this one, P(entry) / its own neighbour count.
        Ties keep the thesaurus order (Thesaurus.neighbours). A lemma has ~110 neighbours and candidates()
        rarely reads past the first dozen, so this gives (and memoises) the first RANKED_FIRST[likely] of the
        ranking, or with more=True its first RANKED_KEPT; whole=True ranks them all, unmemoised, for when
        those run out. Each is a prefix of the next."""
        ranked = self._ranked_likely if likely else self._ranked
        hit = None if whole or more else ranked.get(lemma)
        if hit is None:
            merged = self._merged_neighbours(lemma, likely)
            if whole:
                return tuple(merged)
            hit = ranked.put(lemma, tuple(itertools.islice(merged, RANKED_KEPT if more else RANKED_FIRST[likely])))
        return hit

    def _merged_neighbours(self, lemma: str, likely: bool) -> Iterator[str]:
        """The ranking of ranked_neighbours(), lazily: each of the lemma's thesaurus groups is ranked once
        (and kept, since the groups are shared by all their members) and the groups are merged, so a
        lemma's first RANKED_KEPT cost a few heap steps instead of ranking its ~110 neighbours. Order: rank
        key, then group, then place in the group, which is the stable sort of the neighbours in
        Thesaurus.neighbours order (an entry in several groups first appears from its first group). The
        heap holds one entry per group, so (key, group) decides and the place never needs comparing."""
        gids = self.thesaurus.index.get(lemma, ())
        seen = {lemma}
        if likely:
            rankings = [self._group_ranking(gid, True) for gid in gids]
            heap = [(keys[0], rank, 0) for rank, (keys, _) in enumerate(rankings) if keys]
            heapq.heapify(heap)
            while heap:
                _, rank, k = heap[0]
                keys, words = rankings[rank]
                word = words[k]
                if k + 1 < len(keys):
                    heapq.heapreplace(heap, (keys[k + 1], rank, k + 1))
                else:
                    heapq.heappop(heap)
                if word not in seen:
                    seen.add(word)
                    yield word
            return
        # the default key's rankings, read from the flat table in place: a heap entry is (key, group rank,
        # slot of the member) and each group's slots end at ends[rank]
        table, places, slot, counts, groups = (self._ranked_keys, self._ranked_place, self._slot,
                                               self._ranked_count, self.thesaurus.groups)
        heap = []
        ends = []
        members = []
        for rank, gid in enumerate(gids):
            first, count = slot[gid], counts[gid]
            if count < 0:
                count = self._rank_group(gid)
            ends.append(first + count)
            members.append(groups[gid])
            if count:
                heap.append((table[first], rank, first))
        heapq.heapify(heap)
        while heap:
            _, rank, at = heap[0]
            word = members[rank][places[at]]
            at += 1
            if at < ends[rank]:
                heapq.heapreplace(heap, (table[at], rank, at))
            else:
                heapq.heappop(heap)
            if word not in seen:
                seen.add(word)
                yield word

    def _scored_members(self, gid: int, likely: bool) -> list[tuple[float, int, str]]:
        """(negated rank key, place, entry) of the members of thesaurus group `gid` the LM knows, best first
        (see ranked_neighbours for the two rank keys; ties keep their place in the group)."""
        scores = self._entry_scores
        rarest, unigram = self.neighbour_key == "rarest", self.view.unigram
        scored = []
        for place, w in enumerate(self.thesaurus.groups[gid]):
            score = scores.get(w, False)
            if score is False:
                score = scores[w] = self._entry_score(w)
            if score is not None:
                if likely:
                    key = score - math.log10(self.thesaurus.neighbour_count(w) or 1)
                elif " " not in w:
                    key = score
                elif rarest:
                    key = min(map(unigram, w.split(" ")))
                else:
                    key = score / (w.count(" ") + 1)
                scored.append((-key, place, w))
        scored.sort()
        return scored

    def _rank_group(self, gid: int) -> int:
        """Rank group `gid` by the default key into the flat table; the number of members ranked."""
        scored = self._scored_members(gid, False)
        first = self._slot[gid]
        for k, (negkey, place, _) in enumerate(scored, first):
            self._ranked_keys[k] = negkey
            self._ranked_place[k] = place
        self._ranked_count[gid] = len(scored)
        return len(scored)

    def _group_ranking(self, gid: int, likely: bool) -> tuple[array, tuple[str, ...]]:
        """The members of thesaurus group `gid` the LM knows, best first, with their negated rank keys (the
        likely key, memoised here; the default key is kept in the flat table)."""
        if not likely:
            first, count = self._slot[gid], self._ranked_count[gid]
            if count < 0:
                count = self._rank_group(gid)
            group = self.thesaurus.groups[gid]
            return (self._ranked_keys[first:first + count],
                    tuple(group[p] for p in self._ranked_place[first:first + count]))
        memo = self._groups_likely
        hit = memo.get(gid)
        if hit is None:
            scored = self._scored_members(gid, True)
            hit = memo.put(gid, (array("d", [negkey for negkey, _, _ in scored]), tuple(w for _, _, w in scored)))
        return hit

    def _entry_score(self, entry: str) -> float | None:
        """Summed LM unigram log10 probs of a thesaurus entry's words (the ranking divides by the word count
        for the mean), None if the LM lacks one of them. Memoised per entry (in _entry_scores): thesaurus
        groups overlap, so the same entries come back for many lemmas."""
        view = self.view
        parts = entry.split(" ")
        if not all(view.contains(p) for p in parts):
            return None
        return sum(view.unigram(p) for p in parts)

    def candidates(self, phrase: str, likely: bool = False) -> list[tuple[tuple[str, ...], float, str, float]]:
        """Up to MAX_CANDIDATES neighbours of `phrase` in the order of ranked_neighbours (or, likely=True,
        up to ORIGINAL_CANDIDATES likely originals), inflected like it: (LM words, summed unigram log10
        prob, surface, mean web log10 count)."""
        if likely:
            hit = self.likely_cache.get(phrase)
            if hit is not None:
                return hit
        limit = ORIGINAL_CANDIDATES if likely else MAX_CANDIDATES
        first = RANKED_FIRST[likely]
        surfaces = self._surfaces
        surfaces_pop = surfaces.pop
        seen: dict[str, tuple[tuple[str, ...], float, str, float]] = {}
        for lemma, tag in self.readings(phrase):
            accepted, k = 0, 0
            ranked = self.ranked_neighbours(lemma, likely)
            while accepted < limit:
                if k == len(ranked):
                    # a prefix shorter than the one asked for is the whole ranking
                    if len(ranked) == first:
                        ranked = self.ranked_neighbours(lemma, likely, more=True)
                    elif len(ranked) == RANKED_KEPT:
                        ranked = self.ranked_neighbours(lemma, likely, whole=True)
                    else:
                        break
                    if k == len(ranked):
                        break
                neighbour = ranked[k]
                k += 1
                surface = morph.inflect(neighbour, tag) if tag else neighbour
                if surface in seen or surface == phrase or not surface.replace(" ", "").isalpha():
                    continue
                # (spelling variants share their first three letters: most neighbours fail that test here)
                if surface[:3] == phrase[:3] and spelling_variant(surface, phrase):
                    continue
                cand = surfaces_pop(surface, MISSING)   # RecentCache.recall, inline
                if cand is MISSING:
                    cand = surfaces.put(surface, self._candidate(surface))
                else:
                    surfaces[surface] = cand
                if cand is None:
                    continue
                seen[surface] = cand
                accepted += 1
        out = sorted(seen.values(), key=lambda c: -c[1])[:limit]
        return self.likely_cache.put(phrase, out) if likely else out

    def _candidate(self, surface: str) -> tuple[tuple[str, ...], float, str, float] | None:
        """(LM words, summed unigram log10 prob, surface, mean web log10 count) of a candidate surface
        form, or None when the LM lacks one of its words or it is too rare to be a likely original."""
        view = self.view
        words = tuple(view.norm(w) for w in surface.split(" "))
        if not all(view.contains(w) for w in words):
            return None
        uni = sum(view.unigram(w) for w in words)
        if uni / len(words) < MIN_CANDIDATE_UNIGRAM:
            return None
        web = web_tables()
        return words, uni, surface, sum(web.get(w, ABSENT_WEB_COUNT) for w in words) / len(words)

    def _charge(self, cand: tuple[tuple[str, ...], float, str, float], length: int) -> tuple[tuple[str, ...], float]:
        """(candidate LM words, the WORD_COST charge for replacing `length` words with them), shared."""
        key = (cand[2], length)
        hit = self._charges.recall(key)
        if hit is MISSING:
            hit = self._charges.put(key, (cand[0], (length - len(cand[0])) * WORD_COST))
        return hit

    def phrase_info(self, phrase: str, words: list[str]) -> PhraseInfo | None:
        """Candidates and context-free features of `phrase` (whose LM tokens are `words`), or None when
        it has no candidates. Cached: news repeats its vocabulary, and this is most of a span's
        non-LM work."""
        hit = self._info.recall(phrase)
        if hit is not MISSING:
            return hit
        cands = self.candidates(phrase)
        info = None
        if cands:
            view = self.view
            web = web_tables()
            length = len(words)
            info = PhraseInfo(
                candidates=cands,
                penalties=tuple(self._charge(c, length) for c in cands),
                unigram=sum(view.unigram(w) for w in words),
                web=sum(web.get(w, ABSENT_WEB_COUNT) for w in phrase.split(" ")) / length,
                log_candidates=math.log1p(len(cands)),
                oov=float(not view.contains(words[0])),
            )
        return self._info.put(phrase, info)


def rescore(base_score: Callable[..., float], state: "kenlm.State", words: tuple[str, ...], tail: list[str],
            a: "kenlm.State", b: "kenlm.State") -> float:
    """log10 P(words + tail | state), walking KenLM states; `a` and `b` are scratch out-states."""
    alt = base_score(state, words[0], a)
    for w in words[1:]:
        alt += base_score(a, w, b)
        a, b = b, a
    for w in tail:
        alt += base_score(a, w, b)
        a, b = b, a
    return alt


# Columns of FEATURE_NAMES computed before any re-scoring (context fit, rarity, repetition): what the
# screen (detector.SpanScreen) reads to decide which spans are worth re-scoring at all.
CHEAP_FEATURES = (4, 5, 6, 7, 8, 9, 10, 11, 13)
FEATURE_CLIP = 20.0


def analyze(text: str, view: LMView, index: CandidateIndex,
            fingerprints: FingerprintTable,
            doc_counts: dict[str, int] | None = None,
            tokens: list[tuple[str, int, int]] | None = None) -> ParagraphAnalysis:
    """Candidate spans of one paragraph with their full feature vectors (no model applied yet): every
    span re-scored, as training and the unscreened detector need."""
    analysis = find_spans(text, view, index, fingerprints, doc_counts, tokens)
    rescore_spans(analysis, view)
    return analysis


def find_spans(text: str, view: LMView, index: CandidateIndex,
               fingerprints: FingerprintTable,
               doc_counts: dict[str, int] | None = None,
               tokens: list[tuple[str, int, int]] | None = None,
               scores: list[float] | None = None) -> ParagraphAnalysis:
    """First pass over a paragraph: fingerprint spans, and the candidate spans (words and thesaurus phrases
    with neighbours) with their CHEAP_FEATURES, which need only the one forward LM pass. `tokens`: the
    paragraph's (LM token, start, end) list when the caller already has it (the perplexity signal
    tokenised the paragraph with the same tokenizer), else the view tokenises; `scores`: their log10
    probabilities from <s> on, if the caller has them too (then the states a re-scoring starts from are
    built only where one is needed)."""
    if tokens is None:
        tokens = view.tokenize(text)
    n = len(tokens)
    if n:
        lm_tokens, starts, ends = zip(*tokens)
    else:
        lm_tokens = starts = ends = ()
    # surface forms decide what a spinner would touch (names are capitalised); LM tokens are normalised.
    # The typographic apostrophe is straightened in the whole text at once (one character for one, so the
    # token offsets still hold), and the tokens are cut from it by C-level maps, not a loop per token.
    surface = text.replace("\u2019", "'")
    raw = list(map(surface.__getitem__, map(slice, starts, ends)))
    words = view.lm_words(list(lm_tokens))
    follow = view.following(words) if view.transparent else None
    states: list | dict
    if scores is None or len(scores) != len(words):
        states, scores = view.forward(words)
    else:
        states = {}
    doc_counts = doc_counts or {}
    # fingerprints: known spinner phrases, matched on lower-case tokens, tried only at tokens that can begin one
    fp_spans: list[Span] = []
    fp_index = _fingerprint_index(fingerprints.phrases)
    if fp_index:
        lower = list(map(str.lower, raw))
        if not fp_index.keys().isdisjoint(lower):
            fp_spans = _phrase_fingerprints(text, starts, ends, lower, fp_index, fingerprints.phrases)
    # candidate spans, in token order and, at one token, by length (1-3 words): a lower-case word that is
    # not a stopword, and 2-3-word runs of lower-case words one character apart that are thesaurus phrases
    spans: list[Span] = []
    pending: list[tuple[Span, PhraseInfo, float, list[float]]] = []
    n_content = 0
    phrase_forms, phrase_heads = index.phrase_forms, index.phrase_heads
    phrase_info = index.phrase_info
    # phrase_info's memo read here directly (a hit moved to the recent end, as RecentCache.recall does)
    memo = index._info
    memo_pop = memo.pop
    plain = [t.isalpha() and t.islower() for t in raw]
    counts_get = doc_counts.get
    repeats = _REPEATS
    for i in itertools.compress(range(n), plain):
        tok = raw[i]
        if len(tok) >= 3 and tok not in STOPWORDS:
            n_content += 1
            info = memo_pop(tok, MISSING)
            if info is MISSING:
                info = phrase_info(tok, words[i:i + 1])
            else:
                memo[tok] = info
            if info is not None:
                span_lp = scores[i]
                span_uni = info.unigram
                k = i + 1 if follow is None else follow[i + 1]   # the next LM word
                if k < n:
                    nxt = scores[k]
                    actual = span_lp + nxt
                else:
                    nxt = 0.0
                    actual = span_lp
                count = counts_get(tok, 1)
                row = [span_lp, span_uni, span_lp - span_uni, nxt, info.log_candidates, 0.0, info.oov,
                       repeats[count] if 0 <= count < _REPEATS_MAX else math.log1p(count - 1), info.web]
                span = Span(i, i + 1, starts[i], ends[i], tok, None, None, tok)
                spans.append(span)
                # the LM score of the span plus its right context, as the re-scorings are compared with it
                pending.append((span, info, actual, row))
        if tok not in phrase_heads:   # no 2-3-word entry starts with this word
            continue
        phrase = tok
        for j in (i + 2, i + 3):
            if j > n or not plain[j - 1] or starts[j - 1] - ends[j - 2] != 1:
                break
            phrase = f"{phrase} {raw[j - 1]}"   # " ".join(raw[i:j])
            if phrase not in phrase_forms:
                continue
            if all(w in STOPWORDS for w in raw[i:j]):
                continue
            info = memo_pop(phrase, MISSING)
            if info is MISSING:
                info = phrase_info(phrase, words[i:j])
            else:
                memo[phrase] = info
            if info is None:
                continue
            length = j - i
            span_lp = sum(scores[i:j])
            span_uni = info.unigram
            k = j if follow is None else follow[j]   # the next LM word
            nxt = scores[k] if k < n else 0.0
            row = [
                span_lp / length,
                span_uni / length,
                (span_lp - span_uni) / length,
                nxt,
                info.log_candidates,
                1.0,
                info.oov,
                math.log1p(max(counts_get(phrase, 1) - 1, 0)),
                info.web,
            ]
            start, end = starts[i], ends[j - 1]
            span = Span(i, j, start, end, text[start:end], None, None, phrase)
            spans.append(span)
            pending.append((span, info, span_lp + nxt if k < n else span_lp, row))
    if fp_spans:
        # a fingerprint span comes before the candidate spans starting at its token (stable sort)
        spans = sorted(fp_spans + spans, key=lambda s: (s.first, s.fingerprint is None))
    spans.extend(_pattern_spans(text, tokens, fingerprints))
    return ParagraphAnalysis(tokens, spans, n_content, view.mean_logprob(scores, words), states, scores, pending,
                             words, follow)


# log1p(count - 1) of a phrase seen `count` times in the document (the repeats_in_doc feature), for small counts
_REPEATS_MAX = 64
_REPEATS = tuple(math.log1p(max(c - 1, 0)) for c in range(_REPEATS_MAX))


def _phrase_fingerprints(text: str, starts, ends, lower: list[str], fp_index: dict, phrases: dict) -> list[Span]:
    """Spans of the fingerprint table's fixed phrases: at each token that can begin one, the longest match.
    Only the lengths of the phrases that begin with the token's word and the next word are tried (the next
    word may carry the possessive when it ends a two-word phrase: "assume tank's")."""
    out = []
    n = len(lower)
    for i in [i for i, t in enumerate(lower) if t in fp_index]:
        if i + 1 == n:
            continue
        nxt = lower[i + 1]
        for length, second in fp_index[lower[i]]:
            if length > n - i or (nxt != second and (length != 2 or nxt != second + "'s")):
                continue
            key = tuple(lower[i:i + length])
            if key[-1].endswith("'s"):   # possessive on the last word: "assume tank's"
                key = key[:-1] + (key[-1][:-2],)
            fp = phrases.get(key)
            if fp is not None:
                out.append(Span(i, i + length, starts[i], ends[i + length - 1],
                                text[starts[i]:ends[i + length - 1]], fp.original, fingerprint=fp))
                break
    return out


def rescore_spans(analysis: ParagraphAnalysis, view: LMView, keep: list[bool] | None = None) -> None:
    """Second pass: re-score the pending spans (those `keep` marks, default all) with each of their
    candidates in context and give them their full feature vectors; the rest keep features=None."""
    done, rows = rescore_rows(analysis, view, keep)
    set_features(done, rows)


def rescore_rows(analysis: ParagraphAnalysis, view: LMView,
                 keep: list[bool] | None = None) -> tuple[list[Span], list[list[float]]]:
    """rescore_spans without storing the rows: the spans re-scored (with their likely originals set) and their
    feature rows, unclipped, for set_features (which the screened detector calls once per batch)."""
    words = analysis.lm_words
    follow = analysis.follow
    base_score = view.model.BaseScore
    # scratch out-states for re-scoring, reused across spans: BaseScore overwrites its out-state
    a, b = view.State(), view.State()
    states = analysis.states
    forward_states = isinstance(states, list)
    rows: list[list[float]] = []
    done: list[Span] = []
    pending = analysis.pending if keep is None else itertools.compress(analysis.pending, keep)
    for span, info, actual, cheap in pending:
        i, j = span.first, span.last
        k = j if follow is None else follow[j]
        tail = words[k:k + RIGHT_CONTEXT]
        start_state = states[i] if forward_states else state_at(analysis, i, view, words)
        if len(tail) == 1:
            # the common case (one word of right context): one- and two-word candidates inline, the same
            # sums in the same order as rescore(), which longer candidates and the general case use
            nxt = tail[0]
            gain_list = [(base_score(start_state, words_[0], a) + base_score(a, nxt, b) if len(words_) == 1
                          else base_score(start_state, words_[0], a) + base_score(a, words_[1], b)
                          + base_score(b, nxt, a) if len(words_) == 2
                          else rescore(base_score, start_state, words_, tail, a, b)) + penalty - actual
                         for words_, penalty in info.penalties]
        else:
            gain_list = [rescore(base_score, start_state, cand_words, tail, a, b) + penalty - actual
                         for cand_words, penalty in info.penalties]
        best_gain = max(gain_list)
        best_words, best_uni, best_surface, best_web = info.candidates[gain_list.index(best_gain)]  # the first best
        gain_list.sort(reverse=True)
        top = gain_list[:3]
        row = [
            best_gain,
            best_gain - (best_uni - info.unigram),
            sum(top) / len(top),
            math.log1p(sum(g for g in gain_list if g > 0.0)),
        ]
        row += cheap   # FEATURE_NAMES 4-11, then web_unigram (moved into place below)
        web = row.pop()
        row += (best_uni / len(best_words), web, best_web, float(len(best_words) - (j - i)))
        rows.append(row)
        span.original = best_surface
        done.append(span)
    return done, rows


def set_features(spans: list[Span], rows: list[list[float]]) -> None:
    """Give each span its row of `rows`, clipped to +-FEATURE_CLIP, as one matrix."""
    if rows:
        matrix = np.clip(float_matrix(rows, len(FEATURE_NAMES)), -FEATURE_CLIP, FEATURE_CLIP)
        for span, row in zip(spans, matrix):
            span.features = row


def float_matrix(rows: list[list[float]], width: int) -> np.ndarray:
    """np.array(rows, dtype=np.float64) for rows of `width` floats, a quarter faster (no shape discovery)."""
    return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.float64,
                       count=len(rows) * width).reshape(len(rows), width)


def state_at(analysis: ParagraphAnalysis, i: int, view: LMView, words: list[str] | None = None) -> "kenlm.State":
    """The LM state before token i: from forward()'s list, or built on demand and kept."""
    states = analysis.states
    if isinstance(states, list):
        return states[i]
    hit = states.get(i)
    if hit is None:
        hit = states[i] = view.state_before(words or analysis.lm_words, i)
    return hit


def name_original(span: Span, analysis: ParagraphAnalysis, view: LMView, index: CandidateIndex) -> None:
    """Set span.original to the best fit, in the span's LM context, among its ORIGINAL_CANDIDATES likely
    originals. The span's features come from the frequency-ranked probes, which find the true original
    less often: on synthetic test spins scored with an LM that never saw them, the original named for a
    detected substitution was right for 75 -> 79 % (wordnet spinner), 40 -> 50 % (aiksaurus), 80 -> 82 %
    (phrase). Called only for spans reported as evidence, so the extra re-scoring is a few calls per
    flagged word."""
    if span.phrase is None or not analysis.tokens:
        return
    cands = index.candidates(span.phrase, likely=True)
    if not cands:
        return
    i, j = span.first, span.last
    words = analysis.lm_words
    k = j if analysis.follow is None else analysis.follow[j]
    tail = words[k:k + RIGHT_CONTEXT]
    base_score, start = view.model.BaseScore, state_at(analysis, i, view, words)
    a, b = view.State(), view.State()
    fits = [rescore(base_score, start, c[0], tail, a, b) + (j - i - len(c[0])) * WORD_COST for c in cands]
    span.original = cands[fits.index(max(fits))][2]


def _pattern_spans(text: str, tokens: list[tuple[str, int, int]], table: FingerprintTable) -> list[Span]:
    """Fingerprint spans from the table's regular expressions and trailer templates (whole short lines)."""
    if not tokens or not (table.patterns or table.trailers):
        return []
    hits = table.pattern_hits(text)
    whole = table.trailer(text)
    if whole is not None:
        hits.append((tokens[0][1], tokens[-1][2], whole))
    if not hits:
        return []
    out = []
    # Tokens are in text order and do not overlap, so their starts and ends are both sorted: the tokens
    # a hit covers (start < end of hit, end > start of hit) are one run, found by bisection (a scan of
    # every token per hit was quadratic in a paragraph full of hits).
    starts = [s for _, s, _ in tokens]
    ends = [e for _, _, e in tokens]
    for start, end, fp in hits:
        first, last = bisect.bisect_right(ends, start), bisect.bisect_left(starts, end)
        if first < last:
            out.append(Span(first, last, tokens[first][1], tokens[last - 1][2],
                            text[tokens[first][1]:tokens[last - 1][2]], fp.original, fingerprint=fp))
    return out


_FP_INDEX: dict[int, dict[str, tuple[tuple[int, str], ...]]] = {}


def _fingerprint_index(phrases: dict) -> dict[str, tuple[tuple[int, str], ...]]:
    """First word of the table's phrases of two or more words -> (length, second word) of each, longest
    first (built once per table)."""
    key = id(phrases)
    hit = _FP_INDEX.get(key)
    if hit is None:
        heads: dict[str, list[tuple[int, str]]] = {}
        for words in phrases:
            if len(words) >= 2:
                heads.setdefault(words[0], []).append((len(words), words[1]))
        hit = _FP_INDEX[key] = {head: tuple(sorted(set(pairs), key=lambda p: -p[0])) for head, pairs in heads.items()}
    return hit
