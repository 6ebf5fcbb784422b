"""Excel, CSV and Markdown exports read back; spreadsheet formula injection is escaped."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner

from evalbench.cli import main
from evalbench.export.common import safe_cell
from tests.test_analysis_tables import study  # noqa: F401  (fixture)


def inject(project) -> None:
    """Give the first coding memos and the codebook a name a spreadsheet would run as a formula."""
    first = project.codings()[0]
    project.update_coding(first.id, memo='=HYPERLINK("http://evil.example","click")')
    project.update_coding(project.codings()[1].id, memo="@SUM(A1:A9)")


def test_safe_cell_escapes_formula_starts_only():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+44 20") == "'+44 20"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@cmd") == "'@cmd"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("plain = fine") == "plain = fine"
    assert safe_cell(-2) == -2


def test_xlsx_has_one_row_per_excerpt_and_the_tables(study, tmp_path):  # noqa: F811
    inject(study)
    out = study.export("xlsx", tmp_path / "study.xlsx", by="site")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Excerpts", "Matrix by participant", "Matrix by site", "Frequencies",
                             "Ratings by site", "Codebook"]
    ratings = list(wb["Ratings by site"].iter_rows(values_only=True))
    assert ratings[0] == ("code_id", "construct", "site", "rating", "confirmed", "proposed", "rationale")
    assert ratings[3][:6] == ("inner.priority", "Relative Priority", "North", -1, None, -1)
    rows = list(wb["Excerpts"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:4] == ["document", "participant", "role", "site"]
    assert {"turn", "speaker", "code_id", "code", "valence", "coder", "text"} <= set(header)
    assert len(rows) == 1 + 7
    first = dict(zip(header, rows[1], strict=True))
    assert first["document"] == "p01.txt" and first["participant"] == "P01" and first["turn"] == 2
    assert first["speaker"] == "Dr Patel" and first["code"] == "Relative Priority"
    memos = {r[header.index("memo")] for r in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","click")' in memos and "'@SUM(A1:A9)" in memos
    # no cell anywhere is a formula
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    matrix = {r[0]: r[1:] for r in wb["Matrix by participant"].iter_rows(values_only=True)}
    assert matrix["code_id"] == ("code", "P01", "P02", "P03")
    assert matrix["inner.priority"] == ("Relative Priority", 3, 0, 1)
    freq = list(wb["Frequencies"].iter_rows(values_only=True))
    assert freq[0][:4] == ("code_id", "code", "codings", "documents")
    codebook = [r[0] for r in wb["Codebook"].iter_rows(values_only=True)]
    assert codebook == ["code_id", "inner", "inner.culture", "inner.culture.learning", "inner.priority"]


def test_xlsx_is_deterministic_and_has_no_author(study, tmp_path):  # noqa: F811
    a = study.export("xlsx", tmp_path / "a.xlsx")
    b = study.export("xlsx", tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    props = openpyxl.load_workbook(a).properties
    assert not props.creator and props.title == "study"


def test_csv_excerpts_and_companion_tables(study, tmp_path):  # noqa: F811
    inject(study)
    out = study.export("csv", tmp_path / "study.csv", by="role")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 7
    assert rows[0]["memo"] == '\'=HYPERLINK("http://evil.example","click")'
    assert {r["coder"] for r in rows} == {"alex", "sam"}
    assert rows[0]["role"] == "physician" and rows[0]["site"] == "North"
    names = sorted(p.name for p in tmp_path.glob("study.*.csv"))
    assert names == ["study.codebook.csv", "study.frequencies.csv", "study.matrix-participant.csv",
                     "study.matrix-role.csv", "study.ratings-site.csv"]
    with (tmp_path / "study.matrix-role.csv").open(encoding="utf-8-sig", newline="") as fh:
        role = {r["code_id"]: r for r in csv.DictReader(fh)}
    assert (role["inner.priority"]["physician"], role["inner.priority"]["nurse"]) == ("3", "1")


def test_markdown_report(study, tmp_path):  # noqa: F811
    text = study.export("md", tmp_path / "r.md", by="site").read_text(encoding="utf-8")
    assert text.startswith("# study: analysis report")
    assert "| Domain | Construct or theme | Barrier/Facilitator | n participants (roles) | Exemplar quotes |" in text
    assert "| Inner Setting | Culture | Facilitator | 3 (2 nurse, 1 physician) |" in text
    assert "## Participants coded per construct, by site" in text
    assert "| Relative Priority | 1 | 1 |" in text


def test_unknown_format_and_missing_folder(study, tmp_path):  # noqa: F811
    from evalbench.errors import UserError

    with pytest.raises(UserError, match="unknown export format 'pdf'"):
        study.export("pdf", tmp_path / "x.pdf")
    with pytest.raises(UserError, match="does not exist"):
        study.export("xlsx", tmp_path / "nope" / "x.xlsx")


def test_cli_matrix_json_and_table(study, tmp_path):  # noqa: F811
    path = str(study.path)
    study.close()
    result = CliRunner().invoke(main, ["matrix", path, "--by", "site", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[0] == {"code_id": "inner.culture", "code": "Culture", "North": 2, "South": 1}
    result = CliRunner().invoke(main, ["matrix", path, "--by", "role", "--coder", "alex"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["code", "nurse", "physician"]
    assert lines[2].split() == ["Relative", "Priority", "1", "2"]
    result = CliRunner().invoke(main, ["matrix", path, "--by", "shoe_size"])
    assert result.exit_code == 1 and "cannot group by 'shoe_size'" in result.output
    out = tmp_path / "cli.xlsx"
    result = CliRunner().invoke(main, ["export", path, "-o", str(out), "--by", "site"])
    assert result.exit_code == 0, result.output
    assert "Matrix by site" in openpyxl.load_workbook(out).sheetnames


def test_cli_export_qdpx_goes_through_the_refi_exporter(study, tmp_path):  # noqa: F811
    import zipfile

    path = str(study.path)
    study.close()
    out = tmp_path / "study.qdpx"
    result = CliRunner().invoke(main, ["export", path, "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as z:
        assert "project.qde" in z.namelist()


def test_xlsx_writer_cells_stay_within_excel_limits(tmp_path):
    from evalbench.export.xlsx_writer import MAX_CELL, Sheet, column_letter, sheet_name, write_workbook

    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    taken: set[str] = set()
    assert sheet_name("Matrix by site/role: [all]", taken) == "Matrix by site role   all"
    assert sheet_name("Matrix by site/role: [all]", taken) == "Matrix by site role   all (2)"
    data = write_workbook([Sheet("Long", ["text", "n"], [["x" * 40000, 3], ["bell\x07 <&>", None]])],
                          title="t", stamp="2026-01-01T00:00:00Z")
    path = tmp_path / "long.xlsx"
    path.write_bytes(data)
    ws = openpyxl.load_workbook(path)["Long"]
    assert len(ws["A2"].value) == MAX_CELL and ws["B2"].value == 3
    assert ws["A3"].value == "bell <&>" and ws["B3"].value is None
