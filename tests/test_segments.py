"""Whole-archive files remade from the previous copy: only new keys are made, and a live file
that does not match its index (edited, or from another build) never gives a wrong byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive import segments as segments_module
from newsarchive.segments import Segments

HEADER = b"header\n"


def write(segments: Segments, rows: dict[str, str], made: list[str]) -> bytes:
    """Stream `rows` (key -> text) through `segments` into its live file; `made` gets the
    keys whose line had to be made."""
    def make(key: str) -> Callable[[], bytes]:
        return lambda: made.append(key) or f"{key}:{rows[key]}\n".encode()
    data = b"".join(segments.join(HEADER, ((k, make(k)) for k in rows)))
    segments.live.write_bytes(data)
    return data


def expected(rows: dict[str, str]) -> bytes:
    return HEADER + b"".join(f"{k}:{v}\n".encode() for k, v in rows.items())


def test_only_new_keys_are_made(tmp_path: Path) -> None:
    segments = Segments(tmp_path / "live.jsonl", tmp_path / "live.index")
    made: list[str] = []
    rows = {"a": "one", "b": "two", "c": "three"}
    assert write(segments, rows, made) == expected(rows)
    assert made == ["a", "b", "c"]
    made.clear()
    rows = {"c2": "three, edited", "a": "one", "d": "four"}  # reordered, renamed, added, gone
    assert write(segments, rows, made) == expected(rows)
    assert made == ["c2", "d"]


def test_a_line_edited_by_hand_is_made_again(tmp_path: Path) -> None:
    segments = Segments(tmp_path / "live.jsonl", tmp_path / "live.index")
    rows = {"a": "one", "b": "two"}
    write(segments, rows, [])
    live = segments.live.read_bytes()
    segments.live.write_bytes(live.replace(b"b:two", b"b:TWO"))  # same length, other bytes
    made: list[str] = []
    assert write(segments, rows, made) == expected(rows)
    assert made == ["b"]


def test_a_live_file_taken_back_from_the_previous_build_finds_its_index(tmp_path: Path) -> None:
    """An edit undone: the build takes the older file unchanged from the kept previous site
    and streams nothing, so no index is saved for it; the next build finds the older index."""
    segments = Segments(tmp_path / "live.jsonl", tmp_path / "live.index")
    rows = {f"k{n}": f"row {n}" for n in range(20)}
    older = write(segments, rows, [])
    edited = {**rows, "k3": "row 3, edited at length", "k3b": "added"}
    del edited["k3"]
    write(segments, edited, [])
    segments.live.write_bytes(older)  # the undo: the older file is back, no index written
    made: list[str] = []
    again = {("k7x" if k == "k7" else k): v for k, v in rows.items()}  # k7 edited
    assert write(segments, again, made) == expected(again)
    assert made == ["k7x"]  # not every line after the first edit, as with the newer index


def test_unchanged_neighbours_are_copied_in_one_piece(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """One read and one write per stretch of unchanged lines, not one per article; a stretch
    ends at a line to make, a line the live file no longer holds, or RUN bytes."""
    segments = Segments(tmp_path / "live.jsonl", tmp_path / "live.index")
    rows = {f"k{n:03d}": f"row {n}" for n in range(100)}
    write(segments, rows, [])
    rows["k050"] = "row 50, edited"  # same key: the edited line is made, not copied
    rows = {("k050x" if k == "k050" else k): v for k, v in rows.items()}
    live = segments.live.read_bytes()
    segments.live.write_bytes(live.replace(b"k070:row 70", b"k070:row 7!"))  # garbled by hand
    chunks = list(segments.join(HEADER, ((k, lambda k=k: f"{k}:{rows[k]}\n".encode())
                                         for k in rows)))
    assert b"".join(chunks) == expected(rows)
    # header, k000-k049, k050x, k051-k069, k070 made again, k071-k099
    assert [c.count(b"\n") for c in chunks] == [1, 50, 1, 19, 1, 29]
    segments.live.write_bytes(b"".join(chunks))
    monkeypatch.setattr(segments_module, "RUN", 40)  # a few lines per piece
    made: list[str] = []
    chunks = list(segments.join(HEADER, ((k, lambda k=k: made.append(k) or b"") for k in rows)))
    assert b"".join(chunks) == expected(rows) and made == []
    assert 100 // 4 <= len(chunks) - 1 < 100


def test_indexes_of_the_last_few_files_are_kept(tmp_path: Path) -> None:
    segments = Segments(tmp_path / "live.jsonl", tmp_path / "live.index")
    for n in range(8):
        write(segments, {f"a{n}": "x" * n}, [])
    assert len(list((tmp_path / "live.index").iterdir())) == 4


def test_an_index_of_another_stamp_is_not_used(tmp_path: Path) -> None:
    """Lines made by another tool version (or other columns) are made again."""
    rows = {"a": "one"}
    write(Segments(tmp_path / "live", tmp_path / "index", stamp="v1"), rows, [])
    made: list[str] = []
    write(Segments(tmp_path / "live", tmp_path / "index", stamp="v2"), rows, made)
    assert made == ["a"]


def test_clean_reads_nothing_but_saves_an_index(tmp_path: Path) -> None:
    rows = {"a": "one", "b": "two"}
    write(Segments(tmp_path / "live.jsonl", tmp_path / "live.index"), rows, [])
    made: list[str] = []
    write(Segments(tmp_path / "live.jsonl", tmp_path / "live.index", read=False), rows, made)
    assert made == ["a", "b"]
    made.clear()
    write(Segments(tmp_path / "live.jsonl", tmp_path / "live.index"), rows, made)
    assert made == []


def test_a_damaged_index_or_missing_file_costs_only_speed(tmp_path: Path) -> None:
    segments = Segments(tmp_path / "live.jsonl", tmp_path / "live.index")
    rows = {"a": "one", "b": "two"}
    write(segments, rows, [])
    for entry in segments.index.iterdir():  # type: ignore[union-attr]
        entry.write_bytes(b"not a pickle")
    made: list[str] = []
    assert write(segments, rows, made) == expected(rows)
    assert made == ["a", "b"]
    segments.live.unlink()
    made.clear()
    assert b"".join(segments.join(HEADER, ((k, lambda k=k: f"{k}:{rows[k]}\n".encode())
                                           for k in rows))) == expected(rows)


keys = st.text("abcdef", min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(first=st.dictionaries(keys, st.text(max_size=20)),
       second=st.dictionaries(keys, st.text(max_size=20)),
       garble=st.integers(min_value=0, max_value=200))
def test_any_two_builds_give_the_bytes_of_a_fresh_one(
        tmp_path_factory: object, first: dict[str, str], second: dict[str, str],
        garble: int) -> None:
    """Whatever the previous file and however it was damaged, the new file is exact. A key
    stands for its line's content, as an article key does."""
    folder = tmp_path_factory.mktemp("seg")  # type: ignore[attr-defined]
    segments = Segments(folder / "live", folder / "index")
    write(segments, {k: k * 3 for k in first}, [])
    live = bytearray(segments.live.read_bytes())
    if garble < len(live):
        live[garble] ^= 0x20
    segments.live.write_bytes(bytes(live))
    rows = {k: k * 3 for k in second}
    assert write(segments, rows, []) == expected(rows)
