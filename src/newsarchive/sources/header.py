"""The header of a copied article: the lines between the headline and the first body paragraph.

Dates, bylines, deks, captions and labels sit there in any order; each line is classified by the
rules below in priority order, and a long line is a dek or promo only when a header line follows.
"""

from __future__ import annotations

import functools

from ..model import FieldSource, RemovedLine
from .byline import glued_label_at, parse_byline
from .dates import find_date, is_date_line
from .draft import OUTLET_RANK, Draft, Line
from .finder import LineTests
from .outlet_signals import WIRE_DATELINE
from .page import (
    has_caption_prefix,
    is_paragraph,
    match_boilerplate,
    match_caption,
    match_related,
    word_count,
)

DEK_MAX_WORDS = 70
HEADER_MAX_LINES = 40  # past this many lines below the headline, the body has begun
HEADER_LOOKAHEAD = 6  # a prefixed byline or date this close below a long line: still the header


@functools.lru_cache(maxsize=8192)
def is_header_line(text: str) -> bool:
    """A line that belongs around a headline: date, prefixed byline, caption or furniture."""
    return (is_date_line(text) or parse_byline(text, require_prefix=True) is not None
            or match_caption(text) is not None or match_boilerplate(text) is not None)


@functools.lru_cache(maxsize=8192)
def _is_strong_header(text: str) -> bool:
    """Lines that are header even when long: a prefixed byline, a date line, a caption."""
    return (is_date_line(text) or parse_byline(text, require_prefix=True) is not None
            or match_caption(text) is not None)


@functools.lru_cache(maxsize=8192)
def near_headline(text: str) -> bool:
    """What sits around a headline in a page: dates, bylines of any form, captions, buttons."""
    return (is_header_line(text) or find_date(text) is not None
            or parse_byline(text) is not None)


def is_furniture(text: str) -> bool:
    return match_boilerplate(text) is not None


@functools.lru_cache(maxsize=8192)
def is_person_byline(text: str) -> bool:
    """A byline naming a person: `By X`, or a name line that is not an all-capitals label."""
    byline = parse_byline(text, require_prefix=not any(c.islower() for c in text))
    return byline is not None and bool(byline.authors)


@functools.lru_cache(maxsize=8192)
def is_dated(text: str) -> bool:
    return find_date(text) is not None and len(text) <= 160


FINDER_TESTS = LineTests(near_headline, is_furniture, is_person_byline, is_dated)


def _strong_header_ahead(lines: list[Line], index: int, draft: Draft) -> bool:
    """A date or byline still missing follows within a few lines: this long line is a promo."""
    ahead = lines[index + 1: index + 1 + HEADER_LOOKAHEAD]
    return (draft.date is None and any(is_date_line(ln.text) and find_date(ln.text) is not None
                                       for ln in ahead)) or (
        not draft.authors and any(parse_byline(ln.text, require_prefix=True) for ln in ahead))


def _dek_here(lines: list[Line], index: int, draft: Draft) -> bool:
    """A standfirst sits above a byline, date or photo, not below both byline and date."""
    if draft.authors and draft.date is not None:
        return False
    for line in lines[index + 1: index + 1 + HEADER_LOOKAHEAD]:
        if is_paragraph(line.text):
            return False
        if _is_strong_header(line.text) or parse_byline(line.text) is not None \
                or (word_count(line.text) <= 20 and find_date(line.text) is not None):
            return True
    return False


