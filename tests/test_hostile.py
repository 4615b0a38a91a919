"""Hostile input: every attacker-written article is shown escaped or skipped with a reason.

The committed corpus is tests/fixtures/hostile/ (see its README.md). The cases that must not be
committed (a 50 MB file, a 5 MB line, NUL bytes, symlinks and symlink loops, a hostile file name)
are made at test time in tmp_path by `add_generated_cases`.
"""

from __future__ import annotations

import html
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from newsarchive.pipeline import BuildResult

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile"
REPO = Path(__file__).parent.parent
PWNED_FILE = Path("/tmp/newsarchive-hostile-pwned")  # the YAML tags would write it if constructed
OUTSIDE_CANARY = "OUTSIDE-SECRET-7f3a"  # in files outside the archive; must never be published
CANARIES = ("alert(", "__pwned", "document.domain", "msgbox")
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "data", "poster", "background",
                       "xlink:href", "cite", "longdesc", "manifest", "ping", "lowsrc", "dynsrc",
                       "codebase", "archive", "usemap", "icon"})
FORBIDDEN_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet"})
JSON_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json", "importmap",
                               "speculationrules"})
MAX_PEAK_RSS_MIB = 400

# Input file -> (outcome, problem codes that must be reported for it). "page": the article is
# built (and checked escaped below); "skipped": it is in BuildResult.skipped with a reason.
EXPECTED: dict[str, tuple[str, frozenset[str]]] = {
    "script-everywhere.md": ("page", frozenset()),
    "raw-html-body.md": ("page", frozenset()),
    "evil-links.md": ("page", frozenset()),
    "source-url-mixed-case.md": ("page", frozenset()),
    "source-url-whitespace.md": ("page", frozenset()),
    "source-url-entity.md": ("page", frozenset()),
    "source-url-data.md": ("page", frozenset()),
    "source-url-vbscript.md": ("page", frozenset()),
    "names-rtl-entities.md": ("page", frozenset()),
    "slug-nothing.md": ("page", frozenset()),
    "slug-emoji.md": ("page", frozenset()),
    "slug-dotdot.md": ("page", frozenset()),
    "slug-index.md": ("page", frozenset()),
    "slug-slash.md": ("page", frozenset()),
    "slug-hint-escape.md": ("page", frozenset()),
    "slug-hint-absolute.md": ("page", frozenset()),
    "slug-hint-backslash.md": ("page", frozenset()),
    "slug-hint-index.md": ("page", frozenset()),
    "template-injection.md": ("page", frozenset()),
    "jsonld-breakout.md": ("page", frozenset()),
    "yaml-bomb.md": ("page", frozenset({"frontmatter.invalid"})),
    "yaml-python-apply.md": ("page", frozenset({"frontmatter.invalid"})),
    "yaml-python-new.md": ("skipped", frozenset({"frontmatter.invalid", "load.no-title"})),
    "yaml-python-name.md": ("page", frozenset({"frontmatter.invalid"})),
    "script-title.txt": ("page", frozenset()),
    "event-handlers.txt": ("page", frozenset()),
    "front-matter-txt.txt": ("page", frozenset()),
    "hostile-page.html": ("page", frozenset()),
    "surrogate-escapes.md": ("page", frozenset({"load.surrogate"})),
    "surrogate-jsonld.html": ("page", frozenset({"load.surrogate"})),
    # made at test time by add_generated_cases
    "huge-50mb.md": ("skipped", frozenset({"load.too-large"})),
    "long-title.md": ("page", frozenset()),
    "long-title.txt": ("page", frozenset()),
    "long-line.md": ("page", frozenset()),
    "long-line.txt": ("page", frozenset()),
    "nul-bytes.md": ("page", frozenset({"load.nul-bytes"})),
    "nul-binary.txt": ("skipped", frozenset({"load.binary"})),
    "front-matter-huge.md": ("page", frozenset({"frontmatter.too-large"})),
    '"><img src=x onerror=alert(document.domain)>.md': ("page", frozenset()),
    os.fsdecode(b"not-utf8-\xff.md"): ("page", frozenset()),  # a name's bytes, escaped
    "link-outside.md": ("skipped", frozenset({"load.symlink-outside"})),
    "loop-a.md": ("skipped", frozenset({"load.bad-symlink"})),
    "loop-b.md": ("skipped", frozenset({"load.bad-symlink"})),
    "loop-self.md": ("skipped", frozenset({"load.bad-symlink"})),
    "dangling.md": ("skipped", frozenset({"load.bad-symlink"})),
}

