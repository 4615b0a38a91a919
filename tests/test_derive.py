"""The derived memo: values kept between builds, saved in buckets so an edit rewrites few."""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsarchive.derive import Derived
from newsarchive.spill import Kept


def key(n: int) -> str:
    return hashlib.blake2b(str(n).encode(), digest_size=8).hexdigest() + "|settings"


def files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.glob("*.pickle")}


def test_values_come_back_and_only_changed_buckets_are_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "memo"
    first = Derived(folder)
    for n in range(40):
        first.get("row", key(n), lambda n=n: f"row {n}")  # type: ignore[misc]
    first.save()
    before = files(folder)
    assert len(before) > 10

    second = Derived(folder)
    made: list[int] = []
    for n in [*range(39), 40]:  # article 39 edited: its key is now key(40)
        second.get("row", key(n), lambda n=n: made.append(n) or f"row {n}")  # type: ignore[misc]
    assert made == [40]
    second.save()
    after = files(folder)
    replaced = {name for name in before.keys() & after.keys() if before[name] != after[name]}
    changed = replaced | (before.keys() ^ after.keys())
    assert 1 <= len(changed) <= 2  # the old key's bucket and the new key's, nothing else

    third = Derived(folder)
    assert third.get("row", key(40), lambda: "made again") == "row 40"
    assert third.get("row", key(39), lambda: "made again") == "made again"  # dropped: not used


def test_a_damaged_bucket_only_costs_its_values(tmp_path: Path) -> None:
    folder = tmp_path / "memo"
    memo = Derived(folder)
    for n in range(20):
        memo.get("row", key(n), lambda n=n: n)  # type: ignore[misc]
    memo.save()
    damaged = sorted(folder.glob("*.pickle"))[0]
    damaged.write_bytes(b"not a pickle")
    again = Derived(folder)
    kept = sum(1 for n in range(20) if again.get("row", key(n), lambda: -1) != -1)
    assert 10 < kept < 20
    again.save()  # the damaged bucket is written anew with what was made again
    healed = Derived(folder)
    assert sum(1 for n in range(20) if healed.get("row", key(n), lambda: None) is None) == 0


def test_clean_reads_nothing_but_saves(tmp_path: Path) -> None:
    folder = tmp_path / "memo"
    memo = Derived(folder)
    memo.get("row", key(1), lambda: "old")
    memo.save()
    clean = Derived(folder, read=False)
    assert clean.get("row", key(1), lambda: "new") == "new"
    clean.save()
    assert Derived(folder).get("row", key(1), lambda: "other") == "new"


def test_kept_values_are_handles_saved_as_their_values(tmp_path: Path) -> None:
    folder = tmp_path / "memo"  # no memory budget: every value to the file
    first = Derived(folder)
    made: list[int] = []
    kept = first.kept("cite", key(1), lambda: made.append(1) or ("apa", "mla"))  # type: ignore[func-returns-value]
    assert kept.value() == ("apa", "mla") and kept.key == key(1)
    assert first.kept("cite", key(1), lambda: ("again",)) is kept and made == [1]
    assert first.get("cite", key(1), lambda: ("again",)) == ("apa", "mla")  # get reads it
    first.save()
    first.forget()
    assert kept.value() == ("apa", "mla")  # a handle outlives the memo
    second = Derived(folder)
    held = second._old[("cite", key(1))]
    assert isinstance(held, Kept) and held._file is not None  # read into the file, not memory
    again = second.kept("cite", key(1), lambda: ("made again",))
    assert again is held and again.value() == ("apa", "mla") and second.made == 0
    assert second.get("cite", key(1), lambda: ("made again",)) == ("apa", "mla")
    second.save()
    assert Derived(folder).kept("cite", key(1), lambda: ("made again",)) == ("apa", "mla")
