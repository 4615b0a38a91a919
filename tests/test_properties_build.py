"""Property tests over whole builds: generated articles and front matter, random Unicode.

For any archive: the build never raises, every input file is a page or is skipped with a
reason, every internal link resolves to a file, and nothing from the input runs in a browser.
"""

from __future__ import annotations

import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.pipeline import BuildOptions, build
from test_hostile import scan_output

SETTINGS = settings(max_examples=30, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Unicode with everything that hurts: controls, bidi overrides, zero-width, surrogates excluded
# (a file cannot hold them as UTF-8), plus markup and template characters made likely.
NASTY = st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\u202e",
                         "\u200b", "\ufeff", "\x00", "\x07", "\x1b", "\r", "\t", "{{ 7*7 }}",
                         "{% raw %}", "&amp;", "&#0;", "..", "/", "\\", "\"", "'", "`", "#", "---",
                         "javascript:alert(1)", "\u0301", "\U0001f525", "index", ":", "[", "]"])
TEXT = st.lists(st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=12), NASTY),
                max_size=8).map("".join)
LINE = TEXT.map(lambda t: t.replace("\n", " "))
URL = st.one_of(st.sampled_from(["https://example.com/a", "http://x.test/?q=<b>", "javascript:x",
                                 " JaVaScRiPt:alert(1)", "data:text/html,<script>", "vbscript:x",
                                 "//evil.test/x", "../../etc/passwd", "#top", "mailto:a@b.c"]),
                LINE)
DATES = st.one_of(st.dates().map(lambda d: d.isoformat()), st.integers(-5, 99999), LINE,
                  st.none())
FM_VALUE = st.one_of(LINE, st.lists(LINE, max_size=4), st.integers(), st.none(), st.booleans(),
                     st.floats(allow_nan=True), st.dictionaries(LINE, LINE, max_size=2))
FRONT_MATTER = st.fixed_dictionaries(
    {},
    optional={"title": st.one_of(LINE, FM_VALUE), "authors": st.one_of(st.lists(LINE, max_size=4),
                                                                       FM_VALUE),
              "outlet": st.one_of(LINE, FM_VALUE), "date": DATES,
              "tags": st.one_of(st.lists(LINE, max_size=5), FM_VALUE), "source_url": URL,
              "slug": st.one_of(LINE, FM_VALUE), "dek": st.one_of(LINE, FM_VALUE),
              "related_links": st.lists(URL, max_size=3), LINE: FM_VALUE},
)
# YAML-ish front matter that is not necessarily YAML: random "key: value" lines.
YAMLISH = st.lists(st.tuples(st.sampled_from(["title", "authors", "date", "tags", "x", "- ", ""]),
                             LINE).map(lambda kv: f"{kv[0]}: {kv[1]}"), max_size=5).map("\n".join)
MD_BODY = st.lists(st.one_of(
    TEXT, LINE.map(lambda t: f"# {t}"), st.tuples(LINE, URL).map(lambda p: f"[{p[0]}]({p[1]})"),
    st.tuples(LINE, URL).map(lambda p: f"![{p[0]}]({p[1]})"), URL.map(lambda u: f"<{u}>"),
    st.just("```\n<script>alert(1)</script>\n```")), max_size=6).map("\n\n".join)


def front_matter_text(fields: dict[str, object] | str) -> str:
    if isinstance(fields, str):
        return f"---\n{fields}\n---\n"
    try:
        return "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n"
    except yaml.YAMLError:
        return "---\ntitle: x\n---\n"


MARKDOWN_FILE = st.tuples(st.one_of(FRONT_MATTER, YAMLISH, st.just("")), MD_BODY).map(
    lambda p: (front_matter_text(p[0]) if p[0] != "" else "") + p[1])
TEXT_FILE = st.lists(LINE, min_size=0, max_size=10).map("\n\n".join)
HTML_FILE = st.tuples(LINE, LINE, TEXT).map(
    lambda p: f"<html><head><title>{p[0]}</title><meta name=author content=\"{p[1]}\"></head>"
              f"<body><article><h1>{p[0]}</h1><p>{p[2]}</p></article></body></html>")
FILE_NAME = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="/\x00"),
                    min_size=1, max_size=40).filter(
    lambda n: not n.startswith(".") and len(n.encode()) < 200)
ARTICLE = st.one_of(
    st.tuples(FILE_NAME.map(lambda n: n + ".md"), MARKDOWN_FILE),
    st.tuples(FILE_NAME.map(lambda n: n + ".txt"), st.one_of(TEXT_FILE, MARKDOWN_FILE)),
    st.tuples(FILE_NAME.map(lambda n: n + ".html"), HTML_FILE),
    st.tuples(FILE_NAME, TEXT),  # any suffix, or none: skipped as not an article
)
ARCHIVE = st.lists(ARTICLE, min_size=1, max_size=8, unique_by=lambda a: a[0])


class Links(HTMLParser):
    """The site's own links. Relative links inside an article body are the author's own (a
    copied page's `[x](4)` resolves nowhere) and are not the site's to resolve, so they are left
    out; test_hostile checks that none of them can run."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self._in_body = 0  # depth of <div> inside the article body

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and (self._in_body or "body" in (dict(attrs).get("class") or "").split()):
            self._in_body += 1
        if not self._in_body:
            self.links += [value for name, value in attrs if name in ("href", "src") and value]

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._in_body:
            self._in_body -= 1


def broken_links(out: Path) -> list[str]:
    """Every relative href/src of every page must name a file of the output (the link checker
    of test_build, by the same rules: schemes, fragments and protocol-relative links are out)."""
    broken = []
    for page in sorted(out.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "//")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or not target.is_relative_to(out.resolve()):
                broken.append(f"{page.relative_to(out)} -> {link}")
    return broken


def write_archive(root: Path, files: list[tuple[str, str]]) -> Path:
    articles = root / "articles"
    articles.mkdir(parents=True)
    (root / "site.yml").write_text("title: Generated\nlanguage: en\npage_size: 3\n")
    for name, text in files:
        (articles / name).write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return articles


@SETTINGS
@given(files=ARCHIVE)
def test_any_archive_builds_with_every_input_accounted_for_and_links_resolving(
        files: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_archive(root, files)
        result = build(root / "site.yml", BuildOptions(clean=True, workers=1))
        out = root / "build"
        skipped = {Path(path).name: reason for path, reason in result.skipped}
        assert all(reason.strip() for reason in skipped.values())
        assert set(skipped) <= {name for name, _ in files}
        assert result.articles + len(skipped) == len(files)
        assert not [p for p in result.problems if p.code == "render.failed"]
        assert (out / "index.html").is_file()
        assert broken_links(out) == []
        findings, _, _ = scan_output(out)
        assert findings == []


@SETTINGS
@given(fields=FRONT_MATTER, body=MD_BODY)
def test_any_front_matter_gives_a_page_or_a_reason(fields: dict[str, object], body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_archive(root, [("article.md", front_matter_text(fields) + body)])
        result = build(root / "site.yml", BuildOptions(clean=True, workers=1))
        if result.articles == 0:
            assert [reason for _, reason in result.skipped if reason.strip()]
        else:
            assert result.skipped == ()
            pages = [p for p in (root / "build").rglob("index.html")
                     if (p.parent / "article.json").exists() or "article" in p.read_text()]
            assert pages
        assert broken_links(root / "build") == []
