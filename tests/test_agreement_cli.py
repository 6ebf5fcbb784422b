"""`evalbench agreement` through click: JSON shape, table, Word and Excel reports read back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from evalbench.cli import main
from tests.test_agreement_project import build_team, code_part


@pytest.fixture
def team_file(project):
    build_team(project)
    return str(project.path)


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result


def test_json_has_exactly_the_documented_shape(team_file):
    result = run("agreement", team_file, "--coders", "alex,sam", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"unit", "coders", "overall", "codes"}
    assert data["unit"] == "turn" and data["coders"] == ["alex", "sam"]
    assert set(data["overall"]) == {"percent", "kappa", "alpha", "n_units"}
    assert data["overall"]["n_units"] == 16
    rows = {c["code"]: c for c in data["codes"]}
    assert set(rows["inner.priority"]) == {"code", "percent", "kappa", "alpha", "n_units", "n_applied"}
    assert rows["inner.priority"]["n_applied"] == {"alex": 4, "sam": 4}
    assert rows["inner"] == {"code": "inner", "percent": None, "kappa": None, "alpha": None,
                             "n_units": 0, "n_applied": {"alex": 0, "sam": 0}}


def test_three_coders_json_has_null_kappa(team_file, project):
    code_part(project, "p01.txt", 2, "inner.priority", "kim")
    result = run("agreement", team_file, "--coders", "alex,sam,kim", "--unit", "char", "--json")
    data = json.loads(result.output)
    assert data["unit"] == "char" and data["overall"]["kappa"] is None
    assert data["overall"]["alpha"] is not None
    assert all(c["kappa"] is None for c in data["codes"])


def test_table_lists_codes_worst_first(team_file):
    result = run("agreement", team_file, "--coders", "alex,sam")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Coders alex, sam independently coded 2 document(s)")
    assert any(line.startswith("Overall") for line in lines)
    assert "1 code(s) not used" in result.output


def test_unknown_coder_is_one_line_error(team_file):
    result = run("agreement", team_file, "--coders", "alex,zoe")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("evalbench: study.evb: no coder 'zoe'")


def test_word_report_reads_back(team_file, tmp_path):
    from docx import Document

    out = tmp_path / "agreement.docx"
    result = run("agreement", team_file, "--coders", "alex,sam", "-o", str(out))
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Intercoder agreement" in text and "Krippendorff's α" in text
    overview = doc.tables[0]
    assert [c.text for c in overview.rows[0].cells][:5] == ["Code", "Name", "% agreement", "Cohen's κ",
                                                           "Krippendorff's α"]
    codes = [row.cells[0].text for row in overview.rows[1:]]
    assert set(codes) == {"inner.priority", "inner.culture", "inner"} and codes[-1] == "inner"
    listed = [t for t in doc.tables if t.rows[0].cells[0].text == "Document"]
    assert any("Our unit likes to learn from mistakes." in r.cells[3].text for t in listed for r in t.rows)


def test_excel_report_reads_back(team_file, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "agreement.xlsx"
    assert run("agreement", team_file, "--coders", "alex,sam", "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Disagreements"]
    rows = list(wb["Disagreements"].values)
    assert rows[0][:2] == ("Document", "Turn") and len(rows) == 1 + 3
    summary = list(wb["Summary"].values)
    assert summary[1][0] == "Overall" and summary[1][5] == 16


def test_report_suffix_is_checked(team_file, tmp_path):
    result = run("agreement", team_file, "--coders", "alex,sam", "-o", str(tmp_path / "a.pdf"))
    assert result.exit_code == 1 and "must be a .docx or .xlsx" in result.output


def test_disagreements_command(team_file):
    result = run("disagreements", team_file, "--coders", "alex,sam", "--code", "inner.priority", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(d["document"], d["turn"], d["applied_by"]) for d in data] == [("p03.txt", 6, ["alex"]),
                                                                          ("p03.txt", 8, ["sam"])]
    assert data[0]["text"] == "Our unit likes to learn from mistakes." and data[0]["decision"] is None
    text = run("disagreements", team_file, "--coders", "alex,sam").output
    assert "p03.txt  turn 6  inner.priority  applied by alex" in text
