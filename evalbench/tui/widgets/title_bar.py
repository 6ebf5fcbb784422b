"""A one-line title bar showing the screen's title and sub-title.

Used instead of Textual's Header, whose several child widgets cost about a third
of the coding view's first paint on a long transcript; this is one Static that
follows the screen's ``title`` and ``sub_title``.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TitleBar(Static):
    """'evalbench · <title> — <sub-title>', kept in step with the screen."""

    def on_mount(self) -> None:
        self.watch(self.screen, "title", self._changed, init=False)
        self.watch(self.screen, "sub_title", self._changed, init=False)
        self._changed()

    def _changed(self, _value=None) -> None:
        text = Text()
        text.append("evalbench", style="bold cyan")
        text.append(f" · {self.screen.title or ''}", style="bold")
        if self.screen.sub_title:
            text.append(f" — {self.screen.sub_title}", style="dim")
        self.update(text, layout=False)
