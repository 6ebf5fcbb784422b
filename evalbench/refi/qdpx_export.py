"""Write a project as a REFI-QDA project archive (.qdpx), valid against Project-mrt2019.xsd.

What maps to what (docs/refi-qda.md has the full table):

- documents -> ``TextSource`` with ``plainTextPath="internal://<guid>.txt"``
  (UTF-8 files in ``sources/``); codes -> the ``<CodeBook>`` written by
  :func:`evalbench.codebook.refi.codes_to_refi`;
- each coding -> one ``PlainTextSelection`` (code point offsets) holding a
  ``Coding`` of its code by its coder (a ``User``) and, when it has a valence,
  a second ``Coding`` of the matching code under a "Valence" code group, so
  other programs show barriers and facilitators as codes they can query;
- memos -> ``Note`` s referenced (``NoteRef``) from what they annotate;
- participants -> ``Case`` s with their attributes as ``Variable`` values.

GUIDs are uuid5 of stable keys (document SHA-256, code ID, coder name, span),
and archive members carry a fixed timestamp, so exporting an unchanged project
twice gives byte-identical files. What REFI-QDA has no place for (exact turns,
speaker roles, coding origin and star, memo targets such as matrix cells) goes
into an ``evalbench.json`` member that other programs ignore.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from evalbench.codebook.refi import code_guid, codes_to_refi
from evalbench.errors import UserError
from evalbench.refi.archive import write_zip
from evalbench.refi.common import (
    EXTENSION_FORMAT,
    EXTENSION_MEMBER,
    PROJECT_NS,
    VALENCE_CODES,
    VALENCE_GROUP,
    guid,
)

Progress = Callable[[int, int, str], None]
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
#: Characters XML 1.0 cannot hold (lxml refuses them): dropped from names, memos and values.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MEMO_SQL = ("SELECT target_type, target_id, coder, text, created_at FROM memos {where} "
             "ORDER BY target_type, target_id, coder")


def _xml(value) -> str:
    """``value`` as a string XML can hold."""
    return _NOT_XML.sub("", str(value))


def _xml_code(code):
    """A code whose texts XML can hold (the codebook writer sets them as they are)."""
    return replace(code, name=_xml(code.name), definition=_xml(code.definition),
                   inclusion=_xml(code.inclusion), exclusion=_xml(code.exclusion),
                   examples=tuple(_xml(e) for e in code.examples),
                   keywords=tuple(_xml(k) for k in code.keywords))


def _q(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _stamp(el, attr: str, value: str | None) -> None:
    if value and _DATETIME.match(value):
        el.set(attr, value)


class _Writer:
    """Builds the project.qde tree and the archive members for one export."""

    def __init__(self, project, coder: str | None) -> None:
        from lxml import etree

        self.E = etree
        self.project = project
        self.coder = coder
        self.root = etree.Element(_q("Project"), nsmap={None: PROJECT_NS})
        self.ext: dict = {"format": EXTENSION_FORMAT, "version": 1, "sources": {}, "selections": {},
                          "notes": {}}
        self.notes: list = []  # (note guid, element)
        self.users: dict[str, str] = {}
        self.members: list[tuple[str, bytes]] = []

    def sub(self, parent, tag: str, **attrs):
        el = self.E.SubElement(parent, _q(tag))
        for key, value in attrs.items():
            if value is not None:
                el.set(key, _xml(value))
        return el

    def user(self, name: str) -> str:
        found = self.users.get(name)
        if found is None:
            found = self.users[name] = guid("user", name)
        return found

    def note(self, kind: str, key: str, coder: str, text: str, created: str | None, title: str) -> str:
        """Make a Note (memo) and return its GUID for a NoteRef."""
        note_guid = guid("note", f"{kind}:{key}:{coder}")
        el = self.E.Element(_q("Note"))
        el.set("guid", note_guid)
        el.set("name", _xml(title))
        el.set("creatingUser", self.user(coder))
        _stamp(el, "creationDateTime", created)
        self.sub(el, "PlainTextContent").text = _xml(text)
        self.notes.append(el)
        return note_guid


def export_qdpx(project, out: str | Path, *, coder: str | None = None, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> dict:
    """Write ``project`` (or one coder's work) to ``out``; returns counts of what was written.

    Nothing is written when the export fails or is cancelled.
    """
    from lxml import etree

    from evalbench import __version__

    out = Path(out)
    w = _Writer(project, coder)
    root = w.root
    root.set("name", _xml(project.name))
    root.set("origin", f"evalbench {__version__}")
    _stamp(root, "creationDateTime", project.meta("created_at"))

    docs = project.documents(with_text=True)
    codes = [_xml_code(c) for c in project.codes()]
    codings = project.codings(coder=coder)
    where, args = ("WHERE coder = ?", (coder,)) if coder else ("", ())
    memos = project.conn.execute(_MEMO_SQL.format(where=where), args).fetchall()
    for name in ([coder] if coder else project.coders()):
        w.user(name)
    for c in codings:
        w.user(c.coder)
    for m in memos:
        w.user(m[2])

    users_el = w.sub(root, "Users")
    codebook_el = w.sub(root, "CodeBook")
    codes_el = w.sub(codebook_el, "Codes")
    codes_to_refi(codes, codes_el)
    if any(c.valence in VALENCE_CODES for c in codings):
        _valence_group(w, codes_el)
    if not len(codes_el):
        root.remove(codebook_el)
    code_els = {el.get("guid"): el for el in codes_el.iter(_q("Code"))}
    code_guids = {c.id: code_guid(c) for c in codes}

    _cases(w, project.participants(), docs)
    turns_by_doc: dict[int, list] = defaultdict(list)
    for t in project.turns():
        turns_by_doc[t.document_id].append(t)
    roles: dict[int, dict] = defaultdict(dict)
    for s in project.speakers():
        roles[s.document_id][s.label or ""] = [s.role, s.role_source]
    memo_by_target: dict[tuple[str, str], list] = defaultdict(list)
    for m in memos:
        memo_by_target[(m[0], m[1])].append(m)
    codings_by_doc: dict[int, list] = defaultdict(list)
    for c in codings:
        codings_by_doc[c.document_id].append(c)

    sources_el = w.sub(root, "Sources") if docs else None
    for done, doc in enumerate(docs):
        if cancel is not None and cancel.is_set():
            raise UserError(f"{out.name}: export cancelled; nothing written")
        if progress:
            progress(done, len(docs), doc.name)
        _source(w, sources_el, doc, codings_by_doc[doc.id], turns_by_doc[doc.id], roles[doc.id],
                memo_by_target, code_guids)
    if progress:
        progress(len(docs), len(docs), "writing archive")

    project_refs = []
    for (kind, _), items in sorted(memo_by_target.items()):
        for _, target_id, who, text, created in items:
            if kind == "project":
                project_refs.append(w.note("project", "", who, text, created, f"Project memo by {who}"))
            elif kind == "code" and target_id in code_guids:
                ref = w.note("code", target_id, who, text, created, f"Memo on code {target_id} by {who}")
                _insert_noteref(w, code_els[code_guids[target_id]], ref)
            elif kind == "cell":
                ref = w.note("cell", target_id, who, text, created, f"Memo on matrix cell {target_id} by {who}")
                w.ext["notes"][ref] = {"target_type": "cell", "target_id": target_id}
            # document, turn and coding memos were written with their source

    for name, user_guid in sorted(w.users.items()):
        w.sub(users_el, "User", guid=user_guid, name=name)
    if not len(users_el):
        root.remove(users_el)
    if w.notes:
        w.sub(root, "Notes").extend(w.notes)
    for ref in project_refs:
        w.sub(root, "NoteRef", targetGUID=ref)
    _order_children(w, root)

    qde = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    w.ext["qde_sha256"] = hashlib.sha256(qde).hexdigest()
    ext = json.dumps(w.ext, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    members = [("project.qde", qde), *w.members, (EXTENSION_MEMBER, ext.encode())]
    write_zip(out, members)
    return {"sources": len(docs), "codes": len(codes), "codings": len(codings),
            "users": len(w.users), "cases": len(project.participants()), "notes": len(w.notes)}


_ORDER = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs",
          "Description", "NoteRef"]


def _order_children(w: _Writer, root) -> None:
    """Put the Project's children in the order the XSD requires."""
    rank = {_q(n): i for i, n in enumerate(_ORDER)}
    kids = sorted(root, key=lambda el: rank.get(el.tag, len(rank)))
    for el in kids:
        root.append(el)


def _insert_noteref(w: _Writer, el, note_guid: str) -> None:
    """Add a NoteRef to a Code after its Description and before its child Codes."""
    ref = w.E.Element(_q("NoteRef"))
    ref.set("targetGUID", note_guid)
    child = el.find(_q("Code"))
    if child is not None:
        child.addprevious(ref)
    else:
        el.append(ref)


def _valence_group(w: _Writer, codes_el) -> None:
    group = w.sub(codes_el, "Code", guid=VALENCE_GROUP, name="Valence", isCodable="false")
    w.sub(group, "Description").text = (
        "Barrier/facilitator valence of evalbench codings: each coded excerpt with a valence is "
        "also coded with one of these codes.")
    for valence, (code_guid_, name, color) in VALENCE_CODES.items():
        el = w.sub(group, "Code", guid=code_guid_, name=name, isCodable="true", color=color)
        w.sub(el, "Description").text = f"evalbench valence: {valence}"


def _cases(w: _Writer, participants, docs) -> None:
    if not participants:
        return
    names = sorted({name for p in participants for name in p.attributes})
    var_guids = {name: guid("variable", name) for name in names}
    if names:
        variables = w.sub(w.root, "Variables")
        for name in names:
            w.sub(variables, "Variable", guid=var_guids[name], name=name, typeOfVariable="Text")
    docs_of: dict[str, list] = defaultdict(list)
    for d in docs:
        if d.participant:
            docs_of[d.participant].append(d)
    cases = w.sub(w.root, "Cases")
    for p in participants:
        case = w.sub(cases, "Case", guid=guid("case", p.label), name=p.label)
        for name in sorted(p.attributes):
            value = w.sub(case, "VariableValue")
            w.sub(value, "VariableRef", targetGUID=var_guids[name])
            w.sub(value, "TextValue").text = _xml(p.attributes[name] or "")
        for d in docs_of[p.label]:
            w.sub(case, "SourceRef", targetGUID=guid("source", d.sha256))


def _source(w: _Writer, sources_el, doc, codings, turns, roles, memo_by_target, code_guids) -> None:
    source_guid = guid("source", doc.sha256)
    el = w.sub(sources_el, "TextSource", guid=source_guid, name=doc.name,
               plainTextPath=f"internal://{source_guid}.txt")
    _stamp(el, "creationDateTime", doc.imported_at)
    w.members.append((f"sources/{source_guid}.txt", (doc.text or "").encode("utf-8")))
    w.ext["sources"][source_guid] = {
        # the file name only: the folder it was imported from names the user and their machine
        "sha256": doc.sha256, "format": doc.format, "path": Path(doc.path).name if doc.path else doc.path,
        "metadata": doc.metadata,
        "turns": [[t.start, t.end, t.speaker, t.time] for t in turns], "roles": roles}

    selections = []  # (start, end, sort key, element)
    seen: dict[str, int] = defaultdict(int)
    for c in codings:
        key = f"{doc.sha256}:{c.start}:{c.end}:{c.code_id}:{c.coder}"
        seen[key] += 1
        if seen[key] > 1:
            key += f":{seen[key]}"
        sel = w.E.Element(_q("PlainTextSelection"))
        sel_guid = guid("selection", key)
        for attr, value in (("guid", sel_guid), ("startPosition", c.start), ("endPosition", c.end),
                            ("creatingUser", w.user(c.coder))):
            sel.set(attr, str(value))
        _stamp(sel, "creationDateTime", c.created_at)
        coding = w.sub(sel, "Coding", guid=guid("coding", key), creatingUser=w.user(c.coder))
        _stamp(coding, "creationDateTime", c.created_at)
        w.sub(coding, "CodeRef", targetGUID=code_guids[c.code_id])
        if c.valence in VALENCE_CODES:
            vcoding = w.sub(sel, "Coding", guid=guid("valence-coding", key), creatingUser=w.user(c.coder))
            w.sub(vcoding, "CodeRef", targetGUID=VALENCE_CODES[c.valence][0])
        if c.memo:
            ref = w.note("coding", key, c.coder, c.memo, c.created_at, f"Memo on {doc.name} {c.start}-{c.end}")
            w.sub(sel, "NoteRef", targetGUID=ref)
        extra = {k: v for k, v in (("origin", c.origin), ("starred", c.starred)) if v and v != "manual"}
        if extra:
            w.ext["selections"][sel_guid] = extra
        selections.append((c.start, c.end, key, sel))
    by_id = {str(t.id): t for t in turns}
    for (kind, target), items in memo_by_target.items():
        if kind == "turn" and target in by_id:
            t = by_id[target]
            key = f"{doc.sha256}:turn:{t.seq}"
            sel = w.E.Element(_q("PlainTextSelection"))
            sel_guid = guid("selection", key)
            for attr, value in (("guid", sel_guid), ("name", f"Turn {t.seq}"), ("startPosition", t.start),
                                ("endPosition", t.end)):
                sel.set(attr, str(value))
            for _, _, who, text, created in items:
                w.sub(sel, "NoteRef", targetGUID=w.note("turn", key, who, text, created,
                                                         f"Memo on {doc.name} turn {t.seq} by {who}"))
            w.ext["selections"][sel_guid] = {"turn_memo": True}
            selections.append((t.start, t.end, key, sel))
    for *_, sel in sorted(selections, key=lambda s: s[:3]):
        el.append(sel)
    for _, _, who, text, created in memo_by_target.get(("document", str(doc.id)), []):
        w.sub(el, "NoteRef", targetGUID=w.note("document", doc.sha256, who, text, created,
                                               f"Memo on {doc.name} by {who}"))
