"""Properties of the copied-text loader: it never raises, and no non-blank line is ever lost."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.corpus_pass import resolve_corpus
from newsarchive.model import Article, FieldSource
from newsarchive.sources import load_file
from newsarchive.sources.text import IN_PLACE_RULES, load_text

PATH = Path("prop.txt")
load_text(PATH, b"Warm the cached word lists and patterns\nBy Ann Lee, March 3, 2021\n")
PIECES = st.sampled_from([
    "Headline about the council vote on the budget", "By Ann Lee and Bob Jones", "By Ann Lee, Daily Planet",
    "Published March 3, 2021", "2 hours ago", "Advertisement", "Share this article", "Facebook",
    "Read more: Another story here", "Related", "Photo: Jane Doe/Getty Images", "(AP)", "EXCLUSIVE",
    "JERUSALEM (AP) — Officials said on Tuesday that the talks would go on for another week at least.",
    "The council approved the budget after a long night, and the mayor said she was pleased with it.",
    "© 2021 Daily Planet. All rights reserved.", "Tags: a, b", "---", "title: x", "", "   ",
])
LINE_ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


def placements(article: Article, text: str) -> Counter[int]:
    """How many places (field, body, related link, removed) each line number ended up in."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    number_of = {}
    for number, raw in enumerate(lines, 1):
        number_of.setdefault(raw.strip(), []).append(number)
    count: Counter[int] = Counter()
    for number in {source.line for _, source in article.sources
                   if source.rule != "frontmatter" and source.rule not in IN_PLACE_RULES}:
        count[number] += 1
    for removed in article.removed:
        if removed.rule != "frontmatter.override":
            count[removed.line] += 1
    for paragraph in (*article.body, *article.related_links):
        candidates = [n for n in number_of.get(paragraph, []) if count[n] == 0]
        count[candidates[0] if candidates else -1] += 1
    return count


def check_every_line_once(text: str) -> None:
    article, problems = load_text(PATH, text.encode("utf-8", "surrogatepass"))
    if article is None:
        assert any(p.code == "load.no-title" for p in problems)
        return
    if text.startswith("---\n") or text.startswith("---\r"):
        return  # front matter lines are not article lines
    count = placements(article, text)
    non_blank = [n for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n")
                                           .split("\n"), 1) if raw.strip()]
    assert count[-1] == 0, "a body/related line that is not an input line"
    assert {n: count[n] for n in non_blank} == dict.fromkeys(non_blank, 1)


@settings(max_examples=300, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    load_text(PATH, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=100, deadline=1000)
@given(st.binary())
def test_never_raises_on_any_bytes(data: bytes) -> None:
    load_text(PATH, data)


@settings(max_examples=200, deadline=1000)
@given(st.lists(st.one_of(PIECES, st.text(min_size=1, max_size=80)), max_size=30), LINE_ENDINGS)
def test_every_non_blank_line_lands_in_exactly_one_place(parts: list[str], ending: str) -> None:
    text = ending.join(p.replace("\r", " ").replace("\n", " ") for p in parts)
    if "\x00" in text or "\x0b" in text or "\x0c" in text or "\x1c" in text or "\x1d" in text \
            or "\x1e" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.translate({c: " " for c in (0, 0xB, 0xC, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)})
    check_every_line_once(text)


@pytest.mark.parametrize("text", [
    "x" * 2_000_000, "Title line here\n" + "word " * 200_000, "\x00" * 50 + "Title\x00 here\nBody",
    "\r\r\r", "\ufeffTitle with BOM\nBy Ann Lee\n", "🙂" * 10_000 + "\n" + "ü" * 5000,
])
def test_never_raises_on_extreme_inputs(text: str) -> None:
    load_text(PATH, text.encode("utf-8"))


def test_sample_lines_are_all_placed() -> None:
    sample = Path(__file__).parent / "fixtures" / "loader" / "sample_article.txt"
    check_every_line_once(sample.read_text(encoding="utf-8"))


def make_article(name: str, authors: tuple[str, ...], outlet: str | None) -> Article:
    return Article(source_path=name, title="T", body=("b",), authors=authors, outlet=outlet,
                   sources=(("authors", FieldSource(2, "byline.by")),))


def test_corpus_pass_moves_an_outlet_named_elsewhere() -> None:
    first = make_article("a.txt", ("Ann Lee", "Harbour Gazette"), None)
    second = make_article("b.txt", ("Bob Jones",), "Harbour Gazette")
    (fixed, same), problems = resolve_corpus((first, second))
    assert fixed.authors == ("Ann Lee",)
    assert fixed.outlet == "Harbour Gazette"
    assert ("outlet", FieldSource(2, "corpus.author-is-outlet")) in fixed.sources
    assert same == second
    assert [p.code for p in problems] == ["corpus.author-is-outlet"]


def test_corpus_pass_knows_the_outlet_list_and_keeps_an_existing_outlet() -> None:
    article = make_article("a.txt", ("Associated Press",), "Valley Courier")
    (fixed,), problems = resolve_corpus((article,))
    assert fixed.authors == ()
    assert fixed.outlet == "Valley Courier"
    assert all(name != "authors" for name, _ in fixed.sources)
    assert len(problems) == 1


def test_corpus_pass_leaves_people_alone_and_is_deterministic() -> None:
    articles = (make_article("a.txt", ("Ann Lee",), None), make_article("b.txt", ("Bo Li",), "X"))
    assert resolve_corpus(articles) == resolve_corpus(articles) == (articles, [])


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for item in value for s in _strings(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    return []


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1, max_size=20), min_size=5, max_size=5))
def test_every_loaded_string_encodes_as_utf8(values: list[str]) -> None:
    """Escapes (`json.dumps` writes YAML's `\\uXXXX`) can spell lone surrogates in any field;
    each field of the record must still be writable as UTF-8, or the whole build stops."""
    title, dek, author, outlet, tag = (json.dumps(v) for v in [f"Title {values[0]}", *values[1:]])
    source = (f"---\ntitle: {title}\ndek: {dek}\nauthors: [{author}]\noutlet: {outlet}\n"
              f"tags: [{tag}]\n---\nA body paragraph with {json.dumps(values)} in it.\n")
    article, _ = load_file(Path("prop.md"), source.encode("utf-8"))
    assert article is not None
    for text in _strings(article):
        text.encode("utf-8")


@given(st.binary(max_size=300))
def test_looks_binary_counts_control_bytes_as_the_plain_definition(data: bytes) -> None:
    from newsarchive.sources.decode import looks_binary

    head = data[:4096]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    expected = bool(head) and (head.count(b"\x00") > len(head) // 100 + 1
                               or controls > len(head) // 20 + 1)
    assert looks_binary(data) == expected


SURROGATE_TEXT = st.lists(st.one_of(  # st.text drops lone surrogates from a character union
    st.characters(), st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\U0001f600"])),
    max_size=12).map("".join)


@given(st.lists(SURROGATE_TEXT, min_size=1, max_size=4), SURROGATE_TEXT)
def test_the_surrogate_check_misses_no_surrogate(body: list[str], title: str) -> None:
    """`_may_hold_surrogates` may say yes for none, never no for one: any field, any depth."""
    from newsarchive.sources import _may_hold_surrogates

    article = Article(str(PATH), title, tuple(body), authors=(title,))
    if any("\ud800" <= ch <= "\udfff" for text in (title, *body) for ch in text):
        assert _may_hold_surrogates(article)
