"""A theme's evidence: which codings of the chosen coding it gathers, and the passages they quote.

The evidence of a theme is every coding (of the chosen coding, see
:mod:`evalbench.findings.choice`) that one of its rules matches, plus the codings
added to it by hand, minus those excluded by hand. A rule matches a coding of
its code **or of any code under it** (a construct's rule takes in its
subconstructs, as a construct's row of the matrix does) and, when the rule
names a valence, only codings of that valence. Hand-picked codings of another
coder than the chosen one do not count: the table is one coding's.

**Passages** (every-coder mode only). Several coders often code the same words
with the same construct, sometimes with different valences; counted naively,
one quote would appear as a barrier and as mixed. So with ``all_coders`` two
codings of different coders in one transcript are *the same passage* when their
codes fall under the same construct and their spans overlap by at least half
of the shorter one (identical spans, or one coder's tighter cut of the other's;
measured on the sample study, where sam's excerpts are often a part of alex's).
Passages are closed transitively. A passage has one valence, the one most of
its codings carry (a tie goes to the coder first in alphabetical order), and
every coding in it is matched against rules with that valence. A passage is
quoted at most once per theme, and excluding or adding one of its codings by
hand excludes or adds the passage. With one coder's coding nothing is merged:
each coding is its own passage and keeps its valence.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evalbench.analysis.frame import CodeTree
from evalbench.findings.choice import CodingChoice
from evalbench.findings.model import NO_PARTICIPANT, UNKNOWN, HandCoding, Rule

if TYPE_CHECKING:
    from evalbench.store.store import Store

#: Two codings are one passage when they share at least this share of the shorter span.
SAME_PASSAGE = 0.5


@dataclass(frozen=True)
class Coded:
    """One coding in the evidence base, with the valence it counts under."""

    id: int
    document_id: int
    start: int
    end: int
    code_id: str
    coder: str
    valence: str  #: the passage's valence in every-coder mode, else the coding's own
    starred: bool
    passage: int  #: id of the passage's first coding (its own id when alone)


@dataclass
class EvidenceBase:
    """The chosen coding with what every finding needs to count and quote it, read once."""

    choice: CodingChoice
    tree: CodeTree
    codings: dict[int, Coded]
    documents: dict[int, tuple[str, str | None, int | None]]  #: id -> (name, participant, participant id)
    attributes: dict[int, dict[str, str]]  #: participant id -> attributes
    by_code: dict[str, list[int]] = field(default_factory=dict)
    passages: dict[int, list[int]] = field(default_factory=dict)  #: passage id -> its coding ids
    _subtrees: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _children: dict[str | None, list[str]] | None = None
    _texts: dict[int, str] = field(default_factory=dict)
    _turns: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)  #: interviewer turns
    _words: dict[int, int] = field(default_factory=dict)

    # --- matching ---------------------------------------------------------------------
    def subtree(self, code_id: str) -> tuple[str, ...]:
        """The code and every code under it."""
        found = self._subtrees.get(code_id)
        if found is None:
            if self._children is None:
                self._children = {}
                for cid, code in self.tree.codes.items():
                    self._children.setdefault(code.parent_id, []).append(cid)
            out, stack = [], [code_id]
            while stack:
                cur = stack.pop()
                if cur not in out:
                    out.append(cur)
                    stack.extend(self._children.get(cur, ()))
            found = self._subtrees[code_id] = tuple(out)
        return found

    def match(self, rules: list[Rule], hand: list[HandCoding]) -> list[int]:
        """Ids of the codings that are a theme's evidence, in document order."""
        chosen: set[int] = set()
        for rule in rules:
            for code in self.subtree(rule.code_id):
                for cid in self.by_code.get(code, ()):
                    if rule.valence is None or self.codings[cid].valence == rule.valence:
                        chosen.add(cid)
        for link in hand:
            if link.coding_id in self.codings and link.included:
                chosen.update(self._passage_of(link.coding_id))
        for link in hand:
            if link.coding_id in self.codings and not link.included:
                chosen.difference_update(self._passage_of(link.coding_id))
        return sorted(chosen, key=self._order)

    def _passage_of(self, coding_id: int) -> list[int]:
        return self.passages.get(self.codings[coding_id].passage, [coding_id])

    def _order(self, coding_id: int) -> tuple:
        c = self.codings[coding_id]
        return self.documents[c.document_id][0], c.document_id, c.start, c.id

    # --- who said it ----------------------------------------------------------------------
    def participant(self, coding_id: int) -> str | None:
        return self.documents[self.codings[coding_id].document_id][1]

    def group(self, coding_id: int, by: str) -> str:
        """The value ``by`` (participant, document, role, site or any attribute) takes for a coding's speaker."""
        return self.doc_group(self.codings[coding_id].document_id, by)

    def doc_group(self, document_id: int, by: str) -> str:
        """The value ``by`` takes for the person a transcript is linked to (see :meth:`group`)."""
        name, label, pid = self.documents[document_id]
        if by == "document":
            return name
        if label is None:
            return f"{NO_PARTICIPANT}: {name}" if by == "participant" else NO_PARTICIPANT
        if by == "participant":
            return label
        if pid is None:
            return UNKNOWN
        return self.attributes.get(pid, {}).get(by) or UNKNOWN

    def person(self, coding_id: int) -> str:
        """A key for the person behind a coding: the participant, or the transcript when none is linked."""
        return self.doc_person(self.codings[coding_id].document_id)

    def doc_person(self, document_id: int) -> str:
        name, label, _pid = self.documents[document_id]
        return label if label is not None else f"\0{name}"

    def role(self, coding_id: int) -> str | None:
        pid = self.documents[self.codings[coding_id].document_id][2]
        return self.attributes.get(pid, {}).get("role") if pid is not None else None

    def attribute_names(self) -> list[str]:
        return sorted({name for attrs in self.attributes.values() for name in attrs})

    # --- text and interviewer turns, read when first quoted ----------------------------------
    def load_text(self, store: Store, document_ids) -> None:
        """Read the texts and interviewer turns of these documents, if not read yet."""
        missing = sorted(set(document_ids) - set(self._texts))
        if missing:
            self._texts.update(store.documents.texts(missing))
            turns = store.turns.interviewer_spans(missing)
            self._turns.update({d: turns.get(d, ([], [])) for d in missing})

    def text(self, coding_id: int) -> str:
        c = self.codings[coding_id]
        return self._texts[c.document_id][c.start : c.end]

    def span_text(self, document_id: int, start: int, end: int) -> str:
        """Text of a span of a document read by :meth:`load_text`."""
        return self._texts[document_id][start:end]

    def words(self, coding_id: int) -> int:
        """Words in a coding's text (kept: every theme's proposals ask again)."""
        n = self._words.get(coding_id)
        if n is None:
            n = self._words[coding_id] = len(self.text(coding_id).split())
        return n

    def interviewer(self, coding_id: int) -> bool:
        """Whether most of a coding lies in interviewer turns (such a quote is never proposed)."""
        c = self.codings[coding_id]
        starts, ends = self._turns.get(c.document_id, ((), ()))
        i = max(0, bisect_right(starts, c.start) - 1)
        inside = 0
        while i < len(starts) and starts[i] < c.end:
            inside += max(0, min(ends[i], c.end) - max(starts[i], c.start))
            i += 1
        return inside * 2 > c.end - c.start


