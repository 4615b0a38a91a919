"""The `inspect` projection of a record: the exact JSON keys users and score.py read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import Article, Problem

INSPECT_KEYS = ("path", "title", "dek", "authors", "outlet", "date", "date_precision", "tags",
                "body", "related_links", "source_url", "warnings")


def inspect_record(path: str, article: Article | None, problems: Sequence[Problem]) -> dict[str, Any]:
    """One line of `newsarchive inspect`; a file that gave no article still gets a line."""
    warnings = [_problem_text(p) for p in problems]
    if article is None:
        return {"path": path, "title": None, "dek": None, "authors": [], "outlet": None,
                "date": None, "date_precision": None, "tags": [], "body": [],
                "related_links": [], "source_url": None, "warnings": warnings}
    return {
        "path": path,
        "title": article.title,
        "dek": article.dek,
        "authors": list(article.authors),
        "outlet": article.outlet,
        "date": article.date.iso() if article.date else None,
        "date_precision": article.date.precision if article.date else None,
        "tags": list(article.tags),
        "body": list(article.body),
        "related_links": list(article.related_links),
        "source_url": article.source_url,
        "warnings": warnings,
    }


def explain_record(article: Article | None) -> dict[str, Any]:
    """Where each field came from (line and rule) and why each removed line was removed."""
    if article is None:
        return {"fields": {}, "removed": []}
    fields: dict[str, list[dict[str, Any]]] = {}
    for name, source in article.sources:
        fields.setdefault(name, []).append({"line": source.line, "rule": source.rule})
    removed = [{"line": r.line, "rule": r.rule, "text": r.text} for r in article.removed]
    return {"fields": fields, "removed": removed}


def _problem_text(problem: Problem) -> str:
    where = f"line {problem.line}: " if problem.line else ""
    return f"{where}{problem.message}"
