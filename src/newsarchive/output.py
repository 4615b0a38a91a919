"""Write: build the new site beside the output folder, then swap it in atomically.

A reader or a crash never sees a half-built site; a folder we did not make is never deleted.
Unchanged files are carried forward as hard links, so an edit costs links, not writes.

Double buffering: after the swap the previous site is not deleted but kept beside the output
as `.<out>.spare` (hard links, so it costs directory entries, not file bytes). The next build
starts from it: a file whose fingerprint there equals the new one is already in place, so an
edit costs the files that changed in the last two builds instead of a link per file of the
site. Files in the spare are shared with the live site, so they are only ever replaced
(unlinked first), never written into.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import functools
import json
import os
import shutil
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .diagnostics import UserError

MARKER = ".newsarchive-manifest.json"
MANIFEST_VERSION = 1
_RENAME_EXCHANGE = 2


class OutputError(UserError):
    """A problem with the output folder a user can act on; the message is one clear line."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last build wrote: page path -> fingerprint, and every file we created."""

    tool: str = ""
    pages: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    files: tuple[str, ...] = ()

    def to_bytes(self) -> bytes:
        return b"".join(self.chunks())

    def chunks(self, size: int = 2048) -> Iterator[bytes]:
        """The manifest as JSON, one entry a line, in pieces of `size` entries: made whole it
        was three copies of a 10 MB text at 20,000 articles, in the build's largest moment."""
        def lines(part: list[str] | dict[str, str], start: int) -> bytes:
            text = json.dumps(part, separators=(",\n", ":"))[1:-1]  # no brackets or braces
            return f"{',' if start else ''}\n{text}".encode()

        yield b'{"files":['
        for start in range(0, len(self.files), size):
            yield lines(list(self.files[start:start + size]), start)
        yield b'],\n"pages":{'
        paths = sorted(self.pages)
        for start in range(0, len(paths), size):
            yield lines({path: self.pages[path] for path in paths[start:start + size]}, start)
        yield f'}},\n"tool":{json.dumps(self.tool)},\n"version":{MANIFEST_VERSION}}}\n'.encode()


def read_manifest(out: Path) -> Manifest | None:
    """The previous build's manifest, or None when there is none or it is unreadable."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return None
        # interned: a path is in `pages` and `files`, and an edit reads two manifests (the live
        # site's and the spare's) that share nearly every path and fingerprint
        return Manifest(str(data["tool"]), MappingProxyType(
            {sys.intern(path): sys.intern(print_) for path, print_ in data["pages"].items()}),
            tuple(map(sys.intern, data["files"])))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _is_ours(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def check_output(out: Path, protected: tuple[Path, ...]) -> None:
    """Refuse an output folder that is not ours, or that holds the archive's own inputs."""
    resolved = out.resolve()
    for keep in protected:
        keep = keep.resolve()
        if resolved == keep or keep.is_relative_to(resolved):
            raise OutputError(f"output folder {out} would contain {keep}; choose another --out")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"output {out} is not a folder; refusing to replace it")
    if out.is_dir() and any(out.iterdir()) and not _is_ours(out):
        raise OutputError(
            f"refusing to replace {out}: it was not made by newsarchive (no {MARKER}); "
            "move it away or choose another --out"
        )


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """One build per output folder at a time; a second one refuses with a clear message."""
    lock_path = out.parent / f".{out.name}.lock"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a+")
    except OSError as exc:  # a read-only or full disk: say so in one line
        raise _disk_error(exc, out) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"another newsarchive build is writing {out}; try again when it has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(out: Path) -> None:
    """Undo what an interrupted build left: restore a moved-away site, remove our temp folders."""
    siblings = sorted(out.parent.glob(f"{out.name}.old-*")) + sorted(
        out.parent.glob(f"{out.name}.tmp-*"))
    for folder in siblings:
        if not folder.is_dir():
            continue
        if not _is_ours(folder):
            with contextlib.suppress(OSError):  # only if empty: killed between mkdir and marker
                folder.rmdir()
            continue
        if ".old-" in folder.name and not out.exists():
            os.rename(folder, out)
        else:
            _remove_ours(folder)


