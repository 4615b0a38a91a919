"""Collect: the one stage that sees the whole corpus.

It merges outlet and author name variants, gives every article a unique, stable URL, and builds
the indexes (outlet, author, tag, year, month) once, as small `Summary` records, so no template
and no later stage ever loops over the whole collection again.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from .bodies import body_facts
from .config import Config
from .derive import Derived
from .model import Article, DateValue, Problem
from .names import (
    alias_resolver,
    dedupe_segments,
    load_outlet_table,
    name_key,
    outlet_key,
    safe_segment,
)

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
WORDS_PER_MINUTE = 230


@dataclass(frozen=True, slots=True)
class Term:
    """A name that has its own listing page: an outlet, author, tag, year or month."""

    key: str  # stable, unique within its kind: the URL segment ("associated-press", "2021-03")
    name: str  # shown to people; on an article, as written in that article
    url: str  # the first listing page, relative to the output root ("outlets/ap/index.html")

    def __repr__(self) -> str:  # what record keys hash, ~10 a record: the dataclass's text
        return f"Term(key={self.key!r}, name={self.name!r}, url={self.url!r})"  # without its guard


@dataclass(frozen=True, slots=True)
class Summary:
    """What a listing shows of one article; small, so listing contexts stay cheap to hash."""

    KEYED: ClassVar[bool] = True  # `key` hashes the other fields: fingerprints read only it

    url: str  # the article page, relative to the output root ("2021/03/slug/index.html")
    title: str
    dek: str | None
    date: DateValue | None
    outlet: Term | None
    authors: tuple[Term, ...]
    key: str = ""  # hash of the fields above (`record_key`), so contexts fingerprint cheaply


@dataclass(frozen=True, slots=True)
class TermCount:
    """One row of an index page: a term and how many articles it lists."""

    term: Term
    count: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One article as the site shows it: the loader's fields plus what collect decided.

    A projection, not the `Article`: removed lines, provenance and hashes are left out, so the
    article page's context changes only when something it shows changes.
    """

    url: str  # see Summary.url
    slug: str  # the last folder of `url`
    source_path: str  # relative to the articles folder (`published_path`)
    title: str
    dek: str | None
    date: DateValue | None
    outlet: Term | None
    authors: tuple[Term, ...]  # in byline order, names as written in this article
    tags: tuple[Term, ...]
    body: Sequence[str]  # a tuple, or a `bodies.StoredBody` read when used
    body_format: Literal["text", "markdown"]
    related_links: tuple[str, ...]
    source_url: str | None
    reading_minutes: int
    key: str  # hash of every field above: what per-article products (citations, exports) key on
    summary_key: str  # hash of the fields a Summary shows
    previous: Summary | None  # the next older dated article
    next: Summary | None  # the next newer dated article

    def summary(self) -> Summary:
        return Summary(self.url, self.title, self.dek, self.date, self.outlet, self.authors,
                       self.summary_key)


@dataclass(frozen=True, slots=True)
class Archive:
    """The whole corpus, resolved and indexed. Every tuple is newest first, tie-broken by title
    and URL; every index maps a `Term.key` to the summaries of its articles."""

    entries: tuple[Entry, ...]
    summaries: tuple[Summary, ...]  # entries[n].summary() for each n, made once
    by_outlet: Mapping[str, tuple[Summary, ...]]
    by_author: Mapping[str, tuple[Summary, ...]]
    by_tag: Mapping[str, tuple[Summary, ...]]
    by_year: Mapping[str, tuple[Summary, ...]]  # "2021" -> ...
    by_month: Mapping[str, tuple[Summary, ...]]  # "2021-03" -> ...
    undated: tuple[Summary, ...]
    outlets: tuple[TermCount, ...]  # by name, case-insensitively, then key
    authors: tuple[TermCount, ...]
    tags: tuple[TermCount, ...]
    years: tuple[TermCount, ...]  # newest year first
    months: Mapping[str, tuple[TermCount, ...]]  # year key -> its months, newest first


# --- terms: merged name groups with their listing URLs ------------------------------------------


def _short_hash(text: str) -> str:
    return "n" + hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


@dataclass(frozen=True, slots=True)
class _Group:
    """Name variants merged into one term."""

    key: str
    names: tuple[str, ...]  # every printed form, one per occurrence, in corpus order
    canonical: str | None  # from an alias table, else the most frequent printed form wins


