"""Analysis: the code × participant/role/site matrix, CFIR ratings, cell summaries and exemplar quotes.

Each cell shows barrier (▼, red) and facilitator (▲, green) codings, other
valences as a dim count, and its background deepens with the total; ``v``
shows the CFIR construct ratings instead (Damschroder & Lowery rules, see
``evalbench.analysis.ratings``): the proposal until the analyst confirms it
(``y``) or sets another (``2`` ``1`` ``0`` ``!`` ``@`` ``x`` ``m``) and says why (``w``). ``o``
writes the rapid-analysis summary of a participant × code cell. Enter on a
cell lists its quotes below, ``*`` stars one as an exemplar (the Word export
puts starred quotes first), Enter on a quote opens it in the coding view.
Every change is one undoable action (``u``/ctrl+z).

The matrix, the proposals and the summaries are built by the analysis layer
(pandas) in a thread worker on its own connection, so the UI never blocks.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from evalbench.codebook.labels import code_labels
from evalbench.errors import UserError
from evalbench.model import Quote
from evalbench.tui import actions
from evalbench.tui.fit import Part, clip, fit_parts
from evalbench.tui.messages import OpenDocument
from evalbench.tui.screens import analysis_themes as themes
from evalbench.tui.screens.analysis_cells import (
    RATING_SCOPES,
    CellRating,
    MatrixData,
    cell_info,
    cell_text,
    load_matrix,
    quote_text,
)
from evalbench.tui.widgets.title_bar import TitleBar

LEVELS = ("construct", "domain", "code")


class AnalysisScreen(Screen):
    """The matrix, its ratings, summaries and quotes, and the exports and agreement that start from here."""

    BINDINGS = [
        Binding("p", "by('participant')", "By participant", id="analysis.by-participant"),
        Binding("r", "by('role')", "By role", id="analysis.by-role"),
        Binding("s", "by('site')", "By site", id="analysis.by-site"),
        Binding("l", "level", "Level", id="analysis.level"),
        Binding("t", "themes", "Codes/themes", id="analysis.themes"),
        Binding("c", "coders", "Mine/all", id="analysis.coders"),
        Binding("v", "view", "Counts/ratings", id="analysis.view"),
        Binding("y", "confirm_rating", "Confirm rating", id="analysis.confirm-rating"),
        Binding("2", "rate('+2')", "Rate +2", show=False, id="analysis.rate-plus-2"),
        Binding("1", "rate('+1')", "Rate +1", show=False, id="analysis.rate-plus-1"),
        Binding("0", "rate('0')", "Rate 0", show=False, id="analysis.rate-0"),
        Binding("exclamation_mark", "rate('-1')", "Rate -1 (shift+1)", show=False, id="analysis.rate-minus-1"),
        Binding("at", "rate('-2')", "Rate -2 (shift+2)", show=False, id="analysis.rate-minus-2"),
        Binding("x", "rate('X')", "Rate X: mixed", show=False, id="analysis.rate-x"),
        Binding("m", "rate('M')", "Rate M: missing", show=False, id="analysis.rate-m"),
        Binding("backspace,delete", "clear_rating", "Clear your rating", show=False, id="analysis.clear-rating"),
        Binding("w", "rationale", "Why: your rating's rationale", show=False, id="analysis.rationale"),
        Binding("o", "summary", "Cell summary", id="analysis.summary"),
        Binding("asterisk", "star", "Star quote", id="analysis.star"),
        Binding("e", "export", "Export", id="analysis.export"),
        Binding("a", "app.agreement", "Agreement", id="analysis.agreement"),
        Binding("K", "app.consensus", "Consensus", show=False, id="analysis.consensus"),
        Binding("u", "app.undo", "Undo", show=False, id="analysis.undo"),
        Binding("U", "app.redo", "Redo", show=False, id="analysis.redo"),
    ]

    DEFAULT_CSS = """
    AnalysisScreen #cell-info { height: auto; max-height: 3; padding: 0 1; background: $boost; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.by = "participant"
        self.level = "construct"
        self.view = "counts"
        self.mine_only = False
        self.cells: dict[tuple[str, str], dict[str, int]] = {}
        self.ratings: dict[tuple[str, str], CellRating] = {}
        self.summaries: dict[tuple[str, str], str] = {}
        self.names: dict[str, str] = {}
        self.quote_cell: tuple[str, str | None] | None = None
        self.quotes: dict[str, Quote] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="analysis-bar")
        yield DataTable(id="matrix", cursor_type="cell")
        yield Static(id="cell-info")
        yield Static("Enter on a cell lists its quotes", id="quotes-title", classes="panel-title")
        yield OptionList(id="quotes", classes="hidden")  # shown when a cell's quotes are listed
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Analysis"  # the data loads on screen resume, which follows mount
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def coder(self) -> str | None:
        return self.app.project.coder if self.mine_only else None

    @property
    def ratable(self) -> bool:
        """Ratings exist per construct for a participant or a site."""
        return self.by in RATING_SCOPES and self.level == "construct"

    def reload(self) -> None:
        project = self.app.project
        self.sub_title = f"coder {project.coder}"
        self.query_one("#analysis-bar", Static).update(f"{self._describe()} · loading…")
        self._build(self.by, self.level, self.coder)

    def _describe(self, short: bool = False) -> str:
        what = "CFIR ratings" if self.view == "ratings" else "Codes"
        whose = ("yours" if short else "your codings") if self.mine_only else "all coders"
        if self.level == themes.THEMES:  # participants per theme, counting what load_theme_matrix chose
            return f"Themes × {self.by} · " + ("yours" if short else getattr(self, "counting", "") or whose)
        return f"{what} ({self.level}) × {self.by} · {whose}"

    def _show_message(self, text: str) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.query_one("#analysis-bar", Static).update(text)

    @work(thread=True, exclusive=True, group="matrix", exit_on_error=False)
    def _build(self, by: str, level: str, coder: str | None) -> None:
        try:
            with self.app.project.reopen() as project:
                data = (
                    themes.load_theme_matrix(project, by, coder)
                    if level == themes.THEMES
                    else load_matrix(project, by, level, coder, ratings=by in RATING_SCOPES and level == "construct")
                )
        except UserError as exc:
            self.app.call_from_thread(self._show_message, str(exc))
            return
        if data is None:
            self.app.call_from_thread(
                self._show_message,
                "No themes yet: F5 adds them." if level == themes.THEMES else "No codings yet: code some turns first.",
            )
            return
        self.app.call_from_thread(self._fill, by, level, coder, data)

    def _fill(self, by: str, level: str, coder: str | None, data: MatrixData) -> None:
        if (by, level, coder) != (self.by, self.level, self.coder):
            return
        columns, rows = data.columns, data.rows
        self.counting = getattr(data, "counting", "")
        table = self.query_one(DataTable)
        keep = self._cursor_keys()
        table.clear(columns=True)
        labels = code_labels(self.app.project.codes())
        self.names = {code_id: labels.get(code_id, name) for code_id, name, _v in rows}
        # The names column takes what its longest name needs, but at most 30 % of the screen (at least 16):
        # in 80 columns the cells keep their room, and a name cut short is whole in the line under the matrix.
        width = min(max([len(n) for n in self.names.values()] + [4]), max(16, round(self.size.width * 0.3)))
        table.add_column("Theme" if level == themes.THEMES else "Code", key="code", width=width)
        for column in columns:
            table.add_column(column, key=column)
        top = max((v["total"] for _c, _n, values in rows for v in values.values()), default=0)
        self.cells, self.ratings, self.summaries = {}, data.ratings, data.summaries
        self.top = top
        for code_id, _name, values in rows:
            cells = [Text(clip(self.names[code_id], width), style="bold")]
            for column in columns:
                self.cells[(code_id, column)] = values[column]
                cells.append(self._cell_text(code_id, column))
            table.add_row(*cells, key=code_id)
        if keep and keep[0] in self.names:
            col = table.get_column_index(keep[1]) if keep[1] in columns else 0
            table.cursor_coordinate = Coordinate(table.get_row_index(keep[0]), col)
        legend = (
            "+1? proposed, +1✓ yours, X mixed, M missing"
            if self.view == "ratings"
            else "participants per cell"
            if level == themes.THEMES
            else "▼ barrier ▲ facilitator, other valences dim"
        )
        self.query_one("#analysis-bar", Static).update(
            " · ".join(
                fit_parts(
                    [
                        Part(0, self._describe(), self._describe(short=True)),
                        Part(2, f"{len(rows)} {'themes' if level == themes.THEMES else 'codes'} × {len(columns)}"),
                        Part(
                            1,
                            legend,
                            "▼ barrier ▲ facilitator" if self.view != "ratings" else "+1? proposed, +1✓ yours",
                        ),
                        Part(3, "✎ summary"),
                    ],
                    max(20, self.size.width - 2),
                )
            )
        )
        self._show_info()
        if self.quote_cell is not None:
            self._list_quotes(*self.quote_cell, focus=False)

    def _code_label(self, code_id: str) -> str:
        """A code's distinguishing label (quotes list codes below a construct by their own names)."""
        labels = getattr(self, "_labels", None)
        if labels is None:
            labels = self._labels = code_labels(self.app.project.codes())
        return labels.get(code_id, code_id)

    def _cell_text(self, code_id: str, column: str):
        if self.level == themes.THEMES:
            return themes.theme_cell_text(self.cells.get((code_id, column)), self.top)
        return cell_text(
            self.view,
            self.cells.get((code_id, column)),
            self.top,
            self.ratings.get((code_id, column)),
            self.summaries.get((code_id, column), ""),
        )

    def _update_cell(self, cell: tuple[str, str]) -> None:
        """Show one cell's new rating at once (undo and redo rebuild the whole matrix).

        A rating never makes a cell wider (``+1?`` becomes ``+1✓``), and asking the
        table to re-measure left stale narrow columns on screen when a rebuild
        raced it, so the width stays.
        """
        table = self.query_one(DataTable)
        table.update_cell(cell[0], cell[1], self._cell_text(*cell))
        self._show_info()

    def _cursor_keys(self) -> tuple[str, str] | None:
        """(code id, column) under the matrix cursor; the column is 'code' on the names."""
        table = self.query_one(DataTable)
        if not table.row_count or not table.columns:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(key.row_key.value), str(key.column_key.value)

    def _focused_cell(self, what: str) -> tuple[str, str] | None:
        """The (code id, column value) to act on, or None after saying why there is none."""
        keys = self._cursor_keys()
        if keys is None or keys[1] == "code":
            self.notify(f"Move to a {self.by} column to {what}.", severity="warning")
            return None
        return keys

    # --- the focused cell -----------------------------------------------------
    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._show_info()

    def _show_info(self) -> None:
        keys = self._cursor_keys()
        info = self.query_one("#cell-info", Static)
        if keys is None or keys[1] == "code":
            info.update("Move to a cell: its codings, rating and summary show here.")
            return
        code_id, column = keys
        if self.level == themes.THEMES:
            info.update(themes.theme_cell_info(self.names.get(code_id, code_id), self.by, column, self.cells.get(keys)))
            return
        info.update(
            cell_info(
                self.names.get(code_id, code_id),
                self.by,
                column,
                self.cells.get(keys),
                self.ratings.get(keys),
                self.summaries.get(keys, ""),
            )
        )

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        code_id = str(event.cell_key.row_key.value)
        column = str(event.cell_key.column_key.value)
        self._list_quotes(code_id, None if column == "code" else column, focus=True)

    def _list_quotes(self, code_id: str, value: str | None, *, focus: bool) -> None:
        listing = self.query_one("#quotes", OptionList)
        keep = listing.highlighted
        quotes = (
            themes.theme_quotes(self.app.project, code_id, self.by, value, self.coder, self._code_label)
            if self.level == themes.THEMES
            else self.app.project.matrix_quotes(code_id, by=self.by, value=value, coder=self.coder, level=self.level)
        )
        self.quote_cell = (code_id, value)
        self.quotes = {str(q.coding_id): q for q in quotes}
        options = [Option(quote_text(q, self._code_label(q.code_id)), id=str(q.coding_id)) for q in quotes]
        listing.set_options(options or [Option("No quotes in this cell.", disabled=True)])
        listing.remove_class("hidden")
        where = f"{self.by} {value}" if value else f"every {self.by}"
        starred = sum(q.starred for q in quotes)
        self.query_one("#quotes-title", Static).update(
            f"{len(quotes)} quote(s)"
            + (f", {starred} ★" if starred else "")
            + f": {self.names.get(code_id, code_id)} · {where} · Enter opens · * stars an exemplar"
        )
        if options:
            listing.highlighted = min(keep, len(options) - 1) if keep is not None and not focus else 0
            if focus:
                listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        quote = self.quotes.get(event.option.id or "")
        if quote is not None:
            self.post_message(OpenDocument(quote.document_id, quote.start))

    # --- curation: ratings, summaries, stars -----------------------------------
    def action_view(self) -> None:
        if self.view == "ratings":
            self.view = "counts"
        else:
            self.view = "ratings"
            if not self.ratable:
                self._forget_quotes()
                self.level, self.by = "construct", self.by if self.by in RATING_SCOPES else "participant"
                self.notify(f"Ratings are per construct and {self.by}.")
        self.reload()

    def action_rate(self, rating: str) -> None:
        self._set_rating(lambda _r: rating)

    def action_confirm_rating(self) -> None:
        self._set_rating(lambda r: r.proposed, confirming=True)

    def action_clear_rating(self) -> None:
        self._set_rating(lambda _r: None)

    def _set_rating(self, choose, *, confirming: bool = False) -> None:
        if not self.ratable:
            self.notify("Ratings are per construct (l) for a participant (p) or a site (s).", severity="warning")
            return
        cell = self._focused_cell("rate it")
        if cell is None:
            return
        current = self.ratings.get(cell)
        if current is None:
            self.notify("No proposal for this cell yet: wait for the matrix to load.", severity="warning")
            return
        code_id, value = cell
        rating = choose(current)
        if confirming and rating is None:
            self.notify("No rating proposed here: no coding has a valence. Rate it (2 1 0 ! @ x m).")
            return
        if rating is None and current.rating is None:
            self.notify("You have not rated this cell.")
            return
        said = f"{self.names.get(code_id, code_id)} × {value}: " + (
            f"rated {rating}" if rating is not None else "rating cleared"
        )

        def done(_result) -> None:
            self.notify(said + " (u undoes)")
            self.ratings[cell] = CellRating(current.proposed, current.rationale, rating, rating is not None)
            self._update_cell(cell)

        self.app.writes.run(
            lambda: self.app.project.set_rating(code_id, self.by, value, rating, coder=self.coder),
            done,
            what=said,
            owner=self,
        )

    def action_rationale(self) -> None:
        """Record why you rated a cell as you did (kept beside the proposal's rationale)."""
        from evalbench.tui.screens.prompt import LinePrompt

        cell = self._focused_cell("explain its rating") if self.ratable else None
        current = self.ratings.get(cell) if cell else None
        if current is None or current.rating is None:
            self.notify("Rate the cell first (y confirms the proposal), then w says why.", severity="warning")
            return
        code_id, value = cell

        def saved(text: str | None) -> None:
            if text is None or not text.strip():
                return

            def done(_result) -> None:
                self.notify("Rationale saved (u undoes)")
                self.ratings[cell] = CellRating(
                    current.proposed, current.rationale, current.rating, True, text.strip()
                )  # the screen reloads as the prompt closes

            self.app.writes.run(
                lambda: self.app.project.set_rating(
                    code_id, self.by, value, current.rating, rationale=text.strip(), coder=self.coder
                ),
                done,
                what=f"the rationale for {self.names.get(code_id, code_id)} × {value}",
                owner=self,
            )

        self.app.push_screen(
            LinePrompt(
                f"Why {current.rating} for {self.names.get(code_id, code_id)} × {value}?",
                current.note if current.note != current.rationale else "",
                current.rationale,
            ),
            saved,
        )

    def action_summary(self) -> None:
        from evalbench.tui.screens.prompt import MemoPrompt

        if self.by != "participant" or self.level == themes.THEMES:
            self.notify("Summaries are per participant and code: press p (and t for codes) first.", severity="warning")
            return
        cell = self._focused_cell("summarise it")
        if cell is None:
            return
        code_id, participant = cell
        project = self.app.project

        def saved(text: str | None) -> None:
            if text is None or text == project.cell_summary(participant, code_id):
                return

            def done(_result) -> None:
                self.notify("Summary saved (u undoes)" if text else "Summary deleted (u undoes)")
                self.summaries[cell] = text  # the screen reloads as the prompt closes

            self.app.writes.run(
                lambda: project.set_cell_summary(participant, code_id, text),
                done,
                what=f"the summary of {participant} × {self.names.get(code_id, code_id)}",
                owner=self,
            )

        self.app.push_screen(
            MemoPrompt(
                f"Summary: {participant} × {self.names.get(code_id, code_id)}",
                project.cell_summary(participant, code_id),
            ),
            saved,
        )

    def action_star(self) -> None:
        listing = self.query_one("#quotes", OptionList)
        index = listing.highlighted
        option = listing.get_option_at_index(index) if index is not None and listing.option_count else None
        quote = self.quotes.get(option.id or "") if option is not None else None
        if quote is None:
            self.notify("List a cell's quotes (Enter) and highlight one to star it.", severity="warning")
            return

        def done(_result) -> None:
            self.notify(("Starred" if not quote.starred else "Unstarred") + " as an exemplar (u undoes)")
            self.reload()

        self.app.writes.run(
            lambda: self.app.project.star_coding(quote.coding_id, not quote.starred),
            done,
            what="unstarring a quote" if quote.starred else "starring a quote",
            owner=self,
        )

    # --- grouping, level, coders, export ---------------------------------------
    def _forget_quotes(self) -> None:
        """A new grouping, level or coder filter: the listed cell's quotes no longer apply."""
        self.quote_cell, self.quotes = None, {}
        self.query_one("#quotes", OptionList).clear_options()
        self.query_one("#quotes", OptionList).add_class("hidden")
        self.query_one("#quotes-title", Static).update("Enter on a cell lists its quotes")

    def action_by(self, by: str) -> None:
        self._forget_quotes()
        self.by = by
        if self.view == "ratings" and by not in RATING_SCOPES:
            self.view = "counts"
        self.reload()

    def action_level(self) -> None:
        self._forget_quotes()
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)] if self.level in LEVELS else "construct"
        if self.view == "ratings":
            self.view = "counts"
        self.reload()

    def action_themes(self) -> None:
        """Rows: the codes (at the level last shown), or the themes (participants per cell)."""
        self._forget_quotes()
        self.view = "counts"
        if self.level == themes.THEMES:
            self.level = getattr(self, "code_level", "construct")
        else:
            self.code_level, self.level = self.level, themes.THEMES
        self.reload()

    def action_coders(self) -> None:
        self._forget_quotes()
        self.mine_only = not self.mine_only
        self.reload()

    def action_export(self) -> None:
        """Export what the matrix shows: your codings, or every coder's (the export otherwise asks which)."""
        actions.export(self.app, by=self.by, coder=self.coder, **({} if self.mine_only else {"all_coders": True}))
