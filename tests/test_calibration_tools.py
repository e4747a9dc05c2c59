"""Build-time calibration tools: the text rules of scripts/build_modern.py and the intercept shift of
scripts/train_spin.py (--recalibrate). No network, no LM."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))


def test_sentences_keep_abbreviations_and_initials():
    from build_modern import split_sentences
    text = ('On Dec. 19, Mr. Smith of the U.S. Trade office spoke. S. Linn Williams said: "There are talks." '
            "Prices rose 5 pct. They fell later!")
    assert split_sentences(text) == ["On Dec. 19, Mr. Smith of the U.S. Trade office spoke.",
                                     'S. Linn Williams said: "There are talks."', "Prices rose 5 pct.",
                                     "They fell later!"]


@pytest.mark.parametrize("text,prose", [
    ("The company said it had cut its contract prices for crude oil by a dollar.", True),
    ("DIAMOND SHAMROCK CUTS CRUDE PRICES AND SAYS THE MARKET IS VERY WEAK TODAY.", False),   # header
    ("Shares outstanding 4,969,643 3,677,272 1986 1985 12.5 8.4 and more words.", False),     # table-like
    ("Net income     8.4 mln     5.9 mln     and the rest of a table row here.", False),      # columns
    ("Related stories you may also like to read on this site", False),                       # no sentence end
    ("Too short to count.", False),
])
def test_prose_filter(text, prose):
    from build_modern import is_prose
    assert is_prose(text) is prose


def test_exact_shift_puts_the_clean_quantile_at_zero():
    from train_spin import shift_for_fp

    from qualitycheck.spin.logistic import Logistic
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1000, 2))
    model = Logistic(np.zeros(2), np.ones(2), np.array([1.0, -0.5]), 3.0)
    shift_for_fp(model, x, 0.01, exact=True)
    assert np.mean(model.decision(x) > 0) == pytest.approx(0.01, abs=0.002)
    intercept = model.intercept
    # exact calibration does not depend on where the intercept started (what --recalibrate relies on)
    model.intercept = -7.0
    shift_for_fp(model, x, 0.01, exact=True)
    assert model.intercept == pytest.approx(intercept)