def load(store: Store, choice: CodingChoice) -> EvidenceBase:
    """Read the chosen coding and its context (no document text: that is read when quoted)."""
    tree = CodeTree.of(store.codes.list())
    rows = store.codings.evidence_rows(None if choice.all_coders else choice.coders)
    base = EvidenceBase(choice, tree, {}, store.documents.owners(), store.participants.attributes())
    valences = {r[0]: r[6] for r in rows}
    passage = {r[0]: r[0] for r in rows}
    if choice.all_coders:
        passage, valences = _passages(rows, tree, list(choice.coders))
    for cid, doc, start, end, code, coder, _valence, starred in rows:
        base.codings[cid] = Coded(cid, doc, start, end, code, coder, valences[cid], bool(starred), passage[cid])
        base.by_code.setdefault(code, []).append(cid)
        base.passages.setdefault(passage[cid], []).append(cid)
    return base


def _passages(rows: list[tuple], tree: CodeTree, coders: list[str]) -> tuple[dict[int, int], dict[int, str]]:
    """coding id -> passage id and coding id -> the passage's valence (module docstring)."""
    parent = {r[0]: r[0] for r in rows}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    construct: dict[str, str] = {}
    groups: dict[tuple[int, str], list[tuple]] = {}
    for r in rows:
        code = r[4]
        if code not in construct:
            construct[code] = tree.at_level(code, "construct")
        groups.setdefault((r[1], construct[code]), []).append(r)
    for members in groups.values():
        members.sort(key=lambda r: (r[2], r[0]))
        active: list[tuple] = []
        for r in members:
            active = [a for a in active if a[3] > r[2]]
            for a in active:
                shared = min(a[3], r[3]) - max(a[2], r[2])
                if a[5] != r[5] and shared * 2 >= min(a[3] - a[2], r[3] - r[2]):
                    ra, rb = find(a[0]), find(r[0])
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            active.append(r)
    rank = {c: i for i, c in enumerate(coders)}
    members_of: dict[int, list[tuple]] = {}
    for r in rows:
        members_of.setdefault(find(r[0]), []).append(r)
    passage, valence = {}, {}
    for root, members in members_of.items():
        if len(members) == 1:
            chosen = members[0][6]
        else:
            counts = Counter(m[6] for m in members)
            top = max(counts.values())
            first = min(
                (m for m in members if counts[m[6]] == top), key=lambda m: (rank.get(m[5], len(rank)), m[2], m[0])
            )
            chosen = first[6]
        for m in members:
            passage[m[0]] = root
            valence[m[0]] = chosen
    return passage, valence
