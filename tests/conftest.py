"""Shared fixtures: a fresh copy of a fixture archive, and building it through the real pipeline."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright")


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/site-small (site.yml + articles/)."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site-small", site)
    return site


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    """A writable copy of the sample archive shipped at the repository root."""
    site = tmp_path / "sample"
    shutil.copytree(REPO / "articles", site / "articles")
    shutil.copy(REPO / "site.yml", site / "site.yml")
    return site


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    """One Debian Chromium for the whole session, driven by Playwright's sync API.

    The sync API allows one running instance per thread, so every browser test shares this one.
    """
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (scripts/test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
