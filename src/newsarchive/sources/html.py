"""Saved web pages: metadata from JSON-LD, then `<meta>` tags, then the visible page; body text.

The candidates are gathered by `html_meta`, the body by `html_body`; this module decodes and
parses the page, picks one value per field, cleans names (people to authors, organisations to the
outlet) and records where each field came from.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from ..model import Article, DateValue, FieldSource, Problem
from .decode import decode
from .html_body import extract_body
from .html_meta import Candidate, PageMeta, read_meta

MAX_PARSE_CHARS = 6_000_000  # the article and its metadata sit well inside this; the rest is cut
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_SEPARATORS = re.compile(r"\s+[|\-–—:·»«]{1,2}\s+")


def load_html(path: Path, data: bytes) -> tuple[Article | None, list[Problem]]:
    """One saved page -> Article; a page without any title gives None and `load.no-title`."""
    text, problems = _decode_html(path, data)
    if len(text) > MAX_PARSE_CHARS:
        problems.append(Problem(path, f"page over {MAX_PARSE_CHARS:,} characters; the rest is "
                                "ignored", "load.html-truncated"))
        text = text[:MAX_PARSE_CHARS]
    root = _parse(text)
    if root is None:
        return None, [*problems, Problem(path, "not a readable HTML page", "load.html-unparsed",
                                         None, "error")]
    meta = read_meta(root)
    if meta.jsonld_errors:
        problems.append(Problem(path, f"{meta.jsonld_errors} JSON-LD block(s) unreadable; ignored",
                                "load.html-bad-jsonld"))
    article = _build(path, root, meta)
    if article is None:
        problems.append(Problem(path, "no title found (no headline, og:title, <title> or <h1>)",
                                "load.no-title", None, "error"))
    return article, problems


def _decode_html(path: Path, data: bytes) -> tuple[str, list[Problem]]:
    """BOM, then valid UTF-8, then the declared charset, then the shared fallback."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _normalise(data[len(bom):].decode(codec, errors="replace")), []
    try:
        return _normalise(data.decode("utf-8")), []
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(data[:8192])
    if match:
        try:
            codec = codecs.lookup(match.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            codec = ""
        if codec and codec not in ("utf-8", "utf-16-le", "utf-16-be", "utf-16"):
            codec = "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec
            return _normalise(data.decode(codec, errors="replace")), []
    return decode(path, data)


def _normalise(text: str) -> str:
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def _parse(text: str) -> etree._Element | None:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root if root is not None else None


def _build(path: Path, root: etree._Element, meta: PageMeta) -> Article | None:
    sources: list[tuple[str, FieldSource]] = []
    url = _first_url(meta.urls)
    host = urlsplit(url.value).hostname or "" if url else ""
    site = _site_names([c.value for c in meta.outlets], host)
    title = next((c for c in meta.titles if c.value), None)
    if title is None:
        return None
    title_text, stripped = _strip_site(title.value, site.keys | site.hosts)
    sources.append(("title", FieldSource(0, title.rule + ("+strip-site" if stripped else ""))))
    authors, orgs, author_rule = _pick_authors(meta.authors, site)
    if authors:
        sources.append(("authors", FieldSource(0, author_rule)))
    outlet = _pick_outlet(meta.outlets, orgs)
    if outlet:
        sources.append(("outlet", FieldSource(0, outlet.rule)))
    date, date_rule = _pick_date(meta.dates)
    if date:
        sources.append(("date", FieldSource(0, date_rule)))
    if url:
        sources.append(("source_url", FieldSource(0, url.rule)))
    body, body_rule = extract_body(root, meta.article_body)
    if body and norm_key(body[0]) in (norm_key(title_text), norm_key(title.value)):
        body = body[1:]  # the headline repeated at the top is the title, not body
    if body:
        sources.append(("body", FieldSource(0, body_rule)))
    return Article(source_path=path.as_posix(), title=title_text, body=body,
                   authors=tuple(authors), outlet=outlet.value if outlet else None, date=date,
                   source_url=url.value if url else None, sources=tuple(sources))


def _first_url(candidates: tuple[Candidate, ...]) -> Candidate | None:
    for cand in candidates:
        parts = urlsplit(cand.value)
        if parts.scheme in ("http", "https") and parts.hostname:
            return cand
    return None


def _strip_site(title: str, site_keys: frozenset[str]) -> tuple[str, bool]:
    """Drop a trailing " | Site" / " - Site" only when that part names the site."""
    parts = list(_SEPARATORS.finditer(title))
    if parts and norm_key(title[parts[-1].end():]) in site_keys:
        head = title[: parts[-1].start()].strip()
        if head:
            return head, True
    return title, False


# a publisher named inline, then og:site_name, then a publisher reached by an @id reference
_OUTLET_FIRST = ("html.jsonld.publisher", "html.meta.og:site_name", "html.jsonld.publisher-ref")


def _pick_outlet(candidates: tuple[Candidate, ...], orgs: list[Candidate]) -> Candidate | None:
    """Publisher and og:site_name first, then an organisation named as author, then the rest."""
    usable = [c for c in candidates if c.value and len(c.value) < 100]
    first = [c for rule in _OUTLET_FIRST for c in usable if c.rule == rule]
    ordered = first + orgs + [c for c in usable if c not in first]
    return ordered[0] if ordered else None


_MONTHS = {m: i for i, names in enumerate((
    "jan january janv janvier januar enero gennaio janeiro",
    "feb february fev fevr février februar febrero febbraio fevereiro",
    "mar march mars märz marzo março",
    "apr april avr avril abril aprile",
    "may mai mayo maggio maio",
    "jun june juin juni junio giugno junho",
    "jul july juil juillet juli julio luglio julho",
    "aug august aout août agosto",
    "sep sept september septembre septiembre settembre setembro",
    "oct october octobre oktober octubre ottobre outubro",
    "nov november novembre noviembre novembro",
    "dec december déc décembre dezember diciembre dicembre dezembro"), 1) for m in names.split()}
_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\.?\s+([^\W\d]{3,10})\.?,?\s+(\d{4})")
_MONTH_DAY = re.compile(r"\b([^\W\d]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\D|$)")


def parse_date(text: str) -> DateValue | None:
    """A publication date as written (no time-zone shift): ISO first, then month-name forms."""
    text = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_COMPACT, "ymd"), (_MONTH_DAY, "mdy"),
                           (_DAY_MONTH, "dmy")):
        match = pattern.search(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = _MONTHS.get(parts["m"].lower()) if not parts["m"].isdigit() else int(parts["m"])
        if month is None:
            continue
        value = DateValue.parse_iso(f"{int(parts['y']):04d}-{month:02d}-{int(parts['d']):02d}")
        if value is not None and 1900 <= value.year <= 2100:
            return value
    return None


def _pick_date(candidates: tuple[Candidate, ...]) -> tuple[DateValue | None, str]:
    for cand in candidates:
        value = parse_date(cand.value)
        if value is not None:
            return value, cand.rule
    return None, ""


# --- people and organisations ---------------------------------------------------------------------

_ORG_WORDS = frozenset((
    "news", "press", "media", "times", "post", "bureau", "desk", "team", "agency", "service",
    "services", "network", "group", "inc", "ltd", "llc", "corp", "corporation", "company",
    "magazine", "journal", "daily", "online", "radio", "tv", "television", "broadcasting",
    "editorial", "newsroom", "herald", "tribune", "gazette", "international", "staff", "wire",
    "redaktion", "redacción", "redazione", "rédaction", "редакция",
))
_ROLE_WORDS = frozenset((
    "writer", "reporter", "correspondent", "editor", "columnist", "contributor", "journalist",
    "producer", "photographer", "analyst", "critic", "intern", "senior", "chief", "contributing",
    "political", "national", "reporting", "author", "autor", "autorin", "redakteur",
    "redakteurin",
))
_ACCOUNTS = re.compile(r"admin|webmaster|^(?:editor|staff|guest|user|anonymous)$", re.I)
_BY_PREFIX = re.compile(r"^(?:[^\W\d][\w ]{0,20}\s)?by\s+|^[^\W\d][\w]{0,15}\s*:\s+", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:[,;|/]|\s(?:and|&|und|et|и)\s)\s*", re.I)
_HANDLES = re.compile(r"(?:https?://|www\.)[^\s,;]+|[^\s,;]*@[^\s,;]+")
_SENTENCE_STOP = re.compile(r"(?<=[^\W\d]{2})\.\s+(?=[^\W\d])")


@dataclass(frozen=True, slots=True)
class SiteNames:
    """What names this page's site: for title suffixes and for telling outlets from people."""

    keys: frozenset[str]  # normalised outlet names from the metadata
    tokens: tuple[frozenset[str], ...]  # their words, for "Business Insider" vs "... Deutschland"
    hosts: frozenset[str]  # the page's host, with and without its suffix: "sportsnetca", "sportsnet"


def norm_key(text: str) -> str:
    """Case, spacing, punctuation and a leading "The" do not distinguish names."""
    text = re.sub(r"^the\s+", "", text.strip().casefold())
    return "".join(ch for ch in text if ch.isalnum())


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.casefold())) - {"the"}


