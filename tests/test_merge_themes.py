"""`evalbench merge` brings themes: the target's are kept, a source's new ones added, same-named ones merged.

The lead (alex.evb) has drafted a Barriers theme; sam drafted the same theme
with another rule, an exemplar on one of sam's codings, a coding kept out, and
a theme of a category the lead does not have yet.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from evalbench.project import Project
from tests.conftest import make_parsed
from tests.test_merge import P01, P03, ROLES, code_turn, new_project

from .conftest import run_cli as run


@pytest.fixture
def lead_and_sam(tmp_path):
    alex = new_project(tmp_path / "alex.evb", "alex", [P01])
    alex_coding = code_turn(alex, "p01.txt", 2, "inner.priority", "alex", valence="barrier")
    no_time = alex.themes.add("No protected time", "Barriers", description="The lead's paragraph.")
    alex.themes.link(no_time.id, "inner.priority", "barrier")
    alex.themes.add("Leaders showed up", "Successes")
    alex.close()

    sam = new_project(tmp_path / "sam.evb", "sam", [P01, P03])
    sam_p01 = code_turn(sam, "p01.txt", 2, "inner.priority", "sam", valence="barrier")
    culture = code_turn(sam, "p03.txt", 2, "inner.culture", "sam", valence="facilitator")
    same_as_alex = code_turn(sam, "p01.txt", 2, "inner.priority", "alex", valence="barrier")  # alex's, copied
    theme = sam.themes.add("no protected time", "barriers", description="Sam's paragraph.", cfir="inner.priority")
    sam.themes.link(theme.id, "inner.priority", "barrier")  # the same rule: not doubled
    sam.themes.link(theme.id, "inner.culture", "mixed")
    sam.themes.pick(theme.id, sam_p01)
    sam.themes.exclude(theme.id, [same_as_alex])
    learning = sam.themes.add("Learning from errors", "Lessons learned", description="Sam's draft.")
    sam.themes.link(learning.id, "inner.culture")
    sam.themes.include(learning.id, [sam_p01])
    sam.themes.pick(learning.id, culture)
    sam.close()
    return tmp_path / "alex.evb", tmp_path / "sam.evb", alex_coding


def _themes(path) -> list[tuple]:
    """Every theme as a person reads it: category, name, description, CFIR, rules, hand decisions, picks."""
    with Project.open(path) as proj:
        names = {d.id: d.name for d in proj.documents()}
        what = {c.id: (names[c.document_id], c.start, c.code_id, c.coder) for c in proj.codings()}
        out = []
        for t in proj.themes.list():
            out.append(
                (
                    t.category,
                    t.name,
                    t.description,
                    t.cfir_code_id,
                    [(r.code_id, r.valence) for r in proj.themes.rules(t.id)],
                    [(what[h.coding_id], h.included) for h in proj.themes.hand_codings(t.id)],
                    [what[i] for i in proj.themes.exemplars(t.id)],
                )
            )
        return out


def test_merge_keeps_the_targets_themes_adds_new_ones_and_merges_same_named(lead_and_sam):
    alex_path, sam_path, alex_coding = lead_and_sam
    with Project.open(alex_path, coder="alex") as alex:
        p01 = alex.coding(alex_coding)
        start = p01.start
        report = alex.merge([sam_path])
    p03_turn = ("p03.txt",)
    themes = _themes(alex_path)
    assert [(t[0], t[1]) for t in themes] == [
        ("Barriers", "No protected time"),
        ("Successes", "Leaders showed up"),
        ("Lessons learned", "Learning from errors"),
    ]
    no_time = themes[0]
    assert no_time[2] == "The lead's paragraph."  # the target's description is kept
    assert no_time[3] == "inner.priority"  # an empty CFIR mapping is filled in
    assert no_time[4] == [("inner.priority", "barrier"), ("inner.culture", "mixed")]  # the union, target's first
    # sam kept out a copy of alex's coding: in the target that is alex's own coding (the merge skipped the copy)
    assert no_time[5] == [(("p01.txt", start, "inner.priority", "alex"), False)]
    assert no_time[6] == [("p01.txt", start, "inner.priority", "sam")]  # sam's pick, now on the merged coding
    learning = themes[2]
    assert learning[4] == [("inner.culture", None)] and learning[6][0][0] == p03_turn[0]

    source = report.sources[0]
    assert source.themes.categories == ["Lessons learned"]
    assert source.themes.themes == [("Lessons learned", "Learning from errors")]
    assert source.themes.merged == [("Barriers", "No protected time")]
    assert source.themes.descriptions_kept == [("Barriers", "No protected time")]
    lines = "\n".join(report.lines())
    assert "themes: 1 category added (Lessons learned)" in lines
    assert "themes: 1 added (Lessons learned: Learning from errors)" in lines
    assert (
        "themes: 1 merged into the target's of the same name: Barriers: No protected time (1 rule, "
        "1 hand-picked coding, 1 exemplar and the CFIR mapping added)" in lines
    )
    assert "theme Barriers: No protected time: the descriptions differ (target's kept)" in lines


def test_the_merge_with_its_themes_is_one_undoable_action_and_a_second_merge_adds_nothing(lead_and_sam):
    alex_path, sam_path, _ = lead_and_sam
    before = _themes(alex_path)
    first = run("merge", alex_path, sam_path, "--json")
    merged = _themes(alex_path)
    assert json.loads(first.stdout)["sources"][0]["themes"]["added"] == [
        {"category": "Lessons learned", "theme": "Learning from errors"}
    ]
    assert json.loads(first.stdout)["sources"][0]["themes"]["merged"] == [
        {
            "category": "Barriers",
            "theme": "No protected time",
            "added": {"rules": 1, "codings": 1, "exemplars": 1, "cfir": 1},
        }
    ]
    again = json.loads(run("merge", alex_path, sam_path, "--json").stdout)["sources"][0]["themes"]
    assert (again["added"], again["merged"], again["rules_added"], again["exemplars_added"]) == ([], [], 0, 0)
    assert _themes(alex_path) == merged
    with Project.open(alex_path, coder="tester") as lead:  # the coder the command ran as ($EVALBENCH_CODER)
        assert lead.undo() == "Merge sam.evb"  # the second merge changed nothing, so the first is undone, whole
        assert lead.undo_label() is None
        assert [c.name for c in lead.themes.categories()] == ["Barriers", "Successes"]
        assert [c.coder for c in lead.codings()] == ["alex"]
    assert _themes(alex_path) == before


def test_a_coders_qdpx_brings_the_same_themes_as_their_project(lead_and_sam, tmp_path):
    alex_path, sam_path, _ = lead_and_sam
    copy = tmp_path / "copy.evb"
    copy.write_bytes(alex_path.read_bytes())
    with Project.open(sam_path) as sam:
        sam.export_qdpx(tmp_path / "sam.qdpx")
    run("merge", alex_path, sam_path)
    done = run("merge", copy, tmp_path / "sam.qdpx")
    assert "themes: 1 added (Lessons learned: Learning from errors)" in done.stdout
    assert _themes(copy) == _themes(alex_path)


def test_picks_on_codings_that_were_not_merged_are_left_out_and_counted(lead_and_sam):
    alex_path, sam_path, _ = lead_and_sam
    other_text = make_parsed("p03.txt", [("Interviewer", "And what helped?"), ("Ana", "Other words entirely.")])
    with Project.open(alex_path, coder="alex") as alex:  # the lead's p03 was parsed into another text
        alex.add_document(replace(other_text, sha256=P03.sha256), ROLES)
        report = alex.merge([sam_path])
    source = report.sources[0]
    assert source.documents_differing == ["p03.txt"]
    assert source.themes.dropped_codings == 1  # the exemplar on sam's p03 coding: that coding was not merged
    assert "themes: 1 hand-picked coding(s) or exemplar(s) left out (their codings were not merged)" in "\n".join(
        report.lines()
    )
