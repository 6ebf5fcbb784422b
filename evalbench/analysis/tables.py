"""Frequencies, code matrices, their quotes, and co-occurrence, from the codings frame.

All functions take the frame built by :func:`evalbench.analysis.frame.codings_frame`
and a :class:`CodeTree`, and return DataFrames indexed by code ID with a
``code`` column holding the code's name first, so that both a program and a
person can read them.
"""

from __future__ import annotations

from evalbench.analysis.frame import CodeTree, group_column, with_level
from evalbench.errors import UserError
from evalbench.model import Quote

VALENCE_ORDER = ("barrier", "facilitator", "mixed", "neutral", "none")
MATRIX_VALUES = ("codings", "participants")


def _names_first(table, tree: CodeTree, *, all_codes: list[str] | None = None):
    """Order rows by the codebook, add the name column, fill missing numbers with 0."""
    if all_codes is not None:
        table = table.reindex(all_codes)
    else:
        table = table.loc[sorted(table.index, key=lambda cid: (tree.order.get(cid, 10**9), cid))]
    table = table.fillna(0).astype("int64")
    table.insert(0, "code", [tree.name(cid) for cid in table.index])
    table.index.name = "code_id"
    return table


def frequencies(frame, tree: CodeTree, *, by: str | None = None, level: str = "code", all_codes: bool = False):
    """Per code: codings, documents, distinct participants, codings by valence.

    With ``by`` (role, site or any participant attribute), one more column per
    value, ``<by>=<value>``, counts the distinct participants of that group
    who were coded with the code.
    """
    import pandas as pd

    frame = with_level(frame, tree, level)
    grouped = frame.groupby("unit")
    table = pd.DataFrame(
        {
            "codings": grouped.size(),
            "documents": grouped["document_id"].nunique(),
            "participants": grouped["participant"].nunique(),
        }
    )
    valence = frame.groupby(["unit", "valence"]).size().unstack(fill_value=0)
    for v in VALENCE_ORDER:
        table[v] = valence[v] if v in valence.columns else 0
    if by is not None:
        col = group_column(frame, by)
        split = frame.dropna(subset=[col]).groupby(["unit", col])["participant"].nunique().unstack()
        for value in sorted(split.columns, key=str):
            table[f"{by}={value}"] = split[value]
    keep = tree.ids_at(level) if all_codes else None
    return _names_first(table, tree, all_codes=keep)


def matrix(
    frame,
    tree: CodeTree,
    *,
    by: str = "participant",
    level: str = "construct",
    value: str = "codings",
    columns: list[str] | None = None,
):
    """Codes (rows, at ``level``) × participants or groups (columns); cells count codings or participants.

    ``columns`` adds groups that have no codings yet (e.g. a participant not
    yet coded), so the matrix shows the whole sample.
    """
    if value not in MATRIX_VALUES:
        raise UserError(f"value must be one of {', '.join(MATRIX_VALUES)}, not {value!r}")
    frame = with_level(frame, tree, level)
    col = group_column(frame, by)
    frame = frame.dropna(subset=[col])
    if value == "codings":
        table = frame.groupby(["unit", col]).size().unstack(fill_value=0)
    else:
        table = frame.groupby(["unit", col])["participant"].nunique().unstack(fill_value=0)
    table = table.reindex(columns=sorted(set(table.columns) | set(columns or ()), key=str), fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table.columns.name = by
    return _names_first(table, tree)


def quote_from_record(r: dict) -> Quote:
    """One codings-frame row (as a dict) as a Quote."""
    return Quote(
        coding_id=int(r["coding_id"]),
        document=r["document"],
        participant=r["participant"],
        role=r["role"],
        site=r["site"] if isinstance(r["site"], str) else None,
        turn=_int_or_none(r["turn"]),
        speaker=r["speaker"] if isinstance(r["speaker"], str) else None,
        code_id=r["code_id"],
        code=r["code"],
        valence=r["valence"],
        coder=r["coder"],
        text=r["text"],
        starred=bool(r["starred"]),
        memo=r["memo"],
        document_id=int(r["document_id"]),
        start=int(r["start"]),
        end=int(r["end"]),
    )


def quotes_of(frame, tree: CodeTree | None = None) -> list[Quote]:
    """The rows of ``frame`` as Quote objects, in frame order."""
    return [quote_from_record(r) for r in frame.to_dict("records")]


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def matrix_quotes(
    frame, tree: CodeTree, code_id: str, *, by: str = "participant", value: str | None = None, level: str = "construct"
) -> list[Quote]:
    """The excerpts behind one matrix cell (or one whole row when ``value`` is None)."""
    frame = with_level(frame, tree, level)
    frame = frame[frame["unit"] == code_id]
    if value is not None:
        col = group_column(frame, by)
        frame = frame[frame[col].astype(str) == str(value)]
    return quotes_of(frame, tree)


def cooccurrence(frame, tree: CodeTree, *, level: str = "code", participant_turns_only: bool = True):
    """Code × code counts of turns coded with both (the diagonal: turns coded with each)."""
    import pandas as pd

    frame = with_level(frame, tree, level)
    import numpy as np

    frame = frame.dropna(subset=["turn"])
    if participant_turns_only:
        frame = frame[frame["speaker_role"] != "interviewer"]
    if frame.empty:
        return _names_first(pd.DataFrame(dtype="int64"), tree)
    turn_keys = frame["document_id"].to_numpy(dtype="int64") * 1_000_000 + frame["turn"].to_numpy(dtype="int64")
    turn_idx, _ = pd.factorize(turn_keys)
    unit_idx, units = pd.factorize(frame["unit"])
    present = np.zeros((turn_idx.max() + 1, len(units)), dtype=np.int32)
    present[turn_idx, unit_idx] = 1
    both = present.T @ present
    order = sorted(range(len(units)), key=lambda i: (tree.order.get(units[i], 10**9), units[i]))
    ids = [units[i] for i in order]
    counts = pd.DataFrame(both[np.ix_(order, order)], index=ids, columns=ids)
    return _names_first(counts, tree)
