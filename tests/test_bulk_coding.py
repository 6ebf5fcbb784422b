"""Bulk coding from a CSV: places, code lookup, all-or-nothing, and the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from evalbench.bulkcode import BulkCodingError
from evalbench.cli import main
from evalbench.model import Code
from tests.conftest import make_parsed


def write(tmp_path, text: str, name: str = "codings.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def coded_texts(project) -> list[tuple[str, str, str, str]]:
    out = []
    for c in project.codings():
        text = project.document_text(c.document_id)[c.start : c.end]
        out.append((c.code_id, text, c.coder, c.valence))
    return out


def test_quote_turn_and_offsets_land_as_one_undoable_action(project, tmp_path):
    text = project.document_text(project.document("p01.txt").id)
    start = text.index("People felt safe")
    csv_path = write(
        tmp_path,
        (
            "document,quote,turn,start,end,code,coder,valence,memo\n"
            "p01.txt,no protected   time,,,,inner.priority,alex,Barrier,time is the issue\n"
            f"p01.txt,,,{start},{start + 16},Culture,sam,facilitator,\n"
            "p02,,2,,,Inner Setting / Culture,,+,\n"
        ),
    )
    assert project.code_from_csv(csv_path) == 3
    assert sorted(coded_texts(project)) == [
        ("inner.culture", "Our leaders showed up to every session, and that made it easier.", "alex", "facilitator"),
        ("inner.culture", "People felt safe", "sam", "facilitator"),
        ("inner.priority", "no protected time", "alex", "barrier"),
    ]
    memo = [c.memo for c in project.codings() if c.code_id == "inner.priority"]
    assert memo == ["time is the issue"]
    assert {c.origin for c in project.codings()} == {"import"}
    assert project.undo() is not None
    assert project.codings() == []


def test_quote_matches_across_curly_quotes_dashes_and_line_breaks(project, tmp_path):
    doc_id = project.add_document(
        make_parsed(
            "p03.txt",
            [
                ("Interviewer", "Anything else?"),
                ("Nurse Lee", "It\u2019s the \u201cstacking\u201d \u2014 one meeting on\nanother\u2026 and no time."),
            ],
        ),
        {"Interviewer": ("interviewer", "label"), "Nurse Lee": ("participant", "default")},
    )
    csv_path = write(
        tmp_path, 'document,quote,code\np03.txt,"It\'s the ""stacking"" - one meeting on another...",inner.priority\n'
    )
    assert project.code_from_csv(csv_path) == 1
    (coding,) = project.codings()
    text = project.document_text(doc_id)
    assert text[coding.start : coding.end] == "It\u2019s the \u201cstacking\u201d \u2014 one meeting on\nanother\u2026"


def test_every_bad_row_is_named_and_nothing_is_written(project, tmp_path):
    csv_path = write(
        tmp_path,
        (
            "document,quote,code\n"
            "p01.txt,competing priorities,inner.priority\n"  # fine
            "p01.txt,words nobody said,inner.priority\n"  # row 3: not found
            "p01.txt,?,inner.priority\n"  # row 4: found twice
            "p01.txt,the culture of learning,Leadership\n"  # row 5: unknown code
            "p09.txt,competing priorities,inner.priority\n"
        ),
    )  # row 6: unknown document
    with pytest.raises(BulkCodingError) as info:
        project.code_from_csv(csv_path)
    problems = info.value.problems
    assert problems[0].startswith("row 3: quote not found in p01.txt")
    assert problems[1].startswith("row 4: quote found 2 times in p01.txt (turns 1, 3)")
    assert problems[2] == "row 5: unknown code 'Leadership'"
    assert problems[3] == "row 6: unknown document 'p09.txt'"
    assert "nothing was coded" in str(info.value)
    assert project.codings() == []


def test_turn_column_disambiguates_a_repeated_quote(project, tmp_path):
    csv_path = write(tmp_path, "document,quote,turn,code\np01.txt,?,3,inner.priority\n")
    assert project.code_from_csv(csv_path) == 1
    (coding,) = project.codings()
    turn = project.turn_at(coding.document_id, coding.start)
    assert turn.seq == 3


def test_ambiguous_code_name_needs_a_parent_path(project, tmp_path):
    project.add_codes(
        [Code(id="outer", name="Outer Setting"), Code(id="outer.culture", name="Culture", parent_id="outer")]
    )
    bad = write(tmp_path, "document,turn,code\np01.txt,2,Culture\n", "bad.csv")
    with pytest.raises(BulkCodingError, match="ambiguous; write it as a path"):
        project.code_from_csv(bad)
    good = write(tmp_path, "document,turn,code\np01.txt,2,outer setting / culture\n", "good.csv")
    assert project.code_from_csv(good) == 1
    assert project.codings()[0].code_id == "outer.culture"


def test_loading_the_same_file_twice_adds_nothing_the_second_time(project, tmp_path):
    csv_path = write(tmp_path, "document,quote,code\np01.txt,competing priorities,inner.priority\n")
    assert project.code_from_csv(csv_path) == 1
    assert project.code_from_csv(csv_path) == 0
    assert len(project.codings()) == 1


def test_semicolon_separated_cp1252_file_with_bad_valence(project, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "document;quote;code;valence\np01.txt;competing priorities;inner.priority;great\n".encode("cp1252")
    )
    with pytest.raises(BulkCodingError, match="row 2: valence must be one of"):
        project.code_from_csv(path)


def test_missing_columns_are_reported_against_the_header(project, tmp_path):
    with pytest.raises(Exception, match="row 1: no 'code' column"):
        project.code_from_csv(write(tmp_path, "document,quote\np01.txt,x\n"))


def test_cli_codes_and_reports_problems(project, tmp_path):
    path = str(project.path)
    project.close()
    good = write(tmp_path, "document,quote,code,valence\np01.txt,competing priorities,Relative Priority,barrier\n")
    result = CliRunner().invoke(main, ["code", path, "--from-csv", str(good)])
    assert result.exit_code == 0, result.output
    assert "Added 1 coding(s)" in result.output
    bad = write(
        tmp_path,
        "document,quote,code\np01.txt,nowhere to be found,inner.priority\np01.txt,competing priorities,nope\n",
        "bad.csv",
    )
    result = CliRunner().invoke(main, ["code", path, "--from-csv", str(bad)])
    assert result.exit_code == 1
    assert "row 2: quote not found" in result.output
    assert "row 3: unknown code 'nope'" in result.output
    assert "nothing was coded" in result.output


def test_demo_codings_csv_lands_on_exactly_its_quotes(tmp_path):
    import csv

    from evalbench.bulkcode import normalise_quote
    from evalbench.demo import build_demo, sample_dir
    from evalbench.project import Project

    path = tmp_path / "demo.evb"
    build_demo(path)
    with (sample_dir() / "codings.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with Project.open(path) as proj:
        codings = proj.codings()
        assert len(codings) == len(rows)
        got = sorted(
            (
                proj.document(c.document_id, with_text=False).name,
                c.code_id,
                c.coder,
                c.valence,
                normalise_quote(proj.document_text(c.document_id)[c.start : c.end]),
            )
            for c in codings
        )
    want = sorted((r["document"], r["code"], r["coder"], r["valence"], normalise_quote(r["quote"])) for r in rows)
    assert got == want
