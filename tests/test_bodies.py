"""Bodies stored in a build's file: equal to the tuples they were made from, everywhere."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.archive import entry_key, reading_minutes
from newsarchive.bodies import BodyFile, PackedBody, StoredBody, body_facts
from newsarchive.cache import LoadCache
from newsarchive.model import Article

PARAGRAPHS = st.lists(st.text(st.characters(exclude_categories=["Cs"])), max_size=6).map(tuple)


@settings(max_examples=100)
@given(st.lists(PARAGRAPHS, min_size=1, max_size=5))
def test_a_stored_body_is_the_tuple_it_was_made_from(bodies: list[tuple[str, ...]]) -> None:
    store = BodyFile(None)
    stored = [store.keep(body) for body in bodies]
    for body, kept in zip(bodies, stored, strict=True):
        assert isinstance(kept, StoredBody)
        assert kept == body and tuple(kept) == body and list(kept) == list(body)
        assert len(kept) == len(body) and kept[:2] == body[:2] and hash(kept) == hash(body)
        if body:
            assert kept[-1] == body[-1]
        assert repr(kept) == repr(body)
        packed = pickle.loads(pickle.dumps(kept))
        assert packed == body and type(packed) is PackedBody  # what caches keep
        assert body_facts(packed) == body_facts(body) and len(packed) == len(body)
        assert packed.paragraphs() == body and pickle.loads(pickle.dumps(packed)) == body
        assert store.keep(packed) == body and isinstance(store.keep(packed), StoredBody)
        assert body_facts(kept) == body_facts(body)
        assert reading_minutes(kept) == reading_minutes(body)
        assert entry_key(("f",), kept) == entry_key(("f",), body)
        assert store.keep(kept) is kept


def test_facts_tell_bodies_apart() -> None:
    assert body_facts(("ab", "c")) != body_facts(("a", "bc"))  # paragraph lengths count
    assert body_facts(("a b c",))[1] == 2 and body_facts(("a", "b"))[1] == 1


def test_without_a_folder_bodies_stay_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    body = ("One.", "Two.")
    held = BodyFile(blocker / "cache").keep(body)
    assert type(held) is PackedBody and held == body
    kept = BodyFile(tmp_path / "cache").keep(body)
    assert isinstance(kept, StoredBody) and list((tmp_path / "cache").iterdir()) == []


def _read_in_child(body: StoredBody, queue: multiprocessing.Queue[tuple[str, ...]]) -> None:
    queue.put(tuple(body))


def test_a_forked_process_reads_the_bodies_it_inherited(tmp_path: Path) -> None:
    store = BodyFile(tmp_path)
    kept = [store.keep((f"Paragraph {n}.", "Ü" * n)) for n in range(50)]
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[tuple[str, ...]] = context.Queue()
    child = context.Process(target=_read_in_child, args=(kept[37], queue))
    child.start()
    assert queue.get(timeout=30) == ("Paragraph 37.", "Ü" * 37)
    child.join()


def test_the_load_cache_gives_stored_bodies_and_saves_tuples(tmp_path: Path) -> None:
    article = Article("a.md", "Title", ("First paragraph.", "Second one."))
    cache = LoadCache(tmp_path / "loads.pickle", bodies=BodyFile(tmp_path))
    kept, _ = cache.put("a.md", "k" * 40, (article, ()))
    assert kept is not None and isinstance(kept.body, StoredBody) and kept == article
    cache.save()
    again = LoadCache(tmp_path / "loads.pickle", bodies=BodyFile(tmp_path)).get("a.md", "k" * 40)
    assert again is not None and isinstance(again[0].body, StoredBody)  # type: ignore[union-attr]
    plain = LoadCache(tmp_path / "loads.pickle").get("a.md", "k" * 40)
    assert plain is not None and plain[0] == article  # a PackedBody, without a BodyFile
    assert type(plain[0].body) is PackedBody  # type: ignore[union-attr]
