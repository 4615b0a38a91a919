"""site.yml -> a frozen, typed Config; unknown keys and bad values become Problems, never crashes."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .model import Problem


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting of an archive; all optional. Paths are resolved against the archive root."""

    root: Path = Path(".")  # folder holding site.yml; relative paths below are from here
    title: str = "News archive"
    description: str = "A searchable archive of collected news coverage."
    base_url: str | None = None  # e.g. "https://example.org/archive/"; only for absolute URLs
    language: str = "en"
    articles: Path = Path("articles")
    output: Path = Path("build")
    templates: Path | None = None  # a folder of templates overriding the theme file by file
    page_size: int = 20  # articles per listing page
    outlet_aliases: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )  # canonical outlet name -> other names it appears under
    author_aliases: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )  # canonical author name -> variants
    workers: int = 0  # processes that parse and render; 0 = one per CPU core, 1 = no pool
    feed_size: int = 50  # entries per Atom/JSON feed
    cname: str | None = None  # custom domain written as CNAME by `publish --gh-pages`

    @property
    def articles_dir(self) -> Path:
        return self.root / self.articles

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    @property
    def cache_dir(self) -> Path:
        """Where builds keep what they made for the next one (never published)."""
        return self.root / ".newsarchive-cache"

    @property
    def templates_dir(self) -> Path | None:
        return self.root / self.templates if self.templates is not None else None


SETTINGS = tuple(f.name for f in fields(Config) if f.name != "root")


def load_config(path: Path) -> tuple[Config, list[Problem]]:
    """Read site.yml; a missing file gives the defaults, bad keys and values give Problems."""
    root = path.parent
    if not path.exists():
        return Config(root=root), []
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Config(root=root), [Problem(path, f"cannot read config: {reason}",
                                           "config.invalid", line, "error")]
    if node is None:
        return Config(root=root), []
    if not isinstance(node, yaml.MappingNode):
        return Config(root=root), [Problem(path, "config must be a mapping of settings",
                                           "config.invalid", 1, "error")]
    values: dict[str, Any] = {"root": root}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key not in SETTINGS:
            close = difflib.get_close_matches(key, SETTINGS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Problem(path, f"unknown setting '{key}'{hint}", "config.unknown-key",
                                    line))
            continue
        try:
            raw = yaml.safe_load(yaml.serialize(value_node))
            values[key] = _convert(key, raw)
        except (ValueError, TypeError, yaml.YAMLError) as exc:
            problems.append(Problem(path, f"setting '{key}': {exc}", "config.bad-value", line,
                                    "error"))
    return Config(**values), problems


def _convert(key: str, raw: Any) -> Any:
    """Check and convert one setting's value; raise ValueError with a reason a person can act on."""
    if key in ("title", "description", "language"):
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError("expected a non-empty text")
        return raw.strip()
    if key in ("base_url", "cname"):
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise ValueError("expected a text")
        if key == "base_url":
            if not raw.startswith(("http://", "https://")):
                raise ValueError("expected an absolute http:// or https:// URL")
            return raw if raw.endswith("/") else raw + "/"
        return raw.strip()
    if key in ("articles", "output", "templates"):
        if raw is None and key == "templates":
            return None
        if not isinstance(raw, str) or not raw.strip():
            raise ValueError("expected a folder path")
        return Path(raw)
    if key in ("page_size", "workers", "feed_size"):
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < (0 if key == "workers" else 1):
            raise ValueError("expected a positive whole number" + (" or 0" if key == "workers" else ""))
        return raw
    if key in ("outlet_aliases", "author_aliases"):
        return _aliases(raw)
    raise ValueError("not handled")  # pragma: no cover - SETTINGS and _convert agree


def _aliases(raw: Any) -> Mapping[str, tuple[str, ...]]:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict):
        raise ValueError("expected a mapping of name -> list of other names")
    table: dict[str, tuple[str, ...]] = {}
    for name, others in raw.items():
        if isinstance(others, str):
            others = [others]
        if not isinstance(name, str) or not isinstance(others, list):
            raise ValueError("expected a mapping of name -> list of other names")
        table[name.strip()] = tuple(str(o).strip() for o in others if str(o).strip())
    return MappingProxyType(table)
