#!/usr/bin/env python3
"""Score the loader on a labelled corpus: `newsarchive inspect` per kind of input, then score.py.

    bench/loader_accuracy.py [DIR] [--errors N]

DIR defaults to ../shared/corpus/dev beside the repository root; paths are resolved from this
script's location, so it runs from anywhere. Prints score.py's summary line for ID.txt,
ID.page.txt and ID.html (with --errors N, the mistakes before each summary).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO.parent / "shared" / "corpus" / "dev"
KINDS = (".txt", ".page.txt", ".html")


def files_of_kind(corpus: Path, kind: str) -> list[Path]:
    """ID.txt must not pick up ID.page.txt: match on the whole suffix after the id."""
    return sorted(p for p in corpus.iterdir() if p.name.partition(".")[2] == kind.lstrip("."))


def python_exe() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def score_kind(corpus: Path, kind: str, errors: int) -> str:
    """Run inspect over one kind of file and return score.py's output."""
    paths = [str(p) for p in files_of_kind(corpus, kind)]
    inspected = subprocess.run([python_exe(), "-m", "newsarchive", "inspect", *paths],
                               capture_output=True, text=True, cwd=REPO, check=False)
    scorer = corpus.parent / "score.py"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as pred:
        pred.write(inspected.stdout)
        pred.flush()
        scored = subprocess.run([sys.executable, str(scorer), pred.name, str(corpus),
                                 "--errors", str(errors)],
                                capture_output=True, text=True, check=False)
    return scored.stdout + scored.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--errors", type=int, default=0, metavar="N")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    for kind in KINDS:
        output = score_kind(corpus, kind, args.errors).rstrip("\n").splitlines()
        if args.errors:
            print("\n".join(output[:-1]))
        print(output[-1] if output else f"no output for {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
