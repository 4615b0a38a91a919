"""Citations against hand-checked strings.

Each expected string was checked against the style guide's own rules for a newspaper article
read online: APA 7 (10.1; authors 9.8; dates 9.14-9.17; no author 9.12), MLA 9 (5.6-5.8 authors,
5.80 dates, 5.93 URLs without the scheme, no "n.d."), Chicago 17 notes-bibliography (14.191 and
14.206 news articles, 14.207 unsigned articles under the newspaper's name, 14.76 eleven or more
authors). Italics are the `italic` part of each `Styled` value; the text here is the plain form.
"""

from __future__ import annotations

import json

import pytest

from newsarchive.cite import (
    CitationRecord,
    Name,
    apa,
    bibtex,
    chicago,
    citations,
    csl_json,
    headline_case,
    make_record,
    mla,
    parse_name,
    ris,
)
from newsarchive.model import DateValue

URL = "https://apnews.com/article/ceasefire"
MARCH_3 = DateValue(2021, 3, 3)


def record(title: str = "Ceasefire holds for a third day", authors: tuple[str, ...] = ("Jane Doe",),
           outlet: str | None = "AP", date: DateValue | None = MARCH_3,
           url: str | None = URL) -> CitationRecord:
    return make_record(title, authors, outlet, date, url, None)


ONE = record()
TWO = record(authors=("Jane Doe", "Richard Roe"), date=DateValue(2021, 9))
THREE = record(authors=("Jane Doe", "Richard Roe", "Martin Luther King Jr."), date=DateValue(2020))
MANY = record(authors=tuple(f"Given{i} Family{i}" for i in range(1, 23)))
NO_AUTHOR = record(authors=(), outlet="Springfield Gazette")
UNDATED = record(date=None)

CASES = {
    "one": (ONE, (
        f"Doe, J. (2021, March 3). Ceasefire holds for a third day. AP. {URL}",
        "Doe, Jane. “Ceasefire Holds for a Third Day.” AP, 3 Mar. 2021, apnews.com/article/ceasefire.",
        f"Doe, Jane. “Ceasefire Holds for a Third Day.” AP, March 3, 2021. {URL}.",
    )),
    "two": (TWO, (
        f"Doe, J., & Roe, R. (2021, September). Ceasefire holds for a third day. AP. {URL}",
        "Doe, Jane, and Richard Roe. “Ceasefire Holds for a Third Day.” AP, Sept. 2021, "
        "apnews.com/article/ceasefire.",
        f"Doe, Jane, and Richard Roe. “Ceasefire Holds for a Third Day.” AP, September 2021. {URL}.",
    )),
    "three": (THREE, (
        f"Doe, J., Roe, R., & King, M. L., Jr. (2020). Ceasefire holds for a third day. AP. {URL}",
        "Doe, Jane, et al. “Ceasefire Holds for a Third Day.” AP, 2020, apnews.com/article/ceasefire.",
        "Doe, Jane, Richard Roe, and Martin Luther King Jr. “Ceasefire Holds for a Third Day.” AP, "
        f"2020. {URL}.",
    )),
    "many": (MANY, (
        ", ".join(f"Family{i}, G." for i in range(1, 20)) + ", . . . Family22, G. (2021, March 3). "
        f"Ceasefire holds for a third day. AP. {URL}",
        "Family1, Given1, et al. “Ceasefire Holds for a Third Day.” AP, 3 Mar. 2021, "
        "apnews.com/article/ceasefire.",
        "Family1, Given1, " + ", ".join(f"Given{i} Family{i}" for i in range(2, 8))
        + f", et al. “Ceasefire Holds for a Third Day.” AP, March 3, 2021. {URL}.",
    )),
    "no author": (NO_AUTHOR, (
        f"Ceasefire holds for a third day. (2021, March 3). Springfield Gazette. {URL}",
        "“Ceasefire Holds for a Third Day.” Springfield Gazette, 3 Mar. 2021, "
        "apnews.com/article/ceasefire.",
        f"Springfield Gazette. “Ceasefire Holds for a Third Day.” March 3, 2021. {URL}.",
    )),
    "undated": (UNDATED, (
        f"Doe, J. (n.d.). Ceasefire holds for a third day. AP. {URL}",
        "Doe, Jane. “Ceasefire Holds for a Third Day.” AP, apnews.com/article/ceasefire.",
        f"Doe, Jane. “Ceasefire Holds for a Third Day.” AP, n.d. {URL}.",
    )),
}


@pytest.mark.parametrize("case", CASES)
def test_styles_match_hand_checked_strings(case: str) -> None:
    rec, (want_apa, want_mla, want_chicago) = CASES[case]
    assert apa(rec).text == want_apa
    assert mla(rec).text == want_mla
    assert chicago(rec).text == want_chicago


def test_container_is_the_italic_part() -> None:
    cited = citations(ONE)
    assert (cited.apa.italic, cited.mla.italic, cited.chicago.italic) == ("AP", "AP", "AP")
    assert citations(NO_AUTHOR).chicago.before == ""  # the newspaper leads, in italics


def test_title_ending_in_question_mark_takes_no_period() -> None:
    rec = record(title="Who pays for the floods?")
    assert apa(rec).text.startswith("Doe, J. (2021, March 3). Who pays for the floods? AP.")
    assert "“Who Pays for the Floods?” AP, 3 Mar." in mla(rec).text


def test_inner_quotes_become_single() -> None:
    rec = record(title='Minister calls plan "a disaster"')
    assert "“Minister Calls Plan ‘a Disaster.’” AP," in mla(rec).text


