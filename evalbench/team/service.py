"""The team service (``project.team``): intercoder agreement, disagreements, consensus and merge.

Built over the project's Store and its import service (merge stores the
documents a source brings through it). Agreement and disagreements are
computed by :mod:`evalbench.analysis.agreement` from the store; consensus
decisions are written by :mod:`evalbench.team.consensus` as undoable actions;
merge (:mod:`evalbench.team.merge`) opens each source file as a Store of its
own and only reads it. Nothing here opens a Project.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.ingest.service import ImportService
from evalbench.store.consensus import ConsensusDecision
from evalbench.store.store import Store
from evalbench.team import consensus
from evalbench.team.merge import MergeReport, merge_sources

if TYPE_CHECKING:
    from evalbench.analysis.agreement import AgreementReport
    from evalbench.analysis.disagreements import Disagreement

Progress = Callable[[int, int, str], None]


class TeamService:
    """Team coding on one open project."""

    def __init__(self, store: Store, imports: ImportService) -> None:
        self.store = store
        self.imports = imports

    def coders(self, *, exclude: tuple[str, ...] = ("consensus",)) -> list[str]:
        """Coders with at least one coding, most codings first (the consensus coder left out)."""
        return [name for name, _n in self.store.coders.by_codings() if name not in exclude]

    def agreement(self, coders: list[str], *, unit: str = "turn", include_interviewer: bool = False) -> AgreementReport:
        """Intercoder agreement (percent, Cohen's κ, Krippendorff's α, Gwet's AC1) per code and overall.

        ``unit`` is 'turn' (participant turns) or 'char' (characters, as NVivo
        reports it). See :mod:`evalbench.analysis.agreement` for the rules.
        """
        from evalbench.analysis.agreement import compute_agreement

        return compute_agreement(
            self.store, coders, unit=unit, include_interviewer=include_interviewer, where=self.store.where
        )

    def disagreements(
        self, coders: list[str], *, code: str | None = None, unit: str = "turn", include_interviewer: bool = False
    ) -> list[Disagreement]:
        """The units on which ``coders`` differ (only for ``code`` if given), in document order."""
        from evalbench.analysis.disagreements import list_disagreements

        return list_disagreements(
            self.store, coders, code=code, unit=unit, include_interviewer=include_interviewer, where=self.store.where
        )

    def resolve(self, d: Disagreement, decision: str, *, consensus_coder: str = "consensus") -> list[int]:
        """Resolve a disagreement into the consensus coder's coding; one undoable action.

        ``decision`` is 'keep_a', 'keep_b', 'both' or 'neither' (A and B are the
        first two coders compared). Returns the ids of the consensus codings made.
        """
        return consensus.resolve(self.store, d, decision, consensus_coder=consensus_coder)

    def adopt_agreed(
        self, coders: list[str], *, include_interviewer: bool = False, consensus_coder: str = "consensus"
    ) -> int:
        """Give the consensus coder every turn × code all ``coders`` applied; one undoable action.

        Together with :meth:`resolve` this completes the consensus coding.
        Returns the number of codings added (0 when run again).
        """
        return consensus.adopt_agreed(
            self.store, coders, include_interviewer=include_interviewer, consensus_coder=consensus_coder
        )

    def decisions(self, consensus_coder: str = "consensus") -> list[ConsensusDecision]:
        """Every decision the consensus coder recorded, oldest first."""
        return consensus.decisions(self.store, consensus_coder)

    def merge(
        self, sources: list[str | Path], *, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> MergeReport:
        """Bring other projects (.evb) or REFI-QDA exports (.qdpx) into this one, their themes included.

        See :mod:`evalbench.team.merge` for the rules.
        """
        return merge_sources(self.store, self.imports, [Path(s) for s in sources], progress=progress, cancel=cancel)
