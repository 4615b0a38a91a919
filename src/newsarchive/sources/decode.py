"""Bytes -> text for every loader: UTF-8 first, a clear fallback, and normalised line endings."""

from __future__ import annotations

from pathlib import Path

from ..model import Problem

BOMS = (b"\xef\xbb\xbf",)


def decode(path: Path, data: bytes) -> tuple[str, list[Problem]]:
    """Decode as UTF-8; fall back to cp1252/latin-1 with a warning so no file is lost to encoding."""
    problems: list[Problem] = []
    if data.startswith(BOMS[0]):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text, used = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, used = data.decode("latin-1"), "latin-1"
        problems.append(
            Problem(path, f"not valid UTF-8; decoded as {used}", "load.not-utf8", line)
        )
    if "\x00" in text:
        text = text.replace("\x00", "")
        problems.append(Problem(path, "NUL bytes removed", "load.nul-bytes"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, problems


def looks_binary(data: bytes) -> bool:
    """A file with many NULs or control bytes in its first 4 KiB is not an article."""
    head = data[:4096]
    if not head:
        return False
    if head.count(b"\x00") > len(head) // 100 + 1:
        return True
    controls = len(head) - len(head.translate(None, _CONTROLS))  # counted in C
    return controls > len(head) // 20 + 1


_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13))  # tab, LF, FF, CR are text
