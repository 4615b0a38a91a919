"""Write: build the new site beside the output folder, then swap it in atomically.

A reader or a crash never sees a half-built site; a folder we did not make is never deleted.
Unchanged files are carried forward as hard links, so an edit costs links, not writes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
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
        data = {"version": MANIFEST_VERSION, "tool": self.tool, "pages": dict(self.pages),
                "files": list(self.files)}
        return (json.dumps(data, sort_keys=True, indent=0) + "\n").encode()


def read_manifest(out: Path) -> Manifest | None:
    """The previous build's manifest, or None when there is none or it is unreadable."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return None
        return Manifest(str(data["tool"]), MappingProxyType(dict(data["pages"])),
                        tuple(data["files"]))
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
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("a+") as handle:
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
        if not folder.is_dir() or not _is_ours(folder):
            continue
        if ".old-" in folder.name and not out.exists():
            os.rename(folder, out)
        else:
            shutil.rmtree(folder)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False when the system cannot."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def _safe_relative(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or "\\" in path or not rel.parts:
        raise OutputError(f"refusing to write outside the output folder: {path!r}")
    return rel


class SiteWriter:
    """Collects the new site in `<out>.tmp-<pid>` and swaps it in on commit."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp = out.parent / f"{out.name}.tmp-{os.getpid()}"
        self.written: list[str] = []  # files whose bytes were written (not carried forward)
        self._dirs: set[PurePosixPath] = set()
        self._files: list[str] = []
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir(parents=True)
        (self.tmp / MARKER).write_bytes(Manifest().to_bytes())  # marks the folder as ours

    def _target(self, path: str) -> Path:
        rel = _safe_relative(path)
        parent = rel.parent
        if parent not in self._dirs:
            (self.tmp / parent).mkdir(parents=True, exist_ok=True)
            self._dirs.update(parent.parents)
            self._dirs.add(parent)
        self._files.append(path)
        return self.tmp / rel

    def put(self, path: str, data: bytes) -> None:
        """Write new bytes, or link the old file when its bytes are the same."""
        target = self._target(path)
        old = self.out / path
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                return
        except OSError:
            pass
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise _disk_error(exc, self.out) from exc
        self.written.append(path)

    def carry(self, path: str) -> bool:
        """Carry an unchanged file forward from the current output; False if it is missing."""
        source = self.out / path
        if not source.is_file() or source.is_symlink():
            return False
        target = self._target(path)
        try:
            os.link(source, target)
        except OSError:
            try:
                shutil.copyfile(source, target)
            except OSError as exc:
                raise _disk_error(exc, self.out) from exc
        return True

    def commit(self, manifest: Manifest) -> None:
        """Write the manifest, then swap the new folder in; the old one is removed after."""
        try:
            (self.tmp / MARKER).write_bytes(manifest.to_bytes())
            _syncfs(self.tmp)
        except OSError as exc:
            raise _disk_error(exc, self.out) from exc
        if self.out.exists():
            if _exchange(self.tmp, self.out):
                shutil.rmtree(self.tmp)
                return
            old = self.out.parent / f"{self.out.name}.old-{os.getpid()}"
            os.rename(self.out, old)
            os.rename(self.tmp, self.out)
            shutil.rmtree(old)
        else:
            os.rename(self.tmp, self.out)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted(self._files))


def _syncfs(folder: Path) -> None:
    """Flush the new files before the swap, so a power cut cannot expose empty files."""
    name = ctypes.util.find_library("c")
    fd = os.open(folder, os.O_RDONLY)
    try:
        syncfs = getattr(ctypes.CDLL(name), "syncfs", None) if name else None
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