def _site_names(outlets: list[str], host: str) -> SiteNames:
    host = host.removeprefix("www.")
    labels = host.split(".")
    hosts = {norm_key(host)} | ({norm_key(".".join(labels[:-1]))} if len(labels) > 1 else set())
    hosts |= {norm_key(labels[-2])} if len(labels) > 1 else set()
    names = [o for o in outlets if o and len(o) < 100]
    return SiteNames(frozenset(norm_key(o) for o in names) - {""},
                     tuple(w for o in names if (w := _words(o))), frozenset(hosts - {""}))


@functools.lru_cache(maxsize=1)
def _known_orgs() -> frozenset[str]:
    """Outlet names and aliases from the shared data file, normalised; empty when it is missing."""
    try:
        import yaml

        text = (Path(__file__).parent.parent / "data" / "outlets.yml").read_text("utf-8")
        outlets = (yaml.safe_load(text) or {}).get("outlets") or {}
    except (OSError, ValueError, ImportError, AttributeError, yaml.YAMLError):
        return frozenset()
    names: set[str] = set()
    for name, entry in outlets.items():
        aliases = entry.get("aliases", []) if isinstance(entry, dict) else []
        names.update(norm_key(str(n)) for n in [name, *aliases])
    return frozenset(names - {""})


def _classify(name: str, site: SiteNames, org_flag: bool) -> str:
    """'person', 'org' (goes to the outlet) or 'drop' (roles, site accounts, handles)."""
    words = name.split()
    lowered = {w.casefold().strip(".") for w in words}
    if _ACCOUNTS.search(name) or lowered & _ROLE_WORDS or not words or len(words) > 6:
        return "drop"
    key = norm_key(name)
    if org_flag or key in site.keys or key in _known_orgs() or lowered & _ORG_WORDS:
        return "org"
    mine = _words(name)
    if any(mine <= t or t <= mine for t in site.tokens):
        return "org"
    if re.search(r"\.(?:com|net|org|co|info|news)\b", name, re.I):
        return "org"
    if len(words) == 1 and words[0].isupper() and len(words[0]) <= 5:
        return "org"
    return "person"


