"""Metadata for machines: what the article page tells search engines and reference managers,
the per-article citation downloads, sitemap.xml and robots.txt.

The tags follow what Zotero's own Embedded Metadata translator reads, because that is what turns
a saved page into a correct reference: Highwire `citation_*` tags with one `citation_author` per
author, `DC.type` = newspaperArticle and `og:site_name` = the outlet give a Newspaper Article.
Never `citation_journal_title` (Zotero then saves a Journal Article), and no `prefix=` on <html>
(Zotero then drops og:title and og:site_name). JSON-LD is for search engines only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from .archive import Archive, Entry, record_key
from .cite import (
    CitationRecord,
    Citations,
    absolute_url,
    citations,
    parse_name,
    record_for_entry,
)
from .cite_formats import bibtex, csl_json, ris
from .config import Config
from .derive import Derived
from .jsonbytes import json_text
from .model import DateValue, Page, Pages, pickled_as_call
from .related import related_index
from .spill import Kept

CITE_FILES = (  # (file beside the article page, label, media type)
    ("cite.bib", "BibTeX", "application/x-bibtex"),
    ("cite.ris", "RIS", "application/x-research-info-systems"),
    ("cite.json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
)


@pickled_as_call
@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """Every machine-readable tag of one article page, ready for templates/partials/meta.html."""

    KEYED: ClassVar[bool] = True  # `key` hashes the other fields: fingerprints read only it

    canonical: str | None  # absolute URL of the page, only with base_url
    description: str
    outlet: str | None  # og:site_name and the JSON-LD publisher
    authors: tuple[str, ...]  # as written: og article:author
    highwire_authors: tuple[str, ...]  # "Last, First": citation_author
    highwire_date: str | None  # YYYY/MM/DD, YYYY/MM or YYYY
    published: str | None  # ISO 8601 with the date's true precision
    tags: tuple[str, ...]
    jsonld: str  # JSON with <, > and & escaped, safe inside <script>
    key: str = ""  # hash of the fields above (`record_key`): the page's fingerprint reads it


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Download:
    """One citation file offered on the article page."""

    path: str  # relative to the output root
    label: str
    filename: str  # the name the browser saves it under


def highwire_date(date: DateValue) -> str:
    """Highwire wants slashes, at the date's own precision."""
    return date.iso().replace("-", "/")


def highwire_name(written: str) -> str:
    name = parse_name(written)
    if name.literal:
        return name.family
    given = f"{name.given} {name.suffix}".strip() if name.suffix else name.given
    return f"{name.family}, {given}"


def script_json(value: object) -> str:
    """JSON for an inline <script>: `</script>` or `<!--` in a title cannot end the element."""
    text = json_text(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def news_article_jsonld(entry: Entry, canonical: str | None, language: str) -> dict[str, object]:
    """schema.org NewsArticle; `datePublished` keeps the date's true precision (2021-03)."""
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle",
                               "headline": entry.title}
    if entry.dek:
        data["description"] = entry.dek
    if entry.authors:
        data["author"] = [{"@type": "Person", "name": a.name} for a in entry.authors]
    if entry.outlet:
        data["publisher"] = {"@type": "Organization", "name": entry.outlet.name}
    if entry.date:
        data["datePublished"] = entry.date.iso()
    if entry.source_url:
        data["isBasedOn"] = entry.source_url
    if canonical:
        data["url"] = canonical
        data["mainEntityOfPage"] = canonical
    if entry.tags:
        data["keywords"] = [t.name for t in entry.tags]
    data["inLanguage"] = language
    return data


def article_meta(entry: Entry, config: Config) -> ArticleMeta:
    canonical = absolute_url(config.base_url, entry.url) if config.base_url else None
    fields = (
        canonical,
        entry.dek or config.description,
        entry.outlet.name if entry.outlet else None,
        tuple(a.name for a in entry.authors),
        tuple(highwire_name(a.name) for a in entry.authors),
        highwire_date(entry.date) if entry.date else None,
        entry.date.iso() if entry.date else None,
        tuple(t.name for t in entry.tags),
        script_json(news_article_jsonld(entry, canonical, config.language)),
    )
    return ArticleMeta(*fields, key=record_key(fields))


def meta_key(entry: Entry, config: Config) -> str:
    """Everything `article_meta` reads: the entry's content and three settings."""
    return f"{entry.key}|{record_key((config.base_url, config.description, config.language))}"


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Downloads:
    """The citation files of one article page, named by its folder and citation key."""

    KEYED: ClassVar[bool] = True  # `key` decides the files: fingerprints read only it

    files: tuple[Download, ...]
    key: str = ""  # folder and citation key: the file names and labels are fixed


