"""Which coding a finding, an export or ``themes list`` counts: one coder's, the consensus, or every coder's.

The rule (issue 17, "Which coding"), in order:

1. ``--all-coders``: every coder's codings, not reconciled (passages that several
   coders coded count once; see :mod:`evalbench.findings.evidence`).
2. ``--coder NAME``: that coder's codings; ``--coder consensus`` the consensus coding.
3. Neither, and at most one coder has codings: that coder's.
4. Neither, and several coders have codings: the consensus coding, if it is
   *complete*; otherwise a :class:`UserError` in one line naming the choices.

**Complete** (the definition the methods paragraph relies on): the consensus
coder (``consensus``, or another name that recorded consensus decisions) has
codings, and every participant turn × code that any other coder applied is
settled in it. A turn × code is *applied* when a coding of exactly that code
overlaps the turn (the turn units of ``evalbench agreement``); it is *settled*
when the consensus coder applied the same code to the turn, or a consensus
decision on that code covers part of the turn (a decision to keep the other
coder's coding, or neither, leaves nothing to copy). So both halves of a
reconciliation must be done: every disagreement decided (``evalbench
consensus``) and the agreed codings adopted (``consensus --adopt-agreed``),
in every transcript any coder coded — a transcript only one coder coded must
be in the consensus too, or the table would silently drop it. Interviewer
turns do not count, as in agreement.

The check reads the codings and turns once and bisects; it takes tens of
milliseconds at 200 interviews (see docs/benchmarks.md).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from evalbench.errors import UserError

if TYPE_CHECKING:
    from evalbench.store.store import Store

CONSENSUS = "consensus"


@dataclass(frozen=True)
class CodingChoice:
    """The codings a finding counts.

    ``coder`` is the one coder whose codings count, or None for every coder's
    (``all_coders``) or when nobody has coded yet. ``coders`` lists the coders
    whose codings count (for the consensus: ``("consensus",)``); ``reconciled``
    the coders the consensus reconciled. ``description`` finishes the methods
    paragraph's sentence "The table counts …".
    """

    coder: str | None
    all_coders: bool
    coders: tuple[str, ...]
    description: str
    reconciled: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "coder": self.coder,
            "all_coders": self.all_coders,
            "coders": list(self.coders),
            "reconciled": list(self.reconciled),
            "description": self.description,
        }


def _names(coders) -> str:
    coders = list(coders)
    return coders[0] if len(coders) == 1 else ", ".join(coders[:-1]) + " and " + coders[-1]


def choose_coding(
    store: Store, coder: str | None = None, *, all_coders: bool = False, where: str = "project"
) -> CodingChoice:
    """The coding to count, by the rule in the module docstring; ``where`` names the file in errors."""
    coders = store.coders.with_codings()
    if coder is not None and all_coders:
        raise UserError(f"{where}: give --coder NAME or --all-coders, not both")
    if all_coders:
        if len(coders) == 1:
            return CodingChoice(None, True, tuple(coders), f"{coders[0]}'s coding (the only coder)")
        return CodingChoice(
            None,
            True,
            tuple(coders),
            f"every coder's coding ({', '.join(coders)}), not reconciled" if coders else "no coding yet",
        )
    if coder is not None:
        return _named(store, coder, coders, where)
    if not coders:
        return CodingChoice(None, False, (), "no coding yet")
    if len(coders) == 1:
        if coders[0] in store.consensus.coders():
            return _consensus(coders[0], ())
        return CodingChoice(coders[0], False, (coders[0],), f"{coders[0]}'s coding")
    for name in store.consensus.coders():
        if name in coders:
            others = tuple(c for c in coders if c != name)
            missing = unsettled(store, name, others)
            if not missing:
                return _consensus(name, others)
            raise UserError(
                f"{where}: codings by {_names(coders)}, and the {name} coding is not complete "
                f"({missing} turn × code settled by no consensus decision); choose --coder NAME, "
                f"--coder {name} or --all-coders"
            )
    raise UserError(
        f"{where}: codings by {_names(coders)} and no consensus coding; choose --coder NAME "
        f"({', '.join(coders)}), --coder consensus (after `evalbench consensus`) or --all-coders"
    )


def _consensus(name: str, reconciled: tuple[str, ...]) -> CodingChoice:
    what = f"the {name} coding" if name != CONSENSUS else "the consensus coding"
    return CodingChoice(name, False, (name,), f"{what} of {_names(reconciled)}" if reconciled else what, reconciled)


def _named(store: Store, coder: str, coders: list[str], where: str) -> CodingChoice:
    if coder in store.consensus.coders():
        if coder not in coders:
            raise UserError(
                f"{where}: no {coder} coding yet (build it with `evalbench consensus`); "
                f"coders: {', '.join(coders) or 'none'}"
            )
        return _consensus(coder, tuple(c for c in coders if c != coder))
    known = set(coders) | set(store.coders.names())
    if coder not in known:
        raise UserError(f"{where}: no coder {coder!r} (coders: {', '.join(coders) or 'none'})")
    return CodingChoice(coder, False, (coder,), f"{coder}'s coding")


def unsettled(store: Store, consensus: str, others: tuple[str, ...]) -> int:
    """How many participant turn × code that ``others`` applied the ``consensus`` coding leaves unsettled."""
    turns = store.turns.participant_spans()
    reach = {doc: list(accumulate(ends, max)) for doc, (_starts, ends) in turns.items()}  # overlapping turns too
    empty: tuple[list, list] = ([], [])

    def mark(target: set, rows) -> None:
        """Add (document, turn index, code) for every participant turn each coding overlaps."""
        for doc, start, end, code in rows:
            starts, ends = turns.get(doc, empty)
            i = bisect_right(reach.get(doc, ()), start)
            last = bisect_left(starts, end)
            while i < last:
                if ends[i] > start:
                    target.add((doc, i, code))
                i += 1

    settled: set[tuple[int, int, str]] = set()
    applied: set[tuple[int, int, str]] = set()
    rows = store.codings.evidence_rows((consensus, *others))
    mark(settled, ((r[1], r[2], r[3], r[4]) for r in rows if r[5] == consensus))
    mark(applied, ((r[1], r[2], r[3], r[4]) for r in rows if r[5] != consensus))
    missing = applied - settled
    if missing:
        decided: set[tuple[int, int, str]] = set()
        mark(decided, store.consensus.spans(consensus))
        missing -= decided
    return len(missing)
