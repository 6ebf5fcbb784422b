"""Project methods for team coding: agreement, disagreements, consensus, merge (mixed into Project)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evalbench.analysis.agreement import AgreementReport
    from evalbench.analysis.disagreements import Disagreement


class TeamFacade:
    """Project methods for team coding: agreement, disagreements, consensus, merge (mixed into Project)."""

    def team_coders(self, *, exclude: tuple[str, ...] = ("consensus",)) -> list[str]:
        """Coders with at least one coding, most codings first (the consensus coder left out)."""
        rows = self.conn.execute("SELECT coder, count(*) AS n FROM codings GROUP BY coder ORDER BY n DESC, coder")
        return [r[0] for r in rows if r[0] not in exclude]

    def agreement(self, coders: list[str], *, unit: str = "turn",
                  include_interviewer: bool = False) -> AgreementReport:
        """Intercoder agreement (percent, Cohen's κ, Krippendorff's α) per code and overall.

        ``unit`` is 'turn' (participant turns) or 'char' (characters, as NVivo
        reports it). See :mod:`evalbench.analysis.agreement` for the rules.
        """
        from evalbench.analysis.agreement import compute_agreement

        return compute_agreement(self.store, coders, unit=unit,
                                 include_interviewer=include_interviewer, where=self.path.name)

    def disagreements(self, coders: list[str], *, code: str | None = None, unit: str = "turn",
                      include_interviewer: bool = False) -> list[Disagreement]:
        """The units on which ``coders`` differ (only for ``code`` if given), in document order."""
        from evalbench.analysis.disagreements import list_disagreements

        return list_disagreements(self.store, coders, code=code, unit=unit,
                                  include_interviewer=include_interviewer, where=self.path.name)

    def resolve_disagreement(self, d: Disagreement, decision: str, *,
                             consensus_coder: str = "consensus") -> list[int]:
        """Resolve a disagreement into the consensus coder's coding; one undoable action.

        ``decision`` is 'keep_a', 'keep_b', 'both' or 'neither' (A and B are the
        first two coders compared). Returns the ids of the consensus codings made.
        """
        from evalbench.team.consensus import resolve

        return resolve(self, d, decision, consensus_coder=consensus_coder)

    def adopt_agreed(self, coders: list[str], *, include_interviewer: bool = False,
                     consensus_coder: str = "consensus") -> int:
        """Give the consensus coder every turn × code all ``coders`` applied; one undoable action.

        Together with :meth:`resolve_disagreement` this completes the consensus
        coding. Returns the number of codings added (0 when run again).
        """
        from evalbench.team.consensus import adopt_agreed

        return adopt_agreed(self, coders, include_interviewer=include_interviewer,
                            consensus_coder=consensus_coder)

    def merge(self, sources: list[str | Path], *, progress=None, cancel=None):
        """Bring other projects (.evb) or REFI-QDA exports (.qdpx) into this one, their themes included.

        Returns a :class:`evalbench.team.merge.MergeReport`; see that module for the rules.
        """
        from evalbench.team.merge import merge_sources

        return merge_sources(self, [Path(s) for s in sources], progress=progress, cancel=cancel)
