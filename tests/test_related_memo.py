"""Related lists kept between builds equal a full computation, over random archives and edits.

`reference_index` is the plain algorithm (every list ranked from the posting lists, entry
numbers as they stand), written out here so the memoised `related_index` is checked against
it, not against itself. A small `Reach` makes 20 articles cross every window.
"""

from __future__ import annotations

import heapq
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.archive import Archive, Summary, collect
from newsarchive.config import Config
from newsarchive.derive import Derived
from newsarchive.model import Article, DateValue
from newsarchive.related import (
    COMMON_SHARE,
    Reach,
    _keys,
    _outlet_key,
    distinctive_words,
    related_index,
)

SMALL = Reach(shown=2, window=2, word_window=1)
Lists = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # url -> (outlet urls, related urls)


def reference_index(archive: Archive, reach: Reach) -> Lists:
    """Every entry's lists from whole posting lists of entry numbers: no memo, no offsets."""
    entries = archive.entries
    outlets = _postings([(_outlet_key(e),) if e.outlet else () for e in entries])
    shared = _postings([_keys(e) for e in entries])
    words = [distinctive_words(e) for e in entries]
    limit = max(3, int(len(entries) * COMMON_SHARE))
    word_postings = {t: ns for t, ns in _postings(words).items() if len(ns) <= limit}
    result: Lists = {}
    for n, entry in enumerate(entries):
        near = _nearest(n, outlets.get(_outlet_key(entry), []), reach.shown)
        by_terms: Counter[int] = Counter()
        for key in _keys(entry):
            by_terms.update(_around(n, shared.get(key, []), reach.window))
        by_words: Counter[int] = Counter()
        for word in words[n]:
            by_words.update(_around(n, word_postings.get(word, []), reach.word_window))
        by_terms.pop(n, None)
        by_words.pop(n, None)
        candidates = set(by_terms) | {m for m, c in by_words.items() if c >= 2}
        best = heapq.nsmallest(reach.shown, ((-by_terms[m], -by_words[m], abs(m - n), m)
                                             for m in candidates))
        result[entry.url] = (tuple(entries[m].url for m in near),
                             tuple(entries[row[3]].url for row in best))
    return result


def _postings(terms_per_entry: Sequence[Sequence[str]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for n, terms in enumerate(terms_per_entry):
        for term in dict.fromkeys(terms):
            found.setdefault(term, []).append(n)
    return found


def _around(n: int, numbers: list[int], window: int) -> list[int]:
    if len(numbers) <= 2 * window:
        return numbers
    here = numbers.index(n)
    return numbers[max(0, here - window):here + window + 1]


def _nearest(n: int, numbers: list[int], shown: int) -> list[int]:
    if not numbers:
        return []
    here = numbers.index(n)
    out: list[int] = []
    for step in range(1, len(numbers)):
        for i in (here - step, here + step):
            if 0 <= i < len(numbers) and len(out) < shown:
                out.append(numbers[i])
    return out


def urls(index: Mapping[str, object]) -> Lists:
    def of(summaries: tuple[Summary, ...]) -> tuple[str, ...]:
        return tuple(s.url for s in summaries)
    return {url: (of(r.outlet), of(r.articles)) for url, r in index.items()}  # type: ignore[attr-defined]


WORDS = ("harbour", "seawall", "storms", "budget", "council", "tides", "cricket", "schools")
ARTICLE = st.builds(
    lambda title, day, outlet, tags, authors, words: Article(
        f"{title}.md", title, (" ".join(words),), outlet=outlet, tags=tuple(tags),
        authors=tuple(authors), date=None if day == 0 else DateValue(2021, 1, day)),
    title=st.sampled_from([f"Story {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]),
    day=st.integers(0, 6),
    outlet=st.sampled_from([None, "Gazette", "Ledger", "Courier"]),
    tags=st.lists(st.sampled_from(["Floods", "Harbour", "Budget", "Schools"]), max_size=3),
    authors=st.lists(st.sampled_from(["Jane Doe", "Ann Lee", "Bo Chan", "JANE DOE"]),
                     max_size=2),
    words=st.lists(st.sampled_from(WORDS), max_size=5),
)
EDIT = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, 99), ARTICLE),
    st.tuples(st.just("body"), st.integers(0, 99), st.lists(st.sampled_from(WORDS), max_size=5)),
    st.tuples(st.just("tail"), st.integers(0, 99), st.lists(st.sampled_from(WORDS), max_size=5)),
    st.tuples(st.just("remove"), st.integers(0, 99), st.none()),
    st.tuples(st.just("add"), st.integers(0, 99), ARTICLE),
)


def apply_edit(articles: list[Article], edit: tuple[str, int, object]) -> list[Article]:
    """One edit as a user makes it: a file rewritten, its body changed, removed or added."""
    kind, at, value = edit
    out = list(articles)
    if kind == "add":
        assert isinstance(value, Article)
        out.append(replace(value, source_path=f"new-{len(out)}-{value.source_path}"))
        return out
    if not out:
        return out
    i = at % len(out)
    if kind == "remove":
        del out[i]
    elif kind in ("body", "tail"):  # a tail past the second paragraph changes no term
        assert isinstance(value, list)
        body = (" ".join(value),) if kind == "body" else (*out[i].body, "", "", " ".join(value))
        out[i] = replace(out[i], body=body)
    else:
        assert isinstance(value, Article)
        out[i] = replace(value, source_path=out[i].source_path)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ARTICLE, min_size=1, max_size=24), st.lists(EDIT, min_size=1, max_size=4))
