"""Suggested codes for the current turn: top 3 with how often such a suggestion was right, evidence and valence."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from evalbench.model import Suggestion
from evalbench.tui.colors import VALENCE_STYLE


class SuggestionsPanel(Static):
    """Numbered suggestions; the screen binds 1–3 to accept and shift+1–3 to reject."""

    def show_unavailable(self, why: str) -> None:
        self.update(Text(why, style="dim italic"), layout=False)

    def show_loading(self) -> None:
        self.update(Text("Finding suggestions…", style="dim"), layout=False)

    def show(self, suggestions: list[Suggestion], names: dict[str, str], stale: bool = False) -> None:
        if not suggestions:
            self.update(Text("No suggestions for this turn.", style="dim"), layout=False)
            return
        text = Text()
        for i, s in enumerate(suggestions, 1):
            text.append(f"{i} ", style="bold reverse")
            text.append(f" {names.get(s.code_id, s.code_id)}", style="bold")
            text.append(f"  {s.confidence or f'{s.score:.2f}'}", style="cyan")
            if s.valence and s.valence != "none":
                text.append(f"  {s.valence}", style=VALENCE_STYLE.get(s.valence, ""))
            if s.evidence:
                text.append("\n   " + ", ".join(s.evidence[:5]), style="dim")
            text.append("\n")
        text.append("1-3 accept · shift+1-3 reject", style="dim")
        if stale:  # a retrain is running in the background; the line goes when it ends
            text.append("\nlearning from your latest coding…", style="dim italic")
        self.update(text, layout=False)
