"""The second pass over the whole corpus: what one file alone cannot tell about bylines.

A byline segment that names an outlet elsewhere in the corpus (or in outlets.yml) is an outlet
here too: `By Staff, Daily Planet` in one file and outlet `Daily Planet` in another settle it.
Pure and deterministic: articles in, articles out in the same order, with one Problem per move.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from .model import Article, FieldSource, Problem
from .sources.lexicon import outlet_key, outlet_table

RULE = "corpus.author-is-outlet"


def corpus_outlet_keys(articles: Iterable[Article]) -> frozenset[str]:
    """Keys of every outlet named in the corpus (as an outlet) or in outlets.yml."""
    keys = {outlet_key(a.outlet) for a in articles if a.outlet}
    keys.update(outlet_table().by_key)
    keys.discard("")
    return frozenset(keys)


def _authors_line(article: Article) -> int:
    return next((s.line for name, s in article.sources if name == "authors"), 0)


def resolve_article(article: Article, outlet_keys: frozenset[str]) -> tuple[Article, list[Problem]]:
    """Move authors that are outlets to the outlet field (the first one, if it is still empty)."""
    moved = [a for a in article.authors if outlet_key(a) in outlet_keys]
    if not moved:
        return article, []
    line = _authors_line(article)
    kept = tuple(a for a in article.authors if a not in moved)
    changes: dict[str, object] = {"authors": kept}
    sources = [s for s in article.sources if s[0] != "authors" or kept]
    if article.outlet is None:
        changes["outlet"] = moved[0]
        sources.append(("outlet", FieldSource(line, RULE)))
    changes["sources"] = tuple(sources)
    problems = [Problem(Path(article.source_path), f"byline name '{name}' is an outlet; moved from "
                        "authors", "corpus.author-is-outlet", line or None) for name in moved]
    return dataclasses.replace(article, **changes), problems  # type: ignore[arg-type]


def resolve_corpus(articles: tuple[Article, ...]) -> tuple[tuple[Article, ...], list[Problem]]:
    """Apply what the whole corpus knows to each article; order and everything else unchanged."""
    keys = corpus_outlet_keys(articles)
    resolved: list[Article] = []
    problems: list[Problem] = []
    for article in articles:
        fixed, found = resolve_article(article, keys)
        resolved.append(fixed)
        problems.extend(found)
    return tuple(resolved), problems
