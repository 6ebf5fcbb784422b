"""Suggestions on the coding view: show the top three for the turn, accept or reject by key.

A mixin for :class:`~evalbench.tui.screens.coding.CodingScreen`. Suggestions are
computed by the app's :class:`~evalbench.tui.suggest_service.SuggestionService`
thread; accepting and rejecting are ordinary undoable project actions.
"""

from __future__ import annotations

from evalbench.model import Suggestion
from evalbench.tui.widgets.suggestions import SuggestionsPanel


class SuggestionsMixin:
    """The suggestions panel's data and its 1-3 / shift+1-3 keys."""

    _suggest_timer = None
    _suggest_generation = 0

    def _load_suggestions(self) -> None:
        panel = self.query_one(SuggestionsPanel)
        self.suggestions = []
        if self.turn.id == 0 or self.turn.role != "participant":
            panel.show_unavailable("Suggestions are offered on participant turns.")
            return
        panel.show_loading()
        # Ask once the cursor rests: j j j through ten turns should not rank ten turns,
        # and the suggester's thread should not compete with the first paint.
        self.app.suggestions.idle.clear()
        self._suggest_generation += 1
        self.call_after_refresh(self._start_settle_timer, self._suggest_generation)

    def _start_settle_timer(self, generation: int) -> None:
        """After the frame that shows the new turn is drawn, wait for the cursor to rest."""
        if generation != self._suggest_generation:
            return  # moved on since
        if self._suggest_timer is not None:
            self._suggest_timer.stop()
        delay = self.app.suggest_delay
        if delay > 0:
            self._suggest_timer = self.set_timer(delay, self._request_suggestions)
        else:
            self._request_suggestions()

    def _request_suggestions(self) -> None:
        self._suggest_timer = None
        if self.turn.role == "participant":
            self.app.suggestions.request(self.turn.id, self.project.coder, self._show_suggestions)

    def _show_suggestions(self, turn_id: int, found: list[Suggestion], stale: bool, error: str | None) -> None:
        if not self.is_attached or turn_id != self.turn.id:
            return
        if error:
            self.query_one(SuggestionsPanel).show_unavailable(f"Suggestions failed: {error}")
            return
        self.suggestions = found[:3]
        self.query_one(SuggestionsPanel).show(self.suggestions, self.labels, stale)

    def _suggestion(self, n: int) -> Suggestion | None:
        if n > len(self.suggestions):
            self.notify(f"No suggestion {n} on this turn.", severity="warning")
            return None
        return self.suggestions[n - 1]

    def action_accept(self, n: int) -> None:
        s = self._suggestion(n)
        if s is None:
            return
        block = self.block

        def done(new_id: int) -> None:
            if self.block == block:
                self.active_id = new_id
            self.reload()
            self._load_suggestions()

        self.app.writes.run(
            lambda: self.project.accept_suggestion(s.id),
            done,
            what=f"accepting {self.code_name(s.code_id)}",
            owner=self,
        )

    def action_reject(self, n: int) -> None:
        s = self._suggestion(n)
        if s is None:
            return

        def done(_result) -> None:
            self.notify(f"Rejected {self.code_name(s.code_id)}")
            self._load_suggestions()

        self.app.writes.run(
            lambda: self.project.reject_suggestion(s.id),
            done,
            what=f"rejecting {self.code_name(s.code_id)}",
            owner=self,
        )
