"""The corpus pass: outlets named as authors move, and author name variants group together."""

from __future__ import annotations

from newsarchive.corpus_pass import person_key, preferred_names, resolve_corpus
from newsarchive.model import Article, FieldSource


def article(name: str, *authors: str) -> Article:
    return Article(source_path=name, title="T", body=("b",), authors=authors,
                   sources=(("authors", FieldSource(2, "byline.by")),))


def test_case_and_middle_initials_are_one_person() -> None:
    assert person_key("Jane Q. Doe") == person_key("Jane Doe") == person_key("JANE DOE")
    assert person_key("Jane Q Doe") == person_key("jane  doe")
    assert person_key("J. Doe") != person_key("Jane Doe")  # a first initial is not a middle one
    assert person_key("Mary Ann Doe") != person_key("Mary Doe")  # a middle name is kept


def test_the_most_frequent_written_form_wins() -> None:
    articles = (article("a.txt", "Jane Q. Doe"), article("b.txt", "Jane Doe"),
                article("c.txt", "JANE DOE"), article("d.txt", "Jane Doe", "Bo Li"))
    fixed, problems = resolve_corpus(articles)
    assert [a.authors for a in fixed] == [("Jane Doe",), ("Jane Doe",), ("Jane Doe",),
                                          ("Jane Doe", "Bo Li")]
    assert problems == []
    assert fixed[3] is articles[3]  # an article with nothing to change is passed on as it is


def test_ties_prefer_mixed_case_then_sorted_order_and_are_deterministic() -> None:
    assert preferred_names((article("a.txt", "JANE DOE"), article("b.txt", "Jane Doe"))) == {
        "jane doe": "Jane Doe"}
    forward = (article("a.txt", "Jane Q. Doe"), article("b.txt", "Jane Doe"))
    backward = tuple(reversed(forward))
    assert preferred_names(forward) == preferred_names(backward) == {"jane doe": "Jane Doe"}


def test_one_byline_naming_a_person_twice_keeps_one() -> None:
    (fixed,), _ = resolve_corpus((article("a.txt", "Jane Doe", "JANE Q. DOE", "Bo Li"),))
    assert fixed.authors == ("Jane Doe", "Bo Li")
