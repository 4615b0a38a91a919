"""Memo files: values keyed by (kind, content hash), kept in 256 pickles by the hash's first
two hex digits, so a build that changes a few keys rewrites a few small files.

The load cache (parsed records) and the derived memo (per-article products) both live this
way: an edit changes one article's keys, so a build writes the buckets of its old and new keys,
not ~30 MB and ~10 MB of pickles at 5,000 articles. Each bucket is written beside its final
name and renamed, so it is whole or old; values are pure functions of their keys, so any mix of
old and new buckets is right, and a damaged bucket only costs making its values again.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Slot = tuple[str, str]  # (path or kind, key starting with a content hash)
_HEX2 = re.compile(r"[0-9a-f]{2}")


def bucket_of(key: str) -> str:
    """A key's bucket: the first two hex digits of its content hash ("other" for keys that do
    not start with one, so a file name is always safe)."""
    name = key[:2]
    return name if _HEX2.fullmatch(name) else "other"


def read_buckets(folder: Path, version: str, each: Callable[[Any], Any] | None = None
                 ) -> tuple[dict[Slot, Any], set[str]]:
    """Every value this version wrote in `folder`, and the names of buckets that could not be
    read (damaged, or another version's): the next save rewrites or removes those. `each`
    turns every value into what is kept, a bucket at a time (the load cache stores bodies
    away: one bucket's bodies in memory at once, not every one's)."""
    found: dict[Slot, Any] = {}
    unreadable: set[str] = set()
    with collector_paused():
        for path in sorted(folder.glob("*.pickle")):
            try:
                with path.open("rb") as handle:
                    written, values = pickle.load(handle)
            except Exception:
                unreadable.add(path.stem)
                continue
            name = path.stem
            if written == version and isinstance(values, dict) and all(
                    bucket_of(slot[1]) == name for slot in values):
                found.update(values if each is None else
                             {slot: each(value) for slot, value in values.items()})
            else:
                unreadable.add(path.stem)
    return found, unreadable


def save_buckets(folder: Path, version: str, old: Mapping[Slot, object],
                 new: Mapping[Slot, object], dirty: set[str]) -> None:
    """Write `new` into the buckets named in `dirty` (where a value was made) and the ones a key
    left since `old`; a bucket left empty is removed."""
    dirty = dirty | {bucket_of(key) for _, key in old.keys() - new.keys()}
    if not dirty:
        return
    values: dict[str, dict[Slot, object]] = {name: {} for name in dirty}
    for slot, value in new.items():
        bucket = values.get(bucket_of(slot[1]))
        if bucket is not None:
            bucket[slot] = value
    for name, bucket in values.items():
        if bucket:
            write_pickle(folder / f"{name}.pickle", (version, bucket))
        else:
            (folder / f"{name}.pickle").unlink(missing_ok=True)


class _RecordPickler(pickle.Pickler):
    """Pickles every frozen dataclass (records: articles, citations, summaries...) as (class,
    field values): about half the bytes and load time of the default, which restores each
    field through `__setstate__`."""

    def reducer_override(self, obj: Any) -> Any:
        names = _record_fields(type(obj))
        if names is None:
            return NotImplemented
        return type(obj), tuple([getattr(obj, name) for name in names])


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _record_fields(kind: type) -> tuple[str, ...] | None:
    """The fields to pass to `kind(...)` when it is a frozen dataclass that takes them all."""
    if kind not in _FIELDS:
        params = getattr(kind, "__dataclass_params__", None)
        fields = dataclasses.fields(kind) if params is not None and params.frozen else ()
        _FIELDS[kind] = tuple(f.name for f in fields) if fields and all(
            f.init for f in fields) else None
    return _FIELDS[kind]


def write_pickle(path: Path, value: object) -> None:
    """Write beside the final name, then rename: a killed build never leaves half a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with tmp.open("wb") as handle:
        _RecordPickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    os.replace(tmp, path)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection while a stage builds a large acyclic structure (a cache's records,
    the archive, the planned pages): collections triggered by its allocations walk the whole
    growing heap and find nothing to free (~40% of loading a cache, ~60% of planning)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count():  # in a `heap_frozen` block: long-lived, never walked
            gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Everything alive now, and what a `collector_paused` stage inside makes, is left out of
    cycle collections until the block ends (`gc.freeze`). A build's records, archive and
    planned site are long-lived and acyclic (refcounts still free them): collections of the
    older generations walked all of them (~0.15 s of a one-article edit at 5,000 articles),
    and a forked worker that walked them would also copy the memory it shares with the
    build. Blocks nest: the outermost one ends the freeze."""
    outermost = not gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()
