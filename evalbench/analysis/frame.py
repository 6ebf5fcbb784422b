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
- turn: the turn the coding starts in (or, starting between turns, the next
  turn it reaches into);
- construct / domain: the code's ancestor at depth 1 / 0 (a subconstruct's
  codings count towards its construct; a domain-level coding is its own construct).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.model import Code

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.store.store import Store

LEVELS = ("code", "construct", "domain")
COLUMNS = [
    "coding_id",
    "document_id",
    "document",
    "participant",
    "turn",
    "speaker",
    "speaker_role",
    "role",
    "site",
    "start",
    "end",
    "code_id",
    "code",
    "construct_id",
    "domain_id",
    "valence",
    "coder",
    "starred",
    "memo",
    "origin",
    "text",
    "words",
]


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

    def label(self, code_id: str) -> str:
        """The code's name, or the shortest path that tells it apart (:mod:`evalbench.codebook.labels`)."""
        labels = self.__dict__.get("_labels")
        if labels is None:
            from evalbench.codebook.labels import code_labels

            labels = code_labels(self.codes.values())
            object.__setattr__(self, "_labels", labels)  # frozen dataclass: a cache, not state
        return labels.get(code_id, code_id)

    def depth(self, code_id: str) -> int:
        return max(len(self.chain(code_id)) - 1, 0)

    def ids_at(self, level: str) -> list[str]:
        """Codes that exist at ``level``, in codebook order."""
        if level == "code":
            return list(self.codes)
        want = 0 if level == "domain" else 1
        return [
            cid
            for cid in self.codes
            if self.depth(cid) == want or (want == 1 and self.depth(cid) == 0 and not self.children(cid))
        ]

    def children(self, code_id: str) -> list[str]:
        return [cid for cid, c in self.codes.items() if c.parent_id == code_id]


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise UserError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return level


def codings_frame(store: Store, tree: CodeTree, *, coder: str | None = None) -> pd.DataFrame:
    """The DataFrame described in the module docstring (empty, with the columns, when no codings).

    Built column by column from four plain reads (codings, documents, turns,
    texts): SQLite's ``substr`` walks UTF-8 from the start of a document, so
    texts are sliced in Python, and turns are found by bisection.
    """
    import pandas as pd

    codings = store.codings.frame_rows(coder)
    docs = store.documents.owners()
    codings.sort(key=lambda c: (docs[c[1]][0], c[1], c[2], c[0]))
    texts = store.documents.texts({c[1] for c in codings})
    turns: dict[int, tuple[list[int], list[tuple]]] = {}
    for doc_id, start, end, seq, label, role in store.turns.spans():
        starts, info = turns.setdefault(doc_id, ([], []))
        starts.append(start)
        info.append((seq, label, role, end))
    attrs = store.participants.attributes()
    attr_names = sorted({name for a in attrs.values() for name in a})
    levels: dict[str, tuple[str, str, str]] = {}
    records = []
    for cid, doc_id, start, end, code_id, valence, who, starred, memo, origin in codings:
        name, label, pid = docs[doc_id]
        a = attrs.get(pid, {}) if pid is not None else {}
        starts, info = turns.get(doc_id, ([], []))
        i = bisect_right(starts, start) - 1
        if i + 1 < len(starts) and (i < 0 or start >= info[i][3]) and starts[i + 1] < end:
            i += 1  # starts in the gap before a turn (e.g. on the speaker's name): that turn
        seq, speaker, speaker_role, _ = info[i] if i >= 0 else (None, None, None, None)
        if code_id not in levels:
            levels[code_id] = (
                tree.name(code_id),
                tree.at_level(code_id, "construct"),
                tree.at_level(code_id, "domain"),
            )
        code_name, construct_id, domain_id = levels[code_id]
        text = texts[doc_id][start:end]
        records.append(
            (  # in COLUMNS order, then the attributes
                cid,
                doc_id,
                name,
                label or name,
                seq,
                speaker,
                speaker_role or "participant",
                a.get("role") or speaker_role or "participant",
                a.get("site"),
                start,
                end,
                code_id,
                code_name,
                construct_id,
                domain_id,
                valence,
                who,
                bool(starred),
                memo,
                origin,
                text,
                len(text.split()),
                *(a.get(n) for n in attr_names),
            )
        )
    names = COLUMNS + [f"attr.{n}" for n in attr_names]
    cols = dict(zip(names, map(list, zip(*records, strict=True)), strict=True)) if records else {n: [] for n in names}
    frame = pd.DataFrame(cols)
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
    raise UserError(
        f"cannot group by {by!r}: use participant, role, site"
        + (f" or an attribute ({', '.join(known)})" if known else "")
    )


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


def records(frame, columns: list[str] | None = None) -> list[dict]:
    """Rows of ``frame`` as dicts (only ``columns`` if given); much faster than ``to_dict('records')``."""
    columns = list(frame.columns) if columns is None else columns
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
