"""The export form: where to write, and the report options a lead changes most.

The same things ``evalbench export`` takes: the file (its extension picks the
format, from :mod:`evalbench.export.registry`), the layout (constructs or themes), which coding counts (blank: the
only coder's or a complete consensus; a coder's name; ``consensus``; ``all``
for every coder's), the paper and whether to embed figures. Options a format
does not use (paper for a spreadsheet) are left out rather than refused, so one
form serves every format. Enter in any field exports; Tab moves; Escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from evalbench.errors import UserError
from evalbench.export import registry


@dataclass(frozen=True)
class ExportRequest:
    """What the form asks for, as typed."""

    path: str
    layout: str = ""
    coding: str = ""
    paper: str = ""
    figures: str = ""


@dataclass(frozen=True)
class ExportPlan:
    """A checked request: the format, the file, the coding and the options for ``Project.write_export``."""

    fmt: str
    out: Path
    coder: str | None
    all_coders: bool
    options: dict


def plan_export(request: ExportRequest, defaults: dict | None = None) -> ExportPlan:
    """The export a form asks for, or a UserError naming the field that is wrong."""
    from evalbench.export.options import check_options

    out = Path(request.path.strip()).expanduser()
    kind = registry.for_path(out)
    if not request.path.strip() or kind is None:
        raise UserError(f"{out}: give a file ending in {', '.join(registry.suffixes())}")
    defaults = dict(defaults or {})
    coding = request.coding.strip()
    coder = defaults.pop("coder", None) if not coding else (None if coding.lower() == "all" else coding)
    all_coders = coding.lower() == "all"
    options = {k: v for k, v in defaults.items() if v is not None}
    typed = {"layout": request.layout.strip().lower(), "paper": request.paper.strip().lower()}
    figures = request.figures.strip().lower()
    if figures:
        if figures not in ("yes", "no", "y", "n"):
            raise UserError(f"figures: yes or no, not {request.figures.strip()!r}")
        typed["figures"] = figures.startswith("y")
    options.update({k: v for k, v in typed.items() if v not in ("", None)})
    options = {k: v for k, v in options.items() if k in kind.options}
    check_options(kind.name, options)
    return ExportPlan(kind.name, out, coder, all_coders, options)


class ExportPrompt(ModalScreen[ExportPlan | None]):
    """Ask where to export and how; the form stays open, saying what is wrong, until the export is possible."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]
    # One-line fields, so the whole form fits an 80×24 terminal.
    DEFAULT_CSS = """
    ExportPrompt .field-label { color: $text-muted; padding: 0; }
    ExportPrompt Input, ExportPrompt Input:focus { height: 1; border: none; padding: 0 1; margin: 0;
                                                   background: $boost; }
    ExportPrompt Input:focus { background: $primary 30%; }
    """
    FIELDS = (
        ("path", "File ({suffixes})", ""),  # the suffixes registered when the form opens
        ("layout", "Findings table: constructs or themes", "constructs"),
        ("coding", "Which coding: blank (default rule), NAME, consensus, all", "blank"),
        ("paper", "Paper (Word): letter or a4", "letter"),
        ("figures", "Figures in the Word report: yes or no", "yes"),
    )

    def __init__(
        self, default: str = "", defaults: dict | None = None, check: Callable[[ExportRequest], object] | None = None
    ) -> None:
        super().__init__()
        self.default, self.defaults = default, defaults or {}
        self.check = check or (lambda request: plan_export(request, self.defaults))

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal prompt export"):
            yield Label("Export", classes="modal-title")
            for name, label, hint in self.FIELDS:
                yield Label(label.format(suffixes=" ".join(registry.suffixes())), classes="field-label")
                yield Input(self.default if name == "path" else "", placeholder=hint, id=f"export-{name}")
            yield Label("Enter to export · Tab next field · Escape to cancel", classes="modal-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        request = ExportRequest(**{name: self.query_one(f"#export-{name}", Input).value for name, _, _ in self.FIELDS})
        try:
            plan = self.check(request)
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return
        self.dismiss(plan)

    def action_cancel(self) -> None:
        self.dismiss(None)
