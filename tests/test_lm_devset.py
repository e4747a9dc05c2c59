"""The shipped model on the project's dev set (read in place from ../shared/devset, never copied).

Regression guards for model rebuilds, not tuned thresholds: spun paragraphs must read as less probable
than clean ones on the median, and news vocabulary must stay mostly covered.
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path

import numpy as np
import pytest

from qualitycheck.lm.model import default_model

DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset"


@pytest.fixture(scope="module")
def scored() -> dict[str, list]:
    if not (DEVSET / "labels.jsonl").exists():
        pytest.skip(f"dev set not found at {DEVSET} (../shared/devset beside the repo); LM dev-set checks skipped")
    lm = default_model()
    groups: dict[str, list] = {"clean": [], "spun": []}
    with open(DEVSET / "labels.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["doc_label"] not in groups:
                continue
            paras = (DEVSET / "docs" / f"{rec['id']}.txt").read_text(encoding="utf-8").split("\n\n")
            for p in rec["paragraphs"]:
                text = paras[p["index"]]
                if p["labels"][0] == rec["doc_label"] and len(text.split()) >= 8:
                    groups[rec["doc_label"]].append(lm.score_text(text))
    return groups


def test_spun_paragraphs_are_less_probable_on_the_median(scored):
    clean = statistics.median(r.perplexity for r in scored["clean"])
    spun = statistics.median(r.perplexity for r in scored["spun"])
    assert spun > 1.1 * clean, (clean, spun)


def test_news_vocabulary_is_mostly_covered(scored):
    oov = np.concatenate([r.oov[:-1] for r in scored["clean"]]).mean()
    assert oov < 0.08, oov
