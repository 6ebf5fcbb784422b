"""Consensus: resolve each disagreement into a ``consensus`` coder's coding.

For a disagreement on a unit (a turn, or a run of characters) and a code, the
team decides to keep coder A's coding, coder B's, both (the union of every
compared coder's coding), or neither. The consensus coder then holds exactly
that coding of the code on the unit: the chosen coders' codings clipped to the
unit (merged where they overlap), valence and memo taken from the first
source coding. The decision is stored in the ``consensus_decisions`` table
(with the ids of the codings it created), so it can be listed, audited and
changed: deciding again on the same unit replaces the earlier decision and its
codings. Everything happens in one undoable action.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from evalbench.errors import UserError
from evalbench.store.consensus import ConsensusDecision
from evalbench.store.db import now

if TYPE_CHECKING:
    from evalbench.analysis.disagreements import Disagreement
    from evalbench.store.store import Store

DECISIONS = ("keep_a", "keep_b", "both", "neither")
#: Key letters used in the TUI and their decisions.
KEYS = {"a": "keep_a", "b": "keep_b", "c": "both", "n": "neither"}


def chosen_coders(d: Disagreement, decision: str) -> tuple[str, ...]:
    """Whose coding the decision keeps."""
    if decision not in DECISIONS:
        raise UserError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    coders = d.coders or (d.applied_by + d.not_applied_by)
    return {"keep_a": coders[:1], "keep_b": coders[1:2], "both": tuple(coders), "neither": ()}[decision]


def _spans(
    store: Store, document_id: int, code: str, start: int, end: int, keep: tuple[str, ...]
) -> tuple[list[tuple[int, int]], str, str]:
    """The chosen coders' codings of ``code`` clipped to [start, end) and merged, with valence and memo."""
    sources = store.consensus.sources(document_id, code, start, end, keep)
    spans = _union([(max(s, start), min(e, end)) for s, e, _, _ in sources])
    valence, memo = (sources[0][2], sources[0][3]) if sources else ("none", "")
    return spans, valence, memo


def _coding_row(
    document_id: int, code: str, span: tuple[int, int], coder: str, valence: str, memo: str
) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "start": span[0],
        "end": span[1],
        "code_id": code,
        "coder": coder,
        "valence": valence,
        "memo": memo,
        "origin": "manual",
        "created_at": now(),
    }


def resolve(store: Store, d: Disagreement, decision: str, *, consensus_coder: str = "consensus") -> list[int]:
    """Record ``decision`` on ``d`` and write the consensus coding; returns the new coding ids."""
    keep = chosen_coders(d, decision)
    if consensus_coder in (d.coders or ()):
        raise UserError(f"{consensus_coder!r} is one of the coders compared; choose another consensus coder")
    spans, valence, memo = _spans(store, d.document_id, d.code, d.start, d.end, keep)
    code = store.describe.code(d.code)
    label = f"Consensus {decision.replace('_', ' ')} on {code} ({d.document} turn {d.turn})"
    with store.action(label) as act:
        old = store.consensus.at(d.document_id, d.start, d.end, d.code, consensus_coder)
        stale = set(old[1]) if old else set()
        stale |= store.codings.inside(d.document_id, d.code, consensus_coder, d.start, d.end)
        for coding_id in sorted(stale):
            act.delete("codings", {"id": coding_id})
        if old:
            act.delete("consensus_decisions", {"id": old[0]})
        store.coders.ensure(consensus_coder)
        ids = [
            act.insert("codings", _coding_row(d.document_id, d.code, span, consensus_coder, valence, memo))
            for span in spans
        ]
        act.insert(
            "consensus_decisions",
            {
                "document_id": d.document_id,
                "start": d.start,
                "end": d.end,
                "code_id": d.code,
                "unit": d.unit,
                "coders": json.dumps(list(d.coders)),
                "decision": decision,
                "consensus_coder": consensus_coder,
                "coding_ids": json.dumps(ids),
                "decided_by": store.coder,
                "decided_at": now(),
            },
        )
    return ids


def adopt_agreed(
    store: Store, coders: list[str], *, include_interviewer: bool = False, consensus_coder: str = "consensus"
) -> int:
    """Copy to the consensus coder every (turn, code) that all ``coders`` applied; one undoable action.

    The consensus coding is the union of the coders' codings clipped to the
    turn. A turn where the consensus coder already has that code is left
    alone, so running this again adds nothing. Returns the codings added.
    """
    import numpy as np

    from evalbench.analysis import agreement_data as data
    from evalbench.analysis.agreement import check_coders

    coders = check_coders(store, coders, store.where)
    if consensus_coder in coders:
        raise UserError(f"{consensus_coder!r} is one of the coders compared; choose another consensus coder")
    code_ids = [c.id for c in store.codes.list()]
    doc_ids = data.compared_documents(store, coders)
    units, codings = data.load(store, coders, code_ids, doc_ids, include_interviewer)
    agreed = data.turn_decisions(units, codings, len(code_ids), len(coders)).all(axis=0)
    _, mine = data.load(store, [consensus_coder], code_ids, doc_ids, include_interviewer)
    if len(mine.code):
        agreed &= ~data.turn_decisions(units, mine, len(code_ids), 1)[0]
    pairs = np.argwhere(agreed)
    if not len(pairs):
        return 0
    rows = []
    for u, c in pairs:
        doc, start, end = int(units.doc_id[u]), int(units.start[u]), int(units.end[u])
        spans, valence, memo = _spans(store, doc, code_ids[c], start, end, tuple(coders))
        rows += [_coding_row(doc, code_ids[c], span, consensus_coder, valence, memo) for span in spans]
    with store.action(f"Consensus: adopt {len(rows)} agreed coding(s)") as act:
        store.coders.ensure(consensus_coder)
        for row in rows:
            act.insert("codings", row)
    return len(rows)


def decisions(store: Store, consensus_coder: str = "consensus") -> list[ConsensusDecision]:
    """Every recorded decision of the consensus coder, oldest first."""
    return store.consensus.list(consensus_coder)


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping or touching spans; drop empty ones."""
    merged: list[list[int]] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]
