"""A memo whose values live in an unlinked temporary file, not in memory.

Some products are made once and wanted again much later in the same process: an article's
Atom entry is in every feed the article is in (at 5,000 articles, 16,000 feed items of 5,000
entries, ~130 MB), and no order of the feeds keeps the repeats close. Kept in memory they grew
each render worker by that much; kept here a repeat costs a read from the page cache. The file
lives in the cache folder (a tmpfs /tmp would hold it in memory again) and has no name, so a
killed build leaves nothing behind. Each process (a forked worker too) starts its own file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import IO


def nameless_file(folder: Path | None) -> IO[bytes] | None:
    """A file with no name in `folder` (made if need be), or None when none can be made. It is
    open as long as its holder lives: closed, and gone, when the holder is collected."""
    try:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryFile(dir=folder)
    except OSError:
        return None


class SpillMemo:
    """Text by key, kept in the file: `get(key, make)` calls `make()` once per key and
    process; `find` and `put` are its two halves."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._pid = -1
        self._file: IO[bytes] | None = None
        self._at: dict[Hashable, tuple[int, int]] = {}  # key -> (offset, length)
        self._memory: dict[Hashable, str] = {}  # when no file can be made
        self._end = 0

    def get(self, key: Hashable, make: Callable[[], str]) -> str:
        found = self.find(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def find(self, key: Hashable) -> str | None:
        if self._pid != os.getpid():  # a fork: the parent's file and offsets are not ours
            self._start()
        if self._file is None:
            return self._memory.get(key)
        at = self._at.get(key)
        if at is None:
            return None
        offset, length = at
        return os.pread(self._file.fileno(), length, offset).decode("utf-8", "surrogatepass")

    def put(self, key: Hashable, value: str) -> None:
        if self._pid != os.getpid():
            self._start()
        if self._file is None:
            self._memory[key] = value
            return
        data = value.encode("utf-8", "surrogatepass")
        os.pwrite(self._file.fileno(), data, self._end)
        self._at[key] = (self._end, len(data))
        self._end += len(data)

    def _start(self) -> None:
        self._pid, self._at, self._memory, self._end = os.getpid(), {}, {}, 0
        # the parent's file is left to the parent; no file (an unwritable folder): in memory
        self._file = nameless_file(self.folder)
