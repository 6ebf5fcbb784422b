"""Word (.docx) report: methods paragraph, theme table, rating matrix and codebook appendix.

Layout: a portrait first page with the title and the methods paragraph; a
landscape section with Table 1 (Domain | Construct or theme |
Barrier/Facilitator | n participants (roles) | Exemplar quotes), whose header
row repeats on every page; optionally Table 2, construct × site ratings with
shaded cells; optionally the codebook appendix (built by
:mod:`evalbench.codebook.appendix`, copied in, so there is one appendix
writer). All tables use the named style of :mod:`evalbench.export.docx_style`.
The content depends only on the project: no dates or user names in the body,
and the core properties are set explicitly (see :mod:`evalbench.ooxml`).
"""

from __future__ import annotations

import io

from evalbench.export import docx_style as ds
from evalbench.export.common import Steps, export_timestamp
from evalbench.export.summary import study_summary
from evalbench.ooxml import deterministic_package

THEME_HEADER = ("Domain", "Construct or theme", "Barrier/ Facilitator", "n participants (roles)",
                "Exemplar quotes (participant ID)")
THEME_WIDTHS_IN = (1.25, 1.55, 0.95, 1.35, 4.4)


def _doc():
    import docx
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    ds.set_orientation(document.sections[0], landscape=False)
    ds.ensure_table_style(document)
    return document


def _header_row(table, titles) -> None:
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        cell.text = title
    ds.repeat_header(table.rows[0])


def theme_table(document, rows, by: str = "role") -> None:
    """Table 1: one row per construct × valence group."""
    from docx.shared import Inches

    document.add_heading("Table 1. Barriers and facilitators by construct", level=2)
    if not rows:
        document.add_paragraph("No codings yet.")
        return
    table = document.add_table(rows=1, cols=len(THEME_HEADER))
    ds.style_table(table, first_col=True)
    header = list(THEME_HEADER)
    if by != "role":
        header[3] = f"n participants ({by}s)"
    _header_row(table, header)
    last = ""
    for r in rows:
        row = table.add_row()
        ds.keep_row_together(row)
        cells = row.cells
        if r.domain != last:  # the construct repeats, so a row read after a page break still says what it is
            cells[0].text = r.domain
        cells[1].text = r.construct
        last = r.domain
        cells[2].text = r.valence_label
        cells[3].text = r.count_text
        for i, (quote, participant) in enumerate(r.quotes):
            para = cells[4].paragraphs[0] if i == 0 else cells[4].add_paragraph()
            para.add_run(f"“{quote}” ")
            para.add_run(f"({participant})").bold = True
    ds.fix_widths(table, [Inches(w) for w in THEME_WIDTHS_IN])
    document.add_paragraph(
        "n participants counts distinct participants with at least one coded excerpt; roles from the "
        "participants file. Quotes: starred exemplars first, then proposed ones spread across participants.")


def rating_table(document, table_df) -> None:
    """Table 2: construct × site ratings, each cell shaded by its rating."""
    from docx.shared import Inches

    document.add_heading("Table 2. Construct ratings by site", level=2)
    sites = list(table_df.columns)
    table = document.add_table(rows=1, cols=1 + len(sites))
    ds.style_table(table, first_col=True)
    _header_row(table, ["Construct", *sites])
    for construct, values in zip(table_df.index, table_df.itertuples(index=False), strict=True):
        cells = table.add_row().cells
        cells[0].text = construct
        for cell, value in zip(cells[1:], values, strict=True):
            cell.text = value
            ds.shade(cell, ds.RATING_FILLS.get(value.rstrip("*"), "FFFFFF"))
    first = 2.6
    rest = max(0.6, min(1.4, (9.5 - first) / max(len(sites), 1)))
    ds.fix_widths(table, [Inches(first)] + [Inches(rest)] * len(sites))
    document.add_paragraph(
        "Ratings: −2/−1 negative influence, 0 neutral, +1/+2 positive influence, X mixed, M missing "
        "(Damschroder & Lowery, 2013). * proposed by evalbench from the codings, not yet confirmed.")


def rating_matrix(project, frame, tree, coder: str | None = None):
    """Construct × site ratings as a DataFrame of strings: confirmed ratings, else the proposal + '*'.

    The confirmed ratings are ``coder``'s, the coder the export is for (default: the current coder).
    """
    import pandas as pd

    from evalbench.analysis.ratings import propose_all

    proposals = propose_all(frame, tree, "site")
    stored = {(r.code_id, r.scope_value): r.rating for r in project.ratings("site", coder=coder)}
    used = set(frame["construct_id"])
    proposals = proposals[proposals["code_id"].isin(used)]
    values = [stored.get((c, s)) or f"{p}*" for c, s, p in
              zip(proposals["code_id"], proposals["scope_value"], proposals["proposed"], strict=True)]
    proposals = proposals.assign(value=values)
    table = proposals.pivot(index="code_id", columns="scope_value", values="value")
    order = sorted(table.index, key=lambda cid: tree.order.get(cid, 10**9))
    table = table.loc[order]
    table.index = pd.Index([tree.name(cid) for cid in order])
    return table


def append_codebook(document, project) -> None:
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
    ds.new_section(document, landscape=True)
    body = document.element.body
    sect_pr = body[-1]
    for element in list(appendix.element.body):
        if element.tag.endswith("}sectPr"):
            continue
        body.insert(body.index(sect_pr), element)


def write_docx(project, *, by: str | None = None, coder: str | None = None, ratings: bool | None = None,
               codebook: bool = False, progress=None, cancel=None) -> bytes:
    """The report's bytes. ``ratings``: include Table 2 (default: when participants have sites)."""
    from evalbench.analysis.themes import theme_rows

    steps = Steps(5, progress, cancel)
    steps("reading codings")
    frame, tree = project.codings_frame(coder)
    summary = study_summary(project, frame, coder=coder)
    document = _doc()
    document.add_heading(f"{project.name}", level=1)
    document.add_heading("Methods: data and coding", level=2)
    document.add_paragraph(summary.text)
    steps("building theme table")
    ds.new_section(document, landscape=True)
    theme_table(document, theme_rows(frame, tree, level="construct", quotes=2, by=by or "role"),
                by or "role")
    steps("building rating matrix")
    has_sites = bool(len(frame)) and frame["site"].notna().any()
    if (ratings is None and has_sites) or (ratings and has_sites):
        rating_table(document, rating_matrix(project, frame, tree, coder))
    steps("adding codebook")
    if codebook:
        append_codebook(document, project)
    steps("saving")
    buf = io.BytesIO()
    document.save(buf)
    data = deterministic_package(buf.getvalue(), title=project.name, stamp=export_timestamp(project))
    steps.finish()
    return data
