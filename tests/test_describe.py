"""Rows named in the user's words (store/describe.py) and reading positions (store/positions.py)."""

from __future__ import annotations

from evalbench.model import Code
from evalbench.project import Project
from evalbench.store import describe


def test_a_coding_is_named_by_code_participant_and_first_words(project):
    turn = project.turns(1)[1]
    cid = project.add_coding(1, turn.start, turn.end, "inner.priority")
    assert project.store.describe.coding(cid) == "Relative Priority, p01.txt “Honestly, competing priorities…”"
    project.set_participant(1, "P03")
    assert project.store.describe.coding(cid).startswith("Relative Priority, P03 “")
    assert project.store.describe.turn(turn.id) == "turn 2 of P03 (Dr Patel)"
    assert project.store.describe.memo_target("cell", "P03|inner") == "P03 × Inner Setting"
    assert describe.first_words("Yes.") == "“Yes.”"


def test_a_shared_name_gets_its_distinguishing_path(project):
    project.add_codes(
        [
            Code("a", "Assessing"),
            Code("a.d", "Deliverers", parent_id="a"),
            Code("e", "Engaging"),
            Code("e.d", "Deliverers", parent_id="e"),
        ]
    )
    assert project.store.describe.code("e.d") == "Engaging › Deliverers"
    assert project.store.describe.code("inner.culture") == "Culture"


def test_reading_positions_are_per_coder_and_not_undone(project):
    project.add_coding(1, 0, 5, "inner")
    project.set_reading_position(1, 42)
    assert project.reading_position(1) == 42
    assert project.undo().startswith("Code Inner Setting")  # the position is not an undoable action
    assert project.reading_position(1) == 42
    project.set_reading_position(1, 50)
    with Project.open(project.path, coder="sam") as other:
        assert other.reading_position(1) is None
        assert other.store.positions.get("alex", 1) == 50
