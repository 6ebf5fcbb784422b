"""The documents screen: every transcript with who, how long, and how far coded.

Sort by any column (press its key or click the header), filter by attribute
(``site=NFG role=nurse`` or any text), Enter opens the coding view. The
Interviewer column shows who evalbench took for the interviewer; ``i``
corrects a speaker's role (:class:`SpeakerRolesScreen`).

Columns are laid out for the terminal's width by priority
(:func:`evalbench.tui.fit.fit_columns`): the document, how far you have coded
it and your codings come first; where space is short the interviewer, turns,
site and role give way, and where there is room every value is shown whole.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from evalbench.tui.fit import Column, Part, clip, fit_columns, fit_parts
from evalbench.tui.messages import OpenDocument
from evalbench.tui.overview import DocumentRow, document_rows
from evalbench.tui.widgets.title_bar import TitleBar

COLUMNS = ("Document", "Participant", "Role", "Site", "Words", "Turns", "% coded", "Codings", "Interviewer")
#: How much each column matters (0 most) and the narrowest it may get before it is left out.
PRIORITY = (0, 2, 4, 5, 3, 6, 1, 1, 7)
MINIMUM = (12, 5, 6, 6, 5, 5, 7, 7, 8)
PREFERRED = (26, None, 12, 16, None, None, None, None, 16)


def _values(row: DocumentRow, interviewer: str) -> tuple[str, ...]:
    return (
        row.document.name,
        row.document.participant or "—",
        row.attribute("role", "job", "position"),
        row.attribute("site", "location", "organisation", "organization"),
        str(row.document.words),
        str(row.turns),
        f"{row.percent_coded:5.0f}%",
        str(row.codings),
        interviewer or "none",
    )


def _cells(row: DocumentRow, interviewer: str, widths: list[int | None]) -> tuple:
    values = _values(row, interviewer)
    pct = row.percent_coded
    out = []
    for i, (value, width) in enumerate(zip(values, widths, strict=True)):
        if width is None:
            continue
        if i == 6:
            out.append(Text(value, style="green" if pct >= 99.5 else ("yellow" if pct > 0 else "dim")))
        elif i == 8 and not interviewer:
            out.append(Text("none", style="dim"))
        elif i in (4, 5, 7):
            out.append(Text(value, justify="right"))
        else:
            out.append(clip(value, width))
    return tuple(out)


def _sort_key(row: DocumentRow, column: int, interviewer: str):
    values = (
        row.document.name,
        row.document.participant or "",
        row.attribute("role", "job", "position"),
        row.attribute("site", "location", "organisation", "organization"),
        row.document.words,
        row.turns,
        row.percent_coded,
        row.codings,
        interviewer,
    )
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
            haystack = " ".join([row.document.name, row.document.participant or "", *row.attributes.values()]).lower()
            if word not in haystack:
                return False
    return True


class DocumentsScreen(Screen):
    """The project's transcripts as a sortable, filterable table."""

    BINDINGS = [
        Binding("o", "open", "Open", id="documents.open"),
        Binding("i", "speakers", "Speaker roles", id="documents.speakers"),
        Binding("slash", "filter", "Filter", id="documents.filter"),
        Binding("s", "sort", "Sort", id="documents.sort"),
        Binding("R", "reverse", "Reverse", show=False, id="documents.reverse"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="documents.clear-filter"),
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
        yield Input(
            placeholder="filter: site=NFG role=nurse or any text · Enter to apply · Escape to clear",
            id="doc-filter",
            classes="hidden",
        )
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Static(id="doc-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.widths: list[int | None] = [None] * len(COLUMNS)
        self.query_one(DataTable).focus()  # the rows load on screen resume, which follows mount

    def on_resize(self) -> None:
        if self.rows and self._fit(self.rows) != self.widths:  # refill only when the columns change
            self._fill()

    def _fit(self, rows: list[DocumentRow]) -> list[int | None]:
        """Column widths for the table's width: whole values where there is room, by priority where not."""
        values = [_values(r, self.interviewers.get(r.document.id, "")) for r in rows]
        specs = [
            Column(name, PRIORITY[i], max([len(name)] + [len(v[i]) for v in values]), MINIMUM[i], PREFERRED[i])
            for i, name in enumerate(COLUMNS)
        ]
        width = (self.query_one(DataTable).size.width or self.app.size.width) - 4  # cell padding, scrollbar
        return fit_columns(specs, width, gap=2)

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
        rows = [r for r in self.rows if matches(r, self.filter_text)]
        who = self.interviewers
        rows.sort(key=lambda r: _sort_key(r, self.sort_column, who.get(r.document.id, "")), reverse=self.sort_reverse)
        widths = self._fit(self.rows)
        if widths != self.widths or not table.columns:
            table.clear(columns=True)
            for i, (name, width) in enumerate(zip(COLUMNS, widths, strict=True)):
                if width is not None:
                    table.add_column(name, key=str(i), width=width)
            self.widths = widths
        else:
            table.clear()
        for row in rows:
            table.add_row(*_cells(row, who.get(row.document.id, ""), widths), key=str(row.document.id))
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        total_turns = sum(r.participant_turns for r in self.rows)
        coded = sum(r.coded_turns for r in self.rows)
        arrow = "↓" if self.sort_reverse else "↑"
        parts = [
            Part(0, f"{len(rows)} of {len(self.rows)} documents", f"{len(rows)}/{len(self.rows)} docs"),
            Part(2, f"sorted by {COLUMNS[self.sort_column]} {arrow}", f"by {COLUMNS[self.sort_column]} {arrow}"),
            Part(1, f"you have coded {coded} of {total_turns} participant turns", f"coded {coded}/{total_turns} turns"),
        ]
        if self.filter_text:
            parts.insert(1, Part(1, f"filter: {self.filter_text}"))
        if not self.rows:
            parts.append(Part(0, "import transcripts from the command palette (ctrl+p)", "ctrl+p: import"))
        self.query_one("#doc-summary", Static).update(" · ".join(fit_parts(parts, (self.size.width or 80) - 2)))

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
        column = int(event.column_key.value)  # keys are positions in COLUMNS, whichever are shown
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
