"""Search: the search page, its script, and the two indexes, planned as Pages.

Hosted sites search through Pagefind (filters and the date sort come from our records, not from
scraping HTML); a site opened from disk falls back to the compact index in `search_index`. Both
indexes are made from one tuple of `SearchRecord`s, cut into shards whose membership survives
edits (`search_index.shard_records`); each shard's parts of both indexes are cached under
`.newsarchive-cache/search/<hash of the shard's records>.pickle`, so an edit re-indexes one
shard and the indexes are put together from the cached parts.
Every index file becomes a Page the pipeline fingerprints, carries forward and writes like any
other: the compact index's files as bytes made here, each Pagefind file as a lazy page read from
its shard's cache entry when it must be written (`ShardFile`, keyed by a hash of its bytes).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .archive import Archive, Entry, TermCount, record_key
from .config import Config
from .model import Page
from .search_index import (
    INDEX_VERSION,
    CompactBlock,
    SearchRecord,
    assemble_compact,
    compact_block,
    shard_records,
)
from .search_pagefind import PAGEFIND_DIR, pagefind_bundles, pagefind_version

SEARCH_PAGE = "search/index.html"
SCRIPT = ("assets/search.js", "static/search.js")  # (output path, template name)
STYLES = ("assets/search.css", "static/search.css")
CACHE_KEEP = 3  # builds whose shards stay cached (e.g. two output folders built alternately)
SHARED = re.compile(r"pagefind-worker\.js$|wasm\.[^/]*\.pagefind$")  # first shard's are used
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # [text](url) -> text; "![" in _unlink
_MD_LINE_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.M)
_MD_INLINE_MARKS = "*_`~"  # dropped wherever line marks did not take them


def search_pages(archive: Archive, config: Config, index: bool = True) -> tuple[Page, ...]:
    """The search page, its script and stylesheet, and (with `index`) every index file."""
    page = Page(SEARCH_PAGE, "search.html", search_context(archive, config))
    assets = tuple(Page(path, template, {}) for path, template in (SCRIPT, STYLES))
    return (page, *assets, *(index_pages(archive, config) if index else ()))


def index_pages(archive: Archive, config: Config, read_cache: bool = True) -> tuple[Page, ...]:
    """Every index file (compact and Pagefind) as a raw Page: the slow part of planning, which
    `build` runs beside the rendering (a process of its own). `read_cache=False` (`build --clean`)
    indexes anew and still saves the result."""
    records = search_records(archive, bodies=False)  # each shard's text made when indexed
    body = {entry.url: entry.body for entry in archive.entries}
    cache = config.cache_dir / "search"
    files = cached_index_files(records, cache, pagefind_language(config.language), read_cache,
                               lambda record: "\n".join(body[record.url]))
    return tuple(Page.raw(path, data) if isinstance(data, bytes) else
                 Page.lazy(path, f"pagefind|{data.digest}", data)
                 for path, data in sorted(files.items()))


def search_context(archive: Archive, config: Config) -> dict[str, object]:
    """What the search page shows before any script runs: the filter choices, with counts."""
    from .site import site_info  # site.py imports this module to plan the search pages

    site = site_info(config)
    return {"site": site, "page_path": SEARCH_PAGE, "title": "Search", "kind": "search",
            "outlets": archive.outlets, "authors": archive.authors, "tags": archive.tags,
            "years": archive.years}


# --- records ------------------------------------------------------------------------------------


def search_records(archive: Archive, bodies: bool = True) -> tuple[SearchRecord, ...]:
    """One record per article, newest first (the archive's order), with canonical names, so
    filter values match the outlet, author and tag pages. Without `bodies`, each body is ""
    (the record's key still covers it): the text is ~the size of the archive."""
    names = {kind: _canonical(rows) for kind, rows in
             (("outlet", archive.outlets), ("author", archive.authors), ("tag", archive.tags))}
    return tuple(_record(entry, names, bodies) for entry in archive.entries)


def _canonical(rows: Iterable[TermCount]) -> dict[str, str]:
    return {row.term.key: row.term.name for row in rows}


def _record(entry: Entry, names: Mapping[str, Mapping[str, str]],
            with_body: bool = True) -> SearchRecord:
    body = "\n".join(entry.body) if with_body else ""
    outlet = names["outlet"].get(entry.outlet.key, entry.outlet.name) if entry.outlet else ""
    authors = tuple(names["author"].get(a.key, a.name) for a in entry.authors)
    tags = tuple(names["tag"].get(t.key, t.name) for t in entry.tags)
    return SearchRecord(
        url=entry.url,
        title=entry.title,
        dek=entry.dek or "",
        authors=authors,
        outlet=outlet,
        date=entry.date.iso() if entry.date else "",
        tags=tags,
        body=body,
        markdown=entry.body_format == "markdown",
        # the entry's key covers every other field (URL, title, dek, date, body and format)
        key=record_key((entry.key, outlet, authors, tags)),
    )


def plain_markdown(text: str) -> str:
    """Markdown to searchable text, cheaply: link text kept, targets and marks dropped.

    Line marks go first, then every inline mark character left: the same text as one regex
    with both as alternatives (a line mark's match never starts inside an inline run), at half
    the cost, since `str.replace` scans far faster than a regex tried at every position.
    """
    text = _MD_LINE_MARKS.sub("", _unlink(text))
    for mark in _MD_INLINE_MARKS:
        text = text.replace(mark, "")
    return text


def _unlink(text: str) -> str:
    r"""Links and images to their text: what `!?\[([^\]]*)\]\([^)]*\)` -> `\1` gives, five
    times faster. A regex starting with a literal "[" skips ahead at C speed; a "!" just before
    a match (never part of the match before it, which ends in ")") goes with it."""
    parts: list[str] = []
    done = 0
    for link in _MD_LINK.finditer(text):
        start = link.start()
        if start > done and text[start - 1] == "!":
            start -= 1
        parts += (text[done:start], link.group(1))
        done = link.end()
    return "".join(parts) + text[done:] if parts else text


def records_hash(records: Sequence[SearchRecord], language: str) -> str:
    """Content hash of everything a shard's indexes are made from, plus the tool, index format
    and Pagefind version."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{INDEX_VERSION}\0{pagefind_version()}\0{language}\0".encode())
    for record in records:
        if record.key:
            digest.update(f"key\0{record.key}\x1e".encode())
            continue
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


@dataclass(frozen=True, slots=True)
class ShardIndex:
    """Both indexes' parts for one shard of records: what is cached per shard."""

    compact: CompactBlock
    pagefind: dict[str, bytes] | None  # the shard's stable Pagefind bundle; None without one


@dataclass(frozen=True, slots=True)
class ShardFile:
    """One Pagefind file of a shard's cache entry, read when its page must be written: the
    index files (~32 MB at 5,000 articles, most of them unchanged by an edit) are neither held
    by the build nor sent back from the search process. The entry is named by the hash of its
    records; `digest` is a hash of the file's bytes, which keys the page (a changed shard
    keeps most of its files' bytes, and those pages are then not made again)."""

    entry: Path
    name: str
    digest: str

    def __call__(self) -> bytes:
        bundle = _read_part(self.entry).pagefind
        assert bundle is not None  # only files of stored bundles are named
        return bundle[self.name]


@functools.lru_cache(maxsize=2)  # pages come in shard order: one entry read per shard
def _read_part(entry: Path) -> ShardIndex:
    with entry.open("rb") as handle:
        part = pickle.load(handle)
    if not isinstance(part, ShardIndex):
        raise ValueError(f"{entry}: not a search index cache entry")
    return part


IndexFile = bytes | ShardFile


@dataclass(frozen=True, slots=True)
class ShardFiles:
    """One shard's parts as the build holds them: the compact block, and its Pagefind files as
    references to the cache entry that stores their bytes (None without a bundle)."""

    compact: CompactBlock
    pagefind: dict[str, IndexFile] | None


def cached_index_files(records: Sequence[SearchRecord], cache: Path, language: str,
                       read: bool = True,
                       text: Callable[[SearchRecord], str] | None = None) -> dict[str, IndexFile]:
    """All index files (compact and Pagefind), made from per-shard parts: the compact index's
    bytes, and each Pagefind file as a `ShardFile` of the shard's cache entry.

    Each shard's parts are cached under the hash of its records: an edit re-indexes only the
    shard it falls in, the rest is read back. Shards are indexed one at a time (`index_files`)
    and each one's Pagefind bytes let go once stored, so memory holds the compact blocks, not
    the archive's text or bundles. `text(record)` gives a record's body when `records` were
    made without it. `read=False` (a clean build) indexes every shard anew and still saves
    the parts.
    """
    shards = shard_records(records)
    keys = [records_hash(shard, language) for _, shard in shards]
    parts: dict[str, ShardFiles] = {}
    for key in dict.fromkeys(keys) if read else ():
        entry = cache / f"{key}.pickle"
        try:
            with entry.open("rb") as handle:
                part = pickle.load(handle)
            if isinstance(part, ShardIndex):
                parts[key] = _referenced(part, entry)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
            pass
    missing = {key: shard for key, (_, shard) in zip(keys, shards, strict=True)
               if key not in parts}
    for key, made in index_files(missing, language, text) if missing else ():
        entry = cache / f"{key}.pickle"
        if made.pagefind is not None or pagefind_version() == "none":
            _store(entry, made)
            parts[key] = _referenced(made, entry)
        else:  # Pagefind failed on it: nothing to keep, and no Pagefind search this build
            parts[key] = ShardFiles(made.compact, None)
    _prune(cache, keys)
    return assemble([(name, parts[key]) for (name, _), key in zip(shards, keys, strict=True)])


def _referenced(part: ShardIndex, entry: Path) -> ShardFiles:
    """The part with each Pagefind file named by its entry and a hash of its bytes."""
    if part.pagefind is None:
        return ShardFiles(part.compact, None)
    return ShardFiles(part.compact, {
        name: ShardFile(entry, name, hashlib.blake2b(raw, digest_size=16).hexdigest())
        for name, raw in part.pagefind.items()})


def index_files(shards: Mapping[str, Sequence[SearchRecord]], language: str,
                text: Callable[[SearchRecord], str] | None = None
                ) -> Iterator[tuple[str, ShardIndex]]:
    """Both indexes' parts for these shards (key -> records), made now, each yielded as soon as
    Pagefind returns its bundle. A shard's plain text is made when a Pagefind service takes it
    and dropped with its bundle (a few shards' text at a time); its compact block is made here
    while the services index the next shards (made where the services take shards, it held
    them up whenever another thread of the process had the GIL)."""
    prepared = (((key, plain), plain) for key, shard in shards.items()
                for plain in (_plain(shard, text),))
    for (key, plain), bundle in pagefind_bundles(prepared, language):
        yield key, ShardIndex(compact_block(plain), bundle)


def assemble(parts: Sequence[tuple[str, ShardFiles]]) -> dict[str, IndexFile]:
    """Output path -> bytes (or a `ShardFile`) for both indexes, from the shards' parts in
    shard order.

    Pagefind: one bundle per shard under `pagefind/<shard>/`, listed in `pagefind/shards.json`
    (search.js loads the first and merges the others). pagefind.js is kept once, and its worker
    and WebAssembly only in the first shard's folder: merged indexes use the first one's. If any
    shard has no bundle, there is no Pagefind search at all (search.js uses the compact index).
    """
    files: dict[str, IndexFile] = {
        **assemble_compact([(name, part.compact) for name, part in parts])}
    bundles = [(name, part.pagefind) for name, part in parts]
    if not bundles or any(bundle is None for _, bundle in bundles):
        return files
    for number, (name, bundle) in enumerate(bundles):
        assert bundle is not None
        for path, data in bundle.items():
            if path == "pagefind.js":
                files[f"{PAGEFIND_DIR}/{path}"] = data
            elif number == 0 or not SHARED.match(path):
                files[f"{PAGEFIND_DIR}/{name}/{path}"] = data
    manifest = {"v": 1, "shards": [name for name, _ in bundles]}
    files[f"{PAGEFIND_DIR}/shards.json"] = json.dumps(manifest, separators=(",", ":")).encode()
    return dict(sorted(files.items()))


def _plain(records: Sequence[SearchRecord],
           text: Callable[[SearchRecord], str] | None = None) -> tuple[SearchRecord, ...]:
    """The records with plain-text bodies (from `text` when given)."""
    def body(r: SearchRecord) -> str:
        raw = r.body if text is None else text(r)
        return plain_markdown(raw) if r.markdown else raw

    return tuple(replace(r, body=body(r), markdown=False)
                 if r.markdown or text is not None else r for r in records)


def _store(entry: Path, part: ShardIndex) -> None:
    """Write beside the final name, then rename: a crash never leaves half an entry."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=f".{entry.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(cache: Path, keys: Sequence[str]) -> None:
    """Keep the shards of the last CACHE_KEEP builds (so alternating builds still hit), remove
    every other entry: `builds.json` lists the keys each of those builds used."""
    log = cache / "builds.json"
    try:
        builds = [list(b) for b in json.loads(log.read_text(encoding="utf-8"))][:CACHE_KEEP]
    except (OSError, ValueError, TypeError):
        builds = []
    current = sorted(set(keys))
    builds = [current, *[b for b in builds if b != current][:CACHE_KEEP - 1]]
    keep = {key for build in builds for key in build}
    if not cache.is_dir():
        return
    for entry in cache.glob("*.pickle"):
        if entry.stem not in keep:
            entry.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache, prefix=".builds.json.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(builds, handle)
    os.replace(tmp, log)
