"""The site's JSON is spelled the same whichever encoder made it (`jsonbytes.py`)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive import jsonbytes
from newsarchive.jsonbytes import json_bytes, json_text

# what the written files hold: strings, whole numbers, booleans, null, lists, string-keyed objects
TEXT = st.text(st.characters(exclude_categories=("Cs",)))  # no lone surrogates: both encode
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20)


@given(VALUES, st.booleans(), st.booleans())
def test_orjson_and_the_standard_library_spell_every_value_alike(
        value: object, indent: bool, newline: bool) -> None:
    fast = json_bytes(value, indent, newline)
    assert fast == jsonbytes._standard(value, indent, newline).encode("utf-8")
    assert json.loads(fast) == value
    assert json_text(value, indent, newline) == fast.decode("utf-8")


def test_an_indented_file_is_laid_out_as_json_dumps_does() -> None:
    row = {"title": "Ünïcode “quotes” </script>", "tags": [], "authors": ["A", "B"], "n": 3,
           "nested": [{"a": None}], "empty": {}}
    assert json_bytes(row, indent=True, newline=True) == \
        (json.dumps(row, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@pytest.mark.parametrize("value", [[2**64], {1: "a"}, {"big": -2**70, "text": "é"}])
def test_what_orjson_refuses_goes_through_the_standard_library(value: object) -> None:
    assert json_bytes(value) == json.dumps(
        value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_a_lone_surrogate_is_kept_in_text_and_refused_as_bytes() -> None:
    assert json_text({"x": "\udcff"}) == '{"x":"\udcff"}'
    with pytest.raises(UnicodeEncodeError):
        json_bytes({"x": "\udcff"})
