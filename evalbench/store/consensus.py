"""SQL for consensus decisions: which coders' coding of a unit the consensus coder kept (team/consensus.py)."""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass

from evalbench.store.repo import Repository, marks


@dataclass(frozen=True)
class ConsensusDecision:
    """One recorded decision: on which unit and code, between which coders, what was kept, by whom and when."""

    document_id: int
    document: str  #: the document's name
    start: int
    end: int
    code: str  #: code id
    unit: str  #: 'turn' or 'char'
    coders: list[str]  #: the coders compared, A first
    decision: str  #: 'keep_a', 'keep_b', 'both' or 'neither'
    decided_by: str
    decided_at: str


class Consensus(Repository):
    """Recorded consensus decisions; writes go through the undo log (``Store.action``)."""

    def coders(self) -> list[str]:
        """Names that hold a consensus coding: ``consensus`` and any other consensus coder with decisions."""
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT DISTINCT consensus_coder FROM consensus_decisions UNION SELECT 'consensus' ORDER BY 1"
            )
        ]

    def spans(self, consensus_coder: str) -> list[tuple[int, int, int, str]]:
        """(document id, start, end, code id) of every decision the consensus coder recorded."""
        return self._conn.execute(
            'SELECT document_id, start, "end", code_id FROM consensus_decisions WHERE consensus_coder = ?',
            (consensus_coder,),
        ).fetchall()

    def by_span(self, consensus_coder: str = "consensus") -> dict[tuple[int, int, int, str], str]:
        """(document id, start, end, code id) -> decision, for the consensus coder's decisions."""
        rows = self._conn.execute(
            'SELECT document_id, start, "end", code_id, decision FROM consensus_decisions WHERE consensus_coder = ?',
            (consensus_coder,),
        )
        return {(d, s, e, c): dec for d, s, e, c, dec in rows}

    def at(
        self, document_id: int, start: int, end: int, code_id: str, consensus_coder: str
    ) -> tuple[int, list[int]] | None:
        """(id, consensus coding ids) of the decision on exactly this unit and code, if one was made."""
        row = self._conn.execute(
            'SELECT id, coding_ids FROM consensus_decisions WHERE document_id = ? AND start = ? AND "end" = ? '
            "AND code_id = ? AND consensus_coder = ?",
            (document_id, start, end, code_id, consensus_coder),
        ).fetchone()
        return (row[0], list(json.loads(row[1]))) if row else None

    def sources(
        self, document_id: int, code_id: str, start: int, end: int, coders: tuple[str, ...]
    ) -> list[tuple[int, int, str, str]]:
        """(start, end, valence, memo) of ``coders``' codings of a code overlapping [start, end), by start:
        what a decision on that unit keeps."""
        return [
            (r[0], r[1], r[2], r[3])
            for r in self._conn.execute(
                f'SELECT start, "end", valence, memo FROM codings WHERE document_id = ? AND code_id = ? '
                f'AND start < ? AND "end" > ? AND coder IN ({marks(coders)}) ORDER BY start',
                (document_id, code_id, end, start, *coders),
            )
        ]

    def list(self, consensus_coder: str = "consensus") -> builtins.list[ConsensusDecision]:
        """Every decision the consensus coder recorded, oldest first."""
        cur = self._conn.execute(
            'SELECT c.document_id, d.name, c.start, c."end", c.code_id, c.unit, c.coders, c.decision, '
            "c.decided_by, c.decided_at FROM consensus_decisions c JOIN documents d ON d.id = c.document_id "
            "WHERE c.consensus_coder = ? ORDER BY c.id",
            (consensus_coder,),
        )
        return [
            ConsensusDecision(doc_id, name, start, end, code, unit, list(json.loads(coders)), decision, by, at)
            for doc_id, name, start, end, code, unit, coders, decision, by, at in cur
        ]