def _segments(raw: str) -> list[str]:
    """"By A and B, Staff Writer" -> ["A", "B", "Staff Writer"], handles and e-mails removed."""
    raw = _HANDLES.sub("", raw)
    raw = _BY_PREFIX.sub("", raw.strip())
    parts = [p for piece in _NAME_SPLIT.split(raw) for p in _SENTENCE_STOP.split(piece)]
    cleaned = (_BY_PREFIX.sub("", p.strip(" .,:;-–—()[]\"'")) for p in parts)
    return [c for c in cleaned if c and not any(ch.isdigit() for ch in c)]


def _pick_authors(groups: tuple[tuple[Candidate, ...], ...], site: SiteNames
                  ) -> tuple[list[str], list[Candidate], str]:
    """People from the first source that names any; organisations met on the way, for the outlet."""
    orgs: list[Candidate] = []
    for group in groups:
        people: list[str] = []
        for cand in group:
            for name in _segments(cand.value):
                kind = _classify(name, site, cand.org)
                if kind == "org":
                    orgs.append(Candidate(name, cand.rule + ".organisation"))
                elif kind == "person" and norm_key(name) not in {norm_key(p) for p in people}:
                    people.append(name)
        if people:
            return people, orgs, group[0].rule
    return [], orgs, ""