def _take_byline(draft: Draft, line: Line, prefixed_only: bool) -> bool:
    byline = parse_byline(line.text, require_prefix=prefixed_only)
    if byline is None or (not prefixed_only and len(line.text) > 120):
        return False
    if draft.authors and set(byline.authors) <= set(draft.authors) and byline.outlet is None:
        draft.remove(line, "byline.repeat")
        return True
    used = False
    if byline.authors and prefixed_only and draft.authors_rule.startswith("byline.name"):
        _drop_authors(draft)
    if byline.authors and not draft.authors:
        draft.authors, draft.authors_rule = byline.authors, byline.rule
        draft.sources.append(("authors", FieldSource(line.number, byline.rule)))
        used = True
    elif byline.authors or (draft.authors and byline.outlet is None):
        draft.remove(line, "byline.extra")
        return True
    if byline.outlet is not None:
        rank = OUTLET_RANK["byline" if byline.authors else "credit"]
        used = draft.set_outlet(byline.outlet, line.number, byline.rule, rank) or used
    used = (take_date(draft, line, also_byline=True) and draft.date_line == line.number) or used
    if not used:
        draft.remove(line, "byline.extra")
    return True


def _drop_authors(draft: Draft) -> None:
    """A bare-name byline guessed earlier gives way to a `By ...` line found later."""
    old = [s for n, s in draft.sources if n == "authors"]
    draft.sources = [s for s in draft.sources if s[0] != "authors"]
    draft.authors, draft.authors_rule = (), ""
    for source in old:
        if source.line not in {s.line for _, s in draft.sources}:
            draft.removed.append(RemovedLine(source.line, draft.texts.get(source.line, ""),
                                             "byline.superseded"))


def take_date(draft: Draft, line: Line, *, also_byline: bool = False) -> bool:
    found = find_date(line.text)
    if found is None:
        return False
    if draft.date is None:
        draft.date, draft.date_line = found.value, line.number
        draft.sources.append(("date", FieldSource(line.number, found.rule)))
    elif not also_byline:
        draft.remove(line, "date.later")
    return True


def _capitals_label(text: str) -> bool:
    """A bare "name" in capitals is a section label (`CAR REVIEWS`), as in the page finder;
    a capitals credit naming only an outlet (`REUTERS`) still counts (`BY X` is read earlier)."""
    if any(c.islower() for c in text):
        return False
    byline = parse_byline(text)
    return byline is not None and bool(byline.authors)


def _header_line(draft: Draft, line: Line) -> None:
    """Classify one header line (the order is the rule table's priority)."""
    text = line.text
    if is_date_line(text):
        if not take_date(draft, line):
            draft.remove(line, "date.relative-or-time")
        return
    if _take_byline(draft, line, prefixed_only=True):
        return
    if not draft.authors and glued_label_at(text) is not None \
            and _take_byline(draft, line, prefixed_only=False):
        return  # `Jane DoeView More Articles`: a name, though its link label reads as furniture
    if (name := match_boilerplate(text)) is not None or has_caption_prefix(text):
        draft.remove(line, name or "caption.prefix")
        return
    if text.startswith("(") and text.endswith(")"):
        draft.remove(line, "caption.credit-parenthesised")
        return
    if not draft.authors and not _capitals_label(text) \
            and _take_byline(draft, line, prefixed_only=False):
        return
    for rule in (match_caption, match_related):
        if (name := rule(text)) is not None:
            draft.remove(line, name)
            return
    if draft.date is None and take_date(draft, line):
        return
    draft.remove(line, "header.label")


def read_header(lines: list[Line], start: int, end: int, draft: Draft) -> int:
    """Classify lines after the headline; return the index where the body starts."""
    index = start
    end = min(end, start + HEADER_MAX_LINES)
    while index < end:
        line = lines[index]
        medium_sentence = word_count(line.text) >= 7 and line.text.rstrip().endswith(".")
        if WIRE_DATELINE.match(line.text):
            return index
        if _is_strong_header(line.text):
            _header_line(draft, line)
        elif is_paragraph(line.text) or (medium_sentence and draft.dek is None):
            short_enough = word_count(line.text) <= DEK_MAX_WORDS
            if draft.dek is None and short_enough and _dek_here(lines, index, draft):
                draft.dek = line
                draft.sources.append(("dek", FieldSource(line.number, "dek.before-header")))
            elif _strong_header_ahead(lines, index, draft):
                draft.remove(line, "header.promo")
            else:
                return index
        else:
            _header_line(draft, line)
        index += 1
    return index


