"""Metadata for machines on every article page (issue 4 §3), sitemap.xml and robots.txt.

The tag set is the one Zotero's Embedded Metadata translator turns into a Newspaper Article:
Highwire citation_* with one citation_author per author, DC.type, og:site_name; never
citation_journal_title, and no prefix= on <html>.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsarchive.archive import collect
from newsarchive.config import Config
from newsarchive.metadata import article_meta, highwire_name, script_json
from newsarchive.model import Article, DateValue
from sitetools import build_site

BASE = "https://example.org/archive/"


class Head(HTMLParser):
    """Collects <meta>, <link>, the <html> attributes and JSON-LD of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[tuple[str, str]] = []
        self.html_attrs: dict[str, str | None] = {}
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_attrs = found
        elif tag == "meta" and (found.get("name") or found.get("property")):
            self.meta.append((str(found.get("name") or found.get("property")),
                              str(found.get("content"))))
        elif tag == "link":
            self.links.append((str(found.get("rel")), str(found.get("href"))))
        elif tag == "script" and found.get("type") == "application/ld+json":
            self._in_jsonld = True

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False if tag == "script" else self._in_jsonld

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)

    def values(self, name: str) -> list[str]:
        return [content for key, content in self.meta if key == name]


def head_of(page: Path) -> Head:
    parser = Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture
def built(small_site: Path) -> Path:
    build_site(small_site)
    return small_site / "build"


def article_rows(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "data/articles.jsonl").read_text().splitlines()]


def test_every_article_page_has_the_full_tag_set(built: Path) -> None:
    for row in article_rows(built):
        head = head_of(built / str(row["page"]))
        assert ("canonical", row["url"]) in head.links
        assert head.values("og:title") == [row["title"]]
        assert head.values("og:url") == [row["url"]]
        assert head.values("og:type") == ["article"]
        assert head.values("twitter:card") == ["summary"]
        assert head.values("citation_title") == [row["title"]]
        assert len(head.values("citation_author")) == len(row["authors"])  # type: ignore[arg-type]
        assert head.values("DC.type") == ["newspaperArticle"]
        assert head.values("og:site_name") == ([row["outlet"]] if row["outlet"] else [])
        assert head.values("citation_journal_title") == []
        assert "prefix" not in head.html_attrs
        date = row["date"]
        assert head.values("citation_publication_date") == (
            [str(date).replace("-", "/")] if date else [])
        (ld,) = [json.loads(text) for text in head.jsonld]
        assert ld["@type"] == "NewsArticle" and ld["headline"] == row["title"]
        assert ld.get("datePublished") == date
        assert ld.get("isBasedOn") == row["source_url"]
        assert [a["name"] for a in ld.get("author", [])] == row["authors"]
        assert all(a["@type"] == "Person" for a in ld.get("author", []))
        if row["outlet"]:
            assert ld["publisher"] == {"@type": "Organization", "name": row["outlet"]}


def test_highwire_authors_are_last_first() -> None:
    assert highwire_name("Jane Doe") == "Doe, Jane"
    assert highwire_name("Martin Luther King Jr.") == "King, Martin Luther Jr."
    assert highwire_name("Vincent van Gogh") == "van Gogh, Vincent"
    assert highwire_name("Reuters") == "Reuters"


@pytest.mark.parametrize(("date", "highwire"), [
    (DateValue(2021, 3, 3), "2021/03/03"), (DateValue(2021, 3), "2021/03"), (DateValue(2021), "2021"),
])
def test_publication_date_keeps_its_precision(date: DateValue, highwire: str) -> None:
    archive, _ = collect([Article("a.md", "T", ("x",), date=date)], Config(base_url=BASE))
    meta = article_meta(archive.entries[0], Config(base_url=BASE))
    assert meta.highwire_date == highwire
    assert json.loads(meta.jsonld)["datePublished"] == date.iso()


def test_jsonld_cannot_break_out_of_its_script() -> None:
    title = "</script><script>alert(1)</script> & <!-- x"
    text = script_json({"headline": title})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": title}


def test_hostile_title_in_a_built_page(small_site: Path) -> None:
    (small_site / "articles" / "evil.md").write_text(
        "---\ntitle: \"</script><script>alert(1)</script>\"\nauthors: [Eve Smith]\n"
        "date: 2020-01-02\n---\nBody.\n", encoding="utf-8")
    build_site(small_site)
    out = small_site / "build"
    (row,) = [r for r in article_rows(out) if r["title"] == "</script><script>alert(1)</script>"]
    page = out / str(row["page"])
    html = page.read_text()
    assert "<script>alert(1)</script>" not in html
    assert json.loads(head_of(page).jsonld[0])["headline"] == "</script><script>alert(1)</script>"


def test_sitemap_and_robots(built: Path) -> None:
    robots = (built / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots
    tree = ET.parse(built / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text or "" for loc in tree.getroot().findall("s:url/s:loc", ns)]
    assert BASE in locs and all(loc.startswith(BASE) for loc in locs)
    assert all(str(row["url"]) in locs for row in article_rows(built))
    assert len(locs) == len(set(locs))
    assert not any(loc.endswith("404.html") for loc in locs)


def test_without_base_url_no_canonical_and_no_sitemap(small_site: Path) -> None:
    config = small_site / "site.yml"
    config.write_text(config.read_text().replace("base_url:", "# base_url:"))
    build_site(small_site)
    out = small_site / "build"
    assert not (out / "sitemap.xml").exists()
    assert "Sitemap" not in (out / "robots.txt").read_text()
    row = article_rows(out)[0]
    head = head_of(out / str(row["page"]))
    assert not [rel for rel, _ in head.links if rel == "canonical"]
    assert head.values("citation_title") == [row["title"]]


def test_cite_box_and_downloads(built: Path) -> None:
    row = article_rows(built)[0]
    page = built / str(row["page"])
    html = page.read_text()
    assert "Cite this article" in html
    for name in ("cite.bib", "cite.ris", "cite.json"):
        assert f'href="{name}"' in html and (page.parent / name).is_file()
    assert json.loads((page.parent / "cite.json").read_text())[0]["title"] == row["title"]
    assert (page.parent / "cite.ris").read_text().startswith("TY  - NEWS")
