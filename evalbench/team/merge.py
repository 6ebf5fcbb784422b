"""Merge: bring other coders' projects (or their REFI-QDA exports) into one project.

Rules (``evalbench merge TARGET SOURCE...``):

* Documents are matched by the SHA-256 of their original file; when that fails
  (a .qdpx export carries no original bytes) by the SHA-256 of their text.
  A document the target lacks is imported with its speakers, turns and
  participant (attributes the target already has for that participant are kept).
  The same file stored with a different text (another evalbench version parsed
  it) is reported and its codings skipped: their offsets would not line up.
* Codes are matched by ID. A code only the source has is added; a code both
  have but with different fields is a *conflict*: reported, target kept.
* Codings are added as they were: their origin (a coding accepted from a
  suggestion stays ``suggestion``, with the suggesting model's name and version),
  coder (for an accepted suggestion, the coder who accepted it), valence, memo,
  star and ``created_at``; coders stay distinct. The suggestion row itself does
  not travel (the coding's model fields say what it said). A coding the target
  already has — same (document, start, end, code, coder) — is skipped, so
  merging twice adds nothing twice.
* Everything happens in one transaction: a failure (or cancel) leaves the
  target as it was. The codes and codings added form one undoable action;
  imported documents stay (imports are not undoable).
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.store import queries

if TYPE_CHECKING:
    from evalbench.project import Project


@dataclass
class SourceReport:
    """What merging one source did."""

    source: str
    documents_added: list[str] = field(default_factory=list)
    documents_matched: int = 0
    documents_differing: list[str] = field(default_factory=list)  #: same file, different text: skipped
    codes_added: list[str] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)  #: {"code", "fields": {name: {"target", "source"}}}
    codings_added: int = 0
    codings_skipped: int = 0  #: already in the target
    coders: list[str] = field(default_factory=list)
    suggested_added: int = 0  #: of the codings added, those accepted from suggestions (origin kept)

    def to_json(self) -> dict:
        return {"source": self.source, "documents_added": self.documents_added,
                "documents_matched": self.documents_matched, "documents_differing": self.documents_differing,
                "codes_added": self.codes_added,
                "conflicts": self.conflicts, "codings_added": self.codings_added,
                "codings_skipped": self.codings_skipped, "codings_from_suggestions": self.suggested_added,
                "coders": self.coders}


@dataclass
class MergeReport:
    """What ``evalbench merge`` did, source by source."""

    sources: list[SourceReport] = field(default_factory=list)

    @property
    def codings_added(self) -> int:
        return sum(s.codings_added for s in self.sources)

    @property
    def conflicts(self) -> list[dict]:
        return [c for s in self.sources for c in s.conflicts]

    def to_json(self) -> dict:
        return {"sources": [s.to_json() for s in self.sources], "codings_added": self.codings_added,
                "conflicts": len(self.conflicts)}

    def lines(self, labels: dict[str, str] | None = None) -> list[str]:
        """A readable account, one line per fact; ``labels`` name codes (code ID -> label)."""
        labels = labels or {}
        out = []
        for s in self.sources:
            from_suggestions = f", {s.suggested_added} accepted from suggestions" if s.suggested_added else ""
            out.append(f"{s.source}: {s.codings_added} coding(s) added{from_suggestions}, {s.codings_skipped} "
                       f"already present; {len(s.documents_added)} document(s) added, {s.documents_matched} "
                       f"matched; {len(s.codes_added)} code(s) added; coders {', '.join(s.coders) or 'none'}")
            out += [f"  conflict: code {labels.get(c['code'], c['code'])} differs in {', '.join(c['fields'])} "
                    "(target kept)" for c in s.conflicts]
            out += [f"  skipped: {name} has the same file but a different text here (its codings were not "
                    "merged; re-import it in one of the projects)" for name in s.documents_differing]
        return out


Progress = Callable[[int, int, str], None] | None


def merge_sources(target: Project, sources: list[Path], *, progress: Progress = None,
                  cancel: threading.Event | None = None) -> MergeReport:
    """Merge every source into ``target`` in one transaction (see the module notes)."""
    from evalbench.project import Project

    for src in sources:
        if not src.exists():
            raise UserError(f"{src}: no such file")
        if src.resolve() == target.path.resolve():
            raise UserError(f"{src}: cannot merge a project into itself")
    report = MergeReport()
    with tempfile.TemporaryDirectory(prefix="evalbench-merge-") as tmp, \
            target.action(f"Merge {', '.join(s.name for s in sources)}") as act:
        for i, src in enumerate(sources):
            if progress:
                progress(i, len(sources), f"Merging {src.name}")
            opened = (qdpx_as_project(src, Path(tmp) / f"{i}.evb") if src.suffix.lower() == ".qdpx"
                      else Project.open(src))
            with opened as source:
                report.sources.append(_merge_one(target, source, act, src.name, cancel))
        if progress:
            progress(len(sources), len(sources), "Merged")
    return report


def qdpx_as_project(path: Path, scratch: Path) -> Project:
    """Import a REFI-QDA project export into a scratch project file and open it."""
    from evalbench.refi.qdpx_import import import_qdpx

    return import_qdpx(scratch, path)


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise UserError("merge cancelled; the target project is unchanged")


def _merge_one(target: Project, source: Project, act, name: str, cancel) -> SourceReport:
    from evalbench.codebook.diff import diff_codes, field_value

    rep = SourceReport(source=name)
    diff = diff_codes(target.codes(), source.codes())
    for code in diff.added:
        act.insert("codes", queries.code_to_row(code))
        rep.codes_added.append(code.id)
    for ch in diff.changed:
        t, s = target.code(ch.id), source.code(ch.id)
        names = (["name"] if ch.renamed else []) + (["parent"] if ch.moved else []) + list(ch.fields)
        rep.conflicts.append({"code": ch.id, "fields": {
            f: {"target": field_value(t, f), "source": field_value(s, f)} for f in names}})
    doc_map = _match_documents(target, source, rep, cancel)
    existing = set(target.conn.execute('SELECT document_id, start, "end", code_id, coder FROM codings'))
    lengths = dict(target.conn.execute("SELECT id, length FROM documents"))
    coders = set()
    for c in source.codings():
        doc = doc_map.get(c.document_id)
        if doc is None:
            continue
        key = (doc, c.start, c.end, c.code_id, c.coder)
        if key in existing or c.end > lengths[doc]:
            rep.codings_skipped += 1
            continue
        existing.add(key)
        coders.add(c.coder)
        target._ensure_coder(c.coder)
        act.insert("codings", {"document_id": doc, "start": c.start, "end": c.end, "code_id": c.code_id,
                               "coder": c.coder, "valence": c.valence, "memo": c.memo, "origin": c.origin,
                               "starred": int(c.starred), "created_at": c.created_at,
                               "suggest_model": c.suggest_model, "suggest_model_version": c.suggest_model_version})
        rep.codings_added += 1
        rep.suggested_added += c.origin == "suggestion"
    rep.coders = sorted(coders | {c.coder for c in source.codings()})
    _check_cancel(cancel)
    return rep


def _match_documents(target: Project, source: Project, rep: SourceReport, cancel) -> dict[int, int]:
    """Source document id -> target document id, importing the documents the target lacks."""
    docs = target.documents(with_text=True)
    by_sha = {d.sha256: d.id for d in docs}
    hash_of = {d.id: _text_hash(d.text) for d in docs}
    by_text = {digest: doc_id for doc_id, digest in hash_of.items()}
    out = {}
    participants = {p.label: p for p in source.participants()}
    known = {p.label: p.attributes for p in target.participants()}
    for doc in source.documents(with_text=True):
        _check_cancel(cancel)
        digest = _text_hash(doc.text)
        if doc.sha256 in by_sha:
            if hash_of[by_sha[doc.sha256]] != digest:
                rep.documents_differing.append(doc.name)  # same file, other text: offsets would drift
                continue
            out[doc.id] = by_sha[doc.sha256]
            rep.documents_matched += 1
            continue
        if digest in by_text:
            out[doc.id] = by_text[digest]
            rep.documents_matched += 1
            continue
        out[doc.id] = _import_document(target, source, doc)
        by_text[digest] = by_sha[doc.sha256] = out[doc.id]
        hash_of[out[doc.id]] = digest
        rep.documents_added.append(doc.name)
        if doc.participant:
            attrs = participants[doc.participant].attributes if doc.participant in participants else {}
            have = known.setdefault(doc.participant, {})
            target.set_participant(out[doc.id], doc.participant,
                                   {k: v for k, v in attrs.items() if k not in have})
            have.update(attrs)
    return out


def _import_document(target: Project, source: Project, doc) -> int:
    """Copy one document with its speakers and turns into the target."""
    from evalbench.ingest.document import ParsedDocument, ParsedTurn

    turns = source.turns(doc.id)
    roles = {s.label: (s.role, s.role_source) for s in source.speakers(doc.id)}
    parsed = ParsedDocument(name=doc.name, path=doc.path or doc.name, format=doc.format, text=doc.text,
                            turns=[ParsedTurn(t.speaker, t.start, t.end, t.time) for t in turns],
                            sha256=doc.sha256, metadata=dict(doc.metadata))
    return target.add_document(parsed, roles)
