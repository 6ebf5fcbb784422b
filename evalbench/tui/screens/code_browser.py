"""The code browser: pick a code, see every excerpt coded with it (and its sub-codes), jump to one.

``*`` stars the highlighted excerpt as an exemplar quote (the Word export's
theme table puts starred quotes first); a star is one undoable action.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from evalbench.codebook.labels import code_labels
from evalbench.model import Coding
from evalbench.tui.colors import VALENCE_STYLE, code_colors
from evalbench.tui.fit import clip
from evalbench.tui.messages import OpenDocument
from evalbench.tui.screens.analysis_cells import STAR
from evalbench.tui.widgets.title_bar import TitleBar

EXCERPT_CHARS = 300


class CodeBrowserScreen(Screen):
    """Codes on the left (with counts over all coders), excerpts on the right."""

    BINDINGS = [
        Binding("a", "toggle_coders", "All coders / mine", id="browser.toggle-coders"),
        Binding("asterisk", "star", "Star excerpt", id="browser.star"),
        Binding("T", "send_to_theme", "Send to theme", id="browser.send-to-theme"),
        Binding("u", "app.undo", "Undo", show=False, id="browser.undo"),
        Binding("U", "app.redo", "Redo", show=False, id="browser.redo"),
        Binding("tab", "app.focus_next", "Switch pane", show=False, id="browser.focus-next"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine_only = False
        self.code_id: str | None = None
        self._shown: list[Coding] = []
        self._listed: str | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="browser"):
            with Vertical(id="browser-codes"):
                yield Static("Codes", classes="panel-title")
                yield OptionList(id="code-list")
            with Vertical(id="browser-excerpts"):
                yield Static("Excerpts", classes="panel-title", id="excerpt-title")
                yield OptionList(id="excerpt-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Code browser"  # the data loads on screen resume, which follows mount
        self.query_one("#code-list").focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        project = self.app.project
        self.sub_title = f"coder {project.coder}" + (" · your codings" if self.mine_only else " · all coders")
        self.codes = project.codes()
        self.code_palette = code_colors(self.codes)
        self.children_of: dict[str, list[str]] = {}
        depth: dict[str, int] = {}
        for c in self.codes:
            self.children_of.setdefault(c.parent_id or "", []).append(c.id)
            depth[c.id] = depth.get(c.parent_id, -1) + 1 if c.parent_id else 0
        self.codings = project.codings(coder=project.coder if self.mine_only else None)
        self.docs = {d.id: d for d in project.documents()}
        self.labels = code_labels(self.codes)
        self.depth = depth
        counts: dict[str, int] = {}
        for c in self.codings:
            counts[c.code_id] = counts.get(c.code_id, 0) + 1
        self.totals = {code.id: sum(counts.get(i, 0) for i in self._subtree(code.id)) for code in self.codes}
        self._fit_panes()
        self._list_codes()

    def on_resize(self) -> None:
        if getattr(self, "codes", None) is not None:
            self._fit_panes()
            self._list_codes()

    def _fit_panes(self) -> None:
        """The code list as wide as its names need (a third to two fifths of the screen), the excerpts the rest."""
        width = self.size.width or self.app.size.width
        longest = max([len(c.name) + 2 * self.depth[c.id] for c in self.codes] + [10]) + 8
        self.query_one("#browser-codes").styles.width = max(28, min(50, longest, round(width * 0.4)))

    def _list_codes(self) -> None:
        """One line per code, fitted to the list: the name is cut so its count stays in view."""
        listing = self.query_one("#code-list", OptionList)
        width = (listing.size.width or 30) - 3  # the scrollbar and a space
        options = []
        for code in self.codes:
            indent = "  " * self.depth[code.id]
            total = self.totals.get(code.id, 0)
            count = f" {total}" if total else ""
            text = Text(indent, no_wrap=True, overflow="ellipsis")
            text.append("■ ", style=self.code_palette[code.id])
            text.append(clip(code.name, width - len(indent) - 2 - len(count)))
            if count:
                text.append(count, style="bold cyan")
            options.append(Option(text, id=code.id))
        keep = self.code_id
        highlighted = listing.highlighted
        listing.set_options(options)
        if keep:
            self.show_code(keep)
        elif highlighted is not None and options:
            listing.highlighted = min(highlighted, len(options) - 1)

    def _subtree(self, code_id: str) -> list[str]:
        out, stack = [], [code_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(self.children_of.get(current, []))
        return out

    def show_code(self, code_id: str) -> None:
        """Highlight a code and list its excerpts (now, or when the codes have loaded)."""
        self.code_id = code_id
        listing = self.query_one("#code-list", OptionList)
        try:
            listing.highlighted = listing.get_option_index(code_id)
        except OptionDoesNotExist:
            return
        self._list_excerpts(code_id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "code-list" and event.option.id:
            self._list_excerpts(event.option.id)

    def _list_excerpts(self, code_id: str) -> None:
        self.code_id = code_id
        wanted = set(self._subtree(code_id))
        shown = [c for c in self.codings if c.code_id in wanted]
        self._shown = shown
        project = self.app.project
        names = self.labels
        texts: dict[int, str] = {}
        options = []
        for c in shown:
            doc = self.docs.get(c.document_id)
            if c.document_id not in texts:
                texts[c.document_id] = project.document_text(c.document_id)
            excerpt = " ".join(texts[c.document_id][c.start : c.end].split())
            if len(excerpt) > EXCERPT_CHARS:
                excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
            attrs = doc.attributes if doc else {}
            head = Text()
            if c.starred:
                head.append(f"{STAR} ", style="bold #e9c46a")
            head.append(doc.participant or doc.name if doc else "?", style="bold")
            role = next((v for k, v in attrs.items() if k.lower() == "role"), "")
            if role:
                head.append(f" ({role})", style="dim")
            head.append(f"  {doc.name if doc else ''}", style="dim")
            if c.code_id != code_id:
                head.append(f"  {names.get(c.code_id, c.code_id)}", style=self.code_palette.get(c.code_id, ""))
            if c.valence != "none":
                head.append(f"  {c.valence}", style=VALENCE_STYLE[c.valence])
            head.append(f"  [{c.coder}]", style="dim")
            head.append(f"\n“{excerpt}”\n")
            options.append(Option(head, id=str(c.id)))
        listing = self.query_one("#excerpt-list", OptionList)
        keep = listing.highlighted if code_id == self._listed else None
        self._listed = code_id
        listing.set_options(
            options or [Option(Text("No excerpts coded with this code yet.", style="dim"), disabled=True)]
        )
        self.query_one("#excerpt-title", Static).update(
            f"Excerpts of {names.get(code_id, code_id)} — {len(shown)}"
            + (f", {starred} ★" if (starred := sum(c.starred for c in shown)) else "")
            + " · Enter opens · * stars"
        )
        if options and keep is not None:
            listing.highlighted = min(keep, len(options) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "code-list":
            self.query_one("#excerpt-list").focus()
            return
        coding = next((c for c in self._shown if str(c.id) == event.option.id), None)
        if coding is not None:
            self.post_message(OpenDocument(coding.document_id, coding.start))

    def action_star(self) -> None:
        """Star (or unstar) the highlighted excerpt as an exemplar quote."""
        listing = self.query_one("#excerpt-list", OptionList)
        index = listing.highlighted
        option = listing.get_option_at_index(index) if index is not None and listing.option_count else None
        coding = next((c for c in self._shown if option is not None and str(c.id) == option.id), None)
        if coding is None:
            self.notify("Highlight an excerpt (tab to the list) to star it.", severity="warning")
            return

        def done(_result) -> None:
            self.notify(("Unstarred" if coding.starred else "Starred as an exemplar") + " (u undoes)")
            self.reload()

        self.app.writes.run(
            lambda: self.app.project.star_coding(coding.id, not coding.starred),
            done,
            what="unstarring an excerpt" if coding.starred else "starring an excerpt",
            owner=self,
        )

    def action_send_to_theme(self) -> None:
        """Add the highlighted excerpt to a theme, picked from a list (evalbench/tui/screens/theme_send.py)."""
        from evalbench.tui.screens.theme_send import send_to_theme

        listing = self.query_one("#excerpt-list", OptionList)
        option = listing.highlighted_option if listing.option_count else None
        coding = next((c for c in self._shown if option is not None and str(c.id) == option.id), None)
        if coding is None:
            self.notify("Highlight an excerpt (tab to the list) to send it to a theme.", severity="warning")
            return
        send_to_theme(self, coding.id)

    def action_toggle_coders(self) -> None:
        self.mine_only = not self.mine_only
        self.reload()
