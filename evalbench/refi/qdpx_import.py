"""Build a new project from a .qdpx archive, all or nothing.

The archive is read and checked completely first (:func:`read_qdpx`); only
then is a project built, in a hidden temporary file beside the target, in one
transaction: :func:`import_qdpx` creates that file as a
:class:`~evalbench.store.store.Store` and :func:`fill` stores the archive's
data through it, with the import and codebook services of the new store for
documents, participants and codes. The file is moved into place when
everything has landed, so a failed or cancelled ``evalbench init --from``
leaves no project file behind. Nothing here opens a Project: the caller opens
the finished file.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

from evalbench.codebook.service import CodebookService
from evalbench.errors import ProjectError, UserError
from evalbench.findings.snapshot import VERSION, coding_refs
from evalbench.ingest.document import ParsedDocument, ParsedTurn
from evalbench.ingest.service import ImportService
from evalbench.model import ImportReport
from evalbench.refi.qdpx_model import RefiProject
from evalbench.refi.qdpx_read import read_qdpx
from evalbench.refi.sourcetext import derive_turns_and_legend
from evalbench.store.db import now
from evalbench.store.exchange import MemoRow, NewCoding
from evalbench.store.schema import ORIGINS, VALENCES
from evalbench.store.store import Store

Progress = Callable[[int, int, str], None]
CoderOf = Callable[[str | None], str]
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def import_qdpx(
    path: str | Path,
    qdpx: str | Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    report: ImportReport | None = None,
) -> Path:
    """Create the project file ``path`` from the archive ``qdpx``; returns its path (closed: open it to use it).

    ``report`` (if given) receives the imported document names and warnings
    about what was skipped.
    """
    target = Path(path)
    if target.exists() and target.stat().st_size > 0:
        raise ProjectError(f"{target}: already exists; choose another name or open it")
    if not target.parent.exists():
        raise ProjectError(f"{target}: folder {target.parent} does not exist")
    data = read_qdpx(qdpx, progress=progress, cancel=cancel)
    tmp = target.with_name(f".{target.name}.importing-{os.getpid()}")
    _remove_stale(target)
    _remove(tmp)
    try:
        first = data.users.get(data.default_user) or next(iter(sorted(data.users.values())), None)
        with Store.create(tmp, name=data.name, coder=first) as store:
            fill(
                store,
                ImportService(store),
                CodebookService(store),
                data,
                progress=progress,
                cancel=cancel,
                report=report,
            )
        _move_into_place(tmp, target)
    except BaseException:
        _remove(tmp)
        raise
    if report is not None:
        report.warnings.extend(data.warnings)
    return target


def _remove_stale(target: Path) -> None:
    """Half-built projects that an import killed earlier (kill -9, a power cut) left beside ``target``.

    Only those whose process is gone: another import of the same file may be running right now.
    """
    prefix = f".{target.name}.importing-"
    for leftover in target.parent.iterdir():
        pid = leftover.name[len(prefix) :].split("-", 1)[0] if leftover.name.startswith(prefix) else ""
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:  # alive, but another user's
            continue


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _move_into_place(tmp: Path, target: Path) -> None:
    """Rename without ever replacing a file that appeared meanwhile."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise ProjectError(f"{target}: already exists; choose another name or open it") from None
    except OSError:
        if target.exists():
            raise ProjectError(f"{target}: already exists; choose another name or open it") from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def fill(
    store: Store,
    imports: ImportService,
    codebook: CodebookService,
    data: RefiProject,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    report: ImportReport | None = None,
) -> None:
    """Store everything ``data`` holds in the new, empty project ``store``, in one transaction.

    ``imports`` and ``codebook`` are the new store's services (documents and
    participants, codes). Warnings about what could not be carried go into
    ``data.warnings``.
    """

    def coder_of(user_guid: str | None) -> str:
        return data.users.get(user_guid or "") or data.users.get(data.default_user) or "imported"

    with store.transaction():
        store.meta.set("imported_from", f"{data.archive} ({data.origin or 'unknown program'})")
        store.coders.ensure_all(sorted(set(data.users.values())))
        if data.codes:
            codebook.add_many(data.codes, label=f"Import codebook from {data.archive}")
        doc_ids = _documents(imports, data, progress, cancel, report)
        _participants(imports, data, doc_ids)
        wanted = coding_refs(data.themes) if data.themes is not None else set()
        rows, used_notes, row_of = _coding_rows(data, doc_ids, coder_of, wanted)
        # A new project has nothing to undo: bulk insert instead of one undo entry per coding.
        # The reader checked spans, codes, valence and origin; the schema's triggers check bounds again.
        ids = store.exchange.insert_codings(rows)
        _memos(store, data, doc_ids, used_notes, coder_of)
        _themes(store, data, {ref: ids[i] for ref, i in row_of.items()})


