"""Agreement: per-code intercoder agreement, worst first, and each code's disagreements.

The table lists every code in use with percent agreement, Cohen's κ, Krippendorff's
α and how often each coder applied it, lowest agreement first. Enter on a code
lists its disagreements below; Enter on a disagreement opens it in the coding
view (:class:`OpenDocument`). ``k`` walks them in the consensus screen. The
figures are computed by :meth:`Project.agreement` in a thread worker on its own
connection.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from evalbench.codebook.labels import code_labels
from evalbench.team.report_files import clip
from evalbench.team.report_files import fmt as stat
from evalbench.tui.fit import Part, fit_parts
from evalbench.tui.messages import OpenDocument
from evalbench.tui.widgets.title_bar import TitleBar


def figures(report) -> list[Part]:
    """The agreement in a line or two, most telling first (``evalbench agreement`` prints the methods
    paragraph; a screen at 80×24 keeps its rows for the codes)."""
    o = report.overall
    used = sum(1 for c in report.codes if c.n_units)
    parts = [
        Part(0, f"{' vs '.join(report.coders)}"),
        Part(0, f"agreement {stat(o.percent, 1)}%"),
        Part(0, f"κ {stat(o.kappa)}"),
        Part(1, f"α {stat(o.alpha)}"),
    ]
    if o.ac1 is not None:
        parts.append(Part(3, f"AC1 {stat(o.ac1)}"))
    if o.codes_rated:
        name, mean = ("κ", o.mean_kappa) if len(report.coders) == 2 else ("α", o.mean_alpha)
        parts += [
            Part(1, f"mean per-code {name} {stat(mean)}"),
            Part(1, f"{o.codes_below} of {o.codes_rated} codes below 0.4", f"{o.codes_below} codes below 0.4"),
        ]
    parts += [
        Part(2, f"{len(report.documents)} documents, {used} codes in use"),
        Part(3, f"{o.n_units:,} unit × code decisions"),
    ]
    if unused := len(report.codes) - used:
        parts.append(Part(4, f"{unused} codes unused"))
    return parts


def stat_style(value: float | None) -> str:
    """Red below 0.4, yellow below 0.67, green from 0.67 (the usual rough thresholds)."""
    if value is None:
        return "dim"
    return "red" if value < 0.4 else "yellow" if value < 0.67 else "green"


class AgreementScreen(Screen):
    """Per-code agreement between two or more coders, and the disagreements behind it."""

    DEFAULT_CSS = """
    AgreementScreen #agreement-bar { height: auto; max-height: 2; padding: 0 1; background: $panel; }
    AgreementScreen #agreement-table { height: 1fr; }
    AgreementScreen #disagreements-title { height: 1; padding: 0 1; background: $panel; }
    AgreementScreen #disagreements { height: 12; max-height: 40%; border: none; }
    """

    BINDINGS = [
        Binding("u", "toggle_unit", "Turn/char units", id="agreement.toggle-unit"),
        Binding("i", "toggle_interviewer", "Interviewer turns", id="agreement.toggle-interviewer"),
        Binding("o", "choose_coders", "Coders", id="agreement.choose-coders"),
        Binding("k", "consensus", "Consensus", id="agreement.consensus"),
        Binding("escape", "app.pop_screen", "Back", id="agreement.back"),
    ]

    def __init__(self, coders: list[str] | None = None, *, unit: str = "turn") -> None:
        super().__init__()
        self.coders = list(coders) if coders else None
        self.unit = unit
        self.include_interviewer = False
        self.report = None
        self.code_id: str | None = None
        self.shown = []

    def compose(self) -> ComposeResult:
        yield TitleBar()  # the same one-line title as every other screen
        yield Static("Computing agreement…", id="agreement-bar")
        yield DataTable(id="agreement-table", cursor_type="row", zebra_stripes=True)
        yield Static("Enter on a code lists its disagreements", id="disagreements-title")
        yield OptionList(id="disagreements", classes="hidden")  # shown when a code's disagreements are listed
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Agreement"
        if self.coders is None:
            self.coders = self.app.project.team_coders()[:2]
        self.reload()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        if not self.coders or len(self.coders) < 2:
            self._message(
                "Agreement needs codings by at least two coders (switch coder with ctrl+o, "
                "or merge another coder's project with `evalbench merge`)."
            )
            return
        self.sub_title = f"{' vs '.join(self.coders)} · {self.unit} units"
        self.query_one("#agreement-bar", Static).update("Computing agreement…")
        self._compute(list(self.coders), self.unit, self.include_interviewer)

    def _message(self, text: str) -> None:
        self.query_one(DataTable).clear(columns=True)
        self.query_one("#agreement-bar", Static).update(text)

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False)
    def _compute(self, coders: list[str], unit: str, include_interviewer: bool) -> None:
        from evalbench.errors import UserError

        try:
            with self.app.project.reopen() as project:
                report = project.agreement(coders, unit=unit, include_interviewer=include_interviewer)
        except UserError as exc:
            self.app.call_from_thread(self._message, str(exc))
            return
        self.app.call_from_thread(self._fill, report)

    def _fill(self, report) -> None:
        if (list(report.coders), report.unit, report.include_interviewer) != (
            self.coders,
            self.unit,
            self.include_interviewer,
        ):
            return
        self.report = report
        self.labels = code_labels(self.app.project.codes())
        table = self.query_one(DataTable)
        table.clear(columns=True)
        names = [self.labels.get(c.code, c.name) for c in report.codes if c.n_units]
        table.add_column(
            "Code",
            key="code",  # the names take what they need, up to 40 % of the screen
            width=min(max([len(n) for n in names] + [4]), max(16, round(self.size.width * 0.4))),
        )
        for label in ("%", "κ", "α", "Units"):
            table.add_column(label, key=label)
        for coder in report.coders:
            table.add_column(coder, key=f"applied:{coder}")
        table.add_column("Disagree", key="n_disagreements")
        for c in report.worst_first():
            if not c.n_units:
                continue
            table.add_row(
                Text(self.labels.get(c.code, c.name), style="bold", no_wrap=True, overflow="ellipsis"),
                stat(c.percent, 1),
                Text(stat(c.kappa), style=stat_style(c.kappa)),
                Text(stat(c.alpha), style=stat_style(c.alpha)),
                f"{c.n_units:,}",
                *[f"{c.n_applied.get(k, 0):,}" for k in report.coders],
                str(c.n_disagreements),
                key=c.code,
            )
        self.query_one("#agreement-bar", Static).update(" · ".join(fit_parts(figures(report), 2 * self.size.width - 6)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.show_disagreements(str(event.row_key.value))

    def show_disagreements(self, code_id: str) -> None:
        """List the disagreements on one code in the panel below and focus it."""
        self.code_id = code_id
        self.shown = self.app.project.disagreements(
            self.coders, code=code_id, unit=self.unit, include_interviewer=self.include_interviewer
        )
        whose = {d.id: d.participant for d in self.app.project.documents() if d.participant}
        options = []
        for i, d in enumerate(self.shown):
            who = whose.get(d.document_id)
            text = Text(f"{who} · {d.document} turn {d.turn}" if who else f"{d.document} turn {d.turn}", style="bold")
            text.append(f"  applied by {', '.join(d.applied_by)}", style="cyan")
            text.append(f", not by {', '.join(d.not_applied_by)}", style="dim")
            if d.decision:
                text.append(f"  ✓ {d.decision.replace('_', ' ')}", style="green")
            text.append("\n“" + clip(d.text) + "”")
            options.append(Option(text, id=str(i)))
        listing = self.query_one("#disagreements", OptionList)
        listing.set_options(options or [Option(Text("No disagreements on this code.", style="dim"), disabled=True)])
        listing.remove_class("hidden")
        self.query_one("#disagreements-title", Static).update(
            f"{len(self.shown)} disagreement(s) on {self._label(code_id)} · Enter opens one in the coding view"
        )
        if options:
            listing.highlighted = 0
            listing.focus()

    def _label(self, code_id: str) -> str:
        labels = getattr(self, "labels", None) or code_labels(self.app.project.codes())
        return labels.get(code_id, code_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            d = self.shown[int(event.option.id)]
            self.post_message(OpenDocument(d.document_id, d.start))

    def action_toggle_unit(self) -> None:
        self.unit = "char" if self.unit == "turn" else "turn"
        self.reload()

    def action_toggle_interviewer(self) -> None:
        self.include_interviewer = not self.include_interviewer
        self.reload()

    def action_choose_coders(self) -> None:
        from evalbench.tui.screens.prompt import LinePrompt

        def chosen(value: str | None) -> None:
            names = [n.strip() for n in (value or "").split(",") if n.strip()]
            if len(names) >= 2:
                self.coders = names
                self.reload()
            elif value:
                self.app.notify("Name at least two coders, separated by commas", severity="warning")

        known = ", ".join(self.app.project.team_coders())
        self.app.push_screen(
            LinePrompt("Coders to compare (separated by commas)", ",".join(self.coders or []), f"coders: {known}"),
            chosen,
        )

    def action_consensus(self) -> None:
        from evalbench.tui.screens.consensus import ConsensusScreen

        if self.coders and len(self.coders) >= 2:
            self.app.push_screen(
                ConsensusScreen(
                    self.coders, code=self.code_id, unit=self.unit, include_interviewer=self.include_interviewer
                )
            )

    def on_screen_resume(self) -> None:
        """Back from consensus or the coding view: refresh figures and the open list."""
        if self.report is not None:
            self.reload()
            if self.code_id:
                self.show_disagreements(self.code_id)
