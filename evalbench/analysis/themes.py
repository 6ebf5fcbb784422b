"""The theme table a manuscript reports, as plain rows shared by the Word and Markdown exports.

One row per construct (at the chosen level) and valence group that has
codings: Domain | Construct | Barrier/Facilitator | n participants (roles) |
exemplar quotes with participant IDs. Valence groups are Barrier,
Facilitator, Mixed and "Neutral or not specified" (neutral and none together);
the last appears only for a construct with no barrier, facilitator or mixed
codings, since the table reports influences. Role values print with spaces
for underscores (``quality_safety`` → "quality safety").
Rows follow codebook order; roles within a cell are listed most frequent first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from evalbench.analysis.exemplars import clean_quote, pick_exemplars
from evalbench.analysis.frame import CodeTree, group_column, records, with_level

GROUPS = (
    ("barrier", "Barrier", ("barrier",)),
    ("facilitator", "Facilitator", ("facilitator",)),
    ("mixed", "Mixed", ("mixed",)),
    ("neutral", "Neutral or not specified", ("neutral", "none")),
)


@dataclass(frozen=True)
class ThemeRow:
    """One line of the theme table."""

    domain: str
    construct: str
    construct_id: str
    valence: str  # group key: barrier | facilitator | mixed | neutral
    valence_label: str
    participants: int
    roles: tuple[tuple[str, int], ...]  # (role, distinct participants), most first
    quotes: tuple[tuple[str, str], ...]  # (quote text, participant ID)

    @property
    def roles_text(self) -> str:
        return ", ".join(f"{n} {role}" for role, n in self.roles)

    @property
    def count_text(self) -> str:
        """``"5 (3 physician, 2 nursing)"``: the n participants (roles) cell."""
        return f"{self.participants} ({self.roles_text})" if self.roles else str(self.participants)


def theme_rows(frame, tree: CodeTree, *, level: str = "construct", quotes: int = 2, by: str = "role") -> list[ThemeRow]:
    """The theme table's rows for the codings in ``frame``; ``by`` breaks participants down
    by role (default), site or another participant attribute."""
    frame = with_level(frame, tree, level)
    group = group_column(frame, by) if len(frame) else "role"
    if frame.empty:
        return []
    by_unit: dict[str, list[dict]] = {}
    for rec in records(
        frame,
        [
            "unit",
            "valence",
            "participant",
            group,
            "role",
            "speaker_role",
            "text",
            "words",
            "starred",
            "document",
            "document_id",
            "start",
            "end",
            "coding_id",
        ],
    ):
        by_unit.setdefault(rec["unit"], []).append(rec)
    out: list[ThemeRow] = []
    units = sorted(by_unit, key=lambda cid: (tree.order.get(cid, 10**9), cid))
    for unit in units:
        rows = by_unit[unit]
        domain_id = tree.at_level(unit, "domain")
        domain, construct = tree.name(domain_id), tree.name(unit)
        if unit == domain_id:
            if level == "domain":
                construct = ""
            elif tree.children(unit):
                construct = "(domain as a whole)"
            else:  # a flat codebook: no domains
                domain = ""
        valenced = any(r["valence"] in ("barrier", "facilitator", "mixed") for r in rows)
        for key, label, valences in GROUPS:
            part = [r for r in rows if r["valence"] in valences]
            if not part or (key == "neutral" and valenced):
                continue
            people: dict[str, str] = {}
            for r in part:
                value = r[group]
                people.setdefault(
                    r["participant"], value.replace("_", " ") if isinstance(value, str) and value else "unknown"
                )
            role_counts = Counter(people.values())
            roles = tuple(sorted(role_counts.items(), key=lambda rn: (-rn[1], rn[0])))
            picked = pick_exemplars(part, quotes)
            out.append(
                ThemeRow(
                    domain=domain,
                    construct=construct,
                    construct_id=unit,
                    valence=key,
                    valence_label=label,
                    participants=len(people),
                    roles=roles,
                    quotes=tuple((clean_quote(r["text"]), r["participant"]) for r in picked),
                )
            )
    return out
