"""The codings of a project as one pandas DataFrame, with everything analysis groups by.

One row per coding: where it is (document, turn, speaker), who said it
(participant, role, site and every participant attribute as ``attr.<name>``),
what it is (code, its construct and domain) and how it was coded (valence,
coder, starred, memo). Every analysis and export starts from this frame, so
they all agree on what a participant, a role or a construct is:

- participant: the study ID linked to the document (from participants.csv),
  else the document's file name;
- role: the participant's ``role`` attribute if present, else the role of the
  speaker of the coded turn (``participant`` or ``interviewer``);
- construct / domain: the code's ancestor at depth 1 / 0 (a subconstruct's
  codings count towards its construct; a domain-level coding is its own construct).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from evalbench.errors import UserError
from evalbench.model import Code

LEVELS = ("code", "construct", "domain")
COLUMNS = ["coding_id", "document_id", "document", "participant", "turn", "speaker", "speaker_role",
           "role", "site", "start", "end", "code_id", "code", "construct_id", "domain_id", "valence",
           "coder", "starred", "memo", "origin", "text", "words"]


@dataclass(frozen=True)
class CodeTree:
    """The codebook as lookups: names, parents, depth, and the ancestor at a level."""

    codes: dict[str, Code]
    order: dict[str, int]

    @classmethod
    def of(cls, codes: list[Code]) -> CodeTree:
        return cls({c.id: c for c in codes}, {c.id: i for i, c in enumerate(codes)})

    def chain(self, code_id: str) -> list[str]:
        """IDs from the root down to ``code_id``."""
        out = []
        cur: str | None = code_id
        while cur is not None and cur in self.codes and cur not in out:
            out.append(cur)
            cur = self.codes[cur].parent_id
        return out[::-1]

    def at_level(self, code_id: str, level: str) -> str:
        """The code a coding of ``code_id`` counts towards at ``level``."""
        if level == "code":
            return code_id
        chain = self.chain(code_id) or [code_id]
        depth = 0 if level == "domain" else 1
        return chain[min(depth, len(chain) - 1)]

    def name(self, code_id: str) -> str:
        code = self.codes.get(code_id)
        return code.name if code else code_id

    def depth(self, code_id: str) -> int:
        return max(len(self.chain(code_id)) - 1, 0)

    def ids_at(self, level: str) -> list[str]:
        """Codes that exist at ``level``, in codebook order."""
        if level == "code":
            return list(self.codes)
        want = 0 if level == "domain" else 1
        return [cid for cid in self.codes if self.depth(cid) == want
                or (want == 1 and self.depth(cid) == 0 and not self.children(cid))]

    def children(self, code_id: str) -> list[str]:
        return [cid for cid, c in self.codes.items() if c.parent_id == code_id]


_SQL = """
SELECT c.id, c.document_id, d.name, p.label, t.seq, s.label, s.role, c.start, c."end",
       c.code_id, c.valence, c.coder, c.starred, c.memo, c.origin,
       substr(d.text, c.start + 1, c."end" - c.start), d.participant_id
FROM codings c
JOIN documents d ON d.id = c.document_id
LEFT JOIN participants p ON p.id = d.participant_id
LEFT JOIN turns t ON t.id = (
    SELECT t2.id FROM turns t2 WHERE t2.document_id = c.document_id AND t2.start <= c.start
    ORDER BY t2.start DESC LIMIT 1)
LEFT JOIN speakers s ON s.id = t.speaker_id
{where}
ORDER BY d.name, c.start, c.id
"""


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise UserError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return level


def codings_frame(conn: sqlite3.Connection, tree: CodeTree, *, coder: str | None = None):
    """The DataFrame described in the module docstring (empty, with the columns, when no codings)."""
    import pandas as pd

    from evalbench.store.queries import participant_attributes

    where, args = ("WHERE c.coder = ?", (coder,)) if coder else ("", ())
    rows = conn.execute(_SQL.format(where=where), args).fetchall()
    attrs = participant_attributes(conn)
    attr_names = sorted({name for a in attrs.values() for name in a})
    records = []
    for (cid, doc_id, doc, label, seq, speaker, speaker_role, start, end, code_id, valence, who,
         starred, memo, origin, text, pid) in rows:
        a = attrs.get(pid, {})
        records.append({
            "coding_id": cid, "document_id": doc_id, "document": doc, "participant": label or doc,
            "turn": seq, "speaker": speaker, "speaker_role": speaker_role or "participant",
            "role": a.get("role") or speaker_role or "participant", "site": a.get("site"),
            "start": start, "end": end, "code_id": code_id, "code": tree.name(code_id),
            "construct_id": tree.at_level(code_id, "construct"), "domain_id": tree.at_level(code_id, "domain"),
            "valence": valence, "coder": who, "starred": bool(starred), "memo": memo, "origin": origin,
            "text": text, "words": len(text.split()),
            **{f"attr.{n}": a.get(n) for n in attr_names}})
    frame = pd.DataFrame.from_records(records, columns=COLUMNS + [f"attr.{n}" for n in attr_names])
    frame["turn"] = frame["turn"].astype("Int64")
    return frame


def group_column(frame, by: str) -> str:
    """The frame column that ``by`` (participant, role, site, document, coder or an attribute) names."""
    if by in ("participant", "role", "site", "document", "coder", "valence", "speaker"):
        if by == "site" and frame["site"].isna().all() and len(frame):
            raise UserError("no participant has a 'site' attribute (add one in participants.csv)")
        return by
    if f"attr.{by}" in frame.columns:
        return f"attr.{by}"
    known = sorted(c[5:] for c in frame.columns if c.startswith("attr."))
    raise UserError(f"cannot group by {by!r}: use participant, role, site"
                    + (f" or an attribute ({', '.join(known)})" if known else ""))


def with_level(frame, tree: CodeTree, level: str):
    """``frame`` with a ``unit`` column: the code each coding counts towards at ``level``."""
    check_level(level)
    frame = frame.copy()
    if level == "code":
        frame["unit"] = frame["code_id"]
    elif level == "construct":
        frame["unit"] = frame["construct_id"]
    else:
        frame["unit"] = frame["domain_id"]
    return frame
