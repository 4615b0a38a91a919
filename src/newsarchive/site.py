"""Plan: the Archive -> every output page, with its path, template and context. Nothing rendered.

Pagination is decided here, not in templates, and each context holds only what its page shows
(summaries, never whole articles except on the article's own page), because incremental builds
hash every context to decide what to re-render.

Output paths (all relative to the output root, each ending in a file name):
    index.html, page/2/index.html                      home, newest first
    2021/03/<slug>/index.html                          an article (2021/<slug>/ for a year only,
    undated/<slug>/index.html                          undated/<slug>/ without a date)
    outlets/index.html, outlets/<key>/index.html       index of outlets; one outlet's listing
    authors/..., tags/...                              the same for authors and tags
    years/index.html                                   every year and month with counts
    2021/index.html, 2021/03/index.html                a year's and a month's listing
    undated/index.html                                 articles without a date
    <listing>/page/<n>/index.html                      page n >= 2 of any listing
    404.html, assets/style.css
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from .archive import Archive, Summary, Term, TermCount, record_key
from .buckets import collector_paused
from .config import Config
from .derive import Derived
from .export import export_pages
from .feeds import feed_pages
from .metadata import article_extras, cite_pages, cited_entries, crawler_pages
from .model import Page, Pages
from .search import search_pages

STATIC_ASSETS = (("assets/style.css", "static/style.css"),)  # (output path, template name)
HOME = Term("home", "Home", "index.html")
UNDATED = Term("undated", "Undated", "undated/index.html")
TERM_INDEXES = (  # (kind, heading, index page path, archive attribute)
    ("outlet", "Outlets", "outlets/index.html", "outlets"),
    ("author", "Authors", "authors/index.html", "authors"),
    ("tag", "Tags", "tags/index.html", "tags"),
)
YEARS_PATH = "years/index.html"


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The config values templates show; passed in every context, never as Jinja globals."""

    KEYED: ClassVar[bool] = True  # `key` hashes the other fields: fingerprints read only it

    title: str
    description: str
    language: str
    base_url: str | None  # only for the few absolute URLs (canonical links, feeds, sitemap)
    key: str = field(default="", compare=False)  # `record_key` of the fields above: see KEYED


def site_info(config: Config) -> SiteInfo:
    """The SiteInfo of a config, its key made from the fields it holds."""
    shown = (config.title, config.description, config.language, config.base_url)
    return SiteInfo(*shown, key=record_key(shown))


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where one listing page sits among its siblings; all paths relative to the output root."""

    number: int  # 1-based
    count: int  # total pages, at least 1
    total: int  # items over all pages
    previous: str | None  # the page before (newer items), None on the first
    next: str | None  # the page after (older items), None on the last


@dataclass(frozen=True, slots=True)
class YearRow:
    """One year on the years index, with its months (a tuple, so the page pickles)."""

    year: TermCount
    months: tuple[TermCount, ...]  # newest first; empty when only the year is known


@collector_paused()  # ~30,000 pages of acyclic records: a collection would find nothing
def plan_site(archive: Archive, config: Config, derived: Derived | None = None,
              search_index: bool = True) -> Pages:
    """Every page of the site in a fixed order: home, articles, listings, indexes, 404, assets.

    `derived` keeps per-article products (citations, export rows) between builds; without
    `search_index` the search index files are left out (`build` plans them in a thread).
    """
    derived = Derived() if derived is None else derived
    site = site_info(config)
    size = max(1, config.page_size)
    pages = Pages(listing_pages(site, "home", HOME, archive.summaries, size))
    cited = cited_entries(archive, config, derived)  # one record per article: pages, files, export
    extras = article_extras(archive, config, cited, derived)  # citations, related, meta: once
    pages.each(archive.entries, lambda e: (Page(e.url, "article.html", _context(
        site, e.url, e.title, article=e, **extras(e))),), 1, lambda e: (e.url,))
    for kind, heading, path, attribute in TERM_INDEXES:
        rows: tuple[TermCount, ...] = getattr(archive, attribute)
        index: Mapping[str, tuple[Summary, ...]] = getattr(archive, f"by_{kind}")
        listings = [Page(path, "terms.html", _context(site, path, heading, kind=kind, terms=rows))]
        for row in rows:
            listings += listing_pages(site, kind, row.term, index[row.term.key], size)
        pages.add(listings)
    years = tuple(YearRow(row, archive.months.get(row.term.key, ())) for row in archive.years)
    listings = [Page(YEARS_PATH, "years.html", _context(
        site, YEARS_PATH, "Years", kind="years", years=years,
        undated=TermCount(UNDATED, len(archive.undated))))]
    for row in archive.years:
        months = archive.months.get(row.term.key, ())
        listings += listing_pages(site, "year", row.term, archive.by_year[row.term.key], size,
                                  months=months)
        for month in months:
            listings += listing_pages(site, "month", month.term,
                                      archive.by_month[month.term.key], size)
    listings += listing_pages(site, "undated", UNDATED, archive.undated, size)
    listings.append(Page("404.html", "404.html", _context(site, "404.html", "Page not found")))
    listings += (Page(path, template, {}) for path, template in STATIC_ASSETS)
    pages.add(listings)
    pages.add(feed_pages(archive, config))
    pages.add(cite_pages(archive, config))
    pages.add(export_pages(archive, config, site, cited, derived))
    pages.add(crawler_pages(pages.paths(), config))
    pages.add(search_pages(archive, config, index=search_index))
    return pages


def listing_pages(site: SiteInfo, kind: str, term: Term, items: Sequence[Summary], size: int,
                  months: tuple[TermCount, ...] = ()) -> Iterator[Page]:
    """One listing split into pages of `size`; an empty listing still has its first page."""
    count = max(1, -(-len(items) // size))
    for number in range(1, count + 1):
        path = page_path(term.url, number)
        pagination = Pagination(
            number, count, len(items),
            page_path(term.url, number - 1) if number > 1 else None,
            page_path(term.url, number + 1) if number < count else None,
        )
        title = term.name if number == 1 else f"{term.name} (page {number})"
        yield Page(path, "home.html" if kind == "home" else "listing.html",
                   _context(site, path, title, kind=kind, term=term,
                            entries=tuple(items[(number - 1) * size:number * size]),
                            pagination=pagination, months=months))


def page_path(first_page: str, number: int) -> str:
    """`outlets/ap/index.html` page 3 -> `outlets/ap/page/3/index.html`; the home page too."""
    if number <= 1:
        return first_page
    folder = first_page.removesuffix("index.html")
    return f"{folder}page/{number}/index.html"


def _context(site: SiteInfo, path: str, title: str, **values: object) -> dict[str, object]:
    """Every context has the site, the page's own path (for relative links) and its title.

    A plain dict, not a MappingProxyType: pages are pickled to render workers, and the dict is
    made here for this one page and never shared.
    """
    return {"site": site, "page_path": path, "title": title, **values}
