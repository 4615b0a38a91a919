"""plan_site: the exact set of output paths, pagination, and small, serialisable contexts."""

from __future__ import annotations

import json
import os
import pickle
from dataclasses import replace
from pathlib import Path, PurePosixPath

from newsarchive.archive import Archive, Entry, Summary, collect
from newsarchive.config import Config, load_config
from newsarchive.model import Article, DateValue, Page, to_json
from newsarchive.site import Pagination, SiteInfo, page_path, plan_site
from newsarchive.sources.markdown import load_markdown

SITE_SMALL = Path(__file__).parent / "fixtures" / "site-small"
PLANNED_PATHS = SITE_SMALL / "planned.paths"  # UPDATE_FIXTURES=1 rewrites it
# The theme's pages; feeds, exports and the like are planned by their own modules and tested there.
THEME = frozenset({"home.html", "listing.html", "article.html", "terms.html", "years.html",
                   "404.html", "static/style.css"})


def small_site() -> tuple[Archive, Config, tuple[Page, ...]]:
    config, _ = load_config(SITE_SMALL / "site.yml")
    articles = [load_markdown(p, p.read_bytes())[0]
                for p in sorted(config.articles_dir.glob("*.md"))]
    archive, _ = collect([a for a in articles if a], config)
    return archive, config, theme_pages(plan_site(archive, config))


def theme_pages(pages: tuple[Page, ...]) -> tuple[Page, ...]:
    return tuple(p for p in pages if p.template in THEME)


def by_path(pages: tuple[Page, ...]) -> dict[str, Page]:
    return {p.path: p for p in pages}


def test_planned_paths_match_the_golden_list() -> None:
    _, _, pages = small_site()
    got = "\n".join(sorted(p.path for p in pages)) + "\n"
    if os.environ.get("UPDATE_FIXTURES"):
        PLANNED_PATHS.write_text(got, encoding="utf-8")
    assert got == PLANNED_PATHS.read_text(encoding="utf-8")


def test_paths_without_making_pages_are_the_pages_paths() -> None:
    """`Pages.paths` (the sitemap reads it) names each page the planned site makes, in order."""
    config, _ = load_config(SITE_SMALL / "site.yml")
    articles = [load_markdown(p, p.read_bytes())[0]
                for p in sorted(config.articles_dir.glob("*.md"))]
    archive, _ = collect([a for a in articles if a], config)
    pages = plan_site(archive, replace(config, base_url="https://example.org/"))
    assert list(pages.paths()) == [page.path for page in pages]
    paths = [page.path for page in pages]
    before = paths[:paths.index("sitemap.xml")]  # the sitemap lists the pages planned before it
    sitemap = pages[paths.index("sitemap.xml")].data().decode()
    assert sitemap.count("<url>") == sum(1 for path in before if path.endswith(".html")
                                         and path != "404.html") > len(archive.entries)


def test_every_path_is_unique_relative_and_names_a_file() -> None:
    _, _, pages = small_site()
    paths = [p.path for p in pages]
    assert len(paths) == len(set(paths))
    for text in paths:
        path = PurePosixPath(text)
        assert path.as_posix() == text and not path.is_absolute()
        assert ".." not in path.parts and path.suffix in {".html", ".css"}
        assert path.name in {"index.html", "404.html", "style.css"}


def test_page_kinds_and_templates() -> None:
    archive, _, pages = small_site()
    templates = {p.path: p.template for p in pages}
    assert templates["index.html"] == "home.html"
    assert templates["404.html"] == "404.html"
    assert templates["assets/style.css"] == "static/style.css"
    for index in ("outlets", "authors", "tags"):
        assert templates[f"{index}/index.html"] == "terms.html"
    assert templates["years/index.html"] == "years.html"
    assert templates["undated/index.html"] == "listing.html"
    for entry in archive.entries:
        assert templates[entry.url] == "article.html"
    for rows in (archive.outlets, archive.authors, archive.tags, archive.years):
        assert all(templates[row.term.url] == "listing.html" for row in rows)


