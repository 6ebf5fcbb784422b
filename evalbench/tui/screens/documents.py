"""The documents screen: every transcript with who, how long, and how far coded.

Sort by any column (press its key or click the header), filter by attribute
(``site=NFG role=nurse`` or any text), Enter opens the coding view. The
Interviewer column shows who evalbench took for the interviewer; ``i``
corrects a speaker's role (:class:`SpeakerRolesScreen`).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from evalbench.tui.messages import OpenDocument
from evalbench.tui.overview import DocumentRow, document_rows
from evalbench.tui.widgets.title_bar import TitleBar

COLUMNS = ("Document", "Participant", "Role", "Site", "Words", "Turns", "% coded", "Codings",
           "Interviewer")


def _clip(text: str, width: int) -> str:
    """Long attribute values cut with an ellipsis, so every column fits a 120-column terminal."""
    return text if len(text) <= width else text[:width - 1] + "…"


def _cells(row: DocumentRow, interviewer: str) -> tuple:
    pct = row.percent_coded
    bar = Text(f"{pct:5.0f}%", style="green" if pct >= 99.5 else ("yellow" if pct > 0 else "dim"))
    return (_clip(row.document.name, 30), row.document.participant or "—",
            _clip(row.attribute("role", "job", "position"), 14),
            _clip(row.attribute("site", "location", "organisation", "organization"), 20),
            row.document.words, row.turns, bar, row.codings,
            _clip(interviewer, 20) if interviewer else Text("none", style="dim"))


def _sort_key(row: DocumentRow, column: int, interviewer: str):
    values = (row.document.name, row.document.participant or "", row.attribute("role", "job", "position"),
              row.attribute("site", "location", "organisation", "organization"),
              row.document.words, row.turns, row.percent_coded, row.codings, interviewer)
    return values[column]


def matches(row: DocumentRow, query: str) -> bool:
    """``key=value`` words match an attribute (substring); other words match any cell."""
    for word in query.lower().split():
        if "=" in word:
            key, _, value = word.partition("=")
            attrs = {k.lower(): v.lower() for k, v in row.attributes.items()}
            attrs["participant"] = (row.document.participant or "").lower()
            if value not in attrs.get(key, "\0"):
                return False
        else:
            haystack = " ".join([row.document.name, row.document.participant or "",
                                 *row.attributes.values()]).lower()
            if word not in haystack:
                return False
    return True


class DocumentsScreen(Screen):
    """The project's transcripts as a sortable, filterable table."""

    BINDINGS = [
        Binding("o", "open", "Open"),
        Binding("i", "speakers", "Speaker roles"),
        Binding("slash", "filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("R", "reverse", "Reverse", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DocumentRow] = []
        self.interviewers: dict[int, str] = {}
        self.sort_column = 0
        self.sort_reverse = False
        self.filter_text = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(placeholder="filter: site=NFG role=nurse or any text · Enter to apply · Escape to clear",
                    id="doc-filter", classes="hidden")
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Static(id="doc-summary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for i, name in enumerate(COLUMNS):
            table.add_column(name, key=str(i))
        table.focus()  # the rows load on screen resume, which follows mount

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        project = self.app.project
        self.title = project.name
        self.sub_title = f"coder {project.coder}"
        self.rows = document_rows(project.documents(), project.document_progress())
        names: dict[int, list[str]] = {}
        for speaker in project.speakers():
            if speaker.role == "interviewer":
                names.setdefault(speaker.document_id, []).append(speaker.label or "(no name)")
        self.interviewers = {doc: ", ".join(labels) for doc, labels in names.items()}
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        rows = [r for r in self.rows if matches(r, self.filter_text)]
        who = self.interviewers
        rows.sort(key=lambda r: _sort_key(r, self.sort_column, who.get(r.document.id, "")),
                  reverse=self.sort_reverse)
        for row in rows:
            table.add_row(*_cells(row, who.get(row.document.id, "")), key=str(row.document.id))
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        total_turns = sum(r.participant_turns for r in self.rows)
        coded = sum(r.coded_turns for r in self.rows)
        arrow = "↓" if self.sort_reverse else "↑"
        self.query_one("#doc-summary", Static).update(
            f"{len(rows)} of {len(self.rows)} documents · sorted by {COLUMNS[self.sort_column]} {arrow}"
            + (f" · filter: {self.filter_text}" if self.filter_text else "")
            + f" · you have coded {coded} of {total_turns} participant turns"
            + ("" if self.rows else " · import transcripts from the command palette (ctrl+p)"))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self.post_message(OpenDocument(int(key.value)))

    def action_speakers(self) -> None:
        """Show the highlighted document's speakers to correct who is the interviewer."""
        from evalbench.tui.screens.speaker_roles import SpeakerRolesScreen

        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self.app.push_screen(SpeakerRolesScreen(int(key.value)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.post_message(OpenDocument(int(event.row_key.value)))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = int(event.column_key.value)
        self.sort_reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column = column
        self._fill()

    def action_sort(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(COLUMNS)
        self._fill()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._fill()

    def action_filter(self) -> None:
        box = self.query_one("#doc-filter", Input)
        box.remove_class("hidden")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.filter_text = event.value.strip()
        self._fill()
        self.query_one(DataTable).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#doc-filter", Input)
        box.value = ""
        box.add_class("hidden")
        self.filter_text = ""
        self._fill()
        self.query_one(DataTable).focus()
