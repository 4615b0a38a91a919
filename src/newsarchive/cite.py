"""Citations: APA 7, MLA 9 and Chicago 17 strings (BibTeX, RIS and CSL-JSON: `cite_formats`).

Built by hand from the article record rather than through a CSL processor: the three styles
need one reference type (a newspaper article online), and the rules for it fit on a page, while
the processors we measured need a style file per style and still need a post-pass for our
"outlet as author" case. Each rule below names the style guide section it follows.

Names are parsed once (`parse_name`) and every format reads the same `CitationRecord`, so the
seven outputs never disagree about who wrote what.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from slugify import slugify

from .archive import record_key
from .model import DateValue, pickled_as_call

if TYPE_CHECKING:
    from .archive import Entry

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# MLA 9 (§5.6 / appendix 1): months longer than four letters are abbreviated.
MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec.")
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "della", "du", "des",
                       "la", "le", "ten", "ter", "bin", "al", "el", "dos", "das"})
# Chicago 8.159 / MLA 1.2: articles, coordinating conjunctions, "to" and "as", and prepositions
# are lowercase in titles. Words that are as often adverbs ("up", "over", "off") are left out:
# "Ad Heats Up Race" must keep its capital.
MINOR_WORDS = frozenset({
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "to", "at", "by",
    "from", "in", "into", "of", "on", "onto", "per", "than", "upon", "via", "with", "within",
    "without", "among", "amid", "between", "through", "toward", "towards", "against", "during",
    "versus", "vs",
})


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Name:
    """One author, split the way every style needs it."""

    family: str  # with any particle: "van Gogh"; the whole name when `literal`
    given: str = ""
    suffix: str = ""  # "Jr.", "III"
    literal: bool = False  # an organisation or a one-word name: never inverted or abbreviated


@pickled_as_call
@dataclass(frozen=True, slots=True)
class CitationRecord:
    """What every citation format is built from."""

    key: str  # BibTeX key and CSL id, e.g. "doe2021ceasefire"
    title: str
    authors: tuple[Name, ...]  # the byline; empty when there is none
    outlet: str | None
    date: DateValue | None
    url: str | None  # where a reader finds it: the original article, else the archive copy
    archive_url: str | None  # the absolute URL of the archive page, when base_url is set
    language: str = "en"

    @property
    def creators(self) -> tuple[Name, ...]:
        """The byline, or the outlet as an organisation when there is none (for the files that
        reference managers import, which need an author to file the item under)."""
        if self.authors or not self.outlet:
            return self.authors
        return (Name(self.outlet, literal=True),)


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Styled:
    """A formatted reference in three parts, so a template can italicise the container name
    while the plain text (for copying and the CSV export) stays one string."""

    before: str
    italic: str
    after: str

    @property
    def text(self) -> str:
        return self.before + self.italic + self.after


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Citations:
    """What the article page's cite box shows."""

    KEYED: ClassVar[bool] = True  # `key` hashes the other fields: fingerprints read only it

    apa: Styled
    mla: Styled
    chicago: Styled
    key: str = ""  # hash of the three (`record_key`), so the page's fingerprint reads one string


# --- the record --------------------------------------------------------------------------------


def parse_name(written: str) -> Name:
    """A name as printed -> its parts: "Martin Luther King Jr." -> King / Martin Luther / Jr.,
    "Vincent van Gogh" -> van Gogh / Vincent, "Doe, Jane" -> Doe / Jane, "Reuters" -> literal."""
    text = " ".join(written.split())
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        suffix = parts[2] if len(parts) > 2 else ""
        if parts[0] and parts[1]:
            return Name(parts[0], parts[1], suffix)
        text = parts[0] or parts[1]
    tokens = text.split(" ")
    suffix = ""
    if len(tokens) > 2 and tokens[-1].casefold() in SUFFIXES:
        suffix = tokens.pop()
    if len(tokens) < 2:
        return Name(text, literal=True)
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in PARTICLES:
        start -= 1
    return Name(" ".join(tokens[start:]), " ".join(tokens[:start]), suffix)


def citation_key(authors: Sequence[Name], outlet: str | None, date: DateValue | None,
                 title: str) -> str:
    """`doe2021ceasefire`: first author (or outlet), year (or "nd"), first word of the title."""
    who = authors[0].family if authors else outlet or ""
    last_word = who.split(" ")[-1] if authors and not authors[0].literal else who
    word = next((w for w in slugify(title).split("-") if w not in MINOR_WORDS), "")
    year = f"{date.year:04d}" if date is not None else "nd"
    return (slugify(last_word, separator="") or "anon") + year + word


def make_record(title: str, authors: Sequence[str], outlet: str | None,
                date: DateValue | None, source_url: str | None, archive_url: str | None,
                language: str = "en") -> CitationRecord:
    """The record from plain fields; `record_for_entry` is the usual way in."""
    names = tuple(parse_name(a) for a in authors if a.strip())
    return CitationRecord(citation_key(names, outlet, date, title), " ".join(title.split()),
                          names, outlet, date, source_url or archive_url, archive_url, language)