# Titles that must appear verbatim as the text of an article's <h1> (escaped, not interpreted).
VERBATIM_TITLES = (
    "<script>alert(document.domain)</script><img src=x onerror=alert(document.domain)>",
    "</script><script>alert(document.domain)</script></title><script>window.__pwned=1</script>",
    "{{ 7*7 }} {% raw %} {{ config.items() }} ${7*7} #{7*7}",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &#x3C;img src=x onerror=alert(1)&#x3E;",
    "../../../../etc/passwd",
    "a/b\\c/../d",
)


def add_generated_cases(site: Path) -> Path:
    """Add the cases that must not be committed; returns the folder outside the archive."""
    articles = site / "articles"
    outside = site.parent / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret.md"
    secret.write_text(f"---\ntitle: {OUTSIDE_CANARY}\n---\n{OUTSIDE_CANARY} body\n")
    (outside / "folder").mkdir(exist_ok=True)
    (outside / "folder" / "inner.md").write_text(f"---\ntitle: {OUTSIDE_CANARY} inner\n---\nx\n")

    with (articles / "huge-50mb.md").open("wb") as handle:  # over MAX_FILE_BYTES (20 MiB)
        handle.write(b"---\ntitle: Huge\n---\n")
        chunk = b"<script>alert(document.domain)</script> " * 25_000
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            handle.write(chunk)
    long_title = ("<script>alert(document.domain)</script> long " * 2500)[: 100 * 1024]
    (articles / "long-title.md").write_text(
        f'---\ntitle: "{long_title}"\ndate: 2023-01-01\n---\nBody.\n')
    (articles / "long-title.txt").write_text(
        ("Long title words " * 7000)[: 100 * 1024] + "\n\nA body paragraph with enough words to "
        "read as the text of a news article about something.\n")
    # one 5 MB line; hostile only at its ends, since Markdown costs ~1 s/MB per dense tag run
    line = "<b onclick=alert(1)>x</b> \u202e " + "word " * (1024 * 1024) + "<svg onload=alert(1)>"
    (articles / "long-line.md").write_text(f"---\ntitle: Long line\ndate: 2023-01-02\n---\n{line}\n")
    (articles / "long-line.txt").write_text(f"A title above a five megabyte line\n\n{line}\n")
    padding = "A paragraph of ordinary words that pads the file past the binary test. " * 20
    (articles / "nul-bytes.md").write_bytes(
        f'---\ntitle: "Nul\x00 in the title"\nauthors: ["Eve\x00 Example"]\n---\n'
        f"{padding}\n\nA NUL\x00 byte in the body.\n".encode())
    (articles / "nul-binary.txt").write_bytes(b"Title\x00\x00\x00\x00\n\x00\x00\x00\x00body\n" * 4)
    (articles / "front-matter-huge.md").write_text(
        "---\ntitle: never read\ndek: " + "x" * (300 * 1024) + "\n---\n# Huge front matter\n\nBody.\n")
    (articles / '"><img src=x onerror=alert(document.domain)>.md').write_text(
        "---\ntitle: A hostile file name\ndate: 2023-01-03\n---\nBody.\n")
    (articles / os.fsdecode(b"not-utf8-\xff.md")).write_text(
        "---\ntitle: A file name that is not UTF-8\ndate: 2023-01-04\n---\nBody.\n")
    (articles / "link-outside.md").symlink_to(secret)
    (articles / "loop-a.md").symlink_to("loop-b.md")
    (articles / "loop-b.md").symlink_to("loop-a.md")
    (articles / "loop-self.md").symlink_to("loop-self.md")
    (articles / "dangling.md").symlink_to("does-not-exist.md")
    (articles / "loop-dir").symlink_to(".", target_is_directory=True)
    (articles / "outside-dir").symlink_to(outside / "folder", target_is_directory=True)
    return outside


def make_hostile_site(root: Path) -> Path:
    site = root / "site"
    shutil.copytree(HOSTILE, site, ignore=shutil.ignore_patterns("README.md"))
    add_generated_cases(site)
    return site


