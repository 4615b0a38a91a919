"""Names: how printed outlet and author names are compared and merged, and how any text becomes
one safe URL path segment. Pure helpers for collect (archive.py), kept apart to stay small."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import yaml
from slugify import slugify

from .sources.lexicon import outlet_table

OUTLETS_FILE = Path(__file__).parent / "data" / "outlets.yml"
SLUG_MAX = 80  # characters; long titles are cut at a word boundary
# Segments that would clash with listing pages (`page/2/`, `index.html`), assets, or that some file
# systems refuse (Windows device names). A slug equal to one of these gets a suffix.
RESERVED_SEGMENTS = frozenset(
    {"index", "page", "assets", "static", "undated", "con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)



def name_key(name: str) -> str:
    """How two printed names are compared: case-insensitive, whitespace and dots normalised."""
    return " ".join(name.replace(".", " ").split()).casefold()


def outlet_key(name: str) -> str:
    """Outlet names also drop a leading "The": "The Guardian" is "Guardian"."""
    key = name_key(name)
    return key[4:] if key.startswith("the ") and len(key) > 4 else key


def load_outlet_table(path: Path | None = None) -> tuple[dict[str, tuple[str, ...]],
                                                         dict[str, str]]:
    """Read an alias table: (canonical -> aliases, domain -> canonical); without `path`, the
    shipped one as the loader holds it (`lexicon.outlet_table`, parsed once a process).

    Tolerates the file missing or malformed (the archive then merges only config aliases), and
    both shapes `Name: [aliases]` and `Name: {aliases: [...], domains: [...]}`.
    """
    if path is None:
        outlets = outlet_table().outlets
        return ({o.name: o.aliases for o in outlets},
                {d.lower().removeprefix("www."): o.name for o in outlets for d in o.domains})
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}, {}
    table = loaded.get("outlets", loaded) if isinstance(loaded, dict) else None
    if not isinstance(table, dict):
        return {}, {}
    aliases: dict[str, tuple[str, ...]] = {}
    domains: dict[str, str] = {}
    for canonical, spec in table.items():
        if not isinstance(canonical, str) or canonical == "version":
            continue
        spec_map = spec if isinstance(spec, dict) else {"aliases": spec}
        aliases[canonical] = _strings(spec_map.get("aliases"))
        for domain in _strings(spec_map.get("domains")):
            domains[domain.lower().removeprefix("www.")] = canonical
    return aliases, domains


def _strings(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return tuple(str(item).strip() for item in items if str(item).strip())


def alias_resolver(builtin: Mapping[str, tuple[str, ...]], extra: Mapping[str, tuple[str, ...]],
                   key: Callable[[str], str]) -> dict[str, str]:
    """Map each name key to its canonical name. Site aliases join and rename built-in groups:
    `AP: [AP News]` in site.yml makes AP, AP News and The Associated Press one outlet named AP."""
    canonical_of: dict[str, str] = {}
    for canonical, others in builtin.items():
        for name in (canonical, *others):
            canonical_of[key(name)] = canonical
    for canonical, others in extra.items():
        names = (canonical, *others)
        joined = {canonical_of[key(n)] for n in names if key(n) in canonical_of}
        for name_k, target in list(canonical_of.items()):
            if target in joined:
                canonical_of[name_k] = canonical
        for name in names:
            canonical_of[key(name)] = canonical
    return canonical_of


def safe_segment(text: str, fallback: str) -> str:
    """One safe URL path segment: ASCII slug, never empty, `..`, a reserved name, or all digits
    (digits would clash with month folders such as `2021/03/`)."""
    slug = slugify(text, max_length=SLUG_MAX, word_boundary=True, save_order=True)
    if not slug:
        slug = fallback
    if slug in RESERVED_SEGMENTS or slug.isdigit():
        slug = f"{slug}-{fallback}"
    return slug


def dedupe_segments(wanted: Sequence[tuple[str, str]]) -> dict[str, str]:
    """(id, wanted segment) pairs, in priority order -> id: unique segment. The first id keeps
    the segment; later ones get -2, -3, ... skipping any segment another id wants outright."""
    taken = {segment for _, segment in wanted}
    owners: set[str] = set()
    result: dict[str, str] = {}
    for ident, segment in wanted:
        if segment not in owners:
            owners.add(segment)
            result[ident] = segment
            continue
        number = 2
        while f"{segment}-{number}" in taken:
            number += 1
        taken.add(f"{segment}-{number}")
        result[ident] = f"{segment}-{number}"
    return result
