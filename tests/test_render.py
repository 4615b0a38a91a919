"""render: relurl, escaping, Markdown safety, template fingerprints, and the built site's structure."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import jinja2.compiler
import pytest
from markupsafe import Markup, escape

from newsarchive.archive import Archive, collect
from newsarchive.config import Config, load_config
from newsarchive.model import Article, DateValue, Page
from newsarchive.render import (
    BUILTIN_TEMPLATES,
    date_iso,
    date_text,
    escape_output,
    make_environment,
    relative_url,
    render_page,
    safe_url,
    template_hashes,
)
from newsarchive.site import plan_site
from newsarchive.sources.markdown import load_markdown

SITE_SMALL = Path(__file__).parent / "fixtures" / "site-small"


def small_site() -> tuple[Archive, tuple[Page, ...]]:
    config, _ = load_config(SITE_SMALL / "site.yml")
    articles = [load_markdown(p, p.read_bytes())[0]
                for p in sorted(config.articles_dir.glob("*.md"))]
    archive, _ = collect([a for a in articles if a], config)
    return archive, plan_site(archive, config)


def body_of(html: str) -> str:
    """The article's own text: header and body, not parts other modules add to the page."""
    start = html.index('<article class="article">')
    return html[start:html.index('<footer class="article-footer">', start)]


def render_one(article: Article) -> str:
    archive, _ = collect([article], Config())
    pages = plan_site(archive, Config())
    page = next(p for p in pages if p.template == "article.html")
    return render_page(make_environment(None), page).decode("utf-8")


