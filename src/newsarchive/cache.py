"""Content-hash caches: parsed records by input bytes, and page fingerprints for the manifest.

Content hashes only: a file's times never decide whether it changed. They may spare hashing
it again (`InputKeys`, as git's index does), never more.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .archive import Entry
from .bodies import BodyFile
from .buckets import bucket_of, read_buckets, save_buckets, write_pickle
from .model import RAW, Article, Page, Problem, to_json
from .render import BodyStore
from .sources import LOADER_VERSION

CACHE_VERSION = f"{__version__}/{LOADER_VERSION}/2"  # 2: bodies as `bodies.PackedBody`
LoadResult = tuple[Article | None, tuple[Problem, ...]]


def content_key(data: bytes) -> str:
    """The cache key of one input: its bytes, hashed (the loader version is in the file header).
    SHA-256 (truncated): every build hashes every input, and with the CPU's SHA instructions it
    is twice as fast as BLAKE2b (1.4 against 0.75 GB/s here; 65 MB at 5,000 articles)."""
    return hashlib.sha256(data).hexdigest()[:40]


class LoadCache:
    """Parsed records keyed by (path, content hash), kept between builds in 256 buckets by the
    hash's first two digits (the folder beside `path`, named without its suffix): an edit
    changes one key, so a build rewrites one bucket, not the ~30 MB of every record.

    The path is part of the key because records carry their source path and messages name it.
    With `bodies`, every record it gives (read or put) has its body stored there.
    """

    def __init__(self, path: Path | None, read: bool = True,
                 bodies: BodyFile | None = None) -> None:
        """`read=False` (`build --clean`) starts empty but still saves what this build made."""
        self.path = path
        self.bodies = bodies
        self._old: dict[tuple[str, str], LoadResult] = {}
        self._new: dict[tuple[str, str], LoadResult] = {}
        self._dirty: set[str] = set()  # buckets to write: a record added, or a file unreadable
        self.hits = 0
        if read and path is not None:
            self._old, self._dirty = read_buckets(path.with_suffix(""), CACHE_VERSION,
                                                  None if bodies is None else self._stored)

    def _stored(self, result: LoadResult) -> LoadResult:
        article, problems = result
        if article is None or self.bodies is None:
            return result
        body = self.bodies.keep(article.body)
        if body is article.body:  # kept as it is (held in memory, within the budget)
            return result
        return dataclasses.replace(article, body=body), problems

    def get(self, path: str, key: str) -> LoadResult | None:
        found = self._old.get((path, key))
        if found is not None:
            self.hits += 1
            self._new[(path, key)] = found
        return found

    def put(self, path: str, key: str, result: LoadResult) -> LoadResult:
        """Keep a record just made; returns it as the build should hold it."""
        result = self._stored(result)
        self._new[(path, key)] = result
        if self._old.get((path, key)) is None:
            self._dirty.add(bucket_of(key))
        return result

    def save(self) -> None:
        """Keep only what this build used; rewrite only the buckets whose keys changed."""
        if self.path is None:
            return
        save_buckets(self.path.with_suffix(""), CACHE_VERSION, self._old, self._new, self._dirty)
        self.path.unlink(missing_ok=True)  # the single file of earlier versions

    def forget(self) -> None:
        """Let go of every record held (after `save`, when the build needs no more)."""
        self._old, self._new, self._dirty = {}, {}, set()


class BodyCache:
    """Rendered Markdown bodies (HTML, plain text) between builds, by hash of their source.

    A one-article edit then renders one body, not every body its feeds and data files show.
    `FORMAT` changes when what a body renders to changes (2: the plain text comes from the same
    parse as the HTML, so a link refused for its scheme stays text in both).
    """

    FORMAT = 2

    def __init__(self, path: Path | None, read: bool = True) -> None:
        self.path = path
        self._keys: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        self._html: dict[str, str] = {}
        self._text: dict[str, str] = {}
        if read and path is not None and path.exists():
            try:
                with path.open("rb") as handle:
                    version, body_format, self._html, self._text = pickle.load(handle)
                if (version, body_format) != (CACHE_VERSION, self.FORMAT):
                    self._html, self._text = {}, {}
            except Exception:  # a damaged cache only makes a slower build
                self._html, self._text = {}, {}
        self._keys = (frozenset(self._html), frozenset(self._text))

    def load_into(self, store: BodyStore) -> None:
        store.used.clear()  # a new build: only what it asks for is saved after it
        store.shared = None  # and what the last build's load workers rendered is let go
        store.load(self._html, self._text)
        self._html, self._text = {}, {}  # the store holds them now

    def save(self, store: BodyStore) -> None:
        """Keep what this build used; skip the write when that is what the file holds."""
        html = {k: v for k, v in store.html.items() if k in store.used}
        text = {k: v for k, v in store.text.items() if k in store.used}
        if self.path is None or (frozenset(html), frozenset(text)) == self._keys:
            return
        write_pickle(self.path, (CACHE_VERSION, self.FORMAT, html, text))


@dataclass(frozen=True, slots=True)
class BuildStamp:
    """What a finished build read and reported, so a rebuild of the same inputs into the same
    output can say "nothing to do" from hashes alone, without loading or planning."""

    inputs: str  # `inputs_key` of the build
    manifest: str  # hash of the manifest bytes it left in the output
    articles: int
    pages: int
    skipped: tuple[tuple[str, str], ...]
    problems: tuple[Problem, ...]  # everything but the config's own problems


Identity = tuple[int, int, int, int]  # a file's (inode, size, mtime_ns, ctime_ns)
RACY_NS = 3_000_000_000  # a file changed this recently is not remembered (coarse timestamps)


class InputKeys:
    """Each input file's `content_key` by its identity, kept between builds, so a file whose
    inode, size, modification and change times are those recorded is not read and hashed
    again (5,000 articles: ~0.07 s a build). The key is still its bytes' hash; the times only
    say when hashing them again can be spared, as git's index does: any write moves the change
    time, which no user can set back. A file changed less than RACY_NS before it was hashed is
    not remembered: a second change within its file system's timestamp granularity could leave
    every time as it was. `read=False` (`build --clean`) hashes every file again."""

    VERSION = 1

    def __init__(self, path: Path | None, read: bool = True) -> None:
        self.path = path
        self._old: dict[str, tuple[Identity, str]] = {}
        self._new: dict[str, tuple[Identity, str]] = {}
        if read and path is not None:
            try:
                with path.open("rb") as handle:
                    version, found = pickle.load(handle)
                if version == (self.VERSION, CACHE_VERSION) and isinstance(found, dict):
                    self._old = found
            except Exception:  # missing or damaged: every file is hashed
                pass

    def key(self, path: Path) -> str:
        """The file's content key, hashed again unless its identity is the recorded one."""
        name = os.fspath(path)
        found = os.stat(path)
        identity = (found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
        known = self._old.get(name)
        if known is not None and known[0] == identity:
            self._new[name] = known
            return known[1]
        key = content_key(path.read_bytes())
        if time.time_ns() - max(found.st_mtime_ns, found.st_ctime_ns) > RACY_NS:
            self._new[name] = (identity, key)
        return key

    def save(self) -> None:
        """Keep what this build read, when it differs from what was kept."""
        if self.path is not None and self._new != self._old:
            write_pickle(self.path, ((self.VERSION, CACHE_VERSION), self._new))


def inputs_key(parts: Iterable[str], files: Iterable[Path],
               keys: dict[Path, str] | None = None, known: InputKeys | None = None) -> str:
    """One hash over `parts` (config, versions) and the path and bytes of each file; each
    file's `content_key` goes into `keys` too, so loading need not read a cached file again.
    With `known`, a file not changed since it was last hashed is not read (`InputKeys`)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for path in files:
        digest.update(os.fsencode(path) + b"\0")
        try:
            key = content_key(path.read_bytes()) if known is None else known.key(path)
            digest.update(key.encode())
            if keys is not None:
                keys[path] = key
        except OSError as exc:
            digest.update(f"unreadable {exc.errno}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


def read_stamp(path: Path) -> BuildStamp | None:
    try:
        with path.open("rb") as handle:
            version, stamp = pickle.load(handle)
    except Exception:  # missing or damaged: the build simply runs
        return None
    return stamp if version == CACHE_VERSION and isinstance(stamp, BuildStamp) else None


def write_stamp(path: Path, stamp: BuildStamp | None) -> None:
    """Record a finished build; None removes the record (the next build then runs in full)."""
    if stamp is None:
        path.unlink(missing_ok=True)
        return
    write_pickle(path, (CACHE_VERSION, stamp))


def page_fingerprint(page: Page, template_hash: str) -> str:
    """Context + template closure + tool version: equal fingerprints mean equal bytes.

    A raw page's context is its bytes, hashed directly rather than through JSON, or for a lazy
    one the key of its inputs. An entry stands in by its content key (`Entry.key`), so a page
    showing a whole article does not serialise the article's body to be fingerprinted.
    """
    if page.template == RAW:
        key = page.context.get("key")
        data = b"key\0" + key.encode() if isinstance(key, str) else b"data\0" + page.data()
        digest = hashlib.blake2b(data, digest_size=20)
        digest.update(f"\0raw\0{template_hash}\0{CACHE_VERSION}".encode())
        return digest.hexdigest()
    context = {name: _keys_of(value) for name, value in page.context.items()}
    payload = json.dumps([context, template_hash, CACHE_VERSION], sort_keys=True,
                         default=_plain, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(payload.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _keys_of(value: object) -> object:
    """A tuple of KEYED records (a listing's summaries) as the list of their keys: the JSON
    `_plain` gives, made in one pass rather than by a call from the encoder per record."""
    if type(value) is not tuple or not value:
        return value
    kind = type(value[0])
    if not getattr(kind, "KEYED", False):
        return value
    keys = [getattr(item, "key", "") if type(item) is kind else "" for item in value]
    return keys if all(keys) else value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: object) -> object:
    """`model.to_json` with each dataclass's field names looked up once per class: records
    are most of what a context holds, and `dataclasses.fields` per object was a third of the
    time of fingerprinting every page."""
    kind = type(value)
    if kind is Entry:
        assert isinstance(value, Entry)
        return {"key": value.key, "previous": value.previous, "next": value.next}
    names = _FIELD_NAMES.get(kind)
    if getattr(kind, "KEYED", False):  # its `key` hashes its other fields: a page reads that
        key = getattr(value, "key", "")
        if key:
            return key
    if names is None:
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return to_json(value)
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    return {name: getattr(value, name) for name in names}


def changed_pages(fingerprints: Mapping[str, str], previous: Mapping[str, str]) -> set[str]:
    """Paths whose fingerprint is new or differs from the last build's manifest."""
    return {path for path, fp in fingerprints.items() if previous.get(path) != fp}
