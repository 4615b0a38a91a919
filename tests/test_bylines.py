"""Byline grammar: person versus organisation, many printed forms (fixtures/bylines.cases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsarchive.sources.byline import Byline, is_organisation, is_person, parse_byline

CASES = Path(__file__).parent / "fixtures" / "bylines.cases"


def read_cases(path: Path) -> list[Any]:
    """DESIGN pattern 10: input, a line '=>', expected JSON; cases apart by blank lines.

    Each case is named by its file and first line, so a failure points at the case to read.
    """
    cases = []
    start, chunk = 1, []
    for number, line in enumerate([*path.read_text(encoding="utf-8").split("\n"), ""], 1):
        if line.strip():
            start = start if chunk else number
            chunk.append(line)
        elif chunk:
            given, expected = "\n".join(chunk).split("\n=>\n")
            cases.append(pytest.param(given, json.loads(expected), id=f"{path.name}:{start}"))
            chunk = []
    return cases


def as_json(byline: Byline | None) -> dict[str, Any] | None:
    if byline is None:
        return None
    return {"authors": list(byline.authors), "outlet": byline.outlet, "rule": byline.rule}


@pytest.mark.parametrize(("given", "expected"), read_cases(CASES))
def test_byline(given: str, expected: dict[str, Any] | None) -> None:
    assert as_json(parse_byline(given)) == expected


def test_require_prefix_refuses_a_bare_name() -> None:
    assert parse_byline("Ann Lee", require_prefix=True) is None
    assert parse_byline("By Ann Lee", require_prefix=True) is not None


@pytest.mark.parametrize("name", ["Daily Planet", "News Nation Bureau", "example.com", "Reuters"])
def test_organisations(name: str) -> None:
    assert is_organisation(name)
    assert not is_person(name)


@pytest.mark.parametrize("name", ["Ann Lee", "Carla de la Cruz", "J. R. Smith", "STEVE PEOPLES"])
def test_people(name: str) -> None:
    assert is_person(name)
