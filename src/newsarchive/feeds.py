"""Feeds: Atom for the archive and for each outlet, author and tag; JSON Feed 1.1 for the archive.

Feeds need absolute URLs, so without `base_url` none is made and `feed_problems` says so once.
Each feed holds its newest `feed_size` articles in the archive's order. Nothing here reads the
clock: `updated` is the newest article's date, and only a feed with no dated article at all
falls back to SOURCE_DATE_EPOCH (else the Unix epoch), so rebuilding gives the same bytes.
Bytes are made in Python (`Page.lazy`) with XML escaping, not through an HTML template.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .archive import Archive, Entry, Summary, Term, TermCount, record_key
from .cite import absolute_url
from .config import Config
from .export import body_text
from .jsonbytes import json_bytes
from .model import DateValue, Page, Problem
from .render import body_html
from .spill import SpillMemo

ATOM_NAME = "feed.xml"  # beside a listing's index.html: outlets/ap/feed.xml
SITE_ATOM = "feed.xml"
SITE_JSON = "feed.json"
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
KINDS = (("by_outlet", "outlets"), ("by_author", "authors"), ("by_tag", "tags"))  # index, rows


def feed_path(listing_url: str) -> str:
    """The Atom feed of a listing page: `outlets/ap/index.html` -> `outlets/ap/feed.xml`."""
    return listing_url.removesuffix("index.html") + ATOM_NAME


def feed_problems(config: Config) -> list[Problem]:
    """The one warning when feeds are skipped; empty when they are made."""
    if config.base_url:
        return []
    return [Problem(config.root / "site.yml",
                    "feeds skipped: Atom and JSON feeds need absolute links; set base_url "
                    "(e.g. base_url: https://example.org/archive/) to make them",
                    "feeds.no-base-url")]


def rfc3339(date: DateValue | None, fallback: str) -> str:
    """A date at midnight UTC (month and year precision: the first day); None -> fallback."""
    if date is None:
        return fallback
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}T00:00:00Z"


def fallback_time() -> str:
    """SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else the epoch."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(raw) if raw.isdigit() else 0
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def xml_text(text: str) -> str:
    """Escaped for XML 1.0, with the characters XML cannot hold at all removed."""
    return escape(XML_INVALID.sub("", text))


def feed_pages(archive: Archive, config: Config) -> tuple[Page, ...]:
    """Every feed of the archive, or none without base_url (see `feed_problems`).

    Feeds are lazy pages: each is keyed by what it reads (its items' `Entry.key`s and the
    config values it shows), so planning costs a key per feed, and only feeds whose key
    changed are made, in the render workers (at 5,000 articles the feeds hold ~110 MB).
    """
    if not config.base_url:
        return ()
    base = config.base_url
    by_url = {entry.url: entry for entry in archive.entries}
    fallback = fallback_time()
    atom_entry = _entry_cache(base, config.cache_dir)
    size = max(1, config.feed_size)
    newest = archive.entries[:size]
    home = Term("home", config.title, "index.html")
    shown = (config.title, config.description, config.language, base, fallback)

    def atom(title: str, term: Term, path: str, items: Sequence[Entry]) -> Page:
        key = record_key((shown, title, term, path, tuple(e.key for e in items)))
        return Page.lazy(path, f"atom|{key}", lambda: atom_feed(
            config, title, term, path, items, atom_entry, fallback))

    json_key = record_key((shown, tuple(e.key for e in newest)))
    pages = [atom(config.title, home, SITE_ATOM, newest),
             Page.lazy(SITE_JSON, f"json-feed|{json_key}", lambda: json_feed(config, newest))]
    for attribute, counts in KINDS:
        index: Mapping[str, tuple[Summary, ...]] = getattr(archive, attribute)
        rows: tuple[TermCount, ...] = getattr(archive, counts)
        for row in rows:
            items = [by_url[s.url] for s in index[row.term.key][:size]]
            pages.append(atom(f"{row.term.name} · {config.title}", row.term,
                              feed_path(row.term.url), items))
    return tuple(pages)


