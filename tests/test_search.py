"""Search: the records, the compact index, Pagefind's bundle, the cache, and both modes in Chromium.

The browser tests open the built sample archive's search page from disk (file://, compact index)
and served under a sub-path over HTTP (Pagefind), type a query, and check results, highlighted
excerpts, filters, sorting and that the console stays clean.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsarchive import search, search_index, search_pagefind
from newsarchive.search import cached_index_files, plain_markdown
from newsarchive.search_index import (
    CALLBACK,
    EXCERPT_CHARS,
    GLOBAL,
    SearchRecord,
    compact_files,
    date_number,
    excerpt,
    postings,
    shard_records,
    tokens,
    word_counts,
)
from newsarchive.search_pagefind import pagefind_files, pagefind_record, pagefind_version
from sitetools import build_site

REPO = Path(__file__).parent.parent
PREFIX = "/archive/"
HAS_PAGEFIND = pagefind_version() != "none"


def record(n: int, **fields: Any) -> SearchRecord:
    base: dict[str, Any] = {
        "url": f"2021/03/story-{n}/index.html", "title": f"Story {n}", "dek": "",
        "authors": ("Jane Doe",), "outlet": "The Ledger", "date": f"2021-03-{n + 1:02d}",
        "tags": ("harbor",), "body": "Nothing of note happened."}
    return SearchRecord(**{**base, **fields})


def read_assigned(data: bytes) -> Any:
    text = data.decode("ascii")
    prefix = f"window.{GLOBAL}="
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix):-2])


def read_called(data: bytes) -> tuple[str, Any]:
    text = data.decode("ascii")
    prefix = f"window.{CALLBACK}("
    assert text.startswith(prefix) and text.endswith(");\n")
    name, _, rest = text[len(prefix):-3].partition(",")
    return json.loads(name), json.loads(rest)


def decode_postings(encoded: str) -> dict[int, int]:
    """The Python twin of decode() in search.js."""
    found: dict[int, int] = {}
    doc = 0
    for item in encoded.split(","):
        delta, _, weight = item.partition(".")
        doc += int(delta, 16)
        found[doc] = int(weight or 1)
    return found


# --- tokens, records and the compact index -----------------------------------------------------


def test_tokens_fold_case_accents_and_drop_stop_words() -> None:
    assert tokens("The Café's DÉJÀ-vu, in 2021 — naïve x") == ["cafe", "deja", "vu", "2021", "naive"]


def test_tokens_match_search_js_on_other_scripts_and_decomposed_accents() -> None:
    # what search.js's words() gives for the same text (checked in node)
    text = "देवनागरी e\u0301tude ½ ﬁne Ελληνικά"
    assert tokens(text) == ["दवनगर", "etude", "fine", "ελληνικα"]


# characters where a fast path could part from the plain definition: ASCII punctuation and
# controls, Unicode spaces, marks (Mn, Mc, Me), compatibility forms, final sigma, "İ", surrogates
TRICKY = "aZ09_'.:^`-\t\n\x1c\x85\xa0\u2003\u3000\u0301\u0903\u20dd\u0345ﬁ½²ⅣＡ\u03a3\u03f9\u0130ΑéΣ"
tricky_text = st.text(st.one_of(st.sampled_from(TRICKY), st.characters()), max_size=40)


def reference_tokens(text: str) -> list[str]:
    """search.js's words(), spelled out: NFKD, marks dropped, lower case, letter/digit runs."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                     if not unicodedata.category(ch).startswith("M")).lower()
    return [w for w in re.findall(r"[^\W_]+", folded)
            if 2 <= len(w) <= search_index.MAX_TOKEN and w not in search_index.STOP_WORDS]


@given(tricky_text)
@example("ΑΣ.Α ΑΣ:Α ΑΣ\u0903Α ΑΣ")  # final sigma looks past "." and ":", not past Mc
@example("ab\ud800cd ef\udc00\u0301gh \ud83d\ude00xy")  # lone and paired surrogates
@example("Ελληνικά ελληνικα")  # a folded piece that is also a piece as it stands
def test_tokens_and_word_counts_equal_the_plain_definition(text: str) -> None:
    assert tokens(text) == reference_tokens(text)
    assert word_counts(text) == Counter(reference_tokens(text))


