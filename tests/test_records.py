"""Records pickle as a call of their class (`model.pickled_as_call`): equal after a round trip,
and no class can take it that a call could not rebuild."""

from __future__ import annotations

import pickle
import pickletools
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsarchive.cite import CitationRecord, Citations, Name, Styled
from newsarchive.model import Article, DateValue, FieldSource, Problem, RemovedLine, pickled_as_call


def test_records_come_back_equal_from_a_pickle_made_of_calls() -> None:
    styled = Styled("Doe, J. (2021). ", "Title", ". Gazette.")
    records = [
        Article("a.md", "Title", ("One.", "Two."), dek="Dek", authors=("Jane Doe",),
                outlet="Gazette", date=DateValue(2021, 3, 4), tags=("x",),
                sources=(("title", FieldSource(1, "frontmatter")),),
                removed=(RemovedLine(3, "Advertisement", "ad"),)),
        Problem(Path("a.md"), "message", "code", 3, "error"),
        Citations(styled, styled, styled, "key"),
        CitationRecord("doe2021title", "Title", (Name("Doe", "Jane"),), "Gazette",
                       DateValue(2021, None, None), "https://example.org/", None),
    ]
    for record in records:
        data = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
        assert pickle.loads(data) == record
        opcodes = {op.name for op, _, _ in pickletools.genops(data)}
        assert "BUILD" not in opcodes  # no __setstate__: the class is called with the fields


def test_a_class_with_a_field_outside_init_is_refused() -> None:
    @dataclass(frozen=True)
    class Partly:
        a: int
        b: list[int] = field(default_factory=list, init=False)

    with pytest.raises(TypeError, match="Partly"):
        pickled_as_call(Partly)
