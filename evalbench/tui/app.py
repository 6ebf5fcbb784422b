"""The evalbench Textual app: modes, app-wide keys, and routing of app-wide messages.

Screens do the work; the app holds the main-thread :class:`Project`, opens
screens in answer to :mod:`evalbench.tui.messages`, and runs long jobs
(import, export, retraining) through :class:`TaskScreen` so the UI stays live.
It also applies the user's settings (:mod:`evalbench.tui.settings`): the keymap,
and the colour theme — the one configured or last chosen in the palette, else
light or dark as the terminal is.
"""

from __future__ import annotations

import importlib
import pkgutil

from textual.app import App
from textual.binding import Binding

from evalbench.tui import actions, colors, heap, keys
from evalbench.tui import settings as tui_settings
from evalbench.tui.commands import palette_commands
from evalbench.tui.messages import BrowseCode, OpenDocument, ProjectChanged
from evalbench.tui.screens.documents import DocumentsScreen
from evalbench.tui.suggest_service import SETTLE_SECONDS, Suggestions, SuggestionService
from evalbench.tui.writes import Writes


def _code_browser():
    from evalbench.tui.screens.code_browser import CodeBrowserScreen

    return CodeBrowserScreen()


def _analysis():
    from evalbench.tui.screens.analysis import AnalysisScreen

    return AnalysisScreen()


def _themes():
    from evalbench.tui.screens.themes import ThemesScreen

    return ThemesScreen()


