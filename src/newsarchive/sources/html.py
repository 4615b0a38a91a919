"""Saved web pages (placeholder until the metadata reader lands)."""

from __future__ import annotations

from pathlib import Path

from ..model import Article, Problem


def load_html(path: Path, data: bytes) -> tuple[Article | None, list[Problem]]:
    return None, [Problem(path, "saved pages are not supported yet", "load.unsupported")]
