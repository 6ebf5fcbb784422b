"""The themes layout of the findings table, the thematic matrix, and their spreadsheet sheets.

Rows come from the findings area (``project.themes.table`` and
``project.themes.matrix``, computed from the same coding choice as the rest of
the export): one row per theme, grouped under its category (Successes,
Barriers, Lessons learned…) as Theme | [CFIR] | Description | n participants
(roles) | exemplar quotes (participant ID). A transcript with no linked
participant counts as one person, shown as "no participant linked".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.export.common import safe_cell
from evalbench.export.report import matrix_note
from evalbench.export.summary import names
from evalbench.export.table_model import Column, Group, GroupedTable, Quote, cell_text
from evalbench.export.xlsx_book import SheetSpec

if TYPE_CHECKING:
    from evalbench.export.context import ReportContext
    from evalbench.findings.model import FindingRow

NO_PARTICIPANT = "no participant linked"


def _rows(ctx: ReportContext, *, require: bool = True) -> list[FindingRow]:
    """The findings rows for the context (computed once per export)."""
    cache = ctx.memo.setdefault("theme_rows", {})
    if "rows" not in cache:
        opts = ctx.options
        if not ctx.project.themes.list():
            if require:
                raise UserError(
                    f"{ctx.project.path.name}: no themes yet; add them with `evalbench themes add` "
                    "or `evalbench themes import`, or export --layout constructs"
                )
            cache["rows"] = []
            return cache["rows"]
        by = opts.by or "role"
        cache["by"] = by if (by != "role" or ctx.breakdown("role") is not None) else None
        cache["rows"] = ctx.project.themes.table(
            ctx.choice, by=by, quotes=opts.quotes, min_participants=opts.min_participants if require else 0
        )
    return cache["rows"]


def _count(row: FindingRow, by: str | None) -> str:
    """``"5 (3 physician, 2 nurse)"``, counting a transcript with no participant as one person."""
    total = row.participants + len(row.unlinked_documents)
    if not by or not row.by_group:
        return str(total)
    return f"{total} (" + ", ".join(f"{n} {value.replace('_', ' ')}" for value, n in row.by_group.items()) + ")"


def _title(categories: list[str]) -> str:
    if not categories:
        return "Findings"
    tail = [c[:1].lower() + c[1:] if c[1:2].islower() else c for c in categories[1:]]
    return names([categories[0], *tail])


def themes_table(ctx: ReportContext) -> GroupedTable:
    """The themes layout as a :class:`GroupedTable`."""
    rows = _rows(ctx)
    by = ctx.memo["theme_rows"]["by"]
    opts = ctx.options
    groups: dict[str, Group] = {}
    for row in rows:
        quotes = tuple(Quote(q.text, q.who) for q in row.quotes)
        cells = [row.theme] + ([row.cfir or ""] if opts.cfir else []) + [row.description, _count(row, by), quotes]
        groups.setdefault(row.category, Group(row.category)).rows.append(cells)
    header = f"n participants ({by}s)" if by else "n participants"
    columns = (
        [Column("Theme", "label", max_in=1.6)]
        + ([Column("CFIR construct", "short", max_in=1.3)] if opts.cfir else [])
        + [
            Column("Description", "text", 1.0),
            Column(header, "short", max_in=1.1),
            Column("Exemplar quotes (participant ID)", "quotes", 1.35),
        ]
    )
    table = GroupedTable(
        _title([g.title for g in groups.values()]), columns, list(groups.values()), group_label="Category"
    )
    total = len(ctx.project.themes.list())
    notes = [
        "n participants: distinct participants whose coded words are evidence for the theme"
        + (f", by {by} (from the participants file)" if by else "")
        + ". A theme gathers the codings of its "
        "codes (optionally of one valence) and codings added by hand."
    ]
    if len(rows) < total:
        notes.append(f"{total - len(rows)} theme(s) with fewer than {opts.min_participants} participants are left out.")
    if opts.quotes:
        notes.append(
            "Quotes: exemplars picked by the team first, then proposed ones spread across participants and roles."
        )
    unlinked = sorted({d for row in rows for d in row.unlinked_documents})
    if unlinked:
        notes.append(
            f"Quotes marked “no participant” come from transcripts linked to no participant "
            f"({names(unlinked[:5])}{', …' if len(unlinked) > 5 else ''})."
        )
    table.notes = notes
    return table


def theme_bars(ctx: ReportContext) -> list[tuple[str, str, dict[str, int]]]:
    """(category, theme, {group: participants}) for the participants figure, in table order."""
    rows = _rows(ctx)
    by = ctx.memo["theme_rows"]["by"]
    out = []
    for row in rows:
        if by:
            out.append((row.category, row.theme, {k.replace("_", " "): v for k, v in row.by_group.items()}))
        else:
            out.append((row.category, row.theme, {"": row.participants + len(row.unlinked_documents)}))
    return out


def theme_matrix(ctx: ReportContext, by: str) -> GroupedTable:
    """Themes (grouped by category) × values of ``by``: distinct participants per cell."""
    if not ctx.project.themes.list():
        raise UserError(f"{ctx.project.path.name}: no themes yet for the thematic matrix")
    frame = ctx.project.themes.matrix(ctx.choice, by)
    values = [c for c in frame.columns if c not in ("category", "theme")]
    groups: dict[str, Group] = {}
    for row in frame.itertuples(index=False):
        category, theme, *counts = row
        groups.setdefault(category, Group(category)).rows.append([theme, *(int(n) for n in counts)])
    return GroupedTable(
        f"Participants per theme, by {by}",
        [Column("Theme", "label")] + [Column(str(v).replace("_", " "), "short") for v in values],
        list(groups.values()),
        notes=[matrix_note(by)],
        group_label="Category",
        repeat_groups=False,
    )


def theme_sheets(ctx: ReportContext) -> list[tuple[str | None, SheetSpec]]:
    """(CSV suffix, sheet) for the Themes table and the thematic matrix; none when there are no themes."""
    rows = _rows(ctx, require=False)
    if not rows:
        if ctx.options.matrix:
            ctx.result.warn(
                f"--matrix {ctx.options.matrix}: the project has no themes yet, so the workbook has no "
                "thematic matrix (the construct matrices are there)"
            )
        return []
    by = ctx.memo["theme_rows"]["by"] or "role"
    header = [
        "category",
        "theme",
        "description",
        "cfir_code_id",
        "cfir",
        "participants",
        f"by {by}",
        "documents",
        "codings",
        "unlinked transcripts",
        "exemplar quotes",
    ]
    body = [
        [
            safe_cell(v)
            for v in (
                row.category,
                row.theme,
                row.description,
                row.cfir_code_id,
                row.cfir,
                row.participants + len(row.unlinked_documents),
                ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in row.by_group.items()),
                row.documents,
                row.codings,
                "; ".join(row.unlinked_documents),
                cell_text(tuple(Quote(q.text, q.who) for q in row.quotes)),
            )
        ]
        for row in rows
    ]
    sheets: list[tuple[str | None, SheetSpec]] = [
        (
            "themes",
            SheetSpec(
                "Themes",
                header,
                body,
                "The findings table: one row per theme in table order, with its category, "
                "description, CFIR mapping, distinct participants (transcripts with no participant count as one person "
                f"each) and their breakdown by {by}, transcripts, codings and exemplar quotes.",
                wrap={2, 10},
            ),
        )
    ]
    matrix_by = ctx.options.matrix or "participant"
    frame = ctx.project.themes.matrix(ctx.choice, matrix_by)
    values = [c for c in frame.columns if c not in ("category", "theme")]
    sheets.append(
        (
            f"theme-matrix-{matrix_by}",
            SheetSpec(
                f"Themes by {matrix_by}",
                ["category", "theme", *[safe_cell(str(v)) for v in values]],
                [[safe_cell(r[0]), safe_cell(r[1]), *(int(n) for n in r[2:])] for r in frame.itertuples(index=False)],
                f"The thematic matrix: themes × {matrix_by}, distinct participants per cell (the same counts as "
                f"`evalbench matrix PROJECT --themes --by {matrix_by}`; the quotes "
                f"behind a cell: the analysis screen).",
                scale=(2, 1 + len(values)) if values else None,
                freeze_cols=2,
            ),
        )
    )
    return sheets
