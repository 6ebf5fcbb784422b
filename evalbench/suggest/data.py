"""What the suggester learns from, read from the project file through its Store.

Participant turns with their text; the codes human coders gave each turn
(manual, accepted-suggestion, imported and merged codings that overlap it;
never ``rule`` auto-codings); the codes coders rejected for a turn; and seed
texts written from the codebook (definition, inclusion, examples, keywords)
so that a model exists before anyone has coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalbench.model import Code, TurnText
from evalbench.store.training import HUMAN_ORIGINS

if TYPE_CHECKING:
    from evalbench.store.store import Store

__all__ = ["HUMAN_ORIGINS", "Excerpt", "LabelledTurn", "excerpts", "labelled_turns", "seed_texts"]


@dataclass
class Excerpt:
    """A coded stretch of a turn: its text and the codes of the codings on it."""

    text: str
    codes: set[str]
    coding_ids: list[int] = field(default_factory=list)


@dataclass
class LabelledTurn:
    """A turn with the codes given to it, the codes rejected for it and its coded excerpts."""

    turn: TurnText
    codes: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)
    excerpts: list[Excerpt] = field(default_factory=list)


def labelled_turns(store: Store, *, coder: str | None = None, include_uncoded: bool = True) -> list[LabelledTurn]:
    """Participant turns in documents someone coded, with human codes and rejections.

    With ``coder``, only that coder's codings and rejections count. Uncoded
    turns of coded documents are kept (as negatives) when ``include_uncoded``.
    """
    rows = store.training.coded_parts(coder)
    rejected = store.suggestions.rejected_pairs(coder)
    coded_docs = store.training.coded_documents(coder)
    codes: dict[int, set[str]] = {}
    spans: dict[int, list[tuple[int, int, str, int]]] = {}
    for tid, code, coding_id, start, end in rows:
        codes.setdefault(tid, set()).add(code)
        spans.setdefault(tid, []).append((start, end, code, coding_id))
    rejects: dict[int, set[str]] = {}
    for tid, code in rejected:
        rejects.setdefault(tid, set()).add(code)
    out = []
    for turn in store.turns.participant_texts():
        if turn.id in codes or turn.id in rejects or (include_uncoded and turn.document_id in coded_docs):
            out.append(
                LabelledTurn(
                    turn,
                    codes.get(turn.id, set()),
                    rejects.get(turn.id, set()) - codes.get(turn.id, set()),
                    excerpts(turn, spans.get(turn.id, [])),
                )
            )
    return out


def excerpts(turn: TurnText, spans: list[tuple[int, int, str, int]]) -> list[Excerpt]:
    """The distinct coded spans of a turn, each with the codes of every coding covering most of it.

    Two coders who coded the same sentence with different codes give one
    excerpt carrying both codes: a coding counts for a span when they overlap
    by more than half of the shorter of the two.
    """
    out = []
    for start, end in sorted({(s, e) for s, e, _, _ in spans}):
        here = [(code, cid) for s, e, code, cid in spans if min(e, end) - max(s, start) > 0.5 * min(e - s, end - start)]
        text = turn.text[start - turn.start : end - turn.start]
        if text.strip():
            out.append(Excerpt(text, {code for code, _ in here}, sorted({cid for _, cid in here})))
    return out


def seed_texts(codes: list[Code]) -> list[tuple[str, str]]:
    """(code id, text) pairs written from the codebook: the model's starting point."""
    out = []
    for code in codes:
        parts = [code.name, code.definition, code.inclusion, *code.examples, *code.keywords]
        text = ". ".join(p for p in parts if p)
        if text:
            out.append((code.id, text))
        for example in code.examples:
            out.append((code.id, example))
    return out
