"""Plain data of findings: what the store holds about themes, and what a theme table shows.

Nothing here reads the project. The stored rows (Category, Theme, Rule,
HandCoding) are defined in :mod:`evalbench.model`, since the store returns
them, and are re-exported here; :mod:`evalbench.findings.table` fills the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evalbench.model import Category, HandCoding, Rule, Theme

__all__ = ["Category", "FindingQuote", "FindingRow", "HandCoding", "Rule", "Theme"]


@dataclass(frozen=True)
class FindingQuote:
    """One quote under a theme: who said it and the words, with the coding it comes from.

    ``participant`` is None when the transcript is linked to no participant;
    ``document`` then says which transcript it is (never pass the file name off
    as a participant ID).
    """

    participant: str | None
    text: str  #: the excerpt as printed: whitespace collapsed, control characters dropped
    coding_id: int
    document: str
    document_id: int
    start: int
    end: int
    role: str | None  #: the participant's role attribute, if any
    code_id: str
    valence: str
    coder: str
    starred: bool = False
    picked: bool = False  #: the lead picked it as an exemplar (else evalbench proposed it)

    @property
    def who(self) -> str:
        """The participant ID, or a plain statement that there is none."""
        return self.participant or f"no participant: {self.document}"


@dataclass(frozen=True)
class FindingRow:
    """One theme's line of the findings table, computed from the chosen coding."""

    theme_id: int
    category_id: int
    category: str
    theme: str
    description: str
    cfir_code_id: str | None
    cfir: str | None  #: the CFIR mapping as people read it ("Inner Setting › Relative Priority")
    by: str  #: what ``by_group`` breaks participants down by (role, site or an attribute)
    participants: int  #: distinct participants linked to the coded transcripts
    by_group: dict[str, int]  #: value -> participants, most first; see NO_PARTICIPANT and UNKNOWN
    documents: int  #: distinct transcripts with evidence
    codings: int  #: codings that are evidence (in all-coders mode: every coder's codings)
    quotes: tuple[FindingQuote, ...]  #: picked exemplars in their order, then proposed ones
    unlinked_documents: tuple[str, ...] = ()  #: transcripts with evidence but no linked participant
    rules: tuple[Rule, ...] = field(default=(), compare=False)


#: by_group key for transcripts with no linked participant (each counts once: an unknown person).
NO_PARTICIPANT = "no participant linked"
#: by_group key for participants without the attribute grouped by.
UNKNOWN = "unknown"
