"""The import service (``project.imports``): transcripts, speakers and participants into the store.

Files are read by the parsers of this package (plain data, no store); this
service stores what they produce, re-checks speaker roles over the whole
project, and links participants. Storing is not an undoable action (an
import is undone by importing into a fresh project), but every document lands
whole or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.ingest.words import count_turn_words
from evalbench.store.db import now
from evalbench.store.documents import Roles
from evalbench.store.schema import ROLES
from evalbench.store.store import Store

if TYPE_CHECKING:
    from evalbench.ingest.document import ParsedDocument
    from evalbench.ingest.participants import ParticipantRow
    from evalbench.ingest.report import BatchReport

Progress = Callable[[int, int, str], None]


class ImportService:
    """Imports into one open project."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def import_paths(
        self,
        paths: Iterable[str | Path],
        *,
        participants_csv: str | Path | None = None,
        encoding: str | None = None,
        max_bytes: int | None = None,
        strict: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> BatchReport:
        """Import transcript files and folders; returns an ``ingest.report.BatchReport``.

        Each file lands in its own transaction or not at all; files already
        imported (same SHA-256) are skipped; speaker roles are re-checked over
        the whole project afterwards; ``participants_csv`` rows then create
        participants with attributes and link documents by file name. The
        report has a line per file (speakers and roles, turns, words) and the
        warnings of files whose structure looks wrong; ``strict`` refuses those
        files, ``dry_run`` writes nothing at all. Setting ``cancel`` stops the
        batch after the current file.
        """
        from evalbench.ingest.batch import import_batch
        from evalbench.ingest.files import DEFAULT_MAX_BYTES

        return import_batch(
            self,
            paths,
            participants_csv=participants_csv,
            encoding=encoding,
            max_bytes=max_bytes or DEFAULT_MAX_BYTES,
            strict=strict,
            dry_run=dry_run,
            progress=progress,
            cancel=cancel,
        )

    def has_document(self, sha256: str) -> str | None:
        """Name of the document already imported with these bytes, if any."""
        return self.store.documents.by_sha256(sha256)

    def add_document(self, parsed: ParsedDocument, roles: Roles | None = None, *, words: int | None = None) -> int:
        """Store one parsed document with its speakers, turns and search index, atomically.

        ``roles`` maps a speaker label to ``(role, role_source)`` (unknown
        labels become participants); ``words`` is its word count when the
        caller has it already. Runs in its own transaction unless one is open,
        so a failure leaves nothing of the document behind.
        """
        if words is None:
            words = count_turn_words(parsed.text, parsed.turns)
        with self.store.transaction():
            return self.store.documents.insert(parsed, roles or {}, words=words, imported_at=now())

    def set_participant(self, document_id: int | None, label: str, attributes: dict[str, str] | None = None) -> int:
        """Link a document (if given) to a participant (created if new) and set their attributes."""
        with self.store.transaction():
            return self.store.participants.link(document_id, label, attributes)

    def refresh_roles(self) -> int:
        """Re-check speaker roles across all documents, keeping roles the user set.

        What a document says about its own speakers (role words, a legend, who
        asks the questions) was decided when it was imported and stands; a
        document with no interviewer of its own learns from names that recur
        across the project, so roles can change as documents arrive. Reads only
        speaker labels, never transcript text. Returns the number of speakers
        whose role changed.
        """
        from evalbench.ingest.roles import project_roles

        current = self.store.speakers.roles()
        final = project_roles({str(doc_id): roles for doc_id, roles in current.items()})
        changes = [
            (doc_id, label, *final[(str(doc_id), label)])
            for doc_id, roles in current.items()
            for label, role in roles.items()
            if final[(str(doc_id), label)] != role
        ]
        if not changes:
            return 0
        with self.store.transaction():
            return self.store.speakers.set_roles(changes)

    def set_speaker_role(self, speaker_id: int, role: str) -> None:
        """Override the detected role of one speaker (kept through later imports); one undoable action."""
        if role not in ROLES:
            raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        found = self.store.speakers.named(speaker_id)
        if found is None:
            raise UserError(f"{self.store.where}: no speaker with id {speaker_id}")
        with self.store.action(f"Set role of {found[0] or 'unlabelled text'} in {found[1]} to {role}") as act:
            act.update("speakers", {"id": speaker_id}, {"role": role, "role_source": "user"})

    def link_participants(self, links: Iterable[tuple[ParticipantRow, list[int]]]) -> None:
        """Create participants with their attributes and link documents, in one transaction.

        ``links`` pairs each participants-CSV row with the ids of the documents
        it names (see ``ingest.participants.match_rows``).
        """
        with self.store.transaction():
            for row, doc_ids in links:
                documents: list[int | None] = [*doc_ids] or [None]  # a row naming no document: the participant alone
                for doc_id in documents:
                    self.store.participants.link(doc_id, row.participant, row.attributes)

    def apply_participants(self, rows: list[ParticipantRow]) -> list[str]:
        """Link participants-CSV rows to the project's documents; returns a warning per row matching none."""
        from evalbench.ingest.participants import match_rows

        matches = match_rows(rows, self.store.documents.names())
        self.link_participants(matches.links)
        return [
            f"line {row.line}: document '{row.document}' of participant {row.participant} is not in the project"
            for row in matches.unmatched
        ]
