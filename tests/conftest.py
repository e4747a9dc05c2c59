"""Shared fixtures. Shared material (../shared beside the repo) is read, never copied."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
DEVSET = SHARED / "devset"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "EXPECTED.json").exists():
        pytest.skip(f"seed articles not found at {SEEDS} (../shared/seeds beside the repo); seed tests skipped")
    return SEEDS


@pytest.fixture(scope="session")
def seed_expectations(seeds_dir: Path) -> dict:
    return json.loads((seeds_dir / "EXPECTED.json").read_text("utf-8"))["documents"]


@pytest.fixture(scope="session")
def devset_dir() -> Path:
    if not (DEVSET / "labels.jsonl").exists():
        pytest.skip(f"dev set not found at {DEVSET} (../shared/devset beside the repo); dev-set tests skipped")
    return DEVSET


@pytest.fixture(scope="session")
def checker():
    from qualitycheck import Checker
    return Checker()


def spin_detector(model_path: str | None = None):
    """The shipped spin detector (or the one reading `model_path`), or a skip saying which file is missing."""
    if not (REPO / "models" / "spin" / "weights.json").exists():
        pytest.skip("models/spin/weights.json missing: run scripts/train_spin.py")
    if model_path is not None and not Path(model_path).is_file():
        pytest.skip(f"{model_path} missing")
    try:
        from qualitycheck.spin.detector import default_detector
        return default_detector(model_path)
    except FileNotFoundError as exc:
        pytest.skip(f"language model unavailable: {exc}")


def english_document(doc_id: str, paragraphs: list[str]):
    """A Document of `paragraphs` joined by blank lines, with their offsets, its language already English."""
    from qualitycheck.document import Document
    return Document.of_paragraphs(doc_id, paragraphs, language="en")
