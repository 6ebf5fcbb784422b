"""CFIR construct ratings (−2 … +2, X mixed, M missing) proposed from the codings.

Damschroder & Lowery (2013, Implementation Science 8:51) rate each construct's
influence on implementation per case: the sign is its valence (a barrier is
negative, a facilitator positive); the strength is 2 when the construct is a
strong influence described with explicit, concrete examples by at least two
interviewees, 1 when it is described only in general terms or weakly; 0 is
neutral (mentioned, no influence either way); X is mixed (positive and negative
statements that balance out); M is missing (not asked about or not discussed).

evalbench proposes a rating from the coded excerpts of a construct (its
subconstructs included) within one scope — a participant or a site — with
these rules, and the user confirms or changes it:

1. No codings → **M**.
2. No barrier or facilitator codings → **X** if any coding is marked mixed,
   else **0** if any is marked neutral, else **no rating** (``None``): the
   construct was discussed but no coding carries a valence, so nothing says
   how it influenced implementation. M would be wrong (Damschroder & Lowery
   keep M for a construct not asked about or not discussed), and so would 0
   (neutral is a judgement the coder did not make): the analyst reads the
   excerpts and rates it, or codes their valence. The Word, Excel and CSV
   exports show such a cell as "–".
3. Barrier and facilitator codings both present and the larger side has
   fewer than twice as many codings as the smaller → **X** (they balance out).
4. Otherwise the sign is the larger side's. The rating is **±2** when that
   side has explicit examples from at least two participants and no coding on
   the other side; otherwise **±1**. An *explicit example* is a coding the
   user starred or an excerpt of at least :data:`EXPLICIT_WORDS` words (a
   passing mention is shorter). For a single participant's rating, "two
   participants" becomes "two explicit examples in different turns", since one
   person cannot supply two interviewees.

The rationale states the counts behind each proposal, so a reviewer can see why.
"""

from __future__ import annotations

from evalbench.analysis.frame import CodeTree, records, with_level
from evalbench.errors import UserError

RATINGS = ("-2", "-1", "0", "+1", "+2", "X", "M")
SCOPES = ("participant", "site")
EXPLICIT_WORDS = 15
#: The rationale of a construct coded only without a valence (its proposal is None: no rating).
NO_VALENCE = "no rating: no valence coded"


def propose(rows, scope_type: str) -> tuple[str | None, str]:
    """``(rating, rationale)`` for the codings of one construct in one scope.

    ``rows`` are codings-frame rows: a DataFrame or a list of dicts with
    participant, valence, words, starred, document_id and turn. The rating is
    None when every coding lacks a valence (rule 2: nothing to rate from).
    """
    if hasattr(rows, "columns"):
        rows = records(rows, ["participant", "valence", "words", "starred", "document_id", "turn"])
    if not rows:
        return "M", "no coded excerpts"
    barrier = [r for r in rows if r["valence"] == "barrier"]
    facilitator = [r for r in rows if r["valence"] == "facilitator"]
    b, f = len(barrier), len(facilitator)
    people = len({r["participant"] for r in rows})
    counts = f"{b} barrier and {f} facilitator codings from {people} participant(s)"
    if b == 0 and f == 0:
        if any(r["valence"] == "mixed" for r in rows):
            return "X", f"{len(rows)} coding(s) marked mixed, none clearly barrier or facilitator"
        neutral = sum(r["valence"] == "neutral" for r in rows)
        if neutral:
            return "0", f"{neutral} coding(s) marked neutral, none marked barrier or facilitator"
        return None, f"{NO_VALENCE} ({len(rows)} coding(s) without a valence); rate it from the excerpts"
    if b and f and max(b, f) < 2 * min(b, f):
        return "X", counts + "; positive and negative statements balance out"
    side, other, sign, word = (facilitator, b, "+", "facilitator") if f > b else (barrier, f, "-", "barrier")
    explicit = [r for r in side if r["starred"] or r["words"] >= EXPLICIT_WORDS]
    if scope_type == "site":
        sources = len({r["participant"] for r in explicit})
        basis = f"explicit {word} examples from {sources} participant(s)"
    else:
        sources = len({(r["document_id"], _turn(r["turn"])) for r in explicit})
        basis = f"{sources} explicit {word} example(s) in different turns"
    enough = sources >= 2
    strong = enough and other == 0
    why = basis + ("" if enough else " (fewer than two)")
    if other:
        why += "; some statements on the other side"
    return f"{sign}{2 if strong else 1}", f"{counts}; {why}"


def _turn(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def scope_column(scope_type: str) -> str:
    if scope_type not in SCOPES:
        raise UserError(f"scope must be participant or site, not {scope_type!r}")
    return scope_type


def propose_all(frame, tree: CodeTree, scope_type: str, *, level: str = "construct"):
    """One proposal per construct × scope value (every construct at ``level``, every scope value)."""
    import pandas as pd

    col = scope_column(scope_type)
    frame = with_level(frame, tree, level)
    if col == "site" and frame["site"].isna().all():
        raise UserError("no participant has a 'site' attribute (add one in participants.csv)")
    values = sorted(frame[col].dropna().astype(str).unique())
    groups: dict[tuple[str, str], list[dict]] = {}
    for rec in records(frame, ["unit", col, "participant", "valence", "words", "starred", "document_id", "turn"]):
        if isinstance(rec[col], str):
            groups.setdefault((rec["unit"], rec[col]), []).append(rec)
    out = []
    for code_id in tree.ids_at(level):
        for value in values:
            rating, why = propose(groups.get((code_id, value), []), scope_type)
            out.append(
                {
                    "code_id": code_id,
                    "code": tree.name(code_id),
                    "scope_type": scope_type,
                    "scope_value": value,
                    "proposed": rating,
                    "rationale": why,
                }
            )
    table = pd.DataFrame.from_records(
        out, columns=["code_id", "code", "scope_type", "scope_value", "proposed", "rationale"]
    )
    # "no rating" stays None (pandas reads it as NaN), so JSON says null and callers test `is None`
    table["proposed"] = pd.Series([r["proposed"] for r in out], index=table.index, dtype=object)
    return table
