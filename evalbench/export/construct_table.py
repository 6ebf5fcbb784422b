"""The construct layout of the findings table: one row per coded construct (or subconstruct) and valence.

Rows are grouped under their top-level code: a CFIR domain, or a custom
top-level code such as "Lessons learned", which is a group of its own (a code
with no children is its own only row). A subconstruct coded in its own right
gets its own row, "Available Resources: Funding", after its construct's rows;
``fold_subconstructs`` counts it towards its construct instead. A construct's
own row then counts the codings of the construct itself.

Valence groups: Barrier, Facilitator, Mixed (left out with ``mixed=False``)
and "Neutral or not specified" (neutral and none together; only for a code
with no barrier, facilitator or mixed codings, since the table reports
influences). A row needs ``min_participants`` distinct participants. Quotes:
starred exemplars first, then proposals (:mod:`evalbench.analysis.exemplars`);
a passage quoted under one valence of a code is not quoted again under another,
which matters when every coder's codings count and two coders gave the same
words different valences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from evalbench.analysis.exemplars import clean_quote, pick_exemplars
from evalbench.analysis.frame import records
from evalbench.export.summary import names
from evalbench.export.table_model import Column, Group, GroupedTable, Quote

if TYPE_CHECKING:
    from evalbench.analysis.frame import CodeTree
    from evalbench.export.context import ReportContext

GROUPS = (
    ("barrier", "Barrier", ("barrier",)),
    ("facilitator", "Facilitator", ("facilitator",)),
    ("mixed", "Mixed", ("mixed",)),
    ("neutral", "Neutral or not specified", ("neutral", "none")),
)
VALENCED = ("barrier", "facilitator", "mixed")


def row_unit(tree: CodeTree, code_id: str, fold: bool) -> str:
    """The code a coding's row is: its construct (folded), else its subconstruct (depth 2) if it has one."""
    chain = tree.chain(code_id) or [code_id]
    return chain[min(1 if fold else 2, len(chain) - 1)]


def row_label(tree: CodeTree, unit: str) -> str:
    """What the Construct column says for ``unit``."""
    chain = tree.chain(unit) or [unit]
    if len(chain) == 1:
        return "(domain as a whole)" if tree.children(unit) else tree.name(unit)
    return ": ".join(tree.name(cid) for cid in chain[1:])


def count_text(people: dict[str, str] | None, total: int) -> str:
    """``"5 (3 physician, 2 nurse)"``: the n participants cell (roles most first)."""
    if not people:
        return str(total)
    counts = sorted(Counter(people.values()).items(), key=lambda vn: (-vn[1], vn[0]))
    return f"{total} (" + ", ".join(f"{n} {value}" for value, n in counts) + ")"


def _overlaps(span: tuple[int, int, int], spans: Iterable[tuple[int, int, int]]) -> bool:
    return any(span[0] == o[0] and span[1] < o[2] and o[1] < span[2] for o in spans)


def construct_table(ctx: ReportContext) -> GroupedTable:
    """The construct layout as a :class:`GroupedTable` for the context's coding and options."""
    opts, tree, frame = ctx.options, ctx.tree, ctx.frame
    breakdown = ctx.breakdown()
    by_label = breakdown[0] if breakdown else None
    fold = opts.fold_subconstructs
    units: dict[str, list[dict]] = {}
    if len(frame):
        cols = [
            "code_id",
            "valence",
            "participant",
            "role",
            "speaker_role",
            "text",
            "words",
            "starred",
            "document",
            "document_id",
            "start",
            "end",
            "coding_id",
        ]
        group_values = breakdown[1] if breakdown else [None] * len(frame)
        for rec, value in zip(records(frame, cols), group_values):
            rec["group"] = value
            units.setdefault(row_unit(tree, rec["code_id"], fold), []).append(rec)
    order = sorted(units, key=lambda cid: (tree.order.get(cid, 10**9), cid))
    groups: dict[str, Group] = {}
    dropped, mixed_rows, sub_rows = 0, 0, 0
    for unit in order:
        recs = units[unit]
        top = (tree.chain(unit) or [unit])[0]
        valenced = any(r["valence"] in VALENCED for r in recs)
        used: list[tuple[int, int, int]] = []
        for key, label, valences in GROUPS:
            part = [r for r in recs if r["valence"] in valences]
            if not part or (key == "neutral" and valenced):
                continue
            if key == "mixed" and not opts.mixed:
                mixed_rows += 1
                continue
            people = {r["participant"]: r["group"] for r in part}
            if len(people) < opts.min_participants:
                dropped += 1
                continue
            fresh = [r for r in part if not _overlaps((r["document_id"], r["start"], r["end"]), used)]
            picked = pick_exemplars(fresh, opts.quotes)
            used += [(r["document_id"], r["start"], r["end"]) for r in picked]
            quotes = tuple(Quote(clean_quote(r["text"]), r["participant"]) for r in picked)
            group = groups.setdefault(top, Group(tree.name(top)))
            group.rows.append(
                [row_label(tree, unit), label, count_text(people if by_label else None, len(people)), quotes]
            )
            sub_rows += tree.depth(unit) >= 2
    has_mixed = opts.mixed and any(row[1] == "Mixed" for g in groups.values() for row in g.rows)
    title = (
        "Barriers, facilitators and mixed influences by construct"
        if has_mixed
        else "Barriers and facilitators by construct"
    )
    header = f"n participants ({by_label}s)" if by_label else "n participants"
    table = GroupedTable(
        title=title,
        columns=[
            Column("Construct", "label"),
            Column("Barrier/ Facilitator", "short"),
            Column(header, "short"),
            Column("Exemplar quotes (participant ID)", "quotes"),
        ],
        groups=list(groups.values()),
        group_label="Domain",
    )
    table.notes += _notes(ctx, by_label, dropped=dropped, mixed_rows=mixed_rows, sub_rows=sub_rows)
    return table


def _notes(ctx: ReportContext, by_label: str | None, *, dropped: int, mixed_rows: int, sub_rows: int) -> list[str]:
    opts = ctx.options
    notes = [
        "n participants: distinct participants with at least one coded excerpt in the row"
        + (f", by {by_label} (from the participants file)" if by_label else "")
        + "."
    ]
    if sub_rows:
        notes.append(
            "A subconstruct coded in its own right has its own row (Construct: Subconstruct); "
            "a construct's row counts the codings of the construct itself."
        )
    if opts.mixed:
        notes.append("Mixed: excerpts coded as both a barrier and a facilitator.")
    elif mixed_rows:
        notes.append(f"{mixed_rows} row(s) of excerpts coded as mixed are left out.")
    if dropped:
        notes.append(f"{dropped} row(s) with fewer than {opts.min_participants} participants are left out.")
    if opts.quotes:
        notes.append("Quotes: starred exemplars first, then proposed ones spread across participants and roles.")
    if ctx.unlinked:
        notes.append(
            f"Quotes marked “no participant” come from transcripts linked to no participant "
            f"({names(ctx.unlinked[:5])}{', …' if len(ctx.unlinked) > 5 else ''})."
        )
    return notes
