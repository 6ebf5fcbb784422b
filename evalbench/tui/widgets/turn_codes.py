"""The codes on the current turn, with valence: yours first, then another coder's.

A fixed-height Static rather than a list widget: it is redrawn on every turn
move, and a list's changing virtual size would re-lay-out the whole screen each
time (measured: ~10× slower turn moves on a long transcript). The active coding
(target of valence, recode, remove and memo keys) is marked ▶ and moved with [ ].
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from evalbench.model import Coding
from evalbench.tui.colors import VALENCE_MARK, VALENCE_STYLE

MAX_ROWS = 4


@dataclass(frozen=True)
class TurnCodeRow:
    """What one entry of the panel shows."""

    coding: Coding
    name: str
    color: str
    excerpt: str
    mine: bool
    has_memo: bool = False
    starred: bool = False


class TurnCodes(Static):
    """Shows the rows given; knows nothing about the project."""

    rows: list[TurnCodeRow] = []

    def show(self, rows: list[TurnCodeRow], active_id: int | None) -> None:
        self.rows = rows
        if not rows:
            self.update(Text("No codes on this turn — press c to code it", style="dim"), layout=False)
            return
        ids = [r.coding.id for r in rows]
        first = max(0, ids.index(active_id) - MAX_ROWS + 1) if active_id in ids else 0
        text = Text()
        for row in rows[first:first + MAX_ROWS]:
            c = row.coding
            active = c.id == active_id
            text.append("▶ " if active else "  ", style="bold")
            text.append("■ ", style=row.color)
            text.append(row.name, style=("bold reverse" if active else "bold") if row.mine else "italic")
            text.append(f"  {VALENCE_MARK[c.valence]} {c.valence}" if c.valence != "none" else "  (no valence)",
                        style=VALENCE_STYLE[c.valence])
            if row.starred:
                text.append("  ★", style="bold yellow")
            if row.has_memo:
                text.append("  ✎", style="yellow")
            if not row.mine:
                text.append(f"  [{c.coder}]", style="dim")
            text.append(f"\n\u00a0\u00a0\u00a0\u00a0“{row.excerpt}”\n", style="dim")
        hidden = len(rows) - MAX_ROWS
        if hidden > 0:
            text.append(f"  … {len(rows)} in all; [ and ] move between them", style="dim")
        self.update(text, layout=False)