def tree_paths(root: Path) -> set[str]:
    """Every path under root (files, folders, links), without following links."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            found.add((Path(dirpath) / name).relative_to(root).as_posix())
    return found


# --- what a browser would run --------------------------------------------------------------------


def browser_url(value: str) -> str:
    """An attribute value as a browser's URL parser sees it (entities are already decoded by the
    HTML parser): C0 controls and spaces stripped, tabs and newlines removed, lowercased. We also
    drop every other control character, which is stricter than a browser."""
    return "".join(ch for ch in value if ord(ch) > 0x20 and ch != "\x7f").lower()


@dataclass
class PageScan:
    findings: list[str] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)
    h1: list[str] = field(default_factory=list)


class HostileScanner(HTMLParser):
    """Collects everything in one page that a browser could execute or navigate to."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._script: tuple[dict[str, str], list[str]] | None = None
        self._h1: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.scan.findings.append(f"<{tag}> has event handler {name}={value[:60]!r}")
            if name in URL_ATTRS or name == "srcset":
                url = browser_url(value)
                if url.startswith(BAD_SCHEMES) or any(
                        f" {s}" in value.lower() for s in BAD_SCHEMES if name == "srcset"):
                    self.scan.findings.append(f"<{tag} {name}> is {value[:60]!r}")
            if name == "srcdoc":
                self.scan.findings.append(f"<{tag}> has srcdoc")
            if name == "style" and any(k in browser_url(value) for k in
                                        ("javascript:", "expression(", "url(")):
                self.scan.findings.append(f"<{tag}> style {value[:60]!r}")
        if tag in FORBIDDEN_TAGS:
            self.scan.findings.append(f"<{tag}> element in the page")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.scan.findings.append("<meta http-equiv=refresh>")
        if tag == "script":
            self._script = (values, [])
        if tag == "h1":
            self._h1 = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scan.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        if tag == "h1" and self._h1 is not None:
            self.scan.h1.append("".join(self._h1))
            self._h1 = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
        if self._h1 is not None:
            self._h1.append(data)


def theme_sources() -> str:
    """Everything the theme and the code ship, where a legitimate inline script would come from."""
    parts = [p.read_text(encoding="utf-8", errors="replace")
             for folder in (REPO / "templates", REPO / "src" / "newsarchive")
             for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in
             (".html", ".js", ".py", ".css", ".json")]
    return "\n".join(parts)


def script_findings(page: Path, out: Path, scripts: list[tuple[dict[str, str], str]],
                    known: str) -> list[str]:
    """A script is fine when it is a JSON data block that still parses (no breakout), a file of
    the site itself, or inline code the theme ships verbatim; nothing else may run."""
    findings = []
    for attrs, content in scripts:
        kind = attrs.get("type", "").strip().lower()
        if kind in JSON_SCRIPT_TYPES:
            try:
                json.loads(content)
            except ValueError:
                findings.append(f"{kind} block does not parse (broken out?): {content[:80]!r}")
            continue
        if "src" in attrs:
            src = attrs["src"]
            target = (page.parent / unquote(urlsplit(src).path)).resolve()
            if urlsplit(src).scheme or not target.is_relative_to(out.resolve()) or \
                    not target.is_file():
                findings.append(f"<script src={src!r}> is not a file of the site")
            elif any(c.encode() in target.read_bytes() for c in ("__pwned", "document.domain")):
                findings.append(f"<script src={src!r}> holds article content")
            continue
        if any(c in content for c in CANARIES) or content.strip() not in known:
            findings.append(f"inline <script> not from the theme: {content[:80]!r}")
    return findings


DATA_SCRIPT = re.compile(r"window\.[A-Z_]+(?:\s*=\s*|\(\"[\w-]+\",)(?P<json>.*?)\)?;?\s*", re.S)


def data_script_findings(path: Path) -> list[str]:
    """A generated .js file (the file:// search index) may hold article text only as one JSON
    value passed to a known global: `window.NAME = {...};` or `window.NAME("id", [...]);`. If
    article text broke out of its string, the JSON would no longer parse."""
    text = path.read_text(encoding="utf-8")
    match = DATA_SCRIPT.fullmatch(text)
    if match is None:
        return [f"generated script is not one JSON value for a global: {text[:80]!r}"]
    try:
        json.loads(match["json"])
    except ValueError as exc:
        return [f"generated script's JSON does not parse (broken out?): {exc}"]
    return []


