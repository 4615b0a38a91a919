"""collect: slugs and URLs, collisions, outlet aliases, author grouping, indexes and their order."""

from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.archive import Archive, Term, collect
from newsarchive.config import Config, load_config
from newsarchive.model import Article, DateValue
from newsarchive.names import (
    OUTLETS_FILE,
    alias_resolver,
    load_outlet_table,
    outlet_key,
    safe_segment,
)
from newsarchive.sources.markdown import load_markdown

SITE_SMALL = Path(__file__).parent / "fixtures" / "site-small"
MARCH_5 = DateValue(2021, 3, 5)
SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def small_archive() -> Archive:
    config, problems = load_config(SITE_SMALL / "site.yml")
    assert problems == []
    articles = []
    for path in sorted(config.articles_dir.glob("*.md")):
        article, _ = load_markdown(path, path.read_bytes())
        assert article is not None, path
        articles.append(article)
    archive, _ = collect(articles, config)
    return archive


def art(title: str, date: DateValue | None = MARCH_5, *, path: str = "",
        body: tuple[str, ...] = ("One two three.",), **fields: object) -> Article:
    return Article(source_path=path or f"{title}.md", title=title, body=body, date=date,
                   **fields)  # type: ignore[arg-type]


def urls(articles: list[Article], config: Config | None = None) -> dict[str, str]:
    archive, _ = collect(articles, config or Config())
    return {e.source_path: e.url for e in archive.entries}


# --- URLs -------------------------------------------------------------------------------------


def test_url_from_date_and_title() -> None:
    got = urls([art("Hello, World!"), art("Fair returns", DateValue(2019), path="y.md"),
                art("No date at all", None, path="u.md"),
                art("Month only", DateValue(2020, 11), path="m.md")])
    assert got == {"Hello, World!.md": "2021/03/hello-world/index.html",
                   "y.md": "2019/fair-returns/index.html",
                   "u.md": "undated/no-date-at-all/index.html",
                   "m.md": "2020/11/month-only/index.html"}


def test_slug_hint_wins_and_is_made_safe() -> None:
    got = urls([art("A very long title", slug_hint="Short Address"),
                art("Other", path="o.md", slug_hint="../../etc/passwd")])
    assert got["A very long title.md"] == "2021/03/short-address/index.html"
    assert got["o.md"] == "2021/03/etc-passwd/index.html"


@pytest.mark.parametrize("title", ["..", ".", "index", "Index", "a/b\\c", "☃", "???", "2021",
                                   "03", "page", "assets", "CON", "nul", "../../x", "/", "\\"])
def test_any_title_gives_one_safe_segment(title: str) -> None:
    (url,) = urls([art(title)]).values()
    folder, slug, file = url.rsplit("/", 2)
    assert folder == "2021/03" and file == "index.html"
    assert SEGMENT.match(slug), slug
    assert slug not in {"index", "page", "assets", "con", "nul"} and not slug.isdigit()


def test_safe_segment_is_short_and_ascii() -> None:
    slug = safe_segment("Владимир " * 40, "x")
    assert slug.startswith("vladimir-vladimir") and len(slug) <= 80
    assert safe_segment("", "fallback") == "fallback"


def test_collisions_keep_every_article_decided_by_source_path() -> None:
    articles = [art("Markets rally", path=f"{name}.md") for name in ("c", "a", "b")]
    articles.append(art("Markets rally 2", path="0.md"))  # wants markets-rally-2 outright
    for _ in range(5):
        random.shuffle(articles)
        assert urls(articles) == {
            "a.md": "2021/03/markets-rally/index.html",
            "0.md": "2021/03/markets-rally-2/index.html",
            "b.md": "2021/03/markets-rally-3/index.html",
            "c.md": "2021/03/markets-rally-4/index.html",
        }


def test_collision_is_reported_and_other_months_do_not_collide() -> None:
    archive, problems = collect([art("Same", path="a.md"), art("Same", path="b.md"),
                                 art("Same", DateValue(2021, 4), path="c.md")], Config())
    assert [(p.code, p.path.name) for p in problems] == [("archive.slug-collision", "b.md")]
    assert sorted(e.url for e in archive.entries) == [
        "2021/03/same-2/index.html", "2021/03/same/index.html", "2021/04/same/index.html"]


