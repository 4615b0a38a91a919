"""The load cache: records come back equal, an edit rewrites one bucket, damage costs a reparse."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsarchive import cache as cache_module
from newsarchive.cache import InputKeys, LoadCache, content_key
from newsarchive.model import Article, DateValue, FieldSource, Problem, RemovedLine


def record(n: int) -> tuple[Article, tuple[Problem, ...]]:
    article = Article(f"a/{n}.txt", f"Title {n}", (f"Body {n}.", "Second."), dek=None,
                      authors=("Jane Doe",), date=DateValue(2021, 3, 1 + n % 28),
                      removed=(RemovedLine(3, "Share this", "boilerplate.share"),),
                      sources=(("title", FieldSource(1, "title.first-line")),),
                      content_hash=str(n))
    return article, (Problem(Path(f"a/{n}.txt"), "odd", "load.odd", 2),)


def fill(path: Path, count: int) -> dict[tuple[str, str], tuple[Article, tuple[Problem, ...]]]:
    cache = LoadCache(path)
    made = {(f"a/{n}.txt", content_key(str(n).encode())): record(n) for n in range(count)}
    for (name, key), value in made.items():
        if cache.get(name, key) is None:
            cache.put(name, key, value)
    cache.save()
    return made


def test_records_come_back_equal_and_an_edit_rewrites_one_bucket(tmp_path: Path) -> None:
    path = tmp_path / "build-loads.pickle"
    made = fill(path, 40)
    buckets = {p.name: p.stat().st_mtime_ns for p in path.with_suffix("").iterdir()}
    cache = LoadCache(path)
    assert cache._old == made
    for (name, key), value in made.items():
        assert cache.get(name, key) == value
    edited_key = content_key(b"edited")
    cache.put("a/0.txt", edited_key, record(0))
    del cache._new["a/0.txt", content_key(b"0")]  # the old version of the file is gone
    cache.save()
    after = {p.name: p.stat().st_mtime_ns for p in path.with_suffix("").iterdir()}
    changed = {name for name in after if buckets.get(name) != after[name]}
    changed |= buckets.keys() - after.keys()
    assert changed <= {f"{content_key(b'0')[:2]}.pickle", f"{edited_key[:2]}.pickle"}
    assert len(LoadCache(path)._old) == 40


def test_a_damaged_bucket_only_loses_its_records(tmp_path: Path) -> None:
    path = tmp_path / "build-loads.pickle"
    made = fill(path, 40)
    victim = sorted(path.with_suffix("").iterdir())[0]
    victim.write_bytes(b"not a pickle")
    kept = LoadCache(path)._old
    assert kept == {slot: value for slot, value in made.items() if slot[1][:2] != victim.stem}
    assert LoadCache(path, read=False)._old == {}


def test_a_file_unchanged_since_it_was_hashed_is_not_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its identity (inode, size, times) spares hashing it; any write (even one that keeps the
    size and sets the modification time back) moves the change time, so it is hashed again."""
    article = tmp_path / "a.md"
    article.write_bytes(b"first")
    monkeypatch.setattr(cache_module, "RACY_NS", -10**12)  # as if written long ago
    memo = tmp_path / "inputs.pickle"
    keys = InputKeys(memo)
    assert keys.key(article) == content_key(b"first")
    keys.save()
    reads: list[Path] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real_read(self))
    assert InputKeys(memo).key(article) == content_key(b"first") and reads == []
    before = os.stat(article)
    time.sleep(0.01)
    article.write_bytes(b"FIRST")  # same size, then the same modification time again
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert InputKeys(memo).key(article) == content_key(b"FIRST") and reads == [article]
    assert InputKeys(memo, read=False).key(article) == content_key(b"FIRST")  # --clean


def test_a_file_changed_moments_before_it_was_hashed_is_not_remembered(tmp_path: Path) -> None:
    """Coarse timestamps could hide a second change within the same tick."""
    article = tmp_path / "a.md"
    article.write_bytes(b"just written")
    memo = tmp_path / "inputs.pickle"
    keys = InputKeys(memo)
    assert keys.key(article) == content_key(b"just written")
    keys.save()
    assert not memo.exists()  # nothing worth keeping


def test_a_listings_records_are_fingerprinted_by_their_keys_as_the_encoder_would() -> None:
    """`_keys_of` only saves the encoder a call per record: the JSON, hence every page's
    fingerprint, is the same; a record without its key is left for the encoder."""
    import json

    from newsarchive.archive import Summary, Term

    def encoded(value: object) -> str:
        return json.dumps(value, default=cache_module._plain, sort_keys=True)

    term = Term("ap", "AP", "outlets/ap/index.html")
    keyed = tuple(Summary(f"{n}/index.html", f"T{n}", None, None, term, (), key=f"k{n}")
                  for n in range(3))
    unkeyed = (*keyed, Summary("x/index.html", "X", None, None, None, ()))
    for value in (keyed, unkeyed, (term, term), (), ("a", "b"), (keyed[0], term)):
        assert encoded(cache_module._keys_of(value)) == encoded(value)
    assert cache_module._keys_of(keyed) == ["k0", "k1", "k2"]
    assert cache_module._keys_of(unkeyed) is unkeyed