def scan_output(out: Path) -> tuple[list[str], list[str], int]:
    """(findings, h1 texts, pages checked) over every file of a built site."""
    findings: list[str] = []
    headings: list[str] = []
    known = theme_sources()
    pages = 0
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_symlink() or not path.resolve().is_relative_to(out.resolve()):
            findings.append(f"{rel}: a link or a path out of the output")
            continue
        if not path.is_file():
            continue
        if path.suffix == ".html":
            pages += 1
            scanner = HostileScanner()
            scanner.feed(path.read_text(encoding="utf-8"))
            scanner.close()
            found = scanner.scan.findings + script_findings(path, out, scanner.scan.scripts, known)
            findings += [f"{rel}: {f}" for f in found]
            headings += scanner.scan.h1
        elif path.suffix == ".js" and rel.startswith("pagefind/"):
            if any(c.encode() in path.read_bytes() for c in ("__pwned", "document.domain")):
                findings.append(f"{rel}: Pagefind's own script holds article text")
        elif path.suffix == ".js" and path.read_text(encoding="utf-8") not in known:
            findings += [f"{rel}: {f}" for f in data_script_findings(path)]
        elif path.suffix == ".json":
            try:
                json.loads(path.read_bytes())
            except ValueError as exc:
                findings.append(f"{rel}: not valid JSON: {exc}")
        elif path.suffix in (".xml", ".rss", ".atom"):
            try:
                ET.fromstring(path.read_bytes())
            except ET.ParseError as exc:
                findings.append(f"{rel}: not well-formed XML: {exc}")
        if OUTSIDE_CANARY.encode() in path.read_bytes():
            findings.append(f"{rel}: publishes a file from outside the archive")
    return findings, headings, pages


# --- the build -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileBuild:
    site: Path
    out: Path
    result: BuildResult
    before: frozenset[str]  # every path under the test's tmp folder before the build
    after: frozenset[str]
    peak_rss_mib: float  # the build process's own peak, from wait4's rusage


BUILD_IN_CHILD = """
import pickle, sys
from pathlib import Path
from newsarchive.pipeline import BuildOptions, build
result = build(Path(sys.argv[1]), BuildOptions(workers=1))
Path(sys.argv[2]).write_bytes(pickle.dumps(result))
"""


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBuild]:
    """One build of the whole corpus in a subprocess, so its peak memory is its own."""
    root = tmp_path_factory.mktemp("hostile")
    site = make_hostile_site(root)
    result_file = tmp_path_factory.mktemp("hostile-result") / "result.pickle"
    PWNED_FILE.unlink(missing_ok=True)
    before = frozenset(tree_paths(root))
    proc = subprocess.Popen([sys.executable, "-c", BUILD_IN_CHILD, str(site / "site.yml"),
                             str(result_file)], cwd=root)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, "the build of the hostile corpus failed"
    after = frozenset(tree_paths(root))
    result = pickle.loads(result_file.read_bytes())
    yield HostileBuild(site, site / "build", result, before, after, usage.ru_maxrss / 1024)


def test_every_hostile_input_is_a_page_or_skipped_with_its_reason(hostile_build: HostileBuild) -> None:
    result = hostile_build.result
    inputs = {p.name for p in (hostile_build.site / "articles").iterdir()
              if not (p.is_symlink() and p.is_dir())}
    assert inputs == set(EXPECTED), "update EXPECTED and the README when adding a case"
    skipped = {Path(path).name: reason for path, reason in result.skipped}
    codes: dict[str, set[str]] = {}
    for problem in result.problems:
        codes.setdefault(Path(problem.path).name, set()).add(problem.code)
    for name, (outcome, wanted) in EXPECTED.items():
        assert wanted <= codes.get(name, set()), f"{name}: problems {codes.get(name)}"
        if outcome == "skipped":
            assert skipped.get(name), f"{name} should be skipped with a reason"
        else:
            assert name not in skipped, f"{name} was skipped: {skipped.get(name)}"
    pages = sum(1 for outcome, _ in EXPECTED.values() if outcome == "page")
    assert result.articles == pages
    assert set(skipped) == {n for n, (o, _) in EXPECTED.items() if o == "skipped"}
    assert not [p for p in result.problems if p.code == "render.failed"]


