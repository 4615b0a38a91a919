"""`newsarchive serve`: build, serve the output folder, rebuild on change, reload open pages.

Pages are told to reload only after a rebuild has swapped the new site in, never before, so a
reader never sees a half-written page. A failed build keeps the last good site served and shows the
error over the page. The reload script is added to HTML responses on the way out; the files on disk
stay exactly what `build` writes.
"""

from __future__ import annotations

import errno
import functools
import http.server
import json
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .config import Config, load_config
from .diagnostics import UserError, format_problem, sort_problems
from .pipeline import BuildOptions, build

EVENTS_PATH = "/__newsarchive/events"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
KEEPALIVE = 15.0  # seconds between SSE comments, so proxies and browsers keep the stream open
Echo = Callable[[str], None]

RELOAD_SCRIPT = """<script>(() => {
  const since = %d;
  const source = new EventSource("%s?since=" + since);
  const box = () => document.getElementById("__newsarchive_overlay") || (() => {
    const el = document.createElement("div");
    el.id = "__newsarchive_overlay";
    el.setAttribute("role", "alert");
    el.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2em;" +
      "background:rgba(20,20,20,.92);color:#fff;font:14px/1.5 monospace;white-space:pre-wrap";
    document.body.appendChild(el);
    return el;
  })();
  source.addEventListener("reload", () => { source.close(); location.reload(); });
  source.addEventListener("problems", (event) => {
    box().textContent = "newsarchive: the last build failed; showing the last good site.\\n\\n" +
      JSON.parse(event.data).join("\\n");
  });
  source.addEventListener("clear", () => {
    const el = document.getElementById("__newsarchive_overlay");
    if (el) el.remove();
  });
})();</script>
"""


@dataclass(frozen=True, slots=True)
class BuildState:
    """What open pages need to know: which site is on disk, and whether the last build failed."""

    version: int  # bumps on every change of state; streams wait on it
    generation: int  # bumps each time a new site has been swapped in
    errors: tuple[str, ...]  # lines to show over the page; empty when the last build was fine


