"""The spin detector's fast paths give the same numbers as the plain computation they replace.

Sentences are written for this test. Each check runs on both shipped LMs the detector can read: models/en.kenlm
(our tokens are its words) and models/en-cmu.kenlm (the default; a spoken-word LM that skips punctuation, see
SpokenLMView). Needs the models and spin tables; skips without them.
"""
from __future__ import annotations

import math

import pytest

from tests.conftest import REPO, spin_detector

MODELS = {"en": str(REPO / "models" / "en.kenlm"), "cmu": str(REPO / "models" / "en-cmu.kenlm")}


@pytest.fixture(params=sorted(MODELS))
def detector(request):
    return spin_detector(MODELS[request.param])


def _lm_words(view, analysis):
    """The LM's words of the analysed tokens, and the position of the next LM word after each token."""
    words = view.lm_words([t for t, _, _ in analysis.tokens])
    follow = view.following(words) if view.transparent else list(range(len(words) + 1))
    return words, follow

SENTENCES = [
    "The mayor announced on Tuesday that the old bridge would be repaired before the winter storms arrive.",
    "Shoppers complained about rising prices, and several bakeries raised the cost of bread again this month.",
    "The committee will decide next week whether the stadium can host the final, a spokesman said.",
    "Farmers in the valley say the dry summer has damaged their crops and emptied the reservoirs.",
]




def _slow_gains(view, words, follow, scores, states, first, last, candidates):
    """Gains recomputed the plain way: each candidate plus the next LM word re-scored from the left state
    (tokens the LM skips in between score 0 and keep the state)."""
    from qualitycheck.spin.features import RIGHT_CONTEXT, WORD_COST
    k = follow[last]
    tail = words[k:k + RIGHT_CONTEXT]
    actual = sum(scores[first:k + RIGHT_CONTEXT])
    out = []
    for cand_words, *_ in candidates:
        alt = view.continue_score(states[first], list(cand_words) + tail)
        out.append(alt + (last - first - len(cand_words)) * WORD_COST - actual)
    return out


def test_fast_gains_match_plain_rescoring(detector):
    view = detector.view
    checked = 0
    for text in SENTENCES:
        analysis = detector.analyze(text)
        words, follow = _lm_words(view, analysis)
        states, scores = view.forward(words)
        for span in analysis.spans:
            if span.features is None:
                continue
            phrase = " ".join(text[s:e].lower() for _, s, e in analysis.tokens[span.first:span.last])
            gains = _slow_gains(view, words, follow, scores, states, span.first, span.last,
                                detector.index.candidates(phrase))
            best = max(gains)
            assert span.features[0] == pytest.approx(max(min(best, 20.0), -20.0), abs=1e-9)
            top = sorted(gains, reverse=True)[:3]
            assert span.features[2] == pytest.approx(max(min(sum(top) / len(top), 20.0), -20.0), abs=1e-9)
            positive = math.log1p(sum(g for g in gains if g > 0))
            assert span.features[3] == pytest.approx(min(positive, 20.0), abs=1e-9)
            checked += 1
    assert checked >= 10   # the sentences do have content words with thesaurus neighbours


def test_phrase_info_matches_candidates(detector):
    from qualitycheck.spin.features import WORD_COST
    index = detector.index
    kinds = set()
    for word in ("decided", "bridge", "complained", "damaged", "storms"):
        info = index.phrase_info(word, [word])
        assert info is not None
        assert info.candidates == index.candidates(word)
        # one-word candidates are scored inline, multi-word ones ("make up") by rescore(); both carry the
        # per-word length charge
        assert info.penalties == tuple((c[0], (1 - len(c[0])) * WORD_COST) for c in info.candidates)
        kinds.add(all(len(c[0]) == 1 for c in info.candidates))
        assert info.unigram == pytest.approx(detector.view.unigram(word))
    assert kinds == {True, False}   # both paths are exercised
    assert index.phrase_info("zzqxv", ["zzqxv"]) is None


def test_states_from_a_window_match_the_forward_pass(detector):
    from qualitycheck.spin.lmview import SKIP
    view = detector.view
    for text in SENTENCES:
        words = view.lm_words([t for t, _, _ in view.tokenize(text)])
        states, scores = view.forward(words)
        for i in range(len(words)):
            state = view.state_before(words, i)
            assert state == states[i]
            if words[i] == SKIP:   # a token the LM never sees scores 0 and keeps the state
                assert scores[i] == 0.0 and states[i + 1] == states[i]
                continue
            out = view.State()
            assert view.model.BaseScore(state, words[i], out) == scores[i]


