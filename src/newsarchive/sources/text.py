"""Copied text: lines -> (article span) -> each line classified by named rules -> fields.

A browser copy puts each paragraph, caption, button label and byline on its own line, so the unit
of classification is the non-blank line. Every non-blank line ends in exactly one place: a field
(with its FieldSource), the body, related_links, or removed (with the rule that removed it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Article, DateValue, FieldSource, Problem, RemovedLine
from .byline import parse_byline
from .dates import find_date, is_date_line
from .decode import decode
from .frontmatter import split_front_matter
from .lexicon import outlet_table
from .page import (
    COPYRIGHT,
    classify_body_line,
    find_article,
    has_caption_prefix,
    is_paragraph,
    is_title_shaped,
    match_boilerplate,
    match_caption,
    match_copyright,
    match_related,
    normalise,
    word_count,
)

DEK_MAX_WORDS = 70
HEADER_MAX_LINES = 40  # past this many lines below the headline, the body has begun
HEADER_LOOKAHEAD = 6  # a prefixed byline or date this close below a long line: still the header
WIRE_DATELINE = re.compile(r"^[\w .,'’()/-]{2,60}?\(([A-Za-z][\w .-]{1,30})\)\s*[-–—:]")
SELF_MENTION = re.compile(
    r"originally (?:published|appeared) (?:on|in|at|by) (?P<a>[A-Z0-9][\w.&'’ -]{1,40}?)\.?\s*$"
    r"|subscribe to (?P<b>[A-Z0-9][\w.&'’ -]{1,40}?)(?:'s)? (?:newsletters?|on (?:youtube|twitter|"
    r"facebook|instagram|telegram|whatsapp)|daily|weekly|free|podcast)", re.IGNORECASE)
DATE_LABEL = re.compile(r"(?:updated|published|posted|last modified|first published)\b", re.I)
OUTLET_SUFFIX = re.compile(r"\s+(?:news\s+)?(?:bureau|desk|staff|team|newsroom|web desk|online)$",
                           re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank input line."""

    number: int  # 1-based line in the file
    text: str  # stripped of surrounding white space, otherwise verbatim


@dataclass(slots=True)
class Draft:
    """The record under construction inside one load_text call (never leaves this module)."""

    title: Line | None = None
    dek: Line | None = None
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: DateValue | None = None
    body: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    sources: list[tuple[str, FieldSource]] = field(default_factory=list)
    outlet_rank: int = 99  # lower is stronger evidence; see OUTLET_RANK
    texts: dict[int, str] = field(default_factory=dict)  # line number -> text, for overrides
    date_line: int = 0  # the line the date came from
    authors_rule: str = ""  # the byline rule that gave the authors

    def remove(self, line: Line, rule: str) -> None:
        self.removed.append(RemovedLine(line.number, line.text, rule))

    def set_outlet(self, name: str, line: int, rule: str, rank: int) -> bool:
        """Keep the strongest evidence; `News Nation Bureau` names the outlet `News Nation`."""
        trimmed = OUTLET_SUFFIX.sub("", name).strip()
        name = trimmed if trimmed and trimmed.casefold() != "the" else name
        if rank >= self.outlet_rank:
            return False
        old = [s for n, s in self.sources if n == "outlet"]
        self.sources = [s for s in self.sources if s[0] != "outlet"]
        for source in old:  # a credit line that only gave the outlet must stay accounted for
            if source.rule.startswith("byline.") and source.line not in {
                    s.line for _, s in self.sources}:
                self.removed.append(RemovedLine(source.line, self.texts.get(source.line, ""),
                                                "byline.outlet-superseded"))
        self.outlet, self.outlet_rank = name, rank
        self.sources.append(("outlet", FieldSource(line, rule)))
        return True


# Rules that read a field from a line which itself stays in the body or in removed (the wire
# dateline opening the body, a footer copyright line, an "originally published on X" line).
IN_PLACE_RULES = frozenset({"dateline.wire", "footer.copyright", "outlet.self-mention"})
OUTLET_RANK = {"byline": 1, "copyright": 2, "credit": 3, "dateline": 4, "self-mention": 5}


# --- header: the lines between the headline and the first body paragraph -------------------------

def is_header_line(text: str) -> bool:
    """A line that belongs around a headline: date, prefixed byline, caption or furniture."""
    return (is_date_line(text) or parse_byline(text, require_prefix=True) is not None
            or match_caption(text) is not None or match_boilerplate(text) is not None)


def _is_strong_header(text: str) -> bool:
    """Lines that are header even when long: a prefixed byline, a date line, a caption."""
    return (is_date_line(text) or parse_byline(text, require_prefix=True) is not None
            or match_caption(text) is not None)


def _near_headline(text: str) -> bool:
    """What sits around a headline in a page: dates, bylines of any form, captions, buttons."""
    return (is_header_line(text) or find_date(text) is not None
            or parse_byline(text) is not None)


def _is_furniture(text: str) -> bool:
    return match_boilerplate(text) is not None


