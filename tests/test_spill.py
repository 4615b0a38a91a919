"""SpillMemo: values made once per key and process, kept in a nameless file, not in memory."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.spill import SpillMemo


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
