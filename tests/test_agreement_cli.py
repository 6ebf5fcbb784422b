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
    assert set(data["overall"]) == {
        "percent",
        "kappa",
        "alpha",
        "ac1",
        "mean_kappa",
        "mean_alpha",
        "codes_below_0_4",
        "codes_rated",
        "n_units",
    }
    assert data["overall"]["n_units"] == 16
    rows = {c["code"]: c for c in data["codes"]}
    assert set(rows["inner.priority"]) == {
        "code",
        "percent",
        "kappa",
        "alpha",
        "ac1",
        "prevalence",
        "n_units",
        "n_applied",
    }
    assert rows["inner.priority"]["n_applied"] == {"alex": 4, "sam": 4}
    assert rows["inner.priority"]["prevalence"] == 0.5  # 8 of the 16 decisions applied it
    assert rows["inner"] == {
        "code": "inner",
        "percent": None,
        "kappa": None,
        "alpha": None,
        "ac1": None,
        "prevalence": None,
        "n_units": 0,
        "n_applied": {"alex": 0, "sam": 0},
    }


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
    assert "Per code, mean κ = " in lines[0] and "code(s) below 0.4." in lines[0]
    assert any(line.startswith("Overall") for line in lines)
    assert "1 code(s) not used" in result.output
    table = lines[lines.index(next(line for line in lines if line.startswith("Code "))) :]
    assert table[0].split()[:6] == ["Code", "%agree", "kappa", "alpha", "AC1", "prev."]
    assert any(line.startswith("Relative Priority ") for line in table)  # names, not IDs
    assert not any("inner.priority" in line for line in lines)


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
    assert "Gwet's AC1" in text and "Per code, mean κ" in text
    overview = doc.tables[0]
    assert [c.text for c in overview.rows[0].cells][:6] == [
        "Code",
        "% agreement",
        "Cohen's κ",
        "Krippendorff's α",
        "Gwet's AC1",
        "Prevalence",
    ]
    codes = [row.cells[0].text for row in overview.rows[1:]]
    assert set(codes) == {"Relative Priority", "Culture", "Inner Setting"} and codes[-1] == "Inner Setting"
    listed = [t for t in doc.tables if t.rows[0].cells[0].text == "Where"]
    assert any("Our unit likes to learn from mistakes." in r.cells[2].text for t in listed for r in t.rows)
    assert any(r.cells[0].text == "p03.txt turn 6" for t in listed for r in t.rows)  # no character positions


def test_excel_report_reads_back(team_file, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "agreement.xlsx"
    assert run("agreement", team_file, "--coders", "alex,sam", "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Disagreements"]
    rows = list(wb["Disagreements"].values)
    assert rows[0][:4] == ("Participant", "Document", "Turn", "Code") and len(rows) == 1 + 3
    assert {r[3] for r in rows[1:]} <= {"Relative Priority", "Culture"}
    summary = list(wb["Summary"].values)
    assert summary[1][0] == "Overall" and summary[1][6] == 16
    assert summary[2][:6] == ("Code", "% agreement", "Cohen's κ", "Krippendorff's α", "Gwet's AC1", "Prevalence")


def test_report_suffix_is_checked(team_file, tmp_path):
    result = run("agreement", team_file, "--coders", "alex,sam", "-o", str(tmp_path / "a.pdf"))
    assert result.exit_code == 1 and "must be a .docx or .xlsx" in result.output


def test_disagreements_command(team_file):
    result = run("disagreements", team_file, "--coders", "alex,sam", "--code", "inner.priority", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(d["document"], d["turn"], d["applied_by"]) for d in data] == [
        ("p03.txt", 6, ["alex"]),
        ("p03.txt", 8, ["sam"]),
    ]
    assert data[0]["text"] == "Our unit likes to learn from mistakes." and data[0]["decision"] is None
    text = run("disagreements", team_file, "--coders", "alex,sam").output
    assert "p03.txt turn 6  Relative Priority  applied by alex" in text
    assert "“Our unit likes to learn from mistakes.”" in text
    by_name = run("disagreements", team_file, "--coders", "alex,sam", "--code", "relative priority", "--json")
    assert json.loads(by_name.output) == data
    unknown = run("disagreements", team_file, "--coders", "alex,sam", "--code", "Nope")
    assert unknown.exit_code == 1 and "unknown code 'Nope'" in unknown.output
