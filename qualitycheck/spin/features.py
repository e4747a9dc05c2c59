"""Per-span evidence of substitution: the numbers the token model of the spin detector reads.

A context-blind spinner leaves a word that (a) has thesaurus neighbours, one of which it replaced, and
(b) fits its context worse than that neighbour would. So for every content word, and for every 2-3-word
run that is itself a thesaurus entry, we try the neighbours it could have replaced in the LM context
(the word plus the next two words, so broken collocations on the right count too) and keep how much
better the best one fits ("gain"), together with rarity, context fit and repetition. The best neighbour
is the "likely original" shown as evidence.
"""
from __future__ import annotations

import functools
import gzip
import math
from dataclasses import dataclass

import numpy as np

from . import morph
from .fingerprints import Fingerprint
from .lmview import LMView
from .thesaurus import TABLE_DIR, Thesaurus
from .words import STOPWORDS

RIGHT_CONTEXT = 1        # words after the span re-scored with each alternative
MAX_CANDIDATES = 6       # most frequent neighbours tried per span (speed; originals are usually common)
MIN_CANDIDATE_UNIGRAM = -6.5   # log10; rarer neighbours are unlikely originals in news text
# A shorter string is more probable just for having fewer words. When a candidate has a different
# number of words than the span ("life sentence" vs "life"), charge it this log10 cost per missing word
# (about what an ordinary word costs in context) so the comparison is per word, not per string.
WORD_COST = -2.5


def spelling_variant(a: str, b: str) -> bool:
    """British/American or inflectional variants ("defences"/"defenses", "recognise"/"recognize"): a
    spinner's thesaurus does not swap these, and an American-leaning LM would prefer one spelling."""
    if a[:3] != b[:3] or abs(len(a) - len(b)) > 2:
        return False
    # edit distance <= 2 on short suffix differences
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    ta, tb = a[i:], b[i:]
    j = 0
    while j < min(len(ta), len(tb)) and ta[-1 - j] == tb[-1 - j]:
        j += 1
    return max(len(ta), len(tb)) - j <= 2

FEATURE_NAMES = (
    "gain", "gain_beyond_frequency", "gain_top3", "gain_positive",
    "context_logprob", "unigram_logprob", "pmi", "next_logprob",
    "log_candidates", "multiword", "oov", "repeats_in_doc", "best_unigram",
    "web_unigram", "web_unigram_best",
)
ABSENT_WEB_COUNT = 4.0   # log10; the web lists start near 10^4.1, so "absent" sits just below them


@functools.lru_cache(maxsize=1)
def web_tables() -> dict[str, float]:
    """log10 web counts of words, from models/spin/web_unigrams.tsv.gz (see README there): how common a
    word is in web and news usage, beyond the LM's small corpus. (Web bigram counts were tried as a
    collocation feature and gave nothing over the LM's own context scores, so they are not shipped.)"""
    out = []
    for name in ("web_unigrams.tsv.gz",):
        table: dict[str, float] = {}
        path = TABLE_DIR / name
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    key, _, count = line.rstrip("\n").rpartition("\t")
                    table[key] = math.log10(int(count))
        out.append(table)
    return out[0]


@dataclass
class Span:
    """A scored candidate span inside one paragraph (char offsets relative to the paragraph text)."""

    first: int                   # token index of the first word
    last: int                    # token index after the last word
    start: int
    end: int
    word: str
    original: str | None
    features: np.ndarray | None = None
    fingerprint: Fingerprint | None = None
    probability: float = 0.0     # filled by the detector
    llr: float = 0.0


@dataclass
class ParagraphAnalysis:
    tokens: list[tuple[str, int, int]]
    spans: list[Span]
    n_content: int               # plain content words (what a spinner could touch)
    mean_logprob: float


class CandidateIndex:
    """Surface word/phrase -> neighbours it could have replaced, as LM word tuples with unigram scores.
    Cached per process because news repeats its vocabulary."""

    def __init__(self, thesaurus: Thesaurus, view: LMView, cache_size: int = 200_000):
        self.thesaurus = thesaurus
        self.view = view
        self.cache: dict[str, list[tuple[tuple[str, ...], float, str]]] = {}
        self.cache_size = cache_size
        self.phrase_forms = thesaurus.phrase_forms()

    def readings(self, phrase: str) -> list[tuple[str, str]]:
        if " " in phrase:
            return self.phrase_forms.get(phrase, [])
        return [(lemma, tag) for lemma, tag in morph.lemmas(phrase) if lemma in self.thesaurus]

    def candidates(self, phrase: str) -> list[tuple[tuple[str, ...], float, str]]:
        hit = self.cache.get(phrase)
        if hit is not None:
            return hit
        view = self.view
        seen: dict[str, tuple[tuple[str, ...], float, str]] = {}
        for lemma, tag in self.readings(phrase):
            for neighbour in self.thesaurus.neighbours(lemma):
                surface = morph.inflect(neighbour, tag)
                if surface in seen or surface == phrase or not surface.replace(" ", "").isalpha():
                    continue
                if spelling_variant(surface, phrase):
                    continue
                words = tuple(view.norm(w) for w in surface.split(" "))
                if not all(view.contains(w) for w in words):
                    continue
                uni = sum(view.unigram(w) for w in words)
                if uni / len(words) < MIN_CANDIDATE_UNIGRAM:
                    continue
                seen[surface] = (words, uni, surface)
        out = sorted(seen.values(), key=lambda c: -c[1])[:MAX_CANDIDATES]
        if len(self.cache) > self.cache_size:
            self.cache.clear()
        self.cache[phrase] = out
        return out


