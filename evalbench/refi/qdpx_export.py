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
- participants -> ``Case`` s with their attributes as ``Variable`` values;
- themes -> a ``Set`` of each theme's codes with a ``Note`` in words, and whole
  in the member (:mod:`evalbench.refi.qdpx_themes`).

GUIDs are uuid5 of stable keys (document SHA-256, code ID, coder name, span),
and archive members carry a fixed timestamp, so exporting an unchanged project
twice gives byte-identical files. What REFI-QDA has no place for (exact turns,
speaker roles, coding origin and star, memo targets such as matrix cells, each
code's ID and exact fields) goes into an ``evalbench.json`` member that other
programs ignore; code Descriptions hold only the readable text.

The export streams (:class:`_QdeStream`, :func:`evalbench.refi.archive.zip_writer`):
one document's selections, then one source text, at a time, so peak memory
stays flat as projects grow (2,000 interviews took 1.1 GB when the whole tree
and every text were built in memory first).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from evalbench.codebook.refi import code_fields, code_guid, codes_to_refi
from evalbench.errors import UserError
from evalbench.findings.snapshot import coding_refs, snapshot
from evalbench.refi.archive import zip_writer
from evalbench.refi.common import (
    EXTENSION_FORMAT,
    EXTENSION_MEMBER,
    PROJECT_NS,
    VALENCE_CODES,
    VALENCE_GROUP,
    guid,
)
from evalbench.refi.qdpx_model import Element
from evalbench.refi.qdpx_themes import write_themes
from evalbench.store.exchange import MemoRow
from evalbench.textsafe import NOT_XML_OR_SURROGATE

if TYPE_CHECKING:
    from evalbench.model import Code, Coding, Document, Participant, Turn
    from evalbench.store.store import Store

Progress = Callable[[int, int, str], None]
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
#: Characters XML 1.0 cannot hold (lxml refuses them): dropped from names, memos and values.


@dataclass(frozen=True)
class QdpxExport:
    """What one .qdpx export wrote: how many of each thing."""

    sources: int
    codes: int
    codings: int
    users: int
    cases: int
    notes: int
    themes: int
    #: hand decisions and exemplars of themes whose coding is not in the archive (another coder's)
    theme_codings_left_out: int


def _xml(value: object) -> str:
    """``value`` as a string XML can hold."""
    return NOT_XML_OR_SURROGATE.sub("", str(value))


def _xml_code(code: Code) -> Code:
    """A code whose texts XML can hold (the codebook writer sets them as they are)."""
    return replace(
        code,
        name=_xml(code.name),
        definition=_xml(code.definition),
        inclusion=_xml(code.inclusion),
        exclusion=_xml(code.exclusion),
        examples=tuple(_xml(e) for e in code.examples),
        keywords=tuple(_xml(k) for k in code.keywords),
    )


def _q(name: str) -> str:
    return f"{{{PROJECT_NS}}}{name}"


def _stamp(el: Element, attr: str, value: str | None) -> None:
    if value and _DATETIME.match(value):
        el.set(attr, value)


class _QdeStream:
    """Writes project.qde one top-level piece at a time, as lxml pretty-prints the whole tree.

    Each piece (``<Users>``, ``<CodeBook>``, one ``<TextSource>``, one
    ``<Note>``, ...) is serialised inside a stand-in ``<Project>`` with the real
    attributes (and, for a member of ``<Sources>`` or ``<Notes>``, inside that
    container), and only its own lines are kept. libxml2 indents a node by its
    depth alone, so the file is byte for byte what serialising the full tree
    would give, without ever holding more than one piece. A SHA-256 of the
    bytes written is kept for the extension member.
    """

    def __init__(self, fh: IO[bytes], root: Element) -> None:
        from lxml import etree

        self.E = etree
        self.fh = fh
        self.root = root
        self.sha = hashlib.sha256()
        self.started = False
        self.container: Element | None = None

    def _emit(self, data: bytes) -> None:
        self.sha.update(data)
        self.fh.write(data)

    def _serialise(self) -> bytes:
        """The stand-in tree as text; on the first call the XML declaration and start tag go out too."""
        text = self.E.tostring(self.root, xml_declaration=not self.started, encoding="utf-8", pretty_print=True)
        cut = text.index(b"\n") + 1
        if not self.started:
            cut = text.index(b"\n", cut) + 1  # the declaration, then the <Project ...> start tag
            self._emit(text[:cut])
            self.started = True
        return text[cut:]

    def _piece(self, parent: Element, el: Element, lead: bytes, tail: bytes) -> None:
        parent.append(el)
        try:
            text = self._serialise()
        finally:
            parent.remove(el)
        if not (text.startswith(lead) and text.endswith(tail)):
            raise RuntimeError("lxml laid out project.qde unexpectedly")  # a bug, not a user error
        self._emit(text[len(lead) : len(text) - len(tail)])

    def add(self, el: Element) -> None:
        """Write a direct child of ``<Project>`` (closing the open container first)."""
        self.close_container()
        self._piece(self.root, el, b"", b"</Project>\n")

    def add_to(self, container: str, el: Element) -> None:
        """Write ``el`` as the next child of the ``<container>`` child of ``<Project>``."""
        lead = f"  <{container}>\n".encode()
        if self.container is None or self.container.tag != _q(container):
            self.close_container()
            self.container = self.E.SubElement(self.root, _q(container))
            if self.started:
                self._emit(lead)
            else:  # the declaration and start tag come out with the first piece
                self._piece(self.container, el, b"", f"  </{container}>\n</Project>\n".encode())
                return
        self._piece(self.container, el, lead, f"  </{container}>\n</Project>\n".encode())

    def close_container(self) -> None:
        if self.container is not None:
            self._emit(f"  </{self.container.tag.rpartition('}')[2]}>\n".encode())
            self.root.remove(self.container)
            self.container = None

    def close(self) -> None:
        """Finish the document (an empty project is one self-closing element, as lxml writes it)."""
        self.close_container()
        if self.started:
            self._emit(b"</Project>\n")
        else:
            self._emit(self.E.tostring(self.root, xml_declaration=True, encoding="utf-8", pretty_print=True))


#: A Note to write: (GUID, title, the creating user's GUID or None, created at, text).
NoteEntry = tuple[str, str, str | None, str | None, str]
#: (target type, target id) -> the memos written on it.
MemosByTarget = dict[tuple[str, str], list[MemoRow]]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Writer:
    """What one export collects while it streams: users, notes, extension data."""

    def __init__(self) -> None:
        from lxml import etree

        self.E = etree
        #: Extension member content; ``sources`` holds each source's entry already as JSON text.
        self.ext: dict[str, Any] = {"format": EXTENSION_FORMAT, "version": 1, "selections": {}, "notes": {}}
        self.ext_sources: dict[str, str] = {}
        self.notes: list[NoteEntry] = []  # in the order made
        self.users: dict[str, str] = {}
        #: Codings that themes name (hand decisions, exemplars) -> the GUID of the selection written for each.
        self.wanted: set[int] = set()
        self.selection_of: dict[int, str] = {}
        self.xml: Callable[[object], str] = _xml
        self.code_guid: Callable[[Code], str] = code_guid

    def sub(self, parent: Element | None, tag: str, **attrs: object) -> Element:
        el = self.E.SubElement(parent, _q(tag)) if parent is not None else self.E.Element(_q(tag))
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
        """Keep a Note (memo) for the ``<Notes>`` written after the sources; return its GUID."""
        note_guid = guid("note", f"{kind}:{key}:{coder}")
        self.notes.append((note_guid, title, self.user(coder), created, text))
        return note_guid

    def theme_note(self, note_guid: str, title: str, text: str) -> None:
        """Keep a theme's Note: it belongs to the project, not to a coder, so it names no user."""
        self.notes.append((note_guid, title, None, None, text))

    def note_element(self, note: NoteEntry) -> Element:
        note_guid, title, user_guid, created, text = note
        el = self.E.Element(_q("Note"))
        el.set("guid", note_guid)
        el.set("name", _xml(title))
        if user_guid:
            el.set("creatingUser", user_guid)
        _stamp(el, "creationDateTime", created)
        self.sub(el, "PlainTextContent").text = _xml(text)
        return el

    def write_extension(self, fh: IO[bytes], qde_sha256: str) -> None:
        """Stream evalbench.json: exactly what ``json.dumps(..., sort_keys=True)`` of the whole dict gives."""
        values = {**{k: _dumps(v) for k, v in self.ext.items()}, "qde_sha256": _dumps(qde_sha256)}
        for i, key in enumerate(sorted([*values, "sources"])):
            fh.write(f"{'{' if i == 0 else ','}{_dumps(key)}:".encode())
            if key != "sources":
                fh.write(values[key].encode())
                continue
            for j, (source_guid, entry) in enumerate(sorted(self.ext_sources.items())):
                fh.write(f"{',' if j else '{'}{_dumps(source_guid)}:{entry}".encode())
            fh.write(b"}" if self.ext_sources else b"{}")
        fh.write(b"}")


def export_qdpx(
    store: Store,
    out: str | Path,
    *,
    coder: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> QdpxExport:
    """Write the project of ``store`` (or one coder's work) to ``out``; returns counts of what was written.

    Streams: project.qde is written piece by piece into its archive member, one
    document's codings at a time, and then each source text is read and written
    on its own, so memory does not grow with the project. The archive is built
    in a temporary file beside ``out`` and renamed into place at the end:
    nothing is written when the export fails or is cancelled.
    """
    from lxml import etree

    from evalbench import __version__

    out = Path(out)
    w = _Writer()
    root = etree.Element(_q("Project"), nsmap={None: PROJECT_NS})
    root.set("name", _xml(store.name))
    root.set("origin", f"evalbench {__version__}")
    _stamp(root, "creationDateTime", store.meta.get("created_at"))

    docs = store.documents.list()
    codes = [_xml_code(c) for c in store.codes.list()]
    memos = store.exchange.memos(coder)
    n_codings = store.exchange.coding_count(coder)
    for name in [coder] if coder else store.coders.names():  # every coder of a coding is among the names
        w.user(name)
    for m in memos:
        w.user(m.coder)
    has_valence = store.exchange.has_valence(list(VALENCE_CODES), coder)
    memo_by_target: MemosByTarget = defaultdict(list)
    for m in memos:
        memo_by_target[(m.target_type, m.target_id)].append(m)
    turn_memos = {
        target: (rank, items) for rank, ((kind, target), items) in enumerate(memo_by_target.items()) if kind == "turn"
    }
    roles: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for speaker in store.speakers.list():
        roles[speaker.document_id][speaker.label or ""] = [speaker.role, speaker.role_source]
    participants = store.participants.list()
    themes = snapshot(store)
    w.wanted = coding_refs(themes)

    codebook_el = w.sub(None, "CodeBook")
    codes_el = w.sub(codebook_el, "Codes")
    codes_to_refi(codes, codes_el)
    # Exact code fields (ID, every field as typed) go in our own member, never into the code memos others see.
    w.ext["codes"] = {code_guid(c): code_fields(c) for c in codes}
    if has_valence:
        _valence_group(w, codes_el)
    code_els = {el.get("guid"): el for el in codes_el.iter(_q("Code"))}
    code_guids = {c.id: code_guid(c) for c in codes}
    for (kind, target_id), items in sorted(memo_by_target.items()):
        if kind == "code" and target_id in code_guids:
            for _, _, who, _, _ in items:
                _insert_noteref(w, code_els[code_guids[target_id]], _note_guid("code", target_id, who))

    total = 2 * len(docs)
    with zip_writer(out) as zw:
        with zw.member("project.qde") as fh:
            qde = _QdeStream(fh, root)
            users_el = w.sub(None, "Users")
            for name, user_guid in sorted(w.users.items()):
                w.sub(users_el, "User", guid=user_guid, name=name)
            if len(users_el):
                qde.add(users_el)
            if len(codes_el):
                qde.add(codebook_el)
            for el in _cases(w, participants, docs):
                qde.add(el)
            for done, doc in enumerate(docs):
                _check(cancel, out)
                if progress:
                    progress(done, total, doc.name)
                qde.add_to(
                    "Sources",
                    _source(
                        w,
                        doc,
                        store.codings.list(document_id=doc.id, coder=coder),
                        store.turns.list(doc.id),
                        roles[doc.id],
                        memo_by_target,
                        turn_memos,
                        code_guids,
                    ),
                )
            project_refs = _closing_notes(w, memo_by_target, code_guids)
            sets, dropped = write_themes(w, store, themes, codes)
            for note in w.notes:
                qde.add_to("Notes", w.note_element(note))
            if sets is not None:
                qde.add(sets)
            for ref in project_refs:
                qde.add(w.sub(None, "NoteRef", targetGUID=ref))
            qde.close()
        for done, doc in enumerate(docs, start=len(docs)):
            _check(cancel, out)
            if progress:
                progress(done, total, f"{doc.name} (text)")
            zw.add(f"sources/{guid('source', doc.sha256)}.txt", (store.documents.text(doc.id) or "").encode())
        with zw.member(EXTENSION_MEMBER) as fh:
            w.write_extension(fh, qde.sha.hexdigest())
    if progress:
        progress(total, total, "done")
    return QdpxExport(
        sources=len(docs),
        codes=len(codes),
        codings=n_codings,
        users=len(w.users),
        cases=len(participants),
        notes=len(w.notes),
        themes=sum(len(c["themes"]) for c in themes["categories"]),
        theme_codings_left_out=dropped,
    )


def _check(cancel: threading.Event | None, out: Path) -> None:
    if cancel is not None and cancel.is_set():
        raise UserError(f"{out.name}: export cancelled; nothing written")


def _note_guid(kind: str, key: str, coder: str) -> str:
    return guid("note", f"{kind}:{key}:{coder}")


def _closing_notes(w: _Writer, memo_by_target: MemosByTarget, code_guids: dict[str, str]) -> list[str]:
    """Notes on the project, codes and matrix cells (after the sources' own); returns the project's refs."""
    project_refs = []
    for (kind, _), items in sorted(memo_by_target.items()):
        for _, target_id, who, text, created in items:
            if kind == "project":  # a project may hold several memos per coder, each under its own name
                ref = w.note("project", target_id, who, text, created, target_id or f"Project memo by {who}")
                w.ext["notes"][ref] = {"target_type": "project", "target_id": target_id}
                project_refs.append(ref)
            elif kind == "code" and target_id in code_guids:
                w.note("code", target_id, who, text, created, f"Memo on code {target_id} by {who}")
            elif kind == "cell":
                ref = w.note("cell", target_id, who, text, created, f"Memo on matrix cell {target_id} by {who}")
                w.ext["notes"][ref] = {"target_type": "cell", "target_id": target_id}
            # document, turn and coding memos were written with their source
    return project_refs


def _insert_noteref(w: _Writer, el: Element, note_guid: str) -> None:
    """Add a NoteRef to a Code after its Description and before its child Codes."""
    ref = w.E.Element(_q("NoteRef"))
    ref.set("targetGUID", note_guid)
    child = el.find(_q("Code"))
    if child is not None:
        child.addprevious(ref)
    else:
        el.append(ref)


def _valence_group(w: _Writer, codes_el: Element) -> None:
    group = w.sub(codes_el, "Code", guid=VALENCE_GROUP, name="Valence", isCodable="false")
    w.sub(group, "Description").text = (
        "Barrier/facilitator valence of evalbench codings: each coded excerpt with a valence is "
        "also coded with one of these codes."
    )
    for valence, (code_guid_, name, color) in VALENCE_CODES.items():
        el = w.sub(group, "Code", guid=code_guid_, name=name, isCodable="true", color=color)
        w.sub(el, "Description").text = f"evalbench valence: {valence}"


def _cases(w: _Writer, participants: list[Participant], docs: list[Document]) -> list[Element]:
    """The ``<Variables>`` and ``<Cases>`` elements (participants and their attributes), if any."""
    if not participants:
        return []
    out = []
    names = sorted({name for p in participants for name in p.attributes})
    var_guids = {name: guid("variable", name) for name in names}
    if names:
        variables = w.sub(None, "Variables")
        for name in names:
            w.sub(variables, "Variable", guid=var_guids[name], name=name, typeOfVariable="Text")
        out.append(variables)
    docs_of: dict[str, list] = defaultdict(list)
    for d in docs:
        if d.participant:
            docs_of[d.participant].append(d)
    cases = w.sub(None, "Cases")
    for p in participants:
        case = w.sub(cases, "Case", guid=guid("case", p.label), name=p.label)
        for name in sorted(p.attributes):
            value = w.sub(case, "VariableValue")
            w.sub(value, "VariableRef", targetGUID=var_guids[name])
            w.sub(value, "TextValue").text = _xml(p.attributes[name] or "")
        for d in docs_of[p.label]:
            w.sub(case, "SourceRef", targetGUID=guid("source", d.sha256))
    return [*out, cases]


def _source(
    w: _Writer,
    doc: Document,
    codings: list[Coding],
    turns: list[Turn],
    roles: dict[str, list[str]],
    memo_by_target: MemosByTarget,
    turn_memos: dict[str, tuple[int, list[MemoRow]]],
    code_guids: dict[str, str],
) -> Element:
    """One ``<TextSource>`` with its selections and memo refs; its extension entry goes into ``w``."""
    source_guid = guid("source", doc.sha256)
    el = w.sub(None, "TextSource", guid=source_guid, name=doc.name, plainTextPath=f"internal://{source_guid}.txt")
    _stamp(el, "creationDateTime", doc.imported_at)
    w.ext_sources[source_guid] = _dumps(
        {
            # the file name only: the folder it was imported from names the user and their machine
            "sha256": doc.sha256,
            "format": doc.format,
            "path": Path(doc.path).name if doc.path else doc.path,
            "metadata": doc.metadata,
            "turns": [[t.start, t.end, t.speaker, t.time] for t in turns],
            "roles": roles,
        }
    )

    # (start, 0, coding id | 1, turn, element): in text order, and codings that start together in the order they
    # were made, so an import numbers them in that order and every "first of equals" (the quote a theme shows
    # for a passage two coders coded) stays the same.
    selections = []
    seen: dict[str, int] = defaultdict(int)
    for c in codings:
        key = f"{doc.sha256}:{c.start}:{c.end}:{c.code_id}:{c.coder}"
        seen[key] += 1
        if seen[key] > 1:
            key += f":{seen[key]}"
        sel = w.E.Element(_q("PlainTextSelection"))
        sel_guid = guid("selection", key)
        if c.id in w.wanted:
            w.selection_of[c.id] = sel_guid
        for attr, value in (
            ("guid", sel_guid),
            ("startPosition", c.start),
            ("endPosition", c.end),
            ("creatingUser", w.user(c.coder)),
        ):
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
        extra = {
            k: v
            for k, v in (
                ("origin", c.origin),
                ("starred", c.starred),
                ("model", c.suggest_model),
                ("model_version", c.suggest_model_version),
            )
            if v and v != "manual"
        }
        if extra:
            w.ext["selections"][sel_guid] = extra
        selections.append((c.start, 0, c.id, sel))
    memoed = sorted((turn_memos[str(t.id)], t) for t in turns if str(t.id) in turn_memos)
    for (_, items), t in memoed:
        key = f"{doc.sha256}:turn:{t.seq}"
        sel = w.E.Element(_q("PlainTextSelection"))
        sel_guid = guid("selection", key)
        for attr, value in (
            ("guid", sel_guid),
            ("name", f"Turn {t.seq}"),
            ("startPosition", t.start),
            ("endPosition", t.end),
        ):
            sel.set(attr, str(value))
        for _, _, who, text, created in items:
            w.sub(
                sel,
                "NoteRef",
                targetGUID=w.note("turn", key, who, text, created, f"Memo on {doc.name} turn {t.seq} by {who}"),
            )
        w.ext["selections"][sel_guid] = {"turn_memo": True}
        selections.append((t.start, 1, t.seq, sel))
    for *_, sel in sorted(selections, key=lambda s: s[:3]):
        el.append(sel)
    for _, _, who, text, created in memo_by_target.get(("document", str(doc.id)), []):
        w.sub(
            el, "NoteRef", targetGUID=w.note("document", doc.sha256, who, text, created, f"Memo on {doc.name} by {who}")
        )
    return el
