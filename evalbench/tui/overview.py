"""Rows of the documents screen: each transcript with who, how long, and how far coded.

Percent coded counts participant turns that overlap at least one of the
current coder's codings: the number a coder watches to know how far along a
transcript is. The counts come from ``Project.document_progress``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evalbench.model import Document


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


def document_rows(documents: list[Document], progress: dict[int, tuple[int, int, int, int]]) -> list[DocumentRow]:
    """Join documents with their (turns, participant turns, coded turns, codings) counts."""
    return [DocumentRow(doc, *progress.get(doc.id, (0, 0, 0, 0)), attributes=doc.attributes) for doc in documents]
