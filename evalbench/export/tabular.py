"""Excel (.xlsx) and CSV exports: one row per coded excerpt, plus matrices, frequencies, codebook.

The xlsx workbook (written by :mod:`evalbench.export.xlsx_writer`) has the
sheets Excerpts, Matrix by participant (and Matrix by <by> when asked),
Frequencies, Ratings by site (when participants have sites; the confirmed ratings of the
export's coder, else evalbench's proposal) and Codebook. The CSV export writes the
excerpts to the file asked for and the other tables beside it as
``<name>.matrix-participant.csv``, ``<name>.frequencies.csv``,
``<name>.codebook.csv`` (and ``<name>.matrix-<by>.csv``, ``<name>.ratings-site.csv``). Text cells that a
spreadsheet would run as a formula are escaped (see :func:`safe_cell`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from evalbench.export.common import (
    Steps,
    excerpt_columns,
    excerpt_rows,
    export_timestamp,
    safe_cell,
    table_rows,
)

CODEBOOK_COLUMNS = ["code_id", "name", "parent_id", "definition", "inclusion", "exclusion", "examples",
                    "keywords"]


def _tables(project, frame, tree, by: str | None, coder: str | None = None) -> list[tuple[str, str, list, list]]:
    """(sheet title, file suffix, header, rows) for every table after the excerpts."""
    from evalbench.analysis.tables import frequencies, matrix

    out = []
    for group in dict.fromkeys(["participant", *([by] if by else [])]):
        table = matrix(frame, tree, by=group, level="code", columns=project.group_values(group))
        header, rows = table_rows(table, index_label="code_id")
        out.append((f"Matrix by {group}"[:31], f"matrix-{group}", header, rows))
    header, rows = table_rows(frequencies(frame, tree, by=by, all_codes=True), index_label="code_id")
    out.append(("Frequencies", "frequencies", header, rows))
    if len(frame) and frame["site"].notna().any():
        out.append(("Ratings by site", "ratings-site", *_ratings(project, frame, tree, coder)))
    codebook = [[safe_cell(v) for v in (c.id, c.name, c.parent_id, c.definition, c.inclusion, c.exclusion,
                                          "; ".join(c.examples), "; ".join(c.keywords))]
                for c in project.codes()]
    out.append(("Codebook", "codebook", CODEBOOK_COLUMNS, codebook))
    return out


RATING_COLUMNS = ["code_id", "construct", "site", "rating", "confirmed", "proposed", "rationale"]


def _ratings(project, frame, tree, coder: str | None = None) -> tuple[list, list]:
    """Construct × site ratings, one row each: the stored rating (else the proposal) and why.

    Stored ratings are ``coder``'s, the coder the export is for (default: the current coder).
    """
    from evalbench.analysis.ratings import propose_all

    table = propose_all(frame, tree, "site")
    table = table[table["code_id"].isin(set(frame["construct_id"]))]
    stored = {(r.code_id, r.scope_value): r for r in project.ratings("site", coder=coder)}
    rows = []
    for code_id, name, site, proposed, why in zip(table["code_id"], table["code"], table["scope_value"],
                                                  table["proposed"], table["rationale"], strict=True):
        mine = stored.get((code_id, site))
        rows.append([safe_cell(v) for v in (
            code_id, name, site, _rating_value(mine.rating if mine else proposed), "yes" if mine else "",
            _rating_value(proposed), mine.rationale if mine else why)])
    return RATING_COLUMNS, rows


def _rating_value(rating: str):
    """-2…+2 as numbers (sortable, and never mistaken for a formula), X and M as text."""
    return int(rating) if rating not in ("X", "M") else rating


def write_xlsx(project, out: Path, *, by: str | None = None, coder: str | None = None,
               progress=None, cancel=None) -> bytes:
    """The workbook's bytes (the caller writes them atomically)."""
    from evalbench.export.xlsx_writer import Sheet, write_workbook

    steps = Steps(3, progress, cancel)
    steps("reading codings")
    frame, tree = project.codings_frame(coder)
    steps("building tables")
    columns = excerpt_columns(frame)
    text_col = columns.index("text")
    widths = {**{i: 14 for i in range(len(columns))}, 0: 24, columns.index("code"): 28, text_col: 80}
    sheets = [Sheet("Excerpts", columns, excerpt_rows(frame, tree), widths, wrap_col=text_col)]
    sheets += [Sheet(title, header, rows, {0: 34, 1: 30}) for title, _, header, rows in
               _tables(project, frame, tree, by, coder)]
    steps("writing workbook")
    data = write_workbook(sheets, title=project.name, stamp=export_timestamp(project))
    steps.finish()
    return data


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
    for _, suffix, header, rows in _tables(project, frame, tree, by, coder):
        files[out.with_name(f"{out.stem}.{suffix}{out.suffix or '.csv'}")] = _csv_text(header, rows)
    steps("writing files")
    steps.finish()
    return files
