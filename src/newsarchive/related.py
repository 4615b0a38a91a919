"""Related articles, computed once for the whole archive in the plan stage.

"More from this outlet" is the outlet's articles nearest in time. "Related articles" ranks by
shared tags and authors first, then by shared distinctive words. Both read inverted indexes
(term -> articles, newest first), never all pairs: a posting list longer than `2 * window` is
read only around the article's own position, so a tag on 10,000 articles costs each of them
`2 * window` look-ups, and the whole pass stays linear in the corpus (20,000 articles: seconds).

What an article's lists depend on is exactly the stretches of posting lists it reads (its
`Neighbourhood`), as offsets from the article in the archive's order. The lists are kept
between builds by a hash of those offsets, so an edit ranks again only the articles whose
neighbourhood it changed, and adding an article shifts no one else's key; an edit that
changes no article's terms reads every list back at once.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import struct
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import filterfalse, pairwise
from types import MappingProxyType
from typing import ClassVar

from .archive import Archive, Entry, Summary, record_key
from .derive import Derived

SHOWN = 5  # entries per list
WINDOW = 50  # neighbours read on each side in a long tag or author posting list
WORD_WINDOW = 20  # the same for a word: words only break ties and fill in, so read fewer
WORDS_PER_ARTICLE = 15  # distinctive words kept per article (title, dek, opening paragraphs)
COMMON_SHARE = 0.05  # a word in more than this share of articles is not distinctive
WORD_RE = re.compile(r"[^\W\d_]{4,}")
STOP_WORDS = frozenset({
    "about", "after", "again", "against", "also", "been", "before", "being", "between", "both",
    "could", "does", "doing", "down", "during", "each", "from", "further", "have", "having", "here",
    "into", "just", "more", "most", "other", "over", "same", "should", "since", "some", "such",
    "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "under", "until", "very", "were", "what", "when", "where", "which", "while", "will", "with",
    "would", "your", "said", "says", "told", "according", "year", "years", "week", "last", "first",
    "new", "people", "time",
})


@dataclass(frozen=True, slots=True)
class Related:
    """What an article page shows below the body."""

    KEYED: ClassVar[bool] = True  # `key` names the summaries: fingerprints read only it

    outlet: tuple[Summary, ...]  # more from this outlet, nearest in time first
    articles: tuple[Summary, ...]  # related by tags and authors, then words; best first
    key: str = field(default="", compare=False)  # the summaries' keys (`related_key`)


@dataclass(frozen=True, slots=True)
class Reach:
    """How much the lists show and read; tests make it small to reach the windows quickly."""

    shown: int = SHOWN
    window: int = WINDOW
    word_window: int = WORD_WINDOW

    def memo_kind(self) -> str:
        """Names the memo's lists by everything besides the entries that decides them."""
        return f"related/{self.shown}/{self.window}/{self.word_window}/{COMMON_SHARE}"


Offsets = tuple[int, ...]  # entry numbers minus the article's own number, in list order
Chosen = tuple[Offsets, Offsets]  # (more from this outlet, related articles) as offsets


class PostingLists:
    """Term -> entry numbers (newest first), each entry's place in the lists of its terms, and
    the gaps between neighbours as bytes, so a stretch of a list is keyed shift-free by slicing."""

    def __init__(self, terms_per_entry: Iterable[Iterable[str]], limit: int | None = None):
        lists: dict[str, list[int]] = {}
        self.places: list[dict[str, int]] = []  # per entry: term -> its place in that list
        for n, terms in enumerate(terms_per_entry):
            here: dict[str, int] = {}
            for term in terms:
                if term not in here:
                    numbers = lists.setdefault(term, [])
                    here[term] = len(numbers)
                    numbers.append(n)
            self.places.append(here)
        self.lists = {t: ns for t, ns in lists.items() if limit is None or len(ns) <= limit}
        self._gaps = {t: array("i", [b - a for a, b in pairwise(ns)]).tobytes()
                      for t, ns in self.lists.items()}

    def stretch(self, n: int, term: str, window: int) -> tuple[int, int, bytes] | None:
        """Where entry n reads the list of `term`: the whole list, or `window` entries each side
        of n when it is longer than `2 * window`. Returned as (start, end, key) with the key
        spelling n's place in the stretch and the gaps inside it (None: n reads nothing)."""
        numbers = self.lists.get(term)
        if numbers is None:
            return None
        here = self.places[n][term]
        start, end = 0, len(numbers)
        if end > 2 * window:
            start, end = max(0, here - window), min(end, here + window + 1)
        gaps = self._gaps[term][4 * start:4 * (end - 1)]
        return start, end, struct.pack("<ii", here - start, end - start) + gaps


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """Everything entry n's lists depend on: the stretches of posting lists it reads."""

    n: int
    outlet: tuple[Sequence[int], ...]  # at most one stretch: the outlet's list near n
    terms: tuple[Sequence[int], ...]  # one stretch per tag and author (a repeated one twice)
    words: tuple[Sequence[int], ...]  # one per distinctive word that is not too common
    key: str  # hash of the stretches as offsets from n: equal keys, equal lists

    def chosen(self, shown: int) -> Chosen:
        """The lists as offsets from n (what `Derived` keeps)."""
        n = self.n
        outlet = [[m - n for m in s] for s in self.outlet]
        terms = [[m - n for m in s] for s in self.terms]
        words = [[m - n for m in s] for s in self.words]
        return nearest(outlet[0] if outlet else [], shown), ranked(terms, words, shown)


