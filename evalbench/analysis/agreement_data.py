"""Turning a project's codings into coders' yes/no decisions on units.

Two kinds of unit (see ``docs/agreement.md``):

* ``turn`` — each counted speaker turn is a unit; a coder applied a code to it
  when any of their codings of that code overlaps the turn.
* ``char`` — each character inside a counted turn is a unit (NVivo's coding
  comparison). Characters are handled as runs ("segments") over which every
  coder's decision is constant, weighted by their length, so nothing is ever
  expanded to one array cell per character.

Only documents that every compared coder has coded (at least one coding of any
code) count; interviewer turns count only when asked for. Positions of all
documents are laid on one line as ``rank × span + offset`` so that numpy's
``searchsorted`` finds overlaps for every document at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from evalbench.store.store import Store


@dataclass
class Units:
    """The counted turns, sorted by document then start (parallel arrays)."""

    turn_id: np.ndarray
    doc_id: np.ndarray
    seq: np.ndarray
    start: np.ndarray
    end: np.ndarray
    key_start: np.ndarray  #: start on the common line
    key_end: np.ndarray

    def __len__(self) -> int:
        return len(self.turn_id)


@dataclass
class CodingArrays:
    """The compared coders' codings, as parallel arrays of indices and positions."""

    doc_id: np.ndarray
    code: np.ndarray  #: index into the code list
    coder: np.ndarray  #: index into the coder list
    key_start: np.ndarray
    key_end: np.ndarray


def compared_documents(store: Store, coders: list[str]) -> list[int]:
    """Ids of documents in which every one of ``coders`` has at least one coding."""
    return store.codings.compared_documents(coders)


def load(
    store: Store, coders: list[str], code_ids: list[str], doc_ids: list[int], include_interviewer: bool
) -> tuple[Units, CodingArrays]:
    """The counted turns and the compared coders' codings of the counted documents."""
    if not doc_ids:
        empty = np.zeros(0, dtype=np.int64)
        return (Units(*(empty,) * 7), CodingArrays(*(empty,) * 5))
    turns = np.array(store.turns.units(doc_ids, include_interviewer=include_interviewer), dtype=np.int64).reshape(-1, 5)
    code_index = {c: i for i, c in enumerate(code_ids)}
    coder_index = {c: i for i, c in enumerate(coders)}
    rows = [
        (d, s, e, code_index[c], coder_index[k])
        for d, s, e, c, k in store.codings.spans(doc_ids, coders)
        if c in code_index
    ]
    cod = np.array(rows, dtype=np.int64).reshape(-1, 5)
    span = int(max(turns[:, 4].max(initial=0), cod[:, 2].max(initial=0))) + 1
    rank = {d: i for i, d in enumerate(doc_ids)}
    lookup = np.vectorize(rank.__getitem__, otypes=[np.int64])
    t_base = lookup(turns[:, 1]) * span if len(turns) else turns[:, 1]
    c_base = lookup(cod[:, 0]) * span if len(cod) else cod[:, 0]
    units = Units(
        turns[:, 0], turns[:, 1], turns[:, 2], turns[:, 3], turns[:, 4], t_base + turns[:, 3], t_base + turns[:, 4]
    )
    codings = CodingArrays(cod[:, 0], cod[:, 3], cod[:, 4], c_base + cod[:, 1], c_base + cod[:, 2])
    return units, codings


def turn_decisions(units: Units, codings: CodingArrays, n_codes: int, n_coders: int) -> np.ndarray:
    """Boolean cube (coders, units, codes): True where the coder applied the code to the turn."""
    cube = np.zeros((n_coders, len(units), n_codes), dtype=bool)
    if not len(units) or not len(codings.code):
        return cube
    reach = np.maximum.accumulate(units.key_end)  # tolerate overlapping turns
    first = np.searchsorted(reach, codings.key_start, side="right")
    last = np.searchsorted(units.key_start, codings.key_end, side="left") - 1
    lengths = np.clip(last - first + 1, 0, None)
    owner = np.repeat(np.arange(len(first)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    turn = np.repeat(first, lengths) + offsets
    hit = (units.key_start[turn] < codings.key_end[owner]) & (units.key_end[turn] > codings.key_start[owner])
    turn, owner = turn[hit], owner[hit]
    cube[codings.coder[owner], turn, codings.code[owner]] = True
    return cube


@dataclass
class Segments:
    """Runs of characters of one code over which each coder's decision is constant.

    Only runs where at least one coder applied the code are kept; ``unit`` is
    the index of the turn containing the run.
    """

    unit: np.ndarray
    key_start: np.ndarray
    key_end: np.ndarray
    applied: np.ndarray  #: (runs, coders) bool

    @property
    def weight(self) -> np.ndarray:
        return self.key_end - self.key_start


def char_segments(units: Units, codings: CodingArrays, code: int, n_coders: int) -> Segments:
    """The runs inside counted turns where some coder applied code number ``code``."""
    mine = codings.code == code
    starts, ends, who = codings.key_start[mine], codings.key_end[mine], codings.coder[mine]
    # Turn boundaries matter only where they cut through a coding.
    edges = np.concatenate([units.key_start, units.key_end])
    cuts = edges[_covered(starts, ends, edges)]
    bounds = np.sort(np.concatenate([starts, ends, cuts]))
    bounds = bounds[np.r_[True, bounds[1:] != bounds[:-1]]] if len(bounds) else bounds
    left, right = bounds[:-1], bounds[1:]
    unit = np.searchsorted(units.key_start, left, side="right") - 1
    inside = (unit >= 0) & (units.key_end[np.clip(unit, 0, None)] > left) if len(units) else left < 0
    applied = np.zeros((len(left), n_coders), dtype=bool)
    for c in range(n_coders):
        applied[:, c] = _covered(starts[who == c], ends[who == c], left)
    keep = inside & applied.any(axis=1)
    return Segments(unit[keep], left[keep], right[keep], applied[keep])


def _covered(starts: np.ndarray, ends: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Which points fall inside the union of half-open intervals [starts, ends)."""
    if not len(starts):
        return np.zeros(len(points), dtype=bool)
    order = np.argsort(starts, kind="stable")
    s, reach = starts[order], np.maximum.accumulate(ends[order])
    i = np.searchsorted(s, points, side="right") - 1
    return (i >= 0) & (reach[np.clip(i, 0, None)] > points)