def make_terms(groups: Iterable[_Group], folder: str) -> dict[str, Term]:
    """Group key -> Term with a unique URL under `folder/`; collisions decided by group key."""
    ordered = sorted(groups, key=lambda g: g.key)
    names = {g.key: g.canonical or _most_common(g.names) for g in ordered}
    segments = dedupe_segments([(g.key, safe_segment(names[g.key], _short_hash(g.key)))
                                for g in ordered])
    return {k: Term(segments[k], names[k], f"{folder}/{segments[k]}/index.html") for k in names}


def _most_common(names: Sequence[str]) -> str:
    counts = Counter(names)
    return min(counts, key=lambda n: (-counts[n], n))


def group_names(names: Iterable[str], key: Callable[[str], str],
                canonical_of: Mapping[str, str]) -> dict[str, _Group]:
    """Printed name -> group key, via the alias table; returns group key -> _Group."""
    found: dict[str, list[str]] = {}
    canon: dict[str, str | None] = {}
    for name in names:
        canonical = canonical_of.get(key(name))
        group_key = key(canonical) if canonical is not None else key(name)
        found.setdefault(group_key, []).append(name)
        canon[group_key] = canonical
    return {k: _Group(k, tuple(v), canon[k]) for k, v in found.items()}


# --- collect ----------------------------------------------------------------------------------


def collect(articles: Sequence[Article], config: Config,
            derived: Derived | None = None) -> tuple[Archive, list[Problem]]:
    """Resolve names, assign URLs and build every index once; never raises for odd input.
    `derived` keeps each title's URL segment between builds (slugify was a fifth of collect)."""
    builtin, domains = load_outlet_table()
    outlet_canon = alias_resolver(builtin, config.outlet_aliases, outlet_key)
    author_canon = alias_resolver({}, config.author_aliases, name_key)
    # the same few thousand names are looked up ~100,000 times in one collect
    key_of_name, key_of_outlet = functools.cache(name_key), functools.cache(outlet_key)
    ordered = sorted(articles, key=lambda a: (a.source_path, a.content_hash))
    outlets = [a.outlet or _outlet_from_domain(a.source_url, domains) for a in ordered]
    outlet_groups = group_names((o for o in outlets if o), key_of_outlet, outlet_canon)
    author_groups = group_names((n for a in ordered for n in a.authors), key_of_name, author_canon)
    tag_groups = group_names((t for a in ordered for t in a.tags), key_of_name, {})
    outlet_terms = make_terms(outlet_groups.values(), "outlets")
    author_terms = make_terms(author_groups.values(), "authors")
    tag_terms = make_terms(tag_groups.values(), "tags")
    urls, problems = assign_urls(ordered, url_segments(derived or Derived()))
    in_folder = f"{config.articles_dir.as_posix().rstrip('/')}/"

    def outlet_term(name: str | None) -> Term | None:
        if not name:
            return None
        canonical = outlet_canon.get(key_of_outlet(name))
        return outlet_terms[key_of_outlet(canonical) if canonical else key_of_outlet(name)]

    def author_term(name: str) -> Term:
        canonical = author_canon.get(key_of_name(name))
        term = author_terms[key_of_name(canonical) if canonical else key_of_name(name)]
        return Term(term.key, name, term.url)  # shown as written in this article

    shown = [
        Shown(a, urls[a.source_path, a.content_hash], published_path(a.source_path, in_folder),
              outlet_term(outlet), tuple(author_term(n) for n in a.authors),
              tuple(dict.fromkeys(tag_terms[key_of_name(t)] for t in a.tags)))
        for a, outlet in zip(ordered, outlets, strict=True)
    ]
    author_names = {term.key: term for term in author_terms.values()}
    ordered_shown = sorted(shown, key=newest_first)
    summaries = tuple(item.summary for item in ordered_shown)
    entries = link_neighbours(ordered_shown, summaries)
    return build_indexes(entries, summaries, author_names), problems


@dataclass(frozen=True, slots=True)
class Shown:
    """One article with what collect decided for it, before its neighbours in time are known."""

    article: Article
    url: str
    source_path: str  # as the site publishes it: `published_path`
    outlet: Term | None
    authors: tuple[Term, ...]
    tags: tuple[Term, ...]

    @property
    def summary(self) -> Summary:
        a = self.article
        fields = (self.url, a.title, a.dek, a.date, self.outlet, self.authors)
        return Summary(*fields, key=record_key(fields))


