"""SQL for full-text search over turns (SQLite FTS5, the ``turns_fts`` index)."""

from __future__ import annotations

import re
import sqlite3

from evalbench.model import SearchHit
from evalbench.store.repo import Repository

_FTS_SYNTAX = re.compile(r'["*]|\b(AND|OR|NOT|NEAR)\b')
_SQL = (
    'SELECT d.name, d.id, t.seq, t.start, t."end", substr(d.text, t.start + 1, t."end" - t.start), '
    "s.label, s.role FROM turns_fts f JOIN turns t ON t.id = f.rowid "
    "JOIN documents d ON d.id = t.document_id LEFT JOIN speakers s ON s.id = t.speaker_id "
    "WHERE turns_fts MATCH ? ORDER BY rank LIMIT ?"
)


def fts_queries(query: str) -> list[str]:
    """FTS5 queries to try for what a user typed, most literal reading first.

    Text using FTS5 syntax (quotes, ``*``, AND/OR/NOT/NEAR) is tried as is;
    the fallback quotes every word, so punctuation never becomes syntax.
    """
    query = query.strip()
    words = " ".join('"' + w + '"' for w in re.findall(r"\w+", query))
    out = [query] if query and _FTS_SYNTAX.search(query) else []
    return out + ([words] if words else [])


class Search(Repository):
    """Full-text search over turns."""

    def turns(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Turns matching ``query``, best first.

        Plain words must all match; "quoted words" are a phrase; ``lead*`` is a
        prefix; AND/OR/NOT work. Text that is not valid FTS5 syntax is searched
        as plain words rather than rejected.
        """
        rows = []
        for match in dict.fromkeys(fts_queries(query)):
            try:
                rows = self._conn.execute(_SQL, (match, limit)).fetchall()
                break
            except sqlite3.OperationalError:
                continue
        return [
            SearchHit(
                document=r[0], document_id=r[1], turn=r[2], start=r[3], end=r[4], text=r[5], speaker=r[6], role=r[7]
            )
            for r in rows
        ]