def record_for_entry(entry: Entry, base_url: str | None, language: str = "en") -> CitationRecord:
    """The record for one archive entry; the archive URL is absolute only when base_url is set."""
    archive_url = absolute_url(base_url, entry.url) if base_url else None
    return make_record(entry.title, [a.name for a in entry.authors],
                       entry.outlet.name if entry.outlet else None, entry.date,
                       entry.source_url, archive_url, language)


def absolute_url(base_url: str, path: str) -> str:
    """`https://example.org/archive/` + `2021/03/x/index.html` -> the folder URL `.../x/`."""
    return base_url.rstrip("/") + "/" + path.removesuffix("index.html").lstrip("/")


def citations(record: CitationRecord) -> Citations:
    styled = (apa(record), mla(record), chicago(record))
    return Citations(*styled, key=record_key(styled))


# --- shared text helpers ------------------------------------------------------------------------


def end_sentence(text: str) -> str:
    """Add a period unless the text already ends in terminal punctuation."""
    return text if text.endswith((".", "?", "!")) else text + "."


def quoted_title(title: str) -> str:
    """MLA 9 / Chicago 17 6.9: a title in double quotes, its own quotes made single, and the
    period inside the closing quote (dropped after a question or exclamation mark)."""
    inner = title.replace("“", "‘").replace("”", "’")
    opened = False
    chars = []
    for char in inner:
        if char == '"':
            chars.append("’" if opened else "‘")
            opened = not opened
        else:
            chars.append(char)
    text = "".join(chars)
    if text.endswith("’") and not text[:-1].endswith((".", "?", "!")):
        return "“" + text[:-1] + ".’”"  # American usage: the period goes inside both quotes
    return "“" + end_sentence(text) + "”"


def headline_case(title: str) -> str:
    """Chicago 8.159 / MLA 1.2 title case: capitalise the first and last words, the word after a
    colon, and every other word but the minor ones. Words with capitals inside ("iPhone", "NASA")
    and anything with a dot inside ("apnews.com") are kept as written."""
    words = title.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        edge = index in (0, len(words) - 1) or out[-1].endswith((":", "—", "?", "!"))
        out.append("-".join(_case_word(part, edge or n > 0) for n, part in
                            enumerate(word.split("-"))))
    return " ".join(out)


def _case_word(word: str, force: bool) -> str:
    core = word.strip("“”‘’\"'()[],.;:!?")
    if not core or "." in core or any(c.isupper() for c in core[1:]) or not core[0].isalpha():
        return word
    if not force and core.casefold() in MINOR_WORDS:
        return word.replace(core, core.lower(), 1)
    return word.replace(core, core[0].upper() + core[1:], 1)


def given_initials(given: str) -> str:
    """APA 9.8: "Mary Jane" -> "M. J.", "Jean-Paul" -> "J.-P.", "J.R.R." -> "J. R. R."."""
    parts = []
    for token in given.replace(".", ". ").split():
        parts.append("-".join(p[0] + "." for p in token.rstrip(".").split("-") if p))
    return " ".join(parts)


def inverted(name: Name) -> str:
    """"Family, Given, Suffix" (MLA 9 / Chicago 17 14.72: first author in a bibliography)."""
    if name.literal:
        return name.family
    return ", ".join(p for p in (name.family, name.given, name.suffix) if p)


def direct(name: Name, suffix_comma: bool = True) -> str:
    """"Given Family, Suffix": second and later authors in MLA; Chicago 17 (6.43) drops the
    comma before "Jr."."""
    if name.literal:
        return name.family
    joiner = ", " if suffix_comma else " "
    return " ".join(p for p in (name.given, name.family) if p) + (
        f"{joiner}{name.suffix}" if name.suffix else "")


# --- APA 7 (10.1, newspaper article; 9.7-9.12 authors; 9.14-9.17 dates) --------------------------


def apa_name(name: Name) -> str:
    if name.literal:
        return name.family
    initials = given_initials(name.given)
    return ", ".join(p for p in (name.family, initials, name.suffix) if p)


def apa_authors(names: Sequence[Name]) -> str:
    """9.8: up to 20 authors, the last after an ampersand; 21 or more: the first 19, an
    ellipsis, then the last, with no ampersand."""
    shown = [apa_name(n) for n in names]
    if len(shown) == 1:
        return shown[0]
    if len(shown) > 20:
        return ", ".join(shown[:19]) + ", . . . " + shown[-1]
    return ", ".join(shown[:-1]) + ", & " + shown[-1]