def make_entry(shown: Shown, summary: Summary, previous: Summary | None,
               next: Summary | None) -> Entry:
    """The site's view of one article, once its neighbours in time are known."""
    a, url = shown.article, shown.url
    head = (url, url.split("/")[-2], shown.source_path, a.title, a.dek, a.date, shown.outlet,
            shown.authors, shown.tags)
    tail = (a.body_format, a.related_links, a.source_url, reading_minutes(a.body))
    return Entry(*head, a.body, *tail, key=entry_key(head + tail, a.body),
                 summary_key=summary.key, previous=previous, next=next)


def published_path(path: str, articles_folder: str) -> str:
    """A source path as the site publishes it: relative to the articles folder, so the site is
    the same whichever folder the build ran from (the loader names files as the command line
    gave them, for messages), and an absolute path to the builder's files is never published."""
    return shown_path(path.removeprefix(articles_folder))


def shown_path(path: str) -> str:
    """A source path as pages show it: a file name that is not UTF-8 reaches Python with its
    bytes as lone surrogates, which no page can encode; they show as U+FFFD."""
    return path if path.isascii() else os.fsencode(path).decode("utf-8", "replace")


def record_key(fields: object) -> str:
    """A content hash of plain values (strings, numbers, tuples, frozen records) via repr,
    which spells out every field; equal keys mean equal values."""
    text = repr(fields).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def entry_key(fields: tuple[object, ...], body: Sequence[str]) -> str:
    """`record_key` of an entry's fields and body, the body (most of the bytes) by its digest
    (`bodies.body_facts`: as exact as repr; made once when the body was stored)."""
    digest = hashlib.blake2b(repr(fields).encode("utf-8", "surrogatepass"), digest_size=16)
    digest.update(body_facts(body)[0])
    return digest.hexdigest()


def _outlet_from_domain(url: str | None, domains: Mapping[str, str]) -> str | None:
    """An article with no outlet but a known source domain is credited to that outlet."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    while host:
        if host in domains:
            return domains[host]
        host = host.partition(".")[2]
    return None


def reading_minutes(body: Sequence[str]) -> int:
    """Minutes at an adult reading pace; counting spaces is close enough and 5x cheaper (the
    count is one of `body_facts`, kept with a stored body)."""
    words = body_facts(body)[1] + 1
    return max(1, round(words / WORDS_PER_MINUTE))


def article_folder(date: DateValue | None) -> str:
    """`2021/03` for day and month precision, `2021` for a year only, `undated` without."""
    if date is None:
        return "undated"
    return f"{date.year:04d}" if date.month is None else f"{date.year:04d}/{date.month:02d}"


ArticleId = tuple[str, str]  # (source_path, content_hash)


def url_segments(derived: Derived) -> Callable[[str], str]:
    """A title's (or slug hint's) URL segment, memoised by its text in `derived`."""
    def segment(text: str) -> str:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return derived.get("segment", key, lambda: safe_segment(text, "article"))
    return segment


def assign_urls(ordered: Sequence[Article], segment: Callable[[str], str] | None = None
                ) -> tuple[dict[ArticleId, str], list[Problem]]:
    """Article -> `folder/slug/index.html`; a slug collision keeps both articles, the one whose
    source path sorts first gets the plain slug, the others -2, -3, ..."""
    segment = segment or (lambda text: safe_segment(text, "article"))
    wanted: list[tuple[str, str]] = []
    problems: list[Problem] = []
    ids: dict[str, ArticleId] = {}
    for article in ordered:
        ident = f"{len(ids)}"
        ids[ident] = (article.source_path, article.content_hash)
        wanted.append((ident, f"{article_folder(article.date)}/"
                              f"{segment(article.slug_hint or article.title)}"))
    unique = dedupe_segments(wanted)
    for (ident, want), article in zip(wanted, ordered, strict=True):
        if unique[ident] != want:
            problems.append(Problem(Path(article.source_path),
                                    f"URL {want}/ is taken; this article is at {unique[ident]}/",
                                    "archive.slug-collision"))
    return {ids[i]: f"{path}/index.html" for i, path in unique.items()}, problems


def newest_first(item: Shown) -> tuple[int, int, int, int, str, str]:
    """Dated before undated, newest first; ties by title (case-insensitive), then URL."""
    date = item.article.date
    year, month, day = date.sort_key() if date else (0, 0, 0)
    return (date is None, -year, -month, -day, item.article.title.casefold(), item.url)


def link_neighbours(ordered: Sequence[Shown], summaries: Sequence[Summary]) -> tuple[Entry, ...]:
    """The entries in this (newest-first) order, each dated one with its older (`previous`)
    and newer (`next`) dated neighbour; `summaries` are the items' summaries."""
    dated = [n for n, item in enumerate(ordered) if item.article.date is not None]
    neighbours: dict[int, tuple[Summary | None, Summary | None]] = {
        n: (summaries[dated[i + 1]] if i + 1 < len(dated) else None,
            summaries[dated[i - 1]] if i > 0 else None)
        for i, n in enumerate(dated)}
    return tuple(make_entry(item, summaries[n], *neighbours.get(n, (None, None)))
                 for n, item in enumerate(ordered))


