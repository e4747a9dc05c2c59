"""Fixtures for the browser tests; the helpers live in browserkit.py."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browserkit  # noqa: E402
from browserkit import ARTIFACTS, make_driver, require_browser  # noqa: E402


@pytest.fixture
def browser(tmp_path):
    require_browser()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = make_driver(downloads)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {ARTIFACTS}")
    return ARTIFACTS


def pytest_terminal_summary(terminalreporter):
    """Say where the screenshots are, even when output is captured (CI uploads this folder)."""
    if browserkit.SAVED:
        terminalreporter.write_line(f"browser screenshots ({len(browserkit.SAVED)}) saved in: {ARTIFACTS}")