def _coding_rows(
    data: RefiProject, doc_ids: dict[str, int], coder_of: CoderOf, wanted: set
) -> tuple[list[NewCoding], set[str], dict[str, int]]:
    """Rows for the codings table (exact duplicates dropped), the notes they used as memos, and the row of
    each selection GUID in ``wanted`` (the codings our member's themes name)."""
    rows: list[NewCoding] = []
    used: set[str] = set()
    seen: dict[tuple[str, int, int, str, str, str, str], int] = {}
    row_of: dict[str, int] = {}
    stamp = now()
    for c in data.codings:
        if c.source_guid not in doc_ids:
            continue
        memo = _join([data.notes[g].text for g in dict.fromkeys(c.note_guids) if g in data.notes])
        used.update(c.note_guids)
        key = (c.source_guid, c.start, c.end, c.code_id, coder_of(c.user_guid), c.valence, memo)
        if c.selection is not None and c.selection in wanted and c.selection not in row_of:
            row_of[c.selection] = seen.get(key, len(rows))
        if key in seen:  # the same code twice in one selection, or a repeated selection
            continue
        seen[key] = len(rows)
        created = c.created_at if c.created_at and _DATETIME.match(c.created_at) else stamp
        origin = c.origin if c.origin in ORIGINS else "import"
        model = (c.model, c.model_version) if origin == "suggestion" else (None, None)
        rows.append(
            NewCoding(
                doc_ids[c.source_guid],
                c.start,
                c.end,
                c.code_id,
                key[4],
                c.valence if c.valence in VALENCES else "none",
                memo,
                origin,
                int(c.starred),
                created,
                *model,
            )
        )
    return rows, used, row_of


def _themes(store: Store, data: RefiProject, coding_ids: dict[str, int]) -> None:
    """Themes from our member (codings mapped by selection GUID), else from the archive's Sets; warn what is lost.

    One undoable action, like the codebook's import.
    """
    from evalbench.findings.snapshot import restore
    from evalbench.refi.qdpx_themes import themes_from_sets

    source: dict | None = data.themes
    mapping = coding_ids
    if source is not None and source.get("version") != VERSION:
        data.warnings.append(
            f"themes in evalbench.json have an unknown version ({source.get('version')!r}); "
            "read from the archive's sets instead"
        )
        source = None
    if source is None:
        if not data.sets:
            return
        source, warnings = themes_from_sets(data.sets, store.codes.list())
        data.warnings.extend(warnings)
        mapping = {}
        if not source["categories"]:
            return
    with store.action(f"Import themes from {data.archive}") as act:
        done = restore(store, act, source, mapping)
    if done.dropped_codings:
        data.warnings.append(
            f"themes: {done.dropped_codings} hand-picked coding(s) or exemplar(s) point at "
            f"codings not in {data.archive}; left out"
        )
    if done.dropped_codes:
        data.warnings.append(
            f"themes: {done.dropped_codes} rule(s) or CFIR mapping(s) name codes not in the codebook; left out"
        )
    if done.malformed:
        data.warnings.append(f"themes: {done.malformed} damaged theme entries in evalbench.json skipped")


def _join(texts: list[str]) -> str:
    return "\n\n".join(t for t in texts if t)


def _documents(
    imports: ImportService,
    data: RefiProject,
    progress: Progress | None,
    cancel: threading.Event | None,
    report: ImportReport | None,
) -> dict[str, int]:
    from evalbench.ingest.batch import document_speakers
    from evalbench.ingest.roles import document_roles

    doc_ids: dict[str, int] = {}
    exact = False
    for done, src in enumerate(data.sources):
        if cancel is not None and cancel.is_set():
            raise UserError(f"{data.archive}: import cancelled; no project created")
        if progress:
            progress(done, len(data.sources), f"storing {src.name}")
        legend: dict[str, str] = {}
        turns: list[ParsedTurn]
        if src.turns is not None:
            turns = [ParsedTurn(s, a, b, t) for a, b, s, t in src.turns]
        else:
            turns, legend = derive_turns_and_legend(src.text)
        parsed = ParsedDocument(
            name=src.name,
            path=src.path or f"{data.archive}/{src.name}",
            format=src.format,
            text=src.text,
            turns=turns,
            sha256=src.sha256,
            metadata=src.metadata,
        )
        roles: dict[str | None, tuple[str, str]]
        if src.roles:
            roles = {(label or None): pair for label, pair in src.roles.items()}
            exact = True
        else:
            roles = document_roles(document_speakers(parsed), legend)
        doc_ids[src.guid] = imports.add_document(parsed, roles)
        if report is not None:
            report.imported.append(src.name)
    if doc_ids and not exact:  # roles evalbench wrote stand as they were; found ones learn from the project
        imports.refresh_roles()
    return doc_ids


