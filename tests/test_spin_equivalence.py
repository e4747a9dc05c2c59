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


def _rescore_spans_reference(analysis, view, keep=None):
    """features.rescore_spans as it was before the rewrite (main at 23ab945)."""
    import numpy as np

    from qualitycheck.spin.features import FEATURE_CLIP, RIGHT_CONTEXT, rescore, state_at

    words = analysis.lm_words
    follow = analysis.follow
    base_score = view.model.BaseScore
    a, b = view.State(), view.State()
    rows = []
    done = []
    for k, (span, info, actual, cheap) in enumerate(analysis.pending):
        if keep is not None and not keep[k]:
            continue
        i, j = span.first, span.last
        length = j - i
        k = j if follow is None else follow[j]
        tail = words[k:k + RIGHT_CONTEXT]
        start_state = state_at(analysis, i, view, words)
        if len(tail) == 1:
            nxt = tail[0]
            gain_list = [(base_score(start_state, words_[0], a) + base_score(a, nxt, b) if len(words_) == 1
                          else rescore(base_score, start_state, words_, tail, a, b)) + penalty - actual
                         for words_, penalty in info.penalties]
        else:
            gain_list = [rescore(base_score, start_state, cand_words, tail, a, b) + penalty - actual
                         for cand_words, penalty in info.penalties]
        best_gain = max(gain_list)
        best_k = gain_list.index(best_gain)
        gain_list.sort(reverse=True)
        best_words, best_uni, best_surface, best_web = info.candidates[best_k]
        top = gain_list[:3]
        rows.append([
            best_gain,
            best_gain - (best_uni - info.unigram),
            sum(top) / len(top),
            math.log1p(sum(g for g in gain_list if g > 0.0)),
            *cheap[:8],
            best_uni / len(best_words),
            cheap[8],
            best_web,
            float(len(best_words) - length),
        ])
        span.original = best_surface
        done.append(span)
    if rows:
        matrix = np.clip(np.array(rows, dtype=np.float64), -FEATURE_CLIP, FEATURE_CLIP)
        for span, row in zip(done, matrix):
            span.features = row


def test_rescoring_matches_the_plain_loop(detector):
    """rescore_spans (one- and two-word candidates scored inline, rows built in place) gives the spans the
    same likely originals and feature rows as the loop it replaced, every span or a screen's selection; and
    the screened detector's batch of rows (rescore_rows, set_features) gives the same rows per span."""
    from qualitycheck.spin.features import find_spans, rescore_rows, rescore_spans, set_features

    view, index, fingerprints = detector.view, detector.index, detector.fingerprints
    rng = random.Random(3)
    texts = _paragraphs(detector, 150, seed=21) + ["The mayor said it.", ""]
    counts = detector.doc_counts(texts)
    batch_spans, batch_rows, expected = [], [], []
    two_word = 0
    for text in texts:
        new, old = (find_spans(text, view, index, fingerprints, counts) for _ in range(2))
        keep = [rng.random() < 0.5 for _ in new.pending] if rng.random() < 0.5 else None
        rescore_spans(new, view, keep)
        _rescore_spans_reference(old, view, keep)
        assert [_span_key(s) for s in new.spans] == [_span_key(s) for s in old.spans]
        again = find_spans(text, view, index, fingerprints, counts)
        done, rows = rescore_rows(again, view, keep)
        batch_spans += done
        batch_rows += rows
        expected += [s for s in old.spans if s.features is not None]
        two_word += sum(len(words) == 2 for _, info, _, _ in new.pending for words, _ in info.penalties)
    set_features(batch_spans, batch_rows)
    assert [_span_key(s) for s in batch_spans] == [_span_key(s) for s in expected]
    assert two_word >= 50 and len(expected) >= 500


def _select_spans_reference(spans):
    used = set()
    out = []
    for span in sorted(spans, key=lambda s: -s.llr):
        tokens = range(span.first, span.last)
        if any(t in used for t in tokens):
            continue
        used.update(tokens)
        out.append(span)
    return out


def _mixture_llr_reference(chosen, rate):
    total = 0.0
    for span in chosen:
        ratio = math.exp(min(span.llr, 30.0))
        total += math.log(1.0 - rate + rate * ratio)
    return total


def _paragraph_features_reference(analysis, chosen):
    import numpy as np

    from qualitycheck.spin.detector import MIX_RATES

    positive = [s.llr for s in chosen if s.llr > 0]
    evidence = sum(positive)
    hits = sum(1 for s in chosen if s.probability >= 0.5)
    strong = sum(1 for s in chosen if s.probability >= 0.8)
    return np.array([
        evidence, evidence / math.sqrt(analysis.n_content + 1), hits, hits / (analysis.n_content + 1),
        max((s.llr for s in chosen), default=0.0), analysis.mean_logprob, math.log1p(analysis.n_content),
        sum(1 for s in chosen if s.fingerprint is not None), strong,
        _mixture_llr_reference(chosen, MIX_RATES[0]), _mixture_llr_reference(chosen, MIX_RATES[1]),
    ])


