"""Project methods for suggested codes: per turn, accept, reject, train, evaluate (mixed into Project)."""

from __future__ import annotations


class SuggestFacade:
    """Project methods for suggested codes: per turn, accept, reject, train, evaluate (mixed into Project)."""

    # Thin: the work is in evalbench/suggest/ (see service.py).
    def suggest_turn(self, turn_id: int, *, k: int = 3) -> list:
        """Top ``k`` suggested codes for one participant turn, stored as open suggestions.

        Leaves out codes the current coder already applied to the turn or rejected for it.
        """
        from evalbench.suggest import service

        return service.suggest_turn(self, turn_id, k=k)

    def suggestions(self, *, document: int | str | None = None) -> list:
        """Refresh suggestions for participant turns and return the open ones, best first per turn."""
        from evalbench.suggest import service

        return service.suggestions(self, document=document)

    def accept_suggestion(self, suggestion_id: int, *, valence: str | None = None) -> int:
        """Code the suggested turn (origin 'suggestion'); one undoable action. Returns the coding id."""
        from evalbench.suggest import service

        return service.accept(self, suggestion_id, valence=valence)

    def reject_suggestion(self, suggestion_id: int) -> None:
        """Reject a suggestion; undoable, remembered, and a negative example for training."""
        from evalbench.suggest import service

        service.reject(self, suggestion_id)

    def train_suggester(self, *, progress=None, cancel=None):
        """Retrain the suggestion model from human coding and store it in the project (TrainReport)."""
        from evalbench.suggest import service

        return service.train_suggester(self, progress=progress, cancel=cancel)

    def suggester_stale(self) -> bool:
        """True when coding changed since the model was trained (cheap; for background retraining)."""
        from evalbench.suggest import service

        return service.stale(self)

    def set_suggest_pipeline(self, name: str | None) -> None:
        """Use an installed spaCy pipeline for suggestions (None: blank English). Never downloads."""
        from evalbench.suggest import service

        service.set_pipeline(self, name)

    def similar(self, coding_id: int, *, limit: int = 20, progress=None, cancel=None) -> list:
        """"More like this": the participant turns most like coding ``coding_id`` (SimilarTurn list).

        Leaves out turns the current coder already coded with that code or rejected it for.
        """
        from evalbench.suggest import similar

        similar.check_coding(self, coding_id)
        return similar.similar_to_coding(self, coding_id, limit=limit, progress=progress, cancel=cancel)

    def evaluate_suggester(self, *, coder: str | None = None, folds: int = 5, progress=None,
                           cancel=None) -> dict:
        """Cross-validation by document of the ranker, the keyword rules and a most-frequent baseline."""
        from evalbench.suggest.evaluate import evaluate_project

        return evaluate_project(self, coder=coder, folds=folds, progress=progress, cancel=cancel)