class EvalbenchApp(App):
    """The coding workbench for one open project."""

    CSS_PATH = "app.tcss"
    TITLE = "evalbench"
    # Screens other than the first are imported when first opened, to start faster.
    MODES = {"documents": DocumentsScreen, "codes": _code_browser, "analysis": _analysis, "themes": _themes}
    DEFAULT_MODE = "documents"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("f2", "documents", "Documents", id="app.documents"),
        Binding("f3", "browse_codes", "Codes", id="app.code-browser"),
        Binding("f4", "analysis", "Analysis", id="app.analysis"),
        Binding("f5", "themes", "Themes", id="app.themes"),
        Binding("ctrl+z", "undo", "Undo", show=False, id="app.undo"),
        Binding("ctrl+y", "redo", "Redo", show=False, id="app.redo"),
        Binding("ctrl+o", "switch_coder", "Switch coder", show=False, id="app.switch-coder"),
    ]

    def __init__(
        self,
        project,
        *,
        settings: tui_settings.Settings | None = None,
        light: bool | None = None,
        suggestions: Suggestions | None = None,
        suggest_delay: float = SETTLE_SECONDS,
    ) -> None:
        """The workbench on an open ``project``; build it with :func:`evalbench.tui.launch.make_app`.

        ``settings`` default to the user's config file; ``light`` says the
        terminal is light (None: unknown); ``suggestions`` is the suggestion
        thread (default: the app's own :class:`SuggestionService`);
        ``suggest_delay`` the seconds the cursor rests before a turn's
        suggestions are asked (0: at once).
        """
        super().__init__()
        self.project = project
        self.suggestions: Suggestions = suggestions if suggestions is not None else SuggestionService(self)
        self.suggest_delay = suggest_delay
        self.writes = Writes(self)  #: every change to the project goes through it (short wait, retry when busy)
        self.settings = settings if settings is not None else tui_settings.load()
        self.margin_default = self.settings.margin
        self.light_terminal = light
        self._theme_ready = False
        self._clashes: set[str] = set()
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)

    def on_mount(self) -> None:
        self.writes.start()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        name = self.settings.theme
        if name and name not in self.available_themes:
            self.settings.problems.append(f"theme {name!r} is not one of: {', '.join(sorted(self.available_themes))}")
            name = None
        if name is None:
            light = self.light_terminal if self.light_terminal is not None else tui_settings.terminal_is_light()
            name = "textual-light" if light else self.theme
        self.theme = name
        colors.set_theme(not self.current_theme.dark, self.current_theme.background)

    def on_ready(self) -> None:
        heap.settle()  # the first screen is up: what exists now lives as long as the app
        self._theme_ready = True
        if self.settings.keymap:
            known = keys.binding_ids(screen_classes())
            self.settings.problems += [
                f"keymap: no key binding {i!r} (the help screen, ?, lists them)"
                for i in self.settings.keymap
                if i not in known
            ]
        for problem in self.settings.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=12)

    # --- settings: theme, keys, what is remembered ------------------------------
    def _theme_changed(self, theme) -> None:
        colors.set_theme(not theme.dark, theme.background)
        if self._theme_ready:
            self.remember(theme=theme.name)
            changed = getattr(self.screen, "theme_changed", None) or getattr(self.screen, "reload", None)
            if changed is not None:
                changed()

    def remember(self, **values) -> None:
        """Remember a choice made in the workbench (theme, margin) for the next session."""
        tui_settings.remember(**values)

    def key_of(self, binding_id: str) -> str:
        """The first key in force for a binding id, as printed ('' when no known binding has that id)."""
        binding = keys.binding_ids([type(self), type(self.screen)]).get(binding_id)
        if binding is None:
            return ""
        found = keys.keys_of(binding, self.settings.keymap)
        return keys.display(found[0]) if found else ""

    def handle_bindings_clash(self, clashed_bindings, node) -> None:
        """Say once which of the user's keys clash with another binding (the keymap's binding wins)."""
        new = {f"{b.id or b.action} ({keys.display(b.key)})" for b in clashed_bindings} - self._clashes
        if new:
            self._clashes |= new
            self.notify(
                "Keymap: these bindings lost their key to another: " + ", ".join(sorted(new)),
                title="Settings",
                severity="warning",
                timeout=12,
            )

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen in the current folder (Textual's default, a Downloads folder,
        does not exist on most servers) and say where it went."""
        return actions.screenshot(self, filename, path, time_format)

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

    async def _to_mode(self, mode: str) -> None:
        """Show a mode's main screen: from another mode, or from a screen opened on top of it
        (F2 in the coding view reaches the documents list; the view remembers where you were)."""
        if self.current_mode != mode:
            await self.switch_mode(mode)
            return
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.pop_screen()

    async def action_documents(self) -> None:
        await self._to_mode("documents")

    async def action_browse_codes(self) -> None:
        await self._to_mode("codes")

    async def action_analysis(self) -> None:
        await self._to_mode("analysis")

    async def action_themes(self) -> None:
        await self._to_mode("themes")

    def action_help(self) -> None:
        from evalbench.tui.screens.agreement import AgreementScreen
        from evalbench.tui.screens.analysis import AnalysisScreen
        from evalbench.tui.screens.code_browser import CodeBrowserScreen
        from evalbench.tui.screens.coding import CodingScreen
        from evalbench.tui.screens.consensus import ConsensusScreen
        from evalbench.tui.screens.help import HelpScreen
        from evalbench.tui.screens.themes import ThemesScreen

        self.push_screen(
            HelpScreen(
                [
                    (
                        "Everywhere",
                        [
                            *self.BINDINGS,
                            Binding("ctrl+p", "", "Command palette: every action"),
                            Binding("ctrl+q", "", "Quit"),
                        ],
                    ),
                    ("Documents", DocumentsScreen.BINDINGS),
                    ("Coding", CodingScreen.BINDINGS),
                    ("Code browser", CodeBrowserScreen.BINDINGS),
                    ("Analysis", AnalysisScreen.BINDINGS),
                    ("Themes", ThemesScreen.BINDINGS),
                    ("Agreement", AgreementScreen.BINDINGS),
                    ("Consensus", ConsensusScreen.BINDINGS),
                ],
                self.settings.keymap,
            )
        )

    # --- changes ----------------------------------------------------------------
    def refresh_screen(self) -> None:
        """Tell the visible screen the project changed."""
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def on_project_changed(self, message: ProjectChanged) -> None:
        self.refresh_screen()

    def action_undo(self) -> None:
        def done(label: str | None) -> None:
            self.notify(f"Undid: {actions.in_words(self.project, label)}" if label else "Nothing to undo")
            self.refresh_screen()

        self.writes.run(self.project.undo, done, what="undo", owner=self)

    def action_redo(self) -> None:
        def done(label: str | None) -> None:
            self.notify(f"Redid: {actions.in_words(self.project, label)}" if label else "Nothing to redo")
            self.refresh_screen()

        self.writes.run(self.project.redo, done, what="redo", owner=self)

    def action_switch_coder(self) -> None:
        actions.switch_coder(self)

    def action_import_files(self) -> None:
        actions.import_files(self)

    def action_export(self) -> None:
        actions.export(self)

    def action_retrain(self) -> None:
        actions.retrain(self)

    def action_agreement(self) -> None:
        from evalbench.tui.screens.agreement import AgreementScreen

        self.push_screen(AgreementScreen())

    def action_consensus(self) -> None:
        from evalbench.tui.screens.consensus import ConsensusScreen

        self.push_screen(ConsensusScreen())


def screen_classes() -> list[type]:
    """The app and every screen and widget class of the workbench that declares key bindings, imported.

    Walks ``evalbench.tui.screens`` and ``evalbench.tui.widgets``, so a new
    screen's bindings are known to the keymap without being listed here.
    """
    import evalbench.tui.screens as screens
    import evalbench.tui.widgets as widgets

    found: list[type] = [EvalbenchApp]
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            found += [
                obj
                for obj in vars(module).values()
                if isinstance(obj, type) and obj.__module__ == module.__name__ and "BINDINGS" in vars(obj)
            ]
    return found