def test_no_script_handler_or_dangerous_url_reaches_any_page(hostile_build: HostileBuild) -> None:
    findings, _, pages = scan_output(hostile_build.out)
    assert pages > 40
    assert findings == []


def test_hostile_titles_are_shown_as_text(hostile_build: HostileBuild) -> None:
    _, headings, _ = scan_output(hostile_build.out)
    for title in VERBATIM_TITLES:
        assert title in headings, f"no page shows {title!r} verbatim"
    assert not any("49" in h for h in headings if "7*7" in h or h.startswith("49"))
    assert "A hostile file name" in headings
    long_title = next(h for h in headings if h.startswith("<script>alert(document.domain)</script> long"))
    assert len(long_title) > 90_000


def test_surrogates_show_as_replacement_characters(hostile_build: HostileBuild) -> None:
    """Lone surrogates (YAML or JSON escapes, a file name's undecodable bytes) cannot be written
    as UTF-8; they show as U+FFFD, pairs as the character they spell."""
    _, headings, _ = scan_output(hostile_build.out)
    assert "A lone surrogate \ufffd in the title" in headings
    assert "Structured data with a lone surrogate \ufffd in the headline" in headings
    export = (hostile_build.out / "data/articles.csv").read_text(encoding="utf-8")
    assert "not-utf8-\ufffd.md" in export
    assert "pair \U0001f600" in export and "\U0001f4f0" in export


def test_yaml_tags_construct_nothing(hostile_build: HostileBuild) -> None:
    assert not PWNED_FILE.exists()
    messages = [p.message for p in hostile_build.result.problems if p.code == "frontmatter.invalid"]
    assert any("aliases" in m for m in messages), "the billion-laughs bomb must be refused"


def test_nothing_is_written_outside_the_output_folder(hostile_build: HostileBuild) -> None:
    new = hostile_build.after - hostile_build.before
    allowed = ("site/build", "site/.newsarchive-cache", "site/.build.lock")
    strays = sorted(p for p in new if not any(p == a or p.startswith(a + "/") for a in allowed))
    assert strays == []
    gone = sorted(hostile_build.before - hostile_build.after)
    assert gone == []
    assert not Path("/tmp/absolute").exists() and not Path("/tmp/escaped").exists()
    out = hostile_build.out.resolve()
    for path in hostile_build.out.rglob("*"):
        assert not path.is_symlink()
        assert path.resolve().is_relative_to(out)


def test_article_urls_stay_single_safe_segments(hostile_build: HostileBuild) -> None:
    out = hostile_build.out
    for page in out.rglob("index.html"):
        for part in page.relative_to(out).parts:
            assert part not in ("..", ".", "") and "\\" not in part
            assert all(ch.isascii() and (ch.isalnum() or ch in "-._") for ch in part), part
            assert len(part) <= 90, part
    # a slug: hint or a title naming a listing page never replaces that page
    assert "Latest articles" in (out / "index.html").read_text(encoding="utf-8")


def test_memory_stays_bounded_with_a_50mb_file(hostile_build: HostileBuild) -> None:
    """The 50 MB file is refused after reading at most 20 MiB + 1 byte; the 5 MB line and the
    100 KB title pass. Linux reports ru_maxrss in KiB."""
    too_large = [p.message for p in hostile_build.result.problems if p.code == "load.too-large"]
    assert too_large == ["file is over the 20 MiB limit"]  # was "file is 20 MiB, over ..." for 50 MB
    assert hostile_build.peak_rss_mib < MAX_PEAK_RSS_MIB, f"peak RSS {hostile_build.peak_rss_mib:.0f} MiB"