def test_fixture_urls_are_unique_and_collision_resolved() -> None:
    archive = small_archive()
    by_path = {Path(e.source_path).name: e.url for e in archive.entries}
    assert len(set(by_path.values())) == len(by_path) == 13
    assert by_path["reuters-markets-again.md"] == "2021/02/markets-rally/index.html"
    assert by_path["reuters-markets.md"] == "2021/02/markets-rally-2/index.html"
    assert by_path["dots.md"] == "2021/01/article/index.html"
    assert by_path["index-title.md"] == "2021/01/index-article/index.html"
    assert by_path["gazette-profile.md"] == "undated/a-profile-of-the-lighthouse-keeper/index.html"
    assert by_path["custom-slug.md"] == "2020/12/short-address/index.html"


# --- outlets and authors ------------------------------------------------------------------------


def test_associated_press_variants_are_one_outlet() -> None:
    archive, _ = collect([art("One", outlet="AP", path="1.md"),
                          art("Two", outlet="The Associated Press", path="2.md"),
                          art("Three", outlet="associated press", path="3.md")], Config())
    assert {e.outlet.name for e in archive.entries if e.outlet} == {"The Associated Press"}
    (row,) = archive.outlets
    assert row.count == 3 and row.term.url == f"outlets/{row.term.key}/index.html"


def test_site_aliases_extend_and_rename_builtin_groups() -> None:
    config = Config(outlet_aliases=MappingProxyType({"AP": ("AP News",),
                                                     "Springfield Gazette": ("Gazette",)}))
    archive, _ = collect([art("One", outlet="AP News", path="1.md"),
                          art("Two", outlet="Associated Press", path="2.md"),
                          art("Three", outlet="The Gazette", path="3.md")], config)
    assert sorted((r.term.name, r.count) for r in archive.outlets) == [
        ("AP", 2), ("Springfield Gazette", 1)]


def test_alias_resolver_and_outlet_key() -> None:
    table = alias_resolver({"Reuters": ("Thomson Reuters",)}, {"R": ("Reuters",)}, outlet_key)
    assert table[outlet_key("Thomson Reuters")] == "R"
    assert outlet_key("The  Guardian.") == outlet_key("guardian")


def test_outlet_table_tolerates_missing_and_short_shapes(tmp_path: Path) -> None:
    assert load_outlet_table(tmp_path / "absent.yml") == ({}, {})
    (tmp_path / "bad.yml").write_text("outlets: [unclosed", encoding="utf-8")
    assert load_outlet_table(tmp_path / "bad.yml") == ({}, {})
    (tmp_path / "short.yml").write_text("Reuters: [Reuters News]\nBBC: {domains: [www.bbc.co.uk]}\n",
                                        encoding="utf-8")
    assert load_outlet_table(tmp_path / "short.yml") == (
        {"Reuters": ("Reuters News",), "BBC": ()}, {"bbc.co.uk": "BBC"})


def test_shipped_table_knows_the_wires() -> None:
    aliases, domains = load_outlet_table()
    assert (aliases, domains) == load_outlet_table(OUTLETS_FILE)  # as the loader reads it
    assert "AP" in aliases.get("The Associated Press", ())
    assert domains.get("apnews.com") == "The Associated Press"


def test_outlet_inferred_from_source_domain_only_when_missing() -> None:
    archive, _ = collect([art("One", source_url="https://www.apnews.com/x", path="1.md"),
                          art("Two", source_url="https://apnews.com/y", outlet="Local Paper",
                              path="2.md")], Config())
    assert sorted(e.outlet.name for e in archive.entries if e.outlet) == [
        "Local Paper", "The Associated Press"]


def test_authors_grouped_case_insensitively_and_shown_as_written() -> None:
    config = Config(author_aliases=MappingProxyType({"Jane Doe": ("J. Doe",)}))
    archive, _ = collect([art("One", authors=("JANE DOE", "John Smith"), path="1.md"),
                          art("Two", authors=("jane doe",), path="2.md"),
                          art("Three", authors=("J. Doe",), path="3.md"),
                          art("Four", authors=("Jane  Doe",), path="4.md")], config)
    written = {e.title: [a.name for a in e.authors] for e in archive.entries}
    assert written["One"] == ["JANE DOE", "John Smith"] and written["Three"] == ["J. Doe"]
    assert [(r.term.name, r.count) for r in archive.authors] == [("Jane Doe", 4),
                                                                  ("John Smith", 1)]
    keys = {a.key for e in archive.entries for a in e.authors if a.name != "John Smith"}
    assert keys == {"jane-doe"}
    assert len(archive.by_author["jane-doe"]) == 4


def test_without_alias_the_most_common_form_names_the_group() -> None:
    archive, _ = collect([art("One", authors=("mei chen",), path="1.md"),
                          art("Two", authors=("Mei Chen",), path="2.md"),
                          art("Three", authors=("Mei Chen",), path="3.md")], Config())
    assert [r.term.name for r in archive.authors] == ["Mei Chen"]


