"""Suggested codes for the current turn: top 3 with how often such a suggestion was right, evidence and valence."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from evalbench.model import Suggestion
from evalbench.tui.colors import VALENCE_MARK, VALENCE_STYLE
from evalbench.tui.fit import clip


class SuggestionsPanel(Static):
    """Numbered suggestions; the screen binds 1–3 to accept and shift+1–3 to reject."""

    _shown: tuple[list[Suggestion], dict[str, str], bool] | None = None

    def show(self, suggestions: list[Suggestion], names: dict[str, str], stale: bool = False) -> None:
        self._shown = (suggestions, names, stale)
        self._draw()

    def show_unavailable(self, why: str) -> None:
        self._shown = None
        self.update(Text(why, style="dim italic"), layout=False)

    def show_loading(self) -> None:
        self._shown = None
        self.update(Text("Finding suggestions…", style="dim"), layout=False)

    def on_resize(self) -> None:
        if self._shown is not None:
            self._draw()

    def _draw(self) -> None:
        """Each suggestion on its line: a long code name is cut before its confidence and valence are."""
        suggestions, names, stale = self._shown
        if not suggestions:
            self.update(Text("No suggestions for this turn.", style="dim"), layout=False)
            return
        width = self.content_size.width or 40
        text = Text()
        for i, s in enumerate(suggestions, 1):
            name = names.get(s.code_id, s.code_id)
            confidence = f"  {s.confidence or f'{s.score:.2f}'}"
            valence = f"  {s.valence}" if s.valence and s.valence != "none" else ""
            if len(name) + len(confidence) + len(valence) + 3 > width and valence:
                valence = f"  {VALENCE_MARK.get(s.valence, '')}"
            text.append(f"{i} ", style="bold reverse")
            text.append(f" {clip(name, max(6, width - 3 - len(confidence) - len(valence)))}", style="bold")
            text.append(confidence, style="cyan")
            if valence:
                text.append(valence, style=VALENCE_STYLE.get(s.valence, ""))
            if s.evidence:
                text.append("\n   " + ", ".join(s.evidence[:5]), style="dim")
            text.append("\n")
        text.append("1-3 accept · shift+1-3 reject", style="dim")
        if stale:  # a retrain is running in the background; the line goes when it ends
            text.append("\nlearning from your latest coding…", style="dim italic")
        self.update(text, layout=False)
