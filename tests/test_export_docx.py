"""The Word report, read back with python-docx: the construct table, its options, ratings, figures, methods."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Inches, Mm

from evalbench.errors import UserError
from evalbench.export import docx_style as ds
from evalbench.export.textwidth import longest_word_points
from tests.conftest import make_parsed, run_cli
from tests.export_read import count_text, is_repeated_header, numbered_tables, recount
from tests.test_analysis_tables import study  # noqa: F401  (fixture)


def table1(path):
    return numbered_tables(docx.Document(str(path)))[1]


def test_construct_table_counts_match_a_recount_from_the_codings(study, tmp_path):  # noqa: F811
    groups = table1(study.export("docx", tmp_path / "t.docx", coder="alex", figures=False))
    assert [g for g, _, _ in groups] == ["Inner Setting"]
    _, header, rows = groups[0]
    assert header == ["Construct", "Barrier/ Facilitator", "n participants (roles)", "Exemplar quotes (participant ID)"]
    names = {
        "Relative Priority": "inner.priority",
        "Culture": "inner.culture",
        "Culture: Learning-Centredness": "inner.culture.learning",
    }
    expected = recount(study, "alex")
    assert {(names[r[0]], r[1]) for r in rows} == set(expected)  # the subconstruct has its own row
    for label, valence, count, quotes in rows:
        assert count == count_text(expected[(names[label], valence)])
        assert quotes.count("(P0") >= 1
    assert rows[0][0] == "Culture"  # codebook order
    doc = docx.Document(str(tmp_path / "t.docx"))
    cell = next(c for t in doc.tables for r in t.rows for c in r.cells if c.text.endswith("Learning-Centredness"))
    assert cell._tc.xpath(".//w:noBreakHyphen")  # the label never splits at its hyphen


def test_fold_subconstructs_and_the_row_filters(study, tmp_path):  # noqa: F811
    folded = table1(study.export("docx", tmp_path / "f.docx", coder="alex", figures=False, fold_subconstructs=True))[0][
        2
    ]
    culture = next(r for r in folded if r[0] == "Culture")
    assert culture[2] == count_text(recount(study, "alex", level="construct")[("inner.culture", "Facilitator")])
    assert not any(":" in r[0] for r in folded)
    two = table1(study.export("docx", tmp_path / "m.docx", coder="alex", figures=False, min_participants=2))[0][2]
    assert [r[0] for r in two] == ["Culture", "Relative Priority"]
    one_quote = table1(study.export("docx", tmp_path / "q.docx", coder="alex", figures=False, quotes=1))[0][2]
    assert all(r[3].count("“") == 1 for r in one_quote)
    none = table1(study.export("docx", tmp_path / "n.docx", coder="alex", figures=False, quotes=0))[0][2]
    assert all(r[3] == "" for r in none)


def test_mixed_rows_and_the_title_that_says_so(study, tmp_path):  # noqa: F811
    first = study.codings(coder="alex")[0]
    study.update_coding(first.id, valence="mixed")
    doc = docx.Document(str(study.export("docx", tmp_path / "x.docx", coder="alex", figures=False)))
    titles = [p.text for p in doc.paragraphs if p.text.startswith("Table 1.")]
    assert titles == ["Table 1. Barriers, facilitators and mixed influences by construct"]
    assert any(r[1] == "Mixed" for r in numbered_tables(doc)[1][0][2])
    doc = docx.Document(str(study.export("docx", tmp_path / "y.docx", coder="alex", figures=False, mixed=False)))
    assert [p.text for p in doc.paragraphs if p.text.startswith("Table 1.")] == [
        "Table 1. Barriers and facilitators by construct"
    ]
    assert not any(r[1] == "Mixed" for r in numbered_tables(doc)[1][0][2])
    assert any("coded as mixed are left out" in p.text for p in doc.paragraphs)


def test_group_rows_repeat_and_custom_top_level_codes_are_their_own_group(study, tmp_path):  # noqa: F811
    from evalbench.model import Code

    study.add_codes([Code(id="local.lessons", name="Lessons learned")])
    text = study.document_text(2)
    start = text.index("Our leaders showed up")
    study.add_coding(2, start, start + 40, "local.lessons", coder="alex")
    doc = docx.Document(str(study.export("docx", tmp_path / "g.docx", coder="alex", figures=False)))
    groups = numbered_tables(doc)[1]
    assert [g for g, _, _ in groups] == ["Inner Setting", "Lessons learned"]
    assert groups[1][2] == [
        [
            "Lessons learned",
            "Neutral or not specified",
            "1 (1 nurse)",
            "“Our leaders showed up to every session,” (P02)",
        ]
    ]
    for table in doc.tables[:2]:  # header and group row repeat at the top of a continued page
        assert is_repeated_header(table.rows[0]) and is_repeated_header(table.rows[1])
        assert not any(is_repeated_header(r) for r in table.rows[2:])
        assert table.style.name == ds.TABLE_STYLE
    assert doc.tables[1].rows[1].cells[0].paragraphs[0].style.name == ds.GROUP_STYLE
    # a code coded without valence gets no rating
    ratings = numbered_tables(doc)[2]
    assert "Lessons learned" not in [r[0] for _, _, rows in ratings for r in rows]


def test_no_column_is_narrower_than_its_longest_word(study, tmp_path):  # noqa: F811
    from evalbench.model import Code

    study.add_codes([Code(id="inner.ext", name="Implementation Characteristics Extraordinarily", parent_id="inner")])
    text = study.document_text(1)
    start = text.index("no protected time")
    study.add_coding(1, start, start + 20, "inner.ext", coder="alex", valence="barrier")
    doc = docx.Document(str(study.export("docx", tmp_path / "w.docx", coder="alex", figures=False)))
    for table in doc.tables[:-1]:
        for row in table.rows[2:]:
            for cell in row.cells[:-1]:
                width_pt = cell.width / 12700
                assert width_pt >= longest_word_points(cell.text, 9, bold=True) + 8, cell.text


@pytest.mark.parametrize("paper, width", [("a4", Mm(297)), ("letter", Inches(11))])
def test_paper_size(study, tmp_path, paper, width):  # noqa: F811
    doc = docx.Document(str(study.export("docx", tmp_path / "p.docx", coder="alex", figures=False, paper=paper)))
    landscape = doc.sections[1]
    assert abs(landscape.page_width - width) < Mm(1) and landscape.page_width > landscape.page_height
    assert abs(doc.sections[0].page_height - width) < Mm(1)


def test_unlinked_transcript_is_labelled_and_warned_about(study, tmp_path):  # noqa: F811
    doc_id = study.add_document(
        make_parsed(
            "p04_zoom.vtt",
            [("Interviewer", "And then?"), ("Ms Ray", "We never had protected time for reviews on nights at all.")],
        ),
        {"Interviewer": ("interviewer", "label"), "Ms Ray": ("participant", "default")},
    )
    text = study.document_text(doc_id)
    start = text.index("We never")
    study.add_coding(doc_id, start, len(text), "inner.priority", coder="alex", valence="barrier")
    result = study.write_export("docx", tmp_path / "u.docx", coder="alex", figures=False)
    assert any("p04_zoom.vtt" in w and "no participant" in w for w in result.warnings)
    rows = table1(result.path)[0][2]
    priority = next(r for r in rows if r[0] == "Relative Priority")
    assert priority[2] == "3 (1 no participant linked, 1 nurse, 1 physician)"
    assert "(no participant: p04_zoom.vtt)" in priority[3] and "(p04_zoom.vtt)" not in priority[3]


def test_methods_paragraph_names_the_coding_and_counts_coded_interviews(study, tmp_path):  # noqa: F811
    study.add_document(
        make_parsed("p09.txt", [("Interviewer", "Hello?"), ("Ann", "Nothing to add.")]),
        {"Interviewer": ("interviewer", "label"), "Ann": ("participant", "default")},
    )
    doc = docx.Document(str(study.export("docx", tmp_path / "m.docx", coder="sam", figures=False)))
    methods = next(p.text for p in doc.paragraphs if p.text.startswith("The analysis covers"))
    assert methods.startswith(
        "The analysis covers one coded interview with one participant (1 physician) at one site (North)."
    )
    assert "Three further transcripts in the project have no codings in this coding" in methods
    assert "The tables count sam's coding: 1 codings" in methods
    every = docx.Document(str(study.export("docx", tmp_path / "a.docx", all_coders=True, figures=False)))
    methods = next(p.text for p in every.paragraphs if p.text.startswith("The analysis covers"))
    assert "every coder's coding (alex, sam), not reconciled" in methods
    assert "A passage coded by more than one coder is quoted once." in methods


def test_a_complete_consensus_is_what_an_export_counts_by_default(study, tmp_path):  # noqa: F811
    study.add_codings(
        [
            {
                "document_id": c.document_id,
                "start": c.start,
                "end": c.end,
                "code_id": c.code_id,
                "valence": c.valence,
                "coder": "consensus",
            }
            for c in study.codings()
        ],
        label="consensus",
    )
    result = study.write_export("docx", tmp_path / "c.docx", figures=False)
    assert result.coding == "the consensus coding of alex and sam"
    doc = docx.Document(str(result.path))
    methods = next(p.text for p in doc.paragraphs if p.text.startswith("The analysis covers"))
    assert "The tables count the consensus coding of alex and sam" in methods
    rows = table1(result.path)[0][2]
    expected = recount(study, "consensus")
    assert {r[2] for r in rows} == {count_text(people) for people in expected.values()}


def test_the_coding_must_be_chosen_when_coders_disagree(study, tmp_path):  # noqa: F811
    with pytest.raises(UserError, match="--coder NAME .*--all-coders"):
        study.export("docx", tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
    with pytest.raises(UserError, match="no coder 'kim'"):
        study.export("docx", tmp_path / "y.docx", coder="kim")


def test_all_coders_never_quotes_one_passage_under_two_valences(study, tmp_path):  # noqa: F811
    sam = study.codings(coder="sam")[0]
    study.update_coding(sam.id, valence="mixed")  # alex said barrier for the same words
    rows = table1(study.export("docx", tmp_path / "a.docx", all_coders=True, figures=False, quotes=3))[0][2]
    priority = {r[1]: r for r in rows if r[0] == "Relative Priority"}
    assert set(priority) == {"Barrier", "Mixed"}
    assert "“competing priorities” (P01)" in priority["Barrier"][3]  # alex's barrier quotes it first
    assert "competing priorities" not in priority["Mixed"][3]  # so sam's mixed coding of it is not quoted
    assert priority["Mixed"][2] == "1 (1 physician)"  # though sam's coding still counts


def test_rating_table_legend_shading_and_no_rating_without_valence(study, tmp_path):  # noqa: F811
    doc = docx.Document(str(study.export("docx", tmp_path / "r.docx", coder="alex", figures=False)))
    ratings = numbered_tables(doc)[2]
    assert ratings[0][1] == ["Construct", "North", "South"]
    rows = {r[0]: r[1:] for _, _, group in ratings for r in group}
    assert rows["Relative Priority"] == ["−1*", "−1*"]
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Construct" and len(t.columns) == 3)
    row = next(r for r in table.rows if r.cells[0].text == "Relative Priority")
    assert row.cells[1]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == ds.RATING_FILLS["-1"]
    legend = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("−2"))
    assert [c.text.split("  ")[0] for c in legend.rows[0].cells] == ["−2", "−1", "0", "+1", "+2", "X", "M"]
    assert any("* proposed by evalbench" in p.text for p in doc.paragraphs)
    no_ratings = docx.Document(
        str(study.export("docx", tmp_path / "n.docx", coder="alex", figures=False, ratings=False))
    )
    assert 2 not in numbered_tables(no_ratings)


def test_figures_embedded_and_written_as_png_and_svg(study, tmp_path):  # noqa: F811
    from PIL import Image

    folder = tmp_path / "figs"
    folder.mkdir()
    result = study.write_export("docx", tmp_path / "f.docx", coder="alex", figures_dir=folder)
    doc = docx.Document(str(result.path))
    shapes = doc.inline_shapes
    assert len(shapes) >= 2
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Figure ")]
    assert captions[0].startswith("Figure 1. CFIR construct ratings by site")
    assert len(captions) == len(shapes)
    room = Inches(8.5 - 1.5)
    assert all(s.width <= room for s in shapes)
    written = sorted(p.name for p in result.files[1:])
    assert written == sorted(p.name for p in folder.iterdir())
    assert "figure-1-rating-heatmap.png" in written and "figure-1-rating-heatmap.svg" in written
    with Image.open(folder / "figure-2-participants.png") as im:
        assert round(im.info["dpi"][0]) == 300
        assert im.width / 300 <= 7.05  # drawn at a journal's two-column width at most
    for png in folder.glob("*.png"):  # nothing cut at an edge: a white margin all round
        with Image.open(png) as im:
            grey = im.convert("L")
            w, h = grey.size
            edges = [grey.getpixel((x, y)) for x in range(w) for y in (0, 3, h - 4, h - 1)]
            edges += [grey.getpixel((x, y)) for y in range(h) for x in (0, 3, w - 4, w - 1)]
            assert min(edges) > 245, png.name
    plain = docx.Document(str(study.export("docx", tmp_path / "p.docx", coder="alex", figures=False)))
    assert len(plain.inline_shapes) == 0


def test_same_project_gives_identical_files_without_a_machine_author(study, tmp_path):  # noqa: F811
    a = study.export("docx", tmp_path / "a.docx", coder="alex")
    b = study.export("docx", tmp_path / "b.docx", coder="alex")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        core = z.read("docProps/core.xml").decode()
        everything = b"".join(z.read(n) for n in z.namelist()).decode("utf-8", "replace")
    assert "python-docx" not in core and "<dc:creator></dc:creator>" in core
    assert "tester" not in everything
    assert docx.Document(io.BytesIO(a.read_bytes())).core_properties.author == ""


def test_codebook_appendix(study, tmp_path):  # noqa: F811
    doc = docx.Document(
        str(study.export("docx", tmp_path / "x.docx", coder="alex", figures=False, ratings=False, codebook=True))
    )
    assert any(p.text.startswith("Codebook:") for p in doc.paragraphs)
    assert "Relative Priority" in [c.text.split("\n")[0] for c in doc.tables[-1].columns[0].cells]


def test_cancelled_export_writes_nothing(study, tmp_path):  # noqa: F811
    import threading

    cancel = threading.Event()
    seen = []

    def progress(done, total, message):
        seen.append(message)
        if done == 1:
            cancel.set()

    with pytest.raises(UserError, match="cancelled"):
        study.export("docx", tmp_path / "c.docx", coder="alex", progress=progress, cancel=cancel)
    assert not (tmp_path / "c.docx").exists()
    assert seen[:2] == ["reading codings", "building the findings table"]


def test_cli_export_options_and_their_errors(study, tmp_path):  # noqa: F811
    path = str(study.path)
    study.close()
    out = tmp_path / "t.docx"
    result = run_cli(
        "export",
        path,
        "-o",
        out,
        "--coder",
        "alex",
        "--paper",
        "a4",
        "--no-figures",
        "--quotes",
        "1",
        "--codebook-appendix",
    )
    assert result.output.splitlines() == ["Counting alex's coding", f"Wrote {out}"]
    assert docx.Document(str(out)).sections[1].page_width == docx.Document(str(out)).sections[1].page_width
    bad = run_cli("export", path, "-o", tmp_path / "x.xlsx", "--coder", "alex", "--paper", "a4", ok=False)
    assert bad.exit_code == 1 and "--paper: not used by a .xlsx export" in bad.output
    bad = run_cli(
        "export", path, "-o", tmp_path / "x.docx", "--coder", "alex", "--layout", "themes", "--no-mixed", ok=False
    )
    assert bad.exit_code == 1 and "--mixed/--no-mixed: only for --layout constructs" in bad.output
    bad = run_cli("export", path, "-o", tmp_path / "x.docx", ok=False)
    assert bad.exit_code == 1 and "--all-coders" in bad.output and len(bad.output.strip().splitlines()) == 1


def test_control_characters_in_a_transcript_do_not_break_the_word_file(project, tmp_path):
    doc = project.add_document(
        make_parsed(
            "odd.txt",
            [
                ("Interviewer", "Go on."),
                ("Nurse Lee", "We had\x0bno time\x07 at all for the reviews, honestly none whatsoever, it was hard."),
            ],
        ),
        {"Interviewer": ("interviewer", "label"), "Nurse Lee": ("participant", "default")},
    )
    text = project.document_text(doc)
    start = text.index("We had")
    project.add_coding(doc, start, text.index("hard.") + 5, "inner.priority", valence="barrier")
    out = project.export("docx", tmp_path / "odd.docx", figures=False)
    quotes = table1(out)[0][2][0][3]
    assert quotes.startswith("“We had no time at all for the reviews")
