"""The codes on the current turn, with valence: yours first, then another coder's."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from evalbench.model import Coding
from evalbench.tui.colors import VALENCE_MARK, VALENCE_STYLE


@dataclass(frozen=True)
class TurnCodeRow:
    """What one line of the panel shows."""

    coding: Coding
    name: str
    color: str
    excerpt: str
    mine: bool
    has_memo: bool = False


class TurnCodes(OptionList):
    """Highlighting a row makes that coding the target of valence/remove/recode keys."""

    def show(self, rows: list[TurnCodeRow], active_id: int | None) -> None:
        options = []
        for row in rows:
            c = row.coding
            text = Text()
            text.append("■ ", style=row.color)
            text.append(row.name, style="bold" if row.mine else "italic")
            text.append(f"  {VALENCE_MARK[c.valence]} {c.valence}" if c.valence != "none" else "  (no valence)",
                        style=VALENCE_STYLE[c.valence])
            if row.has_memo:
                text.append("  ✎", style="yellow")
            if not row.mine:
                text.append(f"  [{c.coder}]", style="dim")
            text.append(f"\n  “{row.excerpt}”", style="dim")
            options.append(Option(text, id=str(c.id), disabled=not row.mine))
        self.set_options(options)
        if not options:
            self.set_options([Option(Text("No codes on this turn — press c to code it", style="dim"),
                                     disabled=True)])
            return
        ids = [r.coding.id for r in rows]
        if active_id in ids:
            self.highlighted = ids.index(active_id)

    @property
    def active_id(self) -> int | None:
        option = self.highlighted_option
        return int(option.id) if option is not None and option.id and not option.disabled else None
