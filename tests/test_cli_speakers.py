"""`evalbench speakers`: roles and where they came from; setting one by hand, keeping it, undoing it."""

from __future__ import annotations

import json

from evalbench.project import Project

from .conftest import make_parsed
from .conftest import run_cli as run


def listing(path, *args) -> list[tuple]:
    rows = json.loads(run("speakers", path, *args, "--json").stdout)
    return [(r["document"], r["speaker"], r["role"], r["role_source"], r["turns"]) for r in rows]


def test_speakers_list_roles_sources_and_turns(project):
    project.close()
    assert listing(project.path) == [
        ("p01.txt", "Interviewer", "interviewer", "label", 2),
        ("p01.txt", "Dr Patel", "participant", "default", 2),
        ("p02.txt", "Interviewer", "interviewer", "label", 1),
        ("p02.txt", "Nurse Kim", "participant", "default", 1),
    ]
    assert listing(project.path, "p02.txt") == listing(project.path)[2:]
    text = run("speakers", "list", project.path, "p01.txt").stdout.splitlines()
    assert text[0].split() == ["document", "speaker", "role", "turns", "source"]
    assert text[2].split()[:6] == ["p01.txt", "Dr", "Patel", "participant", "2", "default"]


def test_set_role_is_a_user_override_that_survives_reimport_and_undo(project):
    project.close()
    done = run("speakers", "set-role", project.path, "p01.txt", "Dr Patel", "interviewer", "--coder", "alex")
    assert done.stdout == "Dr Patel in p01.txt: participant (default) -> interviewer (user)\n"
    assert listing(project.path, "p01.txt")[1] == ("p01.txt", "Dr Patel", "interviewer", "user", 2)
    # quotes and matrices now treat Dr Patel's turns as interviewer turns
    with Project.open(project.path, coder="alex") as proj:
        turn = proj.turns(1)[1]
        proj.add_coding(1, turn.start, turn.end, "inner.priority")
        assert proj.cooccurrence().empty
        # re-detection after another import keeps the hand-set role
        proj.add_document(make_parsed("p03.txt", [("Interviewer", "Why?"), ("Dr Patel", "Because.")]))
        proj.refresh_roles()
        assert [(s.label, s.role, s.role_source) for s in proj.speakers(1)][1] == ("Dr Patel", "interviewer", "user")
        proj.remove_coding(proj.codings()[0].id)
    run("undo", project.path, "--coder", "alex")  # the coding removal
    run("undo", project.path, "--coder", "alex")  # the coding
    assert (
        run("undo", project.path, "--coder", "alex").stdout == "Undid: Set role of Dr Patel in p01.txt to interviewer\n"
    )
    assert listing(project.path, "p01.txt")[1] == ("p01.txt", "Dr Patel", "participant", "default", 2)


def test_set_role_refuses_unknown_speakers_documents_and_roles(project):
    project.close()
    bad = run("speakers", "set-role", project.path, "p01.txt", "Nurse Kim", "interviewer", ok=False)
    assert bad.exit_code == 1
    assert bad.output == (
        "evalbench: study.evb: p01.txt has no speaker 'Nurse Kim' (speakers: 'Interviewer', 'Dr Patel')\n"
    )
    bad = run("speakers", "set-role", project.path, "p09.txt", "Dr Patel", "interviewer", ok=False)
    assert bad.exit_code == 1 and bad.output == "evalbench: study.evb: no document 'p09.txt'\n"
    bad = run("speakers", "set-role", project.path, "p01.txt", "Dr Patel", "boss", ok=False)
    assert bad.exit_code == 2 and "'boss' is not one of 'interviewer', 'participant'" in bad.output
    assert listing(project.path, "p01.txt")[1][2:4] == ("participant", "default")


def test_text_without_speaker_labels_is_speaker_dash(tmp_path):
    with Project.init(tmp_path / "s.evb", coder="alex") as proj:
        proj.add_document(make_parsed("notes.txt", [(None, "One long block of unlabelled text.")]))
    assert listing(tmp_path / "s.evb") == [("notes.txt", None, "participant", "default", 1)]
    run("speakers", "set-role", tmp_path / "s.evb", "notes.txt", "-", "interviewer")
    assert listing(tmp_path / "s.evb")[0][2:4] == ("interviewer", "user")
