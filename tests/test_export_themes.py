"""The themes layout in Word and Markdown, the Themes sheet and thematic matrix in Excel and CSV."""

from __future__ import annotations

import csv

import docx
import openpyxl
import pytest

from evalbench.errors import UserError
from tests.export_read import numbered_tables
from tests.test_analysis_tables import study  # noqa: F401  (fixture)


@pytest.fixture
def themed(study):  # noqa: F811
    """The study with two categories and three themes (one mapped to a CFIR construct)."""
    themes = study.themes
    themes.add(
        "No protected time",
        "Barriers",
        description="Clinicians had no time set aside for reviews.",
        cfir="inner.priority",
    )
    themes.link("No protected time", "inner.priority", "barrier")
    themes.add("A culture of learning", "Successes", description="People wanted to learn from errors.")
    themes.link("A culture of learning", "inner.culture")
    themes.add("Rarely mentioned", "Successes", description="Only one person said so.")
    themes.link("Rarely mentioned", "inner.culture.learning")
    return study


def recount(project, coder: str, code_ids: set[str], valence: str | None = None) -> dict[str, str]:
    docs = {d.id: d for d in project.documents()}
    return {
        docs[c.document_id].participant: docs[c.document_id].attributes["role"]
        for c in project.codings(coder=coder)
        if c.code_id in code_ids and (valence is None or c.valence == valence)
    }


def test_word_themes_table_groups_by_category_and_counts_from_the_codings(themed, tmp_path):
    out = themed.export("docx", tmp_path / "f.docx", layout="themes", coder="alex", figures=False, cfir=True)
    groups = numbered_tables(docx.Document(str(out)))[1]
    assert [g for g, _, _ in groups] == ["Barriers", "Successes"]  # categories in their order
    assert groups[0][1] == [
        "Theme",
        "CFIR construct",
        "Description",
        "n participants (roles)",
        "Exemplar quotes (participant ID)",
    ]
    barrier = groups[0][2][0]
    assert barrier[:3] == [
        "No protected time",
        "Inner Setting › Relative Priority",
        "Clinicians had no time set aside for reviews.",
    ]
    people = recount(themed, "alex", {"inner.priority"}, "barrier")
    assert barrier[3] == f"{len(people)} (1 nurse, 1 physician)"
    culture = groups[1][2][0]
    assert culture[3].startswith(f"{len(recount(themed, 'alex', {'inner.culture', 'inner.culture.learning'}))} (")
    assert "(P0" in culture[4]
    doc = docx.Document(str(out))
    assert any(p.text == "Table 1. Barriers and successes" for p in doc.paragraphs)
    methods = next(p.text for p in doc.paragraphs if p.text.startswith("The analysis covers"))
    assert "The tables count alex's coding" in methods


def test_min_participants_quotes_and_no_cfir_column(themed, tmp_path):
    out = themed.export(
        "docx", tmp_path / "m.docx", layout="themes", coder="alex", figures=False, min_participants=2, quotes=1
    )
    doc = docx.Document(str(out))
    groups = numbered_tables(doc)[1]
    assert "CFIR construct" not in groups[0][1]
    themes = [r[0] for _, _, rows in groups for r in rows]
    assert "Rarely mentioned" not in themes and "No protected time" in themes
    assert all(r[3].count("“") <= 1 for _, _, rows in groups for r in rows)
    assert any("1 theme(s) with fewer than 2 participants are left out" in p.text for p in doc.paragraphs)


def test_thematic_matrix_after_the_findings_table(themed, tmp_path):
    out = themed.export("docx", tmp_path / "x.docx", layout="themes", coder="alex", figures=False, matrix="site")
    doc = docx.Document(str(out))
    assert any(p.text == "Table 2. Participants per theme, by site" for p in doc.paragraphs)
    groups = numbered_tables(doc)[2]
    expected = themed.themes.matrix(themed.themes.choose("alex"), "site")
    got = {r[0]: [int(v) for v in r[1:]] for _, _, rows in groups for r in rows}
    assert groups[0][1] == ["Theme", "North", "South"]
    for row in expected.itertuples(index=False):
        assert got[row.theme] == [row.North, row.South]


def test_markdown_xlsx_and_csv_hold_the_same_themes(themed, tmp_path):
    text = themed.export("md", tmp_path / "t.md", layout="themes", coder="alex").read_text(encoding="utf-8")
    assert "| **Barriers** |  |  |  |" in text
    assert "| No protected time | Clinicians had no time set aside for reviews. | 2 (1 nurse, 1 physician) |" in text
    wb = openpyxl.load_workbook(themed.export("xlsx", tmp_path / "t.xlsx", coder="alex", matrix="site"))
    assert wb.sheetnames[:4] == ["README", "Excerpts", "Themes", "Themes by site"]
    rows = list(wb["Themes"].iter_rows(values_only=True))
    assert rows[0][:6] == ("category", "theme", "description", "cfir_code_id", "cfir", "participants")
    assert rows[1][:6] == (
        "Barriers",
        "No protected time",
        "Clinicians had no time set aside for reviews.",
        "inner.priority",
        "Inner Setting › Relative Priority",
        2,
    )
    assert len(wb["Themes"].tables) == 1
    result = themed.write_export("csv", tmp_path / "t.csv", coder="alex")
    names = [p.name for p in result.files]
    assert "t.themes.csv" in names and "t.theme-matrix-participant.csv" in names
    with (tmp_path / "t.themes.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert [r["theme"] for r in csv.DictReader(fh)] == [
            "No protected time",
            "A culture of learning",
            "Rarely mentioned",
        ]


def test_themes_layout_needs_themes(study, tmp_path):  # noqa: F811
    with pytest.raises(UserError, match="no themes yet"):
        study.export("docx", tmp_path / "x.docx", layout="themes", coder="alex")
    assert not (tmp_path / "x.docx").exists()
    result = study.write_export("xlsx", tmp_path / "x.xlsx", coder="alex", matrix="site")
    assert any(w.startswith("--matrix site: the project has no themes yet") for w in result.warnings)
    assert "Themes" not in openpyxl.load_workbook(result.path).sheetnames
