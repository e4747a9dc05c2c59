"""Build-time calibration and measurement tools: the text rules of scripts/build_modern.py, the intercept shift of
scripts/train_spin.py (--recalibrate) and the page cutting of scripts/eval_chrome_pages.py. No network, no LM."""
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


# scripts/eval_chrome_pages.py: how a page is cut into blocks and what kind each block is given
PAGE = """<html><head><title>Harbour news</title><style>p { color: red }</style></head><body>
<nav><ul><li>Home</li><li>Sport</li><li>Weather</li></ul></nav>
<h1>Ferry timetable to change</h1>
<div class="story"><p>The island ferry will leave an hour earlier from next month, the operator said on
Monday.</p><p>Passengers welcomed the change.<br>Some asked for a later return.</p></div>
<script>var share = "Subscribe to our newsletter";</script>
<aside><p>Subscribe to our newsletter</p><p>Subscribe to our newsletter</p></aside>
<footer><p>&copy; 2024 Harbour News. All rights reserved.</p></footer>
</body></html>"""
ARTICLE = ("Ferry timetable to change\n\nThe island ferry will leave an hour earlier from next month, the operator "
           "said on Monday.\n\nPassengers welcomed the change.\nSome asked for a later return.")


def test_page_blocks_kinds_with_an_expected_article():
    from eval_chrome_pages import page_blocks
    blocks = page_blocks(PAGE, ARTICLE)
    assert blocks == [
        ("other", "Home"), ("other", "Sport"), ("other", "Weather"),      # the <head> title is not page text
        ("main", "Ferry timetable to change"),
        ("main", "The island ferry will leave an hour earlier from next month, the operator said on Monday."),
        ("main", "Passengers welcomed the change."), ("main", "Some asked for a later return."),
        ("chrome", "Subscribe to our newsletter"),            # once: repeats are dropped; the script's copy is not text
        ("chrome", "© 2024 Harbour News. All rights reserved."),
    ]


def test_page_blocks_without_an_article_take_long_sentences_as_article_text():
    from eval_chrome_pages import page_blocks
    kinds = dict((text, kind) for kind, text in page_blocks(PAGE, None))
    assert kinds["The island ferry will leave an hour earlier from next month, the operator said on Monday."] == "main"
    assert kinds["Passengers welcomed the change."] == "other"       # under 12 words: not taken for article text
    assert kinds["Ferry timetable to change"] == "other"
    assert kinds["Subscribe to our newsletter"] == "chrome"


def test_offlang_trailers_have_two_shapes():
    from eval_offlang_texts import LONG_CHARS, TEASER_CHARS, trailers
    text = "Titular corto\n\n" + "\n".join(f"Párrafo {i} " + "palabra " * (30 + 40 * i) for i in range(1, 6))
    shapes = trailers(text)
    assert [t.split()[1] for t in shapes["teasers"]] == ["1", "2", "3"]          # second to fourth paragraphs
    assert all(len(t) <= TEASER_CHARS for t in shapes["teasers"])
    assert shapes["long"][0].startswith("Párrafo 5") and len(shapes["long"][0]) == LONG_CHARS   # the longest