def single_pass_plain(text: str) -> str:
    """plain_markdown as one regex with line and inline marks as alternatives."""
    marks = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|[*_`~]+", re.M)
    return marks.sub("", re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text))


@given(st.text(st.sampled_from("![]()*_`~#>-+.)1a \n\t"), max_size=40))
def test_plain_markdown_equals_one_pass_over_both_kinds_of_marks(text: str) -> None:
    assert plain_markdown(text) == single_pass_plain(text)


@given(st.text(st.sampled_from("ab —\n\t\u3000,."), max_size=700), st.integers(1, 300))
def test_excerpt_reads_no_further_than_it_needs(body: str, limit: int) -> None:
    whole = " ".join(f"dek {body}".split())
    cut = whole[:limit].rsplit(" ", 1)[0].rstrip(",;:.-—") + "…"
    assert excerpt(record(0, dek="dek", body=body), limit) == (
        whole if len(whole) <= limit else cut)


def test_plain_markdown_keeps_link_text_and_drops_marks() -> None:
    text = "## Heading\n> quoted *bold* and [the link](https://example.org/x) `code`"
    assert plain_markdown(text) == "Heading\nquoted bold and the link code"


def test_date_number_and_excerpt() -> None:
    assert [date_number(d) for d in ("2021-03-04", "2021-03", "2021", "")] == [
        20210304, 20210300, 20210000, 0]
    long = record(0, body="word " * 100)
    assert excerpt(long).endswith("…") and len(excerpt(long)) <= EXCERPT_CHARS + 1
    assert excerpt(record(0, dek="A short dek.")) == "A short dek. Nothing of note happened."


def test_postings_weight_title_dek_and_byline_above_body() -> None:
    records = [record(0, title="Harbor flooded", body="The harbor. The harbor again."),
               record(1, body="A harbor story with floods."),
               record(2, body="Nothing here.")]
    lists = postings(records)
    harbor = decode_postings(lists["harbor"])
    assert set(harbor) == {0, 1}
    assert harbor[0] > harbor[1] == 1
    assert set(decode_postings(lists["jane"])) == {0, 1, 2}  # bylines are searchable
    assert "the" not in lists and "floods" in lists


def test_compact_files_hold_every_record_and_filter_field() -> None:
    records = [record(0, outlet="B Outlet", authors=("Zed", "Amy"), tags=("x", "y")),
               record(1, outlet="", date="", authors=(), tags=())]
    files = compact_files(records)
    head = read_assigned(files["search/index.js"])
    assert head["count"] == 2 and head["outlets"] == ["B Outlet"]
    assert head["authors"] == ["Amy", "Zed"] and head["tags"] == ["x", "y"]
    assert head["docs"] == [[0, 20210301, [1, 0], [0, 1]], [-1, 0, [], []]]
    assert [count for _, count in head["blocks"]] == [2]
    block = head["blocks"][0][0]
    name, rows = read_called(files[f"search/docs-{block}.js"])
    assert name == f"docs-{block}"
    assert rows[0][:2] == ["2021/03/story-0/", "Story 0"]
    for shard in head["shards"]:
        name, terms = read_called(files[f"search/terms-{shard}.js"])
        assert name == f"terms-{shard}" and all(t.startswith(shard) or shard == "_" for t in terms)
    assert compact_files(records) == files  # deterministic


def test_index_files_are_plain_ascii_scripts_even_for_hostile_text() -> None:
    hostile = record(0, title="</script><script>alert(1)</script> Ünïcode “quotes”")
    for data in compact_files([hostile]).values():
        text = data.decode("ascii")
        assert "</script" not in text.lower()


# --- Pagefind --------------------------------------------------------------------------------------


def test_pagefind_record_takes_filters_and_sort_from_fields() -> None:
    got = pagefind_record(record(0, title="T", dek="D", authors=("A", "B"), tags=("x",)), "en")
    assert got["url"] == "2021/03/story-0/index.html"
    assert got["filters"] == {"author": ["A", "B"], "tag": ["x"], "outlet": ["The Ledger"],
                              "year": ["2021"]}
    assert got["sort"] == {"date": "2021-03-01"}
    assert got["meta"] == {"title": "T", "outlet": "The Ledger", "date": "2021-03-01"}
    assert got["content"] == "T\nD\nBy A, B\nNothing of note happened."
    undated = pagefind_record(record(1, date="", outlet=""), "en")
    assert undated["sort"] == {} and "year" not in undated["filters"]  # type: ignore[operator]


@pytest.mark.skipif(not HAS_PAGEFIND, reason="pagefind[bin] not installed")
def test_pagefind_bundle_is_byte_identical_across_runs() -> None:
    records = [record(n, authors=(f"Author {n % 3}",), tags=(f"t{n % 4}", "all")) for n in range(12)]
    first, second = pagefind_files(records, "en"), pagefind_files(records, "en")
    assert first == second
    assert "pagefind/pagefind.js" in first and "pagefind/pagefind-entry.json" in first
    assert not any("-ui." in path for path in first)  # our own script shows the results


@pytest.mark.skipif(not HAS_PAGEFIND, reason="pagefind[bin] not installed")
def test_page_dates_from_the_records_equal_those_read_from_whole_fragments() -> None:
    records = [record(n, date=f"20{10 + n}-0{n % 9 + 1}") for n in range(5)]
    records += [record(5, date=""), record(6, url="long/" + "é" * 600 + "/index.html")]

    async def raw_bundle() -> dict[str, bytes]:
        service = await search_pagefind._fast_service().launch()
        try:
            return await search_pagefind._bundle(service, records, "en")
        finally:
            await service.close()

    # in a thread of its own, as the build does: an earlier test (Playwright) may have left an
    # event loop running in this one
    with ThreadPoolExecutor(1) as thread:
        files = thread.submit(asyncio.run, raw_bundle()).result()
    fragments = [data for path, data in files.items() if path.startswith("fragment/")]
    heads = {search_pagefind._fragment_url(data) for data in fragments}
    assert heads == {r.url for r in records[:6]} | {None}  # the long URL is read whole
    dates = {r.url: date_number(r.date) for r in records}
    assert search_pagefind.stable_bundle(files, dates) == search_pagefind.stable_bundle(files)


def test_shards_keep_their_members_when_one_article_changes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "SHARD_TARGET", 6)
    monkeypatch.setattr(search_index, "SHARD_MIN", 2)
    monkeypatch.setattr(search_index, "SHARD_MAX", 12)
    records = [record(n, date=f"2021-{n % 12 + 1:02d}-{n % 28 + 1:02d}") for n in range(120)]
    shards = shard_records(records)
    assert len(shards) > 5 and sum(len(s) for _, s in shards) == 120
    assert all(2 <= len(s) <= 12 for _, s in shards[:-1])
    dates = [r.date for _, shard in shards for r in shard]
    assert dates == sorted(dates, reverse=True)  # newest first
    def members(given: list[SearchRecord]) -> list[tuple[str, ...]]:
        return [tuple(r.url for r in shard) for _, shard in shard_records(given)]

    before = members(records)
    edited = list(records)
    edited[40] = record(40, date=records[40].date, body="Edited.")
    assert members(edited) == before  # an edit moves nobody
    removed = members(records[:40] + records[41:])
    assert len(set(removed) - set(before)) == 1  # a removal changes one shard (or merges two)
    added = members([*records, record(500, date="2021-06-15")])
    assert len(set(added) - set(before)) <= 2


