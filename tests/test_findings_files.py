"""Themes CSV import and export, plain-data snapshots, and themes kept whole through codebook changes."""

from __future__ import annotations

import os

import pytest

from evalbench.errors import UserError
from evalbench.findings.csvfile import ThemeImportError
from evalbench.findings.snapshot import restore, snapshot
from evalbench.model import Code
from tests.tui.conftest import stored

CSV = """category,theme,description,code,valence
Successes,Safe to talk about errors,"People felt safe to say ""I missed it"".",Culture,facilitator
Barriers,No protected time,Nobody was given time for the reviews.,inner.priority,barrier
Barriers,No protected time,,Inner Setting / Culture,barrier
Lessons learned,,,,
Barriers,Leaders absent,,inner,
"""


def write(tmp_path, text: str, name: str = "themes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_categories_and_themes_in_order_of_first_appearance(project, tmp_path):
    report = project.themes.import_csv(write(tmp_path, CSV))
    assert report.categories == ["Successes", "Barriers", "Lessons learned"]
    assert report.themes == ["Safe to talk about errors", "No protected time", "Leaders absent"]
    assert report.rules == 4
    p = stored(project)
    assert [c.name for c in p.themes.categories()] == ["Successes", "Barriers", "Lessons learned"]
    assert [(t.category, t.name) for t in p.themes.list()] == [
        ("Successes", "Safe to talk about errors"),
        ("Barriers", "No protected time"),
        ("Barriers", "Leaders absent"),
    ]
    assert p.themes.theme("No protected time").description == "Nobody was given time for the reviews."
    assert [(r.code_id, r.valence) for r in p.themes.rules("No protected time")] == [
        ("inner.priority", "barrier"),
        ("inner.culture", "barrier"),
    ]
    assert [(r.code_id, r.valence) for r in p.themes.rules("Leaders absent")] == [("inner", None)]
    assert project.undo() == "Import themes from themes.csv"
    assert project.themes.list() == [] and project.themes.categories() == []


def test_import_again_adds_nothing_and_export_reads_back_the_same(project, tmp_path):
    project.themes.import_csv(write(tmp_path, CSV))
    again = project.themes.import_csv(write(tmp_path, CSV))
    assert (again.categories, again.themes, again.rules, again.described) == ([], [], 0, 0)
    out = tmp_path / "out.csv"
    mask = os.umask(0o022)
    try:
        assert project.themes.export_csv(out) == 5
    finally:
        os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o644  # the user's usual permissions, not a temp file's 0600
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a byte-order mark
    before = snapshot(project.store)
    project.themes.import_csv(out, replace=True)
    assert snapshot(project.store) == before


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("category,theme,code\nBarriers,No time,Nothing like it\n", "row 2: unknown code 'Nothing like it'"),
        ("category,theme,code,valence\nBarriers,No time,inner,sad\n", "row 2: valence must be one of"),
        ("category,theme,description\nA,T,one\nA,T,two\n", "row 3: theme 'T' already has another description (row 2)"),
        ("category,theme,code\n,T,inner\n", "row 2: empty category"),
        ("theme,code\nT,inner\n", "row 1: needs 'category' and 'theme' columns"),
        ("category,theme,code\nA,,inner\n", "row 2: a code or description needs a theme"),
    ],
)
def test_a_bad_row_is_named_and_nothing_lands(project, tmp_path, text, problem):
    path = write(tmp_path, "category,theme\nKept out,Also kept out\n")  # a good file never loaded
    bad = write(tmp_path, text, "bad.csv")
    with pytest.raises(UserError) as err:
        project.themes.import_csv(bad)
    assert problem in str(err.value) and "\n" not in str(err.value)
    assert project.themes.list() == [] and project.themes.categories() == []
    assert path.exists()


def test_all_rows_are_checked_before_any_lands(project, tmp_path):
    text = "category,theme,code\nA,Good,inner\nA,Bad,nope\nB,Worse,nah\n"
    with pytest.raises(ThemeImportError) as err:
        project.themes.import_csv(write(tmp_path, text))
    assert err.value.problems == ["row 3: unknown code 'nope'", "row 4: unknown code 'nah'"]
    assert project.themes.list() == []


