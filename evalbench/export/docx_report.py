"""Word (.docx) report: methods paragraph, findings table, matrix, ratings, figures, codebook appendix.

Layout: a portrait first page with the title and the methods paragraph; a
landscape section with Table 1, the findings table (construct or themes
layout, see :mod:`evalbench.export.docx_tables` for how group rows repeat on a
continued page), then the optional matrix and the construct × site ratings
with their legend; a portrait section with the figures, each with a caption;
optionally the codebook appendix (built by :mod:`evalbench.codebook.appendix`,
copied in, so there is one appendix writer). Letter or A4 paper. All tables
use the named styles of :mod:`evalbench.export.docx_style`. The content
depends only on the project: no dates or user names in the body, and the core
properties are set explicitly (see :mod:`evalbench.ooxml`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from evalbench.export import docx_style as ds
from evalbench.export.docx_tables import write_grouped_table
from evalbench.export.ratings_table import LEGEND_NOTE
from evalbench.ooxml import deterministic_package

if TYPE_CHECKING:
    from docx.document import Document

    from evalbench.export.common import Step
    from evalbench.export.figures import Figure
    from evalbench.export.registry import ExportJob
    from evalbench.export.report import Report
    from evalbench.export.source import ExportSource


def export_docx(job: ExportJob) -> None:
    """The ``docx`` writer of :mod:`evalbench.export.registry`: the report, and its figures as files if asked."""
    from evalbench.export.report import build_report

    opts = job.options
    steps = job.steps(7)
    steps("reading codings")
    embed = opts.figures is not False
    report = build_report(
        job.ctx,
        ratings=opts.ratings,
        figures=embed or opts.figures_dir is not None,
        svg=opts.figures_dir is not None,
        steps=steps,
    )
    job.files[job.out] = write_docx(report, codebook=opts.codebook, figures=embed, steps=steps)
    job.add_figures(report.figures)


def _doc(paper: str) -> Document:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    ds.set_orientation(document.sections[0], landscape=False, paper=paper)
    ds.ensure_table_style(document)
    return document


def rating_legend(document: Document, width_in: float) -> None:
    """A one-row table of the rating colours and what each means, placed just above the rating table."""
    from docx.shared import Inches, RGBColor

    table = document.add_table(rows=1, cols=len(ds.RATING_MEANINGS))
    ds.style_table(table, header_row=False)
    for cell, (key, meaning) in zip(table.rows[0].cells, ds.RATING_MEANINGS):
        run = cell.paragraphs[0].add_run(f"{ds.rating_text(key)}  {meaning}")
        if key in ds.RATING_TEXT:
            run.font.color.rgb = RGBColor.from_string(ds.RATING_TEXT[key])
        ds.shade(cell, ds.RATING_FILLS[key])
    ds.keep_with_next(table.rows[0])
    ds.fix_widths(table, [Inches(width_in / len(ds.RATING_MEANINGS))] * len(ds.RATING_MEANINGS))
    document.add_paragraph(LEGEND_NOTE, style=document.styles[ds.NOTE_STYLE]).paragraph_format.keep_with_next = True


def add_figures(document: Document, figures: Sequence[Figure], paper: str, *, first_number: int = 1) -> None:
    """A portrait section with each figure at its drawn size (never wider than the text) and its caption."""
    from docx.shared import Inches

    ds.new_section(document, landscape=False, paper=paper)
    room = ds.text_width_in(paper, landscape=False)
    tall = ds.text_height_in(paper, landscape=False) - 0.9  # the caption's lines below it
    for n, figure in enumerate(figures, first_number):
        width = min(figure.width_in, room, figure.width_in * tall / figure.height_in)
        picture = document.add_paragraph()
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(figure.png), width=Inches(width))
        caption = document.add_paragraph()
        caption.add_run(f"Figure {n}. ").bold = True
        caption.add_run(figure.caption)


def append_codebook(document: Document, project: ExportSource, paper: str) -> None:
    """Copy the codebook appendix made by the codebook module into a new landscape section."""
    import tempfile
    from pathlib import Path

    import docx

    from evalbench.codebook.appendix import write_codebook_docx
    from evalbench.codebook.model import make_codebook

    book = make_codebook(project.codes(), meta={"name": project.name})
    with tempfile.TemporaryDirectory(prefix="evalbench-") as tmp:
        path = Path(tmp) / "codebook.docx"
        write_codebook_docx(book, path)
        appendix = docx.Document(str(path))
    ds.new_section(document, landscape=True, paper=paper)
    body = document.element.body
    sect_pr = body[-1]
    for element in list(appendix.element.body):
        if element.tag.endswith("}sectPr"):
            continue
        body.insert(body.index(sect_pr), element)


def write_docx(report: Report, *, codebook: bool = False, figures: bool = True, steps: Step | None = None) -> bytes:
    """The report's bytes, from a built :class:`evalbench.export.report.Report` (its figures embedded
    unless ``figures`` is False)."""
    from evalbench.export.common import export_timestamp

    step = steps or (lambda _message: None)
    ctx = report.ctx
    paper = ctx.options.paper
    step("writing the Word tables")
    document = _doc(paper)
    project = ctx.project
    document.add_heading(project.name, level=1)
    document.add_heading("Methods: data and coding", level=2)
    document.add_paragraph(report.summary.text)
    ds.new_section(document, landscape=True, paper=paper)
    width = ds.text_width_in(paper, landscape=True)
    number = 1
    write_grouped_table(document, report.findings, number=number, total_in=width)
    if report.matrix is not None:
        number += 1
        write_grouped_table(document, report.matrix, number=number, total_in=width)
    if report.rating_table is not None:
        number += 1
        heading = document.add_heading(f"Table {number}. {report.rating_table.title}", level=2)
        heading.paragraph_format.keep_with_next = True
        rating_legend(document, width)
        write_grouped_table(document, report.rating_table, number=number, total_in=width, heading=False)
    if figures and report.figures:
        add_figures(document, report.figures, paper)
    if codebook:
        step("adding the codebook")
        append_codebook(document, project, paper)
    step("saving")
    buf = io.BytesIO()
    document.save(buf)
    return deterministic_package(buf.getvalue(), title=project.name, stamp=export_timestamp(project.store))
