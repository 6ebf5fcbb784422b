"""`evalbench cooccurrence`: codes applied to the same participant turns, counted by hand here."""

from __future__ import annotations

import json

from .conftest import run_cli as run


def code_turns(project) -> None:
    """Turn 2 of p01: priority + culture; turn 4: culture; p02 turn 2: priority; an interviewer turn: both."""
    t = {(x.document_id, x.seq): x for x in project.turns()}
    for (doc, seq), code, coder in [
        ((1, 2), "inner.priority", "alex"),
        ((1, 2), "inner.culture", "alex"),
        ((1, 4), "inner.culture", "alex"),
        ((2, 2), "inner.priority", "sam"),
        ((1, 1), "inner.priority", "alex"),
        ((1, 1), "inner.culture", "alex"),
    ]:
        project.add_coding(doc, t[doc, seq].start, t[doc, seq].end, code, coder=coder)
    project.close()


def test_pairs_and_diagonal_count_participant_turns_only(project):
    code_turns(project)
    data = json.loads(run("cooccurrence", project.path, "--level", "code", "--json").stdout)
    assert data["codes"] == [
        {"id": "inner.culture", "name": "Culture", "turns": 2},
        {"id": "inner.priority", "name": "Relative Priority", "turns": 2},
    ]
    assert data["pairs"] == [
        {"a": "inner.culture", "a_name": "Culture", "b": "inner.priority", "b_name": "Relative Priority", "turns": 1}
    ]
    assert run("cooccurrence", project.path, "--level", "code").stdout.split() == [
        "1",
        "Culture",
        "Relative",
        "Priority",
    ]


def test_levels_and_one_coder(project):
    code_turns(project)
    domain = json.loads(run("cooccurrence", project.path, "--level", "domain", "--json").stdout)
    assert domain["codes"] == [{"id": "inner", "name": "Inner Setting", "turns": 3}] and domain["pairs"] == []
    sam = json.loads(run("cooccurrence", project.path, "--coder", "sam", "--json").stdout)
    assert [(c["id"], c["turns"]) for c in sam["codes"]] == [("inner.priority", 1)] and sam["pairs"] == []
    matrix = run("cooccurrence", project.path, "--level", "code", "--matrix").stdout.splitlines()
    assert matrix[0].split() == ["code", "inner.culture", "inner.priority"]
    assert matrix[1].split() == ["Culture", "2", "1"]
    assert matrix[2].split() == ["Relative", "Priority", "1", "2"]


def test_an_uncoded_project_says_so(project):
    project.close()
    result = run("cooccurrence", project.path)
    assert result.stdout == "" and result.stderr == "No coded participant turns yet.\n"
    assert json.loads(run("cooccurrence", project.path, "--json").stdout)["pairs"] == []


def test_an_unknown_coder_is_named(project):
    code_turns(project)
    for command in (["cooccurrence", project.path], ["quotes", project.path, "inner"]):
        result = run(*command, "--coder", "nobody", ok=False)
        assert result.exit_code == 1
        assert result.output == "evalbench: study.evb: no coder 'nobody' (coders: alex, sam)\n"