class Links(HTMLParser):
    """Collects every href/src, ids, landmark tags, and h1 count of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.tags: set[str] = set()
        self.h1 = 0
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.add(tag)
        self.h1 += tag == "h1"
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "base":
            return
        self.links += [v for k, v in attrs if k in ("href", "src") and v]
        if found.get("id"):
            self.ids.append(str(found["id"]))


# --- relurl ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "page", "expected"), [
    ("index.html", "index.html", "index.html"),
    ("outlets/ap/index.html", "index.html", "outlets/ap/index.html"),
    ("index.html", "2021/03/slug/index.html", "../../../index.html"),
    ("2021/03/index.html", "2021/03/slug/index.html", "../index.html"),
    ("2021/03/other/index.html", "2021/03/slug/index.html", "../other/index.html"),
    ("outlets/", "2021/index.html", "../outlets/index.html"),
    ("", "tags/x/page/2/index.html", "../../../../index.html"),
    ("/assets/style.css", "404.html", "assets/style.css"),
    ("2021/index.html", "2021/page/2/index.html", "../../index.html"),
])
def test_relative_url(target: str, page: str, expected: str) -> None:
    assert relative_url(target, page) == expected
    assert posixpath.normpath(posixpath.join(posixpath.dirname(page), expected)) == (
        target.lstrip("/") + ("index.html" if target.endswith("/") or not target else ""))


def test_relurl_filter_uses_the_page_path() -> None:
    env = make_environment(None)
    template = env.from_string("{{ 'tags/a/index.html' | relurl }} {{ relurl('index.html') }}")
    assert template.render(page_path="2021/x/index.html") == "../../tags/a/index.html ../../index.html"


def test_relurl_filter_keeps_each_page_apart() -> None:
    """The filter remembers each page's folders; a later page must not see an earlier one's."""
    env = make_environment(None)
    template = env.from_string("{{ '2021/03/b/index.html' | relurl }}")
    pages = ["2021/03/a/index.html", "index.html", "2021/03/a/index.html", "2021/index.html"]
    assert [template.render(page_path=p) for p in pages] == [
        "../b/index.html", "2021/03/b/index.html", "../b/index.html", "03/b/index.html"]


# --- escaping and bodies ----------------------------------------------------------------------


class Html:
    def __html__(self) -> str:
        return "<b>already safe</b>"


@pytest.mark.parametrize("value", [
    "plain", "<a href=\"x\">'&'</a>", "", Markup("<i>kept</i>"), 42, None, 1.5, Html(),
    ("<tuple>",), "\u00e9\U0001f600 <\u00e9>",
])
def test_escape_output_is_escape_as_text(value: object) -> None:
    assert escape_output(value) == str(escape(value))
    assert type(escape_output(value)) in (str, Markup)


def test_templates_escape_as_jinja_does() -> None:
    """Our code generator only drops the Markup wrapper: every construct renders the same."""
    source = (
        "{% macro m(x) %}<{{ x }}>{% endmacro %}{% macro c(x) %}{{ x }}{{ caller() }}{% endmacro %}"
        "{{ t }}|{{ t | upper }}|{{ n }}|{{ safe }}|{{ m(t) }}|"
        "{% call c(t) %}[{{ t }}]{% endcall %}|{% set b %}{{ t }}{% endset %}{{ b }}|"
        "{% filter upper %}{{ t }}{% endfilter %}|{% autoescape false %}{{ t }}{% endautoescape %}|"
        "{% autoescape flag %}{{ t }}{% endautoescape %}|{{ t ~ safe }}|{{ [t] | join(safe) }}")
    values = {"t": "<a&'\">", "n": 3, "safe": Markup("<br>"), "flag": False}
    ours = make_environment(None)
    stock = make_environment(None)
    stock.code_generator_class = jinja2.compiler.CodeGenerator
    assert ours.from_string(source).render(values) == stock.from_string(source).render(values)
    assert "&lt;a&amp;&#39;&#34;&gt;" in ours.from_string(source).render(values)
    with pytest.raises(jinja2.UndefinedError):
        ours.from_string("{{ nothing }}").render()



def test_autoescape_and_strict_undefined() -> None:
    env = make_environment(None)
    assert env.from_string("{{ t }}").render(t="<script>") == "&lt;script&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_script_title_is_escaped_everywhere() -> None:
    html = render_one(Article("a.md", "<script>alert(1)</script>", ("Body",),
                              dek="<b>dek</b>", authors=("<i>Eve</i>",)))
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · News archive</title>" in html
    own = body_of(html)
    assert "<script>" not in own and "<b>" not in own and "<i>" not in own
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in own


def test_markdown_raw_html_is_escaped_and_bad_links_neutralised() -> None:
    body = ("Hi <b>bold</b> <img src=x onerror=alert(1)>", "<script>alert(2)</script>",
            "[a](javascript:alert(1)) [b](JavaScript:alert(1)) [c](data:text/html,x) "
            "[d](vbscript:x) ![e](data:image/png;base64,AAAA) <javascript:alert(3)> "
            "[ok](https://example.com/)", "# Heading")
    html = body_of(render_one(Article("a.md", "T", body, body_format="markdown")))
    lowered = html.lower()
    assert "<b>" not in html and "<img" not in html and "<script" not in lowered
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert f'href="{scheme}' not in lowered and f'src="{scheme}' not in lowered
    assert '<a href="https://example.com/">ok</a>' in html
    assert "<h2>Heading</h2>" in html and html.count("<h1>") == 1


def test_text_body_is_one_escaped_paragraph_each() -> None:
    html = render_one(Article("a.md", "T", ("First <b>", "Second & last")))
    assert "<p>First &lt;b&gt;</p>\n<p>Second &amp; last</p>" in html


def test_source_link_only_for_http_and_removed_lines_not_shown() -> None:
    from newsarchive.model import RemovedLine

    html = render_one(Article("a.md", "T", ("Body",), source_url="javascript:alert(1)",
                              removed=(RemovedLine(3, "Share on Facebook", "boilerplate"),),
                              related_links=("Read: other story",)))
    assert 'href="javascript' not in html and "javascript:alert(1)" in html
    assert "Share on Facebook" not in html and "<li>Read: other story</li>" in html
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url(" data:text/html,x") is None and safe_url(None) is None


def test_date_text_by_precision() -> None:
    assert date_text(DateValue(2021, 3, 3)) == "3 March 2021"
    assert date_text(DateValue(2021, 3)) == "March 2021"
    assert date_text(DateValue(2021)) == "2021"
    assert date_text(None) == "Undated"
    assert [date_iso(DateValue(2021, 3, 3)), date_iso(DateValue(2021, 3)),
            date_iso(DateValue(2021))] == ["2021-03-03", "2021-03", "2021"]


def test_summary_list_writes_date_tag_and_author_links_as_they_do() -> None:
    """summary_list spells the two macros out (for speed); its entries must read the same."""
    _, pages = small_site()
    page = next(p for p in pages if p.template == "home.html")
    entries = page.context["entries"]
    assert isinstance(entries, tuple)
    env = make_environment(None)
    macros = env.get_template("_macros.html").make_module({"page_path": page.context["page_path"]})
    listed = str(macros.summary_list(entries))
    for s in entries:
        assert str(macros.date_tag(s.date)) in listed
        if s.authors:
            assert f"By {macros.author_links(s.authors)}</span>" in listed
    assert any(len(s.authors) > 1 for s in entries) and " and <a " in listed


def test_related_lists_write_date_tag_as_it_does() -> None:
    _, pages = small_site()
    env = make_environment(None)
    shown = 0
    for page in pages:
        if page.template != "article.html":
            continue
        html = render_page(env, page).decode("utf-8")
        macros = env.get_template("_macros.html").make_module(dict(page.context))
        related = page.context["related"]
        for s in (*related.outlet, *related.articles):  # type: ignore[attr-defined]
            assert f"{escape(s.title)}</a> <span class" in html
            assert f"{macros.date_tag(s.date)}</span></li>" in html
            shown += 1
    assert shown > 10


# --- static assets and overrides -----------------------------------------------------------------


def test_static_asset_is_raw_bytes_and_overridable(tmp_path: Path) -> None:
    page = Page("assets/style.css", "static/style.css", {})
    builtin = (BUILTIN_TEMPLATES / "static" / "style.css").read_bytes()
    assert render_page(make_environment(None), page) == builtin
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("body { color: red }\n", encoding="utf-8")
    assert render_page(make_environment(tmp_path), page) == b"body { color: red }\n"


def test_site_template_extends_the_default_one(tmp_path: Path) -> None:
    (tmp_path / "base.html").write_text(
        '{% extends "default/base.html" %}{% block footer %}MY FOOTER{% endblock %}',
        encoding="utf-8")
    archive, _ = collect([Article("a.md", "T", ("Body",))], Config())
    page = next(p for p in plan_site(archive, Config()) if p.template == "article.html")
    html = render_page(make_environment(tmp_path), page).decode()
    assert "MY FOOTER" in html and "<h1>T</h1>" in html


# --- template fingerprints ------------------------------------------------------------------------


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_template_hash_follows_includes_only(tmp_path: Path) -> None:
    write(tmp_path, "a.html", '{% extends "frame.html" %}')
    write(tmp_path, "frame.html", '{% include "part.html" %}')
    write(tmp_path, "part.html", "one")
    write(tmp_path, "b.html", "alone")
    env = make_environment(tmp_path)
    before = template_hashes(env, ["a.html", "b.html", "frame.html"])
    write(tmp_path, "part.html", "two")
    after = template_hashes(make_environment(tmp_path), ["a.html", "b.html", "frame.html"])
    assert before["a.html"] != after["a.html"] and before["frame.html"] != after["frame.html"]
    assert before["b.html"] == after["b.html"]


def test_builtin_hashes_see_a_new_override_of_an_included_template(tmp_path: Path) -> None:
    names = ["listing.html", "article.html", "home.html", "terms.html"]
    before = template_hashes(make_environment(tmp_path), names)
    write(tmp_path, "_pagination.html", "")
    after = template_hashes(make_environment(tmp_path), names)
    assert before["listing.html"] != after["listing.html"]
    assert before["home.html"] != after["home.html"]  # extends listing.html
    assert before["article.html"] == after["article.html"]
    assert before["terms.html"] == after["terms.html"]


def test_dynamic_reference_depends_on_everything_and_missing_is_hashed(tmp_path: Path) -> None:
    write(tmp_path, "dyn.html", "{% include name %}")
    write(tmp_path, "other.html", "x")
    names = ["dyn.html", "nowhere.html"]
    before = template_hashes(make_environment(tmp_path), names)
    write(tmp_path, "other.html", "y")
    after = template_hashes(make_environment(tmp_path), names)
    assert before["dyn.html"] != after["dyn.html"]
    assert before["nowhere.html"] == after["nowhere.html"]
    write(tmp_path, "nowhere.html", "now here")
    assert template_hashes(make_environment(tmp_path), names)["nowhere.html"] != (
        before["nowhere.html"])


# --- the whole small site -------------------------------------------------------------------------


def test_every_internal_link_of_every_page_resolves_to_a_planned_page() -> None:
    _, pages = small_site()
    env = make_environment(None)
    planned = {p.path for p in pages}
    for page in pages:
        if not page.path.endswith(".html") or not page.template:
            continue
        parsed = Links()
        parsed.feed(render_page(env, page).decode("utf-8"))
        where = page.path
        assert parsed.lang == "en-GB", where
        assert {"header", "nav", "main", "footer"} <= parsed.tags, where
        assert parsed.h1 == 1, where
        assert len(parsed.ids) == len(set(parsed.ids)), where
        for link in parsed.links:
            if link.startswith(("https://", "http://", "#")):
                continue
            link = link.partition("#")[0]
            assert not link.startswith("/") and not link.endswith("/"), (where, link)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(where), link))
            assert target in planned, (where, link)


def test_article_page_shows_its_parts() -> None:
    _, pages = small_site()
    page = next(p for p in pages if p.path.startswith("2021/03/ceasefire"))
    html = render_page(make_environment(None), page).decode("utf-8")
    assert '<a href="../../../authors/jane-doe/index.html" rel="author">Jane Doe</a>' in html
    assert 'href="../../../outlets/the-associated-press/index.html"' in html
    assert '<time datetime="2021-03-03">3 March 2021</time>' in html
    assert "1 min read" in html and "<strong>no violations</strong>" in html
    assert '<a href="https://apnews.com/article/ceasefire"' in html
    assert 'rel="prev" href="../../02/markets-rally/index.html"' in html
    assert "{% block" not in html and "Related links" in html


def test_rendering_is_deterministic() -> None:
    _, pages = small_site()
    one, two = make_environment(None), make_environment(None)
    pages = tuple(p for p in pages if p.template)
    assert [render_page(one, p) for p in pages] == [render_page(two, p) for p in pages]
