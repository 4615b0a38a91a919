"""The second pass over the whole corpus: what one file alone cannot tell about bylines.

A byline segment that names an outlet elsewhere in the corpus (or in outlets.yml) is an outlet
here too: `By Staff, Daily Planet` in one file and outlet `Daily Planet` in another settle it.
Author names that differ only in case or middle initials (`Jane Q. Doe`, `Jane Doe`, `JANE DOE`)
are one person, written everywhere in the corpus's most frequent form.
Pure and deterministic: articles in, articles out in the same order, with one Problem per move.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from .model import Article, FieldSource, Problem
from .sources.lexicon import outlet_key, outlet_table

RULE = "corpus.author-is-outlet"
INITIAL = re.compile(r"^[^\W\d_]\.?$")  # `Q.` or `Q`: a middle initial


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


def person_key(name: str) -> str:
    """How two printed author names are compared: case, dots, spacing and middle initials ignored."""
    tokens = name.replace(".", ". ").split()
    if len(tokens) > 2:
        tokens = [tokens[0], *(t for t in tokens[1:-1] if not INITIAL.match(t)), tokens[-1]]
    return " ".join(t.strip(".").casefold() for t in tokens if t.strip("."))


def preferred_names(articles: Iterable[Article]) -> Mapping[str, str]:
    """person_key -> the most frequent printed form; ties go to the form with the fewest capitals
    that is not all capitals (`Jane Doe` over `JANE DOE`), then to the first in sorted order."""
    counts = Counter(name for article in articles for name in article.authors)
    best: dict[str, str] = {}
    for name in sorted(counts):
        key = person_key(name)
        old = best.get(key)
        rank = (-counts[name], name.isupper(), name)
        if old is None or rank < (-counts[old], old.isupper(), old):
            best[key] = name
    return best


def group_names(article: Article, preferred: Mapping[str, str]) -> Article:
    """Authors written in their group's preferred form; repeats after the rewrite dropped."""
    authors = tuple(dict.fromkeys(preferred.get(person_key(a), a) for a in article.authors))
    return article if authors == article.authors else dataclasses.replace(article, authors=authors)


def resolve_corpus(articles: tuple[Article, ...]) -> tuple[tuple[Article, ...], list[Problem]]:
    """Apply what the whole corpus knows to each article; order and everything else unchanged."""
    keys = corpus_outlet_keys(articles)
    moved: list[Article] = []
    problems: list[Problem] = []
    for article in articles:
        fixed, found = resolve_article(article, keys)
        moved.append(fixed)
        problems.extend(found)
    preferred = preferred_names(moved)
    return tuple(group_names(article, preferred) for article in moved), problems
