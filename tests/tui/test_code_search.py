"""The code picker's fuzzy lookup: by name, by ID, by keyword, and letters in order."""

from __future__ import annotations

from evalbench.model import Code
from evalbench.tui.code_search import matched_keyword, search

CODES = [
    Code(id="cfir2.inner.relative_priority", name="Relative Priority", keywords=("competing priorities",)),
    Code(id="cfir2.inner.resources.funding", name="Funding", keywords=("budget", "protected time")),
    Code(id="cfir2.inner.culture.learning", name="Learning-Centeredness", keywords=("psychological safety",)),
]


def names(query: str) -> list[str]:
    return [c.name for c in search(query, CODES)]


def test_finds_by_name_id_keyword_and_abbreviation():
    assert names("priority")[0] == "Relative Priority"
    assert names("culture.learning") == ["Learning-Centeredness"]
    assert names("protected time") == ["Funding"]
    assert names("relpri")[0] == "Relative Priority"
    assert names("zebra") == []
    assert names("") == [c.name for c in CODES]


def test_says_which_keyword_matched():
    assert matched_keyword("budget", CODES[1]) == "budget"
    assert matched_keyword("funding", CODES[1]) is None
