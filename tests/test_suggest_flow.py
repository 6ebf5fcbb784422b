"""Suggesting, accepting, rejecting and undoing on a real project file."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest

from evalbench.errors import UserError
from evalbench.project import Project


def read(project: Project, sql: str, args: tuple = ()) -> list[tuple]:
    """Rows of ``sql`` on a fresh connection to the project file: what another process would find there."""
    with closing(sqlite3.connect(project.path)) as conn:
        return conn.execute(sql, args).fetchall()


def participant_turn(project: Project, contains: str):
    for turn in project.turns():
        text = project.document_text(turn.document_id)[turn.start : turn.end]
        if turn.role == "participant" and contains in text:
            return turn
    raise AssertionError(contains)


def test_keyword_turn_gets_a_suggestion_with_provenance(project):
    turn = participant_turn(project, "competing priorities")
    found = project.suggest_turn(turn.id)
    top = found[0]
    assert top.code_id == "inner.priority"
    assert top.evidence[0] == "competing priorities"
    assert top.valence == "barrier"  # "no protected time"
    assert "rules" in top.source
    assert (top.start, top.end) == (turn.start, turn.end)
    (row,) = read(
        project, "SELECT status, model, model_version, score, evidence FROM suggestions WHERE id = ?", (top.id,)
    )
    assert row[0] == "open"
    assert "blank:en" in row[1] and "spacy" in row[2] and "rules" in row[2]
    assert row[3] == pytest.approx(top.score)
    assert json.loads(row[4])[0] == "competing priorities"


def test_interviewer_turn_gets_nothing_and_unknown_turn_is_an_error(project):
    interviewer = next(t for t in project.turns() if t.role == "interviewer")
    assert project.suggest_turn(interviewer.id) == []
    with pytest.raises(UserError):
        project.suggest_turn(99999)


def test_same_open_suggestion_is_stored_once(project):
    turn = participant_turn(project, "competing priorities")
    first = project.suggest_turn(turn.id)
    again = project.suggest_turn(turn.id)
    assert [s.id for s in first] == [s.id for s in again]
    project.suggestions()
    ((n,),) = read(
        project, "SELECT count(*) FROM suggestions WHERE turn_id = ? AND code_id = ?", (turn.id, "inner.priority")
    )
    assert n == 1


def test_accept_makes_a_linked_coding_and_undo_redo_round_trip(project):
    turn = participant_turn(project, "competing priorities")
    s = project.suggest_turn(turn.id)[0]
    coding_id = project.accept_suggestion(s.id, valence="mixed")
    coding = project.coding(coding_id)
    assert (coding.origin, coding.suggestion_id, coding.code_id) == ("suggestion", s.id, s.code_id)
    assert (coding.start, coding.end, coding.valence, coding.coder) == (turn.start, turn.end, "mixed", "alex")
    (status,) = read(project, "SELECT status, coder, decided_at FROM suggestions WHERE id = ?", (s.id,))
    assert status[0] == "accepted" and status[1] == "alex" and status[2]
    # the coder already applied it: not suggested again
    assert s.code_id not in {x.code_id for x in project.suggest_turn(turn.id)}
    with pytest.raises(UserError, match="already accepted"):
        project.accept_suggestion(s.id)

    assert project.undo().startswith("Accept suggestion")
    assert project.codings() == []
    (row,) = read(project, "SELECT status, coder FROM suggestions WHERE id = ?", (s.id,))
    assert row == ("open", None)
    again = project.suggest_turn(turn.id)
    assert again[0].id == s.id  # the same open suggestion comes back
    assert project.redo().startswith("Accept suggestion")
    assert project.coding(coding_id).suggestion_id == s.id


def test_accept_uses_the_suggested_valence_by_default(project):
    turn = participant_turn(project, "competing priorities")
    s = project.suggest_turn(turn.id)[0]
    assert project.coding(project.accept_suggestion(s.id)).valence == s.valence == "barrier"


def test_reject_is_remembered_per_coder_and_undoable(project, tmp_path):
    turn = participant_turn(project, "competing priorities")
    s = project.suggest_turn(turn.id)[0]
    project.reject_suggestion(s.id)
    assert s.code_id not in {x.code_id for x in project.suggest_turn(turn.id)}
    # remembered across processes
    with Project.open(project.path, coder="alex") as again:
        assert s.code_id not in {x.code_id for x in again.suggest_turn(turn.id)}
    # another coder still sees it
    with Project.open(project.path, coder="sam") as other:
        assert s.code_id in {x.code_id for x in other.suggest_turn(turn.id)}
    assert project.undo().startswith("Reject suggestion")
    assert s.code_id in {x.code_id for x in project.suggest_turn(turn.id)}


def test_rejections_and_codings_make_the_model_stale_and_training_uses_them(project):
    turn = participant_turn(project, "competing priorities")
    s = project.suggest_turn(turn.id)[0]  # first use trains and stores a model
    assert not project.suggester_stale()
    project.reject_suggestion(s.id)
    assert project.suggester_stale()
    report = project.train_suggester()
    assert report.rejections == 1 and not project.suggester_stale()
    other = participant_turn(project, "culture of learning")
    project.add_coding(other.document_id, other.start, other.end, "inner.culture")
    assert project.suggester_stale()
    report = project.train_suggester()
    assert report.coded_turns == 1 and report.model_version.startswith("coded-1-")


def test_manual_coding_on_the_turn_hides_that_code(project):
    turn = participant_turn(project, "competing priorities")
    project.add_coding(turn.document_id, turn.start + 10, turn.start + 30, "inner.priority")
    assert "inner.priority" not in {x.code_id for x in project.suggest_turn(turn.id)}


def test_suggestions_lists_open_ones_best_first_per_turn(project):
    found = project.suggestions()
    assert found, "the keyword turn at least"
    by_turn: dict[int, list[float]] = {}
    for s in found:
        assert s.status == "open"
        by_turn.setdefault(s.turn_id, []).append(s.score)
    for scores in by_turn.values():
        assert scores == sorted(scores, reverse=True) and len(scores) <= 3
    roles = {t.id: t.role for t in project.turns()}
    assert {roles[t] for t in by_turn} == {"participant"}
    only = project.suggestions(document="p02.txt")
    assert {s.document_id for s in only} == {project.document("p02.txt").id}


def test_trained_model_is_stored_in_the_project_and_used_by_the_next_process(project):
    report = project.train_suggester()
    path = project.path
    project.close()
    with Project.open(path) as again:
        assert not again.suggester_stale()
        turn = participant_turn(again, "competing priorities")
        found = again.suggest_turn(turn.id)
        model_suggestions = [s for s in found if "model" in s.source]
        assert model_suggestions and all(report.model_version in s.model_version for s in model_suggestions)


def test_training_can_be_cancelled_and_reports_progress(project):
    import threading

    seen = []
    stop = threading.Event()

    def progress(done, total, message):
        seen.append((done, total))
        if done >= 2:
            stop.set()

    report = project.train_suggester(progress=progress, cancel=stop)
    assert report.cancelled and seen
    assert read(project, "SELECT count(*) FROM models") == [(0,)]


def test_missing_pipeline_is_a_clear_error_and_nothing_is_loaded(project, monkeypatch):
    import spacy

    def no_load(*args, **kwargs):
        raise AssertionError("spacy.load must not be called for a pipeline that is not installed")

    monkeypatch.setattr(spacy, "load", no_load)
    with pytest.raises(UserError, match="not installed.*never downloads"):
        project.set_suggest_pipeline("en_core_web_sm_not_here")
    assert project.meta("suggest.pipeline") is None


def test_training_in_a_worker_thread_is_picked_up_by_the_open_project(project):
    import threading

    turn = participant_turn(project, "competing priorities")
    project.suggest_turn(turn.id)
    before = project.suggest.model_info().version
    other = participant_turn(project, "culture of learning")
    project.add_coding(other.document_id, other.start, other.end, "inner.culture")
    assert project.suggester_stale()
    errors = []

    def work():
        try:
            with project.reopen() as mine:  # one connection per thread
                mine.train_suggester()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        project.suggest_turn(turn.id)  # the screen keeps asking meanwhile
    worker.join()
    assert errors == []
    assert not project.suggester_stale()
    after = project.suggest.model_info().version
    assert after != before and after.startswith("coded-1-")
    project.suggest_turn(turn.id)
    assert project.suggest.engine().model.version == after  # the open project switched models


def test_configured_installed_pipeline_is_loaded_and_named_in_provenance(project, monkeypatch):
    import spacy

    loaded = []

    def fake_load(name, **kwargs):
        loaded.append(name)
        return spacy.blank("en")

    monkeypatch.setattr(spacy.util, "is_package", lambda name: name == "en_fake_pipeline")
    monkeypatch.setattr(spacy.util, "get_package_version", lambda name: "1.2.3")
    monkeypatch.setattr(spacy, "load", fake_load)
    turn = participant_turn(project, "competing priorities")
    project.suggest_turn(turn.id)
    assert not project.suggester_stale()
    project.set_suggest_pipeline("en_fake_pipeline")
    assert loaded == ["en_fake_pipeline"]
    assert project.meta("suggest.pipeline") == "en_fake_pipeline"
    assert project.suggester_stale()  # the stored model was trained on other tokens
    project.train_suggester()
    top = project.suggest_turn(turn.id)[0]
    assert "(en_fake_pipeline)" in top.model and top.model_version.startswith("evalbench ")
    assert "; en_fake_pipeline 1.2.3; " in top.model_version
    project.set_suggest_pipeline("blank:en")
    assert project.meta("suggest.pipeline") is None


def test_redo_of_an_accept_still_finds_its_suggestion_after_a_refresh(project):
    turn = participant_turn(project, "competing priorities")
    s = project.suggest_turn(turn.id)[0]
    project.accept_suggestion(s.id)
    project.undo()
    with project.transaction():  # nothing passes this threshold: every open suggestion drops out
        project.store.meta.set("suggest.threshold", "1.5")
    assert project.suggest_turn(turn.id) == []
    kept = read(project, "SELECT status FROM suggestions WHERE id = ?", (s.id,))
    assert kept == [("open",)]  # the undo log still points at it
    ((others,),) = read(project, "SELECT count(*) FROM suggestions WHERE turn_id = ? AND id != ?", (turn.id, s.id))
    assert others == 0  # suggestions nobody acted on are simply dropped
    assert project.redo().startswith("Accept suggestion")
    assert project.codings()[0].suggestion_id == s.id


def test_no_valence_for_codes_where_valence_does_not_apply(tmp_path):
    from evalbench.model import Code
    from tests.conftest import make_parsed

    proj = Project.init(tmp_path / "v.evb", coder="alex")
    proj.add_codes(
        [Code("who", "Role", keywords=("nurse",), valence_applies=False), Code("res", "Resources", keywords=("staff",))]
    )
    proj.add_document(make_parsed("a.txt", [("P", "The nurse had no staff and it was a barrier.")]))
    found = {s.code_id: s for s in proj.suggest_turn(proj.turns()[0].id)}
    assert found["who"].valence is None and found["res"].valence == "barrier"
    proj.close()


def test_only_changes_to_training_data_make_the_model_stale(project):
    turn = participant_turn(project, "culture of learning")
    coding = project.add_coding(turn.document_id, turn.start, turn.end, "inner.culture", valence="facilitator")
    s = project.suggest_turn(participant_turn(project, "competing priorities").id)[0]  # trains on the coding
    assert not project.suggester_stale()
    # edits that training does not read: memos on a coding, a turn and a code; valence; a star
    project.set_memo("coding", coding, "time for case prep not resourced")
    project.set_memo("turn", turn.id, "ask about the second year")
    project.set_memo("code", "inner.culture", "split learning from safety?")
    project.update_coding(coding, valence="mixed", starred=True)
    assert not project.suggester_stale()
    project.undo()  # undoing one of them is no training change either
    assert not project.suggester_stale()
    # changes that training reads
    project.update_coding(coding, code_id="inner.priority")
    assert project.suggester_stale()
    project.undo()  # back to what the model was trained on
    assert not project.suggester_stale()
    project.reject_suggestion(s.id)
    assert project.suggester_stale()
    project.undo()
    assert not project.suggester_stale()
    project.update_coding(coding, end=turn.start + 12)  # still inside the same turn, but a changed span
    assert project.suggester_stale()
