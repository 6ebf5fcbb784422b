"""Project methods for analysis (frequencies, matrices, ratings, quotes) and exports (mixed into Project)."""

from __future__ import annotations

from pathlib import Path

from evalbench.errors import UserError
from evalbench.store.db import now


class AnalysisFacade:
    """Project methods for analysis (frequencies, matrices, ratings, quotes) and exports (mixed into Project)."""

    def codings_frame(self, coder: str | None = None):
        """Every coding (of ``coder``, or of all coders) as a DataFrame with its context.

        Returns ``(frame, tree)``; see :mod:`evalbench.analysis.frame` for the columns.
        The frame is cached until the project changes (a write through this
        connection or a commit by another), so a matrix and then its quotes
        read the store once.
        """
        from evalbench.analysis.frame import CodeTree, codings_frame

        key = (coder, self.conn.total_changes, self.conn.execute("PRAGMA data_version").fetchone()[0])
        cached = getattr(self, "_analysis_cache", None)
        if cached is None or cached[0] != key:
            tree = CodeTree.of(self.codes())
            cached = self._analysis_cache = (key, codings_frame(self.conn, tree, coder=coder), tree)
        return cached[1].copy(deep=False), cached[2]

    def frequencies(self, by: str | None = None, coder: str | None = None, *, level: str = "code",
                    all_codes: bool = False):
        """Per code: codings, documents, participants, codings by valence (+ participants per ``by`` value)."""
        from evalbench.analysis.tables import frequencies

        frame, tree = self.codings_frame(coder)
        return frequencies(frame, tree, by=by, level=level, all_codes=all_codes)

    def matrix(self, by: str = "participant", coder: str | None = None, *, level: str = "construct",
               value: str = "codings"):
        """Codes × participants (or role, site, any attribute); cells count codings or participants."""
        from evalbench.analysis.tables import matrix

        frame, tree = self.codings_frame(coder)
        return matrix(frame, tree, by=by, level=level, value=value, columns=self.group_values(by))

    def group_values(self, by: str) -> list[str]:
        """Every participant (or attribute value) in the project, coded or not, for matrix columns."""
        if by == "participant":
            return sorted({d.participant or d.name for d in self.documents()})
        if by == "document":
            return sorted(d.name for d in self.documents())
        return sorted({p.attributes[by] for p in self.participants() if p.attributes.get(by)})

    def matrix_quotes(self, code_id: str, by: str = "participant", value: str | None = None,
                      coder: str | None = None, *, level: str = "construct"):
        """The excerpts behind one matrix cell (a list of :class:`evalbench.model.Quote`)."""
        from evalbench.analysis.tables import matrix_quotes

        frame, tree = self.codings_frame(coder)
        return matrix_quotes(frame, tree, code_id, by=by, value=value, level=level)

    def cooccurrence(self, coder: str | None = None, *, level: str = "code"):
        """Code × code: participant turns coded with both (diagonal: turns coded with each)."""
        from evalbench.analysis.tables import cooccurrence

        frame, tree = self.codings_frame(coder)
        return cooccurrence(frame, tree, level=level)

    def rapid_matrix(self, level: str = "domain", coder: str | None = None):
        """Rapid-analysis matrix: participants × domains (or constructs); cells are the summaries
        the current coder wrote (memos on target 'cell', see :meth:`set_cell_summary`)."""
        from evalbench.analysis.rapid import rapid_matrix

        frame, tree = self.codings_frame(coder)
        memos = dict(self.conn.execute("SELECT target_id, text FROM memos WHERE target_type = 'cell' "
                                       "AND coder = ?", (self._coder,)))
        return rapid_matrix(frame, tree, memos, level=level,
                            participants=[p.label for p in self.participants()])

    def set_cell_summary(self, participant: str, code_id: str, text: str) -> None:
        """Write the current coder's rapid-analysis summary for one participant × code cell."""
        from evalbench.analysis.rapid import cell_key

        self.code(code_id)
        self.set_memo("cell", cell_key(participant, code_id), text)

    def cell_summary(self, participant: str, code_id: str) -> str:
        """The current coder's rapid-analysis summary of one cell ('' when none)."""
        from evalbench.analysis.rapid import cell_key

        return self.memo("cell", cell_key(participant, code_id))

    def rapid_cell(self, participant: str, code_id: str, *, level: str = "domain", coder: str | None = None):
        """One rapid-analysis cell: ``(summary, quotes)`` for a participant and a domain or construct."""
        quotes = self.matrix_quotes(code_id, "participant", participant, coder, level=level)
        return self.cell_summary(participant, code_id), quotes

    def exemplar_quotes(self, code_id: str, n: int = 3, *, valence: str | None = None,
                        coder: str | None = None, level: str = "construct"):
        """Quotes for a code (its subcodes included at construct/domain level): starred first,
        then proposed ones (see :mod:`evalbench.analysis.exemplars`)."""
        from evalbench.analysis.exemplars import pick_exemplars
        from evalbench.analysis.frame import with_level
        from evalbench.analysis.tables import quote_from_record

        self.code(code_id)
        frame, tree = self.codings_frame(coder)
        frame = with_level(frame, tree, level)
        frame = frame[frame["unit"] == code_id]
        if valence is not None:
            frame = frame[frame["valence"] == valence]
        return [quote_from_record(r) for r in pick_exemplars(frame.to_dict("records"), n)]

    def star_coding(self, coding_id: int, starred: bool = True) -> None:
        """Mark (or unmark) a coding as an exemplar quote; one undoable action."""
        self.update_coding(coding_id, starred=starred)

    def propose_ratings(self, scope: str = "participant", coder: str | None = None, *,
                        level: str = "construct"):
        """Proposed CFIR ratings per construct × participant or site, beside the stored ones.

        Columns: code_id, code, scope_type, scope_value, proposed, rationale,
        rating (the current coder's stored rating or None), confirmed. The rules
        are in :mod:`evalbench.analysis.ratings`.
        """
        from evalbench.analysis.ratings import propose_all

        frame, tree = self.codings_frame(coder)
        table = propose_all(frame, tree, scope, level=level)
        stored = {(r.code_id, r.scope_value): r for r in self.ratings(scope)}
        table["rating"] = [getattr(stored.get((c, v)), "rating", None)
                           for c, v in zip(table["code_id"], table["scope_value"], strict=True)]
        table["confirmed"] = [bool(getattr(stored.get((c, v)), "confirmed", False))
                              for c, v in zip(table["code_id"], table["scope_value"], strict=True)]
        return table

    def ratings(self, scope: str | None = None, coder: str | None = None) -> list:
        """Stored ratings (:class:`evalbench.model.Rating`) of a coder (default: the current one)."""
        from evalbench.model import Rating

        sql = ("SELECT code_id, scope_type, scope_value, rating, rationale, proposed, confirmed, coder "
               "FROM ratings WHERE coder = ?")
        args: list = [coder or self._coder]
        if scope is not None:
            sql += " AND scope_type = ?"
            args.append(scope)
        return [Rating(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7])
                for r in self.conn.execute(sql + " ORDER BY code_id, scope_value", args)]

    def set_rating(self, code_id: str, scope: str, value: str, rating: str | None, *,
                   rationale: str | None = None, coder: str | None = None) -> None:
        """Confirm or change one rating (``rating=None`` removes it); one undoable action.

        The proposal at this moment is stored beside it, and its rationale is
        kept unless ``rationale`` is given.
        """
        from evalbench.analysis.ratings import RATINGS, propose, scope_column

        scope_column(scope)
        self.code(code_id)
        if rating is not None and rating not in RATINGS:
            raise UserError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
        from evalbench.analysis.frame import with_level

        frame, tree = self.codings_frame(coder)
        frame = with_level(frame, tree, "construct" if tree.depth(code_id) <= 1 else "code")
        rows = frame[(frame["unit"] == code_id) & (frame[scope].astype(str) == str(value))]
        proposed, why = propose(rows, scope)
        key = (code_id, scope, str(value), self._coder)
        row = self.conn.execute("SELECT id FROM ratings WHERE code_id = ? AND scope_type = ? AND "
                                "scope_value = ? AND coder = ?", key).fetchone()
        label = f"Rate {self.store.describe.code(code_id)} for {scope} {value}"
        with self.action(label) as act:
            if rating is None:
                if row:
                    act.delete("ratings", {"id": row[0]})
                return
            values = {"rating": rating, "rationale": why if rationale is None else rationale,
                      "proposed": proposed, "confirmed": 1, "updated_at": now()}
            if row:
                act.update("ratings", {"id": row[0]}, values)
            else:
                act.insert("ratings", {"code_id": code_id, "scope_type": scope, "scope_value": str(value),
                                       "coder": self._coder, **values})

    def theme_rows(self, coder: str | None = None, *, level: str = "construct", quotes: int = 2):
        """The manuscript theme table's rows (:class:`evalbench.analysis.themes.ThemeRow`)."""
        from evalbench.analysis.themes import theme_rows

        frame, tree = self.codings_frame(coder)
        return theme_rows(frame, tree, level=level, quotes=quotes)

    def export(self, fmt: str, out: str | Path, *, by: str | None = None, coder: str | None = None,
               progress=None, cancel=None, **options) -> Path:
        """Write an export (docx, xlsx, csv, md or qdpx) to ``out``; returns the path written.

        See :mod:`evalbench.export` for what each format holds.
        """
        from evalbench.export import export

        return export(self, fmt, Path(out), by=by, coder=coder, progress=progress, cancel=cancel,
                      **options)

    def write_export(self, fmt: str, out: str | Path, *, coder: str | None = None, all_coders: bool = False,
                     progress=None, cancel=None, **options):
        """Write an export and return :class:`evalbench.export.options.ExportResult`: every file
        written (companion CSV files, figures) and the warnings to show."""
        from evalbench.export import write_export

        return write_export(self, fmt, Path(out), coder=coder, all_coders=all_coders, progress=progress,
                            cancel=cancel, **options)
