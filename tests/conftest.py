"""Shared fixtures: a fresh copy of a fixture archive, and building it through the real pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

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
