"""Memos and another coder's codings in the coding view.

A mixin for :class:`~evalbench.tui.screens.coding.CodingScreen`: memos on the
active coding, the turn or a code (each save one undoable action; Escape in
the memo box asks before throwing away what was typed), and cycling through
the other coders whose codings are shown beside yours.
"""

from __future__ import annotations

from evalbench.tui.screens.prompt import MemoPrompt
from evalbench.tui.widgets.codebook_tree import CodebookTree


class MemosMixin:
    """``o`` ``O`` ``C`` memos and ``v`` other coder."""

    def action_memo(self, target: str) -> None:
        if target == "coding":
            coding = self._active()
            if coding is None:
                return
            key, title = coding.id, f"Memo on {self.code_name(coding.code_id)}: {self.quote_of(coding)}"
        elif target == "turn":
            if self.turn.id == 0:
                self.notify(
                    "This document has no speaker turns; memo the document from the command line.", severity="warning"
                )
                return
            key, title = self.turn.id, f"Memo on turn {self.turn.seq} ({self.turn.speaker or 'no speaker'})"
        else:
            code_id = self.query_one(CodebookTree).focused_code
            active = next((c for c in self.mine if c.id == self.active_id), None)
            if self.focused is not self.query_one(CodebookTree) and active is not None:
                code_id = active.code_id
            if not code_id:
                self.notify("Focus a code in the codebook first.", severity="warning")
                return
            key, title = code_id, f"Memo on the code {self.code_name(code_id)}"
        current = self.project.memo(target, key)

        def save(text: str | None) -> None:
            if text is None or text == current:
                return

            def done(_result) -> None:
                self.reload()
                self.notify("Memo saved" if text else "Memo deleted")

            self.app.writes.run(
                lambda: self.project.set_memo(target, key, text), done, what=f"the memo ({title})", owner=self
            )

        self.app.push_screen(MemoPrompt(title, current), save)

    def action_other_coder(self) -> None:
        """Cycle through the other coders' codings shown beside yours (then none)."""
        others = [c for c in self.project.coders() if c != self.project.coder]
        if not others:
            self.notify("No other coder has coded this project yet.")
            return
        order = [None, *others]
        self.other_coder = (
            order[(order.index(self.other_coder) + 1) % len(order)] if self.other_coder in order else others[0]
        )
        self.reload()
        self.notify(
            f"Showing {self.other_coder}'s codings (underlined, dimmed in the margin)"
            if self.other_coder
            else "Showing only your codings"
        )
