"""Headless Chromium helpers for the report.html tests and bench/bench_html.py (Debian `chromium` + `chromium-driver`, Selenium 4).

Outside CI a missing browser skips the tests with the reason; with CI=true it fails them, because a
CI run that silently skipped the browser would claim the page works without having looked.
Screenshots go to reports/ci-artifacts/ (CI keeps that folder as an artifact).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "reports" / "ci-artifacts"
CHROMEDRIVER = "/usr/bin/chromedriver"
SAVED: list[Path] = []  # screenshots taken in this session, for the summary line


def _browser_problem() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium, or run .ci/browser-deps.sh)"
    if not Path(CHROMEDRIVER).exists():
        return f"{CHROMEDRIVER} missing (apt-get install chromium chromium-driver, or run .ci/browser-deps.sh)"
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "chromium binary missing (apt-get install chromium, or run .ci/browser-deps.sh)"
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_browser() -> None:
    problem = _browser_problem()
    if problem:
        if in_ci():
            pytest.fail(f"browser test cannot run in CI: {problem}")
        pytest.skip(f"browser test skipped: {problem}")


def make_driver(download_dir: Path | None = None):
    """A fresh headless Chromium; `download_dir` receives files the page downloads."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,1000"):
        options.add_argument(arg)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        options.binary_location = binary
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if download_dir is not None:
        options.add_experimental_option("prefs", {
            "download.default_directory": str(download_dir),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        })
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    if download_dir is not None:
        # Headless Chromium needs downloads allowed explicitly.
        driver.execute_cdp_cmd("Page.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(download_dir)})
    return driver


def screenshot(driver, artifacts: Path, name: str) -> Path:
    path = artifacts / f"{name}.png"
    driver.save_screenshot(str(path))
    SAVED.append(path)
    print(f"screenshot: {path}")
    return path


def severe_console_messages(driver) -> list[str]:
    """Console errors (script errors, CSP violations) logged by the page."""
    try:
        entries = driver.get_log("browser")
    except Exception:  # pragma: no cover - logging capability missing
        return []
    return [entry["message"] for entry in entries if entry.get("level") == "SEVERE"]
