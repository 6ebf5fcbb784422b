"""Rapid-analysis matrix: participants (rows) × domains or constructs (columns).

Each cell holds the summary a coder wrote for that participant and code (a
memo with target type ``cell`` and target ID ``"<participant>|<code id>"``);
the quotes behind a cell are ``Project.matrix_quotes(code_id, 'participant',
participant, level=...)``. A cell with quotes but no summary yet shows
``[n quotes]`` so the analyst sees what is left to summarise.
"""

from __future__ import annotations

from evalbench.analysis.frame import CodeTree, with_level


def cell_key(participant: str, code_id: str) -> str:
    """The memo target ID of one rapid-analysis cell."""
    return f"{participant}|{code_id}"


def rapid_matrix(
    frame, tree: CodeTree, memos: dict[str, str], *, level: str = "domain", participants: list[str] | None = None
):
    """A DataFrame of strings: index participants, columns code IDs at ``level`` (codebook order)."""
    import pandas as pd

    frame = with_level(frame, tree, level)
    counts = frame.groupby(["participant", "unit"]).size()
    people = sorted(set(participants or []) | set(frame["participant"]))
    units = [u for u in tree.ids_at(level)]
    units += sorted(set(frame["unit"]) - set(units))
    cells = []
    for person in people:
        row = []
        for unit in units:
            text = memos.get(cell_key(person, unit), "")
            n = int(counts.get((person, unit), 0))
            row.append(text if text else (f"[{n} quote{'s' if n != 1 else ''}]" if n else ""))
        cells.append(row)
    table = pd.DataFrame(cells, index=pd.Index(people, name="participant"), columns=units)
    return table