def test_cache_is_reused_per_shard_and_pruned(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "SHARD_TARGET", 4)
    monkeypatch.setattr(search_index, "SHARD_MIN", 1)
    records = [record(n) for n in range(24)]
    calls: list[int] = []
    real = search.index_files

    def counted(shards: Any, language: str, text: Any = None) -> Any:
        calls.append(len(shards))
        return real(shards, language, text)

    monkeypatch.setattr(search, "index_files", counted)
    monkeypatch.setattr(search, "pagefind_bundles", lambda shards, language: (
        (key, {"pagefind.js": b"js", "data.pf": repr(shard).encode()}) for key, shard in shards))
    def files(records: Any, read: bool = True) -> dict[str, bytes]:
        made = cached_index_files(records, tmp_path, "en", read)
        return {path: data if isinstance(data, bytes) else data() for path, data in made.items()}

    first = files(records)
    count = len(shard_records(records))
    assert calls == [count] and count >= 3
    assert files(records) == first and calls == [count]
    edited = [*records[:5], record(5, title="New"), *records[6:]]
    changed = files(edited)
    assert changed != first and calls == [count, 1]  # only the edited record's shard
    assert files(edited, read=False) == changed
    assert calls[-1] == count
    for n in range(5):
        cached_index_files([record(n + 70)], tmp_path, "en")
    kept = {p.stem for p in tmp_path.glob("*.pickle")}
    assert len(kept) <= search.CACHE_KEEP  # three builds of one shard each


