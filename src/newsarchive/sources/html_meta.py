"""Saved pages: gather metadata candidates from JSON-LD, `<meta>` tags, microdata and the page.

Each field gets an ordered tuple of candidates, best source first, each with the rule that found it,
so the loader picks the first usable one and `inspect --explain` can name where it came from.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

MAX_JSONLD_CHARS = 2_000_000  # one script block; bigger ones are not metadata worth the time
MAX_JSONLD_ITEMS = 2_000  # nodes visited per page, so a hostile @graph cannot make us crawl
_ARTICLE_TYPES = frozenset({"blogposting", "liveblogposting", "socialmediaposting", "report",
                            "posting", "discussionforumposting"})
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
                "dcterms.creator", "byl", "cxenseparse:author", "author_name", "citation_author")
_DATE_META = ("article:published_time", "og:article:published_time", "article:published",
              "datepublished", "published_time", "publishdate", "publish-date", "publish_date",
              "pubdate", "date", "dc.date.issued", "dc.date", "dcterms.issued", "dcterms.created",
              "dcterms.date", "sailthru.date", "parsely-pub-date", "article.published",
              "publication_date", "original-publish-date", "cxenseparse:recs:publishtime",
              "date.available", "created")
_OUTLET_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "copyright")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One value a page offers for a field, with the rule that found it."""

    value: str
    rule: str
    org: bool = False  # the markup itself says this is an organisation (schema.org @type)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Every candidate per field, best first; the loader decides which to keep."""

    titles: tuple[Candidate, ...]
    authors: tuple[tuple[Candidate, ...], ...]  # one group per source, best source first
    outlets: tuple[Candidate, ...]
    dates: tuple[Candidate, ...]
    urls: tuple[Candidate, ...]
    article_body: str | None
    jsonld_errors: int  # script blocks that held no readable JSON


def read_meta(root: etree._Element) -> PageMeta:
    """Collect candidates in the documented order: JSON-LD, then meta tags, then the visible page."""
    items, errors = _jsonld_items(root)
    article = _pick_article(items)
    tags = _meta_tags(root)
    ld = _from_jsonld(article, items) if article is not None else _EMPTY_LD
    titles = [*ld["titles"], *_metas(tags, ("og:title", "twitter:title"))]
    titles += _visible_titles(root)
    authors = [ld["authors"], _metas(tags, _AUTHOR_META), _microdata_authors(root),
               _visible_authors(root)]
    outlets = [*ld["outlets"], *_metas(tags, _OUTLET_META[:1]),
               *_site_items(items), *_metas(tags, _OUTLET_META[1:])]
    dates = [*ld["dates"], *_metas(tags, _DATE_META), *_visible_dates(root)]
    urls = [*_canonical(root), *_metas(tags, ("og:url", "twitter:url")), *ld["urls"]]
    return PageMeta(tuple(titles), tuple(tuple(g) for g in authors), tuple(outlets), tuple(dates),
                    tuple(urls), ld["body"], errors)


# --- JSON-LD -------------------------------------------------------------------------------------

def _jsonld_items(root: etree._Element) -> tuple[list[dict[str, Any]], int]:
    """Every JSON-LD object on the page, flattened out of lists and `@graph`; count broken blocks."""
    items: list[dict[str, Any]] = []
    errors = 0
    for script in root.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json" or not script.text:
            continue
        data = _loads_forgiving(script.text[:MAX_JSONLD_CHARS])
        if data is None:
            errors += 1
            continue
        _flatten(data, items)
    return items, errors


