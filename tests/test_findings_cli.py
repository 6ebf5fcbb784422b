"""`evalbench themes …` and `evalbench matrix --themes` as a user runs them, read back from the file."""

from __future__ import annotations

import json

from evalbench.project import Project
from tests.conftest import REPO, run_cli


def test_themes_list_json_is_the_issue_shape_in_table_order(demo):
    result = run_cli("themes", "list", demo, "--coder", "alex", "--json")
    rows = json.loads(result.stdout)
    with Project.open(demo) as project:
        themes = project.themes.list()
        codings = {c.id: c for c in project.codings(coder="alex")}
    assert [(r["category"], r["theme"]) for r in rows] == [(t.category, t.name) for t in themes]
    assert {"Successes", "Barriers", "Lessons learned"} == {r["category"] for r in rows}
    for row in rows:
        assert list(row) == [
            "category",
            "theme",
            "description",
            "participants",
            "by_role",
            "documents",
            "codings",
            "quotes",
        ]
        assert all(list(q) == ["participant", "text"] for q in row["quotes"])
        assert sum(row["by_role"].values()) == row["participants"] <= row["documents"]
    texts = {" ".join(project_text.split()) for project_text in _alex_texts(demo, codings)}
    assert all(q["text"] in texts for row in rows for q in row["quotes"])  # every quote is alex's words


def _alex_texts(path, codings):
    with Project.open(path) as project:
        return [project.document_text(c.document_id)[c.start : c.end] for c in codings.values()]


def test_two_coders_and_no_consensus_stop_with_the_choices_and_no_table(demo):
    result = run_cli("themes", "list", demo, ok=False)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "--coder NAME" in result.output and "--all-coders" in result.output
    every = run_cli("themes", "list", demo, "--all-coders", "--json")
    assert json.loads(every.stdout)


def test_the_commands_change_the_stored_project_and_undo_reverses_each(project):
    path = project.path
    project.close()
    run_cli("themes", "init", path, "--preset", "facilitators-barriers")
    run_cli(
        "themes",
        "add",
        path,
        "No protected time",
        "--category",
        "Barriers",
        "--description",
        "None at all.",
        "--cfir",
        "Inner Setting / Relative Priority",
    )
    run_cli("themes", "link", path, "No protected time", "Relative Priority", "--valence", "barrier")
    run_cli("themes", "add", path, "Learning culture", "--category", "Facilitators")
    run_cli("themes", "rename", path, "Learning culture", "A culture of learning")
    run_cli("themes", "move", path, "A culture of learning", "--category", "Barriers", "--position", "1")
    run_cli("themes", "describe", path, "A culture of learning", "People felt safe.")
    run_cli("themes", "category", "add", path, "Lessons learned")
    run_cli("themes", "category", "move", path, "Lessons learned", "--position", "1")
    with Project.open(path) as p:
        assert [c.name for c in p.themes.categories()] == ["Lessons learned", "Facilitators", "Barriers"]
        assert [(t.category, t.name) for t in p.themes.list()] == [
            ("Barriers", "A culture of learning"),
            ("Barriers", "No protected time"),
        ]
        theme = p.themes.theme("No protected time")
        assert (theme.description, theme.cfir_code_id) == ("None at all.", "inner.priority")
        assert [(r.code_id, r.valence) for r in p.themes.rules(theme.id)] == [("inner.priority", "barrier")]
    assert run_cli("undo", path).output.strip() == "Undid: Move theme category Lessons learned"
    run_cli("themes", "rm", path, "A culture of learning")
    assert "Undid: Remove theme A culture of learning" in run_cli("undo", path).output
    assert "Undid: Add theme category Lessons learned" in run_cli("undo", path).output
    assert "Undid: Describe theme A culture of learning" in run_cli("undo", path).output


def test_show_lists_every_quote_with_the_id_that_pick_and_exclude_take(demo):
    shown = json.loads(
        run_cli("themes", "show", demo, "No protected time for case review", "--coder", "sam", "--json").stdout
    )
    ids = [q["coding_id"] for q in shown["quotes"]]
    assert shown["codings"] == len(ids) and all(q["coder"] == "sam" for q in shown["quotes"])
    run_cli("themes", "pick", demo, "No protected time for case review", ids[-1], "--position", "1")
    run_cli("themes", "exclude", demo, "No protected time for case review", ids[0])
    listed = json.loads(run_cli("themes", "list", demo, "--coder", "sam", "--json").stdout)
    row = next(r for r in listed if r["theme"] == "No protected time for case review")
    last = next(q for q in shown["quotes"] if q["coding_id"] == ids[-1])
    assert row["quotes"][0]["text"] == last["text"]
    assert row["codings"] == shown["codings"] - 1
    site = "Riverside Medical Center"
    cell = json.loads(
        run_cli(
            "themes",
            "show",
            demo,
            "No protected time for case review",
            "--coder",
            "sam",
            "--by",
            "site",
            "--value",
            site,
            "--json",
        ).stdout
    )
    matrix = json.loads(run_cli("matrix", demo, "--themes", "--by", "site", "--coder", "sam", "--json").stdout)
    cell_count = next(r for r in matrix if r["theme"] == "No protected time for case review")["participants"][site]
    assert cell_count == len({q["participant"] for q in cell["quotes"]}) > 0


