"""Search: the search page, its script, and the two indexes, planned as Pages.

Hosted sites search through Pagefind (filters and the date sort come from our records, not from
scraping HTML); a site opened from disk falls back to the compact index in `search_index`. Both
indexes are made from one tuple of `SearchRecord`s, and both are expensive at thousands of
articles, so their files are cached under `.newsarchive-cache/search/<hash of the records>/`: an
incremental build whose records did not change reads the files back instead of re-indexing.
Every index file becomes a raw Page (bytes made here), so the pipeline hashes, carries forward
and writes it like any other page.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from . import __version__
from .archive import Archive, Entry, TermCount
from .config import Config
from .model import Page
from .search_index import SearchRecord, compact_files
from .search_pagefind import pagefind_files, pagefind_version

SEARCH_PAGE = "search/index.html"
SCRIPT = ("assets/search.js", "static/search.js")  # (output path, template name)
STYLES = ("assets/search.css", "static/search.css")
CACHE_KEEP = 3  # cached index versions kept (e.g. two output folders built alternately)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and images -> text
_MD_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|[*_`~]+", re.M)


def search_pages(archive: Archive, config: Config, index: bool = True) -> tuple[Page, ...]:
    """The search page, its script and stylesheet, and (with `index`) every index file."""
    page = Page(PurePosixPath(SEARCH_PAGE), "search.html", search_context(archive, config))
    assets = tuple(Page(PurePosixPath(path), template, {}) for path, template in (SCRIPT, STYLES))
    return (page, *assets, *(index_pages(archive, config) if index else ()))


def index_pages(archive: Archive, config: Config, read_cache: bool = True) -> tuple[Page, ...]:
    """Every index file (compact and Pagefind) as a raw Page: the slow part of planning, which
    `build` runs in a thread while templates render. `read_cache=False` (`build --clean`)
    indexes anew and still saves the result."""
    records = search_records(archive)
    cache = config.root / ".newsarchive-cache" / "search"
    files = cached_index_files(records, cache, pagefind_language(config.language), read_cache)
    return tuple(Page.raw(path, data) for path, data in sorted(files.items()))


def search_context(archive: Archive, config: Config) -> dict[str, object]:
    """What the search page shows before any script runs: the filter choices, with counts."""
    from .site import SiteInfo  # site.py imports this module to plan the search pages

    site = SiteInfo(config.title, config.description, config.language, config.base_url)
    return {"site": site, "page_path": SEARCH_PAGE, "title": "Search", "kind": "search",
            "outlets": archive.outlets, "authors": archive.authors, "tags": archive.tags,
            "years": archive.years}


# --- records ------------------------------------------------------------------------------------


def search_records(archive: Archive) -> tuple[SearchRecord, ...]:
    """One record per article, newest first (the archive's order), with canonical names, so
    filter values match the outlet, author and tag pages."""
    names = {kind: _canonical(rows) for kind, rows in
             (("outlet", archive.outlets), ("author", archive.authors), ("tag", archive.tags))}
    return tuple(_record(entry, names) for entry in archive.entries)


def _canonical(rows: Iterable[TermCount]) -> dict[str, str]:
    return {row.term.key: row.term.name for row in rows}


def _record(entry: Entry, names: Mapping[str, Mapping[str, str]]) -> SearchRecord:
    body = "\n".join(entry.body)
    outlet = names["outlet"].get(entry.outlet.key, entry.outlet.name) if entry.outlet else ""
    return SearchRecord(
        url=entry.url,
        title=entry.title,
        dek=entry.dek or "",
        authors=tuple(names["author"].get(a.key, a.name) for a in entry.authors),
        outlet=outlet,
        date=entry.date.iso() if entry.date else "",
        tags=tuple(names["tag"].get(t.key, t.name) for t in entry.tags),
        body=body,
        markdown=entry.body_format == "markdown",
    )


def plain_markdown(text: str) -> str:
    """Markdown to searchable text, cheaply: link text kept, targets and marks dropped."""
    return _MD_MARKS.sub("", _MD_LINK.sub(r"\1", text))


def records_hash(records: Sequence[SearchRecord], language: str) -> str:
    """Content hash of everything the indexes are made from, plus the tool and Pagefind version."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{pagefind_version()}\0{language}\0".encode())
    for record in records:
        for value in (record.url, record.title, record.dek, "\x1f".join(record.authors),
                      record.outlet, record.date, "\x1f".join(record.tags), record.body,
            "md" if record.markdown else "text"):
            digest.update(value.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(b"\x1e")
    return digest.hexdigest()


def pagefind_language(language: str) -> str:
    """Pagefind wants an ISO 639-1 code: `en-GB` -> `en`."""
    return (language.split("-")[0].split("_")[0] or "en").lower()


# --- the cache of index files ---------------------------------------------------------------------


def cached_index_files(records: Sequence[SearchRecord], cache: Path,
                       language: str, read: bool = True) -> dict[str, bytes]:
    """All index files (compact and Pagefind), from the cache when the records are unchanged.

    One pickle per version: reading back a thousand small Pagefind files one by one cost more
    than the whole rest of a no-change build.
    """
    entry = cache / f"{records_hash(records, language)}.pickle"
    try:
        if not read:
            raise OSError("not read: a clean build")
        with entry.open("rb") as handle:
            files: dict[str, bytes] = pickle.load(handle)
        return files
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        pass
    files = index_files(records, language)
    _store(entry, files)
    _prune(cache, keep=entry)
    return files


def index_files(records: Sequence[SearchRecord], language: str) -> dict[str, bytes]:
    """Build both indexes now: output path -> bytes."""
    plain = [replace(r, body=plain_markdown(r.body), markdown=False) if r.markdown else r
             for r in records]
    files = compact_files(plain)
    files.update(pagefind_files(plain, language))
    return files


def _store(entry: Path, files: Mapping[str, bytes]) -> None:
    """Write beside the final name, then rename: a crash never leaves half an entry."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=f".{entry.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(dict(files), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(cache: Path, keep: Path) -> None:
    """Keep the newest few entries, so alternating builds still hit and the cache stays small."""
    entries = sorted((p for p in cache.glob("*.pickle") if p != keep),
                     key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    for stale in entries[CACHE_KEEP - 1:]:
        stale.unlink(missing_ok=True)
