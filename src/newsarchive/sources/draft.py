"""The record under construction while one copied text is read, and its provenance bookkeeping.

Kept apart from the rules so header, body and outlet rules can share it without importing each
other; it never leaves the loader (load_text turns it into an Article).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import DateValue, FieldSource, RemovedLine
from .site_name import SITE_RULES

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
IN_PLACE_RULES = frozenset({"dateline.wire", "footer.copyright", "outlet.self-mention", "site.logo",
                            "outlet.self-reference", "outlet.announcement", "outlet.disclaimer-domain",
                            "outlet.headline-brand", "date.embedded-post",
                            *SITE_RULES})
# A page's own name voted from many lines beats a byline's outlet (syndicated stories name their
# source there); a weak vote still beats a lone copyright line (often the parent company).
OUTLET_RANK = {"site-strong": 0, "byline": 1, "site": 2, "copyright": 3, "credit": 4, "dateline": 5,
               "self-mention": 6, "self-reference": 7}


def split_lines(text: str, first_line: int) -> list[Line]:
    """Non-blank lines with their 1-based numbers; surrounding white space dropped."""
    return [Line(number, stripped) for number, raw in enumerate(text.split("\n"), first_line)
            if (stripped := raw.strip())]
