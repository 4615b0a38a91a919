"""Saved-page loader: each fixture page next to the exact record it must give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.explain import inspect_record
from newsarchive.sources.html import load_html, parse_date

FIXTURES = Path(__file__).parent / "fixtures" / "loader_html"
CASES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def _load(name: str) -> tuple[dict[str, object], list[str], dict[str, str]]:
    path = FIXTURES / f"{name}.html"
    article, problems = load_html(path, path.read_bytes())
    record = inspect_record(str(path), article, problems)
    sources = {field: src.rule for field, src in article.sources} if article else {}
    return record, [p.code for p in problems], sources


@pytest.mark.parametrize("name", CASES)
def test_fixture(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    record, codes, sources = _load(name)
    assert codes == expected.pop("problems")
    for field, rule in expected.pop("sources", {}).items():
        assert sources.get(field) == rule, field
    for field, value in expected.items():
        assert record[field] == value, field


@pytest.mark.parametrize("name", CASES)
def test_every_field_set_is_explained(name: str) -> None:
    record, _, sources = _load(name)
    for field in ("title", "outlet", "date", "source_url"):
        assert (record[field] is None) == (field not in sources), field
    assert bool(record["authors"]) == ("authors" in sources)
    assert bool(record["body"]) == ("body" in sources)


def test_every_case_has_its_record() -> None:
    assert CASES and all((FIXTURES / f"{n}.json").exists() for n in CASES)


@pytest.mark.parametrize(("text", "iso"), [
    ("2019-11-20T01:50:59.403Z", "2019-11-20"),
    ("2019-11-19T23:30:00-05:00", "2019-11-19"),  # as written: no shift to UTC
    ("01:38:07 PM IST Nov 20, 2019", "2019-11-20"),
    ("20 Nov 2019 08:02 GMT", "2019-11-20"),
    ("Tue Nov 19 2019 03:05:46 GMT+0000", "2019-11-19"),
    ("November 19, 2019", "2019-11-19"),
])
def test_parse_date(text: str, iso: str) -> None:
    value = parse_date(text)
    assert value is not None and value.iso() == iso


@pytest.mark.parametrize("text", ["", "2 hours ago", "2019-13-45", "Month 40, 2019"])
def test_parse_date_refuses(text: str) -> None:
    assert parse_date(text) is None


def _page(head: str, body: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_title_suffix_kept_when_it_does_not_name_the_site() -> None:
    data = _page('<meta property="og:title" content="Tesla recalls cars - Auto News">'
                 '<meta property="og:site_name" content="Daily Planet">')
    article, _ = load_html(Path("x.html"), data)
    assert article is not None and article.title == "Tesla recalls cars - Auto News"


def test_byline_roles_outlets_and_handles_are_not_authors() -> None:
    data = _page('<title>T</title><meta property="og:site_name" content="Business Insider Deutschland">'
                 '<meta name="author" content="By MEG KINNARD and Ed Cara @edcara, Associated Press">'
                 '<meta name="author" content="Tanza Loudenback, Business Insider">')
    article, _ = load_html(Path("x.html"), data)
    assert article is not None and article.authors == ("MEG KINNARD", "Ed Cara", "Tanza Loudenback")


def test_reader_comment_authors_are_ignored() -> None:
    body = ('<div itemprop="author"><span itemprop="name">Ana Silva</span></div>'
            '<section class="comments"><div itemprop="author">Guest Reader</div></section>')
    article, _ = load_html(Path("x.html"), _page("<title>T</title>", body))
    assert article is not None and article.authors == ("Ana Silva",)


@pytest.mark.parametrize("data", [b"<html>", b"\xff\xfe<\x00h\x00", b"{}" * 1000,
                                  b"<script type='application/ld+json'>" + b"[" * 5000])
def test_garbage_gives_problems_not_exceptions(data: bytes) -> None:
    article, problems = load_html(Path("x.html"), data)
    assert article is None and problems


def test_deep_page_is_bounded() -> None:
    data = _page("<title>Deep</title>", "<div>" * 400_000 + "text")
    article, _ = load_html(Path("x.html"), data)
    assert article is not None and article.title == "Deep"
