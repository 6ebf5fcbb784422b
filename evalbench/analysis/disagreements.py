"""The units on which coders disagree: where they are, who applied the code, the text.

A disagreement is one (unit, code) pair on which some compared coders applied
the code and others did not. For ``turn`` units the span is the whole turn; for
``char`` units it is a run of characters inside one turn over which each coder's
decision is constant. Consensus decisions already taken on a span are attached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evalbench.analysis.agreement import UNITS, check_coders
from evalbench.errors import UserError

if TYPE_CHECKING:
    from evalbench.analysis.agreement_data import Units
    from evalbench.store.store import Store


@dataclass(frozen=True)
class Disagreement:
    """One unit and code on which the compared coders differ."""

    document_id: int
    document: str  #: document name
    turn: int  #: seq of the turn the unit lies in
    start: int  #: the unit's span, ``text[start:end]``
    end: int
    code: str  #: code ID
    applied_by: tuple[str, ...]  #: coders who applied the code to the unit
    not_applied_by: tuple[str, ...]
    text: str
    coders: tuple[str, ...] = ()  #: every coder compared, in order (A, B, …)
    unit: str = "turn"
    decision: str | None = None  #: consensus decision already taken, if any

    @property
    def location(self) -> str:
        return f"{self.document} turn {self.turn} [{self.start}:{self.end}]"


def list_disagreements(
    store: Store,
    coders: list[str],
    *,
    code: str | None = None,
    unit: str = "turn",
    include_interviewer: bool = False,
    where: str = "project",
) -> list[Disagreement]:
    """Every disagreement between ``coders`` (only on ``code`` if given), in document order."""
    import numpy as np

    from evalbench.analysis import agreement_data as data

    if unit not in UNITS:
        raise UserError(f"{where}: unit must be one of {', '.join(UNITS)}, not {unit!r}")
    coders = check_coders(store, coders, where)
    code_ids = [c.id for c in store.codes.list()]
    if code is not None and code not in code_ids:
        raise UserError(f"{where}: no code {code!r}")
    doc_ids = data.compared_documents(store, coders)
    units, codings = data.load(store, coders, code_ids, doc_ids, include_interviewer)
    m = len(coders)
    found: list[tuple[int, int, int, int, tuple[bool, ...]]] = []  # unit index, code, start, end, who
    wanted = [code_ids.index(code)] if code is not None else range(len(code_ids))
    if unit == "turn":
        cube = data.turn_decisions(units, codings, len(code_ids), m)
        count = cube.sum(axis=0)
        for u, c in zip(*np.nonzero((count > 0) & (count < m))):
            if code is None or c == wanted[0]:
                found.append(
                    (int(u), int(c), int(units.start[u]), int(units.end[u]), tuple(bool(x) for x in cube[:, u, c]))
                )
    else:
        base = units.start - units.key_start
        for c in wanted:
            seg = data.char_segments(units, codings, c, m)
            split = ~seg.applied.all(axis=1)
            for u, s, e, who in zip(seg.unit[split], seg.key_start[split], seg.key_end[split], seg.applied[split]):
                found.append((int(u), c, int(s + base[u]), int(e + base[u]), tuple(bool(x) for x in who)))
    found.sort(key=lambda f: (int(units.doc_id[f[0]]), f[2], f[1]))
    return _describe(store, coders, code_ids, units, found, unit)


def _describe(
    store: Store,
    coders: list[str],
    code_ids: list[str],
    units: Units,
    found: list[tuple[int, int, int, int, tuple[bool, ...]]],
    unit: str,
) -> list[Disagreement]:
    named = store.documents.named_texts({int(units.doc_id[f[0]]) for f in found})
    names = {doc: name for doc, (name, _text) in named.items()}
    texts = {doc: text for doc, (_name, text) in named.items()}
    decisions = store.consensus.by_span()
    out = []
    for u, c, start, end, who in found:
        doc = int(units.doc_id[u])
        out.append(
            Disagreement(
                document_id=doc,
                document=names[doc],
                turn=int(units.seq[u]),
                start=start,
                end=end,
                code=code_ids[c],
                applied_by=tuple(k for k, w in zip(coders, who) if w),
                not_applied_by=tuple(k for k, w in zip(coders, who) if not w),
                text=texts[doc][start:end],
                coders=tuple(coders),
                unit=unit,
                decision=decisions.get((doc, start, end, code_ids[c])),
            )
        )
    return out


def disagreement_to_json(d: Disagreement) -> dict:
    """A disagreement as JSON-ready data (CLI and reports)."""
    return {
        "document": d.document,
        "turn": d.turn,
        "start": d.start,
        "end": d.end,
        "code": d.code,
        "applied_by": list(d.applied_by),
        "not_applied_by": list(d.not_applied_by),
        "text": d.text,
        "decision": d.decision,
    }
