"""Excel (.xlsx) and CSV exports: one row per coded excerpt, plus matrices, frequencies, codebook.

The xlsx workbook has the sheets Excerpts, Matrix by participant (and Matrix
by <by> when asked), Frequencies and Codebook. The CSV export writes the
excerpts to the file asked for and the other tables beside it as
``<name>.matrix-participant.csv``, ``<name>.frequencies.csv``,
``<name>.codebook.csv`` (and ``<name>.matrix-<by>.csv``). Text cells that a
spreadsheet would run as a formula are escaped (see :func:`safe_cell`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from evalbench.export.common import (
    Steps,
    deterministic_package,
    excerpt_columns,
    excerpt_rows,
    export_timestamp,
    safe_cell,
    table_rows,
)

CODEBOOK_COLUMNS = ["code_id", "name", "parent_id", "definition", "inclusion", "exclusion", "examples",
                    "keywords"]


def _tables(project, frame, tree, by: str | None) -> list[tuple[str, str, list, list]]:
    """(sheet title, file suffix, header, rows) for every table after the excerpts."""
    from evalbench.analysis.tables import frequencies, matrix

    out = []
    for group in dict.fromkeys(["participant", *([by] if by else [])]):
        header, rows = table_rows(matrix(frame, tree, by=group, level="code"), index_label="code_id")
        out.append((f"Matrix by {group}"[:31], f"matrix-{group}", header, rows))
    header, rows = table_rows(frequencies(frame, tree, by=by, all_codes=True), index_label="code_id")
    out.append(("Frequencies", "frequencies", header, rows))
    codebook = [[safe_cell(v) for v in (c.id, c.name, c.parent_id, c.definition, c.inclusion, c.exclusion,
                                          "; ".join(c.examples), "; ".join(c.keywords))]
                for c in project.codes()]
    out.append(("Codebook", "codebook", CODEBOOK_COLUMNS, codebook))
    return out


def write_xlsx(project, out: Path, *, by: str | None = None, coder: str | None = None,
               progress=None, cancel=None) -> bytes:
    """The workbook's bytes (the caller writes them atomically)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    steps = Steps(4, progress, cancel)
    steps("reading codings")
    frame, tree = project.codings_frame(coder)
    steps("building tables")
    tables = _tables(project, frame, tree, by)
    steps("writing workbook")
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def sheet(title: str, header: list, rows, widths: dict[int, float] | None = None, wrap_col=None):
        ws = wb.create_sheet(title)
        ws.freeze_panes = "B2"
        for i, width in (widths or {}).items():
            ws.column_dimensions[_letter(i)].width = width
        head = []
        for name in header:
            cell = WriteOnlyCell(ws, value=str(name))
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in rows:
            cells = []
            for i, value in enumerate(row):
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                if i == wrap_col:
                    cell.alignment = wrap
                cells.append(cell)
            ws.append(cells)

    columns = excerpt_columns(frame)
    text_col = columns.index("text")
    sheet("Excerpts", columns, excerpt_rows(frame, tree), {text_col: 80, 0: 28}, wrap_col=text_col)
    for title, _, header, rows in tables:
        sheet(title, header, rows, {0: 34})
    buf = io.BytesIO()
    wb.save(buf)
    steps("finishing")
    data = deterministic_package(buf.getvalue(), title=project.name, stamp=export_timestamp(project))
    steps.finish()
    return data


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _csv_text(header: list, rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(project, out: Path, *, by: str | None = None, coder: str | None = None,
              progress=None, cancel=None) -> dict[Path, str]:
    """Path -> text of every CSV file to write (UTF-8 with BOM so Excel reads accents)."""
    steps = Steps(3, progress, cancel)
    steps("reading codings")
    frame, tree = project.codings_frame(coder)
    steps("building tables")
    files = {out: _csv_text(excerpt_columns(frame), excerpt_rows(frame, tree))}
    for _, suffix, header, rows in _tables(project, frame, tree, by):
        files[out.with_name(f"{out.stem}.{suffix}{out.suffix or '.csv'}")] = _csv_text(header, rows)
    steps("writing files")
    steps.finish()
    return files