def _plain(token: str) -> bool:
    return token.isalpha() and token.islower()


def analyze(text: str, view: LMView, index: CandidateIndex,
            fingerprints: dict[tuple[str, ...], Fingerprint],
            doc_counts: dict[str, int] | None = None) -> ParagraphAnalysis:
    """Candidate spans of one paragraph with their feature vectors (no model applied yet)."""
    tokens = view.tokenize(text)
    # surface forms decide what a spinner would touch (names are capitalised); LM tokens are normalised
    raw = [text[s:e].replace("’", "'") for _, s, e in tokens]
    lower = [t.lower() for t in raw]
    words = [t for t, _, _ in tokens]
    states, scores = view.forward(words)
    n = len(words)
    spans: list[Span] = []
    n_content = 0
    doc_counts = doc_counts or {}
    max_fp = max((len(k) for k in fingerprints), default=0)
    web_uni = web_tables()
    for i in range(n):
        tok = raw[i]
        # fingerprints: known spinner phrases, matched on lower-case tokens
        for length in range(min(max_fp, n - i), 1, -1):
            key = tuple(lower[i:i + length])
            if key[-1].endswith("'s"):   # possessive on the last word: "assume tank's"
                key = key[:-1] + (key[-1][:-2],)
            fp = fingerprints.get(key)
            if fp is not None:
                spans.append(Span(i, i + length, tokens[i][1], tokens[i + length - 1][2],
                                  text[tokens[i][1]:tokens[i + length - 1][2]], fp.original, fingerprint=fp))
                break
        if not _plain(tok):
            continue
        single_ok = len(tok) >= 3 and tok not in STOPWORDS
        if single_ok:
            n_content += 1
        for length in (1, 2, 3):
            j = i + length
            if j > n:
                break
            if length == 1:
                if not single_ok:
                    continue
            else:
                if not _plain(raw[j - 1]) or tokens[j - 1][1] - tokens[j - 2][2] != 1:
                    break
                if all(w in STOPWORDS for w in raw[i:j]):
                    continue
            phrase = " ".join(raw[i:j])
            if length > 1 and phrase not in index.phrase_forms:
                continue
            cands = index.candidates(phrase)
            if not cands:
                continue
            stop = min(j + RIGHT_CONTEXT, n)
            actual = sum(scores[i:stop])
            tail = words[j:stop]
            start_state = states[i]
            gains = []
            for cand_words, cand_uni, surface in cands:
                alt = view.continue_score(start_state, cand_words + tuple(tail))
                alt += (length - len(cand_words)) * WORD_COST
                gains.append((alt - actual, cand_uni, surface))
            gains.sort(key=lambda g: -g[0])
            best_gain, best_uni, best_surface = gains[0]
            span_uni = sum(view.unigram(w) for w in words[i:j])
            span_lp = sum(scores[i:j])
            top3 = sum(g[0] for g in gains[:3]) / min(3, len(gains))
            positive = sum(max(g[0], 0.0) for g in gains)
            feats = np.array([
                best_gain,
                best_gain - (best_uni - span_uni),
                top3,
                math.log1p(positive),
                span_lp / length,
                span_uni / length,
                (span_lp - span_uni) / length,
                scores[j] if j < n else 0.0,
                math.log1p(len(cands)),
                float(length > 1),
                float(not view.contains(words[i])),
                math.log1p(max(doc_counts.get(phrase, 1) - 1, 0)),
                best_uni / len(best_surface.split(" ")),
                sum(web_uni.get(w, ABSENT_WEB_COUNT) for w in lower[i:j]) / length,
                sum(web_uni.get(w, ABSENT_WEB_COUNT) for w in best_surface.split(" ")) / len(best_surface.split(" ")),
            ], dtype=np.float64)
            np.clip(feats, -20.0, 20.0, out=feats)
            spans.append(Span(i, j, tokens[i][1], tokens[j - 1][2], text[tokens[i][1]:tokens[j - 1][2]],
                              best_surface, feats))
    mean_lp = float(np.mean(scores)) if scores else 0.0
    return ParagraphAnalysis(tokens, spans, n_content, mean_lp)
