"""Project methods for importing batches of transcripts and codings (mixed into Project)."""

from __future__ import annotations

from pathlib import Path


class ImportFacade:
    """Project methods for importing batches of transcripts and codings (mixed into Project)."""

    def import_paths(self, paths, *, participants_csv=None, encoding: str | None = None,
                     max_bytes: int | None = None, progress=None, cancel=None):
        """Import transcript files and folders; returns an ``ImportReport``.

        Each file lands in its own transaction or not at all; files already
        imported (same SHA-256) are skipped; speaker roles are re-detected over
        the whole project afterwards; ``participants_csv`` rows then create
        participants with attributes and link documents by file name.
        """
        from evalbench.ingest.batch import import_batch
        from evalbench.ingest.files import DEFAULT_MAX_BYTES

        return import_batch(self, paths, participants_csv=participants_csv, encoding=encoding,
                            max_bytes=max_bytes or DEFAULT_MAX_BYTES, progress=progress, cancel=cancel)

    def refresh_roles(self, known: dict | None = None) -> int:
        """Re-detect speaker roles across all documents, keeping roles the user set.

        A name recurring in several interviews marks the interviewer, so roles
        can change as documents arrive. ``known`` maps a document id to its
        ingest ``speaker_counts`` to save re-reading that text. Returns the
        number of speakers whose role changed.
        """
        from evalbench.ingest.roles import detect_roles_from_counts, speaker_counts

        counts = dict(known or {})
        for (doc_id,) in self.conn.execute("SELECT id FROM documents").fetchall():
            if doc_id in counts:
                continue
            text = self.document_text(doc_id)
            by_speaker: dict[str | None, list[str]] = {}
            for label, start, end in self.conn.execute(
                    'SELECT s.label, t.start, t."end" FROM turns t LEFT JOIN speakers s ON s.id = t.speaker_id '
                    "WHERE t.document_id = ?", (doc_id,)):
                by_speaker.setdefault(label, []).append(text[start:end])
            counts[doc_id] = speaker_counts(list(by_speaker.items()))
        roles = detect_roles_from_counts({str(k): v for k, v in counts.items()})
        changed = 0
        with self.transaction():
            for sid, doc_id, label, role, source in self.conn.execute(
                    "SELECT id, document_id, label, role, role_source FROM speakers "
                    "WHERE role_source != 'user'").fetchall():
                new = roles.get((str(doc_id), label))
                if new and new != (role, source):
                    self.conn.execute("UPDATE speakers SET role = ?, role_source = ? WHERE id = ?", (*new, sid))
                    changed += 1
        return changed

    def apply_participants(self, rows) -> list[str]:
        """Create participants and attributes from participants-CSV rows, linking documents.

        A row's ``document`` matches an imported file name (case-insensitive,
        extension optional). Returns a warning for each document not found.
        """
        by_name: dict[str, list[int]] = {}
        for doc_id, name in self.conn.execute("SELECT id, name FROM documents").fetchall():
            by_name.setdefault(name.lower(), []).append(doc_id)
            by_name.setdefault(Path(name).stem.lower(), []).append(doc_id)
        warnings = []
        with self.transaction():
            for row in rows:
                ids = by_name.get(Path(row.document).name.lower(), []) if row.document else [None]
                if not ids:
                    warnings.append(f"participants file: document '{row.document}' of participant "
                                    f"{row.participant} is not in the project")
                    ids = [None]
                for doc_id in dict.fromkeys(ids):
                    self.set_participant(doc_id, row.participant, row.attributes)
        return warnings


    def code_from_csv(self, path: str | Path, *, coder: str | None = None) -> int:
        """Apply a codings spreadsheet (see :mod:`evalbench.bulkcode`); all rows or none.

        Returns the number of codings added (rows already in the project are skipped).
        """
        from evalbench.bulkcode import code_from_csv

        return code_from_csv(self, path, coder=coder)
