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
* Themes (:mod:`evalbench.findings.snapshot`): the target's are kept. A
  theme only the source has is added, in the category of the same name
  (created after the target's own when missing). A theme of the same name in
  the same category is merged: its rules become the union, the source's
  hand-added and kept-out codings and its picked exemplars follow the codings
  they name to their ids in the target (appended after the target's own
  exemplars; the target's decision on a coding stands when the two differ),
  and an empty description or CFIR mapping is filled in; a different
  description is reported, the target's kept. A hand decision or exemplar
  whose coding was not merged (a document with a different text) is left out
  and counted. From a .qdpx, themes come from evalbench's member, else the
  archive's sets, as ``init --from`` reads them.
* Everything happens in one transaction: a failure (or cancel) leaves the
  target as it was. The codes, codings and themes added form one undoable
  action; imported documents stay (imports are not undoable).

The target is the open project's Store, with its import service for the
documents and participants it gains; each source is opened as a Store of
its own and only read (a .qdpx source is first built into a scratch project
file by :func:`evalbench.refi.qdpx_import.import_qdpx`).
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from evalbench.errors import UserError
from evalbench.findings.snapshot import Restored
from evalbench.model import Document, ImportReport
from evalbench.store.codes import code_to_row
from evalbench.store.store import Store

if TYPE_CHECKING:
    from evalbench.ingest.service import ImportService
    from evalbench.store.undo import Action


class CodeConflict(TypedDict):
    """A code both projects have with different fields: ``{"code": id, "fields": {name: {"target", "source"}}}``."""

    code: str
    fields: dict[str, dict[str, Any]]


@dataclass
class SourceReport:
    """What merging one source did."""

    source: str
    documents_added: list[str] = field(default_factory=list)
    documents_matched: int = 0
    documents_differing: list[str] = field(default_factory=list)  #: same file, different text: skipped
    codes_added: list[str] = field(default_factory=list)
    conflicts: list[CodeConflict] = field(default_factory=list)
    codings_added: int = 0
    codings_skipped: int = 0  #: already in the target
    coders: list[str] = field(default_factory=list)
    suggested_added: int = 0  #: of the codings added, those accepted from suggestions (origin kept)
    themes: Restored | None = None  #: what the source's themes did to the target's
    warnings: list[str] = field(default_factory=list)  #: what reading a .qdpx source could not carry

    def to_json(self) -> dict[str, Any]:
        t = self.themes or Restored()
        return {
            "source": self.source,
            "documents_added": self.documents_added,
            "documents_matched": self.documents_matched,
            "documents_differing": self.documents_differing,
            "codes_added": self.codes_added,
            "conflicts": self.conflicts,
            "codings_added": self.codings_added,
            "codings_skipped": self.codings_skipped,
            "codings_from_suggestions": self.suggested_added,
            "coders": self.coders,
            "themes": {
                "categories_added": t.categories,
                "added": [{"category": c, "theme": n} for c, n in t.themes],
                "merged": [{"category": c, "theme": n, "added": t.gained.get((c, n), {})} for c, n in t.merged],
                "rules_added": t.rules,
                "hand_codings_added": t.codings,
                "exemplars_added": t.exemplars,
                "left_out": t.dropped_codings + t.dropped_codes,
                "decisions_kept": t.decisions_kept,
                "descriptions_kept": [{"category": c, "theme": n} for c, n in t.descriptions_kept],
            },
            "warnings": self.warnings,
        }


@dataclass
class MergeReport:
    """What ``evalbench merge`` did, source by source."""

    sources: list[SourceReport] = field(default_factory=list)

    @property
    def codings_added(self) -> int:
        return sum(s.codings_added for s in self.sources)

    @property
    def conflicts(self) -> list[CodeConflict]:
        return [c for s in self.sources for c in s.conflicts]

    def to_json(self) -> dict[str, Any]:
        return {
            "sources": [s.to_json() for s in self.sources],
            "codings_added": self.codings_added,
            "conflicts": len(self.conflicts),
        }

    def lines(self, labels: dict[str, str] | None = None) -> list[str]:
        """A readable account, one line per fact; ``labels`` name codes (code ID -> label)."""
        labels = labels or {}
        out = []
        for s in self.sources:
            from_suggestions = f", {s.suggested_added} accepted from suggestions" if s.suggested_added else ""
            out.append(
                f"{s.source}: {s.codings_added} coding(s) added{from_suggestions}, {s.codings_skipped} "
                f"already present; {len(s.documents_added)} document(s) added, {s.documents_matched} "
                f"matched; {len(s.codes_added)} code(s) added; coders {', '.join(s.coders) or 'none'}"
            )
            out += [
                f"  conflict: code {labels.get(c['code'], c['code'])} differs in {', '.join(c['fields'])} (target kept)"
                for c in s.conflicts
            ]
            out += [
                f"  skipped: {name} has the same file but a different text here (its codings were not "
                "merged; re-import it in one of the projects)"
                for name in s.documents_differing
            ]
            out += _theme_lines(s.themes) if s.themes is not None else []
            out += [f"  warning: {w}" for w in s.warnings]
        return out


def _gained(what: dict[str, int]) -> str:
    """``1 rule, 2 exemplars and the description``: what a merged theme gained, in words."""
    nouns = {"rules": "rule", "codings": "hand-picked coding", "exemplars": "exemplar"}
    parts = [f"{what[k]} {noun}{'' if what[k] == 1 else 's'}" for k, noun in nouns.items() if what.get(k)]
    parts += [f"the {'CFIR mapping' if k == 'cfir' else k}" for k in ("description", "cfir") if what.get(k)]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _theme_lines(t: Restored) -> list[str]:
    """The themes part of a source's account: what was added, merged, kept and left out."""

    def named(pairs: list[tuple[str, str]]) -> str:
        shown = [f"{c}: {n}" for c, n in pairs[:5]]
        return "; ".join(shown) + (f"; and {len(pairs) - 5} more" if len(pairs) > 5 else "")

    out = []
    if t.categories:
        out.append(
            f"  themes: {len(t.categories)} categor{'y' if len(t.categories) == 1 else 'ies'} added "
            f"({', '.join(t.categories)})"
        )
    if t.themes:
        out.append(f"  themes: {len(t.themes)} added ({named(t.themes)})")
    if t.merged:
        shown = [f"{c}: {n} ({_gained(t.gained.get((c, n), {}))} added)" for c, n in t.merged[:5]]
        more = f"; and {len(t.merged) - 5} more" if len(t.merged) > 5 else ""
        out.append(f"  themes: {len(t.merged)} merged into the target's of the same name: {'; '.join(shown)}{more}")
    out += [f"  theme {c}: {n}: the descriptions differ (target's kept)" for c, n in t.descriptions_kept]
    if t.decisions_kept:
        out.append(
            f"  themes: {t.decisions_kept} hand decision(s) on a coding differ from the target's (target's kept)"
        )
    if t.dropped_codings:
        out.append(
            f"  themes: {t.dropped_codings} hand-picked coding(s) or exemplar(s) left out (their codings "
            "were not merged)"
        )
    return out


Progress = Callable[[int, int, str], None] | None


def merge_sources(
    target: Store,
    imports: ImportService,
    sources: list[Path],
    *,
    progress: Progress = None,
    cancel: threading.Event | None = None,
) -> MergeReport:
    """Merge every source into ``target`` in one transaction (see the module notes).

    ``imports`` is the target's import service, which stores the documents it gains.
    """
    for src in sources:
        if not src.exists():
            raise UserError(f"{src}: no such file")
        if src.resolve() == target.path.resolve():
            raise UserError(f"{src}: cannot merge a project into itself")
    report = MergeReport()
    with (
        tempfile.TemporaryDirectory(prefix="evalbench-merge-") as tmp,
        target.action(f"Merge {', '.join(s.name for s in sources)}") as act,
    ):
        for i, src in enumerate(sources):
            if progress:
                progress(i, len(sources), f"Merging {src.name}")
            warnings: list[str] = []
            path = qdpx_as_project(src, Path(tmp) / f"{i}.evb", warnings) if src.suffix.lower() == ".qdpx" else src
            with Store.open(path) as source:
                report.sources.append(_merge_one(target, imports, source, act, src.name, cancel))
            report.sources[-1].warnings = warnings
        if progress:
            progress(len(sources), len(sources), "Merged")
    return report


def qdpx_as_project(path: Path, scratch: Path, warnings: list[str] | None = None) -> Path:
    """Build a REFI-QDA project export into the scratch project file ``scratch`` (its warnings into ``warnings``)."""
    from evalbench.refi.qdpx_import import import_qdpx

    report = ImportReport()
    built = import_qdpx(scratch, path, report=report)
    if warnings is not None:
        warnings.extend(report.warnings)
    return built


def _text_hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise UserError("merge cancelled; the target project is unchanged")


def _merge_one(
    target: Store, imports: ImportService, source: Store, act: Action, name: str, cancel: threading.Event | None
) -> SourceReport:
    from evalbench.codebook.diff import diff_codes, field_value

    rep = SourceReport(source=name)
    diff = diff_codes(target.codes.list(), source.codes.list())
    for code in diff.added:
        act.insert("codes", code_to_row(code))
        rep.codes_added.append(code.id)
    for ch in diff.changed:
        t, s = target.codes.get(ch.id), source.codes.get(ch.id)
        names = (["name"] if ch.renamed else []) + (["parent"] if ch.moved else []) + list(ch.fields)
        rep.conflicts.append(
            {"code": ch.id, "fields": {f: {"target": field_value(t, f), "source": field_value(s, f)} for f in names}}
        )
    doc_map = _match_documents(target, imports, source, rep, cancel)
    existing = target.exchange.passages()
    lengths = target.exchange.document_lengths()
    coders = set()
    coding_ids: dict[int, int] = {}  #: source coding id -> the target's coding of the same passage
    codings = source.codings.list()
    for c in codings:
        doc = doc_map.get(c.document_id)
        if doc is None:
            continue
        key = (doc, c.start, c.end, c.code_id, c.coder)
        if key in existing or c.end > lengths[doc]:
            if key in existing:
                coding_ids[c.id] = existing[key]
            rep.codings_skipped += 1
            continue
        coders.add(c.coder)
        target.coders.ensure(c.coder)
        existing[key] = coding_ids[c.id] = act.insert(
            "codings",
            {
                "document_id": doc,
                "start": c.start,
                "end": c.end,
                "code_id": c.code_id,
                "coder": c.coder,
                "valence": c.valence,
                "memo": c.memo,
                "origin": c.origin,
                "starred": int(c.starred),
                "created_at": c.created_at,
                "suggest_model": c.suggest_model,
                "suggest_model_version": c.suggest_model_version,
            },
        )
        rep.codings_added += 1
        rep.suggested_added += c.origin == "suggestion"
    rep.coders = sorted(coders | {c.coder for c in codings})
    _check_cancel(cancel)
    rep.themes = _merge_themes(target, source, act, coding_ids)
    return rep


def _merge_themes(target: Store, source: Store, act: Action, coding_ids: dict[int, int]) -> Restored | None:
    """The source's themes into the target's (see the module notes); None when the source has none."""
    from evalbench.findings.snapshot import restore, snapshot

    data = snapshot(source)
    if not data["categories"]:
        return None
    return restore(target, act, data, coding_ids)


def _match_documents(
    target: Store, imports: ImportService, source: Store, rep: SourceReport, cancel: threading.Event | None
) -> dict[int, int]:
    """Source document id -> target document id, importing the documents the target lacks."""
    docs = target.documents.list(with_text=True)
    by_sha = {d.sha256: d.id for d in docs}
    hash_of = {d.id: _text_hash(d.text) for d in docs}
    by_text = {digest: doc_id for doc_id, digest in hash_of.items()}
    out = {}
    participants = {p.label: p for p in source.participants.list()}
    known = {p.label: p.attributes for p in target.participants.list()}
    for doc in source.documents.list(with_text=True):
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
        out[doc.id] = _import_document(imports, source, doc)
        by_text[digest] = by_sha[doc.sha256] = out[doc.id]
        hash_of[out[doc.id]] = digest
        rep.documents_added.append(doc.name)
        if doc.participant:
            attrs = participants[doc.participant].attributes if doc.participant in participants else {}
            have = known.setdefault(doc.participant, {})
            imports.set_participant(out[doc.id], doc.participant, {k: v for k, v in attrs.items() if k not in have})
            have.update(attrs)
    return out


def _import_document(imports: ImportService, source: Store, doc: Document) -> int:
    """Copy one document with its speakers and turns into the target."""
    from evalbench.ingest.document import ParsedDocument, ParsedTurn

    turns = source.turns.list(doc.id)
    roles = {s.label: (s.role, s.role_source) for s in source.speakers.list(doc.id)}
    parsed = ParsedDocument(
        name=doc.name,
        path=doc.path or doc.name,
        format=doc.format,
        text=doc.text or "",
        turns=[ParsedTurn(t.speaker, t.start, t.end, t.time) for t in turns],
        sha256=doc.sha256,
        metadata=dict(doc.metadata),
    )
    return imports.add_document(parsed, roles)