# --- the built site ---------------------------------------------------------------------------------


def test_built_site_has_search_page_index_and_box_on_every_page(small_site: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(small_site, out)
    head = read_assigned((out / "search/index.js").read_bytes())
    articles = list((small_site / "articles").glob("*.md"))
    assert head["count"] == len(articles)
    assert "Springfield Gazette" in head["outlets"]  # aliases merged, canonical names
    page = (out / "search/index.html").read_text(encoding="utf-8")
    assert '<option value="Springfield Gazette">' in page and 'name="year"' in page
    for html in out.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert 'class="site-search"' in text, html
        assert "search/index.js" not in text  # the index itself is only loaded on demand
    if HAS_PAGEFIND:
        assert (out / "pagefind/pagefind.js").is_file()


def test_unchanged_rebuild_writes_nothing_and_an_edit_updates_the_index(small_site: Path,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(small_site, out)
    assert build_site(small_site, out).written == ()
    story = small_site / "articles" / "gazette-fair.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nZanzibar marmalade.\n",
                     encoding="utf-8")
    written = build_site(small_site, out).written
    assert "search/terms-z.js" in written
    assert "search/index.html" not in written  # the page itself did not change
    clean = tmp_path / "clean"
    build_site(small_site, clean, clean=True)
    for path in ("search/terms-z.js", "search/index.js"):
        assert (out / path).read_bytes() == (clean / path).read_bytes()


# --- in Chromium: from disk and served under a sub-path ------------------------------------------------


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the output folder under PREFIX only, as a host serving a project site."""

    def translate_path(self, path: str) -> str:
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if not bare.startswith(PREFIX):
            return str(Path(self.directory) / ".missing")
        return super().translate_path("/" + bare[len(PREFIX):])

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The sample archive built once; (output folder, URL it is served at under PREFIX)."""
    site = tmp_path_factory.mktemp("search") / "sample"
    shutil.copytree(REPO / "articles", site / "articles")
    shutil.copy(REPO / "site.yml", site / "site.yml")
    out = site / "build"
    build_site(site, out)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium(chromium_browser: Any) -> Any:
    """The session's shared Chromium (tests/conftest.py)."""
    return chromium_browser


def open_page(chromium: Any, url: str) -> tuple[Any, list[str]]:
    """A fresh page at url, with a list collecting console errors and uncaught exceptions.

    Chromium's own request for /favicon.ico at the host root is not the page's doing.
    """
    page = chromium.new_page()
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type in ("error", "warning") and not message.location.get(
                "url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


def searched(page: Any, action: Any) -> None:
    """Run an action that starts a search (submit, a filter change) and wait for its results."""
    page.wait_for_selector("#search-results[data-state=done]")
    page.evaluate("document.getElementById('search-results').dataset.state = 'stale'")
    action()
    page.wait_for_selector("#search-results[data-state=done]")


def titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#search-results .summary-title").all_inner_texts()]


def dates(page: Any) -> list[str]:
    return list(page.locator("#search-results time").evaluate_all("ts => ts.map(t => t.dateTime)"))


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["file", "http"])
def test_search_page_finds_highlights_filters_and_sorts(
        chromium: Any, sample_out: tuple[Path, str], mode: str) -> None:
    out, served = sample_out
    if mode == "http" and not HAS_PAGEFIND:
        pytest.skip("pagefind[bin] not installed")
    root = out.as_uri() + "/" if mode == "file" else served
    page, errors = open_page(chromium, root + "search/index.html")
    page.fill("#search-q", "harbor")
    searched(page, lambda: page.press("#search-q", "Enter"))
    assert page.evaluate("document.documentElement.dataset.searchMode") == (
        "compact" if mode == "file" else "pagefind")
    found = titles(page)
    assert found, f"no results for 'harbor': {page.inner_text('#search-status')} {errors}"
    assert page.inner_text("#search-status") == f"{len(found)} article" + (
        "s" if len(found) > 1 else "")
    marks = page.locator("#search-results mark").all_inner_texts()
    assert marks and all(m.lower().startswith("harbo") for m in marks)
    assert page.locator("#search-results .excerpt mark").count() > 0
    # every result links to an article page that exists, under this root
    for href in page.locator("#search-results .summary-title a").evaluate_all(
            "links => links.map(a => a.href)"):
        assert href.startswith(root) and (out / href[len(root):]).is_file(), href
    # a filter alone lists that outlet's articles; with words, it narrows them
    outlet = page.locator("select[name=outlet] option").evaluate_all(  # the biggest outlet
        "os => os.slice(1).sort((a, b) => parseInt(b.text.split('(').pop()) -"
        " parseInt(a.text.split('(').pop()))[0].value")
    page.fill("#search-q", "")
    searched(page, lambda: page.select_option("select[name=outlet]", outlet))
    assert set(page.locator("#search-results .outlet").all_inner_texts()) == {outlet}
    # sorting by date: newest first, then oldest first
    searched(page, lambda: page.select_option("select[name=sort]", "newest"))
    newest = dates(page)
    assert len(newest) > 1 and newest == sorted(newest, reverse=True)
    searched(page, lambda: page.select_option("select[name=sort]", "oldest"))
    assert dates(page) == sorted(newest)
    # year and words together
    year = newest[0][:4]
    page.fill("#search-q", "the")  # a stop word alone finds nothing in the compact index
    searched(page, lambda: page.select_option("select[name=year]", year))
    page.fill("#search-q", "")
    searched(page, lambda: page.press("#search-q", "Enter"))
    assert {d[:4] for d in dates(page)} == {year}
    assert "outlet=" in page.url and f"year={year}" in page.url
    assert errors == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["file", "http"])
