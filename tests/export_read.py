"""Reading exports back the way a reader sees them, and recounting what they should say from the codings."""

from __future__ import annotations

from collections import defaultdict

from docx.oxml.ns import qn
from docx.table import Table


def numbered_tables(document) -> dict[int, list]:
    """{table number: [(group title, header, [row texts])]} for the tables after each "Table N." heading.

    A table whose second row is a full-width repeated header row is one group of a grouped table; a
    table with inline group rows (merged, shaded rows) is split into its groups here.
    """
    out: dict[int, list] = defaultdict(list)
    number = None
    for el in document.element.body:
        if el.tag == qn("w:p"):
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            if text.startswith("Table ") and ". " in text:
                number = int(text.split()[1].rstrip("."))
            continue
        if el.tag != qn("w:tbl") or number is None:
            continue
        table = Table(el, document._body)
        if len(table.rows) < 2:
            continue  # a legend
        rows = [[c.text for c in r.cells] for r in table.rows]
        header, body = rows[0], rows[1:]
        group, current = None, []
        for row, tr in zip(body, table.rows[1:]):
            if len(set(row)) == 1 and len(row) > 1 and tr._tr.tc_lst[0].grid_span == len(header):
                if group is not None or current:
                    out[number].append((group, header, current))
                group, current = row[0], []
            else:
                current.append(row)
        out[number].append((group, header, current))
    return dict(out)


def is_repeated_header(row) -> bool:
    pr = row._tr.trPr
    return pr is not None and pr.find(qn("w:tblHeader")) is not None


def recount(project, coder: str | None, *, level: str = "subconstruct"):
    """{(row code id, valence group): {participant: role}} straight from the stored codings."""
    docs = {d.id: d for d in project.documents()}
    parents = {c.id: c.parent_id for c in project.codes()}

    def chain(cid):
        out = []
        while cid is not None:
            out.append(cid)
            cid = parents.get(cid)
        return out[::-1]

    groups = {
        "barrier": "Barrier",
        "facilitator": "Facilitator",
        "mixed": "Mixed",
        "neutral": "Neutral or not specified",
        "none": "Neutral or not specified",
    }
    out: dict = defaultdict(dict)
    for c in project.codings(coder=coder) if coder else project.codings():
        ids = chain(c.code_id)
        unit = ids[min(2 if level == "subconstruct" else 1, len(ids) - 1)]
        doc = docs[c.document_id]
        who = doc.participant or f"no participant: {doc.name}"
        out[(unit, groups[c.valence])][who] = doc.attributes.get("role") if doc.participant else "no participant linked"
    return out


def count_text(people: dict) -> str:
    counts = defaultdict(int)
    for role in people.values():
        counts[(role or "unknown").replace("_", " ")] += 1
    parts = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"{len(people)} (" + ", ".join(f"{n} {r}" for r, n in parts) + ")"
