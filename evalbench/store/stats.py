"""SQL for the counts of ``evalbench stats``: per document and for the whole project."""

from __future__ import annotations

from typing import Any

from evalbench.store.documents import Documents
from evalbench.store.repo import Repository


class Stats(Repository):
    """Counts of what a project holds."""

    def project(self) -> dict[str, Any]:
        """Counts per document and for the whole project (the shape of ``stats --json``)."""
        conn = self._conn
        speakers: dict[int, list[dict]] = {}
        for doc_id, label, role, n in conn.execute(
            "SELECT s.document_id, s.label, s.role, count(t.id) FROM speakers s "
            "LEFT JOIN turns t ON t.speaker_id = s.id GROUP BY s.id ORDER BY s.document_id, s.id"
        ):
            speakers.setdefault(doc_id, []).append({"name": label, "role": role, "turns": n})
        turn_counts = dict(conn.execute("SELECT document_id, count(*) FROM turns GROUP BY document_id"))
        docs = [
            {
                "name": d.name,
                "participant": d.participant,
                "attributes": d.attributes,
                "turns": turn_counts.get(d.id, 0),
                "words": d.words,
                "speakers": speakers.get(d.id, []),
            }
            for d in Documents(conn, self._where).list()
        ]
        return {
            "documents": docs,
            "codes": conn.execute("SELECT count(*) FROM codes").fetchone()[0],
            "codings": conn.execute("SELECT count(*) FROM codings").fetchone()[0],
            "coders": sorted({r[0] for r in conn.execute("SELECT DISTINCT coder FROM codings")}),
        }
