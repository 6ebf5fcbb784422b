"""`--coder` reaches every part of an export and every analysis command, read back from real files.

The study (see tests/test_analysis_tables.py) has codings by alex and sam.
Here alex rated Relative Priority at North -2 and sam rated it +2: an export
for sam must show sam's rating, one without --coder the rating of whoever
runs it, and an unknown coder is one line naming the coders there are.
"""

from __future__ import annotations

import csv

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from evalbench.cli import main
from tests.test_analysis_tables import study  # noqa: F401  (fixture)


@pytest.fixture
def rated(study):  # noqa: F811
    """The study file with alex's and sam's (different) ratings of Relative Priority at North."""
    study.set_rating("inner.priority", "site", "North", "-2")
    study.set_coder("sam")
    study.set_rating("inner.priority", "site", "North", "+2")
    study.set_coder("alex")
    path = str(study.path)
    study.close()
    return path


def run(*args, coder: str = "alex"):
    """The CLI as a user whose coder name is ``coder``."""
    return CliRunner().invoke(main, list(args), env={"EVALBENCH_CODER": coder})


def docx_rating(path, construct: str = "Relative Priority") -> dict[str, str]:
    """{site: cell text} of one construct's row in the Word export's rating table (Table 2)."""
    from tests.export_read import numbered_tables

    groups = numbered_tables(docx.Document(str(path)))[2]
    header = groups[0][1]
    assert header[0] == "Construct"
    row = next(r for _, _, rows in groups for r in rows if r[0] == construct)
    return dict(zip(header[1:], row[1:], strict=True))


def sheet_rating(rows, site: str = "North") -> tuple:
    """(rating, confirmed) of Relative Priority at ``site`` in a ratings sheet's rows."""
    header, *body = rows
    col = {name: i for i, name in enumerate(header)}
    row = next(r for r in body if r[col["code_id"]] == "inner.priority" and r[col["site"]] == site)
    return row[col["rating"]], row[col["confirmed"]]


def test_docx_rating_table_uses_the_exported_coders_ratings(rated, tmp_path):
    out = tmp_path / "sam.docx"
    result = run("export", rated, "-o", str(out), "--coder", "sam")
    assert result.exit_code == 0, result.output
    assert docx_rating(out)["North"] == "+2"
    mine = tmp_path / "mine.docx"
    assert run("export", rated, "-o", str(mine), "--all-coders").exit_code == 0
    assert docx_rating(mine)["North"] == "−2"  # every coder's codings: the ratings of the coder running it


def test_xlsx_ratings_sheet_uses_the_exported_coders_ratings(rated, tmp_path):
    out = tmp_path / "sam.xlsx"
    result = run("export", rated, "-o", str(out), "--coder", "sam")
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out)["Ratings by site"].iter_rows(values_only=True))
    assert sheet_rating(rows) == (2, "yes")
    mine = tmp_path / "mine.xlsx"
    assert run("export", rated, "-o", str(mine), "--all-coders").exit_code == 0
    rows = list(openpyxl.load_workbook(mine)["Ratings by site"].iter_rows(values_only=True))
    assert sheet_rating(rows) == (-2, "yes")


def test_csv_ratings_file_uses_the_exported_coders_ratings(rated, tmp_path):
    out = tmp_path / "sam.csv"
    result = run("export", rated, "-o", str(out), "--coder", "sam")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "sam.ratings-site.csv", encoding="utf-8-sig", newline="") as f:
        assert sheet_rating(list(csv.reader(f))) == ("2", "yes")


def test_export_for_a_coder_uses_their_ratings_whoever_runs_it(rated, tmp_path):
    out = tmp_path / "tester.docx"
    result = run("export", rated, "-o", str(out), "--coder", "alex", coder="tester")
    assert result.exit_code == 0, result.output
    assert docx_rating(out)["North"] == "−2"  # alex's, though "tester" runs the export


UNKNOWN = [
    ("matrix", "{path}", "--coder", "nobody"),
    ("matrix", "{path}", "--coder", "nobody", "--json"),
    ("export", "{path}", "-o", "{out}", "--coder", "nobody"),
    ("agreement", "{path}", "--coders", "alex,nobody"),
    ("disagreements", "{path}", "--coders", "nobody,sam"),
]


@pytest.mark.parametrize("args", UNKNOWN, ids=lambda a: " ".join(a[:1] + a[2:]))
def test_unknown_coder_is_one_line_naming_the_known_ones(rated, tmp_path, args):
    out = tmp_path / "x.docx"
    result = CliRunner().invoke(main, [a.format(path=rated, out=out) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == "evalbench: study.evb: no coder 'nobody' (coders: alex, sam)"
    assert not out.exists()
