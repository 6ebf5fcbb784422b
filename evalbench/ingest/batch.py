"""A batch import: files and folders in, one report out.

Each file is parsed on its own and stored in its own transaction, so a bad
file is reported and skipped while the rest of the batch lands, and nothing
of the bad file is written. Runs behind ``Project.import_paths``; it talks to
the store only through the Project it is given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from evalbench.errors import IngestError
from evalbench.ingest.document import ParsedDocument
from evalbench.ingest.files import DEFAULT_MAX_BYTES, iter_input_files, parse_file
from evalbench.ingest.participants import read_participants_csv
from evalbench.ingest.roles import SpeakerCount, detect_roles_from_counts, speaker_counts
from evalbench.model import ImportReport

Progress = Callable[[int, int, str], None]


def document_speakers(parsed: ParsedDocument) -> list[SpeakerCount]:
    """Turn and question counts per speaker of a parsed document."""
    texts: dict[str | None, list[str]] = {}
    for turn in parsed.turns:
        texts.setdefault(turn.speaker, []).append(parsed.text[turn.start : turn.end])
    return speaker_counts(list(texts.items()))


def import_batch(
    project,
    paths: Iterable[str | Path],
    *,
    participants_csv: str | Path | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Import transcripts into ``project``; see ``Project.import_paths``."""
    # A bad participants file stops the import before anything is written.
    rows = read_participants_csv(participants_csv) if participants_csv else []
    files = iter_input_files(paths)
    report = ImportReport()
    known: dict[int, list[SpeakerCount]] = {}
    for done, path in enumerate(files):
        if cancel is not None and cancel.is_set():
            report.skipped.extend((p.name, "import cancelled") for p in files[done:])
            break
        if progress:
            progress(done, len(files), path.name)
        try:
            parsed = parse_file(path, encoding=encoding, max_bytes=max_bytes)
        except IngestError as exc:
            report.failed.append((path.name, exc.reason))
            continue
        except Exception as exc:  # a library choking on a malformed file: report, go on
            report.failed.append((path.name, f"could not be read ({type(exc).__name__}: {exc})"))
            continue
        existing = project.has_document(parsed.sha256)
        if existing is not None:
            why = "already imported" + (f" as {existing}" if existing != parsed.name else "")
            report.skipped.append((parsed.name, why))
            continue
        counts = document_speakers(parsed)
        roles = detect_roles_from_counts({"new": counts})
        doc_id = project.add_document(parsed, {label: r for (_, label), r in roles.items()})
        known[doc_id] = counts
        report.imported.append(parsed.name)
    if progress:
        progress(len(files), len(files), "detecting speaker roles")
    if known:
        project.refresh_roles(known)
    if rows:
        report.warnings.extend(project.apply_participants(rows))
    return report