def _strong_header_ahead(lines: list[Line], index: int, draft: Draft) -> bool:
    """A date or byline still missing follows within a few lines: this long line is a promo."""
    ahead = lines[index + 1: index + 1 + HEADER_LOOKAHEAD]
    return (draft.date is None and any(is_date_line(ln.text) and find_date(ln.text) is not None
                                       for ln in ahead)) or (
        not draft.authors and any(parse_byline(ln.text, require_prefix=True) for ln in ahead))


def _dek_here(lines: list[Line], index: int, draft: Draft) -> bool:
    """A standfirst sits above a byline, date or photo, not below both byline and date."""
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
    used = (_take_date(draft, line, also_byline=True) and draft.date_line == line.number) or used
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


def _take_date(draft: Draft, line: Line, *, also_byline: bool = False) -> bool:
    found = find_date(line.text)
    if found is None:
        return False
    if draft.date is None:
        draft.date, draft.date_line = found.value, line.number
        draft.sources.append(("date", FieldSource(line.number, found.rule)))
    elif not also_byline:
        draft.remove(line, "date.later")
    return True


def _header_line(draft: Draft, line: Line) -> None:
    """Classify one header line (the order is the rule table's priority)."""
    text = line.text
    if is_date_line(text):
        if not _take_date(draft, line):
            draft.remove(line, "date.relative-or-time")
        return
    if _take_byline(draft, line, prefixed_only=True):
        return
    if (name := match_boilerplate(text)) is not None or has_caption_prefix(text):
        draft.remove(line, name or "caption.prefix")
        return
    if text.startswith("(") and text.endswith(")"):
        draft.remove(line, "caption.credit-parenthesised")
        return
    if not draft.authors and _take_byline(draft, line, prefixed_only=False):
        return
    for rule in (match_caption, match_related):
        if (name := rule(text)) is not None:
            draft.remove(line, name)
            return
    if draft.date is None and _take_date(draft, line):
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


# --- body, the lines around the article, and the record ----------------------------------------

def _wire_credit(draft: Draft, line: Line) -> None:
    """`JERUSALEM (AP) —` opening the body: the line stays body, the agency is credited."""
    match = WIRE_DATELINE.match(line.text)
    outlet = outlet_table().find(match[1]) if match else None
    if outlet is not None and outlet.wire:
        draft.set_outlet(outlet.name, line.number, "dateline.wire", OUTLET_RANK["dateline"])


def _self_mention(draft: Draft, line: Line) -> None:
    """`Originally published on X.`, `Subscribe to X newsletter`: the outlet names itself."""
    match = SELF_MENTION.search(line.text) if len(line.text) <= 300 else None
    if match is not None:
        name = (match["a"] or match["b"]).strip(" .")
        draft.set_outlet(name, line.number, "outlet.self-mention", OUTLET_RANK["self-mention"])


def _take_copyright(draft: Draft, line: Line) -> None:
    match = COPYRIGHT.search(line.text)
    name = match[1].strip(" .,-") if match else ""
    if name and 1 <= word_count(name) <= 6 and not name[:1].isdigit():
        draft.set_outlet(name, line.number, "footer.copyright", OUTLET_RANK["copyright"])


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
            _wire_credit(draft, line)
        _self_mention(draft, line)
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
                _take_copyright(draft, line)
            draft.remove(line, rule)


RELATED_LABELS = frozenset({"more", "related", "related articles", "related stories", "read more",
                            "see also", "read also", "also read", "recommended", "more from",
                            "you may also like", "you might also like", "trending news"})


def _outside(lines: list[Line], draft: Draft, indexes: range, rule: str) -> None:
    """Lines of a whole-page copy outside the article: kept as removed; a footer names the outlet."""
    for index in indexes:
        line = lines[index]
        if match_copyright(line.text):
            _take_copyright(draft, line)
        _self_mention(draft, line)
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


def classify_lines(lines: list[Line]) -> Draft:
    """The whole pipeline over non-blank lines: span, title, header, body."""
    draft = Draft(texts={line.number: line.text for line in lines})
    if not lines:
        return draft
    span = find_article([ln.text for ln in lines], _near_headline, _is_furniture)
    _outside(lines, draft, range(0, span.title), "page.before-article")
    title = _title_index(lines, draft, span.title)
    draft.title = lines[title]
    draft.sources.append(("title", FieldSource(lines[title].number,
                                               "title.page-headline" if span.whole_page
                                               else "title.first-line")))
    body_start = read_header(lines, title + 1, span.body_end, draft)
    read_body(lines, body_start, span.body_end, draft)
    _outside(lines, draft, range(span.body_end, len(lines)), "page.after-article")
    return draft


def split_lines(text: str, first_line: int) -> list[Line]:
    """Non-blank lines with their 1-based numbers; surrounding white space dropped."""
    return [Line(number, stripped) for number, raw in enumerate(text.split("\n"), first_line)
            if (stripped := raw.strip())]


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
