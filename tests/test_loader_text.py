"""The copied-text loader: the sample article field by field, and one fixture per rule."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from newsarchive.model import Article
from newsarchive.sources import load_file
from newsarchive.sources.text import load_text

LOADER_FIXTURES = Path(__file__).parent / "fixtures" / "loader"
CASES = sorted(p for p in LOADER_FIXTURES.iterdir() if p.suffix == ".txt")
SAMPLE = LOADER_FIXTURES / "sample_article.txt"


def as_json(article: Article | None) -> dict[str, Any] | None:
    """The whole record, provenance included, in a stable JSON shape."""
    if article is None:
        return None
    record = dataclasses.asdict(article)
    record["date"] = article.date.iso() if article.date else None
    record["source_path"] = Path(article.source_path).name
    record["content_hash"] = "<sha256>" if article.content_hash else ""
    record["sources"] = [[name, source.line, source.rule] for name, source in article.sources]
    record["removed"] = [[r.line, r.rule, r.text] for r in article.removed]
    return json.loads(json.dumps(record))  # tuples -> lists, as the fixture file holds them


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.name)
def test_loader_matches_fixture(source: Path) -> None:
    article, problems = load_file(source, source.read_bytes())
    got = {"article": as_json(article), "problems": sorted(p.code for p in problems)}
    expected_file = source.with_suffix(".json")
    if os.environ.get("UPDATE_FIXTURES"):
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample() -> Article:
    article, problems = load_text(SAMPLE, SAMPLE.read_bytes())
    assert problems == []
    assert article is not None
    return article


def test_sample_title(sample: Article) -> None:
    assert sample.title == ("Iran-backed forces including Hezbollah withdrawing from Syria after "
                            "IDF strikes")


def test_sample_dek(sample: Article) -> None:
    assert sample.dek == ("The withdrawal comes on the heels of a reported demand by Russia for "
                          "Iranian proxies to leave positions across Syria to avoid Israeli strikes.")


def test_sample_byline(sample: Article) -> None:
    assert sample.authors == ("Debbie Reiss",)
    assert sample.outlet == "World Israel News"


def test_sample_is_undated(sample: Article) -> None:
    assert sample.date is None


def test_sample_body(sample: Article) -> None:
    assert len(sample.body) == 8
    assert sample.body[0].startswith("Pro-Iranian forces")
    assert sample.body[-1].startswith("Mabam effectively")
    assert "have begun to to withdraw" in sample.body[0]  # verbatim, typos kept


def test_sample_related_link_is_not_body(sample: Article) -> None:
    related = "Read\u00a0 2 terrorists killed as explosions rock Damascus in apparent Israeli airstrike"
    assert sample.related_links == (related,)
    assert all(not p.startswith("Read") for p in sample.body)


def test_sample_every_field_is_explained(sample: Article) -> None:
    explained = {name for name, _ in sample.sources}
    assert explained == {"title", "dek", "authors", "outlet"}


def test_no_title_is_an_error() -> None:
    path = Path("blank.txt")
    article, problems = load_text(path, b"   \n\n\t\n")
    assert article is None
    assert [(p.code, p.severity) for p in problems] == [("load.no-title", "error")]


def test_front_matter_overrides_inferred_fields() -> None:
    data = b"---\noutlet: Hand Given\nauthors: [X Y]\n---\nHeadline here for the test\nBy Ann Lee\n"
    article, _ = load_text(Path("fm.txt"), data)
    assert article is not None
    assert article.outlet == "Hand Given"
    assert article.authors == ("X Y",)
    explained = [(name, source.line, source.rule) for name, source in article.sources]
    assert ("authors", 1, "frontmatter") in explained
    assert ("outlet", 1, "frontmatter") in explained
    assert [(n, r) for n, _, r in explained if n == "authors"] == [("authors", "frontmatter")]


def test_crlf_and_cr_line_endings_give_the_same_record() -> None:
    text = SAMPLE.read_bytes()
    unix, _ = load_text(SAMPLE, text)
    windows, _ = load_text(SAMPLE, text.replace(b"\n", b"\r\n"))
    assert unix == windows
