"""`newsarchive serve`: pages get the reload script, the reload event comes only after the rebuilt
file is on disk, a failed build keeps the last good site and reports, a taken port is one line."""

from __future__ import annotations

import http.client
import queue
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.server import EVENTS_PATH, DevServer, host_warning, inject

ARTICLE = """---
title: Harbour bridge reopens
authors: [Jane Doe]
outlet: Springfield Gazette
date: 2024-05-06
---
The harbour bridge reopened to traffic on Monday after two years of repairs, officials said.
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "articles").mkdir(parents=True)
    (root / "site.yml").write_text("title: Serve test\n")
    (root / "articles" / "bridge.md").write_text(ARTICLE)
    return root


@pytest.fixture
def server(archive: Path) -> Iterator[DevServer]:
    lines: list[str] = []
    dev = DevServer(archive / "site.yml", "127.0.0.1", 0, lines.append)
    dev.start()
    stop = threading.Event()
    watcher = threading.Thread(target=dev.watch, args=(stop,), daemon=True)
    watcher.start()
    yield dev
    stop.set()
    dev.stop()
    watcher.join(timeout=5)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class EventStream:
    """Reads Server-Sent Events in a thread; each event is checked against the disk on arrival."""

    def __init__(self, dev: DevServer, since: int,
                 on_event: Callable[[], object] | None = None) -> None:
        host, port = dev.httpd.server_address[:2]
        self.connection = http.client.HTTPConnection(str(host), port, timeout=30)
        self.connection.request("GET", f"{EVENTS_PATH}?since={since}")
        self.response = self.connection.getresponse()
        self.events: queue.Queue[tuple[str, str, object]] = queue.Queue()
        self.on_event: Callable[[], object] = on_event or (lambda: None)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    self.events.put((kind, line[6:], self.on_event()))  # disk seen at arrival
        except (OSError, ValueError):
            pass

    def next(self, timeout: float = 60) -> tuple[str, str, object]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self.connection.close()


def article_page(dev: DevServer) -> Path:
    return next(p for p in dev.out.rglob("index.html") if "harbour-bridge" in p.parent.name)


def test_pages_are_served_with_the_reload_script(server: DevServer) -> None:
    status, html = fetch(server.url)
    assert status == 200
    assert EVENTS_PATH in html and "Serve test" in html
    on_disk = (server.out / "index.html").read_text()
    assert EVENTS_PATH not in on_disk  # injected into the response only
    status, missing = fetch(server.url + "no/such/page.html")
    assert status == 404 and EVENTS_PATH in missing


def test_reload_arrives_only_after_the_rebuilt_file_is_on_disk(server: DevServer, archive: Path) -> None:
    page = article_page(server)
    generation = server.hub.state.generation
    stream = EventStream(server, generation, lambda: page.read_text() if page.exists() else "")
    assert stream.next()[0] == "clear"  # the initial state: no errors
    (archive / "articles" / "bridge.md").write_text(ARTICLE.replace("two years", "three long years"))
    kind, _data, seen_on_disk = stream.next()
    assert kind == "reload"
    assert "three long years" in str(seen_on_disk)
    stream.close()
    status, html = fetch(server.url + page.relative_to(server.out).as_posix())
    assert status == 200 and "three long years" in html


def test_build_error_keeps_last_good_site_and_reports(server: DevServer, archive: Path) -> None:
    generation = server.hub.state.generation
    stream = EventStream(server, generation)
    assert stream.next()[0] == "clear"
    (archive / "site.yml").write_text("title: Serve test\npage_size: many\n")
    kind, data, _ = stream.next()
    assert kind == "problems" and "page_size" in data
    status, html = fetch(server.url)
    assert status == 200 and "Serve test" in html  # the last good site is still served
    (archive / "site.yml").write_text("title: Fixed title\n")
    kind, _data, _ = stream.next()
    assert kind == "reload"
    stream.close()
    assert "Fixed title" in fetch(server.url)[1]


def test_page_loaded_before_a_rebuild_reloads_on_connect(server: DevServer) -> None:
    stale = server.hub.state.generation - 1
    stream = EventStream(server, stale)
    assert stream.next()[0] == "reload"
    stream.close()


def test_port_in_use_is_one_clear_line(archive: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--config", str(archive / "site.yml"),
                                          "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: port {port} on 127.0.0.1 is in use; stop the other " \
                                    "server or choose another with --port"


def test_bad_config_is_one_clear_line(archive: Path) -> None:
    (archive / "site.yml").write_text("page_size: many\n")
    result = CliRunner().invoke(cli, ["serve", "--config", str(archive / "site.yml"), "--port", "0"])
    assert result.exit_code == 1
    assert "page_size" in result.output and "Traceback" not in result.output


def test_host_warning() -> None:
    assert host_warning("127.0.0.1") is None
    assert host_warning("localhost") is None
    warning = host_warning("0.0.0.0")
    assert warning is not None and "network" in warning


def test_inject_places_script_before_body_end() -> None:
    out = inject(b"<html><body><p>x</p></body></html>", 3)
    assert out.index(b"EventSource") < out.index(b"</body>")
    assert b"const since = 3;" in out
