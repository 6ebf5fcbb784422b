"""Construct × site ratings for reports: the confirmed rating, else evalbench's proposal, and why.

A rating says how a construct influenced implementation (Damschroder &
Lowery, 2013), so it needs a valence. A construct coded only without one (a
custom "Lessons learned" code, say) is not rated at all, and a site where the
construct's codings carry no valence shows "–": the proposal itself is "no
rating" there (:data:`evalbench.analysis.ratings.NO_VALENCE`), as `evalbench
ratings --propose` and the analysis screen say. "M" (missing: not discussed at that site) is a
fact, not a judgement, so it carries no "*"; every other proposal does until
the team confirms it (``evalbench ratings set``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evalbench.export import docx_style as ds
from evalbench.export.table_model import Cell, Column, Group, GroupedTable

if TYPE_CHECKING:
    from evalbench.export.context import ReportContext

NOT_RATED = "–"


@dataclass(frozen=True)
class RatingCell:
    code_id: str
    construct: str
    domain_id: str
    site: str
    rating: str | None  #: -2…+2, X, M, or None (coded without valence: not rated)
    confirmed: bool
    proposed: str | None
    rationale: str

    @property
    def text(self) -> str:
        """As printed: a minus sign, "*" on a proposal, "–" when not rated."""
        if self.rating is None:
            return NOT_RATED
        star = "" if self.confirmed or self.rating == "M" else "*"
        return ds.rating_text(self.rating) + star


def rating_cells(ctx: ReportContext) -> list[RatingCell]:
    """Every coded construct × site, in codebook then site order (empty when no participant has a site)."""
    from evalbench.analysis.ratings import propose_all

    frame, tree = ctx.frame, ctx.tree
    if not len(frame) or not frame["site"].notna().any():
        return []
    table = propose_all(frame, tree, "site")
    used = set(frame["construct_id"])
    # constructs with a valenced coding somewhere: a proposal that is neither "no rating" nor M (not discussed)
    rated_constructs = {c for c, p in zip(table["code_id"], table["proposed"], strict=True) if p not in (None, "M")}
    stored = {(r.code_id, r.scope_value): r for r in ctx.project.ratings("site", coder=ctx.coder)}
    out = []
    for code_id, site, proposed, why in zip(
        table["code_id"], table["scope_value"], table["proposed"], table["rationale"], strict=True
    ):
        mine = stored.get((code_id, site))
        if code_id not in used or (code_id not in rated_constructs and mine is None):
            continue
        out.append(
            RatingCell(
                code_id=code_id,
                construct=tree.name(code_id),
                domain_id=(tree.chain(code_id) or [code_id])[0],
                site=site,
                rating=mine.rating if mine else proposed,
                confirmed=mine is not None,
                proposed=proposed,
                rationale=mine.rationale if mine and mine.rationale else why,
            )
        )
    return out


def rating_fill(rating: str | None) -> tuple[str | None, str | None]:
    """(fill, text colour) of a rating's cell."""
    key = rating or ""
    return ds.RATING_FILLS.get(key), ds.RATING_TEXT.get(key)


def rating_table(ctx: ReportContext, cells: list[RatingCell]) -> GroupedTable:
    """Constructs (grouped by domain) × sites, each cell shaded by its rating."""
    tree = ctx.tree
    sites = sorted({c.site for c in cells})
    rows: dict[str, dict[str, RatingCell]] = {}
    for c in cells:
        rows.setdefault(c.code_id, {})[c.site] = c
    groups: dict[str, Group] = {}
    for code_id in sorted(rows, key=lambda cid: (tree.order.get(cid, 10**9), cid)):
        by_site = rows[code_id]
        first = next(iter(by_site.values()))
        group = groups.setdefault(first.domain_id, Group(tree.name(first.domain_id)))
        row: list[str | Cell] = [first.construct]
        for site in sites:
            cell = by_site.get(site)
            fill, color = rating_fill(cell.rating if cell else None)
            row.append(Cell(cell.text if cell else "", fill=fill, color=color))
        group.rows.append(row)
    table = GroupedTable(
        "Construct ratings by site",
        [Column("Construct", "label")] + [Column(site, "short") for site in sites],
        list(groups.values()),
        group_label="Domain",
        repeat_groups=False,
    )
    if any(c.rating is None for c in cells):
        table.notes.append(f"{NOT_RATED} coded at that site without a valence, so not rated.")
    return table


LEGEND_NOTE = (
    "Ratings (Damschroder & Lowery, 2013): the construct's influence on implementation at the site. "
    "* proposed by evalbench from the codings, not yet confirmed by the team; M missing (not discussed "
    "at that site)."
)
