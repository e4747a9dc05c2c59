"""The spin detector's rewritten hot loops give exactly what the plain formulations they replaced gave.

Each reference below is the earlier code, kept verbatim as the specification; the rewrites must match it bit for
bit (same spans in the same order, same feature rows, same floats), on random paragraphs built from words
written here, thesaurus entries and phrases, and the fingerprint table's phrases (so every path is taken:
one-word and 2-3-word candidates, fingerprints with possessives, typographic apostrophes, capitals, numbers,
punctuation, non-ASCII words, odd gaps between words). Runs on both shipped LMs; needs the models and spin
tables (skips without them).
"""
from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from tests.conftest import REPO, spin_detector

MODELS = {"en": str(REPO / "models" / "en.kenlm"), "cmu": str(REPO / "models" / "en-cmu.kenlm")}

WORDS = ("the council said on tuesday that a new school would open in the spring after years of delay "
         "residents were worried about traffic and the cost of the project which rose sharply last month "
         "officials promised to publish the figures before the vote but critics called it too little").split()
ODD = ["don\u2019t", "council\u2019s", "O\u2019Brien", "it's", "1,200", "2.5", "42", "caf\u00e9", "na\u00efve",
       "\u0130stanbul", "Stra\u00dfe", "\u6771", "U.S.", "Mr.", "%", "&", "\u2014", "(", ")", ";", ",", ".", "?", "..."]
GAPS = [" "] * 12 + ["  ", "\n", "\u00a0", " - ", ", "]


@pytest.fixture(params=sorted(MODELS))
def detector(request):
    return spin_detector(MODELS[request.param])


def _paragraphs(detector, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    index = detector.index
    singles = sorted(w for w in index.thesaurus.index if " " not in w and w.isalpha())
    phrases = sorted(index.phrase_forms)
    prints = [" ".join(key) for key in sorted(detector.fingerprints.phrases)]
    out = []
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(0, 60)):
            roll = rng.random()
            if roll < 0.35:
                piece = rng.choice(WORDS)
            elif roll < 0.6:
                piece = rng.choice(singles)
            elif roll < 0.72:
                piece = rng.choice(phrases)
            elif roll < 0.78:
                piece = rng.choice(prints)
                if rng.random() < 0.3:
                    piece += rng.choice(["'s", "\u2019s"])
            else:
                piece = rng.choice(ODD)
            if rng.random() < 0.12:
                piece = piece.capitalize() if rng.random() < 0.7 else piece.upper()
            pieces.append(piece)
            pieces.append(rng.choice(GAPS))
        out.append("".join(pieces).strip())
    return out


def _find_spans_reference(text, view, index, fingerprints, doc_counts=None, tokens=None, scores=None):
    """features.find_spans as it was before the rewrite (main at 23ab945)."""
    from qualitycheck.spin.features import STOPWORDS, ParagraphAnalysis, Span, _pattern_spans
    if tokens is None:
        tokens = view.tokenize(text)
    raw = [text[s:e].replace("\u2019", "'") for _, s, e in tokens]
    lower = [t.lower() for t in raw]
    words = view.lm_words([t for t, _, _ in tokens])
    follow = view.following(words) if view.transparent else None
    if scores is None or len(scores) != len(words):
        states, scores = view.forward(words)
    else:
        states = {}
    n = len(words)
    spans = []
    pending = []
    n_content = 0
    doc_counts = doc_counts or {}
    fp_first = frozenset(k[0] for k in fingerprints.phrases)
    max_fp = max((len(k) for k in fingerprints.phrases), default=0)
    fp_phrases = fingerprints.phrases
    phrase_forms, phrase_heads = index.phrase_forms, index.phrase_heads
    phrase_info = index.phrase_info
    plain = [t.isalpha() and t.islower() for t in raw]
    starts = [s for _, s, _ in tokens]
    ends = [e for _, _, e in tokens]
    for i in range(n):
        tok = raw[i]
        if lower[i] in fp_first:
            for length in range(min(max_fp, n - i), 1, -1):
                key = tuple(lower[i:i + length])
                if key[-1].endswith("'s"):
                    key = key[:-1] + (key[-1][:-2],)
                fp = fp_phrases.get(key)
                if fp is not None:
                    spans.append(Span(i, i + length, tokens[i][1], tokens[i + length - 1][2],
                                      text[tokens[i][1]:tokens[i + length - 1][2]], fp.original, fingerprint=fp))
                    break
        if not plain[i]:
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
                phrase = tok
            else:
                if tok not in phrase_heads:
                    break
                if not plain[j - 1] or starts[j - 1] - ends[j - 2] != 1:
                    break
                phrase = " ".join(raw[i:j])
                if phrase not in phrase_forms:
                    continue
                if all(w in STOPWORDS for w in raw[i:j]):
                    continue
            info = phrase_info(phrase, words[i:j])
            if info is None:
                continue
            span_lp = scores[i] if length == 1 else sum(scores[i:j])
            span_uni = info.unigram
            k = j if follow is None else follow[j]
            nxt = scores[k] if k < n else 0.0
            row = [
                span_lp / length,
                span_uni / length,
                (span_lp - span_uni) / length,
                nxt,
                info.log_candidates,
                float(length > 1),
                info.oov,
                math.log1p(max(doc_counts.get(phrase, 1) - 1, 0)),
                info.web,
            ]
            start, end = starts[i], ends[j - 1]
            span = Span(i, j, start, end, text[start:end], None, None, phrase)
            spans.append(span)
            pending.append((span, info, span_lp + nxt if k < n else span_lp, row))
    spans.extend(_pattern_spans(text, tokens, fingerprints))
    return ParagraphAnalysis(tokens, spans, n_content, view.mean_logprob(scores, words), states, scores, pending,
                             words, follow)