def _remove_ours(folder: Path) -> None:
    """Remove a folder we made, its marker last: a removal cut short still looks like ours, so
    the next recover() finishes it (at worst an empty folder is left, which recover removes)."""
    for child in folder.iterdir():
        if child.name != MARKER:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False when the system cannot."""
    renameat2 = _libc("renameat2")
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@functools.cache
def _libc(name: str) -> Callable[..., int] | None:
    """A C library function, looked up among the libraries this process has loaded
    (`find_library` runs `ldconfig` in a subprocess: ~0.03 s of every build), else found."""
    found = _symbol(None, name)
    if found is None:
        library = ctypes.util.find_library("c")
        found = None if library is None else _symbol(library, name)
    return found


def _symbol(library: str | None, name: str) -> Callable[..., int] | None:
    try:
        found: Callable[..., int] | None = getattr(ctypes.CDLL(library, use_errno=True), name,
                                                   None)
    except OSError:
        return None
    return found


def _safe_relative(path: str) -> str:
    """`path` itself when it names a file inside the output folder (checked as a string: a
    build checks ~30,000 of them)."""
    if not path or path.startswith("/") or "\\" in path or ".." in path.split("/") or \
            path.strip("/.") == "":
        raise OutputError(f"refusing to write outside the output folder: {path!r}")
    return path


def _parents(path: str) -> list[str]:
    """`a/b/c.html` -> [`a/b`, `a`]: the folders holding a relative path, nearest first."""
    found = []
    while "/" in path:
        path = path.rpartition("/")[0]
        found.append(path)
    return found


def spare_path(out: Path) -> Path:
    """Where the site before the current one is kept for the next build to start from."""
    return out.parent / f".{out.name}.spare"


@dataclass(frozen=True, slots=True)
class Sink:
    """Stores one file into a SiteWriter's new folder; small and picklable, so render workers
    write the files they render and only a flag travels back."""

    tmp: Path  # the new folder
    out: Path  # the live site, whose identical files are linked instead of written
    fresh: bool  # the folder started as the spare: unlink before writing (it may be shared)

    def store(self, path: str, data: bytes) -> bool:
        """Keep the folder's own copy, or link the live file, when its bytes are the same
        (False), else write them (True). Paths are strings here: ~30,000 files a build, and a
        Path per use was ~0.3 s."""
        target = f"{self.tmp}/{path}"
        if self.fresh:
            if _holds(target, data):  # a clean build over a kept site: most files are there
                return False
            self.clear(target)
        old = f"{self.out}/{path}"
        try:
            if os.stat(old).st_size == len(data):
                with open(old, "rb") as handle:
                    if handle.read() == data:
                        os.link(old, target)
                        return False
        except OSError:
            pass
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise _disk_error(exc, self.out) from exc
        return True

    def store_chunks(self, path: str, chunks: Iterable[bytes]) -> bool:
        """`store` for a file made in pieces (`Page.stream`), written as they come. Only when
        it has the live file's size are the two compared (a changed data file nearly always
        changes size); with every byte the same, the live file is linked instead."""
        target = f"{self.tmp}/{path}"
        old = f"{self.out}/{path}"
        try:
            with open(self._rewrite(target), "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                size = handle.tell()
                handle.truncate(size)
            if _same_bytes(old, target, size):
                os.unlink(target)
                os.link(old, target)
                return False
        except OSError as exc:
            raise _disk_error(exc, self.out) from exc
        return True

    def _rewrite(self, target: str) -> int:
        """A descriptor that writes `target` from its start. The copy the folder started with
        is written over in place when it is a plain file no other name links (the live site
        shares most files, but not one that changed): a whole-archive data file (~65 MB at
        5,000 articles) then frees and allocates no blocks. Otherwise it is a new file."""
        if self.fresh:
            with contextlib.suppress(OSError):
                found = os.lstat(target)
                if stat.S_ISREG(found.st_mode) and found.st_nlink == 1:
                    return os.open(target, os.O_WRONLY | os.O_NOFOLLOW)
            self.clear(target)
        return os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)

    def clear(self, target: str | Path) -> None:
        """Unlink a file the folder started with: it may be shared with the live site."""
        if self.fresh:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)


class SiteWriter:
    """Collects the new site in `<out>.tmp-<pid>` and swaps it in on commit.

    The folder starts as the kept previous site when there is one (see the module docstring):
    its folders are there already, and its files are replaced one by one, so no build deletes a
    whole site's files at once. With `reuse_spare`, `reuse(path, fingerprint)` also costs
    nothing for a file already there with those bytes; without it (`build --clean`) no file is
    trusted, and every one is written or linked from the live site anew.
    """

    def __init__(self, out: Path, reuse_spare: bool = False) -> None:
        self.out = out
        self.tmp = out.parent / f"{out.name}.tmp-{os.getpid()}"
        self.written: list[str] = []  # files whose bytes were written (not carried forward)
        self._dirs: set[str] = set()  # folders known to exist in the new folder
        self._files: list[str] = []
        self._spare: dict[str, str] = {}  # files the folder started with -> their fingerprints
        self._spare_files: tuple[str, ...] = ()
        self._flusher: threading.Thread | None = None  # `flush_soon`
        try:
            if self.tmp.exists():
                shutil.rmtree(self.tmp)
            if not self._take_spare(reuse_spare):
                self.tmp.mkdir(parents=True)
                (self.tmp / MARKER).write_bytes(Manifest().to_bytes())  # marks it as ours
        except OSError as exc:  # without the marker, recover() would never remove it
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise _disk_error(exc, out) from exc

    def _take_spare(self, trusted: bool) -> bool:
        """Start from the kept previous site when it is ours and its manifest is whole; its
        fingerprints are believed only when `trusted`."""
        spare = spare_path(self.out)
        if not spare.is_dir() or spare.is_symlink() or not _is_ours(spare):
            return False
        manifest = read_manifest(spare)
        if manifest is None:
            _remove_ours(spare)
            return False
        os.rename(spare, self.tmp)
        _replace_marker(self.tmp, Manifest())
        self._spare = dict(manifest.pages) if trusted else {}
        self._spare_files = manifest.files
        for folder in {path.rpartition("/")[0] for path in manifest.files}:  # ~1 in 15 files
            if folder:
                self._dirs.update((folder, *_parents(folder)))
        return True

    def reuse(self, path: str, fingerprint: str) -> bool:
        """True when the folder already holds this page with this fingerprint (same bytes)."""
        if self._spare.get(path) != fingerprint or not os.path.isfile(f"{self.tmp}/{path}"):
            return False
        self._files.append(path)
        return True

    def _target(self, path: str) -> str:
        target = self.prepare(path)
        self._files.append(path)
        return target

    def prepare(self, path: str) -> str:
        """Where `path` goes in the new folder, its parent folders made (once each)."""
        parent = _safe_relative(path).rpartition("/")[0]
        if parent and parent not in self._dirs:
            try:
                os.makedirs(f"{self.tmp}/{parent}", exist_ok=True)
            except OSError as exc:
                raise _disk_error(exc, self.out) from exc
            self._dirs.update(_parents(path))
        return f"{self.tmp}/{path}"

    @property
    def sink(self) -> Sink:
        """What a render worker needs to store files that `prepare` made room for."""
        return Sink(self.tmp, self.out, bool(self._spare_files))

    def put(self, path: str, data: bytes) -> None:
        """Write new bytes, or link the old file when its bytes are the same."""
        self.prepare(path)
        self.record(path, self.sink.store(path, data))

    def record(self, path: str, written: bool) -> None:
        """Note a file stored (by `put` or by a worker through `sink`): True if its bytes were
        written, False if the old file was linked."""
        self._files.append(path)
        if written:
            self.written.append(path)

    def carry(self, path: str) -> bool:
        """Carry an unchanged file forward from the current output; False if it is missing."""
        source = f"{self.out}/{path}"
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode):  # a link could point anywhere
                return False
        except OSError:
            return False
        target = self._target(path)
        self.sink.clear(target)
        try:
            os.link(source, target)
        except OSError:
            try:
                shutil.copyfile(source, target)
            except OSError as exc:
                raise _disk_error(exc, self.out) from exc
        return True

    def flush_soon(self) -> None:
        """Start writing what the folder holds so far to disk, beside the rest of the build.

        The kernel writes new files out only when they are old or many, so a clean build's
        commit waited ~0.5 s for its ~450 MB to reach the disk. The flush started here runs
        while the last pages are made; commit's own flush, which is what makes the swap safe,
        then finds little left. The thread only waits in `syncfs` (the folder is opened and
        the function looked up here), so a process forked meanwhile inherits no held lock.
        """
        if self._flusher is not None:
            return
        syncfs = _libc("syncfs")
        try:
            fd = os.open(self.tmp, os.O_RDONLY)
        except OSError:  # commit's flush will say what is wrong
            return
        self._flusher = threading.Thread(target=_flush_and_close, args=(fd, syncfs),
                                         name="newsarchive-flush", daemon=True)
        self._flusher.start()

    def commit(self, manifest: Manifest) -> None:
        """Write the manifest, then swap the new folder in; the old one is kept as the spare."""
        try:
            self._drop_stale()
            _replace_marker(self.tmp, manifest)
            _syncfs(self.tmp)
        except OSError as exc:
            raise _disk_error(exc, self.out) from exc
        finally:
            if self._flusher is not None:  # done by now: commit's flush waited for its writes
                self._flusher.join()
        try:
            self._swap()
        except OSError as exc:
            raise _disk_error(exc, self.out) from exc

    def _drop_stale(self) -> None:
        """Remove what the folder started with that the new site does not have."""
        stale = set(self._spare_files).difference(self._files)
        for path in sorted(stale, reverse=True):
            target = self.tmp / path
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            for parent in _parents(path):
                try:
                    (self.tmp / parent).rmdir()
                except OSError:  # not empty: an ancestor is not empty either
                    break
                self._dirs.discard(parent)

    def _swap(self) -> None:
        if self.out.exists():
            if _exchange(self.tmp, self.out):
                self._keep_spare(self.tmp)
                return
            old = self.out.parent / f"{self.out.name}.old-{os.getpid()}"
            os.rename(self.out, old)
            try:
                os.rename(self.tmp, self.out)
            except OSError:
                os.rename(old, self.out)  # put the previous site back
                raise
            self._keep_spare(old)
        else:
            os.rename(self.tmp, self.out)

    def _keep_spare(self, previous: Path) -> None:
        """Keep the previous site for the next build; any old spare goes first."""
        spare = spare_path(self.out)
        try:
            if spare.is_dir() and not spare.is_symlink() and _is_ours(spare):
                _remove_ours(spare)
            if not spare.exists():
                os.rename(previous, spare)
                return
        except OSError:
            pass
        _remove_ours(previous)

    def abort(self) -> None:
        try:
            _remove_ours(self.tmp)
        except OSError:
            shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted(self._files))


def _holds(path: str, data: bytes) -> bool:
    """Whether `path` is a plain file (not followed if a link) holding exactly `data`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with open(fd, "rb") as handle:
        try:
            found = os.fstat(fd)
            return stat.S_ISREG(found.st_mode) and found.st_size == len(data) and \
                handle.read() == data
        except OSError:
            return False


