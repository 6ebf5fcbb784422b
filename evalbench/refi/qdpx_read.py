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
from pathlib import Path

from evalbench.codebook.refi import code_guid, codes_from_refi, stored_codes
from evalbench.errors import UserError, describe_failure
from evalbench.model import Code
from evalbench.refi.archive import DEFAULT_LIMITS, ArchiveError, Limits, SafeZip
from evalbench.refi.common import (
    EXTENSION_FORMAT,
    EXTENSION_MEMBER,
    VALENCE_BY_GUID,
    VALENCE_GROUP,
    norm_guid,
)
from evalbench.refi.qde_parse import QdeStream, WholeTree
from evalbench.refi.qdpx_model import (  # the dataclasses are read from here too
    Element,
    NoteKey,
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSet,
    RefiSource,
    kid,
    kids,
    local,
    refs,
    variable_values,
)
from evalbench.refi.qdpx_sources import SourceContext
from evalbench.refi.sourcetext import SourceText
from evalbench.textsafe import clean_text

__all__ = ["RefiCase", "RefiCoding", "RefiNote", "RefiProject", "RefiSet", "RefiSource", "read_qdpx"]

Progress = Callable[[int, int, str], None]


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
                ref = ref[len(scheme) :]
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

    def text_of(self, el: Element, what: str) -> tuple[str | None, str]:
        """Plain text of a TextSource/Note (plainTextPath, else PlainTextContent, else the .docx) and,
        when there is none, why not — in words that name ``what`` and the member, never a bare GUID."""
        ref = el.get("plainTextPath")
        member = self.member_for(ref)
        if member:
            return self._decoded(member, what)
        content = kid(el, "PlainTextContent")
        if content is not None:
            return content.text or "", ""
        rich = self.member_for(el.get("richTextPath"))
        if rich and rich.lower().endswith(".docx"):
            self.warn(
                f"{what}: no plain text in {self.path.name}; read its Word file {rich} instead "
                "(coded positions may shift)"
            )
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


def _text_part(el: Element) -> Element | None:
    """The text a non-text source carries: a PDF's ``Representation``, a picture's ``TextDescription``."""
    for tag in ("Representation", "TextDescription"):
        part = kid(el, tag)
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


