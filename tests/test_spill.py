"""SpillMemo and KeptFile: values kept in a nameless file beyond a memory budget."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.spill import BlobFile, Kept, KeptFile, MemoryBudget, SpillMemo, resolved


def test_values_come_back_and_are_made_once(tmp_path: Path) -> None:
    memo = SpillMemo(tmp_path / "cache")
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value

    assert memo.get("a", lambda: make("<entry>é ☃ \U0001f600</entry>")) == "<entry>é ☃ \U0001f600</entry>"
    assert memo.get("b", lambda: make("second")) == "second"
    assert memo.get("a", lambda: make("never")) == "<entry>é ☃ \U0001f600</entry>"
    assert made == ["<entry>é ☃ \U0001f600</entry>", "second"]
    assert memo._memory == {}  # held in the file
    assert list((tmp_path / "cache").iterdir()) == []  # the file has no name: nothing to clean


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 8), st.text()), max_size=30))
def test_any_sequence_of_gets_is_a_plain_memo(calls: list[tuple[int, str]]) -> None:
    memo, plain = SpillMemo(None), {}
    for key, value in calls:
        assert memo.get(key, lambda v=value: v) == plain.setdefault(key, value)


def test_an_unwritable_folder_keeps_values_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    memo = SpillMemo(blocker / "cache")
    assert memo.get("k", lambda: "value") == "value"
    assert memo.get("k", lambda: "other") == "value"
    assert memo._memory == {"k": "value"}


def _in_child(memo: SpillMemo, queue: multiprocessing.Queue[str]) -> None:
    # the parent's offsets mean nothing here: the child makes its own value and file
    queue.put(memo.get("k", lambda: "child"))
    queue.put(memo.get("k", lambda: "again"))


def test_a_forked_process_starts_its_own_file(tmp_path: Path) -> None:
    memo = SpillMemo(tmp_path)
    assert memo.get("k", lambda: "parent") == "parent"
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = context.Queue()
    child = context.Process(target=_in_child, args=(memo, queue))
    child.start()
    assert [queue.get(timeout=30), queue.get(timeout=30)] == ["child", "child"]
    child.join()
    assert memo.get("k", lambda: "lost") == "parent"  # the child wrote nothing into ours
    assert os.getpid() == memo._pid


def _in_shared_child(memo: SpillMemo, queue: multiprocessing.Queue[str | None]) -> None:
    queue.put(memo.find("k"))  # the parent's value, read from the parent's file
    memo.put("new", "child")  # kept in the child's memory, not appended to the parent's file
    queue.put(memo.find("new"))


def test_a_shared_memo_is_read_by_forked_processes(tmp_path: Path) -> None:
    memo = SpillMemo(tmp_path, shared=True)
    memo.put("k", "parent")
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str | None] = context.Queue()
    child = context.Process(target=_in_shared_child, args=(memo, queue))
    child.start()
    assert [queue.get(timeout=30), queue.get(timeout=30)] == ["parent", "child"]
    child.join()
    assert memo.find("new") is None and memo.find("k") == "parent"
    memo.put("later", "still ours")
    assert memo.find("later") == "still ours"


def _read_kept(kept: Kept[object], queue: multiprocessing.Queue[object]) -> None:
    queue.put(kept.value())


def test_kept_values_live_in_the_file_and_stand_for_their_values(tmp_path: Path) -> None:
    store = KeptFile(tmp_path)
    value = {"title": "Ceasefire ☃", "n": (1, 2.5, None)}
    kept = store.keep("key-1", value)
    assert kept._blob == b"" and kept._file is store  # the handle holds no value
    assert kept.value() == value and kept.value() is not value  # read back, each time
    assert kept.key == "key-1" and kept == value and kept == store.keep("key-2", dict(value))
    copy = pickle.loads(pickle.dumps(kept))  # pickled, a handle takes its blob along
    assert isinstance(copy, Kept) and copy._file is None and copy.key == "key-1"
    assert copy == value and copy.blob() == kept.blob()
    moved = KeptFile(tmp_path).adopt(copy)  # a memo read from disk moves it into its file
    assert moved._file is not None and moved._blob == b"" and moved.value() == value
    assert list(tmp_path.iterdir()) == []  # nameless
    context = multiprocessing.get_context("fork")  # a forked renderer reads its parent's file
    queue: multiprocessing.Queue[object] = context.Queue()
    child = context.Process(target=_read_kept, args=(kept, queue))
    child.start()
    assert queue.get(timeout=30) == value
    child.join()


def test_without_a_folder_kept_values_stay_in_memory() -> None:
    kept = KeptFile(None).keep("k", ("a", "b"))
    assert kept._file is None and kept.value() == ("a", "b") and kept.blob()  # still pickled
    assert KeptFile(None).adopt(kept) is kept


def test_a_context_is_resolved_for_its_template(tmp_path: Path) -> None:
    store = KeptFile(tmp_path)
    plain = {"title": "T", "n": 3}
    assert resolved(plain) is plain  # nothing kept: the same mapping
    context = {"title": "T", "meta": store.keep("m", ("tags", "json"))}
    assert resolved(context) == {"title": "T", "meta": ("tags", "json")}
    assert isinstance(context["meta"], Kept)  # the page's own context is left as it was


def test_the_first_bytes_stay_in_memory_up_to_the_budget(tmp_path: Path) -> None:
    """Within the budget nothing touches the disk; beyond it the rest goes to the file; a fork
    reads both; a file let go gives its memory back to the budget it shares."""
    budget = MemoryBudget(10)
    blobs = BlobFile(tmp_path / "cache", budget)
    values = [b"abcd", b"efgh", b"ijkl", b"", b"mnopqrstuv"]
    places = [(blobs.append(v), len(v)) for v in values]
    assert [at for at, _ in places] == [0, 4, 8, 12, 12]
    assert blobs._memory == b"abcdefgh" and budget.held == 8  # "ijkl" would pass 10
    assert blobs._file is not None and list((tmp_path / "cache").iterdir()) == []
    assert [blobs.read(*at) for at in places] == values
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[list[bytes]] = context.Queue()
    child = context.Process(target=_read_blobs, args=(blobs, places, queue))
    child.start()
    assert queue.get(timeout=30) == values
    child.join()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    other = BlobFile(blocker, budget)  # no usable folder, but room in the budget: memory
    assert other.append(b"xy") == 0 and other.read(0, 2) == b"xy" and budget.held == 10
    assert other.append(b"z") is None and not other.writable  # no room, no file: caller keeps it
    del blobs, other, child
    assert budget.held == 0
    assert BlobFile(tmp_path).append(b"a") == 0 and budget.held == 0  # no budget: the file


def _read_blobs(blobs: BlobFile, places: list[tuple[int, int]],
                queue: multiprocessing.Queue[list[bytes]]) -> None:
    queue.put([blobs.read(*at) for at in places])


@settings(max_examples=40, deadline=None)
@given(limit=st.integers(0, 64), values=st.lists(st.binary(max_size=20), max_size=12))
def test_any_appends_read_back_whatever_the_budget(tmp_path_factory: pytest.TempPathFactory,
                                                   limit: int, values: list[bytes]) -> None:
    blobs = BlobFile(tmp_path_factory.mktemp("blobs"), MemoryBudget(limit))
    places = [(blobs.append(v), len(v)) for v in values]
    assert all(at is not None for at, _ in places)
    assert [blobs.read(at, n) for at, n in places if at is not None] == values
    assert len(blobs._memory) <= limit


def test_bytes_a_caller_holds_stay_with_it_within_the_budget(tmp_path: Path) -> None:
    """A kept value read from a memo (or a body from the load cache) is not copied while the
    budget lasts; what it holds counts against the budget until the file is let go."""
    from newsarchive.bodies import BodyFile, PackedBody

    budget = MemoryBudget(200)
    store = KeptFile(tmp_path, budget)
    held = Kept("k", None, 0, 0, pickle.dumps("value"))
    assert store.adopt(held) is held and budget.held == len(held.blob())
    bodies = BodyFile(tmp_path, budget)
    packed = PackedBody.of(("One.", "Two."))
    assert bodies.keep(packed) is packed
    big = Kept("big", None, 0, 0, pickle.dumps("x" * 300))  # over the budget: to the file
    moved = store.adopt(big)
    assert moved is not big and moved._file is store and moved.value() == "x" * 300
    del store, bodies, held, moved  # `moved` holds the file
    assert budget.held == 0
