"""The shipped model on the project's dev set (read in place from ../shared/devset, never copied).

Regression guards for model rebuilds, not tuned thresholds: spun paragraphs must read as less probable
than clean ones on the median, and news vocabulary must stay mostly covered.
"""
from __future__ import annotations

import statistics

import numpy as np
import pytest

from qualitycheck.evaluate import iter_labelled_paragraphs
from qualitycheck.lm.model import default_model


@pytest.fixture(scope="module")
def scored(devset_dir) -> dict[str, list]:
    lm = default_model()
    groups: dict[str, list] = {"clean": [], "spun": []}
    for rec, p, text in iter_labelled_paragraphs(devset_dir):
        if rec["doc_label"] in groups and p["labels"][0] == rec["doc_label"] and len(text.split()) >= 8:
            groups[rec["doc_label"]].append(lm.score_text(text))
    return groups


def test_spun_paragraphs_are_less_probable_on_the_median(scored):
    clean = statistics.median(r.perplexity for r in scored["clean"])
    spun = statistics.median(r.perplexity for r in scored["spun"])
    assert spun > 1.1 * clean, (clean, spun)


def test_news_vocabulary_is_mostly_covered(scored):
    oov = np.concatenate([r.oov[:-1] for r in scored["clean"]]).mean()
    assert oov < 0.08, oov
