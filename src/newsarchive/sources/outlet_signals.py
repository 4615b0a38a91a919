"""Where a copied text names its own outlet: wire datelines, footer copyright lines and lines in
which the outlet names itself (`Originally published on X`, `Subscribe to X newsletters`).

Each signal has a rank (draft.OUTLET_RANK); the strongest evidence found wins.
"""

from __future__ import annotations

import re

from .draft import OUTLET_RANK, Draft, Line
from .lexicon import outlet_table
from .page import COPYRIGHT, word_count

WIRE_DATELINE = re.compile(r"^[\w .,'’()/-]{2,60}?\(([A-Za-z][\w .-]{1,30})\)\s*[-–—:]")
SELF_MENTION = re.compile(
    r"originally (?:published|appeared) (?:on|in|at|by) (?P<a>[A-Z0-9][\w.&'’ -]{1,40}?)\.?\s*$"
    r"|subscribe to (?P<b>[A-Z0-9][\w.&'’ -]{1,40}?)(?:'s)? (?:newsletters?|on (?:youtube|twitter|"
    r"facebook|instagram|telegram|whatsapp)|daily|weekly|free|podcast)", re.IGNORECASE)


def wire_credit(draft: Draft, line: Line) -> None:
    """`JERUSALEM (AP) —` opening the body: the line stays body, the agency is credited."""
    match = WIRE_DATELINE.match(line.text)
    outlet = outlet_table().find(match[1]) if match else None
    if outlet is not None and outlet.wire:
        draft.set_outlet(outlet.name, line.number, "dateline.wire", OUTLET_RANK["dateline"])


def self_mention(draft: Draft, line: Line) -> None:
    """`Originally published on X.`, `Subscribe to X newsletter`: the outlet names itself."""
    match = SELF_MENTION.search(line.text) if len(line.text) <= 300 else None
    if match is not None:
        name = (match["a"] or match["b"]).strip(" .")
        draft.set_outlet(name, line.number, "outlet.self-mention", OUTLET_RANK["self-mention"])


def take_copyright(draft: Draft, line: Line) -> None:
    match = COPYRIGHT.search(line.text)
    name = match[1].strip(" .,-") if match else ""
    if name and 1 <= word_count(name) <= 6 and not name[:1].isdigit():
        draft.set_outlet(name, line.number, "footer.copyright", OUTLET_RANK["copyright"])
