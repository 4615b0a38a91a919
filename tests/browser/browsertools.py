"""What the browser tests share: where a URL lands on disk, and a watch over one page's errors.

A `Site` is one way of opening the built archive (from disk, or served under a sub-path); it maps
any URL the browser resolves back to the file in the output folder it names, so a link check is
a check on disk whichever way the page was opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import ConsoleMessage, Page, Request, Response, Route

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

# Every element attribute that makes the browser fetch or go somewhere, resolved by the browser.
_LINKS_JS = """() => Array.from(document.querySelectorAll('a[href], link[href], [src]')).map(e => {
  const attr = e.hasAttribute('src') ? 'src' : 'href';
  return {tag: e.tagName.toLowerCase(), raw: e.getAttribute(attr), url: e[attr],
          rel: (e.getAttribute('rel') || '').toLowerCase()};
})"""


@dataclass(frozen=True)
class Site:
    """One way of opening the build: `root` is the URL of the output folder, ending in '/'."""

    mode: str  # "file" or "http"
    root: str
    out: Path
    base_url: str = ""  # the build's base_url: absolute metadata links (canonical) point there

    def url(self, path: str = "index.html") -> str:
        return self.root + path

    def file_for(self, url: str) -> Path | None:
        """The file in the output folder a URL names, or None when it is outside the site."""
        parts = urlsplit(url)
        bare = parts._replace(query="", fragment="").geturl()
        if not bare.startswith(self.root):
            return None
        return self.out / unquote(bare[len(self.root):])

    def page_name(self, url: str) -> str:
        target = self.file_for(url)
        return target.relative_to(self.out).as_posix() if target else url


@dataclass
class PageWatch:
    """Console errors, uncaught exceptions, failed or refused requests and error responses of a page.

    Requests that leave the site (another host, another folder) are refused and reported: the built
    archive must work offline and never call out.
    """

    page: Page
    site: Site
    expected_statuses: dict[str, int] = field(default_factory=dict)  # URL -> a deliberate status
    via: Site | None = None  # where the page's links point, when not at itself (a <base>)
    problems: list[str] = field(default_factory=list)
    responses: int = 0

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._on_failed)
        self.page.on("response", self._on_response)
        self.page.route("**/*", self._on_route)

    def _on_console(self, message: ConsoleMessage) -> None:
        source = urlsplit(message.location.get("url", ""))._replace(fragment="").geturl()
        status = self.expected_statuses.get(source)
        if status and f"status of {status}" in message.text:
            return  # Chromium logs the deliberate error status of the page itself
        if message.type in ("error", "assert"):
            self.problems.append(f"console {message.type} on {self.page.url}: {message.text}")

    def _on_failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED":
            # cancelled by the browser because we navigated on (the search page's script was
            # still importing pagefind.js after `load`): a missing file is an HTTP error or
            # ERR_FILE_NOT_FOUND, a request refused by `_on_route` is ERR_FAILED
            return
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response: Response) -> None:
        self.responses += 1
        bare = urlsplit(response.url)._replace(fragment="").geturl()
        if response.status >= 400 and self.expected_statuses.get(bare) != response.status:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _on_route(self, route: Route) -> None:
        url = route.request.url
        sites = (self.site, self.via or self.site)
        if url.startswith(("data:", "blob:")) or any(s.file_for(url) for s in sites):
            route.continue_()
        else:
            self.problems.append(f"request outside the site refused: {url}")
            route.abort()

    def goto(self, url: str, status: int = 200) -> None:
        response = self.page.goto(url, wait_until="load")
        if self.site.mode == "http":
            assert response is not None and response.status == status, (url, response)

    def click(self, selector: str) -> str:
        """Follow the first link matching `selector`; the page name (path in the build) reached."""
        link = self.page.locator(selector).first
        assert link.count(), f"no {selector!r} on {self.page.url}"
        with self.page.expect_navigation(wait_until="load"):
            link.click()
        return self.site.page_name(self.page.url)

    def link_problems(self) -> list[str]:
        """Every link and source on the page that does not name an existing file of the build."""
        return check_links(self.page, self.via or self.site)

    def assert_clean(self) -> None:
        problems = self.problems + self.link_problems()
        assert not problems, "\n".join(problems)


FETCHED_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}


def _metadata_link_problem(site: Site, where: str, url: str) -> list[str]:
    """A <link> no browser fetches (canonical, alternate): absolute under base_url, or relative.

    Canonical URLs may name a folder (the host serves its index.html), so either form passes.
    """
    target = Site(site.mode, site.base_url, site.out).file_for(url) if site.base_url else None
    target = target or site.file_for(url)
    if target is None:
        return [f"{where} -> {url}: neither under base_url nor in the site"]
    if not (target.is_file() or (target / "index.html").is_file()):
        return [f"{where} -> {url}: no such file"]
    return []


def check_links(page: Page, site: Site) -> list[str]:
    broken = []
    here = urlsplit(page.url)._replace(fragment="").geturl()
    for link in page.evaluate(_LINKS_JS):
        broken += _link_problem(page, site, here, link)
    return broken


def _link_problem(page: Page, site: Site, here: str, link: dict[str, Any]) -> list[str]:
    raw, url, tag = link["raw"], link["url"], link["tag"]
    where = f"{site.page_name(page.url)}: <{tag}> {raw!r}"
    scheme = urlsplit(url).scheme
    if scheme in ("javascript", "data", "vbscript"):
        return [f"{where}: {scheme}: URL"]
    if tag == "link" and not FETCHED_RELS & set(link["rel"].split()):
        return _metadata_link_problem(site, where, url)
    target = site.file_for(url)
    if target is None:
        if tag == "a" and scheme in ("http", "https", "mailto"):
            return []  # a link out of the archive (an article's source); never fetched
        return [f"{where} -> {url}: outside the site"]
    if not target.is_file():
        return [f"{where} -> {url}: no such file (a folder or missing)"]
    fragment = urlsplit(url).fragment
    same_page = urlsplit(url)._replace(fragment="").geturl() == here
    if fragment and same_page and not page.evaluate(
            "id => document.getElementById(id) !== null", unquote(fragment)):
        return [f"{where}: no element with id {fragment!r}"]
    return []


def pages_to_show(out: Path) -> dict[str, str]:
    """Name -> page of the build for screenshots and axe: home, an article, a listing, search.

    The article is the longest one (the most text to lay out); the listing is the outlet of the
    newest article on the home page. Search is there once the build makes it.
    """
    articles = sorted(out.glob("20[0-9][0-9]/[0-9][0-9]/*/index.html"),
                      key=lambda p: (-p.stat().st_size, p.as_posix()))
    home = (out / "index.html").read_text(encoding="utf-8")
    outlet = home.split('<a class="outlet" href="', 1)[1].split('"', 1)[0]
    shown = {"home": "index.html", "article": articles[0].relative_to(out).as_posix(),
             "listing": outlet}
    if (out / "search" / "index.html").is_file():
        shown["search"] = "search/index.html"
    return shown
