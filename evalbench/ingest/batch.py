"""A batch import: files and folders in, a report with one line per file out.

Each file is parsed on its own and stored whole or not at all (a savepoint of
a transaction committed every few files, :mod:`evalbench.ingest.commits`), so
a bad file is reported and the rest of the batch lands, and nothing of the bad
file is written. Cancelling (Ctrl+C at the command line) stops after the current
file; files already imported are skipped by content next time, so running the
same import again finishes the job. ``dry_run`` parses and checks everything
and writes nothing; ``strict`` refuses files whose structure looks wrong.
Runs behind ``project.imports.import_paths``; it stores only through the
:class:`~evalbench.ingest.service.ImportService` it is given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.errors import IngestError, describe_failure
from evalbench.ingest.checks import no_participant, structure_warnings
from evalbench.ingest.commits import GroupedCommits
from evalbench.ingest.document import ParsedDocument
from evalbench.ingest.files import DEFAULT_MAX_BYTES, NotATranscript, iter_input_files, parse_file
from evalbench.ingest.participants import ParticipantRow, match_rows, read_participants_csv
from evalbench.ingest.report import BatchReport, FileReport
from evalbench.ingest.roles import SpeakerStats, asks_question, document_roles, project_roles
from evalbench.ingest.words import turn_word_counts
from evalbench.store.errors import RowRejected

if TYPE_CHECKING:
    from evalbench.ingest.service import ImportService

Progress = Callable[[int, int, str], None]


def document_speakers(parsed: ParsedDocument, words: list[int] | None = None) -> list[SpeakerStats]:
    """Turn, question and word counts per speaker of a parsed document (``words``: per turn, if known)."""
    words = words if words is not None else turn_word_counts(parsed.text, parsed.turns)
    counts: dict[str | None, list[int]] = {}
    text = parsed.text
    for turn, n in zip(parsed.turns, words):
        entry = counts.setdefault(turn.speaker, [0, 0, 0])
        entry[0] += 1
        entry[1] += asks_question(text[turn.start : turn.end])
        entry[2] += n
    return [SpeakerStats(label, t, q, w) for label, (t, q, w) in counts.items()]


def import_batch(
    imports: ImportService,
    paths: Iterable[str | Path],
    *,
    participants_csv: str | Path | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    strict: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> BatchReport:
    """Import transcripts through ``imports``; see :meth:`ImportService.import_paths`."""
    # A bad participants file stops the import before anything is written.
    rows = read_participants_csv(participants_csv) if participants_csv else []
    paths = list(paths)
    files = iter_input_files(paths)
    named = {Path(p).resolve() for p in paths if not Path(p).is_dir()}
    report = BatchReport(dry_run=dry_run, strict=strict)
    batch = _Batch(imports, report, dry_run=dry_run, strict=strict)
    try:
        for done, path in enumerate(files):
            if cancel is not None and cancel.is_set():
                report.interrupted = True
                report.remaining = len(files) - done
                break
            if progress:
                progress(done, len(files), path.name)
            batch.one(path, explicit=path.resolve() in named, encoding=encoding, max_bytes=max_bytes)
    finally:
        batch.writes.commit()
    if progress:
        progress(len(files) - report.remaining, len(files), "checking speaker roles")
    batch.settle_roles()
    if rows and participants_csv:
        batch.participants(rows, Path(participants_csv).name)
    return report


class _Batch:
    """State of one batch: what was stored, and each file's report line."""

    def __init__(self, imports: ImportService, report: BatchReport, *, dry_run: bool, strict: bool) -> None:
        self.imports = imports
        self.report = report
        self.dry_run = dry_run
        self.strict = strict
        self.seen: dict[str, str] = {}  #: sha256 -> name, within this batch
        self.new_roles: dict[str, dict[str | None, tuple[str, str]]] = {}  #: key -> roles of files landed
        self.by_key: dict[str, FileReport] = {}
        self.writes = GroupedCommits(imports.store)

    def one(self, path: Path, *, explicit: bool, encoding: str | None, max_bytes: int) -> None:
        report = self.report
        try:
            parsed = parse_file(path, encoding=encoding, max_bytes=max_bytes)
        except NotATranscript as exc:
            if explicit:
                self._fail(path.name, exc.reason)
            else:  # a stray .json in a folder of transcripts is not an error
                self._skip(path.name, exc.reason)
            return
        except IngestError as exc:
            self._fail(path.name, exc.reason)
            return
        except Exception as exc:  # a library choking on a malformed file: report it, go on with the batch
            self._fail(path.name, f"could not be read: {describe_failure(exc)}")
            return
        existing = self.imports.has_document(parsed.sha256) or self.seen.get(parsed.sha256)
        if existing is not None:
            self._skip(parsed.name, "already imported" + (f" as {existing}" if existing != parsed.name else ""))
            return
        self.seen[parsed.sha256] = parsed.name
        words = turn_word_counts(parsed.text, parsed.turns)
        stats = document_speakers(parsed, words)
        roles = document_roles(stats, parsed.legend)
        warnings = structure_warnings(parsed, roles, words)
        turns = {s.label: s.turns for s in stats}
        line = FileReport(
            parsed.name,
            "would import" if self.dry_run else "imported",
            speakers=[(label, roles[label][0], turns[label]) for label in turns],
            turns=len(parsed.turns),
            words=sum(words),
            warnings=warnings,
        )
        if self.strict and warnings:
            line.status, line.reason = "failed", f"not imported (--strict): {warnings[0]}"
            report.failed.append((parsed.name, line.reason))
            report.files.append(line)
            return
        if not self.dry_run:
            try:
                with self.writes.file():
                    line.document_id = self.imports.add_document(parsed, roles, words=line.words)
            except (UnicodeError, RowRejected) as exc:  # this file cannot be stored; the batch goes on
                self._fail(parsed.name, f"could not be stored ({describe_failure(exc)})")
                return
        key = str(line.document_id) if line.document_id is not None else f"new:{len(self.new_roles)}"
        self.new_roles[key] = roles
        self.by_key[key] = line
        report.imported.append(parsed.name)
        report.files.append(line)

    def _fail(self, name: str, reason: str) -> None:
        self.report.failed.append((name, reason))
        self.report.files.append(FileReport(name, "failed", reason))

    def _skip(self, name: str, reason: str) -> None:
        self.report.skipped.append((name, reason))
        self.report.files.append(FileReport(name, "skipped", reason))

    def settle_roles(self) -> None:
        """Roles across the project (names recurring over documents); the report shows the final ones."""
        if not self.new_roles:
            return
        if self.dry_run:
            docs = {str(k): v for k, v in self.imports.store.speakers.roles().items()}
            final = project_roles({**docs, **self.new_roles})
        else:
            self.imports.refresh_roles()
            stored = self.imports.store.speakers.roles()
            final = {(key, label): role for key in self.new_roles for label, role in stored.get(int(key), {}).items()}
        for key, line in self.by_key.items():
            roles = {label: final.get((key, label), role) for label, role in self.new_roles[key].items()}
            line.speakers = [(label, roles[label][0], n) for label, _, n in line.speakers]
            before = no_participant(self.new_roles[key])
            line.warnings = [w for w in line.warnings if w != before]
            missing = no_participant(roles)
            if missing:
                line.warnings.insert(0, missing)

    def participants(self, rows: list[ParticipantRow], csv_name: str) -> None:
        """Link documents to participants (unless a dry run) and report rows and documents without a partner."""
        docs = self.imports.store.documents.names()
        if self.dry_run:
            docs += [(-i - 1, line.name, None) for i, line in enumerate(self.by_key.values())]
        matches = match_rows(rows, docs)
        if not self.dry_run:
            self.imports.link_participants(matches.links)
        rows_out = [
            f"{csv_name}: line {row.line}: document '{row.document}' of participant {row.participant} "
            "is not in the project"
            for row in matches.unmatched
        ]
        docs_out = [f"{name}: no row in {csv_name}, so no participant is linked to it" for name in matches.without_row]
        self.report.warnings.extend(_first(rows_out, f"{csv_name}: {{n}} more rows name documents not in the project"))
        self.report.warnings.extend(_first(docs_out, f"{{n}} more documents have no row in {csv_name}"))


def _first(lines: list[str], rest: str, shown: int = 5) -> list[str]:
    """The first ``shown`` lines, and one line counting the others (``rest`` has an ``{n}``)."""
    if len(lines) <= shown + 1:
        return lines
    return [*lines[:shown], rest.format(n=len(lines) - shown)]
