"""The thematic matrix: themes × site, role, participant or any attribute, counting participants.

A cell counts the distinct participants of that column whose words are
evidence for the theme (a transcript with no linked participant counts as one
unknown person, in its own column). Columns are every value the project has
(coded or not, so an empty site still shows), then ``unknown`` and the
no-participant columns when evidence needs them. The quotes behind a cell are
the theme's evidence from that column, one per passage, in document order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.findings.evidence import EvidenceBase
from evalbench.findings.model import NO_PARTICIPANT, UNKNOWN, FindingQuote
from evalbench.findings.table import quote

if TYPE_CHECKING:
    from evalbench.store.store import Store


def check_by(base: EvidenceBase, by: str, where: str = "project") -> str:
    """``by`` if the project can group by it, else a UserError naming what it can group by."""
    names = base.attribute_names()
    if by in ("participant", "document", "role") or by in names:  # role: the default breakdown
        return by
    hint = f"an attribute ({', '.join(names)})" if names else "an attribute from participants.csv"
    raise UserError(f"{where}: cannot group by {by!r}: use participant, document or {hint}")


def columns(base: EvidenceBase, by: str, evidence: dict[int, list[int]]) -> list[str]:
    """Every value of ``by`` in the project, then the columns only evidence brings (unknown, no participant)."""
    if by == "document":
        values = sorted(name for name, _label, _pid in base.documents.values())
    elif by == "participant":
        values = sorted({label for _name, label, _pid in base.documents.values() if label})
    else:
        values = sorted({a[by] for a in base.attributes.values() if a.get(by)})
    extra = sorted(
        {base.group(c, by) for ids in evidence.values() for c in ids} - set(values),
        key=lambda v: (v.startswith(NO_PARTICIPANT), v != UNKNOWN, v),
    )
    return values + extra


def theme_matrix(store: Store, base: EvidenceBase, by: str = "site", where: str = "project"):
    """DataFrame indexed by theme id: ``category``, ``theme``, then one participant count per column."""
    import pandas as pd

    check_by(base, by, where)
    evidence = theme_evidence(store, base)
    themes = store.themes.themes()
    cols = columns(base, by, evidence)
    data = []
    for theme in themes:
        people: dict[str, set[str]] = {}
        for cid in evidence[theme.id]:
            people.setdefault(base.group(cid, by), set()).add(base.person(cid))
        data.append([theme.category, theme.name, *(len(people.get(c, ())) for c in cols)])
    frame = pd.DataFrame(data, columns=["category", "theme", *cols], index=[t.id for t in themes])
    frame.index.name = "theme_id"
    return frame


def theme_evidence(store: Store, base: EvidenceBase) -> dict[int, list[int]]:
    """theme id -> ids of its evidence codings."""
    rules: dict[int, list] = {}
    for rule in store.themes.rules():
        rules.setdefault(rule.theme_id, []).append(rule)
    hand: dict[int, list] = {}
    for link in store.themes.hand_codings():
        hand.setdefault(link.theme_id, []).append(link)
    return {t.id: base.match(rules.get(t.id, []), hand.get(t.id, [])) for t in store.themes.themes()}


def cell_quotes(
    store: Store, base: EvidenceBase, theme_id: int, by: str = "site", value: str | None = None
) -> list[FindingQuote]:
    """The quotes behind one cell (every column when ``value`` is None): one per passage, in document order."""
    rules = store.themes.rules(theme_id)
    ids = base.match(rules, store.themes.hand_codings(theme_id))
    ids = [c for c in ids if value is None or base.group(c, by) == value]
    base.load_text(store, {base.codings[c].document_id for c in ids})
    seen: set[int] = set()
    out = []
    for cid in ids:
        passage = base.codings[cid].passage
        if passage not in seen:
            seen.add(passage)
            out.append(quote(base, cid))
    return out
