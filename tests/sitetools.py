"""Helpers the build tests share: build a fixture archive, digest a built tree."""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsarchive.pipeline import BuildOptions, BuildResult, build


def build_site(site: Path, out: Path | None = None, *, clean: bool = False,
               workers: int | None = 1) -> BuildResult:
    return build(site / "site.yml", BuildOptions(out=out, clean=clean, workers=workers))


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file of a folder -> its content hash (the manifest's own timestamps are excluded)."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }
