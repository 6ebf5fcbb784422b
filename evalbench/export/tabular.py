"""Excel (.xlsx) and CSV exports: one row per coded excerpt, plus findings, matrices, ratings, codebook.

Both formats hold the same tables (:func:`tables`), in this order: Excerpts
(one row per coding), Themes and the thematic matrix (when the project has
themes), Matrix by participant (and by ``--by``), Frequencies, the rating
matrix and Ratings by site (when participants have sites), Codebook. The
workbook (:mod:`evalbench.export.xlsx_book`) adds a README sheet; the CSV
export writes the excerpts to the file asked for and every other table beside
it as ``<name>.<table>.csv``, and reports each file. Text cells that a
spreadsheet would run as a formula are escaped (:func:`safe_cell`) in every
table, headers included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.export.common import excerpt_columns, excerpt_rows, export_timestamp, safe_cell, table_rows
from evalbench.export.xlsx_book import SheetSpec

if TYPE_CHECKING:
    from evalbench.export.common import Step
    from evalbench.export.context import ReportContext
    from evalbench.export.ratings_table import RatingCell
    from evalbench.export.registry import ExportJob

CODEBOOK_COLUMNS = ["code_id", "name", "parent_id", "definition", "inclusion", "exclusion", "examples", "keywords"]
RATING_COLUMNS = ["code_id", "construct", "site", "rating", "confirmed", "proposed", "rationale"]


def export_xlsx(job: ExportJob) -> None:
    """The ``xlsx`` writer of :mod:`evalbench.export.registry`: the workbook, and the figures as files if asked."""
    steps = job.steps(4)
    steps("reading codings")
    job.files[job.out] = write_xlsx(job.ctx, steps=steps)
    if job.options.figures_dir is not None:
        from evalbench.export.report import build_report

        job.add_figures(build_report(job.ctx, figures=True, svg=True).figures)


def export_csv(job: ExportJob) -> None:
    """The ``csv`` writer of :mod:`evalbench.export.registry`: every table, with a BOM so Excel reads accents."""
    steps = job.steps(3)
    steps("reading codings")
    job.files.update({path: "\ufeff" + text for path, text in write_csv(job.ctx, job.out, steps=steps).items()})


def _rating_value(rating: str | None) -> int | str | None:
    """-2…+2 as numbers (sortable, and never mistaken for a formula), X and M as text, None when not rated."""
    if rating is None:
        return None
    return int(rating) if rating not in ("X", "M") else rating


def tables(ctx: ReportContext) -> list[tuple[str | None, SheetSpec]]:
    """(CSV file suffix, or None for the excerpts file; the table) for every table of the export."""
    from evalbench.analysis.tables import frequencies, matrix
    from evalbench.export.ratings_table import rating_cells
    from evalbench.export.themes_table import theme_sheets

    project, frame, tree, opts = ctx.project, ctx.frame, ctx.tree, ctx.options
    columns = excerpt_columns(frame)
    out: list[tuple[str | None, SheetSpec]] = [
        (
            None,
            SheetSpec(
                "Excerpts",
                columns,
                list(excerpt_rows(frame, tree, project.store.provenance.suggestion_models())),
                "One row per coded excerpt: transcript, participant and their "
                "attributes, turn, speaker, code, construct, "
                "domain, valence, coder, origin (manual; suggestion: accepted by that "
                "coder from an evalbench suggestion; "
                "rule: applied by keyword rules; import; merge), the suggesting model's "
                "name and version, starred, memo, "
                "the text, and its character offsets.",
                wrap={columns.index("text"), columns.index("memo")},
                freeze_cols=2,
            ),
        )
    ]
    out += theme_sheets(ctx)
    linked = sorted({d.participant for d in project.documents() if d.participant})
    for group in dict.fromkeys(["participant", *([opts.by] if opts.by else [])]):
        values = linked if group == "participant" else project.group_values(group)
        table = matrix(frame, tree, by=group, level="code", columns=values)
        header, rows = table_rows(table, index_label="code_id")
        out.append(
            (
                f"matrix-{group}",
                SheetSpec(
                    f"Matrix by {group}",
                    header,
                    rows,
                    f"Codes (rows) × {group}s: codings per cell, every code that has codings.",
                    scale=(2, len(header) - 1) if len(header) > 2 else None,
                    freeze_cols=2,
                ),
            )
        )
    header, rows = table_rows(frequencies(frame, tree, by=opts.by, all_codes=True), index_label="code_id")
    out.append(
        (
            "frequencies",
            SheetSpec(
                "Frequencies",
                header,
                rows,
                "Per code of the codebook: codings, transcripts, participants, codings by "
                "valence" + (f", and participants per {opts.by}." if opts.by else "."),
                freeze_cols=2,
            ),
        )
    )
    cells = rating_cells(ctx)
    if cells:
        out.append((None, _rating_matrix(ctx, cells)))
        out.append(
            (
                "ratings-site",
                SheetSpec(
                    "Ratings by site",
                    RATING_COLUMNS,
                    [
                        [
                            safe_cell(v)
                            for v in (
                                c.code_id,
                                c.construct,
                                c.site,
                                _rating_value(c.rating),
                                "yes" if c.confirmed else "",
                                _rating_value(c.proposed),
                                c.rationale,
                            )
                        ]
                        for c in cells
                    ],
                    "One row per construct × site: the rating (confirmed by the team, else "
                    "evalbench's proposal), whether "
                    "it is confirmed, the proposal, and why. Empty when the construct was "
                    "coded there without a valence.",
                    wrap={6},
                ),
            )
        )
    codebook = [
        [
            safe_cell(v)
            for v in (
                c.id,
                c.name,
                c.parent_id,
                c.definition,
                c.inclusion,
                c.exclusion,
                "; ".join(c.examples),
                "; ".join(c.keywords),
            )
        ]
        for c in project.codes()
    ]
    out.append(
        (
            "codebook",
            SheetSpec(
                "Codebook",
                CODEBOOK_COLUMNS,
                codebook,
                "Every code: ID, name, parent, definition, inclusion and exclusion criteria, examples, keywords.",
                wrap={3, 4, 5, 6},
            ),
        )
    )
    return out


def _rating_matrix(ctx: ReportContext, cells: list[RatingCell]) -> SheetSpec:
    """Constructs × sites, each cell the rating as printed in Word and filled with the same colour.

    −2…+2 are numbers (sortable, never read as a formula) shown with their sign by the number format, and
    a "*" for a proposal not yet confirmed; X, M and "–" (not rated) are text.
    """
    from evalbench.export.ratings_table import rating_fill

    tree = ctx.tree
    sites = sorted({c.site for c in cells})
    by_code: dict[str, dict[str, RatingCell]] = {}
    for c in cells:
        by_code.setdefault(c.code_id, {})[c.site] = c
    rows: list[list[object]] = []
    looks: list[list[dict[str, object] | None]] = []
    for code_id in sorted(by_code, key=lambda cid: (tree.order.get(cid, 10**9), cid)):
        first = next(iter(by_code[code_id].values()))
        row: list[object] = [safe_cell(tree.name(first.domain_id)), safe_cell(first.construct)]
        look: list[dict[str, object] | None] = [None, None]
        for site in sites:
            cell = by_code[code_id].get(site)
            number = _rating_value(cell.rating) if cell is not None else None
            numeric = isinstance(number, int)
            row.append(number if numeric else (cell.text if cell else ""))
            fill, color = rating_fill(cell.rating) if cell else (None, None)
            props: dict[str, object] = {"align": "center"}
            if fill:
                props.update(bg_color="#" + fill, font_color="#" + (color or "000000"))
            if cell is not None and numeric:
                star = "" if cell.confirmed else '"*"'
                props["num_format"] = f'+0{star};"−"0{star};0{star}'
            look.append(props)
        rows.append(row)
        looks.append(look)
    return SheetSpec(
        "Rating matrix",
        ["domain", "construct", *[safe_cell(s) for s in sites]],
        rows,
        "Constructs × sites, coloured as in the Word report (red negative to blue positive influence, −2…+2, "
        "stored as numbers; X mixed; M missing); * proposed by evalbench, not yet confirmed; – coded without a "
        "valence, not rated.",
        fill=lambda r, c, _v: looks[r][c] if c < len(looks[r]) else None,
        freeze_cols=2,
    )


def write_xlsx(ctx: ReportContext, *, steps: Step | None = None) -> bytes:
    """The workbook's bytes (the caller writes them atomically)."""
    from evalbench import __version__
    from evalbench.export.xlsx_book import write_book

    step = steps or (lambda _message: None)
    step("building tables")
    specs = [spec for _, spec in tables(ctx)]
    step("writing workbook")
    project = ctx.project
    intro = [
        f"Project: {project.path.name}",
        f"Counts: {ctx.choice.description}",
        *_assistance_line(ctx),
        f"Written by evalbench {__version__}. Each sheet is an Excel table: filter and sort from its header.",
        "Text that starts like a formula (= + - @) begins with an apostrophe, so it is never run.",
    ]
    return write_book(specs, title=project.name, stamp=export_timestamp(project.store), intro=intro)


def _assistance_line(ctx: ReportContext) -> list[str]:
    """The AI-assistance disclosure of the counted codings, when any began as suggestions or came from rules."""
    from evalbench.suggest.disclosure import ai_assistance

    if not len(ctx.frame):
        return []
    found = ai_assistance(ctx.project.store, coding_ids=[int(i) for i in ctx.frame["coding_id"]])
    return [f"AI assistance: {found.sentence}"] if found.used or found.rule_codings else []


def _csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(ctx: ReportContext, out: Path, *, steps: Step | None = None) -> dict[Path, str]:
    """Path -> text of every CSV file to write (the caller adds a BOM so Excel reads accents)."""
    step = steps or (lambda _message: None)
    step("building tables")
    files: dict[Path, str] = {}
    for suffix, spec in tables(ctx):
        if suffix is None and spec.title != "Excerpts":
            continue  # the coloured rating matrix is a workbook view of the ratings file
        path = out if suffix is None else out.with_name(f"{out.stem}.{suffix}{out.suffix or '.csv'}")
        files[path] = _csv_text(spec.header, spec.rows)
    return files
