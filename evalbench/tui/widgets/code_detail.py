"""The focused code's place in the codebook, definition, inclusion and exclusion criteria, and your memo on it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from evalbench.model import Code


class CodeDetail(Static):
    """Shows one code; empty when no code is focused."""

    def show(self, code: Code | None, *, memo: str = "", label: str = "", path: str = "") -> None:
        """Show ``code``: its name (``label`` when same-named codes need telling apart), the codes above it
        (``path``), its guidance and your memo."""
        if code is None:
            self.update(Text("Move through the codebook to see a code's definition.", style="dim"), layout=False)
            return
        text = Text()
        text.append(label or code.name, style="bold")
        text.append(f"  in {path}\n" if path else "\n", style="dim")
        if code.definition:
            text.append(code.definition.strip() + "\n")
        if code.inclusion:
            text.append("Include: ", style="bold green")
            text.append(code.inclusion.strip() + "\n")
        if code.exclusion:
            text.append("Exclude: ", style="bold red")
            text.append(code.exclusion.strip() + "\n")
        if code.keywords:
            text.append("Keywords: ", style="bold")
            text.append(", ".join(code.keywords) + "\n", style="dim")
        if memo:
            text.append("Memo: ", style="bold yellow")
            text.append(memo.strip() + "\n")
        self.update(text, layout=False)
