"""The Markdown accelerator (markdown-it-pyrs) gives the very bytes markdown-it-py gives, HTML and
plain text, or declines and markdown-it-py renders: every body in the repository, generated
Markdown, and a whole build with and without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import render
from newsarchive.cache import LoadCache
from newsarchive.pipeline import load_articles
from newsarchive.render import (
    BODIES,
    UNSAFE_LINK_SCHEMES,
    BodyStore,
    make_markdown,
    markdown_html_and_text,
    markdown_plain_text,
)
from sitetools import build_site, tree_digest

pytest.importorskip("markdown_it_pyrs")  # installed by the test extra

from newsarchive.markdown_engine import Accelerator

REPO = Path(__file__).parent.parent
MD = make_markdown()
FAST = Accelerator(UNSAFE_LINK_SCHEMES)


def _repository_bodies() -> list[str]:
    bodies: list[str] = []
    for root in (REPO / "articles", REPO / "tests" / "fixtures"):
        articles, _, _ = load_articles(root, LoadCache(None))
        bodies += ["\n\n".join(a.body) for a in articles if a.body_format == "markdown"]
        # the raw files too (front matter and all): more Markdown-ish text to compare on
        bodies += [p.read_text("utf-8", "replace") for p in sorted(root.rglob("*"))
                   if p.suffix in (".md", ".markdown", ".txt") and p.is_file()]
    return bodies


REPOSITORY_BODIES = _repository_bodies()


def assert_same(source: str) -> bool:
    """Both engines agree on `source`; True when the accelerator rendered it (no fallback)."""
    expected = markdown_html_and_text(MD, source)
    assert expected[0] == MD.render(source)  # one parse gives what a render gives
    assert expected[1] == markdown_plain_text(MD, source)
    got = FAST.render_both(source)
    if got is not None:
        assert got[0] == expected[0], source
        assert got[1] == expected[1], source
    return got is not None


def test_every_markdown_body_in_the_repository_renders_alike() -> None:
    assert len(REPOSITORY_BODIES) > 40
    accelerated = [assert_same(body) for body in REPOSITORY_BODIES]
    assert sum(accelerated) > len(accelerated) // 2  # the comparison is not vacuous


def test_the_sample_archive_needs_no_fallback() -> None:
    articles, _, _ = load_articles(REPO / "articles", LoadCache(None))
    bodies = ["\n\n".join(a.body) for a in articles if a.body_format == "markdown"]
    assert bodies and all(FAST.render_both(body) is not None for body in bodies)


@pytest.mark.parametrize("source", [
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](&#x6A;avascript:alert(1))',
    '[x](javascript&colon;alert(1))',
    '[x](javascript\\:alert(1))',
    '[x](< javascript:alert(1)>)',
    '<javascript:alert(1)>',
    '![i](data:image/png;base64,AAAA)',
    '[x](DATA:text/html,x)',
    '[x](vbscript:msgbox)',
    '[x](file:///etc/passwd)',
    '[x][r]\n\n[r]: javascript:alert(1)',
    'the data: 40 %',
    '> word\n2) word',
    '> a\nb\n  3. c',
    '> 1. a\n2. b',
    '# word*🙂*',
    '_€_x',
    'x\n> \t',
    '-\n- a',
    'w &#10;\n*w*',
    'a&Tab;\nb',
    '`    `',
    '# w\n`  \n`w`',
    'a `` `  ` `` b',
    '\xa0a\xa0',
    '# \xa0h\u3000',
    '- \u2028a',
    'a\x0b',
    '\x0ca',
    '# word\x00',
    '[x](/a\x00b)',
    '- word\n  ```\n  x\n  ```\n',
    '[`]',
    '[a `` b]',
    '![a &amp; b](p.png)',
    '![a \\* b](p.png)',
    '![a  \n b](p.png)',
    '[x](/u) then `code`',
    "> " * 30 + "deep", "- " * 30 + "deep", "*" * 40 + "x" + "*" * 40,
])
def test_constructs_pyrs_renders_otherwise_fall_back(source: str) -> None:
    """Each construct `markdown_engine` lists: equal output, by markdown-it-py."""
    assert_same(source)
    if "deep" not in source and not source.startswith("*"):
        assert FAST.render_both(source) is None


@pytest.mark.parametrize("source", [
    "# One\n\n## Two\n\n###### Six\n\nSetext\n======",
    "`<h1>` and <h1>raw</h1> and &lt;h2&gt; and \\<h3>",
    "```\n<h1>in code</h1>\n```\n\n    <h2>indented</h2>",
    "[ok](https://example.com/a_(b) \"t\") <https://x.org> <a@b.co> ![alt *em* **s**](p.png)",
    "`code` and ``a`b`` first, then [a link](/x) and ![an *image*](p.png \"t\")",
    "- tight *a*\n  - nested\n- # heading\n- ```\n  fenced\n  ```\n\n1. x\n\n   loose",
    "line  \nhard\\\nbreak\nsoft &amp; &#0; &copy; &bogus; é 中文 🙂",
])
def test_known_constructs_are_accelerated_and_equal(source: str) -> None:
    assert assert_same(source)


_SCHEMES = ["http://example.com/p?q=1&r=2", "https://x.org/a b", "mailto:a@b.co", "/local", "#frag",
            "javascript:alert(1)", "JAVASCRIPT:x", "data:image/png;base64,AA", "data:text/html,x",
            "vbscript:x", "file:///etc", "&#106;avascript:x", "java\\:script", " javascript:x",
            "<javascript:x>", "<a b>", "ftp://x", "weird:x", ""]
_WORDS = ["word", "Ünïcödé", "中文", "🙂", "a_b", "x*y", "1.", "2)", "\\*", "\\", "&", "&amp;",
          "&#65;", "&#x27;", "&nbsp;", "&#0;", "&#10;", "&bogus;", "<b>", "</i>", "<h1>", "</h2>",
          "<script>", "<!-- c -->", "<http://a.b>", "<a@b.c>", "`", "``", "~~~", "***", "___",
          "---", "===", "|", "[", "]", "(", ")", "!", "\t", "  "]


@st.composite
def _fragments(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    text = " ".join(draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4)))
    if kind == 0:
        return "#" * draw(st.integers(1, 7)) + " " + text
    if kind == 1:
        mark = draw(st.sampled_from(["*", "**", "_", "__", "`", "***"]))
        return f"{mark}{text}{mark}"
    if kind == 2:
        url = draw(st.sampled_from(_SCHEMES))
        title = draw(st.sampled_from(["", ' "t"', " 'q'", " (p)"]))
        bang = draw(st.sampled_from(["", "!"]))
        return f"{bang}[{text}]({url}{title})"
    if kind == 3:
        return f"<{draw(st.sampled_from(_SCHEMES))}>"
    if kind == 4:
        return draw(st.sampled_from(["- ", "* ", "+ ", "1. ", "2) ", "> ", "    ", "  ", "\t"])) + text
    if kind == 5:
        return f"```{draw(st.sampled_from(['', 'py', 'a b']))}\n{text}\n```"
    if kind == 6:
        return f"[{text}]: {draw(st.sampled_from(_SCHEMES))}"
    if kind == 7:
        return f"[{text}][{draw(st.sampled_from(['', text, 'other']))}]"
    if kind == 8:
        return draw(st.text(max_size=12))
    return text


_MARKDOWN = st.lists(
    st.tuples(_fragments(), st.sampled_from(["", " ", "\n", "\n\n", "  \n", "\n    ", "\n  "])),
    max_size=12,
).map(lambda parts: "".join(f + sep for f, sep in parts))


@settings(max_examples=int(os.environ.get("MARKDOWN_EXAMPLES", "400")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_MARKDOWN)
def test_generated_markdown_renders_alike(source: str) -> None:
    assert_same(source)


def test_without_markdown_it_pyrs_markdown_it_py_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "markdown_it_pyrs", None)  # import fails: not installed
    assert render.make_accelerator() is None
    store = BodyStore()
    assert store.markdown_html("# Title\n\n[x](data:image/png;base64,AA)") == (
        "<h2>Title</h2>\n<p>[x](data:image/png;base64,AA)</p>\n")
    assert store.markdown_text("# Title\n\n[x](data:image/png;base64,AA)") == (
        "Title\n\n[x](data:image/png;base64,AA)")


def test_the_environment_variable_turns_the_accelerator_off() -> None:
    code = "from newsarchive import render; print(render.make_accelerator() is None)"
    for value, off in (("1", "True"), ("", "False")):
        env = {**os.environ, "NEWSARCHIVE_NO_ACCELERATOR": value}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True)
        assert run.stdout.strip() == off


def _fresh_bodies(monkeypatch: pytest.MonkeyPatch, accelerate: bool) -> None:
    """BODIES as at process start (no memo), the accelerator on or off."""
    monkeypatch.setattr(render, "USE_ACCELERATOR", accelerate)
    for name, value in (("html", {}), ("text", {}), ("used", set()), ("_fast", None),
                        ("_chosen", False)):
        monkeypatch.setattr(BODIES, name, value)


def test_a_build_is_byte_identical_with_and_without_the_accelerator(
        sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_bodies(monkeypatch, accelerate=False)
    slow = build_site(sample_site, tmp_path / "slow", clean=True)
    assert BODIES._chosen and BODIES._fast is None
    _fresh_bodies(monkeypatch, accelerate=True)
    fast = build_site(sample_site, tmp_path / "fast", clean=True)
    assert BODIES._fast is not None
    assert fast.problems == slow.problems and fast.articles == slow.articles > 0
    one, two = tree_digest(tmp_path / "slow"), tree_digest(tmp_path / "fast")
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []


def test_a_worker_store_keeps_nothing_in_memory_and_renders_alike(tmp_path: Path) -> None:
    """Render workers keep the HTML and texts they make in a file: the same HTML and text each
    time, each body rendered once, no dict growing."""
    source = "Some *body* with [a link](https://example.org/)."
    other = "Another *one*."
    keeping = BodyStore()
    store = BodyStore()
    store.for_worker(tmp_path)
    assert store.markdown_html(other) == keeping.markdown_html(other)
    assert store.markdown_text(source) == keeping.markdown_text(source)
    assert store.markdown_html(source) == store.markdown_html(source) == \
        keeping.markdown_html(source)
    assert store.markdown_text(other) == keeping.markdown_text(other)  # kept when its HTML was made
    assert store.html == {} and store.text == {}
    assert store.spill is not None and len(store.spill._at) == 4  # HTML and text of two bodies
    store._render = None  # type: ignore[assignment,method-assign]  # nothing is rendered again
    assert store.markdown_html(source) == keeping.markdown_html(source)
    assert store.markdown_text(other) == keeping.markdown_text(other)
