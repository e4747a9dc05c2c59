"""Detection quality on the labelled dev set (../shared/devset), against the targets of the core issue.

These are regression guards, not tuning targets: the thresholds were set from the rules'
design, and a separate held-out set judges the work.
"""
from __future__ import annotations

import pytest

from qualitycheck.config import Config
from qualitycheck.evaluate import evaluate_run
from qualitycheck.run import scan


@pytest.fixture(scope="module")
def figures(devset_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("devrun")
    scan([str(devset_dir / "docs")], out, Config(), jobs=1, html=False)
    return evaluate_run(out, devset_dir)


def test_off_language(figures):
    assert figures["paragraphs"]["off_language"]["f1"] >= 0.95


def test_ad_marker(figures):
    assert figures["paragraphs"]["ad_marker"]["f1"] >= 0.98


def test_boilerplate(figures):
    row = figures["paragraphs"]["boilerplate"]
    assert row["f1"] >= 0.85 and row["precision"] >= 0.90


def test_every_document_scanned(figures):
    assert figures["documents_missing_from_run"] == 0