class ReloadHub:
    """The one piece of state shared by the builder and the request threads, behind a Condition."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._state = BuildState(0, 0, ())
        self.closed = False

    @property
    def state(self) -> BuildState:
        with self._condition:
            return self._state

    def site_changed(self, errors: tuple[str, ...] = ()) -> None:
        """Call only after the new site is on disk: open pages reload."""
        with self._condition:
            old = self._state
            self._state = BuildState(old.version + 1, old.generation + 1, errors)
            self._condition.notify_all()

    def report(self, errors: tuple[str, ...]) -> None:
        """The site on disk is unchanged; open pages show these errors over it (none: clear)."""
        with self._condition:
            old = self._state
            self._state = BuildState(old.version + 1, old.generation, errors)
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> BuildState | None:
        """The state once its version passes `seen`; None on timeout or close."""
        with self._condition:
            self._condition.wait_for(lambda: self._state.version > seen or self.closed, timeout)
            return self._state if self._state.version > seen and not self.closed else None

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()


def inject(html: bytes, generation: int) -> bytes:
    """Add the reload script before </body> (or at the end), in the response only."""
    script = (RELOAD_SCRIPT % (generation, EVENTS_PATH)).encode()
    index = html.lower().rfind(b"</body>")
    return html + script if index < 0 else html[:index] + script + html[index:]


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the output folder, HTML with the reload script, and the event stream."""

    def __init__(self, *args: Any, hub: ReloadHub, quiet: bool, **kwargs: Any) -> None:
        self.hub = hub
        self.quiet = quiet
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == EVENTS_PATH:
            self.stream_events(parse_qs(url.query).get("since", ["0"])[0])
            return
        file = Path(self.translate_path(self.path))
        if file.is_dir() and url.path.endswith("/"):
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            self.send_html(200, file.read_bytes())
        elif not file.exists() and not file.is_dir():
            missing = Path(self.directory) / "404.html"
            page = missing.read_bytes() if missing.is_file() else b"<h1>Not found</h1>"
            self.send_html(404, page)
        else:
            super().do_GET()

    def send_html(self, status: int, html: bytes) -> None:
        body = inject(html, self.hub.state.generation)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def stream_events(self, since_text: str) -> None:
        """Server-Sent Events: `reload` once a newer site is on disk, `problems`/`clear` otherwise."""
        since = int(since_text) if since_text.isdigit() else 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not self.hub.closed:
                state = self.hub.state if seen < 0 else self.hub.wait(seen, KEEPALIVE)
                if state is None:
                    self.wfile.write(b": keepalive\n\n")
                elif state.generation > since:
                    self.wfile.write(b"event: reload\ndata: {}\n\n")
                    self.wfile.flush()
                    return
                else:
                    seen = state.version
                    kind = "problems" if state.errors else "clear"
                    self.wfile.write(f"event: {kind}\ndata: {json.dumps(state.errors)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class DevServer:
    """Build, serve and rebuild one archive; `start` binds first so a taken port fails fast."""

    def __init__(self, config_path: Path, host: str, port: int, echo: Echo, *,
                 quiet: bool = True, debug: bool = False) -> None:
        self.config_path = config_path
        self.echo = echo
        self.debug = debug
        self.hub = ReloadHub()
        self.config = _config_or_raise(config_path)
        if not self.config.articles_dir.is_dir():
            raise UserError(f"articles folder {self.config.articles_dir} does not exist "
                            "(run `newsarchive init` first, or give --config)")
        self.out = self.config.output_dir.resolve()
        handler = functools.partial(Handler, hub=self.hub, quiet=quiet, directory=str(self.out))
        try:
            self.httpd = http.server.ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise _bind_error(exc, host, port) from exc
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = str(self.httpd.server_address[0]), self.httpd.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> str:
        """First build, then serve in a thread; returns the URL."""
        self.rebuild(initial=True)
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="newsarchive-http",
                                        daemon=True)
        self._thread.start()
        return self.url

    def watched(self) -> tuple[Path, ...]:
        """Folders to watch: the archive root, plus input folders that live outside it."""
        root = self.config.root.resolve()
        extra = [p.resolve() for p in (self.config.articles_dir, self.config.templates_dir)
                 if p is not None and p.is_dir() and not p.resolve().is_relative_to(root)]
        return (root, *extra)

    def is_input(self, path: Path) -> bool:
        """Articles, templates and site.yml; never the output folder, caches or editor droppings."""
        name = path.name
        if name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")):
            return False
        if path == self.config_path.resolve():
            return True
        folders = [self.config.articles_dir, self.config.templates_dir]
        return any(f is not None and path.is_relative_to(f.resolve()) for f in folders)

    def watch(self, stop: threading.Event) -> None:
        """Rebuild after each batch of changes until stop is set."""
        import watchfiles

        def wanted(_change: watchfiles.Change, path: str) -> bool:
            return self.is_input(Path(path))

        for changes in watchfiles.watch(*self.watched(), watch_filter=wanted, stop_event=stop,
                                        debounce=300, step=50, raise_interrupt=False):
            names = sorted({Path(p).name for _, p in changes})
            self.echo(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            self.rebuild()

    def rebuild(self, *, initial: bool = False) -> None:
        """Build; on success tell open pages to reload, on failure keep the site and show why."""
        started = time.perf_counter()
        try:
            config = _config_or_raise(self.config_path)
            if config.output_dir.resolve() != self.out:
                raise UserError("the output folder changed in site.yml; restart `newsarchive serve`")
            result = build(self.config_path, BuildOptions())
        except Exception as exc:  # any failure: keep serving the last good site
            if self.debug or not isinstance(exc, (UserError, OSError)):
                traceback.print_exc()
            message = str(exc) if isinstance(exc, (UserError, OSError)) else (
                f"internal error: {type(exc).__name__}: {exc}")
            self.echo(f"error: {message}")
            self.hub.report((message,))
            return
        errors = tuple(format_problem(p) for p in sort_problems(result.problems)
                       if p.severity == "error")
        for line in errors:
            self.echo(line)
        what = "built" if initial else "rebuilt"
        self.echo(f"{what}: {result.articles} articles, {len(result.rendered)} pages rendered, "
                  f"{len(result.written)} files written in {time.perf_counter() - started:.2f} s")
        if initial or result.written:
            self.hub.site_changed(errors)
        elif errors != self.hub.state.errors:
            self.hub.report(errors)  # same site, but the overlay must change

    def stop(self) -> None:
        self.hub.close()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _config_or_raise(config_path: Path) -> Config:
    config, problems = load_config(config_path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise UserError(format_problem(sort_problems(errors)[0]))
    return config


def _bind_error(exc: OSError, host: str, port: int) -> UserError:
    if exc.errno == errno.EADDRINUSE:
        return UserError(f"port {port} on {host} is in use; stop the other server or choose "
                         "another with --port")
    if exc.errno == errno.EACCES:
        return UserError(f"no permission to use port {port}; choose one above 1023 with --port")
    return UserError(f"cannot serve on {host}:{port}: {exc.strerror or exc}")


def host_warning(host: str) -> str | None:
    """A warning when the site is reachable from other machines."""
    if host in LOOPBACK:
        return None
    return (f"warning: serving on {host}: anyone who can reach this machine on the network can "
            "read the archive")
