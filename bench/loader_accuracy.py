#!/usr/bin/env python3
"""Score the loader on a labelled corpus: `newsarchive inspect` per kind of input, then score.py.

    bench/loader_accuracy.py [DIR] [--errors N] [--corpus-pass]

DIR defaults to ../shared/corpus/dev beside the repository root; paths are resolved from this
script's location, so it runs from anywhere. Prints score.py's summary line for ID.txt,
ID.page.txt and ID.html (with --errors N, the mistakes before each summary). With --corpus-pass
the files of each kind are loaded in-process and the collect stage's second pass over the whole
corpus (corpus_pass.resolve_corpus) is applied before scoring, to measure what it adds.
"""

from __future__ import annotations

import argparse
import json
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


def with_corpus_pass(paths: list[Path]) -> str:
    """inspect's JSON lines for paths, after the corpus pass over all of them (in-process)."""
    sys.path.insert(0, str(REPO / "src"))
    from newsarchive.corpus_pass import resolve_corpus
    from newsarchive.explain import inspect_record
    from newsarchive.sources import load_file

    loaded = [(path, *load_file(path, path.read_bytes())) for path in paths]
    articles = tuple(article for _, article, _ in loaded if article is not None)
    resolved = iter(resolve_corpus(articles)[0])
    lines = [json.dumps(inspect_record(str(path), next(resolved) if article else None, problems),
                        ensure_ascii=False) for path, article, problems in loaded]
    return "\n".join(lines) + "\n"


def score_kind(corpus: Path, kind: str, errors: int, corpus_pass: bool = False) -> str:
    """Run inspect over one kind of file and return score.py's output."""
    paths = files_of_kind(corpus, kind)
    if corpus_pass:
        predictions = with_corpus_pass(paths)
    else:
        predictions = subprocess.run(
            [python_exe(), "-m", "newsarchive", "inspect", *map(str, paths)],
            capture_output=True, text=True, cwd=REPO, check=False).stdout
    scorer = corpus.parent / "score.py"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8") as pred:
        pred.write(predictions)
        pred.flush()
        scored = subprocess.run([sys.executable, str(scorer), pred.name, str(corpus),
                                 "--errors", str(errors)],
                                capture_output=True, text=True, check=False)
    return scored.stdout + scored.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--errors", type=int, default=0, metavar="N")
    parser.add_argument("--corpus-pass", action="store_true",
                        help="apply the collect stage's corpus pass before scoring")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    for kind in KINDS:
        output = score_kind(corpus, kind, args.errors, args.corpus_pass).rstrip("\n").splitlines()
        if args.errors:
            print("\n".join(output[:-1]))
        print(output[-1] if output else f"no output for {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
