"""The thematic matrix in the analysis screen (``t``): themes × participant, role or site, participants per cell.

Plain functions (no Textual widgets), called by
:class:`~evalbench.tui.screens.analysis.AnalysisScreen` in its thread worker
and when a cell is opened. Which coding counts: your own with "mine"; with
"all coders" the rule of ``themes list`` (the only coder's, or a complete
consensus), and every coder's codings (passages counted once) where that rule
would stop and ask — the bar says which.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from evalbench.errors import UserError
from evalbench.model import Quote
from evalbench.tui.screens.analysis_cells import MatrixData, heat

#: The analysis screen's "level" that puts themes in the rows.
THEMES = "themes"
PREFIX = "theme:"


@dataclass
class ThemeMatrixData(MatrixData):
    """The matrix of themes, and what it counts (for the screen's bar)."""

    counting: str = ""


def choice_for(project, coder: str | None):
    """The coding the thematic matrix counts: ``coder``'s, else the rule, else every coder's."""
    service = project.themes
    if coder is not None:
        return service.choose(coder)
    try:
        return service.choose()
    except UserError:
        return service.choose(all_coders=True)


def load_theme_matrix(project, by: str, coder: str | None) -> ThemeMatrixData | None:
    """Themes × ``by``: participants per cell (None when there are no themes yet)."""
    choice = choice_for(project, coder)
    frame = project.themes.matrix(choice, by=by)
    if frame.empty:
        return None
    columns = [str(c) for c in frame.columns[2:]]
    data = ThemeMatrixData(columns, [], counting=choice.description)
    for theme_id, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        values = {c: {"total": int(n), "barrier": 0, "facilitator": 0} for c, n in zip(columns, row[2:], strict=True)}
        data.rows.append((f"{PREFIX}{theme_id}", f"{row[1]}", values))
    return data


def theme_cell_text(counts: dict[str, int] | None, top: int) -> Text:
    """A cell: its participants, bold, on a background deepening with the count."""
    n = (counts or {}).get("total", 0)
    if not n:
        return Text("")
    background = heat(n, top)
    return Text(str(n), style="bold" + (f" on {background}" if background else ""))


def theme_cell_info(name: str, by: str, value: str, counts: dict[str, int] | None) -> Text:
    n = (counts or {}).get("total", 0)
    text = Text(f"{name} × {value}", style="bold")
    text.append(
        f"  {n} participant{'s' if n != 1 else ''} of this {by} speak to it" if n else "  nobody here", style="dim"
    )
    text.append(" · enter lists the quotes", style="dim")
    return text


def theme_quotes(project, key: str, by: str, value: str | None, coder: str | None, label) -> list[Quote]:
    """The quotes behind a cell (the whole row's when ``value`` is None), as the screen lists quotes."""
    choice = choice_for(project, coder)
    found = project.themes.cell_quotes(choice, int(key.removeprefix(PREFIX)), by, value)
    return [
        Quote(
            coding_id=q.coding_id,
            document=q.document,
            participant=q.who,
            role=q.role or "",
            site=None,
            turn=None,
            speaker=None,
            code_id=q.code_id,
            code=label(q.code_id),
            valence=q.valence,
            coder=q.coder,
            text=q.text,
            starred=q.starred,
            document_id=q.document_id,
            start=q.start,
            end=q.end,
        )
        for q in found
    ]
