"""Per-document progress for the documents screen, computed from plain data.

Percent coded counts participant turns that overlap at least one of the
current coder's codings: the number a coder watches to know how far along a
transcript is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evalbench.model import Coding, Document, Turn


@dataclass(frozen=True)
class DocumentRow:
    """One line of the documents table."""

    document: Document
    turns: int
    participant_turns: int
    coded_turns: int
    codings: int
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def percent_coded(self) -> float:
        return 100.0 * self.coded_turns / self.participant_turns if self.participant_turns else 0.0

    def attribute(self, *names: str) -> str:
        """The first of these participant attributes that is set (case-insensitive names)."""
        lowered = {k.lower(): v for k, v in self.attributes.items()}
        for name in names:
            if lowered.get(name):
                return lowered[name]
        return ""


def document_rows(documents: list[Document], turns: list[Turn], codings: list[Coding]) -> list[DocumentRow]:
    """Join documents with their turn counts and the coder's codings."""
    by_doc_turns: dict[int, list[Turn]] = {}
    for t in turns:
        by_doc_turns.setdefault(t.document_id, []).append(t)
    by_doc_codings: dict[int, list[Coding]] = {}
    for c in codings:
        by_doc_codings.setdefault(c.document_id, []).append(c)
    rows = []
    for doc in documents:
        doc_turns = by_doc_turns.get(doc.id, [])
        spans = sorted((c.start, c.end) for c in by_doc_codings.get(doc.id, []))
        participant = [t for t in doc_turns if t.role == "participant"]
        rows.append(DocumentRow(doc, len(doc_turns), len(participant), _covered(participant, spans),
                                len(spans), doc.attributes))
    return rows


def _covered(turns: list[Turn], spans: list[tuple[int, int]]) -> int:
    """How many turns overlap at least one span (both sorted by start)."""
    count, i = 0, 0
    active: list[tuple[int, int]] = []
    for t in sorted(turns, key=lambda t: t.start):
        while i < len(spans) and spans[i][0] < t.end:
            active.append(spans[i])
            i += 1
        active = [s for s in active if s[1] > t.start]
        if any(s[0] < t.end for s in active):
            count += 1
    return count
