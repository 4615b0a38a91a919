"""Per-article products made once per content, and kept between builds.

Citation strings, export rows and the bytes of `article.json` and the cite files are pure
functions of one entry's content (`Entry.key`) and a few config values. A one-article edit
should make them for that article only, so `Derived.get(kind, key, make)` returns what this or
an earlier build made for the same key, and calls `make` only for keys it has never seen.
What a build asked for is what gets saved, so the file never grows beyond one archive's worth.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")
VERSION = f"{__version__}/derived/1"


class Derived:
    """A memo of pure per-article functions: (kind, key) -> value, saved as one pickle."""

    def __init__(self, path: Path | None = None, read: bool = True) -> None:
        """`read=False` (`build --clean`) starts empty but still saves what this build made."""
        self.path = path
        self._old: dict[tuple[str, str], object] = {}
        self._new: dict[tuple[str, str], object] = {}
        self.made = 0  # values computed in this build (the rest came from the saved memo)
        self._fresh: list[tuple[tuple[str, str], object]] = []  # made since the last drain()
        if read and path is not None and path.exists():
            try:
                with path.open("rb") as handle:
                    version, values = pickle.load(handle)
                if version == VERSION and isinstance(values, dict):
                    self._old = values
            except Exception:  # a damaged memo only makes a slower build
                self._old = {}

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

    def save(self) -> None:
        """Keep only what this build used; skip the write when nothing new was made."""
        if self.path is None or (self.made == 0 and self._new.keys() == self._old.keys()):
            return
        write_pickle(self.path, (VERSION, self._new))


def write_pickle(path: Path, value: object) -> None:
    """Write beside the final name, then rename: a killed build never leaves half a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with tmp.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
