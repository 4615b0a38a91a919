"""Values that live in an unlinked temporary file beyond a small memory budget: a memo of
text (`SpillMemo`) and single values behind handles (`KeptFile`, `Kept`), both over a
`BlobFile` (as are the bodies of `bodies.py`).

Some products are made once and wanted again much later in the same process: an article's
Atom entry is in every feed the article is in (at 5,000 articles, 16,000 feed items of 5,000
entries, ~130 MB), and no order of the feeds keeps the repeats close. Kept in memory they grew
each render worker by that much; kept here a repeat costs a read from the page cache. The file
lives in the cache folder (a tmpfs /tmp would hold it in memory again) and has no name, so a
killed build leaves nothing behind. Each process (a forked worker too) starts its own file.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar, Generic, TypeVar

T = TypeVar("T")


def nameless_file(folder: Path | None) -> IO[bytes] | None:
    """A file with no name in `folder` (made if need be), or None when none can be made. It is
    open as long as its holder lives: closed, and gone, when the holder is collected."""
    try:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryFile(dir=folder)
    except OSError:
        return None


MEMORY_BUDGET = 32 << 20  # bytes a build's blob files keep in memory before using files


@dataclass(slots=True)
class MemoryBudget:
    """Bytes the blob files given it may hold in memory, together (one build's: its bodies and
    its kept values; a fork takes none)."""

    limit: int
    held: int = 0

    def take(self, size: int) -> bool:
        if self.held + size > self.limit:
            return False
        self.held += size
        return True


class BlobFile:
    """Bytes appended by the process that made it and read back by it and by processes
    forked from it (a fork never appends: its offsets would clash with its parent's).

    With a `budget`, the first bytes stay in memory while it lasts (a fork reads them from the
    pages it inherits): one write to a file costs ~7 us, and a one-article edit at 5,000
    articles keeps 15,000 values (~40 MB). Beyond it they go to a nameless file in `folder`,
    so memory stops growing with the archive. When that file cannot be made (no usable
    folder), or in a fork, `append` gives None and the caller keeps the bytes itself. A caller
    that holds its bytes already asks `hold` first: within the budget they stay where they
    are, not copied here (a record read from a cache keeps its body)."""

    def __init__(self, folder: Path | None, budget: MemoryBudget | None = None) -> None:
        self._folder = folder
        self._budget = MemoryBudget(0) if budget is None else budget
        self._memory = bytearray()  # the first bytes; the file holds the rest
        self._file: IO[bytes] | None = None  # made at the first append beyond the budget
        self._spilled = False  # appends go to the file from then on
        self._end = 0
        self._pid = os.getpid()
        self._charged = 0  # bytes callers hold (`hold`), charged to the budget too

    def __del__(self, getpid: Callable[[], int] = os.getpid) -> None:
        if getpid() == self._pid:  # the budget is given back (a fork never took from it)
            self._budget.held -= len(self._memory) + self._charged

    def hold(self, size: int) -> bool:
        """Whether the caller may keep `size` bytes it holds in memory, within the budget."""
        if os.getpid() != self._pid or self._spilled or not self._budget.take(size):
            return False
        self._charged += size
        return True

    @property
    def writable(self) -> bool:
        return os.getpid() == self._pid and (not self._spilled or self._file is not None)

    def append(self, data: bytes) -> int | None:
        """Where `data` now starts, or None when it cannot be kept here."""
        if os.getpid() != self._pid:
            return None
        offset = self._end
        if not self._spilled and self._budget.take(len(data)):
            self._memory += data
        else:
            if not self._spilled:
                self._spilled, self._file = True, nameless_file(self._folder)
            if self._file is None:
                return None
            os.pwrite(self._file.fileno(), data, offset - len(self._memory))
        self._end = offset + len(data)
        return offset

    def read(self, offset: int, length: int) -> bytes:
        held = len(self._memory)
        if offset + length <= held:  # a value is wholly in memory or wholly in the file
            return bytes(self._memory[offset:offset + length])
        assert self._file is not None  # only what was appended is read
        return os.pread(self._file.fileno(), length, offset - held)


class SpillMemo:
    """Text by key, kept in the file: `get(key, make)` calls `make()` once per key and
    process; `find` and `put` are its two halves. A `shared` memo is also read by the
    processes forked from its maker (what a fork puts stays in the fork's memory)."""

    def __init__(self, folder: Path | None = None, shared: bool = False) -> None:
        self.folder = folder
        self.shared = shared
        self._pid = -1
        self._blobs: BlobFile | None = None
        self._at: dict[Hashable, tuple[int, int]] = {}  # key -> (offset, length)
        self._memory: dict[Hashable, str] = {}  # when no file can be made

    def get(self, key: Hashable, make: Callable[[], str]) -> str:
        found = self.find(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def find(self, key: Hashable) -> str | None:
        blobs = self._own()
        at = self._at.get(key)
        if at is None:
            return self._memory.get(key)
        return blobs.read(*at).decode("utf-8", "surrogatepass")

    def put(self, key: Hashable, value: str) -> None:
        data = value.encode("utf-8", "surrogatepass")
        offset = self._own().append(data)
        if offset is None:  # no file (an unwritable folder): in memory
            self._memory[key] = value
        else:
            self._at[key] = (offset, len(data))

    def _own(self) -> BlobFile:
        """This process's file: a fork starts its own (the parent's is left to the parent),
        unless the memo is shared: then a fork reads its parent's."""
        if self._blobs is None or (self._pid != os.getpid() and not self.shared):
            self._pid, self._at, self._memory = os.getpid(), {}, {}
            self._blobs = BlobFile(self.folder)
        return self._blobs


class KeptFile:
    """Values pickled into a nameless file in `folder`, each held by a small `Kept` handle.

    For per-article products made while planning and read only when a page is rendered (the
    styled citations, the tags for machines): held in memory they were ~2.5 KB an article in
    the build's process and in every process forked from it. Without a file (no usable
    folder, or in a forked process, whose offsets would clash with its parent's), a handle
    holds its pickled value itself.
    """

    def __init__(self, folder: Path | None, budget: MemoryBudget | None = None) -> None:
        self._blobs = None if folder is None else BlobFile(folder, budget)  # no folder: memory

    def keep(self, key: str, value: T) -> Kept[T]:
        return self.adopt(Kept(key, None, 0, 0, pickle.dumps(
            value, protocol=pickle.HIGHEST_PROTOCOL)))

    def adopt(self, kept: Kept[T]) -> Kept[T]:
        """A handle whose value is in this file (`kept` itself when that cannot be, or while
        its blob fits the memory budget): a memo read from disk moves its kept values here as
        they are read, still pickled."""
        if self._blobs is None or kept._file is not None:
            return kept
        blob = kept.blob()
        if self._blobs.hold(len(blob)):
            return kept
        offset = self._blobs.append(blob)
        return kept if offset is None else Kept(kept.key, self, offset, len(blob))

    def read(self, offset: int, length: int) -> bytes:
        assert self._blobs is not None
        return self._blobs.read(offset, length)


class Kept(Generic[T]):
    """A pickled value in a `KeptFile` (or in memory), read by `value()`. A page's fingerprint
    reads only `key` (it names everything the value was made from: KEYED); rendering reads the
    value (`resolved`). Pickled, a handle takes its blob along (a memo saves it as it is);
    compared, it is its value."""

    KEYED: ClassVar[bool] = True
    __slots__ = ("_blob", "_file", "_length", "_offset", "key")

    def __init__(self, key: str, file: KeptFile | None, offset: int, length: int,
                 blob: bytes = b"") -> None:
        self.key, self._file, self._offset, self._length = key, file, offset, length
        self._blob = blob  # when there is no file

    def blob(self) -> bytes:
        return self._blob if self._file is None else self._file.read(self._offset, self._length)

    def value(self) -> T:
        value: T = pickle.loads(self.blob())
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return Kept, (self.key, None, 0, 0, self.blob())

    def __eq__(self, other: object) -> bool:  # equal to its value
        return self.value() == (other.value() if isinstance(other, Kept) else other)

    def __hash__(self) -> int:
        return hash(self.value())

    def __repr__(self) -> str:
        return f"Kept({self.key!r})"


def resolved(context: Mapping[str, object]) -> Mapping[str, object]:
    """A page's context with each `Kept` value read: what its template sees."""
    if not any(isinstance(value, Kept) for value in context.values()):
        return context
    return {name: value.value() if isinstance(value, Kept) else value
            for name, value in context.items()}
