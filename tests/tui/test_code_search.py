"""The code picker's lookup: the code whose name you type comes first; then paths, IDs, keywords, abbreviations."""

from __future__ import annotations

from evalbench.codebook import load_codebook_source
from evalbench.codebook.labels import code_labels
from evalbench.model import Code
from evalbench.tui.code_search import entries, matched_keyword, search

CODES = [
    Code(id="cfir2.inner.relative_priority", name="Relative Priority", keywords=("competing priorities",)),
    Code(id="cfir2.inner.resources.funding", name="Funding", keywords=("budget", "protected time")),
    Code(id="cfir2.inner.culture.learning", name="Learning-Centeredness", keywords=("psychological safety",)),
]
CFIR = load_codebook_source("cfir2")
CFIR_ENTRIES = entries(CFIR, code_labels(CFIR))
LABELS = code_labels(CFIR)


def names(query: str) -> list[str]:
    return [c.name for c in search(query, CODES)]


def first(query: str) -> str:
    return LABELS[search(query, CFIR_ENTRIES)[0].id]


def test_finds_by_name_id_keyword_and_abbreviation():
    assert names("priority")[0] == "Relative Priority"
    assert names("culture.learning") == ["Learning-Centeredness"]
    assert names("protected time") == ["Funding"]
    assert names("relpri")[0] == "Relative Priority"
    assert names("zebra") == []
    assert names("") == [c.name for c in CODES]


def test_says_which_keyword_matched():
    by_id = {e.code.id: e for e in entries(CODES)}
    assert matched_keyword("budget", by_id["cfir2.inner.resources.funding"]) == "budget"
    assert matched_keyword("funding", by_id["cfir2.inner.resources.funding"]) is None


def test_the_name_typed_outranks_keyword_hits():
    """'innovation design' once listed Innovation Source (keyword 'designed by') first, and Enter took it."""
    assert first("innovation design") == "Innovation Design"
    assert first("Innovation Design") == "Innovation Design"
    assert first("innovation des") == "Innovation Design"  # a name prefix beats keyword hits too
    assert first("design") == "Innovation Design"
    assert first("culture") == "Culture"
    hits = [LABELS[c.id] for c in search("innovation design", CFIR_ENTRIES)]
    assert hits.index("Innovation Design") < hits.index("Innovation Source")


def test_a_parent_in_the_query_tells_same_named_codes_apart():
    assert first("engaging innovation deliverers") == "Engaging › Innovation Deliverers"
    assert first("assessing needs innovation deliverers") == "Assessing Needs › Innovation Deliverers"
    exact = [LABELS[c.id] for c in search("innovation deliverers", CFIR_ENTRIES)][:3]
    assert sorted(exact) == sorted(label for label in LABELS.values() if label.endswith("Innovation Deliverers"))
