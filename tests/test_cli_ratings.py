"""`evalbench ratings`: proposals beside confirmed ratings, setting one, and undoing it."""

from __future__ import annotations

import json

import docx

from evalbench.project import Project

from .conftest import file_sql
from .conftest import run_cli as run

PRIORITY = "cfir2.inner.relative_priority"
NORTH = "Northfield General"


def rows(path, *args) -> list[dict]:
    return json.loads(run("ratings", path, *args, "--json").stdout)


def test_propose_lists_what_the_core_proposes(demo):
    proposed = rows(demo, "--scope", "site", "--propose")
    with Project.open(demo) as proj:
        table = proj.propose_ratings("site")
    expected = table[table["proposed"] != "M"]
    assert [(r["code_id"], r["scope_value"], r["proposed"]) for r in proposed] == list(
        zip(expected["code_id"], expected["scope_value"], expected["proposed"], strict=True)
    )
    north = next(r for r in proposed if r["code_id"] == PRIORITY and r["scope_value"] == NORTH)
    assert (north["proposed"], north["rating"], north["confirmed"]) == ("-2", None, False)
    assert north["rationale"].startswith("9 barrier and 0 facilitator codings from 2 participant(s)")
    everything = rows(demo, "--scope", "site", "--propose", "--all")
    assert len(everything) == len(table) == 48 * 3
    assert rows(demo, "--scope", "site") == []  # nothing confirmed yet


def test_set_confirms_a_rating_shown_beside_the_proposal_and_undo_removes_it(demo):
    done = run(
        "ratings",
        "set",
        demo,
        PRIORITY,
        "site",
        NORTH,
        "-1",
        "--rationale",
        "leaders protected time",
        "--coder",
        "alex",
    )
    assert done.stdout == f"Rated {PRIORITY} for site {NORTH}: -1 (proposed -2)\n"
    confirmed = rows(demo, "--scope", "site", "--coder", "alex")
    assert [
        (r["code_id"], r["scope_value"], r["proposed"], r["rating"], r["confirmed"], r["your_rationale"])
        for r in confirmed
    ] == [(PRIORITY, NORTH, "-2", "-1", True, "leaders protected time")]
    table = run("ratings", "show", demo, "--scope", "site", "--coder", "alex").stdout.splitlines()
    assert table[1].split()[:5] == ["Relative", "Priority", "Northfield", "General", "-2"]
    assert "-1!" in table[1] and "(yours: leaders protected time)" in table[1]
    assert rows(demo, "--scope", "site", "--coder", "sam") == []  # ratings are the coder's own

    assert run("undo", demo, "--coder", "alex").stdout == f"Undid: Rate Relative Priority for site {NORTH}\n"
    assert rows(demo, "--scope", "site", "--coder", "alex") == []


def test_the_word_export_shows_the_confirmed_rating(demo, tmp_path, monkeypatch):
    """Table 2 holds the ratings of the coder running the export (here alex, from the environment)."""
    monkeypatch.setenv("EVALBENCH_CODER", "alex")
    run("ratings", "set", demo, PRIORITY, "site", NORTH, "+1")
    run("export", demo, "-o", tmp_path / "t.docx", "--all-coders")  # the demo has two coders, no consensus
    from tests.export_read import numbered_tables

    groups = numbered_tables(docx.Document(str(tmp_path / "t.docx")))[2]
    header = groups[0][1]
    row = next(r for _, _, rows in groups for r in rows if r[0] == "Relative Priority")
    assert row[header.index(NORTH)] == "+1"


def test_ratings_by_participant_spellings_and_removal(demo):
    code = "cfir2.inner.culture"
    assert run("ratings", "set", demo, code, "participant", "P03", "2", "--coder", "alex").stdout.startswith(
        f"Rated {code} for participant P03: +2"
    )
    run("ratings", "set", demo, code, "participant", "P04", "x", "--coder", "alex")
    assert [(r["scope_value"], r["rating"]) for r in rows(demo, "--coder", "alex")] == [("P03", "+2"), ("P04", "X")]
    assert (
        run("ratings", "set", demo, code, "participant", "P03", "none", "--coder", "alex").stdout
        == f"Removed the rating of {code} for participant P03\n"
    )
    assert run("ratings", "set", demo, code, "participant", "P03", "none", "--coder", "alex").stdout.startswith(
        "You have no rating"
    )
    assert [r["scope_value"] for r in rows(demo, "--coder", "alex")] == ["P04"]


