"""`newsarchive add`: one pasted or saved article -> one Markdown file a person can correct by hand.

The parsed fields go into YAML front matter (so a wrong byline is fixed by editing one line, and the
loader's guess never has to be re-run), the body is kept as it was copied.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from slugify import slugify

from .cache import LoadCache, content_key
from .config import Config
from .diagnostics import UserError
from .model import Article, DateValue, Problem
from .sources import iter_article_files, load_file, read_file

URL_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_MARKDOWN_LEAD = re.compile(r"^([#>+*=|-]|\d+[.)]\s|<)", re.MULTILINE)
SLUG_MAX = 80


class DuplicateArticle(UserError):
    """The article's text is already in the archive; nothing was written."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """Fields given on the command line; None (or empty) means "keep what was parsed"."""

    outlet: str | None = None
    authors: tuple[str, ...] = ()
    date: DateValue | None = None
    tags: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    article: Article  # with the overrides applied
    path: Path  # the file written (or that would be written)
    problems: tuple[Problem, ...]  # what the loader said about the input


def is_url(text: str) -> bool:
    return bool(URL_PATTERN.match(text)) or text.lower().startswith("www.")


def parse_input(name: Path, data: bytes, overrides: Overrides) -> tuple[Article, list[Problem]]:
    """Parse the input with the loader its suffix calls for; stdin counts as copied text."""
    article, problems = load_file(name, data)
    if article is None:
        reason = next((p.message for p in problems if p.severity == "error"), "no article found")
        raise UserError(f"{name}: cannot add: {reason}")
    return apply_overrides(article, overrides), problems


def apply_overrides(article: Article, overrides: Overrides) -> Article:
    return dataclasses.replace(
        article,
        outlet=overrides.outlet or article.outlet,
        authors=overrides.authors or article.authors,
        date=overrides.date or article.date,
        tags=overrides.tags or article.tags,
        source_url=overrides.url or article.source_url,
    )


def text_key(article: Article) -> str:
    """Hash of the body's words only: the same text pasted, saved as HTML or as Markdown matches."""
    words = _WORD.findall(" ".join(article.body).casefold())
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).hexdigest()


def find_duplicate(article: Article, config: Config) -> str | None:
    """The archive file whose body has the same words, if any (the load cache keeps this quick)."""
    cache = LoadCache(config.cache_dir / f"{config.output_dir.name}-loads.pickle")
    key = text_key(article)
    for path, refused in iter_article_files(config.articles_dir):
        data, _error = (None, None) if refused else read_file(path)
        if data is None:
            continue
        hit = cache.get(path.as_posix(), content_key(data))
        other = hit[0] if hit is not None else load_file(path, data)[0]
        if other is not None and other.body and text_key(other) == key:
            return path.as_posix()
    return None


def target_path(article: Article, articles_dir: Path) -> Path:
    """`YYYY/YYYY-MM-DD-slug.md`, or `undated/slug.md`; a taken name gets `-2`, `-3`, ..."""
    slug = slugify(article.title, max_length=SLUG_MAX, word_boundary=True) or "article"
    if article.date is None:
        folder, stem = articles_dir / "undated", slug
    else:
        folder, stem = articles_dir / f"{article.date.year:04d}", f"{article.date.iso()}-{slug}"
    candidate, number = folder / f"{stem}.md", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{stem}-{number}.md"
    return candidate


def front_matter(article: Article) -> str:
    """The parsed fields as YAML, in the order a person reads them; empty fields are left out."""
    fields: dict[str, object] = {"title": article.title}
    if article.dek:
        fields["dek"] = article.dek
    if article.authors:
        fields["authors"] = list(article.authors)
    if article.outlet:
        fields["outlet"] = article.outlet
    if article.date is not None:
        date = article.date
        fields["date"] = (datetime.date(date.year, date.month, date.day)
                          if date.month and date.day else date.iso())
    if article.tags:
        fields["tags"] = list(article.tags)
    if article.source_url:
        fields["source_url"] = article.source_url
    if article.related_links:
        fields["related_links"] = list(article.related_links)
    dumped = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100_000)
    return f"---\n{dumped}---\n"


def markdown_body(article: Article) -> str:
    """The body as copied; plain text only has line starts that Markdown would read as markup escaped."""
    if article.body_format == "markdown":
        return "\n\n".join(article.body) + "\n"
    return "\n\n".join(_MARKDOWN_LEAD.sub(r"\\\1", p) for p in article.body) + "\n"


def add_article(article: Article, config: Config, problems: Sequence[Problem], *,
                allow_duplicate: bool = False, dry_run: bool = False) -> AddResult:
    """Write the article into the archive unless its text is already there."""
    if not config.articles_dir.is_dir():
        if not (config.root / "site.yml").is_file():
            raise UserError(f"no archive here: {config.articles_dir} does not exist "
                            "(run `newsarchive init` first, or give --config)")
        config.articles_dir.mkdir(parents=True)
    if not allow_duplicate:
        duplicate = find_duplicate(article, config)
        if duplicate is not None:
            raise DuplicateArticle(f"already in the archive as {duplicate}; not added "
                                   "(use --allow-duplicate to add it anyway)")
    path = target_path(article, config.articles_dir)
    if not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(front_matter(article) + "\n" + markdown_body(article))
    return AddResult(article, path, tuple(problems))


def describe(article: Article) -> list[str]:
    """The fields found, one per line, for the person to check before trusting them."""
    words = len(_WORD.findall(" ".join(article.body)))
    return [
        f"  title:   {article.title}",
        f"  dek:     {article.dek or '-'}",
        f"  authors: {', '.join(article.authors) or '-'}",
        f"  outlet:  {article.outlet or '-'}",
        f"  date:    {article.date.iso() if article.date else '- (undated)'}",
        f"  tags:    {', '.join(article.tags) or '-'}",
        f"  url:     {article.source_url or '-'}",
        f"  body:    {len(article.body)} paragraphs, {words} words",
    ]