def test_lists_kept_between_builds_equal_a_full_computation(
        articles: list[Article], edits: list[tuple[str, int, object]]) -> None:
    articles = [replace(a, source_path=f"{n}-{a.source_path}") for n, a in enumerate(articles)]
    with tempfile.TemporaryDirectory() as folder:
        memo = Path(folder) / "derived"
        for step in range(len(edits) + 1):
            if step:
                articles = apply_edit(articles, edits[step - 1])
            archive, _ = collect(articles, Config())
            derived = Derived(memo)
            kept = urls(related_index(archive, derived, SMALL))
            derived.save()
            assert kept == reference_index(archive, SMALL)
            assert kept == urls(related_index(archive, Derived(), SMALL))


def test_the_default_reach_matches_the_reference_past_every_window() -> None:
    """300 articles on one tag and one outlet: long lists are read in windows."""
    articles = [Article(f"{n}.md", f"Story {n}", (f"harbour {'tides ' * (n % 3)}",),
                        outlet="Gazette" if n % 4 else "Ledger", tags=("Floods",),
                        authors=("Jane Doe",) if n % 2 else (),
                        date=DateValue(2021, 1 + n % 12, 1 + n % 28)) for n in range(300)]
    archive, _ = collect(articles, Config())
    assert urls(related_index(archive)) == reference_index(archive, Reach())


def test_an_edit_reranks_only_the_entries_whose_neighbourhood_it_changed(tmp_path: Path) -> None:
    articles = [Article(f"{n}.md", f"Story {n}", (WORDS[n % 8], "More.", "Tail."),
                        outlet=("Gazette", "Ledger")[n % 2], tags=(("Floods", "Budget")[n % 3 % 2],),
                        date=DateValue(2021, 1 + n % 12, 1 + n % 28)) for n in range(60)]
    memo = tmp_path / "derived"

    def build(articles: list[Article]) -> Derived:
        derived = Derived(memo)
        related_index(collect(articles, Config())[0], derived, SMALL)
        derived.save()
        return derived

    ranked_first = build(articles).made - 60 - 1  # less each entry's words, all the lists
    assert ranked_first > 10  # one per distinct neighbourhood
    articles[7] = replace(articles[7], body=(*articles[7].body, "A new last paragraph."))
    assert build(articles).made == 1  # its words (its key changed); no list ranked again
    articles[7] = replace(articles[7], tags=("Schools",))
    assert 0 < build(articles).made - 1 - 1 < ranked_first / 2  # a few entries ranked again
