"""The findings table and the thematic matrix, computed from the themes and the chosen coding.

Rows come in table order (categories in their order, themes in theirs). Per
theme: distinct participants and their breakdown by role (or site, or any
attribute), transcripts, codings, and quotes — the exemplars the lead picked,
in their order, then proposals by :func:`evalbench.analysis.exemplars.pick_exemplars`
(starred first, spread across participants and roles, readable length), up to
the number asked for. Transcripts with no linked participant are counted apart
(``unlinked_documents``, and ``NO_PARTICIPANT`` in the breakdown), never under
their file name as if it were a participant ID.

A picked exemplar shows while the chosen coding still has that passage in the
theme: its own coding is evidence, or an evidence coding of the same
transcript overlaps at least half of it (so a quote picked from alex's coding
stays when the table counts the consensus coding, which copied it).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from evalbench.analysis.exemplars import clean_quote, pick_exemplars
from evalbench.findings.evidence import SAME_PASSAGE, EvidenceBase
from evalbench.findings.model import NO_PARTICIPANT, UNKNOWN, FindingQuote, FindingRow, Theme

if TYPE_CHECKING:
    from evalbench.store.store import Store


def cfir_label(base: EvidenceBase, code_id: str | None) -> str | None:
    """The mapped CFIR code as a path from its domain: "Inner Setting › Relative Priority"."""
    if not code_id:
        return None
    return " › ".join(base.tree.name(c) for c in base.tree.chain(code_id)) or code_id


def finding_rows(
    store: Store,
    base: EvidenceBase,
    *,
    by: str = "role",
    quotes: int = 3,
    min_participants: int = 0,
    theme_ids: set[int] | None = None,
) -> list[FindingRow]:
    """The findings table's rows (only ``theme_ids`` if given), in table order.

    ``min_participants`` drops themes that fewer people speak to (participants
    plus transcripts with no participant linked).
    """
    themes = [t for t in store.themes.themes() if theme_ids is None or t.id in theme_ids]
    wanted = {t.id for t in themes}
    rules: dict[int, list] = {}
    for rule in store.themes.rules():
        if rule.theme_id in wanted:
            rules.setdefault(rule.theme_id, []).append(rule)
    hand: dict[int, list] = {}
    for link in store.themes.hand_codings():
        if link.theme_id in wanted:
            hand.setdefault(link.theme_id, []).append(link)
    picked: dict[int, list[int]] = {}
    for _id, theme_id, coding_id, _pos in store.themes.exemplars():
        if theme_id in wanted:
            picked.setdefault(theme_id, []).append(coding_id)
    evidence = {t.id: base.match(rules.get(t.id, []), hand.get(t.id, [])) for t in themes}
    if quotes > 0:
        docs = {base.codings[i].document_id for ids in evidence.values() for i in ids}
        base.load_text(store, docs)
    outside = _outside_codings(store, base, [c for ids in picked.values() for c in ids]) if quotes > 0 else {}
    rows = []
    for theme in themes:
        row = _row(
            base,
            theme,
            evidence[theme.id],
            tuple(rules.get(theme.id, ())),
            by,
            picked.get(theme.id, []),
            outside,
            quotes,
        )
        if row.participants + len(row.unlinked_documents) >= min_participants:
            rows.append(row)
    return rows


def _row(
    base: EvidenceBase,
    theme: Theme,
    ids: list[int],
    rules: tuple,
    by: str,
    picked: list[int],
    outside: dict[int, tuple],
    n_quotes: int,
) -> FindingRow:
    documents = {base.codings[c].document_id for c in ids}
    people: dict[str, str] = {}  # person -> group value (a participant can have several transcripts)
    for doc in sorted(documents):
        people.setdefault(base.doc_person(doc), base.doc_group(doc, by))
    unlinked = sorted(base.documents[doc][0] for doc in documents if base.documents[doc][1] is None)
    counts = Counter(NO_PARTICIPANT if person.startswith("\0") else value for person, value in people.items())
    by_group = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] in (UNKNOWN, NO_PARTICIPANT), kv[0])))
    return FindingRow(
        theme_id=theme.id,
        category_id=theme.category_id,
        category=theme.category,
        theme=theme.name,
        description=theme.description,
        cfir_code_id=theme.cfir_code_id,
        cfir=cfir_label(base, theme.cfir_code_id),
        by=by,
        participants=sum(1 for p in people if not p.startswith("\0")),
        by_group=by_group,
        documents=len(documents),
        codings=len(ids),
        quotes=_quotes(base, ids, picked, outside, n_quotes) if n_quotes > 0 else (),
        unlinked_documents=tuple(unlinked),
        rules=rules,
    )


def _outside_codings(store: Store, base: EvidenceBase, coding_ids: list[int]) -> dict[int, tuple]:
    """Picked codings that are not in the chosen coding: id -> (document id, start, end, code, coder, valence)."""
    missing = sorted({c for c in coding_ids if c not in base.codings})
    if not missing:
        return {}
    found = {r[0]: (r[1], r[2], r[3], r[4], r[5], r[6]) for r in store.codings.by_id(missing)}
    base.load_text(store, {v[0] for v in found.values()})
    return found


def _same_passage(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    shared = min(a[2], b[2]) - max(a[1], b[1])
    return a[0] == b[0] and shared > 0 and shared >= SAME_PASSAGE * min(a[2] - a[1], b[2] - b[1])


def _quotes(
    base: EvidenceBase, ids: list[int], picked: list[int], outside: dict[int, tuple], n: int
) -> tuple[FindingQuote, ...]:
    spans = {cid: (base.codings[cid].document_id, base.codings[cid].start, base.codings[cid].end) for cid in ids}
    members = set(ids)
    chosen: list[FindingQuote] = []
    taken: list[tuple[int, int, int]] = []
    for cid in picked:
        if len(chosen) >= n:
            break
        if cid in base.codings:
            c = base.codings[cid]
            span, extra = (c.document_id, c.start, c.end), None
        elif cid in outside:
            doc, start, end, code, coder, valence = outside[cid]
            span, extra = (doc, start, end), (code, coder, valence)
        else:
            continue  # the coding was removed: its pick waits for an undo
        if cid not in members and not any(_same_passage(span, s) for s in spans.values()):
            continue
        chosen.append(quote(base, cid, picked=True, span=span, extra=extra))
        taken.append(span)
    if len(chosen) < n:
        records = []
        seen_passages: set[int] = set()
        for cid in ids:
            c = base.codings[cid]
            if c.passage in seen_passages or any(_same_passage(spans[cid], t) for t in taken):
                continue
            seen_passages.add(c.passage)
            records.append(
                {
                    "coding_id": cid,
                    "document": base.documents[c.document_id][0],
                    "document_id": c.document_id,
                    "start": c.start,
                    "end": c.end,
                    "starred": c.starred,
                    "participant": base.person(cid),
                    "role": base.role(cid) or UNKNOWN,
                    "speaker_role": "interviewer" if base.interviewer(cid) else "participant",
                    "words": base.words(cid),
                }
            )
        chosen += [quote(base, r["coding_id"]) for r in pick_exemplars(records, n - len(chosen))]
    return tuple(chosen)


def quote(
    base: EvidenceBase,
    coding_id: int,
    *,
    picked: bool = False,
    span: tuple[int, int, int] | None = None,
    extra: tuple[str, str, str] | None = None,
) -> FindingQuote:
    """A coding of the evidence base (or, with ``span`` and ``extra``, a picked one outside it) as a quote."""
    if extra is None:
        c = base.codings[coding_id]
        span, (code, coder, valence), starred = (
            (c.document_id, c.start, c.end),
            (c.code_id, c.coder, c.valence),
            c.starred,
        )
    elif span is None:
        raise TypeError("quote(): a coding outside the evidence base needs its span")
    else:
        (code, coder, valence), starred = extra, False
    doc, start, end = span
    name, label, pid = base.documents[doc]
    return FindingQuote(
        participant=label,
        text=clean_quote(base.span_text(doc, start, end)),
        coding_id=coding_id,
        document=name,
        document_id=doc,
        start=start,
        end=end,
        role=base.attributes.get(pid, {}).get("role") if pid is not None else None,
        code_id=code,
        valence=valence,
        coder=coder,
        starred=starred,
        picked=picked,
    )
