"""Per-article products made once per content, and kept between builds.

Citation strings, machine-readable tags, related lists and distinctive words are pure
functions of one entry's content (`Entry.key`) and a few config values, all made while
planning. A one-article edit should make them for that article only, so
`Derived.get(kind, key, make)` returns what this or an earlier build made for the same key, and
calls `make` only for keys it has never seen. What a build asked for is what gets saved, so the
memo never grows beyond one archive's worth. Products too large for a memo (the whole-archive
data files' lines) keep an index here (`file`) and their bytes in the output (`segments.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import __version__
from .buckets import bucket_of, read_buckets, save_buckets
from .spill import Kept, KeptFile, MemoryBudget

T = TypeVar("T")
VERSION = f"{__version__}/derived/3"


class Derived:
    """A memo of pure per-article functions: (kind, key) -> value, saved in buckets.

    Keys begin with a content hash (`Entry.key`); the memo is kept in the folder `path` in
    buckets (`buckets.py`): an edit changes the keys of one article, so a build rewrites the
    few buckets whose keys changed, not the whole memo.
    """

    def __init__(self, path: Path | None = None, read: bool = True,
                 budget: MemoryBudget | None = None) -> None:
        """`read=False` (`build --clean`) starts empty but still saves what this build made;
        kept values stay in memory while `budget` lasts (`spill.BlobFile`)."""
        self.path = path
        self.read = read
        self._old: dict[tuple[str, str], object] = {}
        self._new: dict[tuple[str, str], object] = {}
        self.made = 0  # values computed in this build (the rest came from the saved memo)
        self._dirty: set[str] = set()  # buckets to write: a value made, or a file unreadable
        self._file = KeptFile(None if path is None else path.parent, budget)
        if read and path is not None:  # kept values go to the file as each bucket is read
            self._old, self._dirty = read_buckets(path, VERSION, each=self._adopt)

    def _adopt(self, value: object) -> object:
        return self._file.adopt(value) if isinstance(value, Kept) else value

    def get(self, kind: str, key: str, make: Callable[[], T]) -> T:
        """The value for (kind, key); `key` must capture everything `make` reads."""
        slot = (kind, key)
        if slot in self._new:
            found = self._new[slot]
            return found.value() if isinstance(found, Kept) else found  # type: ignore[return-value]
        if slot in self._old:
            value = self._old[slot]
            if isinstance(value, Kept):
                self._new[slot] = value
                return value.value()  # type: ignore[no-any-return]
        else:
            value = make()
            self.made += 1
            self._dirty.add(bucket_of(key))
        self._new[slot] = value
        return value  # type: ignore[return-value]

    def kept(self, kind: str, key: str, make: Callable[[], T]) -> Kept[T]:
        """`get`, for a value held until pages render: it is kept in a file, and the memo and
        the caller hold a handle (`spill.Kept`, its `key` the memo's key)."""
        slot = (kind, key)
        found = self._new.get(slot, self._old.get(slot))
        if isinstance(found, Kept):  # kept by this build, or read from the saved memo
            self._new[slot] = found
            return found
        handle = self._file.keep(key, self.get(kind, key, make))
        self._new[slot] = handle  # saved with its blob (`Kept.__reduce__`)
        return handle

    def forget(self) -> None:
        """Let go of every value held (after `save`; values in use elsewhere stay alive)."""
        self._old, self._new, self._dirty = {}, {}, set()

    def file(self, name: str) -> Path | None:
        """Where a product kept outside the buckets is saved (see `segments.py`)."""
        return None if self.path is None else self.path / name

    def save(self) -> None:
        """Keep only what this build used: the buckets where a value was made or a key
        dropped are rewritten (`buckets.save_buckets`)."""
        if self.path is not None:
            save_buckets(self.path, VERSION, self._old, self._new, self._dirty)
            self.path.with_suffix(".pickle").unlink(missing_ok=True)  # versions < 2: one file
