"""One source of a .qdpx as plain data: its text, exact turns from our own member, and its codings.

A TextSource (or a recording's Transcript, or a PDF's text Representation)
becomes a :class:`~evalbench.refi.qdpx_model.RefiSource`; each coded selection
becomes one :class:`~evalbench.refi.qdpx_model.RefiCoding` per code, placed on
the text as stored (``\\n`` line endings, see :mod:`evalbench.refi.sourcetext`).
What cannot be placed is counted and warned about, by the source's name.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from evalbench.refi.common import EXTENSION_MEMBER, VALENCE_BY_GUID, norm_guid
from evalbench.refi.qdpx_model import (
    Element,
    NoteKey,
    RefiCoding,
    RefiSource,
    by_name,
    int_or_none,
    kid,
    kids,
    local,
    refs,
    variable_values,
)
from evalbench.refi.sourcetext import SourceText
from evalbench.store.schema import ROLE_SOURCES, ROLES
from evalbench.textsafe import clean_text

#: (source GUID, start, end, note GUIDs) of a selection that carries notes but no codes.
BareSelection = tuple[str, int, int, list[str]]


class Reader(Protocol):
    """What reading a source needs of the archive reader (``qdpx_read``'s, which holds the open archive)."""

    ext: dict[str, Any]  #: evalbench's own member, when it matches project.qde; else empty

    def text_of(self, el: Element, what: str) -> tuple[str | None, str]: ...

    def warn(self, message: str) -> None: ...


class SourceContext:
    """What turning one source element into a RefiSource (and its codings) needs."""

    def __init__(
        self,
        r: Reader,
        code_ids: dict[str, str],
        variables: dict[str, str],
        ext_sources: dict[str, Any],
        ext_selections: dict[str, Any],
        codings: list[RefiCoding],
        bare: list[BareSelection],
        note_targets: dict[str, tuple[str, NoteKey]],
    ) -> None:
        self.r, self.code_ids, self.variables = r, code_ids, variables
        self.ext_sources, self.ext_selections = ext_sources, ext_selections
        self.codings, self.bare, self.note_targets = codings, bare, note_targets
        self.hashes: set[str] = set()

    def add(self, el: Element, name: str) -> RefiSource | None:
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
        meta = ext.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        sha = ext.get("sha256") if isinstance(ext.get("sha256"), str) else None
        if not sha or sha in self.hashes:
            sha = hashlib.sha256(st.text.encode("utf-8")).hexdigest()
            if sha in self.hashes:  # identical text twice (e.g. two empty sources): keep both, apart
                sha = hashlib.sha256(f"{sha}:{g}".encode()).hexdigest()
        self.hashes.add(sha)
        src = RefiSource(
            guid=g,
            name=name,
            text=st.text,
            sha256=sha,
            format=str(ext.get("format") or "txt"),
            path=ext.get("path") if isinstance(ext.get("path"), str) else None,
            metadata={str(k): str(v) for k, v in meta.items()},
            note_guids=refs(el, "NoteRef"),
        )
        src.variables = variable_values(el, self.variables)
        src.metadata.update({f"variable:{k}": v for k, v in src.variables.items()})
        _ext_turns(r, src, ext)
        for ref in src.note_guids:
            self.note_targets.setdefault(ref, ("document", g))
        whole = [(c, el) for c in kids(el, "Coding")]
        spans = [
            (sel, int_or_none(sel.get("startPosition")), int_or_none(sel.get("endPosition")))
            for sel in kids(el, "PlainTextSelection")
        ]
        if local(el) == "Transcript":
            sync = {norm_guid(p.get("guid")): int_or_none(p.get("position")) for p in kids(el, "SyncPoint")}
            spans = [
                (sel, sync.get(norm_guid(sel.get("fromSyncPoint"))), sync.get(norm_guid(sel.get("toSyncPoint"))))
                for sel in kids(el, "TranscriptSelection")
            ]
        _selections(
            r, src, st, spans, whole, self.code_ids, self.ext_selections, self.codings, self.bare, self.note_targets
        )
        return src


def _ext_turns(r: Reader, src: RefiSource, ext: dict[str, Any]) -> None:
    """Exact turns and roles from our extension, if they fit the text."""
    turns = ext.get("turns")
    if not isinstance(turns, list):
        return
    out = []
    for t in turns:
        if (
            isinstance(t, list)
            and len(t) == 4
            and all(isinstance(x, int) for x in t[:2])
            and 0 <= t[0] <= t[1] <= len(src.text)
        ):
            out.append((t[0], t[1], t[2] if isinstance(t[2], str) else None, t[3] if isinstance(t[3], str) else None))
        else:
            r.warn(f"source {src.name!r}: turn layout in {EXTENSION_MEMBER} does not fit; re-derived")
            return
    src.turns = out
    roles = ext.get("roles")
    roles = roles if isinstance(roles, dict) else {}
    for label, pair in roles.items():
        if isinstance(pair, list) and len(pair) == 2 and pair[0] in ROLES and pair[1] in ROLE_SOURCES:
            src.roles[label] = (pair[0], pair[1])


def _selections(
    r: Reader,
    src: RefiSource,
    st: SourceText,
    spans: list[tuple[Element, int | None, int | None]],
    whole: list[tuple[Element, Element]],
    code_ids: dict[str, str],
    ext_selections: dict[str, Any],
    codings: list[RefiCoding],
    bare: list[BareSelection],
    note_targets: dict[str, tuple[str, NoteKey]],
) -> None:
    unknown = 0
    bad = 0
    for coding_el, _ in whole:  # codings of the whole source
        ref = kid(coding_el, "CodeRef")
        cid = code_ids.get(norm_guid(ref.get("targetGUID"))) if ref is not None else None
        if cid and src.text:
            codings.append(
                RefiCoding(
                    src.guid,
                    0,
                    len(src.text),
                    cid,
                    norm_guid(coding_el.get("creatingUser")) or "",
                    note_guids=refs(coding_el, "NoteRef"),
                )
            )
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
        kids = by_name(sel)
        sel_notes = [norm_guid(x.get("targetGUID")) for x in kids.get("NoteRef", ()) if x.get("targetGUID")]
        extra = ext_selections.get(sel_guid) or ext_selections.get(sel.get("guid")) or {}
        extra = extra if isinstance(extra, dict) else {}
        valence = "none"
        found: list[RefiCoding] = []
        for coding_el in kids.get("Coding", ()):
            ref = kid(coding_el, "CodeRef")
            target = norm_guid(ref.get("targetGUID")) if ref is not None else ""
            if target in VALENCE_BY_GUID:
                valence = VALENCE_BY_GUID[target]
                continue
            cid = code_ids.get(target)
            if cid is None:
                unknown += 1
                continue
            found.append(
                RefiCoding(
                    src.guid,
                    start,
                    end,
                    cid,
                    norm_guid(coding_el.get("creatingUser")) or sel_user,
                    note_guids=sel_notes + refs(coding_el, "NoteRef"),
                    origin=str(extra.get("origin") or ("manual" if r.ext else "import")),
                    starred=bool(extra.get("starred")),
                    created_at=coding_el.get("creationDateTime") or sel.get("creationDateTime"),
                    model=_short(extra.get("model")),
                    model_version=_short(extra.get("model_version")),
                    selection=sel_guid,
                )
            )
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


def _short(value: object) -> str | None:
    """A model name or version from evalbench's member: text, at most 500 characters, else nothing."""
    return value[:500] if isinstance(value, str) and value.strip() else None
