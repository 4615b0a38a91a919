"""Article bodies kept in a file while a build runs, not in memory.

Bodies are ~80 % of what the records of an archive weigh (9 KB of 11.5 KB an article in the
benchmark's corpus: ~190 MB at 20,000 articles, ~1 GB at 100,000), and every process of a
build is a fork of the one that loaded them. A `BodyFile` is a nameless file in the cache
folder (a killed build leaves nothing; a tmpfs /tmp would hold it in memory again) to which
the loader's bodies are appended as they are loaded or read from the load cache; a record then
holds a `StoredBody`: where its paragraphs are, how many, and the two facts planning needs
from every body (its digest and its word count), so collecting the archive reads no body.
The load cache keeps each body as a `PackedBody` (its paragraphs pickled into one blob, and
its facts), so reading the cache and storing its bodies is one bytes object per article.
A page, a data file or a search shard reads a body when it is made, from the page cache.
Forked processes read the file they inherited; only the build's own process appends.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator, Sequence
from typing import Any, overload

from .spill import BlobFile


def body_facts(body: Sequence[str]) -> tuple[bytes, int]:
    """(digest, spaces) of a body: a hash as exact as its repr (paragraph lengths, then the
    text), and the spaces of its paragraphs joined by spaces (a word count, roughly). Stored
    with a `StoredBody`, made here for a body in memory."""
    facts: tuple[bytes, int] | None = getattr(body, "facts", None)
    if facts is not None:
        return facts
    digest = hashlib.blake2b(repr([len(p) for p in body]).encode(), digest_size=16)
    text = "".join(body)
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest(), text.count(" ") + max(0, len(body) - 1)


class BodyFile(BlobFile):
    """One build's bodies, appended to a nameless file in `folder`. Without a usable folder,
    `keep` keeps bodies in memory, as records always did."""

    def keep(self, body: Sequence[str]) -> Sequence[str]:
        """The body as a `StoredBody` in this file (itself when already stored or when there
        is no file)."""
        if isinstance(body, StoredBody) or not self.writable:
            return body
        packed = PackedBody.of(body)
        blob = packed.blob()
        if self.hold(len(blob)):  # within the memory budget: kept packed, where it is
            return packed
        offset = self.append(blob)
        if offset is None:  # no file could be made: kept in memory, packed
            return packed
        return StoredBody(self, offset, len(blob), len(packed), packed.facts)


class _Body(Sequence[str]):
    """A body's paragraphs kept packed: equal to the tuple it was made from, and pickled as a
    `PackedBody` (one bytes object, read back far faster than a string per paragraph)."""

    __slots__ = ()
    _paragraphs: int  # how many
    facts: tuple[bytes, int]  # `body_facts`

    def blob(self) -> bytes:
        raise NotImplementedError

    def paragraphs(self) -> tuple[str, ...]:
        value: tuple[str, ...] = pickle.loads(self.blob())
        return value

    def __len__(self) -> int:
        return self._paragraphs

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self.paragraphs()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.paragraphs())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Body):
            return self.facts == other.facts and self.paragraphs() == other.paragraphs()
        return isinstance(other, tuple) and self.paragraphs() == other

    def __hash__(self) -> int:
        return hash(self.paragraphs())

    def __repr__(self) -> str:
        return repr(self.paragraphs())

    def __reduce__(self) -> tuple[Any, ...]:
        return PackedBody, (self.blob(), self._paragraphs, self.facts)


class PackedBody(_Body):
    """A body as one pickled blob in memory, with its facts: what the load cache stores and a
    load worker sends back; `BodyFile.keep` appends its blob as it is."""

    __slots__ = ("_blob", "_paragraphs", "facts")

    def __init__(self, blob: bytes, paragraphs: int, facts: tuple[bytes, int]) -> None:
        self._blob, self._paragraphs, self.facts = blob, paragraphs, facts

    @classmethod
    def of(cls, body: Sequence[str]) -> PackedBody:
        if isinstance(body, PackedBody):
            return body
        return cls(pickle.dumps(tuple(body), protocol=pickle.HIGHEST_PROTOCOL), len(body),
                   body_facts(body))

    def blob(self) -> bytes:
        return self._blob


class StoredBody(_Body):
    """A body in a `BodyFile`, read when it is used."""

    __slots__ = ("_file", "_length", "_offset", "_paragraphs", "facts")

    def __init__(self, file: BodyFile, offset: int, length: int, paragraphs: int,
                 facts: tuple[bytes, int]) -> None:
        self._file, self._offset, self._length = file, offset, length
        self._paragraphs, self.facts = paragraphs, facts

    def blob(self) -> bytes:
        return self._file.read(self._offset, self._length)
