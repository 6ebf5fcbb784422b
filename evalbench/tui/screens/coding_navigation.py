"""Moving through a transcript and selecting by keys: the coding view's navigation actions.

A mixin for :class:`~evalbench.tui.screens.coding.CodingScreen` (kept apart so
the screen module stays readable); it uses the screen's layout, current turn and
transcript widget. Offsets are document offsets throughout.
"""

from __future__ import annotations

from evalbench.tui.layout import extend
from evalbench.tui.screens.prompt import LinePrompt
from evalbench.tui.widgets.transcript import Transcript


class NavigationMixin:
    """Turn, sentence and uncoded-turn movement; word/sentence/turn selection; finding text."""

    last_find = ""

    def action_turn(self, step: int) -> None:
        self.goto_block(self.block + step)

    def action_sentence(self, step: int) -> None:
        transcript = self.query_one(Transcript)
        here = transcript.cursor_doc()
        blocks = range(self.block, len(self.layout_map.blocks)) if step > 0 else range(self.block, -1, -1)
        for index in blocks:
            starts = [s for s, _e in self.layout_map.sentences(index)]
            candidates = [s for s in starts if s > here] if step > 0 else [s for s in starts if s < here]
            if candidates:
                target = candidates[0] if step > 0 else candidates[-1]
                transcript.move_cursor(self.layout_map.location(self.layout_map.to_display(target)))
                transcript.scroll_cursor_visible()
                return

    def action_next_uncoded(self) -> None:
        coded = self.mine
        blocks = self.layout_map.blocks
        for index in list(range(self.block + 1, len(blocks))) + list(range(0, self.block + 1)):
            t = blocks[index].turn
            if t.role == "participant" and not any(c.start < t.end and c.end > t.start for c in coded):
                self.goto_block(index)
                return
        self.notify("Every participant turn has a code of yours.")

    def action_extend(self, unit: str, forward: bool) -> None:
        transcript = self.query_one(Transcript)
        units = (self.layout_map.words if unit == "word" else self.layout_map.sentences)(self.block)
        sel = transcript.doc_selection()
        if sel is None:
            start, end = extend(units, transcript.cursor_doc(), None, forward)
        else:
            start, end = extend(units, sel[0], sel[1], forward)
        if end > start:
            transcript.select_doc(start, end)

    def action_select_turn(self) -> None:
        t = self.turn
        self.query_one(Transcript).select_doc(t.start, t.end)

    def action_find(self) -> None:
        """Ask for a word or phrase and select its next match, ready to code (``c``)."""

        def search(query: str | None) -> None:
            if query and query.strip():
                self.last_find = query.strip()
                self.action_find_next()

        self.app.push_screen(
            LinePrompt("Find in this transcript", self.last_find, "a word or phrase; case and spacing do not matter"),
            search,
        )

    def action_find_next(self) -> None:
        """Select the next match of the last search after the cursor (wrapping to the start)."""
        if not self.last_find:
            self.action_find()
            return
        transcript = self.query_one(Transcript)
        sel = transcript.doc_selection()
        found = self.layout_map.find(self.last_find, sel[1] if sel else transcript.cursor_doc())
        if found is None:
            self.notify(f"No “{self.last_find}” in this transcript's turns.", severity="warning")
            return
        start, end, wrapped = found
        transcript.select_doc(start, end)
        if wrapped:
            self.notify(f"“{self.last_find}”: back at the first match from the top.")

    def action_back(self) -> None:
        transcript = self.query_one(Transcript)
        if not transcript.selection.is_empty:
            transcript.move_cursor(transcript.cursor_location)
            return
        self.dismiss()
