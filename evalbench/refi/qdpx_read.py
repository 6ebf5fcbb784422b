"""Parse a .qdpx archive into plain data, before anything touches a project file.

Reads NVivo, ATLAS.ti, MAXQDA, QualCoder and qc exports as well as our own.
Tolerates what real files do: GUIDs in upper case or braces, a missing
``plainTextPath`` (falls back to inline ``PlainTextContent`` or the rich-text
.docx), ``relative://`` paths, absent optional elements, unknown elements, and
the same code name at several levels of the tree. Every problem that stops the
import is a one-line :class:`~evalbench.refi.archive.ArchiveError` naming the
archive; anything merely skipped becomes a warning.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

from evalbench.codebook.refi import code_guid, codes_from_refi, stored_codes
from evalbench.errors import UserError, describe_failure
from evalbench.model import Code
from evalbench.refi.archive import ArchiveError, Limits, SafeZip
from evalbench.refi.common import (
    EXTENSION_FORMAT,
    EXTENSION_MEMBER,
    VALENCE_BY_GUID,
    VALENCE_GROUP,
    norm_guid,
)
from evalbench.refi.qde_parse import QdeStream, WholeTree
from evalbench.refi.sourcetext import SourceText
from evalbench.store.schema import ROLE_SOURCES, ROLES
from evalbench.textsafe import clean_text

Progress = Callable[[int, int, str], None]
@dataclass
class RefiSource:
    guid: str
    name: str
    text: str  #: ``\n`` line endings; selections are already mapped onto it
    sha256: str
    format: str = "txt"
    path: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    turns: list[tuple[int, int, str | None, str | None]] | None = None  #: from our extension only
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    note_guids: list[str] = field(default_factory=list)
    #: REFI variables on the source itself (MAXQDA's document variables)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)  # one per coded selection: 120,000 in a 2,000-interview project
class RefiCoding:
    source_guid: str
    start: int
    end: int
    code_id: str
    user_guid: str
    valence: str = "none"
    note_guids: list[str] = field(default_factory=list)
    origin: str = "import"
    starred: bool = False
    created_at: str | None = None  #: the Coding's creationDateTime when it has one
    model: str | None = None  #: origin 'suggestion': the suggesting model's name (evalbench's own member)
    model_version: str | None = None


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user_guid: str


@dataclass
class RefiCase:
    guid: str
    name: str
    attributes: dict[str, str]
    source_guids: list[str]


@dataclass
class RefiProject:
    """Everything an import needs, as plain data."""

    archive: str
    name: str
    origin: str
    users: dict[str, str]  #: GUID -> coder name
    default_user: str  #: GUID used when a coding names no user
    codes: list[Code]
    sources: list[RefiSource]
    codings: list[RefiCoding]
    cases: list[RefiCase]
    notes: dict[str, RefiNote]
    #: note GUID -> (target type, key): key is a code ID, source GUID, (source GUID, start, end) or cell id.
    note_targets: dict[str, tuple[str, object]]
    warnings: list[str] = field(default_factory=list)
    #: (source GUID, start, end) of selections that carry notes but no codes.
    bare_selections: list[tuple[str, int, int, list[str]]] = field(default_factory=list)


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(el, name: str) -> list:
    """Children named ``name`` in any namespace (or none)."""
    return el.findall(f"{{*}}{name}")


def _kid(el, name: str):
    return el.find(f"{{*}}{name}")


def _by_name(el) -> dict[str, list]:
    """An element's children grouped by local name, in one pass (selections are many)."""
    out: dict[str, list] = {}
    for child in el:
        if isinstance(child.tag, str):
            out.setdefault(child.tag.rpartition("}")[2], []).append(child)
    return out


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