def _history(path) -> tuple[list, str | None]:
    """Every coder's undo log (id, coder, label, undone) and alex's next undo: what a change would leave behind."""
    log = file_sql(path, "SELECT id, coder, label, undone FROM undo_log ORDER BY id")
    with Project.open(path, coder="alex") as proj:
        return log, proj.undo_label()


def test_bad_ratings_are_one_line_errors_and_change_nothing(demo):
    before = _history(demo)
    assert before[1] is not None  # the demo's own last action (whatever it is) is what undo must still find
    for args, says in [
        ((PRIORITY, "site", NORTH, "7"), "rating must be one of -2, -1, 0, +1, +2, X, M or none, not '7'"),
        ((PRIORITY, "site", "Nowhere", "-1"), "no site 'Nowhere' (sites: Northfield General, Riverside"),
        (("cfir2.nope", "site", NORTH, "-1"), "no code 'cfir2.nope'"),
    ]:
        result = run("ratings", "set", demo, *args, "--coder", "alex", ok=False)
        assert result.exit_code == 1 and result.output.count("\n") == 1 and says in result.output, result.output
    with Project.open(demo, coder="alex") as proj:
        assert proj.ratings() == [] and proj.ratings(coder="sam") == []
    assert _history(demo) == before  # no action recorded, and undo still reverses the demo's last step


def test_site_ratings_without_sites_say_so(project):
    project.close()
    result = run("ratings", project.path, "--scope", "site", ok=False)
    assert result.exit_code == 1
    assert result.output == "evalbench: no participant has a 'site' attribute (add one in participants.csv)\n"


def test_a_construct_coded_without_valence_is_not_rated_alike_in_propose_json_set_and_exports(project, tmp_path):
    """`ratings --propose`, `ratings set` and the Word, Excel and CSV exports agree: "–", no rating."""
    import csv

    import openpyxl

    project.set_participant(1, "P01", {"role": "physician", "site": "North"})
    project.set_participant(2, "P02", {"role": "nurse", "site": "South"})
    p01 = project.turns(1)
    project.add_coding(1, p01[1].start, p01[1].end, "inner.priority", valence="barrier")
    project.add_coding(1, p01[3].start, p01[3].end, "inner.culture")  # discussed at North, no valence judged
    p02 = project.turns(2)
    project.add_coding(2, p02[1].start, p02[1].end, "inner.culture", valence="facilitator")  # rated at South
    project.close()
    path = project.path
    north = {r["code_id"]: r for r in rows(path, "--scope", "site", "--propose") if r["scope_value"] == "North"}
    assert north["inner.culture"]["proposed"] is None
    assert north["inner.culture"]["rationale"].startswith("no rating: no valence coded (1 coding(s)")
    assert north["inner.priority"]["proposed"] == "-1"
    text = run("ratings", path, "--scope", "site", "--propose").stdout.splitlines()
    culture = next(line for line in text if line.startswith("Culture"))
    assert culture.split()[2:5] == ["–", "-", "no"]  # North, proposed –, not rated, the rationale

    run("export", path, "-o", tmp_path / "r.docx", "--no-figures")
    run("export", path, "-o", tmp_path / "r.xlsx")
    run("export", path, "-o", tmp_path / "r.csv")
    from tests.export_read import numbered_tables

    word = {r[0]: r[1:] for _, _, group in numbered_tables(docx.Document(str(tmp_path / "r.docx")))[2] for r in group}
    assert word["Culture"] == ["–", "+1*"] and word["Relative Priority"] == ["−1*", "M"]
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Ratings by site"]
    by_site = {(r[0], r[2]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_site[("inner.culture", "North")][3:6] == (None, None, None)  # rating, confirmed, proposed
    assert by_site[("inner.culture", "North")][6].startswith("no rating: no valence coded")
    with open(tmp_path / "r.ratings-site.csv", encoding="utf-8-sig", newline="") as fh:
        from_csv = {(r["code_id"], r["site"]): r for r in csv.DictReader(fh)}
    culture_north = from_csv[("inner.culture", "North")]
    assert (culture_north["rating"], culture_north["proposed"]) == ("", "")

    done = run("ratings", "set", path, "inner.culture", "site", "North", "0", "--coder", "alex")
    assert done.stdout == "Rated inner.culture for site North: 0 (no proposal: no valence coded)\n"
    confirmed = rows(path, "--scope", "site", "--coder", "alex")
    assert [(r["code_id"], r["proposed"], r["rating"]) for r in confirmed] == [("inner.culture", None, "0")]
    assert "!" not in run("ratings", path, "--scope", "site", "--coder", "alex").stdout  # nothing to differ from