def test_header_box_submits_to_search_page_and_shows_quick_results(
        chromium: Any, sample_out: tuple[Path, str], mode: str) -> None:
    out, served = sample_out
    if mode == "http" and not HAS_PAGEFIND:
        pytest.skip("pagefind[bin] not installed")
    root = out.as_uri() + "/" if mode == "file" else served
    page, errors = open_page(chromium, root + "outlets/index.html")
    assert page.evaluate("typeof window.NEWSARCHIVE_SEARCH") == "undefined"  # not loaded yet
    page.click("#site-search-q")
    page.keyboard.type("harbor")
    page.wait_for_selector(".search-suggest:not([hidden]) .summary-title a")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/index.html?q=harbor")
    page.wait_for_selector("#search-results[data-state=done]")
    assert page.input_value("#search-q") == "harbor"
    assert titles(page)
    assert errors == []
    page.close()


@pytest.mark.browser
def test_header_box_works_without_javascript(chromium: Any, sample_out: tuple[Path, str]) -> None:
    out, _ = sample_out
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((out / "2021" / "index.html").as_uri())
    page.fill("#site-search-q", "harbor")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/index.html?q=harbor")
    assert page.locator("noscript").count() == 1
    context.close()


# --- Pagefind in shards: merged in the browser, re-indexed one shard at a time ------------------------

OUTLETS = ("North Star", "Harbor Ledger", "Valley Post")


def shard_site(root: Path, count: int = 40) -> Path:
    """An archive of `count` articles that all mention "lighthouse", each with a word of its own
    (`own_word`), over three outlets and six years; the last one undated."""
    site = root / "shards"
    (site / "articles").mkdir(parents=True)
    (site / "site.yml").write_text('title: "Shards"\nlanguage: en\n', encoding="utf-8")
    for n in range(count):
        date = "" if n == count - 1 else f"date: {2018 + n % 6}-{n % 12 + 1:02d}-{n % 27 + 1:02d}\n"
        (site / "articles" / f"story-{n}.md").write_text(
            f"---\ntitle: Lighthouse story number {n}\nauthors: [Writer {n % 4}]\n"
            f"outlet: {OUTLETS[n % 3]}\n{date}tags: [coast]\n---\n"
            f"The lighthouse {own_word(n)} reported calm seas and a bright lamp tonight.\n",
            encoding="utf-8")
    return site


def own_word(n: int) -> str:
    """keeperaa, keeperba, ...: one word per article, none a prefix of another."""
    return f"keeper{chr(97 + n % 26)}{chr(97 + n // 26)}"


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "SHARD_TARGET", 8)
    monkeypatch.setattr(search_index, "SHARD_MIN", 2)
    monkeypatch.setattr(search_index, "SHARD_MAX", 14)