def test_distinct_names_with_one_slug_get_distinct_pages() -> None:
    archive, _ = collect([art("One", tags=("C++",), path="1.md"),
                          art("Two", tags=("C",), path="2.md")], Config())
    assert sorted(r.term.url for r in archive.tags) == ["tags/c-2/index.html", "tags/c/index.html"]


# --- indexes ------------------------------------------------------------------------------------


def test_fixture_indexes_and_counts() -> None:
    archive = small_archive()
    counts = {kind: {r.term.name: r.count for r in getattr(archive, kind)}
              for kind in ("outlets", "authors", "tags", "years")}
    assert counts["outlets"] == {"BBC News": 1, "Example Times": 3, "Reuters": 2,
                                 "Springfield Gazette": 2, "The Associated Press": 3,
                                 "The Guardian": 2}
    assert counts["authors"]["Jane Doe"] == 4
    assert counts["tags"] == {"Climate": 2, "Diplomacy": 1, "Economy": 3, "Health": 1, "Local": 2,
                              "Middle East": 1, "politics": 1, "Security": 2, "Weather": 1}
    assert list(counts["years"].items()) == [("2021", 8), ("2020", 3), ("2019", 1)]
    assert [r.term.name for r in archive.months["2021"]] == ["March 2021", "February 2021",
                                                             "January 2021"]
    assert [s.title for s in archive.undated] == ["A profile of the lighthouse keeper"]
    assert set(archive.by_month) == {"2021-03", "2021-02", "2021-01", "2020-12", "2020-11"}


def test_order_is_newest_first_with_tie_breakers() -> None:
    archive = small_archive()
    assert [e.url for e in archive.entries][:6] == [
        "2021/03/vaccine-rollout-reaches-rural-clinics/index.html",
        "2021/03/ceasefire-holds-for-a-third-day/index.html",
        "2021/02/markets-rally/index.html",
        "2021/02/budget-talks-stall-again/index.html",  # same day: by title
        "2021/02/markets-rally-2/index.html",
        "2021/01/article/index.html",  # same day as "Index": ".." sorts first
    ]
    assert archive.entries[-1].date is None
    for index in (archive.by_outlet, archive.by_author, archive.by_tag, archive.by_year):
        position = {e.url: i for i, e in enumerate(archive.entries)}
        for summaries in index.values():
            assert [position[s.url] for s in summaries] == sorted(position[s.url]
                                                                  for s in summaries)


def test_previous_and_next_in_time() -> None:
    archive = small_archive()
    entry = {e.url: e for e in archive.entries}
    ceasefire = entry["2021/03/ceasefire-holds-for-a-third-day/index.html"]
    assert ceasefire.previous and ceasefire.previous.url == "2021/02/markets-rally/index.html"
    assert ceasefire.next and ceasefire.next.title == "Vaccine rollout reaches rural clinics"
    assert archive.entries[0].next is None
    undated = archive.entries[-1]
    assert undated.previous is None and undated.next is None
    oldest = archive.entries[-2]
    assert oldest.previous is None and oldest.next is not None


def test_collect_is_deterministic_whatever_the_input_order() -> None:
    config, _ = load_config(SITE_SMALL / "site.yml")
    articles = [load_markdown(p, p.read_bytes())[0] for p in sorted(config.articles_dir.glob("*.md"))]
    first, _ = collect([a for a in articles if a], config)
    shuffled = [a for a in articles if a]
    random.Random(7).shuffle(shuffled)
    second, _ = collect(shuffled, config)
    assert first == second


def test_reading_time_and_empty_corpus() -> None:
    archive, problems = collect([art("Long", body=("word " * 1000,))], Config())
    assert archive.entries[0].reading_minutes == 4 and problems == []
    empty, _ = collect([], Config())
    assert empty.entries == () and empty.years == () and dict(empty.by_outlet) == {}


@given(st.text(), st.text(), st.text(), st.integers(1, 9999), st.none() | st.integers(1, 12),
       st.none() | st.integers(1, 31))
def test_hand_written_reprs_spell_every_field_as_the_dataclass_would(
        key: str, name: str, url: str, year: int, month: int | None, day: int | None) -> None:
    """Record keys hash reprs; Term and DateValue write theirs by hand for speed, so a field
    added later must be added there too, or two different values would share a key."""
    for value in (Term(key, name, url), DateValue(year, month, day)):
        fields = ", ".join(f"{f.name}={getattr(value, f.name)!r}"
                           for f in dataclasses.fields(value))
        assert repr(value) == f"{type(value).__name__}({fields})"
