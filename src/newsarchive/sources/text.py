"""Copied text: lines -> (article span) -> each line classified by named rules -> fields.

A browser copy puts each paragraph, caption, button label and byline on its own line, so the unit
of classification is the non-blank line. Every non-blank line ends in exactly one place: a field
(with its FieldSource), the body, related_links, or removed (with the rule that removed it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Article, DateValue, FieldSource, Problem, RemovedLine
from .byline import parse_byline
from .dates import find_date, is_date_line
from .decode import decode
from .frontmatter import split_front_matter
from .lexicon import outlet_table, words
from .page import find_article, is_paragraph, is_title_shaped, word_count

DEK_MAX_WORDS = 70
HEADER_LOOKAHEAD = 6  # a prefixed byline or date this close below a long line: still the header
WIRE_DATELINE = re.compile(r"^[\w .,'’()/-]{2,60}?\(([A-Za-z][\w .-]{1,30})\)\s*[-–—:]")
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
                       r"([^\d.|,;©][^.|,;©]{1,60}?)\s*(?:\.|,|;|\||all rights|$)", re.IGNORECASE)
CREDIT_TAIL = re.compile(r"\((?:[^()]*(?:photo|image|credit|file|foto)[^()]*|[^()]{2,50}/[^()]{2,50})"
                         r"\)\s*$|\[(?:file|photo|image)?[^\[\]]{0,60}\]\s*$", re.IGNORECASE)
SELF_MENTION = re.compile(
    r"originally (?:published|appeared) (?:on|in|at|by) (?P<a>[A-Z0-9][\w.&'’ -]{1,40}?)\.?\s*$"
    r"|subscribe to (?P<b>[A-Z0-9][\w.&'’ -]{1,40}?)(?:'s)? (?:newsletters?|on (?:youtube|twitter|"
    r"facebook|instagram|telegram|whatsapp)|daily|weekly|free|podcast)", re.IGNORECASE)
OUTLET_SUFFIX = re.compile(r"\s+(?:news\s+)?(?:bureau|desk|staff|team|newsroom|web desk|online)$",
                           re.IGNORECASE)
NORMAL = re.compile(r"[^\w+#&'’ ]+")
COUNT = re.compile(r"^[\d.,]+\s*[kKmM]?\s*(?:[^\W\d_]+(?:\s+[^\W\d_]+){0,2})?$|^[^\W\d_]+\s*[\d.,]+$")


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

    def remove(self, line: Line, rule: str) -> None:
        self.removed.append(RemovedLine(line.number, line.text, rule))

    def set_outlet(self, name: str, line: int, rule: str, rank: int) -> None:
        """Keep the strongest evidence; `News Nation Bureau` names the outlet `News Nation`."""
        trimmed = OUTLET_SUFFIX.sub("", name).strip()
        name = trimmed if trimmed and trimmed.casefold() != "the" else name
        if rank < self.outlet_rank:
            self.sources = [s for s in self.sources if s[0] != "outlet"]
            self.outlet, self.outlet_rank = name, rank
            self.sources.append(("outlet", FieldSource(line, rule)))


OUTLET_RANK = {"byline": 1, "copyright": 2, "credit": 3, "dateline": 4, "self-mention": 5}


def _norm(text: str) -> str:
    return " ".join(NORMAL.sub(" ", text.casefold()).split())


# --- line rules: each returns a rule name when it fires, else None -------------------------------

def match_boilerplate(text: str) -> str | None:
    """Share buttons, ad labels, counters: page furniture, not article text."""
    vocab = words()
    norm = _norm(text)
    if not norm or norm in vocab.boilerplate_lines:
        return "boilerplate.label"
    if len(text) <= 40 and COUNT.match(text.strip()):
        return "boilerplate.count"
    tokens = norm.split()
    known = sum(1 for t in tokens if t in vocab.boilerplate_lines)
    if len(tokens) <= 8 and known >= max(2, int(len(tokens) * 0.7)):
        return "boilerplate.share"
    if any(norm.startswith(c) for c in vocab.count_words) and word_count(text) <= 6:
        return "boilerplate.reading-time"
    if word_count(text) <= 14 and re.search(r"\b(?:subscribe|newsletter|sign up)\b", norm):
        return "boilerplate.newsletter"
    return None


def has_caption_prefix(text: str) -> bool:
    """`Photo: X`, `(Image: © X)`, `Credit | X`: a caption label and its separator."""
    low = text.casefold().lstrip("([ ")
    return any(low.startswith(p) and low[len(p):len(p) + 2].lstrip()[:1] in (":", "©", "|", "/")
               for p in words().caption_prefixes)


def match_caption(text: str) -> str | None:
    """Photo captions and credits: `Photo: X/Getty Images`, `(Image: © NASA)`, `... (Name/AP)`."""
    if has_caption_prefix(text):
        return "caption.prefix"
    vocab = words()
    if text.startswith("©") and word_count(text) <= 12:
        return "caption.copyright"
    if CREDIT_TAIL.search(text):
        return "caption.credit-tail"
    tail = re.split(r"[,/]|\s-\s", text)[-1].strip(" .").casefold()
    if word_count(text) <= 12 and tail in vocab.photo_credits and ("," in text or "/" in text):
        return "caption.credit"
    return None


def match_copyright(text: str) -> str | None:
    """A footer copyright line; it names the outlet, which the builder takes."""
    if COPYRIGHT.search(text) and word_count(text) <= 40 and re.search(r"\d{4}|rights", text, re.I):
        return "footer.copyright"
    return None


def match_tags(text: str) -> str | None:
    low = text.casefold()
    if any(low.startswith(p) and low[len(p):].lstrip()[:1] == ":" for p in words().tag_prefixes):
        return "tags.list"
    return None


def match_related(text: str) -> str | None:
    """`Read more: X`, `Related: X`, `Read  X` (two spaces: a link glued to its label)."""
    low = text.casefold()
    for prefix in words().related_prefixes:
        if not low.startswith(prefix):
            continue
        rest = text[len(prefix):]
        if re.match(r"\s*[:|»›>–—-]\s*\S", rest) or re.match(r"\s{2,}\S", rest):
            return "related.prefix"
        if " " in prefix and rest.startswith(" ") and word_count(rest) <= 20:
            return "related.prefix"
    return None


BodyRule = Callable[[str], "str | None"]
BODY_RULES: tuple[tuple[str, BodyRule], ...] = (
    ("related", match_related),
    ("copyright", match_copyright),
    ("boilerplate", match_boilerplate),
    ("caption", match_caption),
    ("tags", match_tags),
)


def classify_body_line(text: str) -> tuple[str, str]:
    """(kind, rule) for a line inside the article body; the first rule that answers wins."""
    for kind, rule in BODY_RULES:
        if (name := rule(text)) is not None:
            return kind, name
    return "body", "body.paragraph"


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


def _strong_header_ahead(lines: list[Line], index: int) -> bool:
    """A date line or prefixed byline follows within a few lines, before the next paragraph."""
    return any(is_date_line(line.text) or parse_byline(line.text, require_prefix=True)
               for line in lines[index + 1: index + 1 + HEADER_LOOKAHEAD])


def _dek_here(lines: list[Line], index: int) -> bool:
    """A standfirst is followed by header lines (byline, date, caption), not by more body."""
    for line in lines[index + 1: index + 1 + HEADER_LOOKAHEAD]:
        if is_paragraph(line.text):
            return False
        if is_header_line(line.text) or parse_byline(line.text) is not None:
            return True
    return False


def _take_byline(draft: Draft, line: Line, prefixed_only: bool) -> bool:
    byline = parse_byline(line.text, require_prefix=prefixed_only)
    if byline is None or (not prefixed_only and len(line.text) > 120):
        return False
    if draft.authors and set(byline.authors) <= set(draft.authors) and byline.outlet is None:
        draft.remove(line, "byline.repeat")
        return True
    if byline.authors and not draft.authors:
        draft.authors = byline.authors
        draft.sources.append(("authors", FieldSource(line.number, byline.rule)))
    elif byline.authors or (draft.authors and byline.outlet is None):
        draft.remove(line, "byline.extra")
        return True
    if byline.outlet is not None:
        rank = OUTLET_RANK["byline" if byline.authors else "credit"]
        draft.set_outlet(byline.outlet, line.number, byline.rule, rank)
    _take_date(draft, line, also_byline=True)
    return True


def _take_date(draft: Draft, line: Line, *, also_byline: bool = False) -> bool:
    found = find_date(line.text)
    if found is None:
        return False
    if draft.date is None:
        draft.date = found.value
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
    while index < end:
        line = lines[index]
        medium_sentence = word_count(line.text) >= 7 and line.text.rstrip().endswith(".")
        if _is_strong_header(line.text):
            _header_line(draft, line)
        elif is_paragraph(line.text) or (medium_sentence and draft.dek is None):
            if draft.dek is None and word_count(line.text) <= DEK_MAX_WORDS and _dek_here(lines, index):
                draft.dek = line
                draft.sources.append(("dek", FieldSource(line.number, "dek.before-header")))
            elif _strong_header_ahead(lines, index):
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


def read_body(lines: list[Line], start: int, end: int, draft: Draft) -> None:
    """Body paragraphs, minus related links, furniture, captions and tag lists (each kept)."""
    after_label = False
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
        after_label = rule == "boilerplate.label" and _norm(line.text) in RELATED_LABELS
        if kind == "body":
            draft.body.append(line.text)
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
    draft = Draft()
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
            draft.removed.append(RemovedLine(source.line, _line_text(draft, source.line),
                                             "frontmatter.override"))
        draft.sources.append((name, FieldSource(1, "frontmatter")))
    return values


def _line_text(draft: Draft, number: int) -> str:
    for line in (draft.title, draft.dek):
        if line is not None and line.number == number:
            return line.text
    return ""


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
