"""Plain dataclasses that cross layers: the store returns them, the CLI and TUI show them.

Offsets (``start``/``end``) are character offsets into the owning document's
immutable text, half-open: ``text[start:end]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Participant:
    """A person interviewed; ``label`` is the study ID (e.g. ``P07``)."""

    id: int
    label: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Speaker:
    """A speaker label within one document and the role it plays there."""

    id: int
    document_id: int
    label: str | None
    role: str  # 'interviewer' | 'participant'
    role_source: str  # 'label' | 'recurring' | 'detected' | 'default' | 'user'


@dataclass(frozen=True)
class Document:
    """An imported transcript. ``text`` is only filled when asked for (it can be large)."""

    id: int
    name: str
    format: str
    sha256: str
    words: int
    participant: str | None
    attributes: dict[str, str]
    imported_at: str
    text: str | None = None
    path: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """A speaker turn: ``seq`` counts from 1 within its document."""

    id: int
    document_id: int
    seq: int
    speaker: str | None
    role: str
    start: int
    end: int
    time: str | None = None


@dataclass
class TurnText:
    """A participant turn and its text (empty when it was listed without; see ``Turns.with_texts``)."""

    id: int
    document_id: int
    seq: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Code:
    """A codebook entry with a stable string ID (e.g. ``cfir2.inner.culture.learning``)."""

    id: str
    name: str
    parent_id: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    color: str | None = None
    valence_applies: bool = True
    position: int = 0
    extra: dict = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class Coding:
    """A span of a document that a coder assigned a code to."""

    id: int
    document_id: int
    start: int
    end: int
    code_id: str
    coder: str
    valence: str = "none"
    memo: str = ""
    origin: str = "manual"
    suggestion_id: int | None = None
    starred: bool = False
    created_at: str = ""
    suggest_model: str | None = None  #: origin 'suggestion': the model that proposed it
    suggest_model_version: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A code proposed for a turn, with the provenance needed to disclose AI assistance."""

    id: int
    document_id: int
    turn_id: int | None
    start: int
    end: int
    code_id: str
    score: float
    valence: str | None
    evidence: tuple[str, ...]
    source: str  # 'rules' | 'model' | …
    model: str
    model_version: str
    status: str = "open"
    confidence: str | None = None  #: words for ``score`` ("often right"; "not yet measured")


@dataclass(frozen=True)
class TrainReport:
    """What training the suggestion model did (``Project.train_suggester``)."""

    model: str  # e.g. 'textcat_multilabel-bow (blank:en)'
    model_version: str
    examples: int  # training texts, including codebook seeds and negatives
    coded_turns: int  # participant turns with at least one human code
    rejections: int  # rejected suggestions used as negatives
    labels: int  # codes the model can suggest
    epochs: int
    seconds: float
    cancelled: bool = False


@dataclass(frozen=True)
class SearchHit:
    """A full-text match: the turn it is in and that turn's text."""

    document: str
    document_id: int
    turn: int
    start: int
    end: int
    text: str
    speaker: str | None = None
    role: str | None = None


@dataclass
class ImportReport:
    """What a batch import did, file by file."""

    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Notes that do not fail the import (e.g. a CSV row naming no imported document).
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no file failed (skipped duplicates are fine)."""
        return not self.failed


@dataclass(frozen=True)
class Quote:
    """A coded excerpt with who said it: a matrix cell's quotes, an exemplar, an export row."""

    coding_id: int
    document: str
    participant: str
    role: str
    site: str | None
    turn: int | None
    speaker: str | None
    code_id: str
    code: str
    valence: str
    coder: str
    text: str
    starred: bool = False
    memo: str = ""
    document_id: int = 0
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Rating:
    """A CFIR construct rating for one participant or site, proposed or confirmed by a coder.

    ``rating`` is one of -2, -1, 0, +1, +2, X (mixed) or M (missing), as text.
    """

    code_id: str
    scope_type: str  # 'participant' | 'site'
    scope_value: str
    rating: str
    rationale: str
    proposed: str | None = None
    confirmed: bool = False
    coder: str = ""


# --- findings: what the store holds about themes (evalbench/findings/ builds the tables) ---


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
