#!/usr/bin/env python3
"""trafilatura's `bare_extraction(..., with_metadata=True)` on saved pages, scored like our loader.

    .venv/bin/python bench/trafilatura_baseline.py [DIR] [--out FILE] [--errors N]

Writes one JSON record per ID.html in the `newsarchive inspect` shape (default /tmp/trafilatura.jsonl)
and runs the corpus's score.py on it, so the figures sit beside ours in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from trafilatura import bare_extraction

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


def _record(path: Path) -> dict[str, Any]:
    """One page -> the keys score.py reads; fields trafilatura did not find are null/empty."""
    result = bare_extraction(path.read_bytes(), with_metadata=True)
    doc = result.as_dict() if result is not None and not isinstance(result, dict) else result or {}
    authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
    text = doc.get("text") or ""
    return {
        "path": str(path), "title": doc.get("title"), "authors": authors,
        "outlet": doc.get("sitename"), "date": doc.get("date"),
        "body": [p.strip() for p in text.split("\n") if p.strip()],
        "source_url": doc.get("url"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--out", type=Path, default=Path("/tmp/trafilatura.jsonl"))
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    pages = sorted(args.corpus.glob("*.html"))
    start = time.perf_counter()
    with args.out.open("w", encoding="utf-8") as out:
        for page in pages:
            out.write(json.dumps(_record(page), ensure_ascii=False) + "\n")
    per_page = (time.perf_counter() - start) * 1000 / max(len(pages), 1)
    print(f"{len(pages)} pages, {per_page:.1f} ms/page", file=sys.stderr)
    score = args.corpus.parent / "score.py"
    cmd = [sys.executable, str(score), str(args.out), str(args.corpus), "--errors", str(args.errors)]
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
