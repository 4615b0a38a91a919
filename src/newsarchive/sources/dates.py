"""Dates in copied text: many printed forms and languages -> DateValue, never a guess.

The first date on a line wins ("Updated Nov 19 / Original Nov 18" is rare; "Published X | Updated Y"
is common), relative dates ("2 hours ago") give none, and an impossible date gives none.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import DateValue
from .lexicon import words

_LEFT = r"(?:(?<![^\W\d_])|(?-i:(?<=[a-z])(?=[A-Z])))"  # a word start, or glued "NameOctober"
_RIGHT = r"(?![^\W\d_])"
_ORD = r"(?:st|nd|rd|th|er|º|°)?"
ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
CJK = re.compile(r"(?<!\d)(\d{4})\s*[년年.]\s*(\d{1,2})\s*[월月.]\s*(\d{1,2})\s*[일日]?(?!\d)")
NUMERIC = re.compile(r"(?<![\d.:/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)")
TIME = re.compile(r"(?<!\d)\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?\s*(?:[ap]\.?m\.?)?(?![\w])"
                  r"|(?<!\d)\d{1,2}\s*[ap]\.?m\.?(?!\w)|\bT\d{2}:\d{2}\S*", re.IGNORECASE)
RELATIVE = re.compile(r"(?<!\w)(?:\d+|an?|one)\s+\w+\s+(?:ago|назад)\b|(?<!\w)vor\s+\d+\s+\w+"
                      r"|(?<!\w)hace\s+\d+|(?<!\w)\d+\s*(?:h|hr|hrs|min|mins|m|d)\s+ago\b",
                      re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in a line, with its span so the rest of the line can be read too."""

    value: DateValue
    start: int
    end: int
    rule: str  # e.g. "date.month-day-year"


@functools.lru_cache(maxsize=1)
def _name_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Month-name patterns, built once from words.yml (longest names first)."""
    names = sorted((m for m in words().months if not any(c.isdigit() for c in m)),
                   key=lambda m: (-len(m), m))
    month = _LEFT + "(" + "|".join(re.escape(m) for m in names) + ")" + _RIGHT + r"\.?"
    day_month_year = re.compile(
        r"(?<!\d)(\d{1,2})" + _ORD + r"\.?\s*(?:de\s+|of\s+)?" + month
        + r",?\s*(?:de\s+)?'?(\d{4})(?!\d)", re.IGNORECASE)
    month_day_year = re.compile(
        month + r"\s*(\d{1,2})" + _ORD + r"(?!\d),?\s*(?:\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?,?\s*)?"
        r"(\d{4})(?!\d)", re.IGNORECASE)
    month_year = re.compile(month + r",?\s+(?:de\s+)?(\d{4})(?!\d)", re.IGNORECASE)
    return day_month_year, month_day_year, month_year


def _month(name: str) -> int:
    return words().months.get(name.casefold().rstrip("."), 0)


def _value(year: int, month: int, day: int | None) -> DateValue | None:
    """A real calendar date in a plausible range, or None."""
    if not 1800 <= year <= 2200 or not 1 <= month <= 12:
        return None
    if day is None:
        return DateValue(year, month)
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return DateValue(year, month, day)


def _numeric(m: re.Match[str]) -> DateValue | None:
    """`19.11.2019` is day-first; `11/18/19` is month-first unless the first part is over 12."""
    first, sep, second, year_text = int(m[1]), m[2], int(m[3]), m[4]
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if sep == "." or first > 12:
        return _value(year, second, first)
    return _value(year, first, second)


DateReader = Callable[[re.Match[str]], "DateValue | None"]


def _date_rules() -> tuple[tuple[str, re.Pattern[str], DateReader], ...]:
    """The named date forms: (rule, pattern, reader of a match)."""
    day_month_year, month_day_year, month_year = _name_patterns()
    return (
        ("date.iso", ISO, lambda m: _value(int(m[1]), int(m[2]), int(m[3]))),
        ("date.year-month-day", CJK, lambda m: _value(int(m[1]), int(m[2]), int(m[3]))),
        ("date.day-month-year", day_month_year, lambda m: _value(int(m[3]), _month(m[2]), int(m[1]))),
        ("date.month-day-year", month_day_year, lambda m: _value(int(m[3]), _month(m[1]), int(m[2]))),
        ("date.numeric", NUMERIC, _numeric),
        ("date.month-year", month_year, lambda m: _value(int(m[2]), _month(m[1]), None)),
    )


def _candidates(text: str) -> list[DateMatch]:
    found: list[DateMatch] = []
    for rule, pattern, reader in _date_rules():
        for m in pattern.finditer(text):
            value = reader(m)
            if value is not None:
                found.append(DateMatch(value, m.start(), m.end(), rule))
    return found


DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=8192)
def find_date(text: str) -> DateMatch | None:
    """The first date printed in text (most precise when two start together), or None.

    Cached: the loader asks about the same header lines from several rules.
    """
    if len(text) > 400 or not DIGIT.search(text):
        return None
    found = _candidates(text)
    if not found:
        return None
    return min(found, key=lambda d: (d.start, -(d.end - d.start)))


def parse_date(text: str) -> DateValue | None:
    """Read a date line such as `Published March 3, 2021`; None for relative or no date."""
    match = find_date(text)
    if match is None or (RELATIVE.search(text) and match.start > 0):
        return None
    return match.value


def is_relative_date(text: str) -> bool:
    """`2 hours ago`, `vor 3 Stunden`: a date that cannot be placed without the copy time."""
    return RELATIVE.search(text) is not None


_DATE_NOISE = re.compile(r"[\s,.:;|/·•()\[\]\-–—]+")


def strip_dates(text: str) -> str:
    """The text with every printed date blanked out (later spans first, so offsets hold)."""
    if len(text) > 400 or not DIGIT.search(text):
        return text
    spans: list[list[int]] = []
    for found in sorted(_candidates(text), key=lambda d: d.start):
        if spans and found.start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], found.end)
        else:
            spans.append([found.start, found.end])
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return text


def leftover_words(text: str) -> list[str]:
    """Words of a line outside its dates, times and date words: what a date line must lack."""
    text = strip_dates(text)
    text = TIME.sub(" ", text)
    vocab = words()
    out: list[str] = []
    for token in _DATE_NOISE.split(text):
        low = token.casefold()
        if not token or low in vocab.date_line_words or low in vocab.weekdays:
            continue
        if low.rstrip(".") in vocab.weekdays or low.isdigit():
            continue
        out.append(token)
    return out


@functools.lru_cache(maxsize=8192)
def is_date_line(text: str) -> bool:
    """A line that is only a date, time, relative date or date words (with at most one stray)."""
    if len(text) > 120:
        return False
    match = find_date(text)
    rest = leftover_words(text)
    if match is not None:
        return len(rest) <= 1
    if is_relative_date(text):
        return len(rest) <= 4
    return bool(TIME.search(text)) and not rest
