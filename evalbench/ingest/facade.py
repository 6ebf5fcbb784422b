"""Project methods for importing batches of transcripts and codings (mixed into Project)."""

from __future__ import annotations

from pathlib import Path


class ImportFacade:
    """Project methods for importing batches of transcripts and codings (mixed into Project)."""

    def import_paths(self, paths, *, participants_csv=None, encoding: str | None = None,
                     max_bytes: int | None = None, strict: bool = False, dry_run: bool = False,
                     progress=None, cancel=None):
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

        return import_batch(self, paths, participants_csv=participants_csv, encoding=encoding,
                            max_bytes=max_bytes or DEFAULT_MAX_BYTES, strict=strict, dry_run=dry_run,
                            progress=progress, cancel=cancel)

    def refresh_roles(self, known: dict | None = None) -> int:
        """Re-check speaker roles across all documents, keeping roles the user set.

        What a document says about its own speakers (role words, a legend, who
        asks the questions) was decided when it was imported and stands; a
        document with no interviewer of its own learns from names that recur
        across the project, so roles can change as documents arrive. Reads only
        speaker labels, never transcript text (``known`` is accepted for older
        callers and ignored). Returns the number of speakers whose role changed.
        """
        from evalbench.ingest.roles import project_roles

        current = self.store.speakers.roles()
        final = project_roles({str(doc_id): roles for doc_id, roles in current.items()})
        changes = [(doc_id, label, *final[(str(doc_id), label)])
                   for doc_id, roles in current.items() for label, role in roles.items()
                   if final[(str(doc_id), label)] != role]
        if not changes:
            return 0
        with self.transaction():
            return self.store.speakers.set_roles(changes)

    def link_participants(self, links) -> None:
        """Create participants with their attributes and link documents, in one transaction.

        ``links`` pairs each participants-CSV row with the ids of the documents
        it names (see ``ingest.participants.match_rows``).
        """
        with self.transaction():
            for row, doc_ids in links:
                for doc_id in doc_ids or [None]:
                    self.store.participants.link(doc_id, row.participant, row.attributes)

    def apply_participants(self, rows) -> list[str]:
        """Link participants-CSV rows to the project's documents; returns a warning per row matching none."""
        from evalbench.ingest.participants import match_rows

        matches = match_rows(rows, self.store.documents.names())
        self.link_participants(matches.links)
        return [f"line {row.line}: document '{row.document}' of participant {row.participant} is not in the project"
                for row in matches.unmatched]

    def code_from_csv(self, path: str | Path, *, coder: str | None = None) -> int:
        """Apply a codings spreadsheet (see :mod:`evalbench.bulkcode`); all rows or none.

        Returns the number of codings added (rows already in the project are skipped).
        """
        from evalbench.bulkcode import code_from_csv

        return code_from_csv(self, path, coder=coder)
