"""`newsarchive check`: everything a build would complain about, and more, without writing a site.

Runs load -> resolve -> collect -> plan -> render in memory, then looks at the records (missing
fields, suspicious values), across them (duplicates and syndicated copies), and at the rendered HTML
(internal links that lead nowhere). Every finding is a Problem, so output and exit code work as in
`build`; duplicate groups are also returned as records for `--json`.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from .cache import LoadCache
from .config import Config
from .model import RAW, Article, Page, Problem
from .pipeline import plan
from .render import make_environment, render_page
from .sources.lexicon import outlet_key, outlet_table, words

Progress = Callable[[str, int, int], None]
LONG_TITLE = 300  # characters
SHORT_BODY = 30  # words
SHINGLE = 5  # words per shingle
LEAD_WORDS = 400  # wire copies share their lead; comparing it alone keeps 5,000 articles fast
SIMILAR = 0.5  # Jaccard of lead shingles from which two bodies count as copies of one story
_WORD = re.compile(r"\w+")
_LINK_TAG = re.compile(rb"<(?:a|link|img|script|source|base|iframe|area|video|audio)\b[^>]*>",
                       re.IGNORECASE)  # autoescape writes ">" in attributes as &gt;
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z'’-]+|[A-Z]\.)$")


@dataclass(frozen=True, slots=True)
class Planned:
    """The site as a build would plan it, with everything the stages said on the way."""

    config: Config
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class CopyGroup:
    """Articles whose bodies are (nearly) the same text."""

    kind: str  # "duplicate" (one outlet, or identical text) or "syndicated" (several outlets)
    files: tuple[str, ...]  # source paths, sorted
    outlets: tuple[str, ...]  # distinct outlets, sorted; "" for none
    similarity: float  # lowest Jaccard of lead shingles between a member and the group's first


@dataclass(frozen=True, slots=True)
class CheckResult:
    articles: int
    pages: int
    problems: tuple[Problem, ...]
    groups: tuple[CopyGroup, ...]


def plan_archive(config: Config, progress: Progress | None = None) -> Planned:
    """The pages a build would make (`pipeline.plan`), reading (never writing) the load cache."""
    cache = LoadCache(config.cache_dir / f"{config.output_dir.name}-loads.pickle")
    articles, pages, problems, _skipped = plan(config, cache, progress)
    return Planned(config, articles, pages, tuple(problems))


def render_and_check_links(pages: Sequence[Page], env: jinja2.Environment, config: Config,
                           progress: Progress | None = None) -> list[Problem]:
    """Render each page in memory and check its links at once, so no page's bytes are kept."""
    planned = {p.path for p in pages}
    problems: list[Problem] = []
    for done, page in enumerate(pages, 1):
        path = page.path
        try:
            data = page.data() if page.template == RAW else render_page(env, page)
        except jinja2.TemplateError as exc:
            problems.append(Problem(Path(path), f"page cannot be rendered: template "
                                    f"{page.template}: {exc}", "render.failed", None, "error"))
            data = b""
        if path.endswith(".html") and isinstance(data, bytes):
            problems += broken_links(path, data, planned, config)
        if progress is not None:
            progress("render", done, len(pages))
    return problems


def run_check(config: Config, progress: Progress | None = None) -> CheckResult:
    planned = plan_archive(config, progress)
    env = make_environment(config.templates_dir)
    page_problems = render_and_check_links(planned.pages, env, config, progress)
    groups = copy_groups(planned.articles)
    problems = [*planned.problems, *page_problems, *record_problems(planned.articles),
                *group_problems(groups)]
    return CheckResult(len(planned.articles), len(planned.pages), tuple(problems), groups)


# --- records --------------------------------------------------------------------------------------


def record_problems(articles: Sequence[Article]) -> list[Problem]:
    """Missing fields and values that are probably a parsing mistake."""
    author_keys = {outlet_key(name) for a in articles for name in a.authors}
    problems: list[Problem] = []
    for article in articles:
        path = Path(article.source_path)

        def warn(message: str, code: str, path: Path = path) -> None:
            problems.append(Problem(path, message, code))

        if article.date is None:
            warn("no date: the article is listed as undated", "check.no-date")
        if not article.authors:
            warn("no author", "check.no-author")
        if not article.outlet:
            warn("no outlet", "check.no-outlet")
        if len(article.title) > LONG_TITLE:
            warn(f"title is {len(article.title)} characters long; body text taken as the title?",
                 "check.long-title")
        count = len(_WORD.findall(" ".join(article.body)))
        if count < SHORT_BODY:
            warn(f"body has only {count} words; was the article cut short?", "check.short-body")
        if article.outlet and looks_like_person(article.outlet, author_keys):
            warn(f"outlet '{article.outlet}' looks like a person's name", "check.outlet-person")
    return problems


def looks_like_person(outlet: str, author_keys: set[str]) -> bool:
    """An author elsewhere, or name-shaped (2-3 capitalised words) and no known outlet or org word."""
    if outlet_key(outlet) in author_keys:
        return True
    parts = outlet.split()
    if not 2 <= len(parts) <= 3 or not all(_NAME_WORD.match(p) for p in parts):
        return False
    if outlet_table().find(outlet) is not None:
        return False
    organisation = words().organisation_words
    return not any(p.casefold().strip(".") in organisation for p in parts)


# --- duplicates and syndicated copies -------------------------------------------------------------


