"""The outlet naming itself inside the article's sentences (sources/self_reference.py)."""

from __future__ import annotations

import pytest

from newsarchive.sources.self_reference import cited, line_votes


def names(text: str) -> list[tuple[str, float]]:
    return [(vote.name, vote.weight) for vote in line_votes(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Smith told The Harbor Ledger in a statement that the plan was sound.", [("The Harbor Ledger", 2.0)]),
    ("He told the Valley Courier Monday afternoon that he would appeal.", [("Valley Courier", 1.0)]),
    ("She did not respond to The Harbor Ledger's request for comment.", [("The Harbor Ledger", 2.0)]),
    ("On Monday The Harbor Ledger reached out to the police.", [("The Harbor Ledger", 2.0)]),
    ("The mayor told Tidewatch.net that the vote would go ahead.", [("Tidewatch.net", 1.0)]),
])
def test_self_reference_phrases(text: str, expected: list[tuple[str, float]]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "He told Jane Doe by email that he would stay.",  # a person
    "He told the BBC interviewer that he had no regrets.",  # the outlet only qualifies a noun
    "Smith told CNN's Jake Tapper on Sunday that he would run.",  # another outlet's host
    "He told the Intelligence Committee that he had seen nothing.",  # an office, not a newsroom
    "Police could not immediately confirm the report.",  # not an outlet
    '"We told the Harbor Ledger everything," she said.',  # inside a quotation
    "We are so excited to have you here.",  # a pronoun announces nothing
])
def test_not_self_reference(text: str) -> None:
    assert names(text) == []


def test_citations_are_outlet_keys() -> None:
    assert cited("The rise was first reported by the Valley Courier.") == frozenset({"valley courier"})
    assert cited("The Valley Courier reported the plan, according to Reuters.") == frozenset(
        {"valley courier", "reuters"})


def test_disclaimer_names_the_site_not_any_domain() -> None:
    assert names("Disclaimer: views expressed on Tidewatch.com are the authors' own.") == [
        ("Tidewatch.com", 2.0)]
    assert names("She also runs the Tidewatch.com site. Views expressed here are her own.") == []
