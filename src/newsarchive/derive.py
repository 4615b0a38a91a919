"""Per-article products made once per content, and kept between builds.

Citation strings, export rows and the bytes of `article.json` and the cite files are pure
functions of one entry's content (`Entry.key`) and a few config values. A one-article edit
should make them for that article only, so `Derived.get(kind, key, make)` returns what this or
an earlier build made for the same key, and calls `make` only for keys it has never seen.
What a build asked for is what gets saved, so the memo never grows beyond one archive's worth.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")
VERSION = f"{__version__}/derived/2"


class Derived:
    """A memo of pure per-article functions: (kind, key) -> value, saved in buckets.

    Keys begin with a content hash (`Entry.key`), and a value is kept in the bucket named by the
    key's first two characters, one pickle each in the folder `path`: an edit changes the keys
    of one article, so a build rewrites the few buckets whose keys changed, not the whole memo
    (which holds every article's export lines: ~130 MB at 5,000 articles).
    """

    def __init__(self, path: Path | None = None, read: bool = True) -> None:
        """`read=False` (`build --clean`) starts empty but still saves what this build made."""
        self.path = path
        self._old: dict[tuple[str, str], object] = {}
        self._new: dict[tuple[str, str], object] = {}
        self.made = 0  # values computed in this build (the rest came from the saved memo)
        self._fresh: list[tuple[tuple[str, str], object]] = []  # made since the last drain()
        self._dirty: set[str] = set()  # buckets to write: a value made, or a file unreadable
        if read and path is not None and path.is_dir():
            for bucket in sorted(path.glob("*.pickle")):
                values = _read_bucket(bucket)
                self._old.update(values)
                if not values:
                    self._dirty.add(bucket.stem)

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
            self._dirty.add(_bucket_name(key))
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
                self._dirty.add(_bucket_name(slot[1]))

    def save(self) -> None:
        """Keep only what this build used: rewrite the buckets where a value was made or a
        key dropped, remove the ones left empty. A bucket is whole or old, never half written,
        and values are pure functions of their keys, so any mix of old and new buckets is right.
        """
        if self.path is None:
            return
        dirty = self._dirty | {_bucket_name(key) for _, key in self._old.keys() - self._new.keys()}
        if not dirty:
            return
        values: dict[str, dict[tuple[str, str], object]] = {name: {} for name in dirty}
        for slot, value in self._new.items():
            bucket = values.get(_bucket_name(slot[1]))
            if bucket is not None:
                bucket[slot] = value
        for name, bucket in values.items():
            if bucket:
                write_pickle(self.path / f"{name}.pickle", (VERSION, bucket))
            else:
                (self.path / f"{name}.pickle").unlink(missing_ok=True)
        self.path.with_suffix(".pickle").unlink(missing_ok=True)  # the one file of versions < 2


def _bucket_name(key: str) -> str:
    """The bucket of a key: its first two characters, as a safe file name."""
    return key[:2].encode("utf-8", "surrogatepass").hex()


def _read_bucket(path: Path) -> dict[tuple[str, str], object]:
    """One bucket's values; nothing if it is damaged or from another version (a slower build,
    never a wrong one: its values are made again)."""
    try:
        with path.open("rb") as handle:
            version, values = pickle.load(handle)
    except Exception:
        return {}
    if version != VERSION or not isinstance(values, dict) or \
            any(_bucket_name(key) != path.stem for _, key in values):
        return {}
    return values




def write_pickle(path: Path, value: object) -> None:
    """Write beside the final name, then rename: a killed build never leaves half a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with tmp.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