def lead_shingles(article: Article) -> frozenset[int]:
    """Hashed word 5-grams of the body's first LEAD_WORDS words (crc32: fast, stable across runs)."""
    tokens = _WORD.findall(" ".join(article.body).casefold())[:LEAD_WORDS]
    if len(tokens) < SHINGLE:
        return frozenset({zlib.crc32(" ".join(tokens).encode())}) if tokens else frozenset()
    return frozenset(zlib.crc32(" ".join(tokens[i:i + SHINGLE]).encode())
                     for i in range(len(tokens) - SHINGLE + 1))


def copy_groups(articles: Sequence[Article]) -> tuple[CopyGroup, ...]:
    """Groups of near-identical bodies: MinHash LSH finds candidates, exact Jaccard confirms."""
    from datasketch import (  # type: ignore[import-untyped]  # only `check` needs it
        MinHash,
        MinHashLSH,
    )

    shingles = [lead_shingles(a) for a in articles]
    lsh = MinHashLSH(threshold=SIMILAR, num_perm=64)
    sketches: list[MinHash] = []
    for index, found in enumerate(shingles):
        sketch = MinHash(num_perm=64, seed=1, hashfunc=int)
        sketch.update_batch(sorted(found))
        sketches.append(sketch)
        if found:
            lsh.insert(index, sketch)
    parent = list(range(len(articles)))
    for index, sketch in enumerate(sketches):
        for other in lsh.query(sketch) if shingles[index] else ():
            if other > index and jaccard(shingles[index], shingles[other]) >= SIMILAR:
                parent[_root(parent, other)] = _root(parent, index)
    members: dict[int, list[int]] = {}
    for index in range(len(articles)):
        members.setdefault(_root(parent, index), []).append(index)
    groups = [_group([articles[i] for i in found], [shingles[i] for i in found])
              for found in members.values() if len(found) > 1]
    return tuple(sorted(groups, key=lambda g: g.files))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _root(parent: list[int], index: int) -> int:
    while parent[index] != index:
        parent[index] = parent[parent[index]]
        index = parent[index]
    return index


def _group(articles: Sequence[Article], shingles: Sequence[frozenset[int]]) -> CopyGroup:
    order = sorted(range(len(articles)), key=lambda i: articles[i].source_path)
    first = shingles[order[0]]
    similarity = min(jaccard(first, shingles[i]) for i in order[1:])
    outlets = sorted({a.outlet or "" for a in articles})
    named = {outlet_key(o) for o in outlets if o}
    same_text = len({_text_hash(a) for a in articles}) == 1
    kind = "syndicated" if len(named) > 1 and not same_text else "duplicate"
    return CopyGroup(kind, tuple(articles[i].source_path for i in order), tuple(outlets),
                     round(similarity, 3))


def _text_hash(article: Article) -> str:
    text = " ".join(_WORD.findall(" ".join(article.body).casefold()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def group_problems(groups: Iterable[CopyGroup]) -> list[Problem]:
    problems = []
    for group in groups:
        others = ", ".join(group.files[1:])
        if group.kind == "duplicate":
            message = f"likely duplicate: same text as {others}"
        else:
            message = (f"syndicated copy: the same story as {others} "
                       f"(outlets: {', '.join(o for o in group.outlets if o)})")
        problems.append(Problem(Path(group.files[0]), message, f"check.{group.kind}"))
    return problems


# --- links ----------------------------------------------------------------------------------------


class _LinkParser(HTMLParser):
    """Collect href/src values and the <base href>, with their line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if tag == "base" and name == "href":
                self.base = value
            elif name in ("href", "src") and tag != "base":
                self.links.append((self.getpos()[0], value))


def broken_links(page: str, data: bytes, planned: set[str], config: Config) -> list[Problem]:
    """Internal links in one HTML page that name no planned file.

    html.parser reads only the tags that can link (found by _LINK_TAG): feeding it whole pages
    cost 7 ms a page, 4 minutes for a 5,000-article site. One tag per line keeps line numbers.
    """
    found = list(_LINK_TAG.finditer(data))
    parser = _LinkParser()
    parser.feed("\n".join(_one_line(m.group()) for m in found))
    parser.close()
    problems = []
    for index, href in parser.links:
        target = resolve_link(page, href, parser.base, config.base_url)
        if target is not None and target not in planned:
            line = data.count(b"\n", 0, found[index - 1].start()) + 1
            problems.append(Problem(Path(config.output) / page, f"broken link: {href} "
                                    f"(no file {target})", "check.broken-link", line, "error"))
    return problems


def _one_line(tag: bytes) -> str:
    """A tag on one line; a <script> is closed at once, or html.parser would read on as script."""
    text = tag.decode("utf-8", "replace").replace("\n", " ").replace("\r", " ")
    return text + "</script>" if text[:7].lower() == "<script" else text


def resolve_link(page: str, href: str, base: str | None, base_url: str | None) -> str | None:
    """The output path an internal link names, or None for external, fragment-only and data links."""
    start = posixpath.dirname(page)
    if base is not None:
        if base_url and base.startswith(base_url):
            start = base[len(base_url):].rstrip("/")
        elif urlsplit(base).scheme or base.startswith("//"):
            return None
        else:
            start = posixpath.normpath(posixpath.join(start, base)).lstrip("/")
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        if not (base_url and href.startswith(base_url)):
            return None
        parts, start = urlsplit(href[len(base_url):]), ""
    path = unquote(parts.path)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(start, path)
    target = posixpath.normpath(joined)
    if path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target
