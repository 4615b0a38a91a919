"""Where a copied text names its own outlet: wire datelines, footer copyright lines and lines in
which the outlet names itself (`Originally published on X`, `Subscribe to X newsletters`).

Each signal has a rank (draft.OUTLET_RANK); the strongest evidence found wins.
"""

from __future__ import annotations

import re

from .draft import OUTLET_RANK, Draft, Line
from .lexicon import outlet_table
from .site_name import STRONG_VOTES, find_site_name, site_mention

WIRE_DATELINE = re.compile(r"^[\w .,'’()/-]{2,60}?\(([A-Za-z][\w .-]{1,30})\)\s*[-–—:]")


def wire_credit(draft: Draft, line: Line) -> None:
    """`JERUSALEM (AP) —` opening the body: the line stays body, the agency is credited."""
    match = WIRE_DATELINE.match(line.text)
    outlet = outlet_table().find(match[1]) if match else None
    if outlet is not None and outlet.wire:
        draft.set_outlet(outlet.name, line.number, "dateline.wire", OUTLET_RANK["dateline"])


def self_mention(draft: Draft, line: Line) -> None:
    """`Originally published on X.`, `Want more X?`, `reporter at X`: the outlet names itself."""
    found = site_mention(line.text)
    if found is not None and found[1] != "site.copyright":
        draft.set_outlet(found[0], line.number, "outlet.self-mention", OUTLET_RANK["self-mention"])


def take_copyright(draft: Draft, line: Line) -> None:
    """`© 2021 Daily Planet Media LLC. All rights reserved.` names `Daily Planet`."""
    found = site_mention(line.text)
    if found is not None and found[1] == "site.copyright":
        draft.set_outlet(found[0], line.number, "footer.copyright", OUTLET_RANK["copyright"])


def take_site_name(draft: Draft, lines: list[Line]) -> None:
    """A whole-page copy: the name the page gives itself most often (site_name.py votes)."""
    site = find_site_name([line.text for line in lines])
    if site is not None:
        rank = OUTLET_RANK["site-strong" if site.votes >= STRONG_VOTES else "site"]
        draft.set_outlet(site.name, lines[site.index].number, site.rule, rank)