def downloads(entry: Entry, key: str) -> Downloads:
    folder = entry.url.removesuffix("index.html")
    return Downloads(tuple(Download(folder + name, label, key + name.removeprefix("cite"))
                           for name, label, _ in CITE_FILES), f"{folder}|{key}")


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Cite:
    """One entry's citation, as planning holds it: the record's key (the download names) and
    its styled citations, kept in a file until a page shows them (`Derived.kept`). The record
    itself is made again where a file needs it (`record_for_entry`: cheap, unlike the styles)."""

    bibkey: str
    styled: Kept[Citations]


Cited = Mapping[str, Cite]  # entry URL -> its citation


def cited_entries(archive: Archive, config: Config, derived: Derived | None = None) -> Cited:
    """Every entry's styled citations, made once for the article pages and the data export
    (and kept between builds by `derived`)."""
    derived = Derived() if derived is None else derived
    found: dict[str, Cite] = {}
    for entry in archive.entries:
        found[entry.url] = _cite(entry, config, derived)
    return found


def _cite(entry: Entry, config: Config, derived: Derived) -> Cite:
    key = cite_key(entry, config)
    record = _record_once(entry, config)
    return Cite(derived.get("bibkey", key, lambda: record().key),
                derived.kept("cite/3", key, lambda: citations(record())))


def _record_once(entry: Entry, config: Config) -> Callable[[], CitationRecord]:
    """The entry's citation record, made at the first call and shared by the callers (the
    bibkey and the styles; the three citation files), not made by each."""
    made: list[CitationRecord] = []

    def record() -> CitationRecord:
        if not made:
            made.append(record_for_entry(entry, config.base_url, config.language))
        return made[0]

    return record


def cite_key(entry: Entry, config: Config) -> str:
    """Everything a citation reads: the entry's content and two settings."""
    return f"{entry.key}|{config.base_url}|{config.language}"


def article_extras(archive: Archive, config: Config, cited: Cited | None = None,
                   derived: Derived | None = None) -> Callable[[Entry], dict[str, object]]:
    """What the article page's context gets besides the entry; related lists are computed
    here once for the whole archive, the tags for machines once per content (`derived`).
    Everything is taken from `derived` here: pages are made again after it is let go."""
    derived = Derived() if derived is None else derived
    related = related_index(archive, derived)
    cited = cited_entries(archive, config) if cited is None else cited
    metas = {e.url: derived.kept("meta/2", meta_key(e, config), partial(article_meta, e, config))
             for e in archive.entries}

    def extras(entry: Entry) -> dict[str, object]:
        cite = cited[entry.url]
        return {"citations": cite.styled, "related": related[entry.url],
                "meta": metas[entry.url], "downloads": downloads(entry, cite.bibkey)}

    return extras


def cite_pages(archive: Archive, config: Config) -> Pages:
    """BibTeX, RIS and CSL-JSON files beside each article page (made when asked for, each
    from the entry's record, made there)."""

    def paths(entry: Entry) -> tuple[str, ...]:
        folder = entry.url.removesuffix("index.html")
        return tuple(folder + name for name, _ in CITE_FORMATS)

    def files(entry: Entry) -> tuple[Page, ...]:
        key = cite_key(entry, config)
        record = _record_once(entry, config)  # the three files are rendered one after another
        return tuple(Page.lazy(path, f"{name}|{key}", partial(_encoded, fmt, record))
                     for path, (name, fmt) in zip(paths(entry), CITE_FORMATS, strict=True))

    pages = Pages()
    pages.each(archive.entries, files, len(CITE_FORMATS), paths)
    return pages


CITE_FORMATS = (("cite.bib", bibtex), ("cite.ris", ris), ("cite.json", csl_json))


def _encoded(fmt: Callable[[CitationRecord], str],
             record: Callable[[], CitationRecord]) -> bytes:
    return fmt(record()).encode("utf-8")


def crawler_pages(paths: Iterable[str], config: Config) -> tuple[Page, ...]:
    """robots.txt always; sitemap.xml (every HTML page but 404, from the site's page `paths`)
    only with base_url, since a sitemap must hold absolute URLs. robots.txt points at it."""
    lines = ["User-agent: *", "Allow: /"]
    if not config.base_url:
        return (Page.raw("robots.txt", ("\n".join(lines) + "\n").encode("utf-8")),)
    base = config.base_url
    urls = [absolute_url(base, path) for path in paths
            if path.endswith(".html") and path != "404.html"]
    body = "".join(f"<url><loc>{_xml(u)}</loc></url>\n" for u in urls)
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
               f"{body}</urlset>\n")
    lines += ["", f"Sitemap: {base}sitemap.xml"]
    return (Page.raw("sitemap.xml", sitemap.encode("utf-8")),
            Page.raw("robots.txt", ("\n".join(lines) + "\n").encode("utf-8")))


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
