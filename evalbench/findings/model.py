"""Plain data of findings: what the store holds about themes, and what a theme table shows.

Nothing here reads the project; :mod:`evalbench.store.themes` fills the first
group, :mod:`evalbench.findings.table` the second.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    """A group of themes in the table (e.g. Successes, Barriers, Lessons learned)."""

    id: int
    name: str
    position: int


@dataclass(frozen=True)
class Theme:
    """A finding: the team's synthesis across codes, inside one category."""

    id: int
    category_id: int
    category: str  #: the category's name
    name: str
    description: str  #: the paragraph a paper prints
    position: int  #: order within the category
    cfir_code_id: str | None  #: the CFIR domain or construct it maps to, if any
    created_at: str = ""


@dataclass(frozen=True)
class Rule:
    """Evidence by rule: every coding of ``code_id`` (or of a code under it), of ``valence`` if given."""

    id: int
    theme_id: int
    code_id: str
    valence: str | None
    position: int = 0


@dataclass(frozen=True)
class HandCoding:
    """A coding added to (``included``) or kept out of (not ``included``) a theme by hand."""

    id: int
    theme_id: int
    coding_id: int
    included: bool


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
