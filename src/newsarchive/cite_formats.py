"""BibTeX, RIS and CSL-JSON files from a `CitationRecord`: the downloads beside each article page.

Split from `cite` (the styled APA / MLA / Chicago strings) because these are file formats with
their own escaping rules, read by reference managers rather than people.
"""

from __future__ import annotations

from .cite import CitationRecord, Name
from .jsonbytes import json_text
from .model import DateValue

BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                  "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}
BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                 "dec")


# --- BibTeX -------------------------------------------------------------------------------------


def bibtex_escape(text: str) -> str:
    """Escape the characters TeX treats specially; everything else (UTF-8) passes through, as
    biber and bibtex8 read it."""
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in " ".join(text.split()))


def bibtex_name(name: Name) -> str:
    """"von Last, Jr., First"; an organisation in braces so BibTeX does not split it."""
    if name.literal:
        return "{" + bibtex_escape(name.family) + "}"
    parts = [name.family, name.suffix, name.given] if name.suffix else [name.family, name.given]
    return ", ".join(bibtex_escape(p) for p in parts)


def bibtex(record: CitationRecord) -> str:
    """One @article entry (the type BibTeX styles format as a periodical piece), plus biblatex's
    `date` and `entrysubtype = {newspaper}`. The title is double-braced to keep its case."""
    fields: list[tuple[str, str]] = []
    if record.creators:
        fields.append(("author", "{" + " and ".join(bibtex_name(n) for n in record.creators)
                       + "}"))
    fields.append(("title", "{{" + bibtex_escape(record.title) + "}}"))
    if record.outlet:
        fields += [("journal", "{" + bibtex_escape(record.outlet) + "}"),
                   ("entrysubtype", "{newspaper}")]
    if record.date is not None:
        fields.append(("year", "{" + f"{record.date.year:04d}" + "}"))
        if record.date.month is not None:
            fields.append(("month", BIBTEX_MONTHS[record.date.month - 1]))
        fields.append(("date", "{" + record.date.iso() + "}"))
    if record.url:
        fields.append(("url", "{" + url_for_tex(record.url) + "}"))
    fields.append(("langid", "{" + bibtex_escape(record.language) + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@article{{{record.key},\n{body}\n}}\n"


def url_for_tex(url: str) -> str:
    """URLs are read verbatim by the url package; only braces, backslashes and spaces would
    break the field, so those are percent-encoded instead of TeX-escaped."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


# --- RIS ----------------------------------------------------------------------------------------


def ris_value(text: str) -> str:
    """A RIS value is one line: line breaks and other control characters become spaces, so a
    value can never start a new tag."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def ris_name(name: Name) -> str:
    """"Last, First, Suffix"; an organisation has no comma, which Zotero and EndNote read as a
    one-field name."""
    if name.literal:
        return ris_value(name.family)
    return ", ".join(ris_value(p) for p in (name.family, name.given, name.suffix) if p)


def ris_date(date: DateValue) -> str:
    """RIS DA is YYYY/MM/DD/other, with empty parts for an unknown month or day."""
    month = f"{date.month:02d}" if date.month is not None else ""
    day = f"{date.day:02d}" if date.day is not None else ""
    return f"{date.year:04d}/{month}/{day}/"


def ris(record: CitationRecord) -> str:
    """TY NEWS (Zotero imports it as a Newspaper Article; T2 is the newspaper). CRLF line ends,
    as the RIS specification asks."""
    lines = [("TY", "NEWS")]
    lines += [("AU", ris_name(n)) for n in record.creators]
    lines.append(("TI", ris_value(record.title)))
    if record.outlet:
        lines.append(("T2", ris_value(record.outlet)))
    if record.date is not None:
        lines += [("PY", f"{record.date.year:04d}"), ("DA", ris_date(record.date))]
    if record.url:
        lines.append(("UR", ris_value(record.url)))
    lines += [("LA", ris_value(record.language)), ("ID", record.key), ("ER", "")]
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


# --- CSL-JSON -----------------------------------------------------------------------------------


def csl_item(record: CitationRecord) -> dict[str, object]:
    """One CSL-JSON item of type article-newspaper, dates with their true precision."""
    item: dict[str, object] = {"id": record.key, "type": "article-newspaper",
                               "title": record.title}
    if record.creators:
        item["author"] = [csl_name(n) for n in record.creators]
    if record.outlet:
        item["container-title"] = record.outlet
    if record.date is not None:
        parts = [record.date.year, record.date.month, record.date.day]
        item["issued"] = {"date-parts": [[p for p in parts if p is not None]]}
    if record.url:
        item["URL"] = record.url
    item["language"] = record.language
    return item


def csl_name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.family}
    found = {"family": name.family, "given": name.given, "suffix": name.suffix}
    return {k: v for k, v in found.items() if v}


def csl_json(record: CitationRecord) -> str:
    """A CSL-JSON file: an array of one item, as Zotero and pandoc import it."""
    return json_text([csl_item(record)], indent=True, newline=True)
