"""Batch import into a real project file: bad files, duplicates, roles, participants CSV, CLI."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from evalbench.cli import main
from evalbench.errors import IngestError
from evalbench.project import Project


def interview(interviewer: str, participant: str, topic: str) -> str:
    return (
        f"{interviewer}: What got in the way of {topic}?\n"
        f"{participant}: Competing priorities, honestly.\n"
        f"{interviewer}: And what helped?\n"
        f"{participant}: The huddles helped with {topic}.\n"
    )


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "interviews"
    (root / "site_b").mkdir(parents=True)
    (root / "p01.txt").write_text(interview("Dana Whitfield", "Hannah Osei", "reporting"), encoding="utf-8")
    (root / "p02.txt").write_text(interview("Dana Whitfield", "Arjun Mehta", "feedback"), encoding="utf-8")
    (root / "site_b" / "p03.txt").write_text(interview("I", "R", "case review"), encoding="utf-8")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not a zip at all")
    return root


@pytest.fixture
def proj(tmp_path):
    project = Project.init(tmp_path / "study.evb", coder="alex")
    yield project
    project.close()


def roles_by_doc(project: Project) -> dict[str, dict[str | None, tuple[str, str]]]:
    names = {d.id: d.name for d in project.documents()}
    out: dict[str, dict] = {}
    for s in project.speakers():
        out.setdefault(names[s.document_id], {})[s.label] = (s.role, s.role_source)
    return out


def test_one_bad_file_fails_alone_and_leaves_nothing_behind(proj, folder):
    seen = []
    report = proj.import_paths([folder], progress=lambda done, total, msg: seen.append((done, total)))
    assert report.imported == ["p01.txt", "p02.txt", "p03.txt"]
    assert report.failed == [("broken.docx", "corrupt Word file (not a valid zip package)")]
    assert not report.ok
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    conn = sqlite3.connect(proj.path)
    assert conn.execute("SELECT count(*) FROM documents WHERE name = 'broken.docx'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM turns").fetchone()[0] == 12
    # Turns are searchable straight after import.
    hits = proj.search("huddles")
    assert {h.document for h in hits} == {"p01.txt", "p02.txt", "p03.txt"}
    assert all(h.text.startswith("The huddles helped") for h in hits)


def test_duplicates_are_skipped_by_content(proj, folder, tmp_path):
    proj.import_paths([folder / "p01.txt"])
    copy = tmp_path / "copy_of_p01.txt"
    copy.write_bytes((folder / "p01.txt").read_bytes())
    report = proj.import_paths([folder / "p01.txt", copy, folder / "p02.txt"])
    assert report.imported == ["p02.txt"]
    assert report.skipped == [("p01.txt", "already imported"), ("copy_of_p01.txt", "already imported as p01.txt")]
    assert report.ok
    assert len(proj.documents()) == 2


def test_roles_are_refreshed_across_the_project_but_user_choices_kept(proj, folder):
    proj.import_paths([folder / "p01.txt"])
    # One document alone: Dana asks more questions, so she is detected as interviewer.
    assert roles_by_doc(proj)["p01.txt"]["Dana Whitfield"] == ("interviewer", "detected")
    hannah = next(s for s in proj.speakers() if s.label == "Hannah Osei")
    proj.set_speaker_role(hannah.id, "interviewer")
    proj.import_paths([folder])
    roles = roles_by_doc(proj)
    # What each interview says (who asks) stands; the recurring name agrees with it.
    assert roles["p01.txt"]["Dana Whitfield"] == ("interviewer", "detected")
    assert roles["p02.txt"]["Dana Whitfield"] == ("interviewer", "detected")
    assert roles["p02.txt"]["Arjun Mehta"] == ("participant", "detected")
    assert roles["p03.txt"] == {"I": ("interviewer", "label"), "R": ("participant", "label")}
    assert roles["p01.txt"]["Hannah Osei"] == ("interviewer", "user")


def test_cancel_stops_after_the_current_file_and_a_rerun_finishes(proj, folder):
    cancel = threading.Event()

    def progress(done, total, message):
        if done == 2:  # two files in: the user presses Ctrl+C
            cancel.set()

    report = proj.import_paths([folder], cancel=cancel, progress=progress)
    # broken.docx, p01.txt, then p02.txt (the file under way) are done; site_b/p03.txt is not reached.
    assert report.interrupted and report.remaining == 1
    assert [f.name for f in report.files] == ["broken.docx", "p01.txt", "p02.txt"]
    assert len(proj.documents()) == 2
    again = proj.import_paths([folder])
    assert not again.interrupted and again.imported == ["p03.txt"] and len(again.skipped) == 2
    assert len(proj.documents()) == 3


def write_csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_participants_csv_attributes_and_links(proj, folder, tmp_path):
    csv_path = write_csv(
        tmp_path / "participants.csv",
        "participant,document,role,site\nP01,p01.txt,Hospitalist,Northfield\nP02,p02,Quality manager,Riverside\n"
        "P09,,Nurse,Riverside\nP10,p10.docx,Leader,Northfield\n",
    )
    report = proj.import_paths([folder], participants_csv=csv_path)
    assert report.warnings == [
        "participants.csv: line 5: document 'p10.docx' of participant P10 is not in the project",
        "p03.txt: no row in participants.csv, so no participant is linked to it",
    ]
    docs = {d.name: d for d in proj.documents()}
    assert docs["p01.txt"].participant == "P01"
    assert docs["p01.txt"].attributes == {"role": "Hospitalist", "site": "Northfield"}
    assert docs["p02.txt"].participant == "P02"
    assert docs["p03.txt"].participant is None
    people = {p.label: p.attributes for p in proj.participants()}
    assert people["P09"] == {"role": "Nurse", "site": "Riverside"}


def test_bad_participants_csv_stops_before_anything_is_written(proj, folder, tmp_path):
    csv_path = write_csv(tmp_path / "people.csv", "id,document\nP01,p01.txt\n")
    with pytest.raises(IngestError, match=r"^people\.csv: line 1: no participant column .*columns found: id, document"):
        proj.import_paths([folder], participants_csv=csv_path)
    assert proj.documents() == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("participant,document\nP01,a.txt\n,b.txt\n", "line 3: empty participant"),
        (
            "participant,document\nP01,a.txt\nP02,a.txt\n",
            "line 3: document 'a.txt' is already given to 'P01' on line 2",
        ),
        ("participant,file\nP01,A,extra\n", "line 2: 3 fields but 2 columns"),
        ("participant,site,Site\nP01,A,B\n", "line 1: column 'Site' appears twice"),
    ],
)
def test_participants_csv_errors_name_file_and_line(tmp_path, text, message):
    from evalbench.ingest import read_participants_csv

    with pytest.raises(IngestError) as info:
        read_participants_csv(write_csv(tmp_path / "p.csv", text))
    assert str(info.value) == f"p.csv: {message}"


def test_participants_csv_semicolons_bom_and_repeated_rows(tmp_path):
    from evalbench.ingest import read_participants_csv

    path = tmp_path / "p.csv"
    path.write_bytes("\ufeffParticipant;Document;Role\nP01;a.txt;Nurse\nP01;b.txt;\n".encode())
    rows = read_participants_csv(path)
    assert [(r.participant, r.document, r.attributes) for r in rows] == [
        ("P01", "a.txt", {"Role": "Nurse"}),
        ("P01", "b.txt", {}),
    ]


# --- command line ------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_import_reports_failures_and_exits_1(tmp_path, folder):
    project = str(tmp_path / "cli.evb")
    assert run("init", project).exit_code == 0
    result = run("import", project, str(folder))
    assert result.exit_code == 1
    assert "broken.docx: corrupt Word file (not a valid zip package)" in result.stderr
    assert "Imported 3 file(s)" in result.stdout and "1 failed" in result.stdout
    stats = json.loads(run("stats", project, "--json").stdout)
    assert sorted(d["name"] for d in stats["documents"]) == ["p01.txt", "p02.txt", "p03.txt"]


def test_cli_duplicates_only_exit_0_with_message(tmp_path, folder):
    project = str(tmp_path / "cli.evb")
    run("init", project)
    assert run("import", project, str(folder / "p01.txt")).exit_code == 0
    again = run("import", project, str(folder / "p01.txt"))
    assert again.exit_code == 0
    assert "p01.txt: skipped, already imported" in again.stderr
    assert "Imported 0 file(s)" in again.stdout and "1 skipped" in again.stdout


def test_cli_encoding_and_max_size_options(tmp_path):
    project = str(tmp_path / "cli.evb")
    run("init", project)
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Interviewer: Caf\u00e9?\nR: Oui.\n".encode("cp1252"))
    bad = run("import", project, str(legacy), "--encoding", "utf-8")
    assert bad.exit_code == 1 and "legacy.txt: cannot be decoded as utf-8" in bad.stderr
    big = run("import", project, str(legacy), "--max-size", "0.00001")
    assert big.exit_code == 1 and "over the 1e-05 MB limit" in big.stderr
    ok = run("import", project, str(legacy), "--encoding", "cp1252")
    assert ok.exit_code == 0
    with Project.open(project) as proj:
        assert proj.document("legacy.txt").text.startswith("Interviewer: Caf\u00e9?")


def test_cli_import_help_has_an_example():
    result = run("import", "--help")
    assert "Example:" in result.stdout and "--participants" in result.stdout