def _span_key(span):
    return (span.first, span.last, span.start, span.end, span.word, span.original, span.phrase,
            span.fingerprint, span.probability, span.llr, None if span.features is None else span.features.tobytes())


def _same_analysis(a, b):
    assert a.n_content == b.n_content
    assert a.mean_logprob == b.mean_logprob
    assert list(a.lm_words) == list(b.lm_words) and a.follow == b.follow
    assert list(a.scores) == list(b.scores)
    assert type(a.states) is type(b.states) and (isinstance(a.states, dict) or list(a.states) == list(b.states))
    assert [_span_key(s) for s in a.spans] == [_span_key(s) for s in b.spans]
    assert len(a.pending) == len(b.pending)
    place_a = {id(s): k for k, s in enumerate(a.spans)}
    place_b = {id(s): k for k, s in enumerate(b.spans)}
    for (span_a, info_a, actual_a, row_a), (span_b, info_b, actual_b, row_b) in zip(a.pending, b.pending):
        assert place_a[id(span_a)] == place_b[id(span_b)]
        assert info_a is info_b and actual_a == actual_b
        assert [float(x) for x in row_a] == [float(x) for x in row_b]


def test_find_spans_matches_the_plain_loop(detector):
    from qualitycheck.spin.features import find_spans

    view, index, fingerprints = detector.view, detector.index, detector.fingerprints
    texts = _paragraphs(detector, 300, seed=11) + ["", "...", "Supply hyperlink", "the the the"]
    counts = detector.doc_counts(texts)
    counts.update({"council": 100, "school": 64, "spring": 63, "delay": 0})   # past and at the repeats table's edges
    fingerprinted = possessive = candidates = multiword = 0
    for text in texts:
        for doc_counts in (counts, None):
            new = find_spans(text, view, index, fingerprints, doc_counts)
            old = _find_spans_reference(text, view, index, fingerprints, doc_counts)
            _same_analysis(new, old)
        fingerprinted += sum(s.fingerprint is not None for s in new.spans)
        possessive += sum(s.fingerprint is not None and s.word.endswith(("'s", "\u2019s")) for s in new.spans)
        candidates += len(new.pending)
        multiword += sum(s.last - s.first > 1 for s, *_ in new.pending)
    # every path was taken
    assert fingerprinted >= 20 and possessive >= 3 and candidates >= 2000 and multiword >= 100


def test_find_spans_with_shared_tokens_and_scores_matches_the_plain_loop():
    """The Checker's path: the perplexity signal's tokens and scores handed in (en.kenlm reads both)."""
    from qualitycheck.lm.model import default_model
    from qualitycheck.spin.features import find_spans

    detector = spin_detector(MODELS["en"])
    view, index, fingerprints = detector.view, detector.index, detector.fingerprints
    texts = _paragraphs(detector, 80, seed=5)
    counts = Counter(w.lower() for t in texts for w in t.split())
    for text in texts:
        lm = default_model().score_text(text)
        tokens = [(t, a, b) for t, a, b in zip(lm.tokens, lm.starts, lm.ends)]
        scores = lm.logprobs[:-1].tolist()
        _same_analysis(find_spans(text, view, index, fingerprints, counts, tokens, scores),
                       _find_spans_reference(text, view, index, fingerprints, counts, tokens, scores))


def _lm_words_reference(view, words):
    """SpokenLMView.lm_words as a loop per token (main at 23ab945)."""
    from qualitycheck.spin.lmview import ABBREVIATIONS, SENTENCE_END, SKIP, SPOKEN_WORDS

    out = []
    prev = ""
    for w in words:
        if w[0].isalnum() or w[0] == "'" and len(w) > 1:
            hit = view.spelling.get(w, w)
        elif w in SPOKEN_WORDS:
            hit = SPOKEN_WORDS[w]
        elif w in SENTENCE_END:
            hit = "</s>"
        else:
            hit = SKIP
        if hit == "</s>" and w == "." and (len(prev) == 1 and prev.isalpha() or prev in ABBREVIATIONS):
            hit = SKIP
            if len(prev) == 1 and out[-1] == prev and prev + "." in view.model:
                out[-1] = prev + "."
        out.append(hit)
        prev = w
    return out


def test_spoken_lm_words_match_the_loop_per_token():
    """The CMU view's token -> LM word map (full stops after abbreviations and spelled letters, symbols read as
    words, punctuation skipped), against the loop it replaced, with its memo cold, warm and tiny."""
    from qualitycheck.memo import RecentCache
    from qualitycheck.spin.lmview import SKIP

    view = spin_detector(MODELS["cmu"]).view
    rng = random.Random(7)
    vocab = (WORDS + ["u", "s", "j", "k", "x", "mr", "dr", "st", "inc", "no", "offence", "colour", "labour", "0000",
                      "'s", "'", "o'clock", ".", ".", ".", "...", "!", "?", "%", "&", ",", "-", '"', "(", "\u6771"])
    memo = view._map
    try:
        for size in (3, 30_000):
            view._map = RecentCache(size)
            for _ in range(400):
                words = [rng.choice(vocab) for _ in range(rng.randint(1, 40))]
                expected = _lm_words_reference(view, words)
                assert view.lm_words(words) == expected == view.lm_words(words)
                scores = [rng.uniform(-6.0, 0.0) for _ in words]
                used = [s for s, w in zip(scores, expected) if w != SKIP]
                assert view.mean_logprob(scores, expected) == (sum(used) / len(used) if used else 0.0)
    finally:
        view._map = memo
    assert "u." in view.model   # the spelled-letter rule was reachable
