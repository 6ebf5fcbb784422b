"""Consensus: each decision becomes the consensus coder's coding, is recorded, replaceable and undoable."""

from __future__ import annotations

import pytest

from evalbench.errors import UserError
from tests.test_agreement_project import build_team


@pytest.fixture
def team(project):
    return build_team(project)


def consensus_spans(project, code):
    return [(c.document_id, c.start, c.end) for c in project.codings(coder="consensus", code_id=code)]


def coder_spans(project, coder, d):
    """A coder's codings of d.code clipped to d's unit."""
    return [
        (c.document_id, max(c.start, d.start), min(c.end, d.end))
        for c in project.codings(coder=coder, code_id=d.code, document_id=d.document_id)
        if c.start < d.end and c.end > d.start
    ]


def test_keep_a_copies_a_clipped_to_the_unit_and_records_the_decision(team):
    d = team.disagreements(["alex", "sam"], code="inner.priority")[0]  # alex applied, sam did not
    assert d.applied_by == ("alex",)
    ids = team.resolve_disagreement(d, "keep_a")
    assert len(ids) == 1
    assert consensus_spans(team, d.code) == coder_spans(team, "alex", d)
    coding = team.coding(ids[0])
    assert (coding.coder, coding.origin) == ("consensus", "manual")
    [row] = team.consensus_decisions()
    assert (row.document, row.start, row.end, row.code, row.decision, row.coders, row.decided_by) == (
        d.document,
        d.start,
        d.end,
        d.code,
        "keep_a",
        ["alex", "sam"],
        "alex",
    )
    again = team.disagreements(["alex", "sam"], code="inner.priority")[0]
    assert again.decision == "keep_a"


def test_deciding_again_replaces_the_earlier_decision(team):
    d = team.disagreements(["alex", "sam"], code="inner.priority")[0]
    team.resolve_disagreement(d, "keep_a")
    assert team.resolve_disagreement(d, "keep_b") == []  # sam did not apply it
    assert consensus_spans(team, d.code) == []
    assert [r.decision for r in team.consensus_decisions()] == ["keep_b"]


def test_both_takes_the_union_and_neither_takes_nothing(team):
    d = team.disagreements(["alex", "sam"], code="inner.culture")[0]  # p03 turn 12: sam only
    team.resolve_disagreement(d, "both")
    assert consensus_spans(team, d.code) == coder_spans(team, "sam", d)
    team.resolve_disagreement(d, "neither")
    assert consensus_spans(team, d.code) == []


def test_undo_reverses_a_decision_and_its_coding(team):
    d = team.disagreements(["alex", "sam"], code="inner.priority")[0]
    team.resolve_disagreement(d, "keep_a")
    team.resolve_disagreement(d, "neither")
    assert team.undo().startswith("Consensus neither")
    assert [r.decision for r in team.consensus_decisions()] == ["keep_a"]
    assert consensus_spans(team, d.code) == coder_spans(team, "alex", d)
    team.undo()
    assert team.consensus_decisions() == [] and consensus_spans(team, d.code) == []


def test_consensus_does_not_change_the_coders_agreement(team):
    before = team.agreement(["alex", "sam"]).to_json()
    for d in team.disagreements(["alex", "sam"]):
        team.resolve_disagreement(d, "both")
    assert team.agreement(["alex", "sam"]).to_json() == before
    assert "consensus" in team.coders() and "consensus" not in team.team_coders()


def test_char_unit_decisions(team):
    d = next(
        x for x in team.disagreements(["alex", "sam"], code="inner.priority", unit="char") if x.applied_by == ("sam",)
    )
    team.resolve_disagreement(d, "keep_b")
    assert consensus_spans(team, d.code) == [(d.document_id, d.start, d.end)]
    assert team.consensus_decisions()[0].unit == "char"


def test_bad_decision_is_a_user_error(team):
    d = team.disagreements(["alex", "sam"])[0]
    with pytest.raises(UserError, match="decision must be one of"):
        team.resolve_disagreement(d, "maybe")


def test_adopt_agreed_copies_turns_all_coders_applied_once(team):
    added = team.adopt_agreed(["alex", "sam"])
    # agreed: priority on p01/2, p03/2, p03/4; culture on p01/4, p03/10
    assert added == 5
    assert team.adopt_agreed(["alex", "sam"]) == 0
    after = team.agreement(["alex", "consensus"]).code("inner.priority")
    assert after.n_applied["consensus"] == 3
    for d in team.disagreements(["alex", "sam"]):
        team.resolve_disagreement(d, "keep_a")
    # consensus now equals alex turn by turn: perfect agreement between them
    assert team.agreement(["alex", "consensus"]).overall.percent == 100.0
    team.undo()
    team.undo()
    team.undo()
    assert team.undo().startswith("Consensus: adopt 5")
    assert team.codings(coder="consensus") == []
