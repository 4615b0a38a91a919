"""`Pages`: a sequence of pages some of which are made per item whenever asked for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.model import Page, Pages

# a part: ("made", n pages) or ("each", n items, per, with a paths function or not)
PARTS = st.lists(st.one_of(
    st.tuples(st.just("made"), st.integers(0, 4), st.just(1), st.just(False)),
    st.tuples(st.just("each"), st.integers(0, 4), st.integers(1, 3), st.booleans()),
), max_size=6)
Part = tuple[str, int, int, bool]


def build(parts: list[Part], made_log: list[int] | None = None) -> tuple[Pages, list[Page]]:
    """The Pages for `parts` and the plain list it must equal; `made_log` gets each item made."""
    pages, expected = Pages(), []
    for number, (kind, count, per, with_paths) in enumerate(parts):
        if kind == "made":
            made = [Page(f"{number}/{i}.html", "t.html") for i in range(count)]
            pages.add(made)
            expected += made
        else:
            def make(item: int, number: int = number, per: int = per) -> tuple[Page, ...]:
                if made_log is not None:
                    made_log.append(item)
                return tuple(Page(f"{number}/{item}/{k}.html", "t.html") for k in range(per))

            def paths(item: int, number: int = number, per: int = per) -> tuple[str, ...]:
                return tuple(f"{number}/{item}/{k}.html" for k in range(per))
            items = list(range(count))
            pages.each(items, make, per, paths if with_paths else None)
            expected += [page for item in items for page in make(item)]
    return pages, expected


@given(PARTS)
def test_pages_equal_the_pages_they_stand_for(parts: list[Part]) -> None:
    pages, expected = build(parts)
    assert len(pages) == len(expected)
    assert list(pages) == expected
    assert [pages[i] for i in range(len(expected))] == expected
    assert [pages[-i] for i in range(1, len(expected) + 1)] == expected[::-1]
    assert pages[1:-1:2] == tuple(expected[1:-1:2])
    copy = Pages()
    copy.add(pages)  # another Pages: its parts taken as they are, still made when asked
    assert list(copy) == expected
    for bad in (len(expected), -len(expected) - 1):
        with pytest.raises(IndexError):
            pages[bad]


@given(PARTS)
def test_paths_are_the_pages_paths_made_only_without_a_paths_function(parts: list[Part]) -> None:
    made: list[int] = []
    pages, expected = build(parts, made)
    made.clear()
    copy = Pages()
    copy.add(pages)
    assert list(pages.paths()) == list(copy.paths()) == [page.path for page in expected]
    assert len(made) == 2 * sum(count for kind, count, _, with_paths in parts
                                if kind == "each" and not with_paths)


def test_pages_made_per_item_are_made_only_when_asked_for() -> None:
    made: list[str] = []

    def make(item: str) -> tuple[Page, Page]:
        made.append(item)
        return Page(f"{item}/a", "t.html"), Page(f"{item}/b", "t.html")

    pages = Pages([Page("index.html", "home.html")])
    pages.each(("x", "y", "z"), make, 2)
    assert len(pages) == 7 and made == []
    assert pages[4].path == "y/b" and made == ["y"]
    assert [p.path for p in pages][-2:] == ["z/a", "z/b"]
    assert made == ["y", "x", "y", "z"]  # each item once per pass, nothing kept
    made.clear()
    assert [pages[i].path for i in range(1, 7)] == ["x/a", "x/b", "y/a", "y/b", "z/a", "z/b"]
    assert made == ["x", "y", "z"]  # walked by index: each item made once
