"""Dataset export: articles.jsonl, articles.csv, article.json, outlets.csv and authors.csv load
with the standard json and csv modules and agree field for field, awkward text included."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.archive import collect
from newsarchive.config import Config
from newsarchive.export import (
    COLUMNS,
    INT_COLUMNS,
    LIST_COLUMNS,
    body_text,
    csv_line,
    export_pages,
)
from newsarchive.model import Article, DateValue, Page
from newsarchive.site import SiteInfo
from sitetools import build_site

AWKWARD = Article(
    "odd.md", 'Quotes "inside", commas, and =SUM(A1)', ("Line one\nstill one", "Ünïcødé — ☃ ; tab\t"),
    dek="A dek with\r\na CRLF", authors=("O'Brien, Pat", "Zoë Ångström"), outlet="Gazette; Daily",
    date=DateValue(2021, 3), tags=('Tag "quoted"', "a,b"), source_url="https://x.example/?a=1&b=2",
    related_links=("Read: more",))


def read_csv(data: bytes) -> list[dict[str, object]]:
    """The documented decoding: list cells are JSON arrays, an empty cell is a missing value."""
    rows = []
    for raw in csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")):
        row: dict[str, object] = {}
        for name, cell in raw.items():
            if name in LIST_COLUMNS:
                row[name] = json.loads(cell)
            elif name in INT_COLUMNS:
                row[name] = int(cell)
            else:
                row[name] = cell if cell != "" else None
        rows.append(row)
    return rows


def exported(articles: list[Article], base_url: str | None = "https://example.org/a/"
             ) -> dict[str, Page]:
    config = Config(base_url=base_url)
    archive, _ = collect(articles, config)
    site = SiteInfo(config.title, config.description, config.language, config.base_url)
    return {p.path: p for p in export_pages(archive, config, site)}


def data(page: Page) -> bytes:
    return page.data()


def test_every_field_round_trips_through_json_and_csv() -> None:
    plain = Article("plain.txt", "Plain", ("Just text.",))
    pages = exported([AWKWARD, plain])
    lines = data(pages["data/articles.jsonl"]).decode("utf-8").splitlines()
    from_json = [json.loads(line) for line in lines]
    assert len(from_json) == 2
    assert all(tuple(row) == COLUMNS for row in from_json)
    assert read_csv(data(pages["data/articles.csv"])) == from_json
    odd = next(r for r in from_json if r["source_path"] == "odd.md")
    assert odd["title"] == AWKWARD.title
    assert odd["authors"] == list(AWKWARD.authors)
    assert odd["tags"] == list(AWKWARD.tags)
    assert odd["dek"] == AWKWARD.dek
    assert odd["date"] == "2021-03" and odd["date_precision"] == "month"
    assert odd["body"] == "\n\n".join(AWKWARD.body)
    assert odd["outlet"] == "Gazette; Daily"
    assert odd["url"] == "https://example.org/a/" + str(odd["page"]).removesuffix("index.html")
    assert str(odd["citation_apa"]).startswith("O'Brien, P., & Ångström, Z. (2021, March).")
    for row in from_json:  # each article's own file holds the same row
        assert json.loads(data(pages[str(row["page"]).replace("index.html", "article.json")])) \
            == row


def test_without_base_url_url_is_empty_and_page_is_relative() -> None:
    row = json.loads(data(exported([AWKWARD], None)["data/articles.jsonl"]))
    assert row["url"] is None and row["page"].endswith("/index.html")


def test_markdown_body_becomes_plain_text() -> None:
    article = Article("m.md", "M", ("Some **bold** and [a link](https://x.example).",
                                    "## Heading", "- one\n- two", "```\ncode\n```"),
                      body_format="markdown")
    archive, _ = collect([article], Config())
    assert body_text(archive.entries[0]) == \
        "Some bold and a link.\n\nHeading\n\none\n\ntwo\n\ncode"


def test_outlets_and_authors_csv() -> None:
    second = Article("two.md", "Two", ("x",), authors=("Zoë Ångström",), outlet="Other")
    pages = exported([AWKWARD, second])
    outlets = read_csv(data(pages["data/outlets.csv"]))
    assert [(o["name"], o["articles"]) for o in outlets] == [("Gazette; Daily", 1), ("Other", 1)]
    authors = {a["name"]: a for a in read_csv(data(pages["data/authors.csv"]))}
    assert authors["Zoë Ångström"]["outlets"] == ["Gazette; Daily", "Other"]
    assert authors["O'Brien, Pat"]["articles"] == 1


def test_built_archive_exports_and_about_page(small_site: Path) -> None:
    result = build_site(small_site)
    out = small_site / "build"
    rows = [json.loads(line) for line in (out / "data/articles.jsonl").read_text().splitlines()]
    assert len(rows) == result.articles
    assert read_csv((out / "data/articles.csv").read_bytes()) == rows
    for row in rows:
        page = out / row["page"]
        assert page.is_file()
        assert json.loads((page.parent / "article.json").read_text()) == row
    about = (out / "about/index.html").read_text()
    for name in ("articles.jsonl", "articles.csv", "outlets.csv", "authors.csv"):
        assert f'href="../data/{name}"' in about
    assert f"{len(rows)} articles" in about


# no surrogates: the loader mends them (tests/test_hostile.py), so no record holds one
CHARACTER = st.characters(exclude_categories=["Cs"])
cell = st.one_of(st.none(), st.integers(), st.text(alphabet=st.sampled_from(
    ['a', ' ', ',', '"', '\r', '\n', '\0', '\t', 'é', '\u2028', "'", ';']) | CHARACTER),
    st.lists(st.text(CHARACTER, max_size=5), max_size=3))


@settings(max_examples=300)
@given(st.lists(cell, min_size=1, max_size=6))
def test_csv_lines_are_what_the_csv_module_writes(values: list[object]) -> None:
    """`csv_line` spells CSV out by hand for speed; it must equal the csv module byte for byte."""
    buffer = io.StringIO(newline="")
    cells = ["" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, list)
             else str(v) for v in values]
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    assert csv_line(values) == buffer.getvalue().encode("utf-8")
