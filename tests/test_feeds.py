"""Feeds: every Atom and JSON feed of a built archive parses with feedparser, without bozo, and
holds the right entries; without base_url there are no feeds and exactly one warning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from newsarchive.archive import collect
from newsarchive.config import Config
from newsarchive.feeds import feed_pages, feed_path, feed_problems
from newsarchive.model import Article, DateValue
from sitetools import build_site

BASE = "https://example.org/archive/"


@pytest.fixture
def built(small_site: Path) -> Path:
    result = build_site(small_site)
    assert not [p for p in result.problems if p.code.startswith("feeds.")]
    return small_site / "build"


def jsonl_rows(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "data/articles.jsonl").read_text().splitlines()]


def test_every_atom_feed_parses_and_lists_the_newest_articles_of_its_listing(built: Path) -> None:
    feeds = sorted(built.rglob("feed.xml"))
    rows = jsonl_rows(built)
    assert len(feeds) > 5
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        folder = path.parent.relative_to(built).as_posix()
        if folder == ".":
            wanted = [r["url"] for r in rows]  # the whole archive, newest first
        else:
            kind, key = folder.split("/")
            wanted = [r["url"] for r in rows if _lists(r, kind, key, built)]
        assert [e.id for e in parsed.entries] == wanted[:50], path
        assert parsed.feed.links[0].href == BASE + folder.replace(".", "").strip("/") + (
            "/feed.xml" if folder != "." else "feed.xml")


def _lists(row: dict[str, object], kind: str, key: str, out: Path) -> bool:
    """Does the listing page outlets/<key>/ (etc.) link to this article?"""
    listing = (out / kind / key / "index.html").read_text()
    page = str(row["page"])
    return page.removesuffix("index.html") in listing


def test_atom_entries_carry_title_link_date_authors_and_content(built: Path) -> None:
    parsed = feedparser.parse((built / "feed.xml").read_bytes())
    rows = {r["url"]: r for r in jsonl_rows(built)}
    for entry in parsed.entries:
        row = rows[entry.id]
        assert entry.title == row["title"]
        assert entry.link == row["url"]
        assert [a.name for a in entry.authors] == (row["authors"] or [row["outlet"]])
        assert entry.content[0].type == "text/html"
        if row["date"]:
            assert entry.published.startswith(str(row["date"])[:4])
    assert parsed.feed.updated == max(
        (e.updated for e in parsed.entries if e.get("published")), default=parsed.feed.updated)


def test_json_feed_1_1(built: Path) -> None:
    """feedparser 6.0 (the newest release) reads no JSON Feed, so the 1.1 spec's rules are
    checked here: required keys, string ids, content, RFC 3339 dates."""
    feed = json.loads((built / "feed.json").read_bytes())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"] == BASE + "feed.json"
    assert feed["home_page_url"] == BASE
    assert [item["id"] for item in feed["items"]] == [r["url"] for r in jsonl_rows(built)][:50]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["url"].startswith(BASE)
        assert item.get("content_text") or item.get("content_html")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", item.get("date_published",
                                                                       "2000-01-01T00:00:00Z"))
        assert all(set(a) == {"name"} for a in item.get("authors", []))
        assert all(isinstance(t, str) for t in item.get("tags", []))


def test_pages_link_their_feeds(built: Path) -> None:
    home = (built / "index.html").read_text()
    assert 'rel="alternate" type="application/atom+xml"' in home
    assert 'href="feed.json"' in home
    outlet = next((built / "outlets").glob("*/index.html"))
    assert 'href="feed.xml"' in outlet.read_text()
    assert (outlet.parent / "feed.xml").is_file()


def test_without_base_url_feeds_are_skipped_with_one_warning(small_site: Path) -> None:
    config = small_site / "site.yml"
    config.write_text(config.read_text().replace("base_url:", "# base_url:"))
    result = build_site(small_site)
    warnings = [p for p in result.problems if p.code == "feeds.no-base-url"]
    assert len(warnings) == 1
    assert "base_url" in warnings[0].message and warnings[0].severity == "warning"
    assert not list((small_site / "build").rglob("feed.*"))


def test_feed_size_and_escaping() -> None:
    articles = [Article(f"a{n}.md", f"Story {n} <b>&amp;</b>\x0b", ("Body & more",),
                        authors=("Ann Lee",), outlet="Gazette", date=DateValue(2020, 1, n + 1),
                        tags=("Q&A",))
                for n in range(5)]
    config = Config(base_url=BASE, feed_size=3)
    archive, _ = collect(articles, config)
    pages = {p.path: p for p in feed_pages(archive, config)}
    assert feed_problems(config) == []
    site = feedparser.parse(pages["feed.xml"].data())
    assert not site.bozo
    assert [e.title for e in site.entries] == [f"Story {n} <b>&amp;</b>" for n in (4, 3, 2)]
    assert site.feed.updated == "2020-01-05T00:00:00Z"
    tag = archive.tags[0].term
    assert feed_path(tag.url) in pages
    assert feedparser.parse(pages[feed_path(tag.url)].data()).entries[0].tags[0].label \
        == "Q&A"


def test_undated_only_feed_uses_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    archive, _ = collect([Article("a.md", "Undated", ("x",))], Config(base_url=BASE))
    data = feed_pages(archive, Config(base_url=BASE))[0].data()
    assert isinstance(data, bytes)
    assert b"<updated>2023-11-14T22:13:20Z</updated>" in data
    assert not feedparser.parse(data).bozo