def _same_bytes(old: str, new: str, size: int) -> bool:
    """Whether the file `old` (if any) holds exactly the `size` bytes of `new`."""
    try:
        if os.stat(old).st_size != size:
            return False
        with open(old, "rb") as first, open(new, "rb") as second:
            while True:
                block = first.read(1 << 20)
                if block != second.read(1 << 20):
                    return False
                if not block:
                    return True
    except FileNotFoundError:
        return False


def _replace_marker(folder: Path, manifest: Manifest) -> None:
    """Replace the marker in one step (a new file renamed over it): the folder is never
    without one, so a kill at any moment leaves a folder recover() knows is ours."""
    staged = folder / f"{MARKER}.new"
    with staged.open("wb") as file:
        file.writelines(manifest.chunks())
    os.replace(staged, folder / MARKER)


def _syncfs(folder: Path) -> None:
    """Flush the new files before the swap, so a power cut cannot expose empty files."""
    _flush_and_close(os.open(folder, os.O_RDONLY), _libc("syncfs"))


def _flush_and_close(fd: int, syncfs: Callable[..., int] | None) -> None:
    """Flush the file system holding `fd` (syncfs; fsync where there is none), then close it."""
    try:
        if syncfs is not None:
            syncfs(fd)
        else:  # pragma: no cover - non-Linux
            os.fsync(fd)
    finally:
        os.close(fd)


def _disk_error(exc: OSError, out: Path) -> OutputError:
    reasons = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
               errno.EACCES: "permission denied", errno.EDQUOT: "the disk quota is exceeded"}
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"cannot write the site next to {out}: {reason}; the previous site is kept")