def _loads_forgiving(text: str) -> Any:
    """JSON as publishers write it: comments, CDATA, trailing commas, raw newlines, several objects."""
    text = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?://\s*\]\]>|-->)\s*$", "", text.strip())
    decoder = json.JSONDecoder(strict=False)
    for attempt in (text, re.sub(r",\s*([}\]])", r"\1", text)):
        try:
            return decoder.decode(attempt)
        except (ValueError, RecursionError):
            pass
    found, pos = [], 0
    while pos < len(text):
        start = min((i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0), default=-1)
        if start < 0:
            break
        try:
            value, pos = decoder.raw_decode(text, start)
            found.append(value)
        except (ValueError, RecursionError):
            pos = start + 1
    return found or None


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 6 or len(out) >= MAX_JSONLD_ITEMS:
        return
    if isinstance(data, list):
        for value in data[:MAX_JSONLD_ITEMS]:
            _flatten(value, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        for key in ("@graph", "mainEntity", "itemListElement"):
            if isinstance(data.get(key), (list, dict)):
                _flatten(data[key], out, depth + 1)


def _types(item: dict[str, Any]) -> set[str]:
    raw = item.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return {str(n).rsplit("/", 1)[-1].lower() for n in names if isinstance(n, str)}


def _is_article(item: dict[str, Any]) -> bool:
    return any(t.endswith("article") or t in _ARTICLE_TYPES for t in _types(item))


def _pick_article(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article object: the first with a headline, else the first article at all."""
    articles = [i for i in items if _is_article(i)]
    with_headline = [i for i in articles if _text(i.get("headline"))]
    chosen = with_headline or articles
    return chosen[0] if chosen else None


_EMPTY_LD: dict[str, Any] = {"titles": [], "authors": [], "outlets": [], "dates": [], "urls": [],
                             "body": None}


def _from_jsonld(article: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    ids = {i["@id"]: i for i in items if isinstance(i.get("@id"), str) and len(i) > 1}
    titles = [Candidate(v, f"html.jsonld.{k}") for k in ("headline", "name")
              if (v := _text(article.get(k)))]
    authors = [c for a in _as_list(article.get("author")) if (c := _party(a, ids, "author"))]
    outlets = [c for p in _as_list(article.get("publisher")) if (c := _party(p, ids, "publisher"))]
    dates = [Candidate(v, f"html.jsonld.{k}") for k in ("datePublished", "dateCreated")
             if (v := _text(article.get(k)))]
    page = article.get("mainEntityOfPage")
    page_url = page.get("@id") or page.get("url") if isinstance(page, dict) else page
    urls = [Candidate(v, f"html.jsonld.{k}") for k, v in (("url", _text(article.get("url"))),
                                                          ("mainEntityOfPage", _text(page_url)))
            if v]
    body = _text(article.get("articleBody")) or None
    return {"titles": titles, "authors": authors, "outlets": outlets, "dates": dates,
            "urls": urls, "body": body}


def _party(value: Any, ids: dict[str, dict[str, Any]], key: str) -> Candidate | None:
    """A person or organisation as a name, resolving `@id` references within the page."""
    rule = f"html.jsonld.{key}"
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        value, rule = ids.get(value["@id"], value), f"html.jsonld.{key}-ref"
    if isinstance(value, dict):
        name = _text(value.get("name"))
        org = any("organization" in t or t == "corporation" for t in _types(value))
        return Candidate(name, rule, org) if name else None
    name = _text(value)
    return Candidate(name, f"html.jsonld.{key}") if name else None


def _site_items(items: list[dict[str, Any]]) -> list[Candidate]:
    """Names of the WebSite / Organization objects on the page: the outlet when nothing else says."""
    found = []
    for item in items:
        kinds = _types(item)
        if kinds & {"website", "newsmediaorganization", "organization"} and _text(item.get("name")):
            rule = "html.jsonld.website" if "website" in kinds else "html.jsonld.organization"
            found.append(Candidate(_text(item.get("name")), rule, True))
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str:
    """A JSON-LD string value, entity-decoded and with collapsed spaces; other shapes give ''."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = value[0]
    if not isinstance(value, str):
        return ""
    return " ".join(html.unescape(value).split())


# --- meta tags, microdata, visible page ----------------------------------------------------------

def _meta_tags(root: etree._Element) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        content = " ".join((meta.get("content") or "").split())
        if key and content:
            tags.setdefault(key.strip().lower(), []).append(content)
    return tags


def _metas(tags: dict[str, list[str]], keys: tuple[str, ...]) -> list[Candidate]:
    return [Candidate(v, f"html.meta.{k}") for k in keys for v in tags.get(k, ())]


def _element_text(element: etree._Element) -> str:
    text = " ".join(str(part) for part in element.itertext())
    return " ".join(text.split())


def _visible_titles(root: etree._Element) -> list[Candidate]:
    found = [Candidate(_element_text(t), "html.title") for t in root.iter("title")][:1]
    found += [Candidate(e.get("content") or _element_text(e), "html.microdata.headline")
              for e in _by_itemprop(root, "headline")][:1]
    return found + [Candidate(_element_text(h), "html.h1") for h in root.iter("h1")][:1]


def _by_itemprop(root: etree._Element, name: str) -> Iterator[etree._Element]:
    for element in root.iter():
        if name in (element.get("itemprop") or "").split():
            yield element


def _microdata_authors(root: etree._Element) -> list[Candidate]:
    found = []
    for element in _by_itemprop(root, "author"):
        if _in_comments(element):
            continue
        names = [n.get("content") or _element_text(n) for n in _by_itemprop(element, "name")]
        name = names[0] if names else element.get("content") or _element_text(element)
        org = "organization" in (element.get("itemtype") or "").lower()
        if name and len(name) < 120:
            found.append(Candidate(" ".join(name.split()), "html.microdata.author", org))
    return found


def _in_comments(element: etree._Element) -> bool:
    """Readers' comments carry their own microdata authors; they are not the article's."""
    for parent in element.iterancestors():
        marks = " ".join(parent.get(a) or "" for a in ("class", "id", "itemprop", "itemtype"))
        if "comment" in marks.lower():
            return True
    return False


_BYLINE_CLASS = re.compile(r"\b(byline|author[-_]?name|author|byline__author)\b", re.I)


def _visible_authors(root: etree._Element) -> list[Candidate]:
    """Byline elements and rel=author links, for pages whose metadata names nobody."""
    found = [Candidate(_element_text(a), "html.rel-author") for a in root.iter("a")
             if "author" in (a.get("rel") or "").lower().split()]
    for element in root.iter("span", "div", "p", "a", "address"):
        if _BYLINE_CLASS.search(element.get("class") or "") and len(found) < 8:
            text = _element_text(element)
            if 2 < len(text) < 80:
                found.append(Candidate(text, "html.byline"))
    return found


def _visible_dates(root: etree._Element) -> list[Candidate]:
    found = [Candidate(e.get("content") or e.get("datetime") or _element_text(e),
                       "html.microdata.datePublished") for e in _by_itemprop(root, "datePublished")]
    times = list(root.iter("time"))
    times.sort(key=lambda t: t.get("pubdate") is None and "publish" not in (t.get("class") or ""))
    found += [Candidate(t.get("datetime") or _element_text(t), "html.time") for t in times[:3]]
    return [c for c in found if c.value]


def _canonical(root: etree._Element) -> list[Candidate]:
    return [Candidate(link.get("href", "").strip(), "html.link.canonical")
            for link in root.iter("link")
            if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")]
