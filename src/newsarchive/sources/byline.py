"""Byline grammar: who wrote a piece, and for which outlet, from one printed line.

Person versus organisation is the crux ("By Debbie Reiss, World Israel News" is one author and an
outlet): a segment is an outlet when outlets.yml knows it, when it carries an organisation word
(News, Times, Press, ...), or when "for" introduces it; it is a person when it has a name's shape.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .dates import TIME, find_date, strip_dates
from .lexicon import outlet_table, words

CONTACT = re.compile(r"\S+@\S+\.\w+|(?<!\w)@\w+|https?://\S+|www\.\S+|\(?\+?\d[\d() -]{6,}\d")
PREFIX_END = re.compile(r"\s*[:：\-–—]?\s*")
SEPARATORS = re.compile(r"\s*(?:\||/|,|;|·|•|\s[-–—]\s|\s(?:and|&|und|y|e|et|и|dan|ja|og|och|en)\s"
                        r"|\s(for|für|para|pour|per|untuk)\s)\s*", re.IGNORECASE)
WIRE_PAREN = re.compile(r"^\(([^()]{2,40})\)$")
NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’.-]*|\w\.)$")
MAX_BYLINE = 300  # characters; a longer line is prose, not a byline
TRIM = " \t|/,;:·•-–—()[]\"'“”"


@dataclass(frozen=True, slots=True)
class Byline:
    """Who wrote a piece, as printed; names stay in printed order."""

    authors: tuple[str, ...]
    outlet: str | None = None
    rule: str = "byline.by"  # which form matched, e.g. "byline.by-comma-outlet"


def strip_prefix(text: str) -> tuple[str, bool]:
    """Remove a leading "By", "Written by", "Текст:" ...; say whether one was there."""
    low = text.casefold()
    for prefix in words().byline_prefixes:
        if low.startswith(prefix):
            rest = text[len(prefix):]
            gap = PREFIX_END.match(rest)
            consumed = gap.end() if gap else 0
            if consumed or not rest:
                return rest[consumed:], True
    return text, False


def _is_role(segment: str) -> bool:
    """`Staff Writer`, `AP National Political Writer`: role words (and outlet names) only."""
    tokens = [t.casefold().strip(".") for t in re.findall(r"[^\W\d_][\w'’.-]*", segment)]
    vocab = words()
    table = outlet_table()
    if not tokens or not any(t in vocab.role_words and t not in vocab.organisation_words
                             and len(t) > 3 for t in tokens):
        return False
    return all(t in vocab.role_words or table.find(t) is not None for t in tokens)


def _is_date_words(segment: str) -> bool:
    """A segment left over from a date line: weekdays, zones, `2 days`, digits."""
    vocab = words()
    tokens = [t.casefold().strip(".") for t in re.findall(r"[\w.]+", segment)]
    if all(t.isdigit() or t in vocab.date_line_words or t in vocab.weekdays for t in tokens):
        return True
    return any(t.isdigit() for t in tokens) and all(
        t.isdigit() or t in vocab.relative_date_words for t in tokens)


def is_organisation(segment: str) -> bool:
    """Known outlet, a domain, or a name carrying an organisation word ("News Nation Bureau")."""
    if outlet_table().find(segment) is not None:
        return True
    low = segment.casefold()
    if re.search(r"\w\.(?:com|org|net|co\.\w\w|\w\w)\b", low):
        return True
    tokens = re.findall(r"[\w.]+", low)
    if not any(t.strip(".") in words().organisation_words for t in tokens):
        return False
    return _name_shaped(segment.split())


CONNECTORS = frozenset({"of", "the", "and", "for", "&", "on", "in", "de", "du", "des", "la", "le",
                        "del", "di", "da", "der", "die", "das", "y", "e", "et", "und"})


def _name_shaped(tokens: list[str]) -> bool:
    """A proper name: at most 7 tokens, each capitalised, a number, or a small connector."""
    if not tokens or len(tokens) > 7:
        return False
    return all(t[:1].isupper() or t[:1].isdigit() or not t[:1].isalpha()
               or t.casefold() in CONNECTORS for t in tokens)


def is_person(segment: str, *, lone_word: bool = False) -> bool:
    """A name's shape: 2-5 capitalised tokens (initials and particles allowed); one when lone_word."""
    tokens = segment.split()
    particles = words().name_particles
    core = [t for t in tokens if t.casefold() not in particles]
    if not core or len(tokens) > 6 or (len(core) < 2 and not lone_word):
        return False
    if any(t.casefold().strip(".,") in words().not_name_words for t in core):
        return False
    for token in core:
        if not NAME_TOKEN.match(token) or any(c.isdigit() for c in token):
            return False
        first = token.lstrip("'’")[:1]
        if first.islower() and not token.casefold().startswith(("al-", "el-", "d'", "o'")):
            return False
    return not is_organisation(segment)


def _is_glued_label(tail: str, head: str) -> bool:
    """`View More Articles`, `Follow`, `More from Jane Doe`: a profile link's label.

    Sites print a link beside the author's name with no space between them, so a copy glues the
    label to the name; the label is furniture words only, or furniture words and the name again.
    """
    vocab = words().boilerplate_lines
    tail_words = re.findall(r"\w+", tail.casefold())
    if len(tail_words) >= 2 and all(w in vocab for w in tail_words):
        return True
    if len(tail) >= 5 and " ".join(tail_words) in vocab:  # `Follow`, `Email` (not `Line`, `Pin`)
        return True
    head_words = re.findall(r"\w+", head.casefold())
    label = tail_words[: len(tail_words) - len(head_words)]
    return bool(label) and tail_words[len(label):] == head_words and " ".join(label) in vocab


