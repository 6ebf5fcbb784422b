"""The evalbench Textual app: modes, app-wide keys, and routing of app-wide messages.

Screens do the work; the app holds the main-thread :class:`Project`, opens
screens in answer to :mod:`evalbench.tui.messages`, and runs long jobs
(import, export, retraining) through :class:`TaskScreen` so the UI stays live.
"""

from __future__ import annotations

import importlib

from textual.app import App
from textual.binding import Binding

from evalbench.tui import actions, heap
from evalbench.tui.commands import palette_commands
from evalbench.tui.messages import BrowseCode, OpenDocument, ProjectChanged
from evalbench.tui.screens.documents import DocumentsScreen
from evalbench.tui.suggest_service import SuggestionService


def _code_browser():
    from evalbench.tui.screens.code_browser import CodeBrowserScreen

    return CodeBrowserScreen()


def _analysis():
    from evalbench.tui.screens.analysis import AnalysisScreen

    return AnalysisScreen()


class EvalbenchApp(App):
    """The coding workbench for one open project."""

    CSS_PATH = "app.tcss"
    TITLE = "evalbench"
    # Screens other than the first are imported when first opened, to start faster.
    MODES = {"documents": DocumentsScreen, "codes": _code_browser, "analysis": _analysis}
    DEFAULT_MODE = "documents"
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("f2", "documents", "Documents"),
        Binding("f3", "browse_codes", "Codes"),
        Binding("f4", "analysis", "Analysis"),
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y", "redo", "Redo", show=False),
        Binding("ctrl+o", "switch_coder", "Switch coder", show=False),
    ]

    def __init__(self, project) -> None:
        super().__init__()
        self.project = project
        self.suggestions = SuggestionService(self)

    def on_ready(self) -> None:
        heap.settle()  # the first screen is up: what exists now lives as long as the app

    def on_unmount(self) -> None:
        self.suggestions.stop()
        heap.release()

    def settle_heap_when_idle(self, delay: float = 1.0) -> None:
        """Settle the heap ``delay`` seconds from now, unless a coding view is open by then.

        A closed coding view leaves tens of thousands of objects to collect; left
        alone they are collected in the middle of the next view's first paint.
        """
        def settle() -> None:
            from evalbench.tui.screens.coding import CodingScreen

            if not isinstance(self.screen, CodingScreen):
                heap.settle()

        self.set_timer(delay, settle)

    def get_system_commands(self, screen):
        yield from palette_commands(self)
        yield from super().get_system_commands(screen)

    # --- navigation -----------------------------------------------------------
    async def on_open_document(self, message: OpenDocument) -> None:
        from evalbench.tui.screens.coding import CodingScreen

        if self.current_mode != "documents":
            await self.switch_mode("documents")
        while isinstance(self.screen, CodingScreen):
            self.pop_screen()
        await self.push_screen(CodingScreen(message.document_id, message.offset))

    async def on_browse_code(self, message: BrowseCode) -> None:
        await self.switch_mode("codes")
        self.screen.show_code(message.code_id)

    def action_documents(self) -> None:
        self.switch_mode("documents")

    def action_browse_codes(self) -> None:
        self.switch_mode("codes")

    def action_analysis(self) -> None:
        self.switch_mode("analysis")

    def action_help(self) -> None:
        from evalbench.tui.screens.analysis import AnalysisScreen
        from evalbench.tui.screens.code_browser import CodeBrowserScreen
        from evalbench.tui.screens.coding import CodingScreen
        from evalbench.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen([
            ("Everywhere", [*self.BINDINGS, Binding("ctrl+p", "", "Command palette: every action"),
                            Binding("ctrl+q", "", "Quit")]),
            ("Documents", DocumentsScreen.BINDINGS), ("Coding", CodingScreen.BINDINGS),
            ("Code browser", CodeBrowserScreen.BINDINGS), ("Analysis", AnalysisScreen.BINDINGS),
            *team_bindings(),
        ]))

    # --- changes ----------------------------------------------------------------
    def refresh_screen(self) -> None:
        """Tell the visible screen the project changed."""
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.refresh_screen()

    def action_undo(self) -> None:
        label = self.project.undo()
        self.notify(f"Undid: {label}" if label else "Nothing to undo")
        self.refresh_screen()

    def action_redo(self) -> None:
        label = self.project.redo()
        self.notify(f"Redid: {label}" if label else "Nothing to redo")
        self.refresh_screen()

    def action_switch_coder(self) -> None:
        actions.switch_coder(self)

    def action_import_files(self) -> None:
        actions.import_files(self)

    def action_export(self) -> None:
        actions.export(self)

    def action_retrain(self) -> None:
        actions.retrain(self)

    def action_agreement(self) -> None:
        actions.open_team_screen(self, "agreement")

    def action_consensus(self) -> None:
        actions.open_team_screen(self, "consensus")


def team_bindings() -> list[tuple[str, list]]:
    """The agreement and consensus screens' keys, when those screens are installed."""
    out = []
    for title, module, name in (("Agreement", "agreement", "AgreementScreen"),
                                ("Consensus", "consensus", "ConsensusScreen")):
        try:
            screen = getattr(importlib.import_module(f"evalbench.tui.screens.{module}"), name)
        except (ImportError, AttributeError):
            continue
        out.append((title, [b for b in screen.BINDINGS if isinstance(b, Binding)]))
    return out