@pytest.mark.skipif(not HAS_PAGEFIND, reason="pagefind[bin] not installed")
def test_an_edit_runs_pagefind_for_one_shard_and_equals_a_clean_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_shards: None) -> None:
    from sitetools import tree_digest

    site = shard_site(tmp_path, 30)
    runs: list[int] = []
    real = search.pagefind_bundles

    def counted(shards: Any, language: str) -> Any:
        def each() -> Any:
            for key, shard in shards:
                runs.append(len(shard))
                yield key, shard
        return real(each(), language)

    monkeypatch.setattr(search, "pagefind_bundles", counted)
    out = tmp_path / "out"
    build_site(site, out)
    manifest = json.loads((out / "pagefind/shards.json").read_bytes())
    assert len(runs) == len(manifest["shards"]) >= 3
    story = site / "articles" / "story-7.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nA zanzibar gull.\n", encoding="utf-8")
    runs.clear()
    written = build_site(site, out).written
    assert len(runs) == 1, runs  # one shard of a few records re-indexed
    assert "search/terms-z.js" in written
    assert sum(p.startswith("pagefind/") and p.endswith(".pf_meta") for p in written) == 1
    clean = tmp_path / "clean"
    build_site(site, clean, clean=True)
    assert tree_digest(out) == tree_digest(clean)
    # shared files once: the script at the top, worker and WebAssembly in the first shard only
    assert (out / "pagefind/pagefind.js").is_file()
    assert len(list(out.glob("pagefind/*/pagefind-worker.js"))) == 1
    assert (out / "pagefind" / manifest["shards"][0] / "pagefind-worker.js").is_file()


@pytest.mark.browser
@pytest.mark.skipif(not HAS_PAGEFIND, reason="pagefind[bin] not installed")
@pytest.mark.parametrize("mode", ["file", "http"])
def test_search_across_shards_finds_filters_and_sorts_by_date(
        chromium: Any, tmp_path: Path, small_shards: None, mode: str) -> None:
    site = shard_site(tmp_path, 40)
    out = tmp_path / "out"
    build_site(site, out)
    shards = json.loads((out / "pagefind/shards.json").read_bytes())["shards"]
    assert len(shards) >= 3
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root = (out.as_uri() + "/" if mode == "file"
                else f"http://127.0.0.1:{server.server_address[1]}{PREFIX}")
        page, errors = open_page(chromium, root + "search/index.html")
        page.fill("#search-q", "lighthouse")
        searched(page, lambda: page.press("#search-q", "Enter"))
        assert page.evaluate("document.documentElement.dataset.searchMode") == (
            "compact" if mode == "file" else "pagefind")
        assert page.inner_text("#search-status") == "40 articles"  # every shard answered
        # an article's own word, from the first, a middle and the last shard
        index_js = read_assigned((out / "search/index.js").read_bytes())
        assert [name for name, _ in index_js["blocks"]] == shards  # same shards in both
        for name in (shards[0], shards[len(shards) // 2], shards[-1]):
            _, rows = read_called((out / f"search/docs-{name}.js").read_bytes())
            number = rows[0][1].rsplit(" ", 1)[-1]
            page.fill("#search-q", own_word(int(number)))
            searched(page, lambda: page.press("#search-q", "Enter"))
            assert titles(page) == [f"Lighthouse story number {number}"], name
        # a filter across shards: counts add up, only that outlet
        page.fill("#search-q", "lighthouse")
        searched(page, lambda: page.select_option("select[name=outlet]", "Valley Post"))
        assert page.inner_text("#search-status") == "13 articles"
        assert set(page.locator("#search-results .outlet").all_inner_texts()) == {"Valley Post"}
        # date sort across shards: newest first, then oldest first (undated count as oldest)
        searched(page, lambda: page.select_option("select[name=outlet]", ""))
        searched(page, lambda: page.select_option("select[name=sort]", "newest"))
        newest = dates(page)
        assert len(newest) == 20 and newest == sorted(newest, reverse=True)
        assert newest[0] == "2023-12-24"  # the newest of all, from the first shard
        searched(page, lambda: page.select_option("select[name=sort]", "oldest"))
        assert page.locator("#search-results .search-result").first.locator(
            ".meta").inner_text().endswith("Undated")
        oldest = dates(page)
        assert oldest == sorted(oldest) and oldest[0] == "2018-01-01"
        assert errors == []
        page.close()
    finally:
        server.shutdown()
        server.server_close()
