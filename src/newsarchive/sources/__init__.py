"""Load: one input file -> (Article | None, problems). Knows nothing of other files."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import pickle
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from ..model import Article, Problem
from .decode import looks_binary

_T = TypeVar("_T")
Loader = Callable[[Path, bytes], tuple[Article | None, list[Problem]]]

MAX_FILE_BYTES = 20 * 1024 * 1024  # an article over 20 MiB is not an article; refuse, don't choke
LOADER_VERSION = "3"  # bump when any loader's output changes, so caches are rebuilt


_LOADERS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html",
            ".htm": "html"}  # suffix -> the module whose `load_<module>` reads it
ARTICLE_SUFFIXES = frozenset(_LOADERS)


def _loader(suffix: str) -> Loader | None:
    """The loader for a suffix, its module imported when first needed: an edit of one
    Markdown file need not import the copied-text and HTML readers (~0.05 s)."""
    name = _LOADERS.get(suffix)
    if name is None:
        return None
    loader: Loader = getattr(importlib.import_module(f".{name}", __name__), f"load_{name}")
    return loader


def load_file(path: Path, data: bytes) -> tuple[Article | None, list[Problem]]:
    """Parse one file by its suffix; every failure is a Problem, never an exception."""
    loader = _loader(path.suffix.lower())
    if loader is None:
        return None, [Problem(path, f"not an article file ({path.suffix or 'no suffix'})",
                              "load.unsupported", None, "warning")]
    if not data.strip():
        return None, [Problem(path, "file is empty", "load.empty", None, "error")]
    if len(data) > MAX_FILE_BYTES:  # read_file stops just past the limit: the size is unknown
        return None, [Problem(path, "file is over the 20 MiB limit", "load.too-large", None,
                              "error")]
    if looks_binary(data):
        return None, [Problem(path, "file looks binary, not text", "load.binary", None, "error")]
    article, problems = loader(path, data)
    if article is not None:
        digest = hashlib.sha256(data).hexdigest()
        mended = _without_surrogates(article) if _may_hold_surrogates(article) else article
        if mended is not article:
            # source_path stays as the file system gave it (an undecodable name's bytes escaped)
            mended = dataclasses.replace(mended, source_path=article.source_path)
            if mended != article:
                problems.append(Problem(path, "escape for a lone UTF-16 surrogate (e.g. \\ud800) "
                                        "replaced with U+FFFD", "load.surrogate"))
        article = dataclasses.replace(mended, content_hash=digest)
    return article, problems


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_UTF8 = re.compile(b"\xed[\xa0-\xbf]")  # how a surrogate is spelled in a pickle


def _may_hold_surrogates(article: Article) -> bool:
    """False when no string of the article holds a surrogate, decided in C: a pickle spells
    every string in UTF-8 with surrogates passed through (bytes ED A0-BF), which text never
    has; other bytes of the pickle may match too, and then `_without_surrogates` decides.
    Walking every field of every article in Python was a third of parsing a Markdown file."""
    return _SURROGATE_UTF8.search(pickle.dumps(article, pickle.HIGHEST_PROTOCOL)) is not None


def _without_surrogates(value: _T) -> _T:
    """`value` with surrogate code points mended: a pair joined into its character, a lone one
    replaced with U+FFFD. Escapes in YAML (`"\\ud800"`) or JSON-LD make them, and no UTF-8
    writer can encode them; the same object back when there are none, so the check is cheap."""
    if isinstance(value, str):
        if value.isascii() or not _SURROGATE.search(value):
            return value
        mended = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return mended  # type: ignore[return-value]
    if isinstance(value, tuple):
        items = tuple(_without_surrogates(v) for v in value)
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: new for f in dataclasses.fields(value)
                   if (new := _without_surrogates(old := getattr(value, f.name))) is not old}
        return dataclasses.replace(value, **changes) if changes else value
    return value


def iter_article_files(root: Path) -> Iterator[tuple[Path, Problem | None]]:
    """Yield every candidate file under root in sorted order, with a Problem for ones refused.

    Hidden files and folders are skipped; symlinks are followed only when they stay inside root,
    and folder symlinks never, so a loop or an escape cannot happen. A folder's files come
    before its subfolders'. One `scandir` per folder: its entries know their kind without a
    `stat` per file (every build walks the archive twice).
    """
    return _walk(root, root.resolve())


def _walk(folder: Path, real_root: Path) -> Iterator[tuple[Path, Problem | None]]:
    try:
        with os.scandir(folder) as found:
            entries = sorted((e for e in found if not e.name.startswith(".")),
                             key=lambda e: e.name)
    except OSError:  # an unreadable folder is left out, as os.walk leaves it
        return
    folders = []
    for entry in entries:
        if _is_dir(entry):  # a folder, or a symlink to one: never entered (see above)
            if not entry.is_symlink():
                folders.append(entry.name)
            continue
        path = folder / entry.name
        if entry.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                yield path, Problem(path, "broken or looping symlink skipped",
                                    "load.bad-symlink", None, "warning")
                continue
            if not target.is_relative_to(real_root):
                yield path, Problem(path, "symlink points outside the articles folder; skipped",
                                    "load.symlink-outside", None, "warning")
                continue
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            yield path, Problem(path, f"not an article file ({path.suffix or 'no suffix'}); skipped",
                                "load.unsupported", None, "warning")
            continue
        yield path, None
    for name in folders:
        yield from _walk(folder / name, real_root)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """As os.walk sees it: a symlink loop or an unreadable target is not a folder."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def read_file(path: Path) -> tuple[bytes | None, Problem | None]:
    """Read at most MAX_FILE_BYTES + 1 bytes, so a huge file costs no more than the limit."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1), None
    except OSError as exc:
        return None, Problem(path, f"cannot read: {exc.strerror or exc}", "load.unreadable",
                             None, "error")