def apa_date(date: DateValue | None) -> str:
    """9.14: (2021, March 3), (2021, March), (2021); 9.17: (n.d.)."""
    if date is None:
        return "(n.d.)"
    if date.month is None:
        return f"({date.year})"
    day = f" {date.day}" if date.day is not None else ""
    return f"({date.year}, {MONTHS[date.month - 1]}{day})"


def apa(record: CitationRecord) -> Styled:
    """Doe, J., & Roe, R. (2021, March 3). Title of article. *Outlet*. https://...

    9.12: with no author the title moves to the author position (APA does not put the
    newspaper there); the title stays as written, because turning it into sentence case would
    lower proper nouns.
    """
    title = end_sentence(record.title)
    if record.authors:
        head = f"{end_sentence(apa_authors(record.authors))} {apa_date(record.date)}. {title}"
    else:
        head = f"{title} {apa_date(record.date)}."
    url = f" {record.url}" if record.url else ""
    if not record.outlet:
        return Styled(head + url, "", "")
    return Styled(head + " ", record.outlet, "." + url)


# --- MLA 9 (5.1-5.117; works-cited entry for an online newspaper article) -------------------------


def mla_authors(names: Sequence[Name]) -> str:
    """5.6-5.8: one author inverted; two joined by "and"; three or more: the first, "et al."."""
    if len(names) == 1:
        return inverted(names[0])
    if len(names) == 2:
        return f"{inverted(names[0])}, and {direct(names[1])}"
    return f"{inverted(names[0])}, et al."


def mla_date(date: DateValue) -> str:
    """5.80: day month year, months abbreviated: 3 Mar. 2021, Mar. 2021, 2021."""
    if date.month is None:
        return str(date.year)
    month = MLA_MONTHS[date.month - 1]
    return f"{date.day} {month} {date.year}" if date.day is not None else f"{month} {date.year}"


def bare_url(url: str) -> str:
    """5.93: MLA drops http:// and https:// from URLs."""
    return re.sub(r"^https?://", "", url)


def mla(record: CitationRecord) -> Styled:
    """Doe, Jane. “Title in Title Case.” *Outlet*, 3 Mar. 2021, apnews.com/article/x.

    5.12/5.20: with no author the entry starts with the title (the newspaper is the container,
    not the author). 5.82: an undated work has no date element (MLA 9 dropped "n.d.").
    """
    author = f"{end_sentence(mla_authors(record.authors))} " if record.authors else ""
    before = f"{author}{quoted_title(headline_case(record.title))}"
    tail = [mla_date(record.date)] if record.date else []
    tail += [bare_url(record.url)] if record.url else []
    if record.outlet:
        return Styled(before + " ", record.outlet, "".join(f", {t}" for t in tail) + ".")
    if not tail:
        return Styled(before, "", "")
    return Styled(f"{before} {', '.join(tail)}.", "", "")


# --- Chicago 17 (14.191, 14.206: newspaper articles; 14.207 unsigned; 14.76 many authors) -----


def chicago_authors(names: Sequence[Name]) -> str:
    """14.76: up to ten authors all listed, the first inverted; more than ten: the first seven
    followed by et al."""
    shown = [inverted(names[0]), *(direct(n, suffix_comma=False) for n in names[1:])]
    if len(shown) == 1:
        return shown[0]
    if len(shown) > 10:
        return ", ".join(shown[:7]) + ", et al."
    if len(shown) == 2:
        return f"{shown[0]}, and {shown[1]}"
    return ", ".join(shown[:-1]) + ", and " + shown[-1]


def chicago_date(date: DateValue | None) -> str:
    """March 3, 2021 / March 2021 / 2021; 15.44: n.d. without a date."""
    if date is None:
        return "n.d."
    if date.month is None:
        return str(date.year)
    month = MONTHS[date.month - 1]
    return f"{month} {date.day}, {date.year}" if date.day is not None else f"{month} {date.year}"


def chicago(record: CitationRecord) -> Styled:
    """Doe, Jane. “Title in Headline Case.” *Outlet*, March 3, 2021. https://....

    14.207: an unsigned article is listed under the newspaper's name, which is then not repeated.
    """
    title = quoted_title(headline_case(record.title))
    url = f" {end_sentence(record.url)}" if record.url else ""
    date = end_sentence(chicago_date(record.date))
    if record.authors:
        before = f"{end_sentence(chicago_authors(record.authors))} {title} "
        if record.outlet:
            return Styled(before, record.outlet, f", {date}{url}")
        return Styled(f"{before}{date}{url}", "", "")
    if record.outlet:
        return Styled("", record.outlet, f". {title} {date}{url}")
    return Styled(f"{title} {date}{url}", "", "")


# The file formats live in cite_formats; re-exported so `cite` stays the one way in.
from .cite_formats import bibtex as bibtex  # noqa: E402  (it needs the records above)
from .cite_formats import csl_json as csl_json  # noqa: E402
from .cite_formats import ris as ris  # noqa: E402