def test_scores_from_the_perplexity_signal_give_the_same_result(monkeypatch):
    """When the detector reads the perplexity signal's model (en.kenlm), the Checker hands it that signal's
    tokens and scores; the detector then runs no forward pass of its own, and its output equals the one it
    computes alone."""
    from qualitycheck.checker import Checker
    from qualitycheck.lm.model import default_model
    from qualitycheck.spin import lmview

    detector = spin_detector(MODELS["en"])
    lm = [default_model().score_text(t) for t in SENTENCES]
    alone = detector.document(SENTENCES)
    shared = detector.document(SENTENCES, [[(t, a, b) for t, (a, b) in zip(p.tokens, p.spans)] for p in lm],
                               scores=[p.logprobs[:-1].tolist() for p in lm])
    assert shared.score == alone.score
    assert [r.score for r in shared.paragraphs] == [r.score for r in alone.paragraphs]
    assert [r.evidence() for r in shared.paragraphs] == [r.evidence() for r in alone.paragraphs]

    calls = []
    forward = lmview.LMView.forward
    monkeypatch.setattr(lmview.LMView, "forward", lambda self, *a, **k: calls.append(1) or forward(self, *a, **k))
    report = Checker(spin_model_path=MODELS["en"]).check("\n\n".join(SENTENCES))
    assert report.spun["score"] == pytest.approx(alone.score, abs=1e-4)
    assert calls == []


def test_shared_scores_cover_exactly_the_shared_tokens_of_a_cut_paragraph():
    """A paragraph longer than MAX_SCORED_CHARS is scored on its head: the scores handed to the detector
    must be those of exactly the tokens handed to it (the scores count them by their end offsets)."""
    from types import SimpleNamespace

    from qualitycheck.lm.model import default_model
    from qualitycheck.signals import spin as spin_signal

    text = " ".join(SENTENCES) * 40
    assert len(text) > spin_signal.MAX_SCORED_CHARS
    paragraph = SimpleNamespace(lm=default_model().score_text(text))
    detector = SimpleNamespace(view=SimpleNamespace(pre_normalised=True, transparent=False))
    scored = spin_signal._scored_text(text)
    tokens = spin_signal._shared_tokens(paragraph, detector, scored)
    scores = spin_signal._shared_scores(paragraph, detector, scored, same_model=True)
    assert 0 < len(tokens) < paragraph.lm.n_tokens
    assert len(scores) == len(tokens) and tokens[-1][2] <= len(scored)
    assert scores == paragraph.lm.logprobs[:len(tokens)].tolist()
    assert spin_signal._shared_scores(paragraph, detector, scored, same_model=False) is None
    lazy = spin_signal._PerParagraph(lambda k: k * k, 5)
    assert lazy[1:4] == [1, 4, 9] and lazy[-1] == 16 and len(lazy) == 5
    with pytest.raises(IndexError):
        lazy[5]


def test_spoken_lm_as_the_perplexity_model_scores_its_words_and_shares_them(monkeypatch):
    """With --model models/en-cmu.kenlm both signals read the spin LM's file. The perplexity signal must score
    the spoken view's words (a comma is no word to it), not every token as written: those scores, taken as
    the detector's forward pass, flagged 65 of the dev set's 203 unspun documents. Scored the view's way they
    are the detector's own, so it skips its forward pass and its results equal the default run's."""
    from qualitycheck import Checker
    from qualitycheck.spin import lmview

    text = "\n\n".join(SENTENCES + ["The colour of the defence programmes, the minister said, was not the point."])
    default = Checker().check(text)
    calls = []
    forward = lmview.SpokenLMView.forward
    monkeypatch.setattr(lmview.SpokenLMView, "forward", lambda self, *a, **k: calls.append(1) or forward(self, *a, **k))
    both_cmu = Checker(model_path=MODELS["cmu"]).check(text)
    assert len(calls) == len(both_cmu.paragraphs)     # the perplexity signal's passes only
    assert both_cmu.spun == default.spun
    assert [p.get("spun_score") for p in both_cmu.paragraphs] == [p.get("spun_score") for p in default.paragraphs]
    commas = Checker(model_path=MODELS["cmu"], spin_enabled=False)
    with_comma, without = (commas.check(t).paragraphs[0]["perplexity"] for t in
                           ("The council met on Tuesday, and the mayor spoke.",
                            "The council met on Tuesday and the mayor spoke."))
    assert with_comma == without and 10 < with_comma < 5000
