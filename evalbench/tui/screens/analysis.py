"""Analysis: the code × participant/role/site matrix as a colour-scaled grid.

Each cell shows barrier (▼, red) and facilitator (▲, green) codings, other
valences as a dim count, and its background deepens with the total. Enter on a
cell lists its quotes below; Enter on a quote opens it in the coding view.
The matrix is built by the analysis layer (pandas) in a thread worker on its
own connection, so opening the screen never blocks the UI.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from evalbench.tui import actions
from evalbench.tui.colors import VALENCE_STYLE
from evalbench.tui.messages import OpenDocument
from evalbench.tui.widgets.title_bar import TitleBar

BYS = ("participant", "role", "site")
LEVELS = ("construct", "domain", "code")
HEAT = ("#1e2a3a", "#1f3b57", "#235174", "#2a6791", "#327eb0", "#3b96cf")


def heat(total: int, top: int) -> str:
    """Background colour for a cell: deeper blue for more codings."""
    if total <= 0 or top <= 0:
        return ""
    return HEAT[min(len(HEAT) - 1, round((len(HEAT) - 1) * total / top))]


class AnalysisScreen(Screen):
    """The matrix, its quotes, and the exports and agreement that start from here."""

    BINDINGS = [
        Binding("p", "by('participant')", "By participant"),
        Binding("r", "by('role')", "By role"),
        Binding("s", "by('site')", "By site"),
        Binding("l", "level", "Level"),
        Binding("c", "coders", "Mine/all"),
        Binding("e", "export", "Export"),
        Binding("a", "app.agreement", "Agreement"),
        Binding("K", "app.consensus", "Consensus", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by = "participant"
        self.level = "construct"
        self.mine_only = False
        self.cells: dict[tuple[str, str], dict[str, int]] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="analysis-bar")
        yield DataTable(id="matrix", cursor_type="cell")
        yield Static("Enter on a cell lists its quotes", id="quotes-title", classes="panel-title")
        yield OptionList(id="quotes")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Analysis"  # the data loads on screen resume, which follows mount
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def coder(self) -> str | None:
        return self.app.project.coder if self.mine_only else None

    def reload(self) -> None:
        project = self.app.project
        self.sub_title = f"coder {project.coder}"
        self.query_one("#analysis-bar", Static).update(
            f"Codes ({self.level}) × {self.by} · {'your codings' if self.mine_only else 'all coders'} · "
            "▼ barrier ▲ facilitator · other valences dim · loading…")
        if not hasattr(project, "codings_frame"):
            self._show_message("The analysis matrix is not available in this version.")
            return
        self._build(self.by, self.level, self.coder)

    def _show_message(self, text: str) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        self.query_one("#analysis-bar", Static).update(text)

    @work(thread=True, exclusive=True, group="matrix", exit_on_error=False)
    def _build(self, by: str, level: str, coder: str | None) -> None:
        from evalbench.analysis.tables import matrix
        from evalbench.errors import UserError

        try:
            with self.app.project.reopen() as project:
                frame, tree = project.codings_frame(coder)
                if frame.empty:
                    self.app.call_from_thread(self._show_message, "No codings yet: code some turns first.")
                    return
                total = matrix(frame, tree, by=by, level=level)
                split = {v: matrix(frame[frame["valence"] == v], tree, by=by, level=level)
                         if (frame["valence"] == v).any() else None for v in ("barrier", "facilitator")}
        except UserError as exc:
            self.app.call_from_thread(self._show_message, str(exc))
            return
        rows = []
        for code_id in total.index:
            values = {}
            for column in total.columns[1:]:
                n = int(total.at[code_id, column])
                b = _cell(split["barrier"], code_id, column)
                f = _cell(split["facilitator"], code_id, column)
                values[column] = {"total": n, "barrier": b, "facilitator": f}
            rows.append((code_id, str(total.at[code_id, "code"]), values))
        self.app.call_from_thread(self._fill, by, level, coder, list(total.columns[1:]), rows)

    def _fill(self, by: str, level: str, coder: str | None, columns: list[str], rows: list) -> None:
        if (by, level, coder) != (self.by, self.level, self.coder):
            return
        table = self.query_one(DataTable)
        table.clear(columns=True)
        width = min(36, max([len(name) for _c, name, _v in rows] + [4]))
        table.add_column("Code", key="code", width=width)
        for column in columns:
            table.add_column(column, key=column)
        top = max((v["total"] for _c, _n, values in rows for v in values.values()), default=0)
        self.cells = {}
        for code_id, name, values in rows:
            cells = [Text(name if len(name) <= width else name[:width - 1] + "…", style="bold")]
            for column in columns:
                v = values[column]
                self.cells[(code_id, column)] = v
                cells.append(_render(v, top))
            table.add_row(*cells, key=code_id)
        self.query_one("#analysis-bar", Static).update(
            f"Codes ({level}) × {by} · {'your codings' if coder else 'all coders'} · "
            f"{len(rows)} codes × {len(columns)} · ▼ barrier ▲ facilitator, other valences dim · "
            "p/r/s group · l level · c coders · e export")

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        code_id = str(event.cell_key.row_key.value)
        column = str(event.cell_key.column_key.value)
        project = self.app.project
        value = None if column == "code" else column
        quotes = project.matrix_quotes(code_id, by=self.by, value=value, coder=self.coder, level=self.level)
        options = []
        for q in quotes:
            text = Text()
            text.append(q.participant or q.document, style="bold")
            if q.role:
                text.append(f" ({q.role})", style="dim")
            text.append(f"  {q.code}", style="cyan")
            if q.valence != "none":
                text.append(f"  {q.valence}", style=VALENCE_STYLE.get(q.valence, ""))
            text.append(f"  [{q.coder}]\n", style="dim")
            text.append("“" + " ".join(q.text.split())[:400] + "”\n")
            options.append(Option(text, id=f"{q.document_id}:{q.start}"))
        listing = self.query_one("#quotes", OptionList)
        listing.set_options(options or [Option(Text("No quotes in this cell.", style="dim"), disabled=True)])
        where = f"{self.by} {value}" if value else f"every {self.by}"
        self.query_one("#quotes-title", Static).update(
            f"{len(quotes)} quote(s): {code_id} · {where} · Enter opens one")
        if options:
            listing.highlighted = 0
            listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            doc, start = event.option.id.split(":")
            self.post_message(OpenDocument(int(doc), int(start)))

    def action_by(self, by: str) -> None:
        self.by = by
        self.reload()

    def action_level(self) -> None:
        self.level = LEVELS[(LEVELS.index(self.level) + 1) % len(LEVELS)]
        self.reload()

    def action_coders(self) -> None:
        self.mine_only = not self.mine_only
        self.reload()

    def action_export(self) -> None:
        actions.export(self.app, by=self.by, coder=self.coder)


def _cell(table, code_id: str, column: str) -> int:
    if table is None or code_id not in table.index or column not in table.columns:
        return 0
    return int(table.at[code_id, column])


def _render(v: dict[str, int], top: int) -> Text:
    total, b, f = v["total"], v["barrier"], v["facilitator"]
    if not total:
        return Text("")
    text = Text(style=f"on {heat(total, top)}")
    if b:
        text.append(f"{b}▼", style=VALENCE_STYLE["barrier"])
    if f:
        text.append(f"{' ' if b else ''}{f}▲", style=VALENCE_STYLE["facilitator"])
    rest = total - b - f
    if rest:
        text.append(f"{' ' if b or f else ''}{rest}", style="dim")
    return text
