"""The Word theme table, read back with python-docx and as raw XML."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from click.testing import CliRunner
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from evalbench.cli import main
from evalbench.errors import UserError
from tests.test_analysis_tables import study  # noqa: F401  (fixture)


def texts(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture
def report(study, tmp_path):  # noqa: F811
    out = study.export("docx", tmp_path / "themes.docx")
    return docx.Document(str(out))


def test_theme_table_rows_hold_counts_roles_and_quotes(report):
    table = report.tables[0]
    rows = texts(table)
    assert rows[0] == ["Domain", "Construct or theme", "Barrier/ Facilitator", "n participants (roles)",
                       "Exemplar quotes (participant ID)"]
    # codebook order (position, then ID): Culture before Relative Priority
    assert rows[1][:4] == ["Inner Setting", "Culture", "Facilitator", "3 (2 nurse, 1 physician)"]
    assert rows[2][:4] == ["", "Relative Priority", "Barrier", "2 (1 nurse, 1 physician)"]
    # one quote per participant, the participant ID after each quote
    assert rows[2][4].count("(P01)") == 1 and rows[2][4].count("(P03)") == 1
    assert "“The huddles kept slipping because the unit was short staffed” (P03)" in rows[2][4]
    assert len(rows) == 3


def test_table_is_landscape_styled_and_repeats_its_header(report):
    portrait, landscape = report.sections[0], report.sections[1]
    assert portrait.orientation == WD_ORIENT.PORTRAIT
    assert landscape.orientation == WD_ORIENT.LANDSCAPE
    assert landscape.page_width > landscape.page_height
    table = report.tables[0]
    assert table.style.name == "Evalbench Table"
    assert table.style.type == 3  # WD_STYLE_TYPE.TABLE: a real table style an editor can restyle
    header_tr = table.rows[0]._tr
    assert header_tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])
    body = report.element.body
    # the table sits in the landscape section: after the portrait section break
    breaks = [i for i, el in enumerate(body) if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    assert breaks and body.index(table._tbl) > breaks[0]


def test_methods_paragraph_counts_interviews_roles_sites_and_coders(report):
    methods = next(p.text for p in report.paragraphs if p.text.startswith("The analysis covers"))
    assert methods.startswith("The analysis covers three interviews with three participants "
                              "(2 nurse, 1 physician) at two sites (North, South).")
    assert "Two coders applied 7 codings of 3 of the 4 codes" in methods


def test_rating_table_is_shaded_by_rating(report):
    ratings = report.tables[1]
    rows = texts(ratings)
    assert rows[0] == ["Construct", "North", "South"]
    assert rows[2] == ["Relative Priority", "-1*", "-1*"]
    fill = ratings.rows[2].cells[1]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == "F4CCCC"


def test_same_project_gives_identical_files_without_a_machine_author(study, tmp_path):  # noqa: F811
    a = study.export("docx", tmp_path / "a.docx")
    b = study.export("docx", tmp_path / "b.docx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        core = z.read("docProps/core.xml").decode()
        everything = b"".join(z.read(n) for n in z.namelist()).decode("utf-8", "replace")
    assert "python-docx" not in core and "<dc:creator></dc:creator>" in core
    assert "tester" not in everything  # $EVALBENCH_CODER / login name never lands in the file
    assert docx.Document(io.BytesIO(a.read_bytes())).core_properties.author == ""


def test_codebook_appendix_and_no_ratings(study, tmp_path):  # noqa: F811
    out = study.export("docx", tmp_path / "x.docx", ratings=False, codebook=True)
    doc = docx.Document(str(out))
    assert len(doc.tables) == 2  # theme table + the codebook module's appendix table
    assert any(p.text.startswith("Codebook:") for p in doc.paragraphs)
    assert "Relative Priority" in [c.text.split("\n")[0] for c in doc.tables[1].columns[0].cells]


def test_one_coder_and_breakdown_by_site(study, tmp_path):  # noqa: F811
    out = study.export("docx", tmp_path / "x.docx", coder="sam", by="site")
    rows = texts(docx.Document(str(out)).tables[0])
    assert rows[0][3] == "n participants (sites)"
    assert rows[1:] == [["Inner Setting", "Relative Priority", "Barrier", "1 (1 North)",
                         "“competing priorities” (P01)"]]
    with pytest.raises(UserError, match="no coder 'kim'"):
        study.export("docx", tmp_path / "y.docx", coder="kim")
    assert not (tmp_path / "y.docx").exists()


def test_cancelled_export_writes_nothing(study, tmp_path):  # noqa: F811
    import threading

    cancel = threading.Event()
    seen = []

    def progress(done, total, message):
        seen.append(message)
        if done == 1:
            cancel.set()

    with pytest.raises(UserError, match="cancelled"):
        study.export("docx", tmp_path / "c.docx", progress=progress, cancel=cancel)
    assert not (tmp_path / "c.docx").exists()
    assert seen[:2] == ["reading codings", "building theme table"]


def test_cli_export_docx(study, tmp_path):  # noqa: F811
    path = str(study.path)
    study.close()
    out = tmp_path / "t.docx"
    result = CliRunner().invoke(main, ["export", path, "-o", str(out), "--codebook-appendix"])
    assert result.exit_code == 0, result.output
    assert docx.Document(str(out)).tables[0].style.name == "Evalbench Table"


def test_control_characters_in_a_transcript_do_not_break_the_word_file(project, tmp_path):
    from tests.conftest import make_parsed

    doc = project.add_document(make_parsed("odd.txt", [
        ("Interviewer", "Go on."),
        ("Nurse Lee", "We had\x0bno time\x07 at all for the reviews, honestly none whatsoever, it was hard."),
    ]), {"Interviewer": ("interviewer", "label"), "Nurse Lee": ("participant", "default")})
    text = project.document_text(doc)
    start = text.index("We had")
    project.add_coding(doc, start, text.index("hard.") + 5, "inner.priority", valence="barrier")
    out = project.export("docx", tmp_path / "odd.docx")
    quotes = docx.Document(str(out)).tables[0].rows[1].cells[4].text
    assert quotes.startswith("“We had no time at all for the reviews")