def _participants(imports: ImportService, data: RefiProject, doc_ids: dict[str, int]) -> None:
    linked: dict[str, str] = {}
    for case in data.cases:
        docs = [g for g in case.source_guids if g in doc_ids]
        if not docs:
            imports.set_participant(None, case.name, case.attributes)
        for g in docs:
            if g in linked and linked[g] != case.name:
                data.warnings.append(f"source linked to cases {linked[g]!r} and {case.name!r}; kept {linked[g]!r}")
                imports.set_participant(None, case.name, case.attributes)
                continue
            linked[g] = case.name
            imports.set_participant(doc_ids[g], case.name, case.attributes)
    for src in data.sources:
        # MAXQDA keeps interviewee attributes as document variables and exports no cases:
        # a source with variables and no case is one participant, named after the source.
        if src.variables and src.guid in doc_ids and src.guid not in linked:
            label = re.sub(r"\.(txt|docx?|rtf|pdf|odt|md)$", "", src.name, flags=re.I) or src.name
            imports.set_participant(doc_ids[src.guid], label, src.variables)


def _memos(store: Store, data: RefiProject, doc_ids: dict[str, int], used: set[str], coder_of: CoderOf) -> None:
    """Notes that are not coding memos become project, document, code, turn or cell memos.

    Separate notes stay separate: each project-level note is its own memo,
    under its name (a coder's only one keeps the project's main memo). A
    document, code or turn holds one memo per coder, so several notes on one of
    them are joined under their titles, and the report says so.
    """
    turn_at: dict[tuple[int, int, int], int] = {}
    if data.bare_selections:  # only notes on uncoded selections can be turn memos
        for t in store.turns.list():
            turn_at[(t.document_id, t.start, t.end)] = t.id
    memos: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    #: coder -> (memo key from our own export or None, note title, text, whether the text keeps the title)
    loose: dict[str, list[tuple[str | None, str, str, bool]]] = {}
    for g, note in data.notes.items():
        if g in used:
            continue
        kind, key = data.note_targets.get(g, ("unreferenced", None))
        if kind == "theme":  # a theme in words, for other programs: the theme itself came back whole
            continue
        coder = coder_of(note.user_guid)
        text = note.text
        if kind in ("project", "unreferenced") and not isinstance(key, tuple):
            # A note nothing refers to keeps its title in the text; the project's own memo is titled by us.
            loose.setdefault(coder, []).append((key, note.name, text, kind == "unreferenced"))
            continue
        target: tuple[str, str]
        if kind == "document" and isinstance(key, str) and key in doc_ids:
            target = ("document", str(doc_ids[key]))
        elif kind in ("code", "cell") and not isinstance(key, tuple):
            target = (kind, str(key))
        elif kind == "selection" and isinstance(key, tuple) and key[0] in doc_ids:
            doc_id = doc_ids[key[0]]
            turn = turn_at.get((doc_id, key[1], key[2]))
            if turn is not None:
                target = ("turn", str(turn))
            else:
                target = ("document", str(doc_id))
                text = f"[characters {key[1]}-{key[2]}] {text}"
        else:
            loose.setdefault(coder, []).append((None, note.name, text, True))
            continue
        memos.setdefault((target[0], target[1], coder), []).append((note.name, text))
    rows = _joined(store, data, memos)
    rows.update(_project_memos(loose))
    store.exchange.insert_memos(
        [MemoRow(kind, target_id, who, body, None) for (kind, target_id, who), body in sorted(rows.items())]
    )


def _joined(
    store: Store, data: RefiProject, memos: dict[tuple[str, str, str], list[tuple[str, str]]]
) -> dict[tuple[str, str, str], str]:
    """One memo per (target type, target, coder): several notes on one target joined under their titles."""
    rows: dict[tuple[str, str, str], str] = {}
    for (kind, target, coder), notes in memos.items():
        if len(notes) == 1:
            rows[(kind, target, coder)] = notes[0][1]
            continue
        rows[(kind, target, coder)] = "\n\n".join(f"{title}\n{text}" if title else text for title, text in notes)
        data.warnings.append(
            f"{len(notes)} notes by {coder} on {_describe(store, kind, target)} joined into one "
            "memo (evalbench keeps one memo per coder there)"
        )
    return rows


def _project_memos(loose: dict[str, list[tuple[str | None, str, str, bool]]]) -> dict[tuple[str, str, str], str]:
    """Project memos from notes on the project or on nothing: each its own, under its name."""
    rows: dict[tuple[str, str, str], str] = {}
    for coder, notes in loose.items():
        taken = {key for key, *_ in notes if key is not None}
        for key, title, text, titled in notes:
            if key is not None:  # written by evalbench: the memo it was
                rows[("project", key, coder)] = text
                continue
            if len(notes) == 1:
                name, body = "", f"{title}\n{text}" if title and titled else text
            else:
                name, body = title or "note", text
                base, n = name, 2
                while name in taken:
                    name, n = f"{base} ({n})", n + 1
            taken.add(name)
            rows[("project", name, coder)] = body
    return rows


def _describe(store: Store, kind: str, target: str) -> str:
    """A memo target in the user's words."""
    if kind == "document":
        name = store.documents.names_by_id().get(int(target))
        return f"document {name}" if name else "a document"
    if kind == "code":
        code = store.codes.find(target)
        return f"code {code.name}" if code else "a code"
    return {"turn": "one turn", "cell": f"matrix cell {target}"}.get(kind, kind)
