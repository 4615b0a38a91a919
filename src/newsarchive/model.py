"""The records that pass between pipeline stages: frozen, slotted, complete.

Every stage takes and returns these (or tuples of them), never a mutable dict, so each stage can be
run and tested alone and its output hashed for incremental builds.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar, overload

Precision = Literal["day", "month", "year"]
Severity = Literal["warning", "error"]
T = TypeVar("T")
C = TypeVar("C", bound=type)


def pickled_as_call(cls: C) -> C:
    """Pickle a dataclass as a call of its class with its fields in order.

    A slotted dataclass pickles through a `__setstate__` that looks its fields up again for
    every object; records read back by the ten thousand (loaded articles from the load cache,
    citations and page metadata from the memo) unpickle ~3x faster as one `__init__` call."""
    fields = dataclasses.fields(cls)
    if not fields or not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be an __init__ argument")
    get = operator.attrgetter(*(f.name for f in fields))
    single = len(fields) == 1  # attrgetter of one name gives the value, not a tuple

    def reduce(self: object) -> tuple[type, tuple[object, ...]]:
        return cls, (get(self),) if single else get(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]  # pickle reads it per class
    return cls


@pickled_as_call
@dataclass(frozen=True, slots=True)
class FieldSource:
    """Where a field came from, so `inspect --explain` can say why."""

    line: int  # 1-based line in the input file (0 when not tied to a line, e.g. JSON-LD)
    rule: str  # the rule that fired, e.g. "byline.by-comma-outlet"


@pickled_as_call
@dataclass(frozen=True, slots=True)
class DateValue:
    """A publication date with its true precision; never taken from file times."""

    year: int
    month: int | None = None
    day: int | None = None

    def __repr__(self) -> str:  # the dataclass's text, without its recursion guard (3x the time)
        return f"DateValue(year={self.year!r}, month={self.month!r}, day={self.day!r})"

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def iso(self) -> str:
        """`YYYY-MM-DD`, `YYYY-MM` or `YYYY` by precision."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    @classmethod
    def parse_iso(cls, text: str) -> DateValue | None:
        """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a time part is ignored); None when invalid."""
        head = text.strip()[:10]
        parts = head.split("-")
        try:
            if len(parts) == 1 and len(parts[0]) == 4:
                return cls(int(parts[0]))
            if len(parts) == 2 and len(parts[0]) == 4:
                month = int(parts[1])
                return cls(int(parts[0]), month) if 1 <= month <= 12 else None
            if len(parts) == 3 and len(parts[0]) == 4:
                day = datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
                return cls(day.year, day.month, day.day)
        except ValueError:
            return None
        return None


@pickled_as_call
@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A non-blank input line kept out of the body, with the rule that removed it: nothing is lost."""

    line: int
    text: str
    rule: str  # e.g. "boilerplate.share", "related.read-prefix", "caption.photo-credit"


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Article:
    """One parsed input file. Loaders produce it complete; later stages never mutate it."""

    source_path: str  # path of the input file as given (POSIX form), for messages and inspect
    title: str
    body: Sequence[str]  # paragraphs (a tuple; a `bodies.StoredBody` once loaded into a build);
    # plain text for .txt/.html, Markdown blocks for .md
    body_format: Literal["text", "markdown"] = "text"
    dek: str | None = None
    authors: tuple[str, ...] = ()  # in byline order, as written
    outlet: str | None = None
    date: DateValue | None = None
    tags: tuple[str, ...] = ()
    related_links: tuple[str, ...] = ()  # lines taken out of the body because they link elsewhere
    removed: tuple[RemovedLine, ...] = ()  # other lines taken out of the body, each with its rule
    source_url: str | None = None
    slug_hint: str | None = None  # a `slug:` given in front matter
    warnings: tuple[str, ...] = ()
    sources: tuple[tuple[str, FieldSource], ...] = ()  # (field name, where it came from)
    content_hash: str = ""  # sha256 of the input bytes; keys caches and duplicate checks


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Problem:
    """A diagnostic about one input; `code` is stable for tests, `message` is for people."""

    path: Path
    message: str
    code: str  # e.g. "load.no-title", "config.unknown-key"
    line: int | None = None
    severity: Severity = "warning"


@dataclass(frozen=True, slots=True)
class Page:
    """One planned output file: everything it needs, nothing rendered yet."""

    path: str  # POSIX, relative to the output root; ends in .html/.xml/.json/...
    template: str  # Jinja template name, or RAW for a page whose bytes are made in Python
    context: Mapping[str, object] = field(default_factory=dict)  # RAW: see raw() and lazy()

    @classmethod
    def raw(cls, path: str, data: bytes) -> Page:
        """A page whose bytes are already made (JSON, CSV, search index files): no template."""
        return cls(path, RAW, {"data": data})

    @classmethod
    def lazy(cls, path: str, key: str, make: Callable[[], bytes]) -> Page:
        """A raw page whose bytes are made only if it must be written; `key` is a hash of
        everything `make` reads, so it stands in for the bytes in the page's fingerprint."""
        return cls(path, RAW, {"key": key, "make": make})

    @classmethod
    def stream(cls, path: str, key: str,
               chunks: Callable[[], Iterable[bytes]]) -> Page:
        """A lazy raw page too large to hold whole (the whole-archive data files): the writer
        stores its chunks as they are made."""
        return cls(path, RAW, {"key": key, "chunks": chunks})

    def chunks(self) -> Iterable[bytes]:
        """A raw page's bytes in pieces: a stream's chunks as made, else the whole bytes."""
        chunks = self.context.get("chunks")
        if callable(chunks):
            return chunks()  # type: ignore[no-any-return]
        return (self.data(),)

    def data(self) -> bytes:
        """A raw page's bytes (made now for a lazy page or a stream)."""
        data = self.context.get("data")
        if data is None:
            if "chunks" in self.context:
                return b"".join(self.chunks())
            make = self.context["make"]
            assert callable(make)
            data = make()
        assert isinstance(data, bytes)
        return data


