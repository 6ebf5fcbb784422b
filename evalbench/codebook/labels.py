"""What to call a code where people read it: its name, or the shortest path that tells it apart.

CFIR 2.0 has three codes named "Innovation Deliverers" (a construct of
Individuals and subconstructs of Assessing Needs and of Engaging) and two named
"Innovation". A bare name on a screen, in a table or in a message cannot say
which one was meant, and a code ID is not the user's language. So a code is
shown by its name when that name is unique, and otherwise prefixed with as
many ancestors as it takes to be unique: ``Engaging › Innovation Deliverers``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from evalbench.model import Code

SEPARATOR = " › "


def code_labels(codes: Iterable[Code], *, separator: str = SEPARATOR) -> dict[str, str]:
    """Code ID → the shortest distinguishing label, for every code in ``codes``.

    Ancestors are added one at a time, only to the codes that still share a
    label, so a unique name stays short. Codes whose whole paths are equal
    (possible in an imported codebook) get their ID in brackets as a last resort.
    """
    codes = list(codes)
    by_id = {c.id: c for c in codes}
    chains: dict[str, list[str]] = {}
    for code in codes:
        names: list[str] = []
        seen: set[str] = set()
        cur: Code | None = code
        while cur is not None and cur.id not in seen:  # iterative, and safe against a cycle
            seen.add(cur.id)
            names.append(cur.name)
            cur = by_id.get(cur.parent_id) if cur.parent_id else None
        chains[code.id] = names  # own name first, then parent, grandparent, ...
    depth = {cid: 1 for cid in chains}
    while True:
        groups: dict[str, list[str]] = defaultdict(list)
        for cid, names in chains.items():
            groups[_join(names[: depth[cid]], separator)].append(cid)
        grew = False
        for members in groups.values():
            if len(members) < 2:
                continue
            for cid in members:
                if depth[cid] < len(chains[cid]):
                    depth[cid] += 1
                    grew = True
        if not grew:
            break
    labels = {cid: _join(names[: depth[cid]], separator) for cid, names in chains.items()}
    counts: dict[str, int] = defaultdict(int)
    for label in labels.values():
        counts[label] += 1
    return {cid: (f"{label} [{cid}]" if counts[label] > 1 else label) for cid, label in labels.items()}


def _join(names_up: list[str], separator: str) -> str:
    return separator.join(reversed(names_up))
