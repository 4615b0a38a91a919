"""Copied text (placeholder until the classifier lands): first line title, rest body."""

from __future__ import annotations

from pathlib import Path

from ..model import Article, Problem
from .decode import decode


def load_text(path: Path, data: bytes) -> tuple[Article | None, list[Problem]]:
    text, problems = decode(path, data)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        return None, [*problems, Problem(path, "no title found", "load.no-title", 1, "error")]
    return Article(source_path=path.as_posix(), title=lines[0], body=tuple(lines[1:])), problems
