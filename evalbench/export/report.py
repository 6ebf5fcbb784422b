"""The content of a report, built once and rendered by the Word and Markdown writers.

A :class:`Report` holds the methods paragraph's figures, the findings table
(construct or themes layout), the optional matrix (rows of the findings table
× site, role, participant or an attribute: participant counts), the
construct × site ratings and the figures, all as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalbench.export.construct_table import construct_table, row_label, row_unit
from evalbench.export.ratings_table import RatingCell, rating_cells, rating_table
from evalbench.export.summary import StudySummary, study_summary
from evalbench.export.table_model import Column, Group, GroupedTable

if TYPE_CHECKING:
    from evalbench.export.common import Step
    from evalbench.export.context import ReportContext
    from evalbench.export.figures import Figure


@dataclass
class Report:
    ctx: ReportContext
    summary: StudySummary
    findings: GroupedTable
    matrix: GroupedTable | None = None
    ratings: list[RatingCell] = field(default_factory=list)
    rating_table: GroupedTable | None = None
    figures: list[Figure] = field(default_factory=list)
    bars: list[tuple[str, str, dict[str, int]]] = field(default_factory=list)  #: (group, row, participants by …)


def build_report(
    ctx: ReportContext,
    *,
    ratings: bool | None = None,
    figures: bool = False,
    svg: bool = False,
    steps: Step | None = None,
) -> Report:
    """Everything a report shows; ``steps`` (a :class:`Steps`) marks progress between the slow parts."""
    step = steps or (lambda _message: None)
    opts = ctx.options
    summary = study_summary(ctx.project, ctx.frame, ctx.choice)
    step("building the findings table")
    if opts.layout == "themes":
        from evalbench.export.themes_table import theme_bars, theme_matrix, themes_table

        findings = themes_table(ctx)
        bars = theme_bars(ctx)
        matrix = theme_matrix(ctx, opts.matrix) if opts.matrix else None
    else:
        findings = construct_table(ctx)
        bars = construct_bars(ctx)
        matrix = construct_matrix(ctx, opts.matrix) if opts.matrix else None
    report = Report(ctx, summary, findings, matrix, bars=bars)
    step("rating constructs by site")
    has_sites = bool(len(ctx.frame)) and ctx.frame["site"].notna().any()
    if has_sites and ratings is not False:
        report.ratings = rating_cells(ctx)
        report.rating_table = rating_table(ctx, report.ratings) if report.ratings else None
    if figures:
        step("drawing figures")
        report.figures = report_figures(report, svg=svg)
    return report


def construct_bars(ctx: ReportContext) -> list[tuple[str, str, dict[str, int]]]:
    """(domain, row label, {group: distinct participants}) per coded construct (or subconstruct), any valence,
    in codebook order."""
    frame, tree = ctx.frame, ctx.tree
    if not len(frame):
        return []
    breakdown = ctx.breakdown()
    values = breakdown[1] if breakdown else [""] * len(frame)
    people: dict[str, dict[str, str]] = {}
    for code_id, participant, value in zip(frame["code_id"], frame["participant"], values):
        people.setdefault(row_unit(tree, code_id, ctx.options.fold_subconstructs), {})[participant] = value
    out = []
    for unit in sorted(people, key=lambda cid: (tree.order.get(cid, 10**9), cid)):
        counts: dict[str, int] = {}
        for value in people[unit].values():
            counts[value] = counts.get(value, 0) + 1
        top = (tree.chain(unit) or [unit])[0]
        out.append((tree.name(top), row_label(tree, unit), counts))
    return out


def construct_matrix(ctx: ReportContext, by: str) -> GroupedTable:
    """Coded constructs (grouped by domain) × values of ``by``: distinct participants per cell."""
    frame, tree = ctx.frame, ctx.tree
    values, columns = matrix_columns(ctx, by)
    cells: dict[str, dict[str, set]] = {}
    for code_id, participant, value in zip(frame["code_id"], frame["participant"], values):
        unit = row_unit(tree, code_id, ctx.options.fold_subconstructs)
        cells.setdefault(unit, {}).setdefault(value, set()).add(participant)
    groups: dict[str, Group] = {}
    for unit in sorted(cells, key=lambda cid: (tree.order.get(cid, 10**9), cid)):
        top = (tree.chain(unit) or [unit])[0]
        row = [row_label(tree, unit)] + [len(cells[unit].get(c, ())) for c in columns]
        groups.setdefault(top, Group(tree.name(top))).rows.append(row)
    return GroupedTable(
        f"Participants per construct, by {by}",
        [Column("Construct", "label")] + [Column(c, "short") for c in columns],
        list(groups.values()),
        notes=[matrix_note(by)],
        group_label="Domain",
        repeat_groups=False,
    )


def matrix_columns(ctx: ReportContext, by: str) -> tuple[list[str], list[str]]:
    """(value of ``by`` per frame row, the matrix's columns: every value in the project, coded or not)."""
    frame = ctx.frame
    if by == "participant":  # every participant in the project, coded or not, then unlinked transcripts
        values = list(frame["participant"])
        linked = {d.participant for d in ctx.project.documents() if d.participant}
        return values, sorted(linked) + sorted(set(values) - linked)
    breakdown = ctx.breakdown(by)
    if breakdown is None:
        from evalbench.errors import UserError

        raise UserError(f"--matrix {by}: no participant has a {by!r} attribute")
    values = breakdown[1]
    columns = sorted(set(ctx.project.group_values(by)) | set(values), key=_last_if_missing)
    return values, columns


def _last_if_missing(value: str) -> tuple[bool, str]:
    return (value in ("unknown", "no participant linked"), value)


def matrix_note(by: str) -> str:
    return (
        f"Cells: distinct participants with at least one coded excerpt in the row, per {by}. "
        "The quotes behind a cell: Enter on it in the workbench's analysis screen (F4)."
    )


def report_figures(report: Report, *, svg: bool = False) -> list[Figure]:
    """The figures that have something to show, in order: ratings, participants, co-occurrence."""
    from evalbench.analysis.tables import cooccurrence
    from evalbench.export.figures import cooccurrence_heatmap, participants_by_group, rating_heatmap

    ctx = report.ctx
    breakdown = ctx.breakdown()
    what = "theme" if ctx.options.layout == "themes" else "construct"
    made = [
        rating_heatmap(report.ratings, ctx.tree, svg=svg),
        participants_by_group(
            report.bars, breakdown[0] if breakdown else None, what, limit=what == "construct", svg=svg
        ),
        cooccurrence_heatmap(cooccurrence(ctx.frame, ctx.tree, level="construct") if len(ctx.frame) else None, svg=svg),
    ]
    return [f for f in made if f is not None]
