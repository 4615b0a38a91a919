"""YAML front matter, shared by `.md` and `.txt`: safe loading, typed fields, problems with lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model import DateValue, Problem

KNOWN_KEYS = frozenset(
    {"title", "dek", "summary", "subtitle", "authors", "author", "outlet", "publisher", "date",
     "tags", "source_url", "url", "slug", "related_links"}
)
MAX_FRONT_MATTER = 256 * 1024  # bytes; bigger front matter is a mistake or an attack


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Fields given by hand; each overrides what a loader infers."""

    fields: Mapping[str, object] = field(default_factory=dict)  # normalised, typed values
    body_start: int = 0  # index into the text where the body begins
    body_line: int = 1  # 1-based line where the body begins


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases, so a billion-laughs bomb cannot expand."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


_FAST_LOADER: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)


def load_yaml(raw: str) -> object:
    """Parse front matter, with libyaml when it is safe to.

    libyaml is ~10x faster than PyYAML's Python parser, but its composer is C code we cannot
    stop from expanding aliases. Aliases need an `&anchor` first and use `*`, so text without
    either character goes to libyaml; anything else, and anything libyaml refuses (so messages
    and line numbers stay those of the Python parser), goes through `_SafeLoader`.
    """
    if _FAST_LOADER is not None and "&" not in raw and "*" not in raw:
        try:
            return yaml.load(raw, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.load(raw, Loader=_SafeLoader)  # our SafeLoader subclass: no aliases, no tags


def split_front_matter(path: Path, text: str) -> tuple[FrontMatter | None, list[Problem]]:
    """Return the front matter (None when the text has none) and problems; never raises."""
    if not text.startswith("---\n"):
        return None, []
    end = text.find("\n---\n", 3)
    closing_len = 5
    if end < 0 and text.endswith("\n---"):
        end, closing_len = len(text) - 4, 4
    if end < 0:
        return FrontMatter(), [
            Problem(path, "front matter opened with '---' on line 1 is never closed",
                    "frontmatter.unclosed", 1, "error")
        ]
    raw = text[4:end]
    body_start = end + closing_len
    body_line = text.count("\n", 0, body_start) + 1
    if len(raw) > MAX_FRONT_MATTER:
        return FrontMatter({}, body_start, body_line), [
            Problem(path, "front matter larger than 256 KiB ignored", "frontmatter.too-large", 2,
                    "error")
        ]
    try:
        loaded = load_yaml(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 2
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatter({}, body_start, body_line), [
            Problem(path, f"front matter is not valid YAML: {reason}", "frontmatter.invalid",
                    line, "error")
        ]
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        return FrontMatter({}, body_start, body_line), [
            Problem(path, "front matter must be a mapping of keys to values",
                    "frontmatter.not-mapping", 2, "error")
        ]
    fields, problems = _typed_fields(path, loaded)
    return FrontMatter(fields, body_start, body_line), problems


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    return None


def _as_list(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = [value] if "," not in value else value.split(",")
    elif isinstance(value, list):
        parts = value
    else:
        return None
    out = [t for t in (_as_text(p) for p in parts) if t]
    return tuple(dict.fromkeys(out))


def _as_date(value: object) -> DateValue | None:
    import datetime

    if isinstance(value, datetime.datetime):
        return DateValue(value.year, value.month, value.day)
    if isinstance(value, datetime.date):
        return DateValue(value.year, value.month, value.day)
    if isinstance(value, int) and 1000 <= value <= 9999:
        return DateValue(value)
    if isinstance(value, str):
        return DateValue.parse_iso(value)
    return None


def _typed_fields(path: Path, loaded: dict[object, object]) -> tuple[dict[str, object], list[Problem]]:
    """Normalise aliases (author/authors, summary/dek, url/source_url) and check each type."""
    problems: list[Problem] = []
    fields: dict[str, object] = {}
    aliases = {"author": "authors", "summary": "dek", "subtitle": "dek", "url": "source_url",
               "publisher": "outlet"}
    for key, value in loaded.items():
        name = str(key).strip().lower()
        if name not in KNOWN_KEYS:
            problems.append(Problem(path, f"unknown front matter key '{key}' ignored",
                                    "frontmatter.unknown-key", 2))
            continue
        name = aliases.get(name, name)
        if name in ("authors", "tags", "related_links"):
            converted: object = _as_list(value)
        elif name == "date":
            converted = _as_date(value) if value not in (None, "") else None
            if converted is None and value not in (None, ""):
                problems.append(Problem(path, f"front matter date {value!r} is not YYYY[-MM[-DD]]",
                                        "frontmatter.bad-date", 2))
                continue
        else:
            converted = _as_text(value)
        if converted is None and value is not None and name != "date":
            problems.append(Problem(path, f"front matter '{key}' has an unusable value",
                                    "frontmatter.bad-value", 2))
            continue
        fields[name] = converted
    return fields, problems