def test_snapshot_restores_into_another_project_mapping_codings(project, tmp_path):
    from evalbench.project import Project

    doc = project.documents()[0]
    coding = project.add_coding(doc.id, 0, 10, "inner.culture")
    theme = project.themes.add("Safe", "Successes", description="d", cfir="inner.culture")
    project.themes.link(theme.id, "inner.culture", "facilitator")
    project.themes.include(theme.id, [coding])
    project.themes.pick(theme.id, coding)
    data = snapshot(project.store)
    other = Project.init(tmp_path / "other.evb", coder="alex")
    other.add_codes(
        [Code(id="inner", name="Inner Setting"), Code(id="inner.culture", name="Culture", parent_id="inner")]
    )
    with other.action("Restore themes") as act:
        done = restore(other.store, act, data, coding_ids={})
    assert done.themes == [("Successes", "Safe")] and done.rules == 1 and done.dropped_codings == 2
    assert other.themes.theme("Safe").cfir_code_id == "inner.culture"
    with project.action("Restore themes again") as act:
        again = restore(project.store, act, data)
    assert (again.themes, again.merged, again.changed) == ([], [], False)  # already there: nothing doubles
    assert snapshot(project.store) == data


# --- codebook changes carry theme rules ---------------------------------------------------
def test_merging_codes_moves_rules_and_undo_brings_them_back(project):
    theme = project.themes.add("Culture", "Successes", cfir="inner.culture")
    project.themes.link(theme.id, "inner.culture", "facilitator")
    project.themes.link(theme.id, "inner.priority", "facilitator")
    counts = project.merge_codes(["inner.culture"], "inner.priority")
    assert counts["theme_rules"] == 1
    assert [(r.code_id, r.valence) for r in project.themes.rules(theme.id)] == [("inner.priority", "facilitator")]
    assert project.themes.theme(theme.id).cfir_code_id == "inner.priority"
    project.undo()
    assert sorted(r.code_id for r in stored(project).themes.rules(theme.id)) == ["inner.culture", "inner.priority"]


def test_removing_a_code_a_theme_uses_is_refused_in_one_line(project):
    theme = project.themes.add("Culture", "Successes")
    project.themes.link(theme.id, "inner.culture")
    with pytest.raises(UserError, match="is a rule of theme 'Culture'; unlink it first"):
        project.remove_code("inner.culture")
    project.themes.unlink(theme.id, "inner.culture")
    project.remove_code("inner.culture")


def test_moving_a_code_out_from_under_a_rule_keeps_the_theme_evidence(project):
    project.add_code(Code(id="outer", name="Outer Setting"))
    doc = project.documents()[0]
    project.add_coding(doc.id, 0, 10, "inner.culture", valence="barrier")
    theme = project.themes.add("Everything inside", "Barriers")
    project.themes.link(theme.id, "inner", "barrier")
    assert project.themes.table(project.themes.choose())[0].codings == 1
    project.move_code("inner.culture", "outer")
    assert [(r.code_id, r.valence) for r in project.themes.rules(theme.id)] == [
        ("inner", "barrier"),
        ("inner.culture", "barrier"),
    ]
    assert project.themes.table(project.themes.choose())[0].codings == 1


def test_split_sending_every_coding_to_a_new_code_copies_its_rules(project):
    theme = project.themes.add("Priorities", "Barriers")
    project.themes.link(theme.id, "inner.priority", "barrier")
    project.split_code("inner.priority", [("inner.time", "Time"), ("inner.money", "Money")], codings_to="inner.time")
    assert sorted(r.code_id for r in project.themes.rules(theme.id)) == ["inner.priority", "inner.time"]


def test_formula_like_names_are_text_in_the_file_and_read_back_exactly(project, tmp_path):
    project.themes.add('=HYPERLINK("http://x")', "+Successes", description="-2 points, @ everyone")
    out = tmp_path / "themes.csv"
    project.themes.export_csv(out)
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+Successes" in text and "'-2 points" in text
    before = snapshot(project.store)
    project.themes.import_csv(out, replace=True)
    assert snapshot(project.store) == before