class _Reader:
    def __init__(self, path: Path, zf: SafeZip) -> None:
        self.path = path
        self.zf = zf
        self.warnings: list[str] = []
        self.ext: dict = {}
        #: Our exact code fields by GUID: usable even when project.qde was edited elsewhere (keyed by GUID,
        #: and a Description edited there wins over them).
        self.stored_codes: dict[str, dict] = {}

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def fail(self, problem: str) -> ArchiveError:
        return ArchiveError(self.path, problem)

    # --- members ---------------------------------------------------------------
    def member_for(self, ref: str | None) -> str | None:
        """The archive member an ``internal://`` or ``relative://`` path points at, if present."""
        if not ref:
            return None
        ref = ref.strip()
        for scheme in ("internal://", "relative://", "absolute://", "file://"):
            if ref.lower().startswith(scheme):
                ref = ref[len(scheme):]
                break
        ref = ref.replace("\\", "/").lstrip("/")
        base = ref.rsplit("/", 1)[-1]
        for candidate in (f"sources/{ref}", ref, f"sources/{base}"):
            if ".." in candidate.split("/"):
                continue
            found = self.zf.find(candidate)
            if found:
                return found
        return None

    def text_of(self, el, what: str) -> tuple[str | None, str]:
        """Plain text of a TextSource/Note (plainTextPath, else PlainTextContent, else the .docx) and,
        when there is none, why not — in words that name ``what`` and the member, never a bare GUID."""
        ref = el.get("plainTextPath")
        member = self.member_for(ref)
        if member:
            return self._decoded(member, what)
        content = _kid(el, "PlainTextContent")
        if content is not None:
            return content.text or "", ""
        rich = self.member_for(el.get("richTextPath"))
        if rich and rich.lower().endswith(".docx"):
            self.warn(f"{what}: no plain text in {self.path.name}; read its Word file {rich} instead "
                      "(coded positions may shift)")
            return _docx_text(self.zf.read(rich), f"{self.path.name}: {what} ({rich})"), ""
        if ref:
            return None, f"its text {ref} is not in {self.path.name}"
        return None, f"no text in {self.path.name}"

    def _decoded(self, member: str, what: str) -> tuple[str | None, str]:
        from evalbench.errors import IngestError
        from evalbench.ingest.decode import decode_bytes

        try:
            return decode_bytes(self.zf.read(member), member), ""
        except IngestError as exc:
            return None, f"its text {member} in {self.path.name}: {exc.reason}"


def _text_part(el):
    """The text a non-text source carries: a PDF's ``Representation``, a picture's ``TextDescription``."""
    for tag in ("Representation", "TextDescription"):
        part = _kid(el, tag)
        if part is not None:
            return part
    return None


def _docx_text(data: bytes, source: str) -> str:
    """Paragraph text of a .docx, one paragraph per line (the size of its parts is checked first)."""
    import io

    from evalbench.ingest.archive import open_zip

    open_zip(data, source, "Word", "word/document.xml").close()
    import docx

    try:
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    except Exception as exc:  # python-docx raises many types for broken parts
        raise UserError(f"{source}: corrupt Word file ({describe_failure(exc)})") from None


def read_qdpx(path: str | Path, *, limits: Limits | None = None, progress: Progress | None = None,
              cancel: threading.Event | None = None) -> RefiProject:
    """Read and check a whole .qdpx; raises a one-line UserError when it cannot be imported."""
    from evalbench.xmlsafe import parse_xml

    path = Path(path)
    with SafeZip(path, **({"limits": limits} if limits else {})) as zf:
        r = _Reader(path, zf)
        qde = zf.find("project.qde") or next(
            (n for n in zf.names() if n.lower().endswith(".qde") and "/" not in n), None)
        if qde is None:
            raise r.fail("no project.qde inside; not a REFI-QDA project archive")
        data = zf.read(qde)
        source = f"{path.name}:{qde}"
        parsed = QdeStream(data, source)  # one source's XML in memory at a time
        root = parsed.head()
        if _local(root) != "Project":
            parsed.finish()  # a file that is not well formed says so first
            raise r.fail(f"{qde} holds <{_local(root)}>, not a REFI-QDA <Project>")
        r.ext = _extension(r, zf, data)
        found = _project(r, parsed, progress, cancel)
        if found is None:  # users or codebook after the sources: read again, whole
            r.warnings.clear()
            found = _project(r, WholeTree(parse_xml(data, source=source)), progress, cancel)
        return found


