"""The spin detector's screen: which candidate spans it skips, and that skipping leaves the scores and
the evidence where full re-scoring puts them. Text written for these tests (the story in
test_spin_detector.py). Needs the shipped language model and weights."""
from __future__ import annotations

import math

import pytest

from tests.conftest import spin_detector as _detector
from tests.test_spin_detector import STORY, _spin


def _skipped(result) -> list:
    return [s for r in result.paragraphs for s in r.spans if s.features is None and s.fingerprint is None]


def test_screen_skips_most_spans_of_clean_text():
    detector = _detector()
    if detector.screen is None:
        pytest.skip("weights.json ships no screen")
    screened = detector.document(STORY)
    exact = detector.document(STORY, screen=False)
    chosen = [s for r in screened.paragraphs for s in r.spans]
    assert len(_skipped(screened)) >= 0.5 * len(chosen)
    assert not _skipped(exact)   # screen=False re-scores every span
    assert screened.score == pytest.approx(exact.score, abs=0.05)
    for a, b in zip(screened.paragraphs, exact.paragraphs):
        assert a.score == pytest.approx(b.score, abs=0.05)


def test_screen_keeps_the_evidence_of_spun_text():
    detector = _detector()
    spun = _spin(STORY)
    screened = detector.document(spun)
    exact = detector.document(spun, screen=False)
    words = lambda result: sorted(e["word"] for r in result.paragraphs for e in r.evidence())  # noqa: E731
    assert words(screened) and words(screened) == words(exact)
    assert screened.score > 0.5 and screened.score == pytest.approx(exact.score, abs=0.05)


def test_skipped_spans_carry_the_capped_estimate():
    detector = _detector()
    if detector.screen is None:
        pytest.skip("weights.json ships no screen")
    skipped = _skipped(detector.document(_spin(STORY)))
    assert skipped
    prior = math.log(detector.span_prior / (1 - detector.span_prior))
    for span in skipped:
        assert 0.0 < span.probability <= detector.screen.target
        assert span.llr == pytest.approx(math.log(span.probability / (1 - span.probability)) - prior)
        assert span.original is None      # not re-scored, so no likely original either


def test_exact_spin_option_reaches_the_detector(monkeypatch):
    from qualitycheck.checker import Checker
    from qualitycheck.cli import build_config

    _detector()
    assert build_config(None, spin_screen=False).spin_screen is False
    assert build_config(None).spin_screen is True
    seen = []
    from qualitycheck.spin.detector import SpinDetector
    original = SpinDetector.document

    def spy(self, texts, tokens=None, screen=True, **kwargs):
        seen.append(screen)
        return original(self, texts, tokens, screen, **kwargs)

    monkeypatch.setattr(SpinDetector, "document", spy)
    text = "\n\n".join(STORY)
    reports = [Checker(build_config(None, spin_screen=False)).check(text), Checker(build_config(None)).check(text)]
    assert seen == [False, True]
    assert not any(r.notes for r in reports)   # no "signal failed" note