def glued_label_at(text: str) -> int | None:
    """Where a profile link's label glued to a name starts (`Jane DoeFollow` -> 8), or None."""
    for m in re.finditer(r"(?<=[a-z])(?=[A-Z])", text):
        if _is_glued_label(text[m.start():], text[: m.start()]):
            return m.start()
    return None


def _split_glued_role(text: str) -> str:
    """`Meg JamesStaff Writer` -> `Meg James, Staff Writer` when the glued tail is a role;
    a glued link label (`Jane DoeView More Articles`) is cut off."""
    for m in re.finditer(r"(?<=[a-z])(?=[A-Z])", text):
        tail = text[m.start():]
        if _is_role(tail):
            return text[: m.start()] + ", " + tail
        if _is_glued_label(tail, text[: m.start()]):
            return text[: m.start()]
    return text


def _clean(text: str) -> str:
    """Drop contacts, and the date with what follows it (times, zones, a section label)."""
    date = find_date(text)
    if date is not None:
        before, after = text[: date.start], text[date.end :]
        text = before if re.search(r"[^\W\d_]{2}", before) and not _is_date_words(before) \
            else after
    text = CONTACT.sub(" ", TIME.sub(" ", strip_dates(text)))
    text = re.split(r"\b(?:updated|published|posted|last updated)\b", text, flags=re.I)[0]
    tokens = text.split()
    while tokens and _is_date_words(tokens[-1].strip(TRIM)):
        tokens.pop()
    return " ".join(tokens).strip(TRIM)


def _segments(text: str) -> list[tuple[str, bool]]:
    """(segment, introduced by "for") in printed order."""
    out: list[tuple[str, bool]] = []
    pieces = SEPARATORS.split(text)
    after_for = False
    for index, piece in enumerate(pieces):
        if index % 2 == 1:
            after_for = piece is not None
            continue
        if piece and piece.strip(TRIM):
            out.append((piece.strip(TRIM), after_for))
        after_for = False
    return out


def _split_person_outlet(segment: str) -> tuple[str, str] | None:
    """`Tom Davies Associated Press` -> person and outlet, when the tail is an organisation."""
    tokens = segment.split()
    cuts = [(" ".join(tokens[:cut]), " ".join(tokens[cut:])) for cut in range(2, len(tokens))]
    cuts = [(head, tail) for head, tail in cuts
            if is_person(head) and tail[:1].isupper() and not re.search(r"\b\w\.$", head)]
    known = [(head, tail) for head, tail in cuts if outlet_table().find(tail) is not None]
    shaped = [(head, tail) for head, tail in cuts if is_organisation(tail)]
    best = known or shaped
    return best[0] if best else None


@functools.lru_cache(maxsize=8192)
def parse_byline(text: str, *, require_prefix: bool = False) -> Byline | None:
    """Read one byline line; None when it is not one (a segment that is neither name nor outlet).

    Cached (a pure function of the line): several loader rules ask about the same header lines.
    """
    if len(text) > MAX_BYLINE:
        return None
    body, has_prefix = strip_prefix(text.strip())
    if require_prefix and not has_prefix:
        return None
    wire = WIRE_PAREN.match(body.strip())
    if wire and outlet_table().find(wire[1]) is not None:
        return Byline((), wire[1], "byline.wire-credit")
    cleaned = _clean(_split_glued_role(body))
    if not cleaned or len(cleaned) > 160:
        return None
    authors: list[str] = []
    outlet: str | None = None
    for segment, after_for in _segments(cleaned):
        kind, value, extra = _classify(segment, after_for, has_prefix)
        if kind == "unknown":
            return None
        if kind == "person":
            authors.append(value)
            if extra and outlet is None:
                outlet = extra
        elif kind == "outlet" and outlet is None:
            outlet = value
    if not authors and outlet is None:
        return None
    return Byline(tuple(dict.fromkeys(authors)), outlet, _rule_name(has_prefix, authors, outlet))


def _classify(segment: str, after_for: bool, has_prefix: bool) -> tuple[str, str, str | None]:
    """(kind, value, outlet glued to a name): kinds person, outlet, role, date, unknown."""
    if _is_date_words(segment):
        return ("date", segment, None)
    if after_for and not has_prefix:
        return ("unknown", segment, None)
    if _is_role(segment):
        return ("role", segment, None)
    split = _split_person_outlet(segment)
    if split is not None:
        return ("person", split[0], split[1])
    if after_for or is_organisation(segment):
        return ("outlet", segment, None)
    if is_person(segment, lone_word=has_prefix):
        return ("person", segment, None)
    return ("unknown", segment, None)


def _rule_name(has_prefix: bool, authors: list[str], outlet: str | None) -> str:
    form = "by" if has_prefix else "name"
    if not authors:
        return f"byline.{form}-outlet-only"
    if outlet is not None:
        return f"byline.{form}-with-outlet"
    return f"byline.{form}-and" if len(authors) > 1 else f"byline.{form}"
