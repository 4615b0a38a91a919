"""Walk the built sample archive in Chromium as a reader would, from disk and served under a sub-path.

On every page: no console error, no failed or refused request, no error response (but the
deliberate 404), and every link and source names an existing file of the build.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsertools import PageWatch, Site
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

_OUTLET = re.compile(r'<a class="outlet" href="([^"]+)"')
_AUTHOR = re.compile(r'<a href="([^"]+)" rel="author"')
_TITLE = re.compile(r'<h2 class="summary-title"><a href="([^"]+)"')


@pytest.fixture
def watch(browser: Browser, site: Site) -> Iterator[PageWatch]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield PageWatch(context.new_page(), site)
    context.close()


def _targets(page: Path, pattern: re.Pattern[str]) -> list[Path]:
    hrefs = pattern.findall(page.read_text(encoding="utf-8"))
    return [(page.parent / href).resolve() for href in dict.fromkeys(hrefs)]


def walk_plan(out: Path) -> tuple[Path, Path, Path]:
    """An outlet on the home page, one of its authors, one of theirs with tags: a path to walk."""
    for outlet in _targets(out / "index.html", _OUTLET):
        for author in _targets(outlet, _AUTHOR):
            for article in _targets(author, _TITLE):
                if 'rel="tag"' in article.read_text(encoding="utf-8"):
                    return outlet, author, article
    raise AssertionError("no outlet -> author -> article with tags on the sample home page")


def step(watch: PageWatch, visited: list[str]) -> None:
    """Check the page just reached, and start the next step with a clean slate."""
    visited.append(watch.site.page_name(watch.page.url))
    problems = watch.problems + watch.link_problems()
    watch.problems.clear()
    assert not problems, f"on {visited[-1]}:\n" + "\n".join(problems)


def follow(watch: PageWatch, selector: str, target: Path | None = None) -> str:
    """Click the first `selector` link (leading to `target`, if given); the page name reached."""
    links = watch.page.locator(selector)
    index = 0
    if target is not None:
        urls = links.evaluate_all("links => links.map(a => a.href)")
        names = [watch.site.file_for(url) for url in urls]
        assert target in names, f"no {selector} to {target} on {watch.page.url}"
        index = names.index(target)
    with watch.page.expect_navigation(wait_until="load"):
        links.nth(index).click()
    return watch.site.page_name(watch.page.url)


def test_home_outlet_author_article_tag_year_home(watch: PageWatch, site: Site) -> None:
    outlet, author, article = walk_plan(site.out)
    visited: list[str] = []
    watch.goto(site.url())
    assert watch.page.locator("h1").inner_text() == "Latest articles"
    step(watch, visited)

    assert follow(watch, "a.outlet", outlet).startswith("outlets/")
    assert watch.page.locator(".kicker").first.inner_text().lower() == "outlet"
    step(watch, visited)
    assert follow(watch, "a[rel=author]", author).startswith("authors/")
    step(watch, visited)
    follow(watch, ".summary-title a", article)
    assert watch.page.locator("article.article h1").count() == 1
    step(watch, visited)
    assert follow(watch, "a[rel=tag]").startswith("tags/")
    step(watch, visited)
    assert follow(watch, ".site-nav a:text-is('Years')") == "years/index.html"
    step(watch, visited)
    assert re.fullmatch(r"\d{4}/index\.html", follow(watch, ".year h2 a"))
    step(watch, visited)
    assert follow(watch, "a.site-title") == "index.html"
    step(watch, visited)
    assert len(visited) == 8, visited


def test_pagination_next_to_the_end_and_back(watch: PageWatch, site: Site) -> None:
    visited: list[str] = []
    watch.goto(site.url())
    step(watch, visited)
    count = int(re.search(r"of (\d+)", watch.page.locator(".page-of").inner_text())[1])
    assert count > 1, "the sample archive should need more than one home page"
    while watch.page.locator("a[rel=next]").count():
        follow(watch, "a[rel=next]")
        step(watch, visited)
    assert visited == ["index.html", *(f"page/{n}/index.html" for n in range(2, count + 1))]
    while watch.page.locator(".pagination a[rel=prev]").count():
        follow(watch, ".pagination a[rel=prev]")
        step(watch, visited)
    assert visited[-1] == "index.html"


def test_404_page_from_a_deep_missing_url(browser: Browser, served_site: Site) -> None:
    """A host shows 404.html at whatever address was missing: its links and style must still work."""
    context = browser.new_context()
    missing = served_site.url("2023/07/no-such-story/and/deeper/index.html")
    watch = PageWatch(context.new_page(), served_site, expected_statuses={missing: 404})
    watch.goto(missing, status=404)
    assert watch.page.locator("h1").inner_text() == "Page not found"
    # The stylesheet applied (the browser's default body margin is 8px; the theme's is 0).
    assert watch.page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
    visited: list[str] = []
    step(watch, visited)
    assert follow(watch, "main a:text-is('outlet')") == "outlets/index.html"
    step(watch, visited)
    context.close()


def test_404_page_opened_from_disk(browser: Browser, disk_site: Site, served_site: Site) -> None:
    """From disk the page is only ever opened by hand; its links then go to base_url (the host)."""
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page, disk_site, via=served_site)
    watch.goto(disk_site.url("404.html"))
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
    step(watch, [])
    context.close()


def test_every_page_reached_from_home_is_clean(watch: PageWatch, site: Site) -> None:
    """Follow every link (and form) from the home page: every page but 404.html, each one clean."""
    queue, seen, problems = ["index.html"], {"index.html"}, []
    while queue:
        name = queue.pop(0)
        watch.goto(site.url(name))
        problems += [f"{name}: {p}" for p in watch.problems + watch.link_problems()]
        watch.problems.clear()
        for url in watch.page.eval_on_selector_all(
                "a[href], form[action]", "links => links.map(e => e.href || e.action)"):
            target = site.file_for(url)
            if target is not None and target.suffix == ".html" and target.is_file():
                found = target.relative_to(site.out).as_posix()
                if found not in seen:
                    seen.add(found)
                    queue.append(found)
    assert not problems, "\n".join(problems)
    every_page = {p.relative_to(site.out).as_posix() for p in site.out.rglob("*.html")}
    assert every_page - seen == {"404.html"}
    print(f"\n{site.mode}: {len(seen)} pages walked")


def test_search_page(watch: PageWatch, site: Site) -> None:
    if not (site.out / "search" / "index.html").is_file():
        pytest.skip("the build has no search/index.html yet (search is being added)")
    watch.goto(site.url("search/index.html"))
    box = watch.page.locator("input[type=search]").first
    box.fill("library")
    box.press("Enter")
    result = watch.page.locator("main a[href*='library']").first
    result.wait_for(timeout=10_000)
    step(watch, [])
    with watch.page.expect_navigation(wait_until="load"):
        result.click()
    assert "library" in watch.site.page_name(watch.page.url)
    step(watch, [])
