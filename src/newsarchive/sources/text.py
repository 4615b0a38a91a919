"""Copied text: lines -> (article span) -> each line classified by named rules -> fields.

A browser copy puts each paragraph, caption, button label and byline on its own line, so the unit
of classification is the non-blank line. Every non-blank line ends in exactly one place: a field
(with its FieldSource), the body, related_links, or removed (with the rule that removed it).
The header rules live in header.py, the outlet signals in outlet_signals.py, the line rules and
the article finder in page.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..model import Article, FieldSource, Problem, RemovedLine
from .dates import find_date, is_date_line
from .decode import decode
from .draft import IN_PLACE_RULES, Draft, Line, split_lines
from .finder import find_article
from .frontmatter import split_front_matter
from .header import FINDER_TESTS, is_header_line, read_header, take_date
from .outlet_signals import self_mention, take_copyright, take_site_name, wire_credit
from .page import (
    classify_body_line,
    is_paragraph,
    is_title_shaped,
    match_copyright,
    normalise,
    word_count,
)
from .self_reference import take_embedded_post_date, take_self_reference
from .tail import article_end

__all__ = ["IN_PLACE_RULES", "load_text", "split_lines"]

DATE_ABOVE_LINES = 3  # how far above a page's headline its date line may sit
DATE_LABEL = re.compile(r"(?:updated|published|posted|last modified|last updated|first published)\b",
                        re.I)


# --- body, the lines around the article, and the record ----------------------------------------

def _repeated(text: str, index: int, seen: dict[str, int], title: str | None) -> bool:
    """The headline again, or a line just printed (slideshow captions print twice or thrice)."""
    if text == title:
        return True
    last = seen.get(text)
    return last is not None and (index - last <= 3 or word_count(text) >= 15)


def read_body(lines: list[Line], start: int, end: int, draft: Draft) -> None:
    """Body paragraphs, minus related links, furniture, captions and tag lists (each kept)."""
    after_label = False
    seen: dict[str, int] = {}  # body text -> index where it last appeared
    title = draft.title.text if draft.title else None
    for index in range(start, end):
        line = lines[index]
        kind, rule = classify_body_line(line.text)
        if index == start:
            wire_credit(draft, line)
        self_mention(draft, line)
        if kind == "body" and after_label and not is_paragraph(line.text) \
                and is_title_shaped(line.text) and not line.text.endswith("."):
            draft.related.append(line.text)
            continue
        after_label = rule == "boilerplate.label" and normalise(line.text) in RELATED_LABELS
        if kind == "body" and _repeated(line.text, index, seen, title):
            kind, rule = "duplicate", "duplicate.repeat"  # slideshow captions print twice
        elif kind == "body" and is_date_line(line.text) and DATE_LABEL.match(line.text):
            kind, rule = "date", "date.in-body"
        if kind == "body":
            draft.body.append(line.text)
            seen[line.text] = index
        elif kind == "related":
            draft.related.append(line.text)
        else:
            if kind == "copyright":
                take_copyright(draft, line)
            draft.remove(line, rule)


RELATED_LABELS = frozenset({"more", "related", "related articles", "related stories", "read more",
                            "see also", "read also", "also read", "recommended", "more from",
                            "you may also like", "you might also like", "trending news",
                            "related news"})


def _outside(lines: list[Line], draft: Draft, indexes: Iterable[int], rule: str) -> None:
    """Lines of a whole-page copy outside the article: kept as removed; a footer names the outlet."""
    for index in indexes:
        line = lines[index]
        if match_copyright(line.text):
            take_copyright(draft, line)
        self_mention(draft, line)
        draft.remove(line, rule)


def _title_index(lines: list[Line], draft: Draft, start: int) -> int:
    """A short section label or kicker (`World`, `EXCLUSIVE`) above the headline is not the title."""
    first = lines[start].text
    if start + 1 < len(lines) and word_count(first) <= 2 and len(first) <= 24:
        following = lines[start + 1].text
        if is_title_shaped(following) and not is_header_line(following) \
                and not is_paragraph(following):
            draft.remove(lines[start], "kicker.label")
            return start + 1
    return start


def _date_above(lines: list[Line], title: int) -> int | None:
    """A date line just above a page's headline (`Wednesday 20 November 2019 9:22 am`): pages
    print the date above as often as below; it serves when the header below has none."""
    for index in range(title - 1, max(-1, title - DATE_ABOVE_LINES - 1), -1):
        text = lines[index].text
        labelled = DATE_LABEL.match(text) is not None and word_count(text) <= 20
        if (labelled or is_date_line(text)) and find_date(text) is not None:
            return index
    return None


def classify_lines(lines: list[Line]) -> Draft:
    """The whole pipeline over non-blank lines: span, title, header, body."""
    draft = Draft(texts={line.number: line.text for line in lines})
    if not lines:
        return draft
    span = find_article([ln.text for ln in lines], FINDER_TESTS)
    above = _date_above(lines, span.title) if span.whole_page else None
    _outside(lines, draft, [i for i in range(0, span.title) if i != above], "page.before-article")
    title = _title_index(lines, draft, span.title)
    draft.title = lines[title]
    draft.sources.append(("title", FieldSource(lines[title].number,
                                               "title.page-headline" if span.whole_page
                                               else "title.first-line")))
    body_start = read_header(lines, title + 1, span.body_end, draft)
    if above is not None and not (draft.date is None and take_date(draft, lines[above])):
        draft.remove(lines[above], "page.before-article")
    texts = [line.text for line in lines]
    tail = article_end(texts, body_start, span.body_end, draft.authors)
    read_body(lines, body_start, tail.index, draft)
    _outside(lines, draft, range(tail.index, span.body_end), tail.rule)
    _outside(lines, draft, range(span.body_end, len(lines)), "page.after-article")
    if span.whole_page:
        take_site_name(draft, lines)
    take_self_reference(draft, lines[title:tail.index])  # the weakest evidence: only if none else
    take_embedded_post_date(draft, lines[body_start:tail.index])
    return draft


FRONT_MATTER_FIELDS = ("title", "dek", "authors", "outlet", "date", "tags", "source_url",
                       "related_links")


def _apply_front_matter(draft: Draft, given: dict[str, object]) -> dict[str, object]:
    """Fields from front matter win; an inferred line they replace is kept as removed."""
    values: dict[str, object] = {
        "title": draft.title.text if draft.title else None, "dek": draft.dek.text if draft.dek else None,
        "authors": draft.authors, "outlet": draft.outlet, "date": draft.date, "tags": (),
        "source_url": None, "related_links": tuple(draft.related)}
    for name in FRONT_MATTER_FIELDS:
        if name not in given:
            continue
        values[name] = given[name] if name != "related_links" else (
            *tuple(given[name] or ()), *draft.related)  # type: ignore[arg-type]
        for kept_name, source in [s for s in draft.sources if s[0] == name]:
            draft.sources.remove((kept_name, source))
            draft.removed.append(RemovedLine(source.line, draft.texts.get(source.line, ""),
                                             "frontmatter.override"))
        draft.sources.append((name, FieldSource(1, "frontmatter")))
    return values


def load_text(path: Path, data: bytes) -> tuple[Article | None, list[Problem]]:
    """Parse one copied article (or whole copied page); never raises for bad input."""
    text, problems = decode(path, data)
    front, fm_problems = split_front_matter(path, text)
    problems.extend(fm_problems)
    body_text, first_line = (text[front.body_start:], front.body_line) if front else (text, 1)
    draft = classify_lines(split_lines(body_text, first_line))
    values = _apply_front_matter(draft, dict(front.fields) if front else {})
    title = values["title"]
    if not isinstance(title, str) or not title:
        return None, [*problems, Problem(path, "no title found", "load.no-title", first_line, "error")]
    removed = tuple(sorted(draft.removed, key=lambda r: (r.line, r.rule)))
    article = Article(
        source_path=path.as_posix(), title=title, body=tuple(draft.body),
        dek=values["dek"], authors=tuple(values["authors"]),  # type: ignore[arg-type]
        outlet=values["outlet"], date=values["date"],  # type: ignore[arg-type]
        tags=tuple(values["tags"]), related_links=tuple(values["related_links"]),  # type: ignore[arg-type]
        removed=removed, source_url=values["source_url"],  # type: ignore[arg-type]
        slug_hint=front.fields.get("slug") if front else None,  # type: ignore[arg-type]
        sources=tuple(draft.sources),
    )
    return article, problems
