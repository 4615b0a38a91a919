"""The load cache: records come back equal, an edit rewrites one bucket, damage costs a reparse."""

from __future__ import annotations

from pathlib import Path

from newsarchive.cache import LoadCache, content_key
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
