"""`evalbench merge`: documents by content, codes by ID, coders distinct, conflicts reported, idempotent."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import replace

import pytest
from click.testing import CliRunner

from evalbench.cli import main
from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.project import Project
from tests.conftest import SMALL_CODES, make_parsed

ROLES = {"Interviewer": ("interviewer", "label"), "Dr Patel": ("participant", "label"), "Ana": ("participant", "label")}
P01 = make_parsed(
    "p01.txt",
    [("Interviewer", "What got in the way?"), ("Dr Patel", "Competing priorities. No protected time for reviews.")],
)
P03 = make_parsed(
    "p03.txt",
    [
        ("Interviewer", "And what helped?"),
        ("Ana", "A culture of learning from errors."),
        ("Interviewer", "Anything else?"),
        ("Ana", "Leaders who showed up."),
    ],
)


def new_project(path, coder, docs, codes=SMALL_CODES):
    proj = Project.init(path, coder=coder)
    proj.add_codes(list(codes))
    for doc in docs:
        proj.add_document(doc, ROLES)
    return proj


def code_turn(proj, name, seq, code, coder, **kw):
    doc = proj.document(name, with_text=False)
    t = next(t for t in proj.turns(doc.id) if t.seq == seq)
    return proj.add_coding(doc.id, t.start, t.end, code, coder=coder, **kw)


@pytest.fixture
def pair(tmp_path):
    """alex.evb (p01) and sam.evb (p01, p03, an extra code, an edited definition)."""
    alex = new_project(tmp_path / "alex.evb", "alex", [P01])
    code_turn(alex, "p01.txt", 2, "inner.priority", "alex", valence="barrier")
    edited = [replace(c, definition="Edited by sam") if c.id == "inner.culture" else c for c in SMALL_CODES]
    sam = new_project(
        tmp_path / "sam.evb", "sam", [P01, P03], edited + [Code(id="inner.extra", name="Extra", parent_id="inner")]
    )
    sam.set_participant(sam.document("p03.txt").id, "P03", {"role": "nurse", "site": "RMC"})
    code_turn(sam, "p01.txt", 2, "inner.priority", "sam", valence="barrier", memo="clear barrier")
    code_turn(sam, "p03.txt", 2, "inner.culture", "sam")
    code_turn(sam, "p03.txt", 4, "inner.extra", "sam")
    sam.close()
    yield alex, tmp_path / "sam.evb"
    alex.close()


def test_merge_adds_documents_codes_and_codings_keeping_coders(pair):
    alex, sam_path = pair
    sam_codings = {(c.start, c.end, c.code_id): c for c in Project.open(sam_path).codings()}
    report = alex.merge([sam_path])
    src = report.sources[0]
    assert src.documents_added == ["p03.txt"] and src.documents_matched == 1
    assert src.codes_added == ["inner.extra"]
    assert src.codings_added == 3 and src.codings_skipped == 0
    assert alex.coders() == ["alex", "sam"]
    merged = alex.codings(coder="sam")
    assert {c.origin for c in merged} == {"manual"}  # as they were made
    for c in merged:
        original = sam_codings[(c.start, c.end, c.code_id)]
        assert (c.created_at, c.valence, c.memo) == (original.created_at, original.valence, original.memo)
    p03 = alex.document("p03.txt")
    assert p03.participant == "P03" and p03.attributes == {"role": "nurse", "site": "RMC"}
    assert [(t.seq, t.speaker, t.role) for t in alex.turns(p03.id)] == [
        (1, "Interviewer", "interviewer"),
        (2, "Ana", "participant"),
        (3, "Interviewer", "interviewer"),
        (4, "Ana", "participant"),
    ]
    assert alex.search("culture learning")[0].document == "p03.txt"


def test_a_coding_accepted_from_a_suggestion_keeps_its_origin_model_and_accepting_coder(pair, tmp_path):
    alex, sam_path = pair
    with Project.open(sam_path, coder="kim") as sam:  # kim has not coded: "competing priorities" is offered
        turn = next(t for t in sam.turns(sam.document("p01.txt").id) if t.seq == 2)
        s = next(s for s in sam.suggest_turn(turn.id) if s.code_id == "inner.priority")
        accepted = sam.coding(sam.accept_suggestion(s.id))
    assert (accepted.suggest_model, accepted.suggest_model_version) == (s.model, s.model_version)
    report = alex.merge([sam_path])
    assert report.sources[0].suggested_added == 1
    assert "1 accepted from suggestions" in report.lines()[0]
    merged = [c for c in alex.codings(coder="kim") if c.origin == "suggestion"]
    assert [(c.code_id, c.coder, c.suggest_model, c.suggest_model_version, c.suggestion_id) for c in merged] == [
        (s.code_id, "kim", s.model, s.model_version, None)
    ]
    # and on into a third project: still a suggestion, still the same model and accepting coder
    with Project.init(tmp_path / "team.evb", coder="lead") as team:
        team.merge([alex.path])
        again = [c for c in team.codings() if c.origin == "suggestion"]
        assert [(c.coder, c.suggest_model) for c in again] == [("kim", s.model)]


def test_changed_code_is_a_conflict_and_target_is_kept(pair):
    alex, sam_path = pair
    report = alex.merge([sam_path])
    assert report.conflicts == [
        {"code": "inner.culture", "fields": {"definition": {"target": "", "source": "Edited by sam"}}}
    ]
    assert alex.code("inner.culture").definition == ""


def test_merging_twice_adds_nothing_twice(pair):
    alex, sam_path = pair
    alex.merge([sam_path])
    before = len(alex.codings()), len(alex.documents()), len(alex.codes())
    again = alex.merge([sam_path]).sources[0]
    assert (again.codings_added, again.codings_skipped, again.documents_added, again.codes_added) == (0, 3, [], [])
    assert (len(alex.codings()), len(alex.documents()), len(alex.codes())) == before


def test_documents_fall_back_to_text_hash(tmp_path, pair):
    alex, _ = pair
    other = replace(P01, sha256=hashlib.sha256(b"a different file").hexdigest())
    kim = new_project(tmp_path / "kim.evb", "kim", [other])
    code_turn(kim, "p01.txt", 2, "inner.culture", "kim")
    kim.close()
    src = alex.merge([tmp_path / "kim.evb"]).sources[0]
    assert src.documents_matched == 1 and src.documents_added == []
    assert len(alex.documents()) == 1 and len(alex.codings(coder="kim")) == 1


def test_cancel_leaves_target_unchanged(pair):
    alex, sam_path = pair
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(UserError, match="cancelled"):
        alex.merge([sam_path], cancel=cancel)
    assert len(alex.documents()) == 1 and len(alex.codings()) == 1 and len(alex.codes()) == 3


def test_undo_takes_back_merged_codings(pair):
    alex, sam_path = pair
    alex.merge([sam_path])
    assert alex.undo().startswith("Merge sam.evb")
    assert [c.coder for c in alex.codings()] == ["alex"]
    assert "inner.extra" not in {c.id for c in alex.codes()}


def test_bad_sources_are_user_errors(pair, tmp_path):
    alex, _ = pair
    with pytest.raises(UserError, match="no such file"):
        alex.merge([tmp_path / "missing.evb"])
    with pytest.raises(UserError, match="into itself"):
        alex.merge([alex.path])


def test_merge_command_json(pair):
    alex, sam_path = pair
    target = str(alex.path)
    alex.close()
    result = CliRunner().invoke(main, ["merge", target, str(sam_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["codings_added"] == 3 and data["conflicts"] == 1
    text = CliRunner().invoke(main, ["merge", target, str(sam_path)]).output
    assert "0 coding(s) added, 3 already present" in text
    assert "conflict: code Culture differs in definition (target kept)" in text


def test_merge_from_qdpx_export(pair, tmp_path):
    alex, sam_path = pair
    with Project.open(sam_path) as sam:
        sam.export_qdpx(tmp_path / "sam.qdpx")
    src = alex.merge([tmp_path / "sam.qdpx"]).sources[0]
    assert src.documents_matched == 1 and src.documents_added == ["p03.txt"]
    assert src.codings_added == 3
    assert {c.code_id for c in alex.codings(coder="sam")} == {"inner.priority", "inner.culture", "inner.extra"}
    assert alex.merge([tmp_path / "sam.qdpx"]).sources[0].codings_added == 0


def test_merge_from_qdpx_keeps_accepted_suggestions_with_their_model(pair, tmp_path):
    alex, sam_path = pair
    with Project.open(sam_path, coder="kim") as sam:
        turn = next(t for t in sam.turns(sam.document("p01.txt").id) if t.seq == 2)
        s = next(s for s in sam.suggest_turn(turn.id) if s.code_id == "inner.priority")
        sam.accept_suggestion(s.id)
        sam.export_qdpx(tmp_path / "sam.qdpx")
    alex.merge([tmp_path / "sam.qdpx"])
    assert [(c.origin, c.coder, c.suggest_model, c.suggest_model_version) for c in alex.codings(coder="kim")] == [
        ("suggestion", "kim", s.model, s.model_version)
    ]
    assert {c.origin for c in alex.codings(coder="sam")} == {"manual"}


def test_same_file_with_other_text_is_reported_not_merged(tmp_path, pair):
    alex, _ = pair
    changed = make_parsed(
        "p01.txt", [("Interviewer", "What got in the way?"), ("Dr Patel", "Parsed differently by another version.")]
    )
    kim = new_project(tmp_path / "kim.evb", "kim", [replace(changed, sha256=P01.sha256)])
    code_turn(kim, "p01.txt", 2, "inner.culture", "kim")
    kim.close()
    report = alex.merge([tmp_path / "kim.evb"])
    src = report.sources[0]
    assert src.documents_differing == ["p01.txt"] and src.codings_added == 0
    assert alex.codings(coder="kim") == [] and len(alex.documents()) == 1
    assert any("p01.txt has the same file but a different text" in line for line in report.lines())
