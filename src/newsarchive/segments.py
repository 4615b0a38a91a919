"""Whole-archive files (one line per article) remade from the previous build's copy.

`data/articles.jsonl` and `data/articles.csv` hold one line per article: ~65 MB each at 5,000
articles. Keeping every line in a memo between builds costs that much memory and disk in every
build; making every line again costs a parse per article. Instead the previous file is the
store: an index (article key -> offset, length, CRC-32 of the line) is saved beside the memo
when the file is made, and the next build copies each unchanged article's line from the live
file and makes only the lines of articles whose key is new. The file is streamed, so no build
holds it whole.

The index need not match the live file: each line taken from it is checked against its
length and CRC-32, and a line that does not match is made again. So a build killed after
saving the index, or an output file edited by hand, costs speed, never a wrong byte.
"""

from __future__ import annotations

import os
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .buckets import write_pickle

INDEX_VERSION = 2  # 2: a folder of indexes by file size
KEPT = 4  # indexes kept: the files of the last few builds
Located = tuple[int, int, int]  # (offset, length, CRC-32) of one line in the file
_Pending = tuple[str, Callable[[], bytes], Located]  # a line to take from the live file
RUN = 8 << 20  # the most bytes read from the live file at once


class Segments:
    """One whole-archive file: its live copy (`live`) and where its line index is kept
    (`index`; None keeps none, as in `check`). `stamp` names what makes the lines (the tool
    version, the columns): an index with another stamp is not used. With `read=False`
    (`build --clean`) the previous file and index are not read, but a new index is saved."""

    def __init__(self, live: Path, index: Path | None, read: bool = True,
                 stamp: str = "") -> None:
        self.live, self.index, self.read, self.stamp = live, index, read, stamp

    def join(self, header: bytes, lines: Iterable[tuple[str, Callable[[], bytes]]]
             ) -> Iterator[bytes]:
        """`header`, then each (key, make) line: from the live file when it holds the line
        for that key, else `make()`. The index of the new file is saved at the end.

        Lines that follow each other in the live file are read in one piece (up to RUN
        bytes) and each is checked by its CRC-32: one read and one write per piece, not per
        article."""
        old = self._read_index()
        made: dict[str, Located] = {}
        handle = _open(self.live) if old else None
        run: list[_Pending] = []  # lines next to each other in the live file
        offset = len(header)

        def flush() -> Iterator[bytes]:
            nonlocal offset
            assert handle is not None
            for piece, taken in _pieces(handle, run):
                if piece is None:  # the live file no longer holds this line: make it
                    key, make, _ = taken[0]
                    piece = make()
                    made[key] = (offset, len(piece), zlib.crc32(piece))
                else:
                    at = offset
                    for key, _, (_, length, crc) in taken:
                        made[key] = (at, length, crc)
                        at += length
                offset += len(piece)
                yield piece
            run.clear()

        try:
            yield header
            for key, make in lines:
                where = old.get(key) if handle is not None else None
                if run and (where is None or where[0] != run[-1][2][0] + run[-1][2][1]
                            or where[0] + where[1] - run[0][2][0] > RUN):
                    yield from flush()
                if where is not None:
                    run.append((key, make, where))
                    continue
                line = make()
                made[key] = (offset, len(line), zlib.crc32(line))
                offset += len(line)
                yield line
            if run:
                yield from flush()
        finally:
            if handle is not None:
                os.close(handle)
        if self.index is not None:
            self._save(offset, made)

    # The index is a folder of indexes named by the size of the file each was made for, the
    # KEPT most recently used: undoing an edit takes the older file unchanged from the kept
    # previous site (nothing is streamed, no index saved), and an index of another file than
    # the live one would remake every line after the first that moved. A size shared by two
    # files costs only the lines whose CRC fails.

    def _save(self, size: int, made: dict[str, Located]) -> None:
        assert self.index is not None
        if self.index.is_file():  # an index of INDEX_VERSION 1 was one file
            self.index.unlink()
        write_pickle(self.index / f"{size}.pickle", (INDEX_VERSION, self.stamp, made))
        kept = sorted(self.index.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEPT]:
            old.unlink(missing_ok=True)

    def _read_index(self) -> dict[str, Located]:
        if not self.read or self.index is None:
            return {}
        try:
            entry = self.index / f"{os.stat(self.live).st_size}.pickle"
            with entry.open("rb") as handle:
                version, stamp, found = pickle.load(handle)
            os.utime(entry)  # used: kept longer
        except Exception:  # missing or damaged: every line is made again
            return {}
        usable = version == INDEX_VERSION and stamp == self.stamp and isinstance(found, dict)
        return found if usable else {}


def _open(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except OSError:
        return None


def _pieces(handle: int, run: list[_Pending]
            ) -> Iterator[tuple[bytes | None, list[_Pending]]]:
    """A run of lines that lie next to each other in the live file, read in one piece and
    each checked by its CRC-32: (bytes, the lines they hold) for each stretch of good lines,
    (None, [line]) for each line the file no longer holds exactly."""
    start = run[0][2][0]
    size = run[-1][2][0] + run[-1][2][1] - start
    try:
        data = os.pread(handle, size, start)
    except OSError:
        data = b""
    view = memoryview(data)
    good = [len(line := view[o - start:o - start + n]) == n and zlib.crc32(line) == crc
            for _, _, (o, n, crc) in run]
    if all(good):
        yield data, run
        return
    stretch: list[_Pending] = []
    for pending, ok in zip(run, good, strict=True):
        if ok:
            stretch.append(pending)
            continue
        if stretch:
            yield _slice(view, start, stretch), stretch
            stretch = []
        yield None, [pending]
    if stretch:
        yield _slice(view, start, stretch), stretch


def _slice(view: memoryview, start: int, stretch: list[_Pending]) -> bytes:
    first, last = stretch[0][2], stretch[-1][2]
    return bytes(view[first[0] - start:last[0] + last[1] - start])
