"""The import report a user reads: a line per file, WARNINGs, --strict, --dry-run, Ctrl+C, the participants CSV."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import zipfile

import pytest

from evalbench.ingest import parse_file
from evalbench.project import Project
from tests.conftest import run_cli

INTERVIEW = (
    "Dana Whitfield: What got in the way?\nHannah Osei: Staffing. We never had cover.\n"
    "Dana Whitfield: And what helped?\nHannah Osei: The huddles.\n"
)
#: A long transcript whose labels ("Speaker one -") no parser knows: one turn.
ONE_TURN = "Speaker one - " + " ".join(["we talked about the huddles and the reviews"] * 60) + "\n"


@pytest.fixture
def study(tmp_path):
    path = tmp_path / "study.evb"
    Project.init(path, coder="alex").close()
    return path


def count_documents(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]


def write(folder, name: str, text: str):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_a_line_per_file_with_speakers_roles_turns_and_words_and_warnings(study, tmp_path):
    folder = tmp_path / "in"
    write(folder, "p01.txt", INTERVIEW)
    write(folder, "p02.txt", ONE_TURN)
    result = run_cli("import", study, folder)
    assert "p01.txt: Dana Whitfield (interviewer, 2), Hannah Osei (participant, 2); 4 turns, 15 words" in result.stdout
    assert "p02.txt: no speaker labels; 1 turn, 483 words" in result.stdout
    assert "WARNING p02.txt: one turn holds all 483 words: no speaker labels were recognised" in result.stderr
    assert "Imported 2 file(s) into" in result.stdout and "1 warning" in result.stdout


def test_dry_run_prints_the_report_and_writes_nothing(study, tmp_path):
    folder = tmp_path / "in"
    write(folder, "p01.txt", INTERVIEW)
    before = study.read_bytes()
    result = run_cli("import", study, folder, "--dry-run")
    assert "p01.txt: Dana Whitfield (interviewer, 2), Hannah Osei (participant, 2)" in result.stdout
    assert "Dry run: 1 file(s) would be imported" in result.stdout and "nothing was written" in result.stdout
    assert count_documents(study) == 0 and study.read_bytes() == before


def test_strict_refuses_a_file_that_looks_wrong_and_imports_the_rest(study, tmp_path):
    folder = tmp_path / "in"
    write(folder, "p01.txt", INTERVIEW)
    write(folder, "p02.txt", ONE_TURN)
    result = run_cli("import", study, folder, "--strict", ok=False)
    assert result.exit_code == 1
    assert "p02.txt: not imported (--strict): one turn holds all 483 words" in result.stderr
    with Project.open(study) as proj:
        assert [d.name for d in proj.documents()] == ["p01.txt"]


def test_ctrl_c_stops_after_the_current_file_and_a_rerun_finishes(study, tmp_path, monkeypatch):
    import evalbench.ingest.batch as batch

    folder = tmp_path / "in"
    for i in range(4):
        write(folder, f"p{i}.txt", INTERVIEW.replace("Hannah Osei", f"Person {i}"))
    real = batch.parse_file
    calls = []

    def parse_and_press_ctrl_c(path, **kw):
        calls.append(path)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl+C while the second file is read
        return real(path, **kw)

    monkeypatch.setattr(batch, "parse_file", parse_and_press_ctrl_c)
    stopped = run_cli("import", study, folder, ok=False)
    assert stopped.exit_code == 130
    assert "Interrupted: 2 file(s) imported" in stopped.stdout and "2 not reached" in stopped.stdout
    assert count_documents(study) == 2
    monkeypatch.setattr(batch, "parse_file", real)
    again = run_cli("import", study, folder)
    assert "Imported 2 file(s)" in again.stdout and "2 skipped" in again.stdout
    assert count_documents(study) == 4


@pytest.mark.parametrize("column", ["file", "Filename", "transcript", "File name", "document"])
def test_participants_csv_accepts_the_usual_names_of_the_document_column(study, tmp_path, column):
    folder = tmp_path / "in"
    write(folder, "p01.txt", INTERVIEW)
    csv = write(tmp_path, "people.csv", f"Participant ID,{column},site\nP01,p01.txt,North\n")
    run_cli("import", study, folder, "--participants", csv)
    with Project.open(study) as proj:
        doc = proj.document("p01.txt")
        assert doc.participant == "P01" and doc.attributes == {"site": "North"}


def test_participants_csv_without_a_document_column_stops_naming_the_columns(study, tmp_path):
    folder = tmp_path / "in"
    write(folder, "p01.txt", INTERVIEW)
    csv = write(tmp_path, "people.csv", "participant,interview_date,site\nP01,2024-03-01,North\n")
    result = run_cli("import", study, folder, "--participants", csv, ok=False)
    assert result.exit_code != 0
    assert (
        "people.csv: line 1: no column naming each transcript file (such as 'document', 'file' or "
        "'transcript'); columns found: participant, interview_date, site"
    ) in result.output
    assert count_documents(study) == 0


def test_rows_matching_no_document_and_documents_without_a_row_are_reported(study, tmp_path):
    folder = tmp_path / "in"
    write(folder, "p01.txt", INTERVIEW)
    write(folder, "p02 interview.txt", INTERVIEW.replace("Hannah Osei", "Arjun Mehta"))
    write(folder, "p03.txt", INTERVIEW.replace("Hannah Osei", "Carla Nguyen"))
    csv = write(tmp_path, "people.csv", "participant,file\nP01,p01.docx\nP02,P02_interview\nP09,p09.txt\n")
    result = run_cli("import", study, folder, "--participants", csv)
    assert "WARNING people.csv: line 4: document 'p09.txt' of participant P09 is not in the project" in result.stderr
    assert "WARNING p03.txt: no row in people.csv" in result.stderr
    with Project.open(study) as proj:
        linked = {d.name: d.participant for d in proj.documents()}
    # p01.docx names p01.txt (same name, other extension); P02_interview names "p02 interview.txt".
    assert linked == {"p01.txt": "P01", "p02 interview.txt": "P02", "p03.txt": None}


def test_structure_warnings(tmp_path):
    from evalbench.ingest.checks import structure_warnings

    path = write(
        tmp_path,
        "a.txt",
        "Jane Doe: Hello there. Pat Lee: hi, I did not get a label.\nPat Lee: Right.\nJane Doe: Ok?\n",
    )
    doc = parse_file(path)
    assert any("speaker label 'Pat Lee:' inside turn 1 (Jane Doe)" in w for w in structure_warnings(doc))
    notes = "Project notes, not a turn. " * 40
    doc = parse_file(write(tmp_path, "b.txt", f"{notes}\n\nInterviewer: Why?\nR: Because.\n"))
    assert any("is before the first speaker label and in no turn" in w for w in structure_warnings(doc))
    doc = parse_file(write(tmp_path, "c.txt", "Interviewer: Hello? Is anyone there?\n"))
    assert structure_warnings(doc, {"Interviewer": ("interviewer", "label")})[0].startswith("no participant")


def test_json_in_a_folder_that_is_not_a_transcript_is_skipped_but_named_it_fails(study, tmp_path):
    folder = tmp_path / "in"
    write(folder, "p01.txt", INTERVIEW)
    write(folder, "settings.json", json.dumps({"theme": "dark"}))
    result = run_cli("import", study, folder)
    assert "settings.json: skipped, not a transcript" in result.stderr
    named = run_cli("import", study, folder / "settings.json", ok=False)
    assert named.exit_code == 1 and "settings.json: not a transcript" in named.stderr


def test_json_that_is_deep_or_holds_lone_surrogates_is_one_line_or_cleaned(tmp_path):
    from evalbench.errors import IngestError

    deep = write(tmp_path, "deep.json", "[" * 5000 + "]" * 5000)
    with pytest.raises(IngestError, match=r"^deep\.json: nested more than 64 levels deep$"):
        parse_file(deep)
    odd = write(
        tmp_path,
        "odd.json",
        json.dumps(
            {
                "segments": [
                    {"start": 0, "text": "Hello \\ud800 there?", "speaker": "SPEAKER_00"},
                    {"start": 2, "text": "Fine \\ud83d\\ude00.", "speaker": "SPEAKER_01"},
                ]
            }
        ).replace("\\\\u", "\\u"),
    )
    doc = parse_file(odd)
    assert doc.replaced == 1 and "\ufffd" in doc.text and "\U0001f600" in doc.text


def test_a_subtitle_hour_of_thousands_of_digits_is_a_one_line_refusal(tmp_path):
    from evalbench.errors import IngestError

    path = write(tmp_path, "x.vtt", "WEBVTT\n\n" + "9" * 5000 + ":00:01.000 --> 00:00:02.000\nHello\n")
    with pytest.raises(IngestError) as info:
        parse_file(path)
    assert str(info.value) == "x.vtt: no cues found in WebVTT file"


def test_a_word_file_with_an_invalid_bold_value_still_imports(tmp_path):
    import docx

    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("Interviewer:").bold = True
    p.add_run(" Why?")
    document.add_paragraph("R: Because.")
    document.save(tmp_path / "a.docx")
    with zipfile.ZipFile(tmp_path / "a.docx") as zin, zipfile.ZipFile(tmp_path / "b.docx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:b/>", b'<w:b w:val="maybe"/>')
            zout.writestr(item, data)
    doc = parse_file(tmp_path / "b.docx")
    assert [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns] == [("Interviewer", "Why?"), ("R", "Because.")]


def test_more_layouts_a_timed_name_without_colon_q_dot_a_dot_and_a_time_below_the_label(tmp_path):
    doc = parse_file(
        write(
            tmp_path,
            "sonix.txt",
            "Sam [00:00:03] Hello there, how was it?\nAlex [00:00:07] Not bad at all.\nSam [00:00:09] Really?\n",
        )
    )
    assert [(t.speaker, t.time) for t in doc.turns] == [("Sam", "00:00:03"), ("Alex", "00:00:07"), ("Sam", "00:00:09")]
    doc = parse_file(write(tmp_path, "qa.txt", "Q. What happened?\nA. Nothing.\nQ. Why?\nA. Because.\n"))
    assert [t.speaker for t in doc.turns] == ["Q", "A", "Q", "A"]
    outline = parse_file(write(tmp_path, "outline.txt", "A. First item\nB. Second item\n\nSome prose.\n"))
    assert {t.speaker for t in outline.turns} == {None}
    doc = parse_file(write(tmp_path, "below.txt", "Jane:\n00:00:05\nHello there?\nBob:\n00:00:09\nYes.\n"))
    assert [(t.speaker, t.time) for t in doc.turns] == [("Jane", "00:00:05"), ("Bob", "00:00:09")]


def test_pdf_page_furniture_is_dropped():
    from evalbench.ingest.pdf import _without_furniture

    pages = [f"Transcript by Rev.com\nInterviewer:\nText {i}.\nTranscribed for the Learning Lab" for i in range(4)]
    cleaned = _without_furniture(pages)
    assert cleaned == [f"Interviewer:\nText {i}." for i in range(4)]


def test_a_file_name_this_system_cannot_decode_still_imports_with_the_rest(study, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(INTERVIEW, encoding="utf-8")
    write(folder, "p01.txt", INTERVIEW.replace("Hannah Osei", "Arjun Mehta"))
    result = run_cli("import", study, folder)
    assert "Imported 2 file(s)" in result.stdout
    with Project.open(study) as proj:
        assert sorted(d.name for d in proj.documents()) == ["caf\ufffd.txt", "p01.txt"]


def test_a_rerun_names_a_few_files_already_imported_and_counts_the_rest():
    from evalbench.ingest.report import BatchReport, FileReport, report_lines

    report = BatchReport(
        files=[FileReport(f"p{i:02d}.txt", "skipped", "already imported") for i in range(12)],
        skipped=[(f"p{i:02d}.txt", "already imported") for i in range(12)],
    )
    lines = [line.text for line in report_lines(report, "study.evb", 12)]
    assert lines == [
        *(f"p{i:02d}.txt: skipped, already imported" for i in range(5)),
        "7 more files skipped, already imported",
        "Imported 0 file(s) into study.evb (12 skipped); 12 document(s) in the project.",
    ]
