"""The analysis matrix's data and what one cell shows: counts, a CFIR rating, a summary mark, its line.

Plain functions (no Textual): :func:`load_matrix` gathers everything the
screen shows from a Project (it runs in a worker thread), the others turn a
cell's data into Rich text, so the screen stays about keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text

from evalbench.model import Quote
from evalbench.tui.colors import VALENCE_STYLE, theme_is_light

HEAT = ("#1e2a3a", "#1f3b57", "#235174", "#2a6791", "#327eb0", "#3b96cf")
HEAT_LIGHT = ("#eef4fb", "#dbe8f6", "#c4daf0", "#a9c9e8", "#8db6df", "#6fa2d5")
#: Ratings from red (a strong barrier) to green (a strong facilitator), as in the Word export's Table 2.
RATING_STYLE = {
    "-2": "bold #ffffff on #9b2226",
    "-1": "#ff8a80",
    "0": "#b0b0b0",
    "+1": "#9be29b",
    "+2": "bold #ffffff on #2d6a4f",
    "X": "bold #e9c46a",
    "M": "dim",
}
RATING_STYLE_LIGHT = {**RATING_STYLE, "-1": "bold #b3261e", "0": "#5f5f5f", "+1": "bold #2e7d32", "X": "bold #8a5a00"}


def rating_style(rating: str) -> str:
    """The style of a rating on the theme in force."""
    return (RATING_STYLE_LIGHT if theme_is_light() else RATING_STYLE).get(rating, "")


SUMMARY_MARK = "✎"
STAR = "★"
RATING_SCOPES = ("participant", "site")


@dataclass
class CellRating:
    """A construct's rating for one participant or site: the proposal and the coder's decision."""

    proposed: str | None  # None: no rating proposed (coded, but no coding has a valence)
    rationale: str
    rating: str | None = None  # the current coder's stored rating, None until decided
    confirmed: bool = False
    note: str | None = None  # the rationale stored with the coder's rating

    @property
    def shown(self) -> str:
        """The rating that counts: the stored one, else the proposal."""
        return self.rating if self.rating is not None else self.proposed


@dataclass
class MatrixData:
    """Everything the analysis screen shows for one grouping, level and coder filter."""

    columns: list[str]  # participants, roles or sites
    rows: list[tuple[str, str, dict[str, dict[str, int]]]]  # (code id, name, {column: counts})
    ratings: dict[tuple[str, str], CellRating] = field(default_factory=dict)
    summaries: dict[tuple[str, str], str] = field(default_factory=dict)  # the current coder's


def load_matrix(project, by: str, level: str, coder: str | None, *, ratings: bool) -> MatrixData | None:
    """The matrix's counts by valence, CFIR rating proposals (``ratings``) and cell summaries (by
    participant); None when nothing is coded yet."""
    from evalbench.analysis.tables import matrix

    frame, tree = project.codings_frame(coder)
    if frame.empty:
        return None
    total = matrix(frame, tree, by=by, level=level)
    split = {
        v: matrix(frame[frame["valence"] == v], tree, by=by, level=level) if (frame["valence"] == v).any() else None
        for v in ("barrier", "facilitator")
    }
    data = MatrixData([str(c) for c in total.columns[1:]], [])
    for code_id in total.index:
        values = {
            str(column): {
                "total": int(total.at[code_id, column]),
                "barrier": _count(split["barrier"], code_id, column),
                "facilitator": _count(split["facilitator"], code_id, column),
            }
            for column in total.columns[1:]
        }
        data.rows.append((code_id, str(total.at[code_id, "code"]), values))
    if ratings:
        notes = {(r.code_id, r.scope_value): r.rationale for r in project.ratings(by)}
        for r in project.propose_ratings(by, coder, level=level).to_dict("records"):
            key = (r["code_id"], str(r["scope_value"]))
            data.ratings[key] = CellRating(
                r["proposed"],
                r["rationale"],
                r["rating"] if isinstance(r["rating"], str) else None,  # NaN: unrated
                bool(r["confirmed"]),
                notes.get(key),
            )
    if by == "participant":
        for code_id, _name, _values in data.rows:
            for column in data.columns:
                text = project.cell_summary(column, code_id)
                if text:
                    data.summaries[(code_id, column)] = text
    return data


def _count(table, code_id: str, column) -> int:
    if table is None or code_id not in table.index or column not in table.columns:
        return 0
    return int(table.at[code_id, column])


def heat(total: int, top: int) -> str:
    """Background colour for a cell: deeper blue for more codings."""
    if total <= 0 or top <= 0:
        return ""
    scale = HEAT_LIGHT if theme_is_light() else HEAT
    return scale[min(len(scale) - 1, round((len(scale) - 1) * total / top))]


def counts_text(v: dict[str, int], top: int) -> Text:
    """``2▼ 1▲ 1``: barrier, facilitator and other codings on a background deepening with the total."""
    total, b, f = v["total"], v["barrier"], v["facilitator"]
    if not total:
        return Text("")
    background = heat(total, top)
    text = Text(style=f"on {background}" if background else "")
    if b:
        text.append(f"{b}▼", style=VALENCE_STYLE["barrier"])
    if f:
        text.append(f"{' ' if b else ''}{f}▲", style=VALENCE_STYLE["facilitator"])
    rest = total - b - f
    if rest:
        text.append(f"{' ' if b or f else ''}{rest}", style="dim")
    return text


def rating_text(r: CellRating | None) -> Text:
    """``+1✓`` for a rating you set, ``+1?`` for a proposal still to confirm (a quiet ``M`` when nothing is coded)."""
    if r is None:
        return Text("")
    if r.rating is not None:
        return Text(f"{r.rating}✓", style=rating_style(r.rating))
    if r.proposed == "M":  # nothing coded: the usual case, kept quiet
        return Text("M", style="dim")
    if r.proposed is None:  # coded without a valence: nothing to propose, as the exports' "–"
        return Text("–", style="dim")
    return Text(f"{r.proposed}?", style=f"{rating_style(r.proposed)} italic")


def cell_text(view: str, counts: dict[str, int] | None, top: int, rating: CellRating | None, summary: str) -> Text:
    """The whole cell: counts or rating, then a mark when the cell has a summary."""
    if view == "ratings":
        text = rating_text(rating)
    else:
        text = counts_text(counts or {"total": 0, "barrier": 0, "facilitator": 0}, top)
    if summary:
        text.append(f" {SUMMARY_MARK}", style="bold #e9c46a")
    return text


def cell_info(
    code_name: str, by: str, value: str, counts: dict[str, int] | None, rating: CellRating | None, summary: str
) -> Text:
    """The line under the matrix about the focused cell: counts, rating and why, the summary."""
    text = Text()
    text.append(f"{code_name} × {value}", style="bold")
    if counts and counts["total"]:
        text.append("  ")
        text.append_text(counts_text(counts, 0))
        text.append(f" ({counts['total']} codings)", style="dim")
    else:
        text.append("  no codings", style="dim")
    if rating is not None:
        text.append("  rating ")
        if rating.rating is not None:
            text.append(rating.rating, style=rating_style(rating.rating))
            text.append(" set by you", style="dim")
            text.append(f"; proposed {rating.proposed}" if rating.proposed else "; no proposal", style="dim")
        elif rating.proposed is None:
            text.append("–", style="dim")
            text.append(" none proposed, rate it with 2 1 0 ! @ x m", style="dim")
        else:
            text.append(f"{rating.proposed}?", style=rating_style(rating.proposed))
            text.append(" proposed, y confirms", style="dim")
        text.append(f" — {rating.rationale}", style="dim")
        if rating.rating is not None and rating.note not in (None, rating.rationale):
            text.append(f" (yours: {rating.note})")
    elif by == "role":
        text.append("  ratings are per participant or site (p, s)", style="dim")
    if summary:
        text.append(f"\n{SUMMARY_MARK} ", style="bold #e9c46a")
        text.append(" ".join(summary.split())[:300])
    elif by == "participant":
        text.append("  · o writes a summary", style="dim")
    return text


def quote_text(q: Quote, code: str | None = None) -> Text:
    """A quote in a cell's list: ★ when starred, who, code (``code``: its label), valence, coder, the words."""
    text = Text()
    if q.starred:
        text.append(f"{STAR} ", style="bold #e9c46a")
    text.append(q.participant or q.document, style="bold")
    if q.role:
        text.append(f" ({q.role})", style="dim")
    text.append(f"  {code or q.code}", style="cyan")
    if q.valence != "none":
        text.append(f"  {q.valence}", style=VALENCE_STYLE.get(q.valence, ""))
    text.append(f"  [{q.coder}]\n", style="dim")
    text.append("“" + " ".join(q.text.split())[:400] + "”\n")
    return text
