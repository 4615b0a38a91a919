"""The writer: atomic swap, carry-forward, never deleting a folder it did not make."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive import output
from newsarchive.output import (
    MANIFEST_VERSION,
    MARKER,
    Manifest,
    OutputError,
    SiteWriter,
    check_output,
    output_lock,
    read_manifest,
    recover,
)


def write_site(out: Path, files: dict[str, bytes]) -> SiteWriter:
    writer = SiteWriter(out)
    for path, data in files.items():
        writer.put(path, data)
    writer.commit(Manifest("test", MappingProxyType(dict.fromkeys(files, "fp")), writer.files))
    return writer


def test_first_build_creates_folder_with_marker(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(out, {"index.html": b"home", "a/b/index.html": b"deep"})
    assert (out / "index.html").read_bytes() == b"home"
    assert (out / "a/b/index.html").read_bytes() == b"deep"
    manifest = read_manifest(out)
    assert manifest is not None and manifest.files == ("a/b/index.html", "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # no temp folder left


def test_rebuild_replaces_and_drops_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(out, {"index.html": b"one", "old/index.html": b"stale"})
    write_site(out, {"index.html": b"two"})
    assert (out / "index.html").read_bytes() == b"two"
    assert not (out / "old").exists()


def test_unchanged_bytes_are_linked_not_written(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(out, {"same.html": b"x", "new.html": b"1"})
    inode = (out / "same.html").stat().st_ino
    writer = write_site(out, {"same.html": b"x", "new.html": b"2"})
    assert writer.written == ["new.html"]
    assert (out / "same.html").stat().st_ino == inode


def test_carry_forward_links_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(out, {"keep.html": b"k"})
    writer = SiteWriter(out)
    assert writer.carry("keep.html")
    assert not writer.carry("missing.html")
    writer.commit(Manifest("t", MappingProxyType({"keep.html": "fp"}), writer.files))
    assert (out / "keep.html").read_bytes() == b"k"


def test_abort_leaves_previous_site_intact(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(out, {"index.html": b"good"})
    writer = SiteWriter(out)
    writer.put("index.html", b"half")
    writer.abort()
    assert (out / "index.html").read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_refuses_foreign_folder(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / "precious.txt").write_text("mine")
    with pytest.raises(OutputError, match="not made by newsarchive"):
        check_output(out, ())
    assert (out / "precious.txt").read_text() == "mine"


def test_empty_existing_folder_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    check_output(tmp_path / "build", ())


def test_refuses_output_that_contains_the_inputs(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="would contain"):
        check_output(tmp_path, (tmp_path / "articles",))


@pytest.mark.parametrize("bad", ["../x.html", "/etc/passwd", "a/../../x", "a\\b.html", ""])
def test_refuses_paths_outside_output(tmp_path: Path, bad: str) -> None:
    writer = SiteWriter(tmp_path / "build")
    with pytest.raises(OutputError, match="outside the output folder"):
        writer.put(bad, b"x")
    writer.abort()


def test_recover_restores_a_site_moved_away_by_a_killed_build(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_site(out, {"index.html": b"good"})
    os.rename(out, tmp_path / "build.old-999")  # killed between the two renames
    (tmp_path / "build.tmp-999").mkdir()
    (tmp_path / "build.tmp-999" / MARKER).write_text("{}")
    recover(out)
    assert (out / "index.html").read_bytes() == b"good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_recover_never_deletes_foreign_lookalikes(tmp_path: Path) -> None:
    foreign = tmp_path / "build.tmp-1"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    recover(tmp_path / "build")
    assert (foreign / "notes.txt").exists()


def test_second_build_at_once_refuses(tmp_path: Path) -> None:
    out = tmp_path / "build"
    with output_lock(out), pytest.raises(OutputError, match="another newsarchive build"), \
            output_lock(out):
        pass


def test_disk_full_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    write_site(out, {"index.html": b"good"})
    writer = SiteWriter(out)

    real_open = open

    def full(file: str, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(output, "open", full, raising=False)
    with pytest.raises(OutputError, match="disk is full; the previous site is kept"):
        writer.put("index.html", b"new")
    monkeypatch.undo()
    writer.abort()
    assert (out / "index.html").read_bytes() == b"good"


def write_fps(out: Path, files: dict[str, tuple[bytes, str]]) -> SiteWriter:
    """One build through the spare: reuse what the spare holds with the same fingerprint."""
    writer = SiteWriter(out, reuse_spare=True)
    for path, (data, fp) in files.items():
        if not writer.reuse(path, fp):
            writer.put(path, data)
    writer.commit(Manifest("t", MappingProxyType({p: fp for p, (_, fp) in files.items()}),
                           writer.files))
    return writer


def test_previous_site_is_kept_as_a_spare_and_reused(tmp_path: Path) -> None:
    out = tmp_path / "build"
    spare = tmp_path / ".build.spare"
    write_fps(out, {"a.html": (b"a1", "a1"), "b/index.html": (b"b1", "b1")})
    assert not spare.exists()  # nothing to keep after a first build
    write_fps(out, {"a.html": (b"a2", "a2"), "b/index.html": (b"b1", "b1")})
    assert (spare / "a.html").read_bytes() == b"a1"  # the site before, kept
    third = write_fps(out, {"a.html": (b"a2", "a2"), "b/index.html": (b"b1", "b1"),
                            "c.html": (b"c", "c")})
    assert third.written == ["c.html"]  # b/ came from the spare, a.html linked from the site
    assert {p: (out / p).read_bytes() for p in ("a.html", "b/index.html", "c.html")} == {
        "a.html": b"a2", "b/index.html": b"b1", "c.html": b"c"}
    assert read_manifest(out) is not None and read_manifest(spare) is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.spare", "build"]


def test_writing_over_a_spare_file_never_touches_the_live_site(tmp_path: Path) -> None:
    """Spare files are hard links shared with the live site: they are replaced, not rewritten."""
    out = tmp_path / "build"
    write_fps(out, {"same.html": (b"v1", "v1"), "gone.html": (b"g", "g")})
    write_fps(out, {"same.html": (b"v1", "v1"), "gone.html": (b"g", "g")})
    assert (tmp_path / ".build.spare" / "same.html").stat().st_ino == (
        out / "same.html").stat().st_ino
    writer = SiteWriter(out, reuse_spare=True)
    writer.put("same.html", b"v2-longer")
    assert (out / "same.html").read_bytes() == b"v1"  # the live site is untouched until commit
    writer.commit(Manifest("t", MappingProxyType({"same.html": "v2"}), writer.files))
    assert (out / "same.html").read_bytes() == b"v2-longer"
    assert not (out / "gone.html").exists()  # stale files the spare held are dropped
    assert (tmp_path / ".build.spare" / "same.html").read_bytes() == b"v1"


def test_a_damaged_spare_is_removed_and_the_build_starts_fresh(tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_fps(out, {"a.html": (b"1", "1")})
    write_fps(out, {"a.html": (b"2", "2")})
    spare = tmp_path / ".build.spare"
    (spare / MARKER).write_text("not json")
    write_fps(out, {"a.html": (b"3", "3")})
    assert (out / "a.html").read_bytes() == b"3"
    assert (spare / "a.html").read_bytes() == b"2"  # the new spare is the site just replaced


@pytest.mark.parametrize("chunks", [[b"ab", b"cd"], [b"abc"], [b"abcde"], [b"ab", b"", b"cX"],
                                    [b""]])
def test_a_stream_is_linked_only_when_every_byte_is_the_same(
        tmp_path: Path, chunks: list[bytes]) -> None:
    """`Sink.store_chunks` compares while writing: a prefix, a longer file or one changed
    byte is written; the same bytes in any chunking are a link to the live file."""
    out = tmp_path / "build"
    write_fps(out, {"data.csv": (b"abcd", "1")})
    write_fps(out, {"data.csv": (b"abcd", "1")})  # the spare shares the live file
    live = (out / "data.csv").stat().st_ino
    writer = SiteWriter(out, reuse_spare=True)
    writer.prepare("data.csv")
    written = writer.sink.store_chunks("data.csv", iter(chunks))
    writer.record("data.csv", written)
    assert (out / "data.csv").read_bytes() == b"abcd"  # the live site untouched until commit
    writer.commit(Manifest("t", MappingProxyType({"data.csv": "2"}), writer.files))
    assert (out / "data.csv").read_bytes() == b"".join(chunks)
    assert written == (b"".join(chunks) != b"abcd")
    assert ((out / "data.csv").stat().st_ino == live) == (not written)


def test_a_stream_rewrites_the_spares_own_copy_in_place(tmp_path: Path) -> None:
    """A spare file no other name links (it changed in the last build) is written over in
    place and cut to its new length; one the live site shares is replaced, never written to."""
    out = tmp_path / "build"
    spare = tmp_path / ".build.spare"
    write_fps(out, {"data.csv": (b"first version, long", "1"), "s.csv": (b"shared", "s")})
    write_fps(out, {"data.csv": (b"second", "2"), "s.csv": (b"shared", "s")})
    own, shared = (spare / "data.csv").stat(), (spare / "s.csv").stat()
    assert own.st_nlink == 1 and shared.st_nlink == 2
    writer = SiteWriter(out, reuse_spare=True)
    for path, chunks in (("data.csv", [b"third", b"!"]), ("s.csv", [b"changed"])):
        writer.prepare(path)
        writer.record(path, writer.sink.store_chunks(path, iter(chunks)))
    tmp = writer.tmp
    assert (tmp / "data.csv").stat().st_ino == own.st_ino  # the same file, written over
    assert (tmp / "s.csv").stat().st_ino != shared.st_ino
    assert (out / "s.csv").read_bytes() == b"shared" and (out / "data.csv").read_bytes() == b"second"
    writer.commit(Manifest("t", MappingProxyType({"data.csv": "3", "s.csv": "c"}), writer.files))
    assert (out / "data.csv").read_bytes() == b"third!" and (out / "s.csv").read_bytes() == b"changed"


def test_a_clean_build_recycles_the_spare_folder_but_trusts_none_of_its_files(
        tmp_path: Path) -> None:
    """`--clean` writes into the kept spare (no whole-site delete), yet a spare file with the
    right fingerprint but other bytes is never reused, and stale spare files are dropped."""
    out = tmp_path / "build"
    spare = tmp_path / ".build.spare"
    write_fps(out, {"a.html": (b"a1", "a"), "old.html": (b"o", "o")})
    write_fps(out, {"a.html": (b"a1", "a"), "old.html": (b"o", "o")})
    (spare / "a.html").unlink()
    (spare / "a.html").write_bytes(b"tampered")  # the manifest still says fingerprint "a"
    writer = SiteWriter(out, reuse_spare=False)
    assert (writer.tmp / "a.html").exists() and not spare.exists()  # the spare, recycled
    assert not writer.reuse("a.html", "a")
    writer.put("a.html", b"a1")
    writer.commit(Manifest("t", MappingProxyType({"a.html": "a"}), writer.files))
    assert (out / "a.html").read_bytes() == b"a1"
    assert not (out / "old.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.spare", "build"]


def test_a_rendered_file_keeps_the_folders_own_copy_when_its_bytes_are_the_same(
        tmp_path: Path) -> None:
    """In a folder started as the spare, a file whose copy there holds the new bytes is kept
    as it is (no unlink, no link); a copy with other bytes is replaced (here by a link to the
    live file), and a symbolic link there is replaced, never followed."""
    out = tmp_path / "build"
    spare = tmp_path / ".build.spare"
    write_fps(out, {"same.html": (b"s", "s"), "other.html": (b"o1", "o"), "link.html": (b"l", "l")})
    write_fps(out, {"same.html": (b"s", "s"), "other.html": (b"o2", "o"), "link.html": (b"l", "l")})
    (spare / "same.html").unlink()
    (spare / "same.html").write_bytes(b"s")  # a copy of its own, not the live file's
    own = (spare / "same.html").stat().st_ino
    victim = tmp_path / "victim.html"
    victim.write_bytes(b"l")
    (spare / "link.html").unlink()
    (spare / "link.html").symlink_to(victim)
    writer = SiteWriter(out, reuse_spare=False)  # a clean build: no file trusted unread
    for path, data in (("same.html", b"s"), ("other.html", b"o2"), ("link.html", b"l")):
        writer.put(path, data)
    assert writer.written == []  # every file's bytes were there already
    tmp = writer.tmp
    assert (tmp / "same.html").stat().st_ino == own
    assert (tmp / "other.html").stat().st_ino == (out / "other.html").stat().st_ino
    assert not (tmp / "link.html").is_symlink()
    assert (tmp / "link.html").stat().st_ino == (out / "link.html").stat().st_ino
    writer.commit(Manifest("t", MappingProxyType(dict.fromkeys(
        ("same.html", "other.html", "link.html"), "f")), writer.files))
    assert {p: (out / p).read_bytes() for p in ("same.html", "other.html", "link.html")} == {
        "same.html": b"s", "other.html": b"o2", "link.html": b"l"}
    assert victim.read_bytes() == b"l" and not victim.is_symlink()


@given(st.lists(st.text(min_size=1), max_size=12, unique=True),
       st.dictionaries(st.text(), st.text(max_size=5), max_size=12), st.integers(1, 4))
def test_manifest_bytes_are_json_in_any_number_of_pieces(
        files: list[str], pages: dict[str, str], size: int) -> None:
    """The manifest is written in pieces (never whole in memory); read back, it is the same."""
    manifest = Manifest("9.9", MappingProxyType(pages), tuple(files))
    data = b"".join(manifest.chunks(size))
    assert data == manifest.to_bytes() and data.endswith(b"}\n")
    assert json.loads(data) == {"version": MANIFEST_VERSION, "tool": "9.9", "pages": pages,
                                "files": files}


def test_folders_are_swapped_without_a_subprocess(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """renameat2 and syncfs are found among the libraries already loaded: `find_library`
    would run `ldconfig` in a subprocess at every commit."""
    def no_subprocess(name: str) -> str:
        raise AssertionError("find_library ran")

    monkeypatch.setattr(output.ctypes.util, "find_library", no_subprocess)
    output._libc.cache_clear()
    try:
        (tmp_path / "a").mkdir()
        (tmp_path / "a" / "one").write_text("1")
        (tmp_path / "b").mkdir()
        assert output._exchange(tmp_path / "a", tmp_path / "b")
        output._syncfs(tmp_path / "b")
        assert output._libc("syncfs") is not None
        assert (tmp_path / "b" / "one").read_text() == "1" and not any((tmp_path / "a").iterdir())
    finally:
        output._libc.cache_clear()


def test_an_early_flush_ends_with_the_commit(tmp_path: Path) -> None:
    """`flush_soon` writes what is there to disk beside the build; the commit's own flush and
    swap are unchanged, and no thread is left running after it."""
    import threading

    out = tmp_path / "build"
    writer = SiteWriter(out)
    writer.put("a.html", b"first")
    writer.flush_soon()
    writer.flush_soon()  # once is enough
    writer.put("b/index.html", b"second")
    writer.commit(Manifest("t", MappingProxyType({"a.html": "1", "b/index.html": "2"}),
                           writer.files))
    assert (out / "a.html").read_bytes() == b"first"
    assert (out / "b" / "index.html").read_bytes() == b"second"
    assert not any(t.name == "newsarchive-flush" for t in threading.enumerate())