AtomEntry = Callable[[Entry, str], str]  # (entry, the feed's updated) -> <entry> XML


def _entry_cache(base: str, folder: Path | None = None) -> AtomEntry:
    """Each article's <entry> is made once per process, however many feeds it is in, and kept
    in a file in `folder` (`spill.SpillMemo`); an undated one takes its feed's `updated`
    (Atom requires one) and so is made once per distinct value."""
    made = SpillMemo(folder)

    def atom_entry(entry: Entry, feed_updated: str) -> str:
        return made.get((entry.url, "" if entry.date else feed_updated), lambda: _atom_entry(
            entry, base, feed_updated, str(body_html(entry))))

    return atom_entry


def _atom_entry(entry: Entry, base: str, fallback: str, html: str) -> str:
    url = absolute_url(base, entry.url)
    when = rfc3339(entry.date, fallback)
    lines = ["<entry>", f"<title>{xml_text(entry.title)}</title>",
             f"<id>{xml_text(url)}</id>",
             f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>']
    if entry.date is not None:
        lines.append(f"<published>{when}</published>")
    lines.append(f"<updated>{when}</updated>")
    names = [a.name for a in entry.authors] or [entry.outlet.name if entry.outlet else "Unknown"]
    lines += [f"<author><name>{xml_text(n)}</name></author>" for n in names]
    lines += [f"<category term={quoteattr(t.key)} label={quoteattr(XML_INVALID.sub('', t.name))}/>"
              for t in entry.tags]
    if entry.source_url:
        lines.append(f'<link rel="via" href={quoteattr(XML_INVALID.sub("", entry.source_url))}/>')
    if entry.dek:
        lines.append(f"<summary>{xml_text(entry.dek)}</summary>")
    lines += [f'<content type="html">{xml_text(html)}</content>', "</entry>"]
    return "\n".join(lines)


def atom_feed(config: Config, title: str, term: Term, path: str, items: Sequence[Entry],
              atom_entry: AtomEntry, fallback: str) -> bytes:
    """One Atom 1.0 document (RFC 4287); its id is its own URL, stable across builds."""
    base = config.base_url or ""
    self_url = base + path
    dated = [e.date for e in items if e.date is not None]
    updated = rfc3339(max(dated, key=DateValue.sort_key), fallback) if dated else fallback
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"<title>{xml_text(title)}</title>",
        f"<subtitle>{xml_text(config.description)}</subtitle>",
        f"<id>{xml_text(self_url)}</id>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(absolute_url(base, term.url))}/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{xml_text(config.title)}</name></author>",
        '<generator uri="https://pypi.org/project/newsarchive/">newsarchive</generator>',
    ]
    return "\n".join([*head, *(atom_entry(e, updated) for e in items), "</feed>", ""]).encode("utf-8")


def json_feed(config: Config, items: Sequence[Entry]) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) for the whole archive."""
    base = config.base_url or ""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": config.title,
        "home_page_url": base,
        "feed_url": base + SITE_JSON,
        "description": config.description,
        "language": config.language,
        "authors": [{"name": config.title}],
        "items": [_json_item(e, base) for e in items],
    }
    return json_bytes(feed, indent=True, newline=True)


def _json_item(entry: Entry, base: str) -> dict[str, object]:
    url = absolute_url(base, entry.url)
    item: dict[str, object] = {"id": url, "url": url, "title": entry.title,
                               "content_text": body_text(entry)}
    if entry.source_url:
        item["external_url"] = entry.source_url
    if entry.dek:
        item["summary"] = entry.dek
    if entry.date is not None:  # optional in JSON Feed: an undated article gets no made-up date
        item["date_published"] = rfc3339(entry.date, "")
    names = [a.name for a in entry.authors]
    if names:
        item["authors"] = [{"name": n} for n in names]
    if entry.tags:
        item["tags"] = [t.name for t in entry.tags]
    return item
