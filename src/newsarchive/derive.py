"""Per-article products made once per content, and kept between builds.

Citation strings, export rows and the bytes of `article.json` and the cite files are pure
functions of one entry's content (`Entry.key`) and a few config values. A one-article edit
should make them for that article only, so `Derived.get(kind, key, make)` returns what this or
an earlier build made for the same key, and calls `make` only for keys it has never seen.
What a build asked for is what gets saved, so the memo never grows beyond one archive's worth.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import __version__
from .buckets import bucket_of, read_buckets, save_buckets

T = TypeVar("T")
VERSION = f"{__version__}/derived/2"


class Derived:
    """A memo of pure per-article functions: (kind, key) -> value, saved in buckets.

    Keys begin with a content hash (`Entry.key`); the memo is kept in the folder `path` in
    buckets (`buckets.py`): an edit changes the keys of one article, so a build rewrites the
    few buckets whose keys changed, not the whole memo (every article's export lines: ~130 MB
    at 5,000 articles).
    """

    def __init__(self, path: Path | None = None, read: bool = True) -> None:
        """`read=False` (`build --clean`) starts empty but still saves what this build made."""
        self.path = path
        self._old: dict[tuple[str, str], object] = {}
        self._new: dict[tuple[str, str], object] = {}
        self.made = 0  # values computed in this build (the rest came from the saved memo)
        self._fresh: list[tuple[tuple[str, str], object]] = []  # made since the last drain()
        self._dirty: set[str] = set()  # buckets to write: a value made, or a file unreadable
        if read and path is not None:
            self._old, self._dirty = read_buckets(path, VERSION)

    def get(self, kind: str, key: str, make: Callable[[], T]) -> T:
        """The value for (kind, key); `key` must capture everything `make` reads."""
        slot = (kind, key)
        if slot in self._new:
            return self._new[slot]  # type: ignore[return-value]
        if slot in self._old:
            value = self._old[slot]
        else:
            value = make()
            self.made += 1
            self._fresh.append((slot, value))
            self._dirty.add(bucket_of(key))
        self._new[slot] = value
        return value  # type: ignore[return-value]

    def drain(self) -> list[tuple[tuple[str, str], object]]:
        """What this process made since the last call: a render worker sends it back, so the
        memo the build saves holds what the workers made too."""
        fresh, self._fresh = self._fresh, []
        return fresh

    def absorb(self, made: list[tuple[tuple[str, str], object]]) -> None:
        """Take in what a worker's `drain` returned."""
        for slot, value in made:
            if slot not in self._new:
                self._new[slot] = value
                self.made += 1
                self._dirty.add(bucket_of(slot[1]))

    def save(self) -> None:
        """Keep only what this build used: the buckets where a value was made or a key
        dropped are rewritten (`buckets.save_buckets`)."""
        if self.path is not None:
            save_buckets(self.path, VERSION, self._old, self._new, self._dirty)
            self.path.with_suffix(".pickle").unlink(missing_ok=True)  # versions < 2: one file
