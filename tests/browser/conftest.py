"""Browser fixtures: Debian's Chromium driven by Playwright, and the sample archive built once.

The archive is opened two ways, as people do: from disk (file://) and served by a static host
under a sub-path (http://127.0.0.1:PORT/archive/). The host answers a missing path with 404.html,
as GitHub Pages, Netlify and most static hosts do. The site is built with base_url set to where
it is served, as a real deployment is.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsertools import Site
from playwright.sync_api import Browser

from sitetools import build_site

REPO = Path(__file__).parent.parent.parent
PREFIX = "/archive/"
SCREENSHOTS = REPO / "build-screenshots"


class ArchiveHandler(SimpleHTTPRequestHandler):
    """Serves the output folder under PREFIX only; anything missing gets 404.html with status 404."""

    def translate_path(self, path: str) -> str:
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if not bare.startswith(PREFIX):
            return str(Path(self.directory) / ".not-served" / "missing")
        return super().translate_path("/" + bare[len(PREFIX):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests report what failed


@pytest.fixture(scope="session")
def archive_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """(output folder, served root URL): the sample archive built once and served under PREFIX."""
    site = tmp_path_factory.mktemp("browser") / "sample"
    shutil.copytree(REPO / "articles", site / "articles")
    out = site / "build"
    out.mkdir(parents=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(ArchiveHandler, directory=str(out)))
    root = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    settings = yaml.safe_load((REPO / "site.yml").read_text(encoding="utf-8"))
    settings["base_url"] = root
    (site / "site.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    shutil.rmtree(out)
    result = build_site(site, out)
    assert (out / "index.html").is_file(), result.summary()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield out, root
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def disk_site(archive_out: tuple[Path, str]) -> Site:
    out, root = archive_out
    return Site("file", out.as_uri() + "/", out, root)


@pytest.fixture(scope="session")
def served_site(archive_out: tuple[Path, str]) -> Site:
    out, root = archive_out
    return Site("http", root, out, root)


@pytest.fixture(scope="session", params=["file", "http"])
def site(request: pytest.FixtureRequest) -> Site:
    """The archive opened from disk, then served under a sub-path."""
    name = "disk_site" if request.param == "file" else "served_site"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def browser(archive_out: tuple[Path, str], chromium_browser: Browser) -> Browser:
    """The session's shared Chromium (tests/conftest.py), once the archive is built."""
    return chromium_browser


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """build-screenshots/ at the repository root (git-ignored), for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
