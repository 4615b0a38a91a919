"""Same inputs, same bytes: two clean builds of the sample archive into different folders are
identical file for file (feeds, exports, citations, search and manifest included)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitetools import build_site, tree_digest


def test_two_builds_into_different_folders_are_byte_identical(sample_site: Path,
                                                              tmp_path: Path) -> None:
    first = build_site(sample_site, tmp_path / "one", clean=True)
    second = build_site(sample_site, tmp_path / "elsewhere" / "two", clean=True)
    assert second.problems == first.problems
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "elsewhere" / "two")
    assert first.articles > 0
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []
    for expected in ("feed.xml", "feed.json", "sitemap.xml", "robots.txt", "data/articles.csv"):
        assert expected in one


def test_source_date_epoch_only_dates_feeds_without_a_dated_article(
        sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No build timestamp is written: SOURCE_DATE_EPOCH (never the clock) only gives `updated`
    to a feed none of whose articles has a date; every other file is unchanged."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_site(sample_site, tmp_path / "plain", clean=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_site(sample_site, tmp_path / "epoch", clean=True)
    plain, epoch = tree_digest(tmp_path / "plain"), tree_digest(tmp_path / "epoch")
    changed = {p for p in plain if plain[p] != epoch.get(p)} - {".newsarchive-manifest.json"}
    for path in changed:
        assert path.endswith("feed.xml"), path
        feed = (tmp_path / "epoch" / path).read_text(encoding="utf-8")
        assert "<published>" not in feed and "<updated>2023-11-14T22:13:20Z</updated>" in feed
