"""The loader's data files (outlets.yml, words.yml), read once and cached, as frozen records.

Word lists live in YAML so a site can read and extend them; code only asks questions of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

_KEY_STRIP = re.compile(r"[^\w&+.@-]+")


@functools.lru_cache(maxsize=16384)
def outlet_key(name: str) -> str:
    """Comparison key for outlet names: case, spacing, a leading 'The' and end dots ignored."""
    key = _KEY_STRIP.sub(" ", name.casefold()).strip(" .-")
    return key[4:] if key.startswith("the ") else key


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet of outlets.yml."""

    name: str  # canonical name
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    wire: bool  # a news agency, credited in datelines like "(AP)"


@dataclass(frozen=True, slots=True)
class OutletTable:
    """Every outlet, and a lookup from any printed name (key form) to its outlet."""

    outlets: tuple[Outlet, ...]
    by_key: Mapping[str, Outlet]

    def find(self, name: str) -> Outlet | None:
        return self.by_key.get(outlet_key(name))


@dataclass(frozen=True, slots=True)
class Words:
    """The word lists of words.yml, lower-cased, as frozensets (or a month map)."""

    byline_prefixes: tuple[str, ...]  # longest first, so "written by" wins over "by"
    role_words: frozenset[str]
    organisation_words: frozenset[str]
    name_particles: frozenset[str]
    boilerplate_lines: frozenset[str]
    related_prefixes: tuple[str, ...]  # longest first
    date_line_words: frozenset[str]
    months: Mapping[str, int]
    weekdays: frozenset[str]
    relative_date_words: frozenset[str]
    caption_prefixes: tuple[str, ...]
    count_words: tuple[str, ...]
    photo_credits: frozenset[str]
    tag_prefixes: tuple[str, ...]
    not_name_words: frozenset[str]
    outlet_words: frozenset[str]  # newsroom words inside a printed outlet name ("Argus Leader")
    site_name_stopwords: frozenset[str]  # menu words that never name a site alone
    bio_labels: frozenset[str]  # a line that opens an author bio box ("About the author")
    bio_openers: tuple[str, ...]  # "About" + the author's name; longest first
    bio_verbs: frozenset[str]  # "Jane Doe is/writes/covers ..."
    comment_verbs: frozenset[str]  # "jane99 says:"
    furniture_phrases: tuple[str, ...]  # "protected by recaptcha": a short line with one is furniture


def _read_yaml(name: str) -> dict[str, Any]:
    text = resources.files("newsarchive").joinpath("data", name).read_text(encoding="utf-8")
    loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml
    return loaded if isinstance(loaded, dict) else {}


def _lower_set(values: object) -> frozenset[str]:
    """Strings only: a YAML 1.1 bare `on`/`no` would turn into a bool and must be quoted."""
    items = values if isinstance(values, (list, tuple)) else ()
    return frozenset(v.casefold() for v in items if isinstance(v, str))


def _longest_first(values: object) -> tuple[str, ...]:
    return tuple(sorted(_lower_set(values), key=lambda w: (-len(w), w)))


@functools.lru_cache(maxsize=1)
def outlet_table() -> OutletTable:
    """outlets.yml as a lookup table; canonical names, aliases and domain stems all find it."""
    entries = _read_yaml("outlets.yml").get("outlets") or {}
    outlets: list[Outlet] = []
    by_key: dict[str, Outlet] = {}
    for name, spec in sorted(entries.items()):
        spec = spec or {}
        outlet = Outlet(str(name), tuple(str(a) for a in spec.get("aliases", ())),
                        tuple(str(d) for d in spec.get("domains", ())), bool(spec.get("wire")))
        outlets.append(outlet)
        for printed in (outlet.name, *outlet.aliases, *outlet.domains):
            by_key.setdefault(outlet_key(printed), outlet)
    return OutletTable(tuple(outlets), MappingProxyType(by_key))


@functools.lru_cache(maxsize=1)
def words() -> Words:
    """words.yml as frozen sets; months map every spelling to its number."""
    raw = _read_yaml("words.yml")
    months = {str(w).casefold(): int(n) for n, names in (raw.get("months") or {}).items()
              for w in names}
    return Words(
        byline_prefixes=_longest_first(raw.get("byline_prefixes")),
        role_words=_lower_set(raw.get("role_words")),
        organisation_words=_lower_set(raw.get("organisation_words")),
        name_particles=_lower_set(raw.get("name_particles")),
        boilerplate_lines=_lower_set(raw.get("boilerplate_lines")),
        related_prefixes=_longest_first(raw.get("related_prefixes")),
        date_line_words=_lower_set(raw.get("date_line_words")),
        months=MappingProxyType(months),
        weekdays=_lower_set(raw.get("weekdays")),
        relative_date_words=_lower_set(raw.get("relative_date_words")),
        caption_prefixes=_longest_first(raw.get("caption_prefixes")),
        count_words=_longest_first(raw.get("count_words")),
        photo_credits=_lower_set(raw.get("photo_credits")),
        tag_prefixes=_longest_first(raw.get("tag_prefixes")),
        not_name_words=_lower_set(raw.get("not_name_words")),
        outlet_words=_lower_set(raw.get("outlet_words")),
        site_name_stopwords=_lower_set(raw.get("site_name_stopwords")),
        bio_labels=_lower_set(raw.get("bio_labels")),
        bio_openers=_longest_first(raw.get("bio_openers")),
        bio_verbs=_lower_set(raw.get("bio_verbs")),
        comment_verbs=_lower_set(raw.get("comment_verbs")),
        furniture_phrases=_longest_first(raw.get("furniture_phrases")),
    )
