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
from evalbench.tui.fit import clip

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
    """Shows the rows given, fitted to its width; knows nothing about the project.

    A long code name gives way before the valence does: the name is cut with an
    ellipsis so that "▲ facilitator" (or at least "▲") stays on the line.
    """

    rows: list[TurnCodeRow] = []
    active_id: int | None = None
    code_key = "c"

    def show(self, rows: list[TurnCodeRow], active_id: int | None, code_key: str = "c") -> None:
        self.rows, self.active_id, self.code_key = rows, active_id, code_key
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        rows, active_id = self.rows, self.active_id
        width = self.content_size.width or 44
        if not rows:
            self.update(
                Text(clip(f"No codes on this turn — press {self.code_key} to code it", width), style="dim"),
                layout=False,
            )
            return
        ids = [r.coding.id for r in rows]
        first = max(0, ids.index(active_id) - MAX_ROWS + 1) if active_id in ids else 0
        text = Text(no_wrap=True, overflow="ellipsis")
        for row in rows[first : first + MAX_ROWS]:
            text.append_text(_row_line(row, row.coding.id == active_id, width))
            text.append(f"\n\u00a0\u00a0\u00a0\u00a0{clip(f'“{row.excerpt}”', width - 4)}\n", style="dim")
        hidden = len(rows) - MAX_ROWS
        if hidden > 0:
            text.append(clip(f"  … {len(rows)} in all; [ and ] move between them", width), style="dim")
        self.update(text, layout=False)


def _row_line(row: TurnCodeRow, active: bool, width: int) -> Text:
    """'▶ ■ Name  ▲ facilitator  ★ ✎  [sam]', the name cut first so the valence stays."""
    c = row.coding
    marks = ("  ★" if row.starred else "") + ("  ✎" if row.has_memo else "") + ("" if row.mine else f"  [{c.coder}]")
    full = f"  {VALENCE_MARK[c.valence]} {c.valence}" if c.valence != "none" else "  (no valence)"
    short = f"  {VALENCE_MARK[c.valence]}" if c.valence != "none" else ""
    room = width - 4 - len(marks)
    valence = full if len(row.name) + len(full) <= room else short
    name = clip(row.name, max(6, room - len(valence)))
    text = Text()
    text.append("▶ " if active else "  ", style="bold")
    text.append("■ ", style=row.color)
    text.append(name, style=("bold reverse" if active else "bold") if row.mine else "italic")
    text.append(valence, style=VALENCE_STYLE[c.valence])
    for mark in (("  ★", "bold yellow") if row.starred else None, ("  ✎", "yellow") if row.has_memo else None):
        if mark:
            text.append(*mark)
    if not row.mine:
        text.append(f"  [{c.coder}]", style="dim")
    return text
