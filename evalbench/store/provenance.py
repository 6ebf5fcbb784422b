"""SQL for where codings came from: made by a person, accepted from a suggestion (by whom, from which
model), or applied by keyword rules without anyone — what an AI-assistance disclosure counts."""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from evalbench.store.repo import CHUNK, Repository, marks

#: (origin, coder, suggesting model, its version, codings).
OriginCount = tuple[str, str, str | None, str | None, int]


class Provenance(Repository):
    """Codings counted by origin, accepting coder and suggesting model."""

    def origin_counts(
        self, *, coding_ids: Iterable[int] | None = None, coders: Iterable[str] | None = None
    ) -> builtins.list[OriginCount]:
        """(origin, coder, suggesting model, its version, codings) for the codings named or of ``coders``.

        With neither, every coding of the project counts.
        """
        group = " GROUP BY origin, coder, suggest_model, suggest_model_version"
        cols = "SELECT origin, coder, suggest_model, suggest_model_version, count(*) FROM codings"
        if coding_ids is None:
            who = list(coders) if coders is not None else None
            if who is None:
                return list(self._conn.execute(cols + group))
            return list(self._conn.execute(f"{cols} WHERE coder IN ({marks(who)}){group}", who))
        ids = list(coding_ids)
        totals: dict[tuple[str, str, str | None, str | None], int] = {}
        for lo in range(0, len(ids), CHUNK):
            part = ids[lo : lo + CHUNK]
            for origin, coder, model, version, n in self._conn.execute(
                f"{cols} WHERE id IN ({marks(part)}){group}", part
            ):
                key = (origin, coder, model, version)
                totals[key] = totals.get(key, 0) + n
        return [(*key, n) for key, n in totals.items()]

    def suggestion_models(self) -> dict[int, tuple[str, str | None]]:
        """coding id -> (suggesting model, its version) for every coding that keeps one (accepted suggestions).

        Only those rows are read (a partial scan of the codings, no text), so an
        export can add the two columns to 12,000 excerpt rows for a few milliseconds.
        """
        return {
            r[0]: (r[1], r[2])
            for r in self._conn.execute(
                "SELECT id, suggest_model, suggest_model_version FROM codings WHERE suggest_model IS NOT NULL"
            )
        }