def build_indexes(entries: tuple[Entry, ...], summaries: tuple[Summary, ...],
                  author_names: Mapping[str, Term]) -> Archive:
    """One pass over the newest-first entries fills every index already in order.

    `author_names` gives each author key its group name (entries carry names as written).
    """
    by: dict[str, dict[str, list[Summary]]] = {k: {} for k in ("outlet", "author", "tag", "year",
                                                                "month")}
    terms: dict[str, dict[str, Term]] = {k: {} for k in by}
    undated: list[Summary] = []

    def add(kind: str, term: Term, summary: Summary) -> None:
        by[kind].setdefault(term.key, []).append(summary)
        terms[kind].setdefault(term.key, term)

    for entry, summary in zip(entries, summaries, strict=True):
        if entry.outlet is not None:
            add("outlet", entry.outlet, summary)
        for key in dict.fromkeys(t.key for t in entry.authors):
            add("author", author_names[key], summary)
        for term in entry.tags:
            add("tag", term, summary)
        if entry.date is None:
            undated.append(summary)
            continue
        add("year", year_term(entry.date.year), summary)
        if entry.date.month is not None:
            add("month", month_term(entry.date.year, entry.date.month), summary)
    return Archive(
        entries=entries,
        summaries=summaries,
        by_outlet=_frozen(by["outlet"]),
        by_author=_frozen(by["author"]),
        by_tag=_frozen(by["tag"]),
        by_year=_frozen(by["year"]),
        by_month=_frozen(by["month"]),
        undated=tuple(undated),
        outlets=_counts(terms["outlet"], by["outlet"]),
        authors=_counts(terms["author"], by["author"]),
        tags=_counts(terms["tag"], by["tag"]),
        years=_dated_counts(terms["year"], by["year"]),
        months=_months(terms["month"], by["month"]),
    )


def year_term(year: int) -> Term:
    return Term(f"{year:04d}", f"{year:04d}", f"{year:04d}/index.html")


def month_term(year: int, month: int) -> Term:
    return Term(f"{year:04d}-{month:02d}", f"{MONTH_NAMES[month - 1]} {year:04d}",
                f"{year:04d}/{month:02d}/index.html")


def _frozen(index: Mapping[str, list[Summary]]) -> Mapping[str, tuple[Summary, ...]]:
    return MappingProxyType({key: tuple(index[key]) for key in sorted(index)})


def _counts(terms: Mapping[str, Term], index: Mapping[str, list[Summary]]
            ) -> tuple[TermCount, ...]:
    rows = (TermCount(terms[key], len(index[key])) for key in index)
    return tuple(sorted(rows, key=lambda r: (r.term.name.casefold(), r.term.key)))


def _dated_counts(terms: Mapping[str, Term], index: Mapping[str, list[Summary]]
                  ) -> tuple[TermCount, ...]:
    return tuple(TermCount(terms[k], len(index[k])) for k in sorted(index, reverse=True))


def _months(terms: Mapping[str, Term], index: Mapping[str, list[Summary]]
            ) -> Mapping[str, tuple[TermCount, ...]]:
    per_year: dict[str, list[TermCount]] = {}
    for key in sorted(index, reverse=True):
        per_year.setdefault(key[:4], []).append(TermCount(terms[key], len(index[key])))
    return MappingProxyType({year: tuple(rows) for year, rows in per_year.items()})