Terms = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # (outlet, tags + authors, words)


def related_index(archive: Archive, derived: Derived | None = None,
                  reach: Reach = Reach()) -> Mapping[str, Related]:
    """Entry URL -> its related lists, for every entry at once.

    `derived` keeps each entry's distinctive words, its lists by `Neighbourhood.key`, and all
    the lists by a hash of every entry's terms in order: an edit that changes no term (most
    body edits) reads them back without a posting list, any other re-ranks only the entries
    whose neighbourhood changed.
    """
    derived = Derived() if derived is None else derived
    entries = archive.entries
    terms = [((_outlet_key(e),) if e.outlet else (), _keys(e),
              derived.get("words", e.key, lambda e=e: distinctive_words(e)))  # type: ignore[misc]
             for e in entries]
    kind = reach.memo_kind()

    def rank_all() -> tuple[tuple[str, Chosen], ...]:
        return tuple((h.key, derived.get(kind, h.key, partial(h.chosen, reach.shown)))
                     for h in neighbourhoods(terms, reach))

    every = derived.get(f"{kind}/all", record_key(terms), rank_all)
    summaries = archive.summaries
    result: dict[str, Related] = {}
    for n, (key, (near, best)) in enumerate(every):
        derived.get(kind, key, lambda c=(near, best): c)  # type: ignore[misc]  # kept for edits
        outlet = tuple(summaries[n + d] for d in near)
        articles = tuple(summaries[n + d] for d in best)
        result[entries[n].url] = Related(outlet, articles, related_key(outlet, articles))
    return MappingProxyType(result)


def related_key(outlet: tuple[Summary, ...], articles: tuple[Summary, ...]) -> str:
    """The summaries' own keys (hex digests) in order, the two lists apart: as exact as the
    lists, and ~7x cheaper to fingerprint than the ~12 records they hold."""
    return f"{'.'.join(s.key for s in outlet)}/{'.'.join(s.key for s in articles)}"


def neighbourhoods(terms: Sequence[Terms], reach: Reach) -> Iterable[Neighbourhood]:
    """Each entry's neighbourhood, in entry order, from each entry's terms."""
    lists = (PostingLists(t[0] for t in terms), PostingLists(t[1] for t in terms),
             PostingLists((t[2] for t in terms), limit=max(3, int(len(terms) * COMMON_SHARE))))
    windows = (reach.shown, reach.window, reach.word_window)
    for n, entry_terms in enumerate(terms):
        parts: list[bytes] = []
        groups: list[tuple[Sequence[int], ...]] = []
        for postings, window, group in zip(lists, windows, entry_terms, strict=True):
            stretches: list[Sequence[int]] = []
            spelled: list[bytes] = []
            for term in group:
                found = postings.stretch(n, term, window)
                if found is not None:
                    start, end, spelling = found
                    stretches.append(postings.lists[term][start:end])
                    spelled.append(spelling)
            parts += (b"%d|" % len(spelled), *spelled)  # a count first: one way to decode
            groups.append(tuple(stretches))
        key = hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()
        yield Neighbourhood(n, groups[0], groups[1], groups[2], key)


def _outlet_key(entry: Entry) -> str:
    """Index terms carry a kind prefix, so an outlet, a tag and a word never share a key."""
    return f"o:{entry.outlet.key}" if entry.outlet else ""


def _keys(entry: Entry) -> tuple[str, ...]:
    return tuple(f"t:{t.key}" for t in entry.tags) + tuple(f"a:{a.key}" for a in entry.authors)


def distinctive_words(entry: Entry) -> tuple[str, ...]:
    """The words an article is about: from its title, dek and first paragraphs, lower-cased,
    stop words and short words dropped, the most frequent kept (ties alphabetically)."""
    text = " ".join([entry.title, entry.title, entry.dek or "", *entry.body[:2]])
    counts = Counter(filterfalse(STOP_WORDS.__contains__,
                                 map(str.casefold, WORD_RE.findall(text))))
    # most frequent first, ties alphabetically: a stable sort by count after one by word
    top = sorted(sorted(counts), key=counts.__getitem__, reverse=True)[:WORDS_PER_ARTICLE]
    return tuple(sorted(top))


def nearest(stretch: Sequence[int], shown: int = SHOWN) -> Offsets:
    """The `shown` entries nearest in a newest-first stretch of offsets holding 0 (the article
    itself): newer and older alternately."""
    if not stretch:
        return ()
    here = stretch.index(0)
    out: list[int] = []
    for step in range(1, len(stretch)):
        for i in (here - step, here + step):
            if 0 <= i < len(stretch) and len(out) < shown:
                out.append(stretch[i])
        if len(out) >= shown:
            break
    return tuple(out)


def ranked(terms: Sequence[Sequence[int]], words: Sequence[Sequence[int]],
           shown: int = SHOWN) -> Offsets:
    """Best `shown` by (shared tags + authors, shared words, nearness in time, entry order),
    from the stretches of offsets read for each tag and author, and for each word."""
    by_terms: Counter[int] = Counter()
    for stretch in terms:
        by_terms.update(stretch)
    by_words: Counter[int] = Counter()
    for stretch in words:
        by_words.update(stretch)
    by_terms.pop(0, None)
    by_words.pop(0, None)
    candidates = set(by_terms) | {d for d, c in by_words.items() if c >= 2}
    best = heapq.nsmallest(shown, ((-by_terms[d], -by_words[d], abs(d), d) for d in candidates))
    return tuple(row[3] for row in best)