@pytest.mark.parametrize(("title", "want"), [
    ("ceasefire holds for a third day", "Ceasefire Holds for a Third Day"),
    ("in Texas, ad heats up race for governor", "In Texas, Ad Heats Up Race for Governor"),
    ("NASA and the iPhone: what to know", "NASA and the iPhone: What to Know"),
    ("a look at apnews.com", "A Look at apnews.com"),
    ("where the money comes from", "Where the Money Comes From"),
    ("self-driving cars on trial", "Self-Driving Cars on Trial"),
])
def test_headline_case(title: str, want: str) -> None:
    assert headline_case(title) == want


@pytest.mark.parametrize(("written", "want"), [
    ("Jane Doe", Name("Doe", "Jane")),
    ("Doe, Jane", Name("Doe", "Jane")),
    ("Martin Luther King Jr.", Name("King", "Martin Luther", "Jr.")),
    ("Vincent van Gogh", Name("van Gogh", "Vincent")),
    ("Reuters", Name("Reuters", literal=True)),
    ("Jean-Paul  Sartre", Name("Sartre", "Jean-Paul")),
])
def test_parse_name(written: str, want: Name) -> None:
    assert parse_name(written) == want


def test_apa_initials_for_hyphenated_and_initialled_names() -> None:
    rec = record(authors=("Jean-Paul Sartre", "J.R.R. Tolkien"))
    assert apa(rec).text.startswith("Sartre, J.-P., & Tolkien, J. R. R. (2021")


def test_bibtex_one_author() -> None:
    assert bibtex(ONE) == (
        "@article{doe2021ceasefire,\n"
        "  author = {Doe, Jane},\n"
        "  title = {{Ceasefire holds for a third day}},\n"
        "  journal = {AP},\n"
        "  entrysubtype = {newspaper},\n"
        "  year = {2021},\n"
        "  month = mar,\n"
        "  date = {2021-03-03},\n"
        f"  url = {{{URL}}},\n"
        "  langid = {en}\n"
        "}\n"
    )


def test_bibtex_escapes_special_characters_and_braces_organisations() -> None:
    rec = record(title="Profits up 5% at R&D_lab #1 {new} $9 ~ ^ \\", authors=(),
                 outlet="Smith & Sons", date=None, url="https://x.example/a b{c}%20")
    text = bibtex(rec)
    assert r"title = {{Profits up 5\% at R\&D\_lab \#1 \{new\} \$9 \textasciitilde{} " \
           r"\textasciicircum{} \textbackslash{}}}" in text
    assert r"author = {{Smith \& Sons}}" in text  # outlet as author, one name
    assert "url = {https://x.example/a%20b%7Bc%7D%20}" in text
    assert "year" not in text  # undated: no year at all rather than a made-up one
    assert text.count("{") == text.count("}")


def test_bibtex_many_authors_and_suffix() -> None:
    assert "author = {Doe, Jane and Roe, Richard and King, Jr., Martin Luther}" in bibtex(THREE)
    assert bibtex(MANY).count(" and ") == 21


def test_ris_two_authors_month_precision() -> None:
    assert ris(TWO) == (
        "TY  - NEWS\r\nAU  - Doe, Jane\r\nAU  - Roe, Richard\r\n"
        "TI  - Ceasefire holds for a third day\r\nT2  - AP\r\nPY  - 2021\r\nDA  - 2021/09//\r\n"
        f"UR  - {URL}\r\nLA  - en\r\nID  - doe2021ceasefire\r\nER  - \r\n"
    )


def test_ris_values_cannot_start_a_new_tag() -> None:
    rec = record(title="First line\nER  - \r\nTY  - JOUR", authors=(), outlet="Gazette\tDaily",
                 date=None)
    lines = ris(rec).split("\r\n")
    assert lines[0] == "TY  - NEWS"
    assert "AU  - Gazette Daily" in lines  # outlet as author, no comma: a one-field name
    assert "TI  - First line ER - TY - JOUR" in lines
    assert sum(line.startswith("ER  -") for line in lines) == 1
    assert not any(line.startswith(("PY", "DA")) for line in lines)


def test_csl_json_precision_and_outlet_as_author() -> None:
    item = json.loads(csl_json(TWO))[0]
    assert item["type"] == "article-newspaper"
    assert item["issued"] == {"date-parts": [[2021, 9]]}
    assert item["author"] == [{"family": "Doe", "given": "Jane"},
                              {"family": "Roe", "given": "Richard"}]
    none = json.loads(csl_json(NO_AUTHOR))[0]
    assert none["author"] == [{"literal": "Springfield Gazette"}]
    assert "issued" not in json.loads(csl_json(UNDATED))[0]
    assert json.loads(csl_json(THREE))[0]["author"][2] == {
        "family": "King", "given": "Martin Luther", "suffix": "Jr."}


def test_archive_url_is_used_when_there_is_no_source() -> None:
    rec = make_record("T", ("Jane Doe",), "AP", None, None,
                      "https://example.org/archive/2021/t/")
    assert rec.url == "https://example.org/archive/2021/t/"
    assert apa(rec).text.endswith("AP. https://example.org/archive/2021/t/")


def test_no_author_no_outlet_no_url() -> None:
    rec = make_record("Notes", (), None, None, None, None)
    assert (apa(rec).text, mla(rec).text, chicago(rec).text) == (
        "Notes. (n.d.).", "“Notes.”", "“Notes.” n.d.")
    assert "author" not in bibtex(rec)
