"""Excel, CSV and Markdown exports read back; every spreadsheet-bound cell is safe from formula injection."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from evalbench.export import docx_style as ds
from evalbench.export.common import safe_cell
from tests.conftest import run_cli
from tests.test_analysis_tables import study  # noqa: F401  (fixture)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def inject(project) -> None:
    """Formula-looking memos, a participant attribute (and its name) and a code name."""
    first, second = project.codings()[:2]
    project.update_coding(first.id, memo='=HYPERLINK("http://evil.example","click")')
    project.update_coding(second.id, memo="@SUM(A1:A9)")
    project.set_participant(1, "P01", {"=cmd": "+1 555", "role": "physician", "site": "North"})
    project.rename_code("inner.culture", "-Culture")


def test_safe_cell_escapes_formula_starts_only():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+44 20") == "'+44 20"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@cmd") == "'@cmd"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("plain = fine") == "plain = fine"
    assert safe_cell(-2) == -2


def test_xlsx_sheets_are_excel_tables_with_a_readme(study, tmp_path):  # noqa: F811
    out = study.export("xlsx", tmp_path / "study.xlsx", coder="alex", by="site")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "README",
        "Excerpts",
        "Matrix by participant",
        "Matrix by site",
        "Frequencies",
        "Rating matrix",
        "Ratings by site",
        "Codebook",
    ]
    readme = [c.value for c in wb["README"]["A"] if c.value]
    assert set(wb.sheetnames[1:]) <= set(readme)
    assert any("alex's coding" in str(c.value) for c in wb["README"]["A"])
    for ws in wb.worksheets[1:]:
        assert len(ws.tables) == 1, ws.title  # a real Excel table: autofilter, restylable
        table = next(iter(ws.tables.values()))
        assert table.ref.startswith("A1:") and ws.freeze_panes in ("A2", "C2")
        assert ws.max_row == int(table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    rows = list(wb["Excerpts"].iter_rows(values_only=True))
    assert len(rows) == 1 + len(study.codings(coder="alex"))  # a recount: only alex's codings
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=True))
    assert first["document"] == "p01.txt" and first["participant"] == "P01" and first["turn"] == 2
    assert wb["Excerpts"].column_dimensions["A"].width >= len("p01.txt")
    matrix = wb["Matrix by participant"]
    assert [c.value for c in matrix[1]] == ["code_id", "code", "P01", "P02", "P03"]
    scales = [r for rng in matrix.conditional_formatting for r in rng.rules]
    assert scales and scales[0].type == "colorScale"


def test_rating_matrix_is_coloured_as_in_word(study, tmp_path):  # noqa: F811
    wb = openpyxl.load_workbook(study.export("xlsx", tmp_path / "r.xlsx", coder="alex"))
    ws = wb["Rating matrix"]
    assert [c.value for c in ws[1]] == ["domain", "construct", "North", "South"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "Relative Priority")
    assert row[2].value == -1 and row[2].number_format == '+0"*";"−"0"*";0"*"'  # shows −1*, sorts as a number
    assert row[2].fill.fgColor.rgb.endswith(ds.RATING_FILLS["-1"])
    long = list(wb["Ratings by site"].iter_rows(values_only=True))
    assert long[0] == ("code_id", "construct", "site", "rating", "confirmed", "proposed", "rationale")
    assert ("inner.priority", "Relative Priority", "North", -1, None, -1) in [r[:6] for r in long]


def test_every_spreadsheet_cell_is_safe_from_formulas(study, tmp_path):  # noqa: F811
    inject(study)
    wb = openpyxl.load_workbook(study.export("xlsx", tmp_path / "i.xlsx", all_coders=True))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (ws.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    assert {"'=cmd", "'+1 555", "'-Culture", "'@SUM(A1:A9)"} <= seen
    result = study.write_export("csv", tmp_path / "i.csv", all_coders=True)
    for path in result.files:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):  # numbers (a rating of -1) are numbers in a spreadsheet, not formulas
                assert not any(v.startswith(FORMULA_START) and not _number(v) for v in row), (path.name, row)


def test_csv_reports_every_file_it_writes(study, tmp_path):  # noqa: F811
    path = str(study.path)
    study.close()
    out = tmp_path / "study.csv"
    result = run_cli("export", path, "-o", out, "--coder", "alex", "--by", "role")
    wrote = [line.removeprefix("Wrote ") for line in result.output.splitlines() if line.startswith("Wrote ")]
    assert wrote[0] == str(out)
    assert sorted(wrote) == sorted(str(p) for p in tmp_path.glob("study*.csv"))
    assert {p.name for p in tmp_path.glob("study.*.csv")} == {
        "study.codebook.csv",
        "study.frequencies.csv",
        "study.matrix-participant.csv",
        "study.matrix-role.csv",
        "study.ratings-site.csv",
    }
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["coder"] for r in rows} == {"alex"} and len(rows) == 6


def test_xlsx_is_deterministic_and_has_no_author(study, tmp_path):  # noqa: F811
    a = study.export("xlsx", tmp_path / "a.xlsx", coder="alex")
    b = study.export("xlsx", tmp_path / "b.xlsx", coder="alex")
    assert a.read_bytes() == b.read_bytes()
    props = openpyxl.load_workbook(a).properties
    assert not props.creator and props.title == "study"


def test_markdown_report_is_the_word_table(study, tmp_path):  # noqa: F811
    text = study.export("md", tmp_path / "r.md", coder="alex", matrix="site").read_text(encoding="utf-8")
    assert text.startswith("# study: findings")
    assert "| Construct | Barrier/Facilitator | n participants (roles) | Exemplar quotes (participant ID) |" in text
    assert "| **Inner Setting** |  |  |  |" in text
    assert "| Culture | Facilitator | 2 (2 nurse) |" in text
    assert "## Table 2. Participants per construct, by site" in text
    assert "| Relative Priority | 1 | 1 |" in text


def test_unknown_format_missing_folder_and_options_a_format_does_not_use(study, tmp_path):  # noqa: F811
    from evalbench.errors import UserError

    with pytest.raises(UserError, match="unknown export format 'pdf'"):
        study.export("pdf", tmp_path / "x.pdf")
    with pytest.raises(UserError, match="does not exist"):
        study.export("xlsx", tmp_path / "nope" / "x.xlsx", coder="alex")
    with pytest.raises(UserError, match="--paper: not used by a .csv export"):
        study.export("csv", tmp_path / "x.csv", coder="alex", paper="a4")


def test_qdpx_follows_the_coding_choice(study, tmp_path):  # noqa: F811
    import zipfile

    path = str(study.path)
    study.close()
    assert "--all-coders" in run_cli("export", path, "-o", tmp_path / "x.qdpx", ok=False).output
    out = tmp_path / "alex.qdpx"
    run_cli("export", path, "-o", out, "--coder", "alex")
    with zipfile.ZipFile(out) as z:
        qde = z.read("project.qde").decode()
    assert 'name="alex"' in qde and 'name="sam"' not in qde


def test_xlsx_cells_stay_within_excel_limits(tmp_path):
    from evalbench.export.xlsx_book import MAX_CELL, SheetSpec, sheet_name, write_book

    taken: set[str] = set()
    assert sheet_name("Matrix by site/role: [all]", taken) == "Matrix by site role   all"
    assert sheet_name("Matrix by site/role: [all]", taken) == "Matrix by site role   all (2)"
    data = write_book(
        [SheetSpec("Long", ["text", "n", "text"], [["x" * 40000, 3, None], ["bell\x07 <&>", None, "y"]], "long cells")],
        title="t",
        stamp="2026-01-01T00:00:00Z",
        intro=[],
    )
    path = tmp_path / "long.xlsx"
    path.write_bytes(data)
    ws = openpyxl.load_workbook(path)["Long"]
    assert [c.value for c in ws[1]] == ["text", "n", "text (2)"]  # table headers must be unique
    assert len(ws["A2"].value) == MAX_CELL and ws["B2"].value == 3
    assert ws["A3"].value == "bell <&>" and ws["B3"].value is None