RAW = ""  # the template name of pages that carry their own bytes


class Pages(Sequence[Page]):
    """A site's pages in order, those made per item (`each`) made again whenever asked for.

    Pages made from each article (its page, citation files and data file) are four in five of
    a site; held from planning to the end of the write, their contexts were the largest part
    of the build's memory (~11 KB an article). Made again from the records they cost a few
    microseconds, and a render worker makes only the pages it renders.
    """

    __slots__ = ("_ends", "_last", "_parts", "_paths")

    def __init__(self, pages: Iterable[Page] = ()) -> None:
        self._parts: list[tuple[Sequence[Any], Callable[[Any], Sequence[Page]] | None, int]] = []
        self._paths: list[Callable[[Any], Sequence[str]] | None] = []  # per part, see `each`
        self._ends: list[int] = []
        # the pages made last, by (part, item): walking by index makes each item's pages once
        self._last: tuple[int, int, Sequence[Page]] = (-1, -1, ())
        self.add(pages)

    def add(self, pages: Iterable[Page]) -> None:
        """Pages made already (or another `Pages`, whose parts are taken as they are)."""
        if isinstance(pages, Pages):
            for (items, make, per), paths in zip(pages._parts, pages._paths, strict=True):
                self._append(items, make, per, paths)
        else:
            self._append(tuple(pages), None, 1)

    def each(self, items: Sequence[T], make: Callable[[T], Sequence[Page]], per: int,
             paths: Callable[[T], Sequence[str]] | None = None) -> None:
        """`per` pages for each item, made by `make(item)` (always `per` of them, same order).
        `paths(item)`, when given, is their paths without making them (see `paths`)."""
        self._append(items, make, per, paths)

    def _append(self, items: Sequence[Any], make: Callable[[Any], Sequence[Page]] | None,
                per: int, paths: Callable[[Any], Sequence[str]] | None = None) -> None:
        if items:
            self._parts.append((items, make, per))
            self._paths.append(paths)
            self._ends.append((self._ends[-1] if self._ends else 0) + len(items) * per)

    def paths(self) -> Iterator[str]:
        """Every page's path in order; per-item pages are made only where no `paths` was given
        (the sitemap needs the paths of the article pages, not their contexts)."""
        for (items, make, _), paths in zip(self._parts, self._paths, strict=True):
            if make is None:
                yield from (page.path for page in items)
            elif paths is not None:
                for item in items:
                    yield from paths(item)
            else:
                for item in items:
                    yield from (page.path for page in make(item))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, index: int) -> Page: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Page, ...]: ...

    def __getitem__(self, index: int | slice) -> Page | tuple[Page, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += len(self)
        part = bisect.bisect_right(self._ends, index)
        if not 0 <= index < len(self):
            raise IndexError(index)
        items, make, per = self._parts[part]
        offset = index - (self._ends[part - 1] if part else 0)
        if make is None:
            page: Page = items[offset]
            return page
        item = offset // per
        if self._last[:2] != (part, item):
            self._last = (part, item, make(items[item]))
        return self._last[2][offset % per]

    def __iter__(self) -> Iterator[Page]:
        for items, make, _ in self._parts:
            if make is None:
                yield from items
            else:
                for item in items:
                    yield from make(item)


def to_json(value: object) -> object:
    """`json.dumps(default=...)` for records: dataclasses, paths, mappings and tuples as plain JSON.

    Page contexts are hashed through this for incremental builds, so it must be deterministic.
    """
    import dataclasses as _dc

    from .spill import Kept

    if isinstance(value, Kept):  # what a template sees
        return value.value()
    if _dc.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in _dc.fields(value)}
    if isinstance(value, (Path, PurePosixPath)):
        return value.as_posix()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, bytes):  # raw page bytes: their hash stands for them
        return "blake2b:" + hashlib.blake2b(value, digest_size=20).hexdigest()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")