def read_qdpx(
    path: str | Path,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> RefiProject:
    """Read and check a whole .qdpx; raises a one-line UserError when it cannot be imported."""
    from evalbench.xmlsafe import parse_xml

    path = Path(path)
    with SafeZip(path, limits=limits or DEFAULT_LIMITS) as zf:
        r = _Reader(path, zf)
        qde = zf.find("project.qde") or next(
            (n for n in zf.names() if n.lower().endswith(".qde") and "/" not in n), None
        )
        if qde is None:
            raise r.fail("no project.qde inside; not a REFI-QDA project archive")
        data = zf.read(qde)
        source = f"{path.name}:{qde}"
        parsed = QdeStream(data, source)  # one source's XML in memory at a time
        root = parsed.head()
        if local(root) != "Project":
            parsed.finish()  # a file that is not well formed says so first
            raise r.fail(f"{qde} holds <{local(root)}>, not a REFI-QDA <Project>")
        r.ext = _extension(r, zf, data)
        found = _project(r, parsed, progress, cancel)
        if found is None:  # users or codebook after the sources: read again, whole
            r.warnings.clear()
            found = _project(r, WholeTree(parse_xml(data, source=source)), progress, cancel)
        if found is None:  # a whole tree has every part in hand
            raise RuntimeError(f"{path.name}: project.qde read whole still lacked a part")
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
        r.warn(f"{EXTENSION_MEMBER} does not match project.qde (edited elsewhere?); turns are re-derived from the text")
        return {}
    for key in ("sources", "selections", "notes", "codes", "themes"):  # a hand-edited file may hold anything
        if not isinstance(ext.get(key, {}), dict):
            r.warn(f"{EXTENSION_MEMBER}: {key!r} is not a mapping; ignored")
            ext[key] = {}
    return ext


def _users(root: Element) -> dict[str, str]:
    users: dict[str, str] = {}
    el = kid(root, "Users")
    for u in kids(el, "User") if el is not None else []:
        g = norm_guid(u.get("guid"))
        name = (u.get("name") or u.get("id") or "").strip() or f"user-{g[:8]}"
        users[g] = name
    return users


def _codes(r: _Reader, root: Element) -> tuple[list[Code], dict[str, str]]:
    """Codes (parents first) and GUID -> code ID; our valence codes are left out."""
    book = kid(root, "CodeBook")
    codes_el = kid(book, "Codes") if book is not None else None
    if codes_el is None:
        return [], {}
    codes_el = deepcopy(codes_el)
    for el in list(codes_el.iter()):
        g = norm_guid(el.get("guid"))
        if local(el) == "Code" and (g in VALENCE_BY_GUID or g == VALENCE_GROUP):
            parent = el.getparent()
            if g == VALENCE_GROUP:
                for child in [c for c in el if local(c) == "Code"]:  # keep codes someone added there
                    if norm_guid(child.get("guid")) not in VALENCE_BY_GUID:
                        parent.append(child)
            parent.remove(el)
    ns = codes_el.tag.rsplit("}", 1)[0].lstrip("{") if codes_el.tag.startswith("{") else ""
    codes = codes_from_refi(codes_el, ns, r.stored_codes)
    return codes, {norm_guid(code_guid(c)): c.id for c in codes}


def _variables(root: Element) -> dict[str, str]:
    el = kid(root, "Variables")
    return {
        norm_guid(v.get("guid")): (v.get("name") or "").strip()
        for v in (kids(el, "Variable") if el is not None else [])
    }


def _project(
    r: _Reader, parsed: QdeStream | WholeTree, progress: Progress | None, cancel: threading.Event | None
) -> RefiProject | None:
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
    note_targets: dict[str, tuple[str, NoteKey]] = {}
    for code_el in root.iter("{*}Code"):
        cid = code_ids.get(norm_guid(code_el.get("guid")))
        for ref in refs(code_el, "NoteRef"):
            if cid:
                note_targets.setdefault(ref, ("code", cid))

    ctx = SourceContext(r, code_ids, variables, ext_sources, ext_selections, codings, bare, note_targets)
    for done, el in enumerate(parsed.sources()):
        if cancel is not None and cancel.is_set():
            raise UserError(f"{r.path.name}: import cancelled; no project created")
        kind = local(el)
        name = (el.get("name") or "").strip() or f"source-{norm_guid(el.get('guid'))[:8]}"
        if progress:
            progress(done, max(parsed.total, done + 1), name)
        if kind == "TextSource":
            src = ctx.add(el, name)
            if src is not None:
                sources.append(src)
        elif kind in ("AudioSource", "VideoSource") and kids(el, "Transcript"):
            # Interviews recorded in MAXQDA/NVivo: their transcripts are text sources of their own.
            for i, transcript in enumerate(kids(el, "Transcript"), 1):
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
                areas = len(kids(el, "PDFSelection")) + len(kids(el, "PictureSelection"))
                if areas:
                    r.warn(f"source {name!r}: {areas} selection(s) of page areas have no place in its text; skipped")
        elif kind:
            what = {
                "AudioSource": "an audio recording",
                "VideoSource": "a video",
                "PDFSource": "a PDF",
                "PictureSource": "a picture",
            }.get(kind, f"a {kind}")
            r.warn(
                f"source {name!r} skipped: {what} without a text transcript or representation (evalbench imports text)"
            )
    if not parsed.finish():
        return None

    notes = _notes(r, root)
    for ref in refs(root, "NoteRef"):
        note_targets.setdefault(ref, ("project", None))  # which project memo: from our member, if any
    for g, info in (r.ext.get("notes", {}) if r.ext else {}).items():
        if isinstance(info, dict) and info.get("target_type") in ("cell", "project", "theme"):
            note_targets[norm_guid(g)] = (info["target_type"], str(info.get("target_id", "")))
    return RefiProject(
        archive=r.path.name,
        name=(root.get("name") or r.path.stem).strip() or r.path.stem,
        origin=root.get("origin") or "",
        users=users,
        default_user=default_user,
        codes=codes,
        sources=sources,
        codings=codings,
        cases=_cases(root, variables),
        notes=notes,
        note_targets=note_targets,
        warnings=r.warnings,
        bare_selections=bare,
        sets=_sets(root, code_ids),
        themes=(r.ext.get("themes") or None) if r.ext else None,
    )


def _notes(r: _Reader, root: Element) -> dict[str, RefiNote]:
    out: dict[str, RefiNote] = {}
    el = kid(root, "Notes")
    for note in kids(el, "Note") if el is not None else []:
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


def _sets(root: Element, code_ids: dict[str, str]) -> list[RefiSet]:
    """The ``<Set>``s, their member codes as code IDs (evalbench's valence codes named apart)."""
    el = kid(root, "Sets")
    out = []
    for s in kids(el, "Set") if el is not None else []:
        g = norm_guid(s.get("guid"))
        found = RefiSet(
            g,
            (s.get("name") or "").strip() or f"set-{g[:8]}",
            clean_text(_element_text(kid(s, "Description")))[0],
            [],
            sources=len(kids(s, "MemberSource")),
            notes=refs(s, "MemberNote"),
        )
        for ref in refs(s, "MemberCode"):
            if ref in VALENCE_BY_GUID:
                found.valence_codes.append(VALENCE_BY_GUID[ref])
            elif ref == VALENCE_GROUP:
                found.valence_codes.append("Valence")
            elif ref in code_ids:
                if code_ids[ref] not in found.codes:
                    found.codes.append(code_ids[ref])
            else:
                found.unknown_codes += 1
        out.append(found)
    return out


def _element_text(el: Element | None) -> str:
    return (el.text or "") if el is not None else ""


def _cases(root: Element, variables: dict[str, str]) -> list[RefiCase]:
    el = kid(root, "Cases")
    out = []
    for case in kids(el, "Case") if el is not None else []:
        g = norm_guid(case.get("guid"))
        out.append(
            RefiCase(
                g,
                (case.get("name") or "").strip() or f"case-{g[:8]}",
                variable_values(case, variables),
                refs(case, "SourceRef"),
            )
        )
    return out
