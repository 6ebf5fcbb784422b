"""Curating quotes from the command line: find coding IDs with `quotes`, `star` exemplars (which the
Word theme table then puts first), and write rapid-analysis cell summaries with `summary`."""

from __future__ import annotations

import json

import docx

from evalbench.project import Project

from .conftest import run_cli as run


def coded(project: Project) -> dict[str, int]:
    """Code the small fixture's participant turns; returns coding IDs by a short name."""
    t = {(x.document_id, x.seq): x for x in project.turns()}
    ids = {
        "time": project.add_coding(1, t[1, 2].start, t[1, 2].end, "inner.priority", valence="barrier"),
        "culture": project.add_coding(1, t[1, 4].start, t[1, 4].end, "inner.culture", valence="facilitator"),
        "leaders": project.add_coding(2, t[2, 2].start, t[2, 2].end, "inner.culture", valence="facilitator"),
    }
    project.close()
    return ids


# --- quotes -----------------------------------------------------------------------------------
def test_quotes_lists_id_participant_role_valence_and_excerpt(project):
    ids = coded(project)
    out = run("quotes", project.path, "inner.culture").stdout.splitlines()
    assert len(out) == 2
    first = out[0].split()
    assert first[:5] == [str(ids["culture"]), "p01.txt", "participant", "facilitator", "alex"]
    assert "The culture of learning. People felt safe to talk about errors." in out[0]
    assert out[1].split()[0] == str(ids["leaders"])


def test_quotes_of_a_domain_include_its_constructs_and_filter_by_participant(project):
    ids = coded(project)
    rows = json.loads(run("quotes", project.path, "inner", "--json").stdout)
    assert sorted(r["id"] for r in rows) == sorted(ids.values())
    rows = json.loads(run("quotes", project.path, "inner", "--participant", "p02.txt", "--json").stdout)
    assert [(r["id"], r["participant"], r["speaker"], r["code_id"], r["starred"]) for r in rows] == [
        (ids["leaders"], "p02.txt", "Nurse Kim", "inner.culture", False)
    ]
    assert rows[0]["text"] == "Our leaders showed up to every session, and that made it easier."
    barrier = json.loads(run("quotes", project.path, "inner", "--valence", "barrier", "--json").stdout)
    assert [r["id"] for r in barrier] == [ids["time"]]


def test_quotes_take_a_code_name_or_a_parent_path_and_name_codes_not_ids(project):
    ids = coded(project)
    by_name = run("quotes", project.path, "culture")  # case does not matter, as in code --from-csv
    assert [line.split()[0] for line in by_name.stdout.splitlines()] == [str(ids["culture"]), str(ids["leaders"])]
    assert by_name.stderr.strip() == "2 quote(s) of Culture"
    by_path = run("quotes", project.path, "Inner Setting / Relative Priority")
    assert [line.split()[0] for line in by_path.stdout.splitlines()] == [str(ids["time"])]
    domain = run("quotes", project.path, "Inner Setting").stdout
    assert "Culture: " in domain and "Relative Priority: " in domain  # which code, when several
    assert "inner." not in domain


def test_quotes_ask_for_a_path_when_a_name_is_shared(tmp_path):
    from evalbench.model import Code

    with Project.init(tmp_path / "twins.evb", coder="alex") as proj:
        proj.add_codes(
            [
                Code("a", "Assessing"),
                Code("a.d", "Deliverers", parent_id="a"),
                Code("e", "Engaging"),
                Code("e.d", "Deliverers", parent_id="e"),
            ]
        )
    bad = run("quotes", tmp_path / "twins.evb", "deliverers", ok=False)
    assert bad.exit_code == 1 and bad.output.count("\n") == 1
    assert "ambiguous" in bad.output and "Engaging / Deliverers" in bad.output
    assert (
        run("quotes", tmp_path / "twins.evb", "engaging / deliverers").stderr.strip()
        == "0 quote(s) of Engaging › Deliverers"
    )


def test_quotes_refuse_an_unknown_code_or_participant_in_one_line(project):
    coded(project)
    bad = run("quotes", project.path, "inner.nope", ok=False)
    assert bad.exit_code == 1 and bad.output.startswith("evalbench: study.evb: no code 'inner.nope'")
    bad = run("quotes", project.path, "inner", "--participant", "P99", ok=False)
    assert bad.exit_code == 1 and bad.output.count("\n") == 1
    assert "no participant 'P99'" in bad.output and "p01.txt" in bad.output


# --- star -------------------------------------------------------------------------------------
def test_star_puts_a_quote_first_and_undo_takes_it_back(project):
    ids = coded(project)
    done = run("star", project.path, ids["leaders"], "--coder", "alex")
    assert done.stdout.startswith(f"Starred coding {ids['leaders']} (Culture)")  # the code's name, not its ID
    rows = json.loads(run("quotes", project.path, "inner.culture", "--json").stdout)
    assert [(r["id"], r["starred"]) for r in rows] == [(ids["leaders"], True), (ids["culture"], False)]
    assert "★" in run("quotes", project.path, "inner.culture").stdout.splitlines()[0]
    starred = json.loads(run("quotes", project.path, "inner", "--starred", "--json").stdout)
    assert [r["id"] for r in starred] == [ids["leaders"]]

    again = run("star", project.path, ids["leaders"], "--coder", "alex")
    assert "already starred" in again.stdout
    undid = run("undo", project.path, "--coder", "alex").stdout
    assert undid.startswith("Undid: Star ") and str(ids["leaders"]) not in undid, undid
    with Project.open(project.path) as proj:
        assert not proj.coding(ids["leaders"]).starred


