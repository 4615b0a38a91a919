"""Markdown with YAML front matter: the fields are given, the body is Markdown blocks."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Article, DateValue, FieldSource, Problem
from .decode import decode
from .frontmatter import split_front_matter


def markdown_blocks(text: str) -> tuple[str, ...]:
    """Split Markdown into top-level blocks at blank lines, keeping fenced code blocks whole."""
    blocks: list[str] = []
    current: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif fence is not None and stripped.startswith(fence):
            fence = None
        if fence is None and not line.strip():
            if current:
                blocks.append("\n".join(current).rstrip())
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current).rstrip())
    return tuple(b for b in blocks if b.strip())


def load_markdown(path: Path, data: bytes) -> tuple[Article | None, list[Problem]]:
    """Front matter gives the fields; a missing title falls back to the first `# heading`."""
    text, problems = decode(path, data)
    front, fm_problems = split_front_matter(path, text)
    problems += fm_problems
    fields = dict(front.fields) if front else {}
    body_text = text[front.body_start:] if front else text
    body_line = front.body_line if front else 1
    sources: list[tuple[str, FieldSource]] = [
        (name, FieldSource(1, "frontmatter")) for name in fields if name != "slug"
    ]
    title = fields.get("title")
    if not isinstance(title, str):
        heading = re.search(r"^#[ \t]+(.+?)[ \t#]*$", body_text, re.MULTILINE)
        if heading is not None:
            title = heading.group(1).strip()
            line = body_line + body_text.count("\n", 0, heading.start())
            body_text = body_text[: heading.start()] + body_text[heading.end():]
            sources.append(("title", FieldSource(line, "markdown.h1")))
    if not isinstance(title, str) or not title:
        return None, [*problems, Problem(path, "no title: add 'title:' to the front matter",
                                         "load.no-title", 1, "error")]
    date = fields.get("date")
    return Article(
        source_path=path.as_posix(),
        title=title,
        body=markdown_blocks(body_text),
        body_format="markdown",
        dek=_text(fields.get("dek")),
        authors=_tuple(fields.get("authors")),
        outlet=_text(fields.get("outlet")),
        date=date if isinstance(date, DateValue) else None,
        tags=_tuple(fields.get("tags")),
        related_links=_tuple(fields.get("related_links")),
        source_url=_text(fields.get("source_url")),
        slug_hint=_text(fields.get("slug")),
        warnings=tuple(p.message for p in problems),
        sources=tuple(sources),
    ), problems


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _tuple(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple) else ()
