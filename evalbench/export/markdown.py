"""Markdown report: the methods paragraph, the findings table, the matrix, ratings and figure links.

The same :class:`evalbench.export.report.Report` as the Word file, so the two
never disagree. A group (domain or category) is a bold full-width row, as in
Word; quotes are separated by line breaks. With ``--figures-dir`` the figures
are linked by a path relative to the Markdown file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.export.table_model import GroupedTable, cell_text

if TYPE_CHECKING:
    from evalbench.export.registry import ExportJob
    from evalbench.export.report import Report


def export_markdown(job: ExportJob) -> None:
    """The ``md`` writer of :mod:`evalbench.export.registry`: the report, and its figures as files if asked."""
    from evalbench.export.report import build_report

    opts = job.options
    steps = job.steps(5)
    steps("reading codings")
    report = build_report(
        job.ctx,
        ratings=opts.ratings,
        figures=opts.figures_dir is not None,
        svg=opts.figures_dir is not None,
        steps=steps,
    )
    steps("writing Markdown")
    job.files[job.out] = write_markdown(report, figures_dir=opts.figures_dir, out=job.out)
    job.add_figures(report.figures)


def md_cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    text = "" if text is None else str(text)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>").strip()


def grouped_lines(table: GroupedTable, number: int | None = None, *, heading: bool = True) -> list[str]:
    """A grouped table as a Markdown heading, one pipe table (group rows in bold) and its notes."""
    lines = [f"## Table {number}. {table.title}" if number else f"## {table.title}", ""] if heading else []
    if not table.groups:
        return lines + ["No codings yet.", ""]
    rows: list[list] = []
    width = len(table.columns)
    for group in table.groups:
        rows.append([f"**{md_cell(group.title)}**"] + [""] * (width - 1))
        rows += [[cell_text(v) for v in row] for row in group.rows]
    header = [c.title.replace("/ ", "/") for c in table.columns]
    body = ["| " + " | ".join(md_cell(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        first = row[0] if row[0].startswith("**") else md_cell(row[0])
        body.append("| " + " | ".join([first, *(md_cell(v) for v in row[1:])]) + " |")
    lines += body + [""]
    for note in table.notes:
        lines += [f"Note: {note}", ""]
    return lines


def write_markdown(report: Report, *, figures_dir: Path | None = None, out: Path | None = None) -> str:
    """The report's text."""
    from evalbench.export.ratings_table import LEGEND_NOTE

    ctx = report.ctx
    lines = [f"# {ctx.project.name}: findings", "", report.summary.text, ""]
    number = 1
    lines += grouped_lines(report.findings, number)
    if report.matrix is not None:
        number += 1
        lines += grouped_lines(report.matrix, number)
    if report.rating_table is not None:
        number += 1
        lines += grouped_lines(report.rating_table, number)
        lines += [f"Note: {LEGEND_NOTE}", ""]
    if figures_dir is not None and report.figures:
        base = Path(out).parent if out is not None else Path(".")
        for n, figure in enumerate(report.figures, 1):
            target = Path(figures_dir) / f"figure-{n}-{figure.name}.png"
            rel = Path(os.path.relpath(target, base)).as_posix()
            lines += [f"![Figure {n}]({rel})", "", f"**Figure {n}.** {figure.caption}", ""]
    return "\n".join(lines).rstrip() + "\n"
