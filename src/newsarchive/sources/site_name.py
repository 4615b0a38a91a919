"""The site's own name in a whole copied page, by votes from the lines where a site names itself.

A page prints its name in the logo at the top, in `About X` / `Contact X` / `Advertise with X`
menu lines, `Follow X on ...`, `X newsletter`, `X is part of <company>`, an author bio's
`reporter at X`, and the footer's copyright line (which often names the parent company instead,
so it is one vote among several). The name with the most evidence wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .lexicon import outlet_key, outlet_table, words
from .page import match_boilerplate, match_copyright, word_count

NAME = r"(?P<n>(?:The |the )?[A-Z0-9][\w&'’.+-]*(?: (?:of |on |& )?[A-Z0-9][\w&'’.+-]*){0,4}?)"
COPYRIGHT_NAME = re.compile(r"(?:©|\(c\)|\bcopyright\b)(?:\s*(?:©|\(c\)|copyright|\d{4}(?:\s*[-–]\s*\d{4})?"
                            r"|,))*\s*(?P<n>[^\d\s.|,;©/][^.|,;©/]{1,60}?)\s*(?:\.|,|;|\||/|all rights|$)",
                            re.IGNORECASE)
OWNER_FIRST = re.compile(r"^" + NAME + r"\s*(?:©|\(c\)|(?i:copyright))")
SITE_LINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("site.part-of", re.compile(r"^" + NAME + r" (?i:is (?:a )?(?:part|member|division|subsidiary"
                                r"|brand|publication) of)\b")),
    ("site.supported-by", re.compile(r"^" + NAME + r" (?i:is (?:supported|funded) by its)\b")),
    ("site.menu", re.compile(r"^(?i:about|contact|advertise (?:with|on|in)|careers at"
                             r"|more(?! from)|want more|keep up to date with|follow|make"
                             r"|support|download the|get the|sign up for|join) " + NAME
                             + r"(?i:\s*(?:\?|!|on (?:\w+ ?){1,3}|my homepage|feedback|apps?"
                               r"|newsletters?|today|now))?[.!]?$")),
    ("site.feedback", re.compile(r"^(?i:send) " + NAME + r" (?i:feedback)$")),
    ("site.newsletter", re.compile(r"^" + NAME + r"(?:(?i:'s|’s)? (?i:newsletters?|apps?)"
                                   r"|(?i:'s|’s) (?i:daily|weekly))[.!]?$")),  # `X Daily`: a name
    ("site.subscribe", re.compile(r"(?i:subscribe to) " + NAME + r"(?i:'s|’s)? (?i:newsletters?"
                                  r"|on (?:youtube|twitter|facebook|instagram|telegram|whatsapp)"
                                  r"|daily|weekly|free|podcast)")),
    ("site.originally", re.compile(r"(?i:originally (?:published|appeared) (?:on|in|at|by)) "
                                   + NAME + r"\.?\s*$")),
    ("site.staff-bio", re.compile(r"(?i:reporter|writer|editor|correspondent|columnist|producer"
                                  r"|contributor|journalist) (?i:at|for|with) " + NAME
                                  + r"(?:\.|,| and\b|$)")),
)
SITE_RULES = frozenset({rule for rule, _ in SITE_LINES} | {"site.copyright", "site.logo",
                                                           "site.known-line"})
CORPORATE = frozenset({"llc", "inc", "ltd", "pvt", "pty", "corp", "corporation", "co", "company",
                       "gmbh", "ag", "sa", "s.a", "plc", "limited", "media", "communications",
                       "publishing", "holdings", "network", "group", "digital", "l.l.c", "lp"})
LOGO_LINES = 1  # the logo's text is the page copy's first line (menus repeat lower down)
RULE_VOTES = {"site.part-of": 3.0, "site.supported-by": 3.0, "site.menu": 2.0, "site.originally": 2.0,
              "site.staff-bio": 2.0, "site.feedback": 2.0, "site.logo": 1.0, "site.newsletter": 1.5,
              "site.copyright": 1.5, "site.known-line": 1.0, "site.subscribe": 1.0}
KNOWN_BONUS = 1.0  # the name is in outlets.yml
STRONG_VOTES = 4.0  # this much evidence outranks a byline's outlet (a syndicated story's source)


@dataclass(frozen=True, slots=True)
class SiteName:
    """The winning name, the line index that shows it best, the rule and the evidence."""

    name: str
    index: int  # index into the page's non-blank lines
    rule: str
    votes: float


def company_name(text: str) -> str:
    """`Copyright 2019 Forbes Media LLC` -> `Forbes`: legal suffixes and years removed."""
    tokens = re.sub(r"(?i)\b(?:copyright|all rights reserved)\b|\d{4}(?:\s*[-–]\s*\d{4})?", " ",
                    text).replace(",", " ").split()
    while len(tokens) > 1 and tokens[-1].casefold().strip(".") in CORPORATE:
        tokens.pop()
    return " ".join(tokens).strip(" .-|")


@functools.lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    vocab = words()
    return vocab.site_name_stopwords | vocab.not_name_words | vocab.boilerplate_lines


def _names_something(name: str) -> bool:
    """Not a menu label: `Us` in `About Us`, `More Stories`, `Opinion`."""
    if len(name) < 2:
        return False
    generic = _generic_words()
    tokens = [t.casefold().strip(".,!?") for t in name.split()]
    return any(t not in generic for t in tokens) and match_boilerplate(name) is None


@functools.lru_cache(maxsize=8192)
def site_mention(text: str) -> tuple[str, str] | None:
    """(name, rule) when the line is one where a site names itself; a pure function, cached."""
    if len(text) > 300:
        return None
    for rule, pattern in SITE_LINES:
        match = pattern.search(text)
        name = match["n"].strip(" .") if match is not None else ""
        if _names_something(name):
            return name, rule
    before = OWNER_FIRST.match(text) if match_copyright(text) else None
    if before is not None and _names_something(before["n"]):
        return before["n"], "site.copyright"  # `Wccftech © 2019 NewAge ADS, LLC`: the site first
    match = COPYRIGHT_NAME.search(text) if match_copyright(text) else None
    if match is not None:  # a year or "rights" on the line: a footer, not a photo credit
        name = company_name(match["n"])
        if name and 1 <= word_count(name) <= 6 and not name[:1].isdigit():
            return name, "site.copyright"
    return None


def _known_lines(texts: Sequence[str]) -> list[tuple[str, int, str]]:
    """Lines that are only a known outlet's name (a logo or menu entry), at most two per name;
    news agencies are left out, as a bare `Reuters` line is usually a photo credit, and so is a
    footer listing three or more outlets (a media group's sister sites)."""
    out: list[tuple[str, int, str]] = []
    seen: dict[str, int] = {}
    for index, text in enumerate(texts):
        outlet = outlet_table().find(text) if len(text) <= 40 else None
        if outlet is not None and not outlet.wire and seen.get(outlet.name, 0) < 2:
            seen[outlet.name] = seen.get(outlet.name, 0) + 1
            out.append((text, index, "site.known-line"))
    return out if len(seen) < 3 else []  # several outlets in lines: a list of sister sites


def _logo(texts: Sequence[str]) -> list[tuple[str, int, str]]:
    """Short name-shaped lines at the top that the page prints again further down."""
    out = []
    later = [outlet_key(t) + " " for t in texts[LOGO_LINES:] if len(t) <= 120]
    for index, text in enumerate(texts[:LOGO_LINES]):
        if not 1 <= word_count(text) <= 4 or len(text) > 40 or not _names_something(text) \
                or text.rstrip()[-1:] in "!?:":
            continue
        key = outlet_key(text) + " "
        if text[:1].isupper() and (any(k.startswith(key) for k in later)
                                   or outlet_table().find(text)):
            out.append((text, index, "site.logo"))
    return out


def find_site_name(texts: Sequence[str]) -> SiteName | None:
    """Vote over the whole page: each self-naming line counts, a known outlet counts extra."""
    votes: dict[str, float] = {}
    best_line: dict[str, tuple[int, str, str]] = {}  # key -> (index, printed name, rule)
    for index, text in enumerate(texts):
        found = site_mention(text)
        if found is None:
            continue
        name, rule = found
        key = outlet_key(name)
        votes[key] = votes.get(key, 0.0) + RULE_VOTES[rule]
        best_line.setdefault(key, (index, name, rule))
    self_named = set(votes)
    for text, index, rule in [*_logo(texts), *_known_lines(texts)]:
        key = outlet_key(text)
        votes[key] = votes.get(key, 0.0) + RULE_VOTES[rule]
        best_line.setdefault(key, (index, text, rule))
    if not votes:
        return None
    for key in votes:  # a known name counts extra when the page also names itself with it
        if outlet_table().find(best_line[key][1]) is not None and key in self_named:
            votes[key] += KNOWN_BONUS
    key = max(votes, key=lambda k: (votes[k], -best_line[k][0], k))
    index, name, rule = best_line[key]
    known = outlet_table().find(name)
    return SiteName(known.name if known else name, index, rule, votes[key])
