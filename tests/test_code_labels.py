"""Codes are named so that a reader can tell them apart: the shortest distinguishing path."""

from evalbench.analysis.frame import CodeTree
from evalbench.codebook import load_codebook_source
from evalbench.codebook.labels import code_labels
from evalbench.model import Code


def test_cfir2_codes_that_share_a_name_get_the_ancestor_that_separates_them():
    codes = load_codebook_source("cfir2")
    labels = code_labels(codes)
    assert labels["cfir2.inner.culture"] == "Culture"
    assert labels["cfir2.individuals.deliverers"] == "Individuals › Innovation Deliverers"
    assert labels["cfir2.process.engaging.deliverers"] == "Engaging › Innovation Deliverers"
    assert labels["cfir2.process.assessing_needs.deliverers"] == "Assessing Needs › Innovation Deliverers"
    assert labels["cfir2.process.reflecting.innovation"] == "Reflecting & Evaluating › Innovation"
    assert labels["cfir2.innovation"] == "Innovation"
    assert len(set(labels.values())) == len(codes)
    assert CodeTree.of(codes).label("cfir2.process.engaging.deliverers") == "Engaging › Innovation Deliverers"


def test_identical_paths_fall_back_to_the_id_and_a_cycle_does_not_hang():
    codes = [
        Code(id="a", name="Time"),
        Code(id="b", name="Time"),
        Code(id="x", name="Loop", parent_id="y"),
        Code(id="y", name="Loop", parent_id="x"),
    ]
    labels = code_labels(codes)
    assert labels["a"] == "Time [a]" and labels["b"] == "Time [b]"
    assert labels["x"] != labels["y"]
