"""Dataset export: the archive as data, so research can leave the website.

`build/data/` holds `articles.jsonl` and `articles.csv` (one row per article, every field, the
body as plain text, the URL and the citations), `outlets.csv` and `authors.csv`; next to each
article page sits `article.json`; the "About this archive / Data" page links them and counts
articles by outlet and year. All of it is made here as bytes (`Page.raw`), because JSON and CSV
need their own escaping, not HTML's. Rows follow the archive's order (newest first, then title
and URL), so two builds of the same inputs give the same bytes.

CSV cells: lists are JSON arrays (`["Jane Doe", "Richard Roe"]`), so any name survives the
round trip; an absent value is an empty cell.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from . import __version__
from .archive import Archive, Entry, TermCount
from .cite import Citations, absolute_url, citations, record_for_entry
from .config import Config
from .derive import Derived
from .jsonbytes import json_bytes
from .model import Page, Pages
from .render import body_plain_text
from .segments import Segments

if TYPE_CHECKING:
    from .metadata import Cited
    from .site import SiteInfo

DATA = "data"
ABOUT_PATH = "about/index.html"
ARTICLE_JSON = "article.json"  # beside each article's index.html
COLUMNS = ("id", "url", "page", "title", "dek", "date", "date_precision", "outlet", "authors",
           "tags", "source_url", "source_path", "body_format", "reading_minutes",
           "related_links", "body", "body_text", "citation_apa", "citation_mla",
           "citation_chicago")
LIST_COLUMNS = frozenset({"authors", "tags", "related_links", "outlets"})  # JSON arrays, any file
INT_COLUMNS = frozenset({"reading_minutes", "articles"})
EXPORT_FORMAT = 2  # in every row's key: a new spelling of the files makes every row again
DATA_FILES = (  # (file, what it holds), shown on the About page
    ("articles.jsonl", "one JSON object per line, one line per article"),
    ("articles.csv", "the same rows as CSV; lists are JSON arrays in their cell"),
    ("outlets.csv", "each outlet: its key, name, page and article count"),
    ("authors.csv", "each author: key, name, page, article count and outlets"),
)


def body_text(entry: Entry) -> str:
    """The body as plain text (see `render.body_plain_text`: each body is parsed once)."""
    return body_plain_text(entry)


def article_row(entry: Entry, config: Config, cited: Citations | None = None
                ) -> dict[str, object]:
    """Every field of one article as plain JSON values, in `COLUMNS` order."""
    if cited is None:
        cited = citations(record_for_entry(entry, config.base_url, config.language))
    return {
        "id": entry.url.removesuffix("/index.html"),
        "url": absolute_url(config.base_url, entry.url) if config.base_url else None,
        "page": entry.url,
        "title": entry.title,
        "dek": entry.dek,
        "date": entry.date.iso() if entry.date else None,
        "date_precision": entry.date.precision if entry.date else None,
        "outlet": entry.outlet.name if entry.outlet else None,
        "authors": [a.name for a in entry.authors],
        "tags": [t.name for t in entry.tags],
        "source_url": entry.source_url,
        "source_path": entry.source_path,
        "body_format": entry.body_format,
        "reading_minutes": entry.reading_minutes,
        "related_links": list(entry.related_links),
        "body": "\n\n".join(entry.body),
        "body_text": body_text(entry),
        "citation_apa": cited.apa.text,
        "citation_mla": cited.mla.text,
        "citation_chicago": cited.chicago.text,
    }


def json_line(value: object) -> bytes:
    """One line of articles.jsonl: compact UTF-8 JSON, keys in row order, and its newline."""
    return json_bytes(value, newline=True)


def indented_json(row: Mapping[str, object]) -> bytes:
    """An article.json: the row indented by two spaces, and a final newline."""
    return json_bytes(row, indent=True, newline=True)


def csv_bytes(header: Sequence[str], rows: Sequence[dict[str, object]]) -> bytes:
    """RFC 4180 CSV (CRLF, quotes where needed), UTF-8 without a byte-order mark."""
    return csv_line(header) + b"".join(csv_line([row[name] for name in header]) for row in rows)


def csv_line(values: Sequence[object]) -> bytes:
    """One CSV record with its CRLF, as `csv.writer(lineterminator="\r\n")` writes it (minimal
    quoting, quotes doubled): records join into a file byte for byte. Spelled out because the
    csv module scans every character of every cell (a second of each clean build at 5,000
    articles), where `str.replace` and `in` are single C passes."""
    cells = [_quoted(_cell(v)) for v in values]
    if cells == [""]:
        cells = ['""']  # a record of one empty field is not an empty line
    return (",".join(cells) + "\r\n").encode("utf-8")


def _quoted(cell: str) -> str:
    if '"' in cell:
        return '"' + cell.replace('"', '""') + '"'
    if "," in cell or "\n" in cell or "\r" in cell:
        return '"' + cell + '"'
    return cell


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


def export_pages(archive: Archive, config: Config, site: SiteInfo,
                 cited: Cited | None = None,
                 derived: Derived | None = None) -> Pages:
    """The data files, one `article.json` per article, and the About / Data page.

    The per-article files and the two whole-archive files are lazy pages: planning them costs
    a key per article, and their bytes are made only if they must be written; the whole-archive
    files are streams that copy unchanged lines from the live copy (`segments.py`).
    """
    derived = Derived() if derived is None else derived
    rows = _Rows(config, cited)
    entries = archive.entries
    keys = [rows.key(e) for e in entries]
    whole = hashlib.blake2b("\0".join(keys).encode(), digest_size=20).hexdigest()

    def whole_file(name: str, header: bytes, encode: Callable[[Mapping[str, object]], bytes]
                   ) -> Page:
        """A stream of one line per article; unchanged lines come from the live file."""
        path = f"{DATA}/{name}"
        segments = Segments(config.output_dir / path, derived.file(f"{name}.index"),
                            derived.read, stamp=f"{__version__}|{','.join(COLUMNS)}")
        return Page.stream(path, f"{name}|{whole}", lambda: segments.join(header, (
            (key, partial(_line, rows, e, encode)) for key, e in zip(keys, entries, strict=True))))

    pages = Pages([
        whole_file("articles.jsonl", b"", json_line),
        whole_file("articles.csv", csv_line(COLUMNS), _csv_row),
        Page.raw(f"{DATA}/outlets.csv", csv_bytes(
            ("key", "name", "page", "articles"), [_term_row(t) for t in archive.outlets])),
        Page.raw(f"{DATA}/authors.csv", csv_bytes(
            ("key", "name", "page", "articles", "outlets"), _author_rows(archive))),
    ])
    def json_path(entry: Entry) -> str:
        return entry.url.removesuffix("index.html") + ARTICLE_JSON

    pages.each(entries, lambda e: (Page.lazy(json_path(e), f"json|{rows.key(e)}",
                                             partial(_json_file, rows, e)),),
               1, lambda e: (json_path(e),))
    pages.add((about_page(archive, site),))
    return pages


def _json_file(rows: _Rows, entry: Entry) -> bytes:
    return indented_json(rows.row(entry))


def _csv_row(row: Mapping[str, object]) -> bytes:
    return csv_line([row[name] for name in COLUMNS])


def _line(rows: _Rows, entry: Entry, encode: Callable[[Mapping[str, object]], bytes]) -> bytes:
    return encode(rows.row(entry))


class _Rows:
    """Each entry's export row, made when a file needs it and not kept: a row holds the whole
    body twice (source and plain text), and the whole-archive files are streamed."""

    def __init__(self, config: Config, cited: Cited | None) -> None:
        self.config, self.cited = config, cited

    def key(self, entry: Entry) -> str:
        """Everything a row reads (the entry's content, the config values it shows) and how
        rows are spelled."""
        return f"{entry.key}|{self.config.base_url}|{self.config.language}|{EXPORT_FORMAT}"

    def row(self, entry: Entry) -> dict[str, object]:
        styled = self.cited[entry.url].styled.value() if self.cited else None
        return article_row(entry, self.config, styled)


def _term_row(row: TermCount) -> dict[str, object]:
    return {"key": row.term.key, "name": row.term.name, "page": row.term.url,
            "articles": row.count}


def _author_rows(archive: Archive) -> list[dict[str, object]]:
    """Authors with the outlets they wrote for, by outlet name."""
    outlets_of: dict[str, dict[str, None]] = {}
    for entry in sorted(archive.entries, key=lambda e: (e.outlet.name.casefold(), e.outlet.key)
                        if e.outlet else ("", "")):
        for author in entry.authors:
            names = outlets_of.setdefault(author.key, {})
            if entry.outlet is not None:
                names[entry.outlet.name] = None
    return [{**_term_row(row), "outlets": list(outlets_of.get(row.term.key, {}))}
            for row in archive.authors]


def about_page(archive: Archive, site: SiteInfo) -> Page:
    """"About this archive / Data": what is here, counted, and where the data files are."""
    return Page(ABOUT_PATH, "about.html", {
        "site": site, "page_path": ABOUT_PATH, "title": "About this archive", "kind": "about",
        "total": len(archive.entries), "outlets": archive.outlets, "years": archive.years,
        "undated": len(archive.undated),
        "files": tuple((f"{DATA}/{name}", name, note) for name, note in DATA_FILES),
        "columns": COLUMNS,
    })
