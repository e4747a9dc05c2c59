"""The five seed articles against what a careful reviewer concluded (../shared/seeds/EXPECTED.json)."""
from __future__ import annotations

import pytest

CHECKED = {"spun", "off_language", "ad_marker"}


def _spin_available() -> bool:
    try:
        from qualitycheck.signals.spin import SpinSignal  # noqa: F401
        from qualitycheck.lm.model import default_model
        default_model()
        return True
    except Exception:
        return False


SPIN_READY = _spin_available()


@pytest.fixture(scope="module")
def seed_reports(seeds_dir, checker):
    from qualitycheck.reading import read_text_file
    return {path.name: checker.check_raw(read_text_file(path)).to_dict() for path in sorted(seeds_dir.glob("*.txt"))}


def _find(report: dict, contains: str, occurrence: int = 1) -> dict | None:
    hits = [p for p in report["paragraphs"] if contains in p["text"]]
    return hits[occurrence - 1] if len(hits) >= occurrence else None


def _expectations(seed_expectations, spun: bool):
    for name, doc in seed_expectations.items():
        for want in doc["paragraphs"]:
            must = set(want.get("must", []))
            if must and (("spun" in must) == spun):
                yield name, want


def test_every_seed_read_without_error(seed_reports, seed_expectations):
    assert set(seed_expectations) <= set(seed_reports)
    for name, report in seed_reports.items():
        assert report["error"] is None, name
        assert report["language"] == seed_expectations[name]["language"], name


def test_must_labels_found(seed_reports, seed_expectations):
    missing = []
    for name, want in _expectations(seed_expectations, spun=False):
        paragraph = _find(seed_reports[name], want["contains"], want.get("occurrence", 1))
        if paragraph is None or not set(want["must"]) <= set(paragraph["labels"]):
            missing.append((name[:3], want["contains"][:40], want["must"], paragraph and paragraph["labels"]))
    assert not missing


def test_no_unexpected_labels(seed_reports, seed_expectations):
    """Nothing outside must+may for spun / off_language / ad_marker."""
    unexpected = []
    for name, doc in seed_expectations.items():
        allowed = {w["contains"]: set(w.get("must", [])) | set(w.get("may", [])) for w in doc["paragraphs"]}
        for paragraph in seed_reports[name]["paragraphs"]:
            ok = set().union(*(labels for text, labels in allowed.items() if text in paragraph["text"]))
            extra = (set(paragraph["labels"]) & CHECKED) - ok
            if extra and not (extra == {"spun"} and not SPIN_READY):
                unexpected.append((name[:3], paragraph["text"][:40], sorted(extra)))
    assert not unexpected


@pytest.mark.xfail(not SPIN_READY, reason="spin detector or language model not available", strict=True)
def test_document_spun_flags(seed_reports, seed_expectations):
    wrong = [(name[:3], seed_reports[name]["spun"]) for name, doc in seed_expectations.items()
             if bool(seed_reports[name]["spun"]["flag"]) != doc["spun"]]
    assert not wrong


def _spun_paragraph_params():
    from tests.conftest import SEEDS
    import json
    if not (SEEDS / "EXPECTED.json").exists():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="seed articles not found"))]
    documents = json.loads((SEEDS / "EXPECTED.json").read_text("utf-8"))["documents"]
    gap = pytest.mark.xfail(reason="known gap (issue 6): common-word swaps with little LM evidence", strict=False)
    return [pytest.param(name, want, id=f"{name[:3]}:{want['contains'][:24]}",
                         marks=[gap] if any(k in want["contains"] for k in KNOWN_SPUN_MISSES) else [])
            for name, want in _expectations(documents, spun=True)]


# Known gap (issue 6): two of seed 003's listed paragraphs are still missed: their swaps are common
# words for common words ("relationship" -> "romance", "agreement" -> "settlement") that the shipped
# LM barely notices. Each paragraph is its own test; every other listed paragraph must be found.
KNOWN_SPUN_MISSES = ("took their romance to", "thorough partnership settlement")


@pytest.mark.parametrize("name,want", _spun_paragraph_params())
def test_spun_paragraph(seed_reports, name, want):
    paragraph = _find(seed_reports[name], want["contains"], want.get("occurrence", 1))
    assert paragraph is not None and "spun" in paragraph["labels"]


def test_clean_text_drops_flagged_paragraphs(seed_reports):
    report = seed_reports["000_9e21a35b6ab7efbb.txt"]
    assert "Leave a Comment" not in report["clean_text"]
    assert "Scroll to Top" not in report["clean_text"]
    assert "Kim Jong Un signed a pact" in report["clean_text"]