def _extension(r: _Reader, zf: SafeZip, qde: bytes) -> dict:
    """Our own extension data, used only if it was written together with this project.qde.

    The code fields (``r.stored_codes``) are kept either way: they are keyed by
    GUID, and a Description edited elsewhere wins over them anyway.
    """
    member = zf.find(EXTENSION_MEMBER)
    if member is None:
        return {}
    from evalbench.safeparse import DataError, load_json

    try:
        parsed = load_json(zf.read(member, max_bytes=256 * 1024 * 1024), EXTENSION_MEMBER)
    except DataError as exc:
        r.warn(f"{EXTENSION_MEMBER} cannot be used ({exc.problem}); ignored")
        return {}
    ext = parsed.data
    if parsed.replaced:
        r.warn(f"{EXTENSION_MEMBER}: {parsed.replaced} character(s) that cannot be stored were replaced with \ufffd")
    if not isinstance(ext, dict) or ext.get("format") != EXTENSION_FORMAT:
        return {}
    r.stored_codes = stored_codes(ext.get("codes"))
    if ext.get("qde_sha256") != hashlib.sha256(qde).hexdigest():
        r.warn(f"{EXTENSION_MEMBER} does not match project.qde (edited elsewhere?); "
               "turns are re-derived from the text")
        return {}
    for key in ("sources", "selections", "notes", "codes"):  # a hand-edited file may hold anything
        if not isinstance(ext.get(key, {}), dict):
            r.warn(f"{EXTENSION_MEMBER}: {key!r} is not a mapping; ignored")
            ext[key] = {}
    return ext


def _users(root) -> dict[str, str]:
    users: dict[str, str] = {}
    el = _kid(root, "Users")
    for u in _kids(el, "User") if el is not None else []:
        g = norm_guid(u.get("guid"))
        name = (u.get("name") or u.get("id") or "").strip() or f"user-{g[:8]}"
        users[g] = name
    return users


def _codes(r: _Reader, root) -> tuple[list[Code], dict[str, str]]:
    """Codes (parents first) and GUID -> code ID; our valence codes are left out."""
    book = _kid(root, "CodeBook")
    codes_el = _kid(book, "Codes") if book is not None else None
    if codes_el is None:
        return [], {}
    codes_el = deepcopy(codes_el)
    for el in list(codes_el.iter()):
        g = norm_guid(el.get("guid"))
        if _local(el) == "Code" and (g in VALENCE_BY_GUID or g == VALENCE_GROUP):
            parent = el.getparent()
            if g == VALENCE_GROUP:
                for child in [c for c in el if _local(c) == "Code"]:  # keep codes someone added there
                    if norm_guid(child.get("guid")) not in VALENCE_BY_GUID:
                        parent.append(child)
            parent.remove(el)
    ns = codes_el.tag.rsplit("}", 1)[0].lstrip("{") if codes_el.tag.startswith("{") else ""
    codes = codes_from_refi(codes_el, ns, r.stored_codes)
    return codes, {norm_guid(code_guid(c)): c.id for c in codes}


def _value(vv) -> str | None:
    for kind in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"):
        el = _kid(vv, kind)
        if el is not None:
            return (el.text or "").strip() if kind != "TextValue" else (el.text or "")
    return None


def _variables(root) -> dict[str, str]:
    el = _kid(root, "Variables")
    return {norm_guid(v.get("guid")): (v.get("name") or "").strip()
            for v in (_kids(el, "Variable") if el is not None else [])}