def test_unstar_and_an_unknown_coding(project):
    ids = coded(project)
    run("star", project.path, ids["time"])
    run("star", project.path, ids["time"], "--unstar")
    with Project.open(project.path) as proj:
        assert not proj.coding(ids["time"]).starred
    bad = run("star", project.path, "999", ok=False)
    assert bad.exit_code == 1 and bad.output == "evalbench: study.evb: no coding 999\n"


def theme_quotes(path, construct: str, valence: str) -> list[str]:
    """The exemplar quotes (without participant IDs) in one row of the Word theme table."""
    rows = [r for t in docx.Document(str(path)).tables for r in t.rows]  # one table per domain
    row = next(r for r in rows if r.cells[0].text == construct and r.cells[1].text == valence)
    return [p.runs[0].text.strip().strip("“”") for p in row.cells[3].paragraphs if p.runs]


def test_a_starred_quote_leads_its_row_in_the_word_theme_table(demo, tmp_path):
    code = "cfir2.inner.relative_priority"
    run("export", demo, "-o", tmp_path / "before.docx", "--coder", "alex")
    before = theme_quotes(tmp_path / "before.docx", "Relative Priority", "Barrier")
    assert len(before) == 2
    rows = json.loads(run("quotes", demo, code, "--valence", "barrier", "--coder", "alex", "--json").stdout)
    pick = next(r for r in rows if " ".join(r["text"].split()) not in before)
    run("star", demo, pick["id"], "--coder", "alex")

    run("export", demo, "-o", tmp_path / "after.docx", "--coder", "alex")
    after = theme_quotes(tmp_path / "after.docx", "Relative Priority", "Barrier")
    assert after[0] == " ".join(pick["text"].split())
    assert after[1] == before[0]


# --- summary ----------------------------------------------------------------------------------
def test_summary_is_written_shown_cleared_and_undone(project):
    coded(project)
    path = project.path
    empty = run("summary", path, "p01.txt", "inner", "--coder", "alex")
    assert empty.stdout == "(no summary yet)\n" and "2 quote(s) behind p01.txt × Inner Setting" in empty.stderr
    saved = run("summary", path, "p01.txt", "inner", "No protected time; a learning culture.", "--coder", "alex")
    assert saved.stdout == "Saved the summary of p01.txt × Inner Setting\n"
    assert (
        run("summary", path, "p01.txt", "inner", "--coder", "alex").stdout == "No protected time; a learning culture.\n"
    )
    with Project.open(path, coder="alex") as proj:
        assert proj.cell_summary("p01.txt", "inner") == "No protected time; a learning culture."
        assert proj.rapid_matrix().loc["p01.txt", "inner"] == "No protected time; a learning culture."
    # summaries are the coder's own
    assert run("summary", path, "p01.txt", "inner", "--coder", "sam").stdout == "(no summary yet)\n"

    assert run("summary", path, "p01.txt", "inner", "--clear", "--coder", "alex").stdout.startswith("Cleared")
    assert run("summary", path, "p01.txt", "inner", "--coder", "alex").stdout == "(no summary yet)\n"
    undid = run("undo", path, "--coder", "alex").stdout
    assert undid.startswith("Undid: Delete the summary of p01.txt × Inner Setting")
    assert (
        run("summary", path, "p01.txt", "inner", "--coder", "alex").stdout == "No protected time; a learning culture.\n"
    )


def test_summary_edit_opens_the_editor_on_the_current_text(project, monkeypatch):
    coded(project)
    run("summary", project.path, "p02.txt", "inner.culture", "Leaders came.", "--coder", "alex")
    seen = []

    def fake_edit(text, **_kw):
        seen.append(text)
        return text.replace("came", "came to every session") + "\n"

    monkeypatch.setattr("click.edit", fake_edit)
    run("summary", project.path, "p02.txt", "inner.culture", "--edit", "--coder", "alex")
    assert seen == ["Leaders came."]
    with Project.open(project.path, coder="alex") as proj:
        assert proj.cell_summary("p02.txt", "inner.culture") == "Leaders came to every session."


def test_summary_refuses_bad_input(project):
    coded(project)
    both = run("summary", project.path, "p01.txt", "inner", "text", "--clear", ok=False)
    assert both.exit_code == 2 and "not more than one" in both.output
    bad = run("summary", project.path, "P99", "inner", "text", ok=False)
    assert bad.exit_code == 1 and "no participant 'P99'" in bad.output
    bad = run("summary", project.path, "p01.txt", "outer", "text", ok=False)
    assert bad.exit_code == 1 and bad.output.startswith("evalbench: study.evb: no code 'outer'")