def test_home_is_paginated_newest_first() -> None:
    archive, config, pages = small_site()
    paths = by_path(pages)
    assert config.page_size == 5
    homes = [paths["index.html"], paths["page/2/index.html"], paths["page/3/index.html"]]
    assert "page/4/index.html" not in paths
    listed = [s for page in homes for s in page.context["entries"]]  # type: ignore[attr-defined]
    assert listed == [e.summary() for e in archive.entries]
    assert [p.context["pagination"] for p in homes] == [
        Pagination(1, 3, 13, None, "page/2/index.html"),
        Pagination(2, 3, 13, "index.html", "page/3/index.html"),
        Pagination(3, 3, 13, "page/2/index.html", None),
    ]


def test_term_listings_are_paginated_under_their_folder() -> None:
    _, _, pages = small_site()
    paths = by_path(pages)
    year = paths["2021/index.html"]
    assert year.context["pagination"] == Pagination(1, 2, 8, None, "2021/page/2/index.html")
    assert len(year.context["entries"]) == 5  # type: ignore[arg-type]
    assert [m.term.name for m in year.context["months"]] == [  # type: ignore[attr-defined]
        "March 2021", "February 2021", "January 2021"]
    assert paths["2021/page/2/index.html"].context["page_path"] == "2021/page/2/index.html"
    month = paths["2021/02/index.html"]
    assert [s.title for s in month.context["entries"]] == [  # type: ignore[attr-defined]
        "Markets rally", "Budget talks stall again", "Markets rally"]


def test_page_path_scheme() -> None:
    assert page_path("index.html", 1) == "index.html"
    assert page_path("index.html", 2) == "page/2/index.html"
    assert page_path("outlets/ap/index.html", 3) == "outlets/ap/page/3/index.html"


def test_every_context_has_site_info_and_its_own_path() -> None:
    _, config, pages = small_site()
    site = SiteInfo(config.title, config.description, config.language, config.base_url)
    for page in pages:
        if page.template.startswith("static/"):
            continue
        assert page.context["site"] == site
        assert page.context["page_path"] == page.path
        assert isinstance(page.context["title"], str)


def test_contexts_are_small_and_only_article_pages_hold_articles() -> None:
    _, _, pages = small_site()
    for page in pages:
        values = list(page.context.values())
        entries = [v for v in values if isinstance(v, Entry)]
        if page.template == "article.html":
            assert len(entries) == 1
        else:
            assert entries == []
            listed = page.context.get("entries", ())
            assert all(isinstance(s, Summary) for s in listed)  # type: ignore[attr-defined]
            assert len(listed) <= 5  # type: ignore[arg-type]


def test_contexts_serialise_deterministically_and_pages_pickle() -> None:
    _, _, first = small_site()
    _, _, second = small_site()
    dump = [json.dumps(p.context, default=to_json, sort_keys=True) for p in first]
    assert dump == [json.dumps(p.context, default=to_json, sort_keys=True) for p in second]
    assert pickle.loads(pickle.dumps(first)) == first


def test_empty_archive_still_has_every_index_page() -> None:
    archive, _ = collect([], Config())
    paths = sorted(p.path for p in theme_pages(plan_site(archive, Config())))
    assert paths == ["404.html", "assets/style.css", "authors/index.html", "index.html",
                     "outlets/index.html", "tags/index.html", "undated/index.html",
                     "years/index.html"]
    home = by_path(plan_site(archive, Config()))["index.html"]
    assert home.context["pagination"] == Pagination(1, 1, 0, None, None)


def test_year_only_articles_list_under_their_year_not_a_month() -> None:
    article = Article("a.md", "Fair", ("x",), date=DateValue(2019))
    archive, _ = collect([article], Config())
    paths = by_path(plan_site(archive, Config()))
    assert "2019/index.html" in paths and "2019/fair/index.html" in paths
    assert not any(p.startswith("2019/0") for p in paths)
