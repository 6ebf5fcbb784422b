"""The analysis service (``project.analysis``): frequencies, matrices, quotes, rapid analysis, ratings.

Every table starts from one DataFrame of the chosen coder's codings with
their context (:mod:`evalbench.analysis.frame`). The service keeps that frame
until the project changes (``store.version()``: a write through this store or
a commit by another connection), so a matrix and then its quotes read the
store once. pandas is imported only when a table is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalbench.coding.service import CodingService
from evalbench.errors import UserError
from evalbench.model import Quote, Rating
from evalbench.store.db import now
from evalbench.store.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.analysis.frame import CodeTree
    from evalbench.analysis.themes import ThemeRow


class AnalysisService:
    """Analysis of one open project."""

    def __init__(self, store: Store, coding: CodingService) -> None:
        self.store = store
        self.coding = coding
        self._frame: tuple[tuple, pd.DataFrame, CodeTree] | None = None  # (key, frame, tree) of the last read

    def codings_frame(self, coder: str | None = None) -> tuple[pd.DataFrame, CodeTree]:
        """Every coding (of ``coder``, or of all coders) as a DataFrame with its context, and the code tree.

        See :mod:`evalbench.analysis.frame` for the columns. Kept until the
        project changes; callers get a shallow copy they may add columns to.
        """
        from evalbench.analysis.frame import CodeTree, codings_frame

        key = (coder, *self.store.version())
        if self._frame is None or self._frame[0] != key:
            tree = CodeTree.of(self.store.codes.list())
            self._frame = (key, codings_frame(self.store, tree, coder=coder), tree)
        return self._frame[1].copy(deep=False), self._frame[2]

    def clear_cache(self) -> None:
        """Forget the kept frame, so the next table reads the store again (benchmarks time that read)."""
        self._frame = None

    def frequencies(
        self, by: str | None = None, coder: str | None = None, *, level: str = "code", all_codes: bool = False
    ) -> pd.DataFrame:
        """Per code: codings, documents, participants, codings by valence (+ participants per ``by`` value)."""
        from evalbench.analysis.tables import frequencies

        frame, tree = self.codings_frame(coder)
        return frequencies(frame, tree, by=by, level=level, all_codes=all_codes)

    def matrix(
        self, by: str = "participant", coder: str | None = None, *, level: str = "construct", value: str = "codings"
    ) -> pd.DataFrame:
        """Codes × participants (or role, site, any attribute); cells count codings or participants."""
        from evalbench.analysis.tables import matrix

        frame, tree = self.codings_frame(coder)
        return matrix(frame, tree, by=by, level=level, value=value, columns=self.group_values(by))

    def group_values(self, by: str) -> list[str]:
        """Every participant (or attribute value) in the project, coded or not, for matrix columns."""
        if by == "participant":
            return sorted({d.participant or d.name for d in self.store.documents.list()})
        if by == "document":
            return sorted(d.name for d in self.store.documents.list())
        return sorted({p.attributes[by] for p in self.store.participants.list() if p.attributes.get(by)})

    def matrix_quotes(
        self,
        code_id: str,
        by: str = "participant",
        value: str | None = None,
        coder: str | None = None,
        *,
        level: str = "construct",
    ) -> list[Quote]:
        """The excerpts behind one matrix cell."""
        from evalbench.analysis.tables import matrix_quotes

        frame, tree = self.codings_frame(coder)
        return matrix_quotes(frame, tree, code_id, by=by, value=value, level=level)

    def cooccurrence(self, coder: str | None = None, *, level: str = "code") -> pd.DataFrame:
        """Code × code: participant turns coded with both (diagonal: turns coded with each)."""
        from evalbench.analysis.tables import cooccurrence

        frame, tree = self.codings_frame(coder)
        return cooccurrence(frame, tree, level=level)

    # --- rapid analysis ---------------------------------------------------------------------
    def rapid_matrix(self, level: str = "domain", coder: str | None = None) -> pd.DataFrame:
        """Rapid-analysis matrix: participants × domains (or constructs); cells are the summaries
        the current coder wrote (memos on target 'cell', see :meth:`set_cell_summary`)."""
        from evalbench.analysis.rapid import rapid_matrix

        frame, tree = self.codings_frame(coder)
        return rapid_matrix(
            frame,
            tree,
            self.store.memos.cell_summaries(self.store.coder),
            level=level,
            participants=self.store.participants.labels(),
        )

    def set_cell_summary(self, participant: str, code_id: str, text: str) -> None:
        """Write the current coder's rapid-analysis summary for one participant × code cell."""
        from evalbench.analysis.rapid import cell_key

        self.store.codes.get(code_id)
        self.coding.set_memo("cell", cell_key(participant, code_id), text)

    def cell_summary(self, participant: str, code_id: str) -> str:
        """The current coder's rapid-analysis summary of one cell ('' when none)."""
        from evalbench.analysis.rapid import cell_key

        return self.coding.memo("cell", cell_key(participant, code_id))

    def rapid_cell(
        self, participant: str, code_id: str, *, level: str = "domain", coder: str | None = None
    ) -> tuple[str, list[Quote]]:
        """One rapid-analysis cell: ``(summary, quotes)`` for a participant and a domain or construct."""
        quotes = self.matrix_quotes(code_id, "participant", participant, coder, level=level)
        return self.cell_summary(participant, code_id), quotes

    # --- quotes and the theme table by construct ---------------------------------------------------
    def exemplar_quotes(
        self,
        code_id: str,
        n: int = 3,
        *,
        valence: str | None = None,
        coder: str | None = None,
        level: str = "construct",
    ) -> list[Quote]:
        """Quotes for a code (its subcodes included at construct/domain level): starred first,
        then proposed ones (see :mod:`evalbench.analysis.exemplars`)."""
        from evalbench.analysis.exemplars import pick_exemplars
        from evalbench.analysis.frame import with_level
        from evalbench.analysis.tables import quote_from_record

        self.store.codes.get(code_id)
        frame, tree = self.codings_frame(coder)
        frame = with_level(frame, tree, level)
        frame = frame[frame["unit"] == code_id]
        if valence is not None:
            frame = frame[frame["valence"] == valence]
        return [quote_from_record(r) for r in pick_exemplars(frame.to_dict("records"), n)]

    def theme_rows(self, coder: str | None = None, *, level: str = "construct", quotes: int = 2) -> list[ThemeRow]:
        """The manuscript theme table's rows (:class:`evalbench.analysis.themes.ThemeRow`)."""
        from evalbench.analysis.themes import theme_rows

        frame, tree = self.codings_frame(coder)
        return theme_rows(frame, tree, level=level, quotes=quotes)

    # --- CFIR ratings ------------------------------------------------------------------------------
    def propose_ratings(
        self, scope: str = "participant", coder: str | None = None, *, level: str = "construct"
    ) -> pd.DataFrame:
        """Proposed CFIR ratings per construct × participant or site, beside the stored ones.

        Columns: code_id, code, scope_type, scope_value, proposed, rationale,
        rating (the current coder's stored rating or None), confirmed. The rules
        are in :mod:`evalbench.analysis.ratings`.
        """
        from evalbench.analysis.ratings import propose_all

        frame, tree = self.codings_frame(coder)
        table = propose_all(frame, tree, scope, level=level)
        stored = {(r.code_id, r.scope_value): r for r in self.ratings(scope)}
        table["rating"] = [
            getattr(stored.get((c, v)), "rating", None)
            for c, v in zip(table["code_id"], table["scope_value"], strict=True)
        ]
        table["confirmed"] = [
            bool(getattr(stored.get((c, v)), "confirmed", False))
            for c, v in zip(table["code_id"], table["scope_value"], strict=True)
        ]
        return table

    def ratings(self, scope: str | None = None, coder: str | None = None) -> list[Rating]:
        """Stored ratings of a coder (default: the current one)."""
        return self.store.ratings.list(coder or self.store.coder, scope)

    def set_rating(
        self,
        code_id: str,
        scope: str,
        value: str,
        rating: str | None,
        *,
        rationale: str | None = None,
        coder: str | None = None,
    ) -> None:
        """Confirm or change one rating (``rating=None`` removes it); one undoable action.

        The proposal at this moment is stored beside it, and its rationale is
        kept unless ``rationale`` is given.
        """
        from evalbench.analysis.frame import with_level
        from evalbench.analysis.ratings import RATINGS, propose, scope_column

        scope_column(scope)
        self.store.codes.get(code_id)
        if rating is not None and rating not in RATINGS:
            raise UserError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
        frame, tree = self.codings_frame(coder)
        frame = with_level(frame, tree, "construct" if tree.depth(code_id) <= 1 else "code")
        rows = frame[(frame["unit"] == code_id) & (frame[scope].astype(str) == str(value))]
        proposed, why = propose(rows, scope)
        me = self.store.coder
        found = self.store.ratings.find(code_id, scope, str(value), me)
        with self.store.action(f"Rate {self.store.describe.code(code_id)} for {scope} {value}") as act:
            if rating is None:
                if found is not None:
                    act.delete("ratings", {"id": found})
                return
            values = {
                "rating": rating,
                "rationale": why if rationale is None else rationale,
                "proposed": proposed,
                "confirmed": 1,
                "updated_at": now(),
            }
            if found is not None:
                act.update("ratings", {"id": found}, values)
            else:
                act.insert(
                    "ratings",
                    {"code_id": code_id, "scope_type": scope, "scope_value": str(value), "coder": me, **values},
                )
