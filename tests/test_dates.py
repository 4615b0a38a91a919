"""Date lines in many forms and languages (fixtures/dates.cases); relative dates give none."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.sources.dates import find_date, is_date_line, parse_date
from test_bylines import read_cases

CASES = Path(__file__).parent / "fixtures" / "dates.cases"


@pytest.mark.parametrize(("given", "expected"), read_cases(CASES))
def test_date(given: str, expected: str | None) -> None:
    value = parse_date(given)
    assert (value.iso() if value else None) == expected


def test_first_date_wins_over_updated() -> None:
    found = find_date("Published March 2, 2021 | Updated March 4, 2021")
    assert found is not None and found.value.iso() == "2021-03-02"


@pytest.mark.parametrize("line", ["Published March 3, 2021", "Updated: 2021-03-03 10:15",
                                  "2 hours ago", "Nov 20 2019, 11:06am IST"])
def test_date_lines(line: str) -> None:
    assert is_date_line(line)


@pytest.mark.parametrize("line", ["By Ann Lee, March 3, 2021",
                                  "The council met on March 3, 2021 to vote on the budget."])
def test_not_date_lines(line: str) -> None:
    assert not is_date_line(line)
