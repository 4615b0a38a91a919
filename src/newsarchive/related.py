"""Related articles, computed once for the whole archive in the plan stage.

"More from this outlet" is the outlet's articles nearest in time. "Related articles" ranks by
shared tags and authors first, then by shared distinctive words. Both read inverted indexes
(term -> articles, newest first), never all pairs: a posting list longer than `2 * WINDOW` is
read only around the article's own position, so a tag on 10,000 articles costs each of them
`2 * WINDOW` look-ups, and the whole pass stays linear in the corpus (20,000 articles: seconds).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from .archive import Archive, Entry, Summary
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

    outlet: tuple[Summary, ...]  # more from this outlet, nearest in time first
    articles: tuple[Summary, ...]  # related by tags and authors, then words; best first


Postings = Mapping[str, tuple[int, ...]]  # term -> entry numbers, newest first


def related_index(archive: Archive, derived: Derived | None = None) -> Mapping[str, Related]:
    """Entry URL -> its related lists, for every entry at once (each entry's distinctive words
    kept between builds by `derived`)."""
    derived = Derived() if derived is None else derived
    entries = archive.entries
    outlets = _postings((_outlet_key(e),) if e.outlet else () for e in entries)
    shared = _postings(_keys(e) for e in entries)
    words = [derived.get("words", e.key, lambda e=e: distinctive_words(e))  # type: ignore[misc]
             for e in entries]
    word_postings = _postings(words, limit=max(3, int(len(entries) * COMMON_SHARE)))
    positions = _positions(outlets, shared, word_postings)
    result: dict[str, Related] = {}
    for n, entry in enumerate(entries):
        okey = _outlet_key(entry)
        near = nearest(n, outlets.get(okey, ()), positions, okey)
        best = ranked(n, shared, word_postings, _keys(entry), words[n], positions)
        result[entry.url] = Related(
            tuple(entries[m].summary() for m in near),
            tuple(entries[m].summary() for m in best))
    return MappingProxyType(result)


def _outlet_key(entry: Entry) -> str:
    """Index terms carry a kind prefix, so an outlet, a tag and a word never share a key."""
    return f"o:{entry.outlet.key}" if entry.outlet else ""


def _keys(entry: Entry) -> tuple[str, ...]:
    return tuple(f"t:{t.key}" for t in entry.tags) + tuple(f"a:{a.key}" for a in entry.authors)


def distinctive_words(entry: Entry) -> tuple[str, ...]:
    """The words an article is about: from its title, dek and first paragraphs, lower-cased,
    stop words and short words dropped, the most frequent kept (ties alphabetically)."""
    text = " ".join([entry.title, entry.title, entry.dek or "", *entry.body[:2]])
    counts = Counter(w for w in (m.casefold() for m in WORD_RE.findall(text))
                     if w not in STOP_WORDS)
    top = sorted(counts, key=lambda w: (-counts[w], w))[:WORDS_PER_ARTICLE]
    return tuple(sorted(top))


def _postings(terms_per_entry: Iterable[Iterable[str]], limit: int | None = None) -> Postings:
    """Term -> entry numbers in entry order (newest first); terms past `limit` are dropped."""
    found: dict[str, list[int]] = {}
    for n, terms in enumerate(terms_per_entry):
        for term in dict.fromkeys(terms):
            found.setdefault(term, []).append(n)
    return MappingProxyType({t: tuple(ns) for t, ns in found.items()
                             if limit is None or len(ns) <= limit})


def _positions(*indexes: Postings) -> Mapping[tuple[int, str], int]:
    """(entry, term) -> the entry's place in that term's posting list, for windowed reads.
    Only long lists need it; a short list is read whole."""
    where: dict[tuple[int, str], int] = {}
    for index in indexes:
        for term, numbers in index.items():
            if len(numbers) > 2 * WORD_WINDOW:
                where.update(((n, term), i) for i, n in enumerate(numbers))
    return where


def around(n: int, term: str, numbers: Sequence[int],
           positions: Mapping[tuple[int, str], int], window: int = WINDOW) -> Sequence[int]:
    """The posting list, or only its `window` entries each side of entry n when it is long."""
    if len(numbers) <= 2 * window:
        return numbers
    here = positions[n, term]
    return numbers[max(0, here - window):here + window + 1]


def nearest(n: int, numbers: Sequence[int], positions: Mapping[tuple[int, str], int],
            term: str = "") -> tuple[int, ...]:
    """The `SHOWN` entries nearest to n in a newest-first list: newer and older alternately."""
    if not numbers:
        return ()
    here = positions.get((n, term)) if term else None
    if here is None:
        here = numbers.index(n) if n in numbers else 0
    out: list[int] = []
    for step in range(1, len(numbers)):
        for i in (here - step, here + step):
            if 0 <= i < len(numbers) and len(out) < SHOWN:
                out.append(numbers[i])
        if len(out) >= SHOWN:
            break
    return tuple(out)


def ranked(n: int, shared: Postings, word_postings: Postings, keys: Sequence[str],
           words: Sequence[str], positions: Mapping[tuple[int, str], int]) -> tuple[int, ...]:
    """Best `SHOWN` by (shared tags + authors, shared words, nearness in time, entry order)."""
    by_terms: Counter[int] = Counter()
    for key in keys:
        by_terms.update(around(n, key, shared.get(key, ()), positions))
    by_words: Counter[int] = Counter()
    for word in words:
        by_words.update(around(n, word, word_postings.get(word, ()), positions, WORD_WINDOW))
    by_terms.pop(n, None)
    by_words.pop(n, None)
    candidates = set(by_terms) | {m for m, c in by_words.items() if c >= 2}
    best = heapq.nsmallest(SHOWN, ((-by_terms[m], -by_words[m], abs(m - n), m)
                                   for m in candidates))
    return tuple(row[3] for row in best)