# --- in a real browser ---------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PROVOKE_HANDLERS = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'click', 'focus', 'toggle', 'load', 'error']) {
      try { el.dispatchEvent(new Event(type)); } catch (e) {}
    }
  }
  return typeof window.__pwned === 'undefined' && typeof parent.__pwned === 'undefined';
}"""


@pytest.mark.browser
def test_no_script_runs_in_the_browser_on_any_hostile_page(hostile_build: HostileBuild,
                                                          chromium_browser: Any) -> None:
    """Every page from file://: no dialog, no console error, no request leaving file://, and
    event handlers provoked on every element still set no canary. Clicks are synthetic events, so
    no link is followed."""
    events: list[str] = []
    pages = sorted(hostile_build.out.rglob("*.html"))
    context = chromium_browser.new_context()
    try:

        def route(route: object) -> None:
            request = route.request  # type: ignore[attr-defined]
            if not request.url.startswith("file://"):
                events.append(f"request {request.url}")
                route.abort()  # type: ignore[attr-defined]
            else:
                route.continue_()  # type: ignore[attr-defined]

        context.route("**/*", route)
        page = context.new_page()
        here: list[str] = [""]
        page.on("dialog", lambda d: (events.append(f"{here[0]}: dialog {d.message!r}"),
                                     d.dismiss()))
        page.on("console", lambda m: m.type == "error" and events.append(
            f"{here[0]}: console {m.text}"))
        page.on("pageerror", lambda e: events.append(f"{here[0]}: page error {e}"))
        page.on("popup", lambda p: events.append(f"{here[0]}: popup {p.url}"))
        for path in pages:
            here[0] = path.relative_to(hostile_build.out).as_posix()
            page.goto(path.as_uri(), wait_until="load")
            if not page.evaluate(PROVOKE_HANDLERS):
                events.append(f"{here[0]}: window.__pwned was set")
            if not page.url.startswith(path.as_uri()):
                events.append(f"{here[0]}: navigated away to {page.url}")
        shown = search_for_hostile_words(page, hostile_build.out, here, events)
    finally:
        context.close()
    assert len(pages) > 40
    assert events == []
    assert shown is None or shown > 0, "the search showed none of the hostile articles"


SEARCH_QUERIES = ("script", "alert document domain", "img onerror", "pwned", "7", "javascript")


def search_for_hostile_words(page: Any, out: Path, here: list[str], events: list[str]) -> int | None:
    """The search page renders hostile titles and excerpts from the file:// index; results must
    stay text. Returns how many results were shown in all, or None when the site has no search."""
    search_page = out / "search" / "index.html"
    if not search_page.is_file():
        return None
    here[0] = "search/index.html"
    page.goto(search_page.as_uri(), wait_until="load")
    shown = 0
    for query in SEARCH_QUERIES:
        page.fill("#search-q", query)
        page.wait_for_timeout(700)
        shown += page.locator("#search-results li").count()
        if not page.evaluate(PROVOKE_HANDLERS):
            events.append(f"search {query!r}: window.__pwned was set")
    here[0] = "index.html (header search)"
    page.goto((out / "index.html").as_uri(), wait_until="load")
    page.fill("#site-search-q", "script alert")
    page.wait_for_timeout(700)
    if not page.evaluate(PROVOKE_HANDLERS):
        events.append("header search: window.__pwned was set")
    return shown


def test_scanner_catches_what_a_browser_would_run(tmp_path: Path) -> None:
    """The checker itself: each of these would run in a browser, and each is found."""
    out = tmp_path / "out"
    out.mkdir()
    bad = {
        "a.html": '<a href="&#x6A;avascript:alert(1)">x</a>',
        "b.html": '<a href=" \tJaVa\nScRiPt:alert(1)">x</a>',
        "c.html": '<img src=x onerror="alert(1)">',
        "d.html": "<script>alert(document.domain)</script>",
        "e.html": '<script type="application/ld+json">{"a": "</script><script>x</script>',
        "f.html": '<iframe src="https://example.com/"></iframe>',
        "g.html": '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        "h.html": '<a href="\x01vbscript:msgbox(1)">x</a>',
    }
    for name, text in bad.items():
        (out / name).write_text(text)
    (out / "i.js").write_text('window.INDEX={"t":"</script>"};alert(document.domain);')
    (out / "j.js").write_text('window.CHUNK("c",[""]);alert(1)//"]);')
    findings, _, _ = scan_output(out)
    assert {f.split(":")[0] for f in findings} == {*bad, "i.js", "j.js"}
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "x.html").write_text(
        '<a href="https://example.com/?q=javascript:x">fine</a><p>&lt;script&gt;alert(1)</p>'
        f'<a href="{html.escape("x.html")}">self</a>')
    assert scan_output(tmp_path / "ok")[0] == []