def test_span_selection_and_paragraph_features_match_the_plain_loops():
    """select_spans, mixture_llr and paragraph_features on random overlapping spans with tied and extreme
    log-likelihood ratios, against the loops they replaced (bit for bit)."""
    from types import SimpleNamespace

    from qualitycheck.spin.detector import MIX_RATES, mixture_llr, paragraph_features, select_spans
    from qualitycheck.spin.features import Span

    rng = random.Random(12)
    for _ in range(2000):
        spans = []
        for _ in range(rng.randint(0, 40)):
            first = rng.randint(0, 30)
            span = Span(first, first + rng.choice([1, 1, 1, 2, 3, 0]), 0, 0, "w", None)
            span.llr = rng.choice([rng.uniform(-8.0, 8.0), rng.choice([-1.5, 0.0, 2.25, 40.0, -40.0])])
            span.probability = rng.random()
            span.fingerprint = object() if rng.random() < 0.05 else None
            spans.append(span)
        chosen = select_spans(spans)
        assert [id(s) for s in chosen] == [id(s) for s in _select_spans_reference(spans)]
        for rate in MIX_RATES + (0.5,):
            assert mixture_llr(chosen, rate) == _mixture_llr_reference(chosen, rate)
        analysis = SimpleNamespace(n_content=rng.randint(0, 60), mean_logprob=rng.uniform(-5.0, -1.0))
        assert (paragraph_features(analysis, chosen).tobytes()
                == _paragraph_features_reference(analysis, chosen).tobytes())


def test_span_log_likelihood_ratios_are_the_logit_of_their_probabilities(detector):
    """The screen and the span model set each span's llr inline; it must be _logit(probability) - _logit(prior),
    bit for bit, for spans scored by either (fingerprint spans carry the fixed FINGERPRINT_LLR)."""
    from qualitycheck.spin.detector import FINGERPRINT_LLR, _logit

    texts = [t for t in _paragraphs(detector, 40, seed=8) if t]
    counts = detector.doc_counts(texts)
    prior = _logit(detector.span_prior)
    checked = {True: 0, False: 0}
    for screen in (True, False):
        for text in texts:
            analysis = detector.analyze_screened([text], counts, [None], [None])[0] if screen else \
                detector.analyze(text, counts)
            for span in detector.score_spans(analysis):
                if span.fingerprint is not None:
                    assert span.llr == FINGERPRINT_LLR
                    continue
                assert span.llr == _logit(span.probability) - prior
                checked[span.features is not None] += 1
    assert checked[True] >= 100 and checked[False] >= 100   # span-model and screen estimates both checked


def test_document_word_counts_match_lower_casing_each_word():
    """doc_counts lower-cases each paragraph before splitting it; the counts must be those of lower-casing
    each whitespace-separated word (the final-sigma rule and odd whitespace included)."""
    from qualitycheck.spin.detector import SpinDetector

    rng = random.Random(17)
    alphabet = (list("aZ '.-\u2019") + ["\u03a3", "\u03c3", "\u03c2", "\u0391", "\u0301", "\u00a0", "\u2003",
                                        "\x1c", "\x1f", "\u0130", "\u1e9e", "\t", "\n", "\u2028"])
    for _ in range(3000):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(rng.randint(1, 4))]
        expected = Counter()
        for text in texts:
            expected.update(w.lower() for w in text.split())
        assert SpinDetector.doc_counts(texts) == expected, texts


def test_weights_for_a_model_follow_its_sidecar(tmp_path):
    """weights_for_model keeps its answer per model file only while the sidecar is unchanged."""
    import json
    import os

    from qualitycheck.spin.detector import WEIGHTS_PATH, weights_for_model

    model = tmp_path / "m.kenlm"
    model.write_bytes(b"")
    assert weights_for_model(str(model)) == WEIGHTS_PATH              # no sidecar
    sidecar = tmp_path / "m.kenlm.json"
    sidecar.write_text(json.dumps({"spin_weights": "a.json"}), encoding="utf-8")
    assert weights_for_model(str(model)) == (tmp_path / "a.json").resolve()
    assert weights_for_model(str(model)) == (tmp_path / "a.json").resolve()
    sidecar.write_text(json.dumps({"spin_weights": "bb.json"}), encoding="utf-8")
    stat = sidecar.stat()
    os.utime(sidecar, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))   # a later modification time
    assert weights_for_model(str(model)) == (tmp_path / "bb.json").resolve()
    sidecar.unlink()
    assert weights_for_model(str(model)) == WEIGHTS_PATH