def _values(el, variables: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for vv in _kids(el, "VariableValue"):
        ref = _kid(vv, "VariableRef")
        name = variables.get(norm_guid(ref.get("targetGUID"))) if ref is not None else None
        value = _value(vv)
        if name and value is not None:
            out[name] = value
    return out


def _refs(el, name: str) -> list[str]:
    return [norm_guid(x.get("targetGUID")) for x in _kids(el, name) if x.get("targetGUID")]


def _project(r: _Reader, parsed: QdeStream | WholeTree, progress: Progress | None,
             cancel: threading.Event | None) -> RefiProject | None:
    """The project's plain data; None if a streamed file turned out to need reading whole."""
    root = parsed.head()
    users = _users(root)
    default_user = norm_guid(root.get("creatingUserGUID"))
    codes, code_ids = _codes(r, root)
    variables = _variables(root)
    ext_sources = r.ext.get("sources", {}) if r.ext else {}
    ext_selections = r.ext.get("selections", {}) if r.ext else {}
    sources: list[RefiSource] = []
    codings: list[RefiCoding] = []
    bare: list[tuple[str, int, int, list[str]]] = []
    note_targets: dict[str, tuple[str, object]] = {}
    for code_el in root.iter("{*}Code"):
        cid = code_ids.get(norm_guid(code_el.get("guid")))
        for ref in _refs(code_el, "NoteRef"):
            if cid:
                note_targets.setdefault(ref, ("code", cid))

    ctx = _SourceContext(r, code_ids, variables, ext_sources, ext_selections, codings, bare, note_targets)
    for done, el in enumerate(parsed.sources()):
        if cancel is not None and cancel.is_set():
            raise UserError(f"{r.path.name}: import cancelled; no project created")
        kind = _local(el)
        name = (el.get("name") or "").strip() or f"source-{norm_guid(el.get('guid'))[:8]}"
        if progress:
            progress(done, max(parsed.total, done + 1), name)
        if kind == "TextSource":
            src = ctx.add(el, name)
            if src is not None:
                sources.append(src)
        elif kind in ("AudioSource", "VideoSource") and _kids(el, "Transcript"):
            # Interviews recorded in MAXQDA/NVivo: their transcripts are text sources of their own.
            for i, transcript in enumerate(_kids(el, "Transcript"), 1):
                label = (transcript.get("name") or "").strip() or f"{name} transcript" + (f" {i}" if i > 1 else "")
                src = ctx.add(transcript, label)
                if src is not None:
                    src.metadata["media"] = name
                    sources.append(src)
        elif kind in ("PDFSource", "PictureSource") and _text_part(el) is not None:
            # A PDF's text representation (or a picture's text description) is a text source of its own.
            src = ctx.add(_text_part(el), name)
            if src is not None:
                src.metadata["original"] = kind.removesuffix("Source")
                sources.append(src)
                areas = len(_kids(el, "PDFSelection")) + len(_kids(el, "PictureSelection"))
                if areas:
                    r.warn(f"source {name!r}: {areas} selection(s) of page areas have no place in its text; "
                           "skipped")
        elif kind:
            what = {"AudioSource": "an audio recording", "VideoSource": "a video", "PDFSource": "a PDF",
                    "PictureSource": "a picture"}.get(kind, f"a {kind}")
            r.warn(f"source {name!r} skipped: {what} without a text transcript or representation "
                   "(evalbench imports text)")
    if not parsed.finish():
        return None

    notes = _notes(r, root)
    for ref in _refs(root, "NoteRef"):
        note_targets.setdefault(ref, ("project", None))  # which project memo: from our member, if any
    for g, info in (r.ext.get("notes", {}) if r.ext else {}).items():
        if isinstance(info, dict) and info.get("target_type") in ("cell", "project"):
            note_targets[norm_guid(g)] = (info["target_type"], str(info.get("target_id", "")))
    return RefiProject(
        archive=r.path.name, name=(root.get("name") or r.path.stem).strip() or r.path.stem,
        origin=root.get("origin") or "", users=users, default_user=default_user, codes=codes,
        sources=sources, codings=codings, cases=_cases(root, variables), notes=notes,
        note_targets=note_targets, warnings=r.warnings, bare_selections=bare)


class _SourceContext:
    """What turning one source element into a RefiSource (and its codings) needs."""

    def __init__(self, r, code_ids, variables, ext_sources, ext_selections, codings, bare, note_targets):
        self.r, self.code_ids, self.variables = r, code_ids, variables
        self.ext_sources, self.ext_selections = ext_sources, ext_selections
        self.codings, self.bare, self.note_targets = codings, bare, note_targets
        self.hashes: set[str] = set()

    def add(self, el, name: str) -> RefiSource | None:
        """A TextSource or Transcript element as a source, its selections added to ``codings``."""
        r = self.r
        g = norm_guid(el.get("guid"))
        raw, problem = r.text_of(el, f"source {name!r}")
        if raw is None:
            r.warn(f"source {name!r} skipped with its codings: {problem}")
            return None
        raw, replaced = clean_text(raw)
        if replaced:
            r.warn(f"source {name!r}: {replaced} character(s) that cannot be stored were replaced with \ufffd")
        st = SourceText(raw)
        if not st.text.strip():
            r.warn(f"source {name!r} has no text (imported empty)")
        ext = self.ext_sources.get(g) or self.ext_sources.get(el.get("guid")) or {}
        ext = ext if isinstance(ext, dict) else {}
        meta = ext.get("metadata") if isinstance(ext.get("metadata"), dict) else {}
        sha = ext.get("sha256") if isinstance(ext.get("sha256"), str) else None
        if not sha or sha in self.hashes:
            sha = hashlib.sha256(st.text.encode("utf-8")).hexdigest()
            if sha in self.hashes:  # identical text twice (e.g. two empty sources): keep both, apart
                sha = hashlib.sha256(f"{sha}:{g}".encode()).hexdigest()
        self.hashes.add(sha)
        src = RefiSource(guid=g, name=name, text=st.text, sha256=sha,
                         format=str(ext.get("format") or "txt"),
                         path=ext.get("path") if isinstance(ext.get("path"), str) else None,
                         metadata={str(k): str(v) for k, v in meta.items()},
                         note_guids=_refs(el, "NoteRef"))
        src.variables = _values(el, self.variables)
        src.metadata.update({f"variable:{k}": v for k, v in src.variables.items()})
        _ext_turns(r, src, ext)
        for ref in src.note_guids:
            self.note_targets.setdefault(ref, ("document", g))
        whole = [(c, el) for c in _kids(el, "Coding")]
        spans = [(sel, _int(sel.get("startPosition")), _int(sel.get("endPosition")))
                 for sel in _kids(el, "PlainTextSelection")]
        if _local(el) == "Transcript":
            sync = {norm_guid(p.get("guid")): _int(p.get("position")) for p in _kids(el, "SyncPoint")}
            spans = [(sel, sync.get(norm_guid(sel.get("fromSyncPoint"))), sync.get(norm_guid(sel.get("toSyncPoint"))))
                     for sel in _kids(el, "TranscriptSelection")]
        _selections(r, src, st, spans, whole, self.code_ids, self.ext_selections, self.codings, self.bare,
                    self.note_targets)
        return src


def _ext_turns(r: _Reader, src: RefiSource, ext: dict) -> None:
    """Exact turns and roles from our extension, if they fit the text."""
    turns = ext.get("turns")
    if not isinstance(turns, list):
        return
    out = []
    for t in turns:
        if (isinstance(t, list) and len(t) == 4 and all(isinstance(x, int) for x in t[:2])
                and 0 <= t[0] <= t[1] <= len(src.text)):
            out.append((t[0], t[1], t[2] if isinstance(t[2], str) else None, t[3] if isinstance(t[3], str) else None))
        else:
            r.warn(f"source {src.name!r}: turn layout in {EXTENSION_MEMBER} does not fit; re-derived")
            return
    src.turns = out
    roles = ext.get("roles") if isinstance(ext.get("roles"), dict) else {}
    for label, pair in roles.items():
        if isinstance(pair, list) and len(pair) == 2 and pair[0] in ROLES and pair[1] in ROLE_SOURCES:
            src.roles[label] = (pair[0], pair[1])


def _selections(r, src, st, spans, whole, code_ids, ext_selections, codings, bare, note_targets) -> None:
    unknown = 0
    bad = 0
    for coding_el, _ in whole:  # codings of the whole source
        ref = _kid(coding_el, "CodeRef")
        cid = code_ids.get(norm_guid(ref.get("targetGUID"))) if ref is not None else None
        if cid and src.text:
            codings.append(RefiCoding(src.guid, 0, len(src.text), cid,
                                      norm_guid(coding_el.get("creatingUser")) or "",
                                      note_guids=_refs(coding_el, "NoteRef")))
    for sel, a, b in spans:
        if a is None or b is None:
            bad += 1
            continue
        a, b = sorted((a, b))
        start, end = st.offset(a), st.offset(b)
        if a < 0 or b > st.raw_length or start >= end:
            bad += 1
            continue
        sel_guid = norm_guid(sel.get("guid"))
        sel_user = norm_guid(sel.get("creatingUser"))
        kids = _by_name(sel)
        sel_notes = [norm_guid(x.get("targetGUID")) for x in kids.get("NoteRef", ()) if x.get("targetGUID")]
        extra = ext_selections.get(sel_guid) or ext_selections.get(sel.get("guid")) or {}
        extra = extra if isinstance(extra, dict) else {}
        valence = "none"
        found: list[RefiCoding] = []
        for coding_el in kids.get("Coding", ()):
            ref = _kid(coding_el, "CodeRef")
            target = norm_guid(ref.get("targetGUID")) if ref is not None else ""
            if target in VALENCE_BY_GUID:
                valence = VALENCE_BY_GUID[target]
                continue
            cid = code_ids.get(target)
            if cid is None:
                unknown += 1
                continue
            found.append(RefiCoding(src.guid, start, end, cid,
                                    norm_guid(coding_el.get("creatingUser")) or sel_user,
                                    note_guids=sel_notes + _refs(coding_el, "NoteRef"),
                                    origin=str(extra.get("origin") or ("manual" if r.ext else "import")),
                                    starred=bool(extra.get("starred")),
                                    created_at=coding_el.get("creationDateTime") or sel.get("creationDateTime"),
                                    model=_short(extra.get("model")), model_version=_short(extra.get("model_version"))))
        for c in found:
            c.valence = valence
        codings.extend(found)
        if not found and sel_notes:
            bare.append((src.guid, start, end, sel_notes))
        for ref in sel_notes:
            note_targets.setdefault(ref, ("selection", (src.guid, start, end)))
    if unknown:
        r.warn(f"source {src.name!r}: {unknown} coding(s) point at codes not in the codebook; skipped")
    if bad:
        r.warn(f"source {src.name!r}: {bad} selection(s) outside the text or empty; skipped")


def _notes(r: _Reader, root) -> dict[str, RefiNote]:
    out: dict[str, RefiNote] = {}
    el = _kid(root, "Notes")
    for note in _kids(el, "Note") if el is not None else []:
        g = norm_guid(note.get("guid"))
        name = (note.get("name") or "").strip()
        what = f"note {name or g!r}"
        text, problem = r.text_of(note, what)
        if text is None:
            r.warn(f"{what} skipped: {problem}")
            continue
        text, replaced = clean_text(text)
        if replaced:
            r.warn(f"{what}: {replaced} character(s) that cannot be stored were replaced with \ufffd")
        if text.strip():
            out[g] = RefiNote(g, name, SourceText(text).text.strip(), norm_guid(note.get("creatingUser")))
    return out


def _cases(root, variables: dict[str, str]) -> list[RefiCase]:
    el = _kid(root, "Cases")
    out = []
    for case in _kids(el, "Case") if el is not None else []:
        g = norm_guid(case.get("guid"))
        out.append(RefiCase(g, (case.get("name") or "").strip() or f"case-{g[:8]}",
                            _values(case, variables), _refs(case, "SourceRef")))
    return out


def _short(value) -> str | None:
    """A model name or version from evalbench's member: text, at most 500 characters, else nothing."""
    return value[:500] if isinstance(value, str) and value.strip() else None