def test_import_errors_name_each_row_and_nothing_lands(project, tmp_path):
    path = project.path
    project.close()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "category,theme,code,valence\nBarriers,No time,Relative Priority,barrier\n"
        "Barriers,No time,Nothing,barrier\nBarriers,Other,Culture,sad\n",
        encoding="utf-8",
    )
    result = run_cli("themes", "import", path, bad, ok=False)
    assert result.exit_code == 1
    assert "bad.csv: row 3: unknown code 'Nothing'" in result.output
    assert "bad.csv: row 4: valence must be one of" in result.output
    with Project.open(path) as p:
        assert p.themes.list() == []


def test_export_then_import_into_a_new_project_gives_the_same_themes(demo, tmp_path):
    out = tmp_path / "themes.csv"
    assert "Wrote" in run_cli("themes", "export", demo, "-o", out).output
    fresh = tmp_path / "fresh.evb"
    run_cli("init", fresh, "--codebook", "cfir2")
    run_cli("themes", "import", fresh, out)
    from evalbench.findings.snapshot import snapshot

    with Project.open(demo) as a, Project.open(fresh) as b:
        assert snapshot(b.store) == snapshot(a.store)


def test_the_demo_loads_the_sample_themes_and_is_kept_unless_rebuilt(tmp_path):
    path = tmp_path / "demo.evb"
    first = run_cli("demo", "--no-tui", "-o", path)
    assert "Built demo project" in first.output and "19 themes" in first.output
    with Project.open(path, coder="alex") as p:
        doc = p.documents()[0]
        p.add_coding(doc.id, 0, 5, "cfir2.inner")  # practice coding
        n = len(p.codings())
    kept = run_cli("demo", "--no-tui", "-o", path)
    assert "Kept the existing demo project" in kept.output and "--rebuild" in kept.output
    with Project.open(path) as p:
        assert len(p.codings()) == n
    run_cli("demo", "--no-tui", "--rebuild", "-o", path)
    with Project.open(path) as p:
        assert len(p.codings()) == n - 1
    notes = tmp_path / "notes.evb"
    notes.write_text("my notes", encoding="utf-8")
    refused = run_cli("demo", "--no-tui", "-o", notes, ok=False)
    assert refused.exit_code == 1 and notes.read_text(encoding="utf-8") == "my notes"


def test_sample_themes_file_names_real_codes_and_every_category(tmp_path):
    import csv

    rows = list(csv.DictReader((REPO / "sample_transcripts" / "themes.csv").open(encoding="utf-8")))
    assert [r["category"] for r in rows][0] == "Successes"
    assert {r["category"] for r in rows} == {"Successes", "Barriers", "Lessons learned"}
    first_rows = {}
    for r in rows:
        first_rows.setdefault(r["theme"], r)
    assert all(len(r["description"].split()) >= 20 for r in first_rows.values())  # paper-ready paragraphs


def test_a_transcript_with_no_participant_is_named_and_never_counted_as_one(project):
    doc = project.document("p01.txt", with_text=False)
    turn = project.turns(doc.id)[1]
    project.add_coding(doc.id, turn.start, turn.end, "inner.priority", valence="barrier")
    theme = project.themes.add("No time", "Barriers")
    project.themes.link(theme.id, "inner.priority")
    path = project.path
    project.close()
    result = run_cli("themes", "list", path, "--json")
    (row,) = json.loads(result.stdout)
    assert (row["participants"], row["by_role"], row["documents"]) == (0, {"no participant linked": 1}, 1)
    assert row["quotes"][0]["participant"] is None
    assert "1 transcript(s) with evidence have no participant linked (p01.txt)" in result.stderr
    text = run_cli("themes", "list", path).stdout
    assert "0 participants + 1 transcript with no participant linked · 1 interview · 1 coding" in text
    assert "(no participant: p01.txt)" in text
