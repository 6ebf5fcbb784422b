"""The Themes screen (F5): categories and themes on the left; the theme's description, rules, counts and quotes.

Everything the lead does to findings, one key each: create, rename, describe,
move (category or place), merge, split and delete themes and categories; add
and remove rules; pick, order, exclude and re-include quotes. Each change is
one undoable action (``u``), and the counts and quotes are recounted from the
coding at once (they follow coding changes too: the screen reloads when shown).
Which coding is counted shows in the bar; ``c`` changes it.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from evalbench.errors import UserError
from evalbench.tui.messages import OpenDocument
from evalbench.tui.screens import themes_view as view
from evalbench.tui.screens.themes_actions import ThemeActions
from evalbench.tui.widgets.theme_chooser import ThemeChooser
from evalbench.tui.widgets.title_bar import TitleBar

# A fixed hint line instead of Textual's Footer: the Footer recomposes on every focus change (tab between
# the panes), which cost more than the recount after a rule change.
KEYS_HINT = (
    "[b]n[/] new  [b]r[/] rename  [b]e[/] describe  [b]l[/] rule  [b]m[/] move  [b]M S[/] merge/split  "
    "[b]p[/] pick  [b]x[/] exclude  [b]d[/] delete  [b]c[/] coding  [b]tab[/] pane  [b]u[/] undo  "
    "[b]?[/] help"
)

#: Quotes the table prints per theme (picked exemplars first): what the ★/○ marks show.
TABLE_QUOTES = 3
#: Other quotes of the evidence listed at first, and added per "more" (Textual lays out each wrapped
#: quote: 325 of them took 0.5 s; 12 fill a 45-line terminal, so a long theme lists a page at a time).
QUOTE_PAGE = 12


class ThemesScreen(ThemeActions, Screen):
    """Findings: categories, themes, their evidence and exemplar quotes."""

    BINDINGS = [
        Binding("n", "new_theme", "New theme", id="themes.new-theme"),
        Binding("N", "new_category", "New category", show=False, id="themes.new-category"),
        Binding("r", "rename", "Rename", id="themes.rename"),
        Binding("e", "describe", "Describe", id="themes.describe"),
        Binding("l", "link", "Add rule", id="themes.add-rule"),
        Binding("m", "move_to", "Move to…", show=False, id="themes.move-to-category"),
        Binding("K,shift+up", "shift(-1)", "Move up", show=False, id="themes.move-up"),
        Binding("J,shift+down", "shift(1)", "Move down", show=False, id="themes.move-down"),
        Binding("M", "merge", "Merge into…", show=False, id="themes.merge"),
        Binding("S", "split", "Split off", show=False, id="themes.split"),
        Binding("d,delete", "remove", "Delete", show=False, id="themes.delete"),
        Binding("p", "pick", "Pick exemplar", id="themes.pick-exemplar"),
        Binding("x", "exclude", "Exclude/include", show=False, id="themes.exclude"),
        Binding("f", "cfir", "CFIR mapping", show=False, id="themes.cfir-mapping"),
        Binding("c", "coding", "Which coding", id="themes.which-coding"),
        Binding("b", "by", "By role/site", show=False, id="themes.breakdown"),
        Binding("P", "preset", "Category preset", show=False, id="themes.category-preset"),
        Binding("tab", "app.focus_next", "Switch pane", show=False, id="themes.switch-pane"),
        Binding("u", "app.undo", "Undo", show=False, id="themes.undo"),
        Binding("U", "app.redo", "Redo", show=False, id="themes.redo"),
    ]

    DEFAULT_CSS = """
    ThemesScreen #themes-bar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    ThemesScreen #themes-hint { height: 1; background: $panel; color: $text; padding: 0 1; text-wrap: nowrap;
                                text-overflow: ellipsis; }
    ThemesScreen #chooser-query { background: $boost; padding: 0 1; margin-bottom: 1; }
    ThemesScreen #themes { height: 1fr; }
    ThemesScreen #themes-left { width: 1fr; min-width: 28; max-width: 56; border-right: vkey $panel; }
    ThemesScreen #theme-list { height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    ThemesScreen #theme-detail { width: 2fr; layers: details chooser; }
    ThemesScreen #chooser { layer: chooser; display: none; width: 100%; height: 100%; padding: 0 1;
                            background: $surface; }
    ThemesScreen #chooser-list { height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    ThemesScreen #theme-head { height: auto; max-height: 5; padding: 0 1; }
    ThemesScreen #theme-description { height: auto; max-height: 25%; padding: 0 1; background: $surface; }
    ThemesScreen #theme-rules { height: auto; max-height: 20%; border: none; text-wrap: nowrap;
                                text-overflow: ellipsis; }
    ThemesScreen #theme-quotes { height: 1fr; min-height: 4; border: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.mode = view.AUTO
        self.by = "role"
        self.theme_id: int | None = None
        self.category_id: int | None = None
        self.rows: dict = {}
        self.quotes: dict[str, object] = {}
        self.choice = None
        self.quote_limit = QUOTE_PAGE
        self._labels: tuple[dict[str, str], dict[str, str]] | None = None
        self._shown_at: tuple | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="themes-bar")
        with Horizontal(id="themes"):
            with Vertical(id="themes-left"):
                yield Static("Themes · participants", classes="panel-title")
                yield OptionList(id="theme-list")
            with Vertical(id="theme-detail"):
                yield Static(id="theme-head")
                yield Static(id="theme-description")
                yield Static("Rules: l adds · d removes", classes="panel-title", id="rules-title")
                yield OptionList(id="theme-rules")
                yield Static("Quotes", classes="panel-title", id="quotes-title")
                yield OptionList(id="theme-quotes")
                yield ThemeChooser(id="chooser")  # over the details, in its own layer, while choosing
        yield Static(KEYS_HINT, id="themes-hint")

    def on_mount(self) -> None:
        self.title = "Themes"
        self.query_one("#theme-list").focus()

    def on_screen_resume(self) -> None:
        """Shown again (F5, or a prompt of this screen closed): recount only if the project changed meanwhile."""
        if self._shown_at != self._state():
            self.reload()

    def _state(self) -> tuple:
        """What the screen shows depends on: the project's data (any write or commit) and who is coding."""
        return self.app.project.themes.version(), self.app.project.coder

    # --- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Recount every theme from the chosen coding and show the selected one."""
        project = self.app.project
        self.sub_title = f"coder {project.coder}"
        self._labels = None
        modes = view.coding_modes(project)
        if self.mode not in modes:
            self.mode = view.AUTO
        try:
            self.choice, note = view.resolve_choice(project, self.mode)
            rows = project.themes.table(self.choice, by=self.by, quotes=0)
        except UserError as exc:
            self.query_one("#themes-bar", Static).update(str(exc))
            return
        self.rows = {r.theme_id: r for r in rows}
        self._shown_at = self._state()
        categories, themes = project.themes.categories(), project.themes.list()
        self.query_one("#themes-bar", Static).update(
            f"Counting {self.choice.description}"
            + (f" · {note}" if note else " · c changes")
            + (f" · by {self.by}" if self.by != "role" else "")
        )
        listing = self.query_one("#theme-list", OptionList)
        options = view.list_options(categories, themes, self.rows)
        keep = self._selected_key()
        listing.set_options(
            [Option(text, id=key) for key, text in options]
            or [Option("No themes yet: P adds a category preset, n a theme.", disabled=True)]
        )
        if options:
            keys = [k for k, _ in options]
            wanted = keep if keep in keys else next((k for k in keys if k.startswith("theme:")), keys[0])
            listing.highlighted = keys.index(wanted)
        self._show_selected()

    def _selected_key(self) -> str | None:
        if self.theme_id is not None:
            return f"theme:{self.theme_id}"
        if self.category_id is not None:
            return f"category:{self.category_id}"
        return None

    def refresh_theme(self) -> None:
        """After a change to the selected theme alone: recount it, and redraw its line and its details."""
        project = self.app.project
        if self.theme_id is None or self.choice is None:
            self.reload()
            return
        row = project.themes.row(self.choice, self.theme_id, by=self.by, quotes=TABLE_QUOTES)
        self.rows[self.theme_id] = row
        self._shown_at = self._state()
        theme = project.themes.theme(self.theme_id)
        self.query_one("#theme-list", OptionList).replace_option_prompt(
            f"theme:{theme.id}", view.theme_line(theme, row)
        )
        self._show_selected(row)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "theme-list" and event.option.id:
            kind, _, ident = event.option.id.partition(":")
            new_theme = int(ident) if kind == "theme" else None
            if new_theme != self.theme_id:
                self.quote_limit = QUOTE_PAGE
            self.theme_id = new_theme
            self.category_id = int(ident) if kind == "category" else None
            self._show_selected()

    def _show_selected(self, row=None) -> None:
        """Show the highlighted theme (``row``: its table row, when just computed) or category."""
        project = self.app.project
        head, description = self.query_one("#theme-head", Static), self.query_one("#theme-description", Static)
        rules, quotes = self.query_one("#theme-rules", OptionList), self.query_one("#theme-quotes", OptionList)
        theme = next((t for t in project.themes.list() if t.id == self.theme_id), None)
        if theme is None:
            self.theme_id = None
            category = next((c for c in project.themes.categories() if c.id == self.category_id), None)
            head.update(
                f"[b]{category.name}[/b]\n[dim]A category: n adds a theme to it, r renames it, K/J move it[/]"
                if category
                else "[dim]n adds a theme; P adds a category preset[/]"
            )
            description.update("")
            rules.clear_options()
            quotes.clear_options()
            self.quotes = {}
            return
        row = row or project.themes.row(self.choice, theme.id, by=self.by, quotes=TABLE_QUOTES)
        from evalbench.findings.table import cfir_label

        base = project.themes.evidence(self.choice)
        head.update(view.head_text(theme, row, cfir_label(base, theme.cfir_code_id)))
        description.update(view.description_text(theme))
        labels, colors = self._code_labels()
        keep_rule = rules.highlighted
        rules.set_options(
            [
                Option(view.rule_text(r, labels.get(r.code_id, r.code_id), colors.get(r.code_id)), id=f"rule:{r.id}")
                for r in row.rules
            ]
            or [Option("No rules yet: l adds one (a code, optionally with a valence).", disabled=True)]
        )
        if row.rules:
            rules.highlighted = min(keep_rule or 0, len(row.rules) - 1)
        self._fill_quotes(theme, row, labels)

    def _code_labels(self) -> tuple[dict[str, str], dict[str, str]]:
        """Code labels and colours, read again by :meth:`reload` only (a rule change leaves the codebook)."""
        if self._labels is None:
            from evalbench.codebook.labels import code_labels
            from evalbench.tui.colors import code_colors

            codes = self.app.project.codes()
            self._labels = (code_labels(codes), code_colors(codes))
        return self._labels

    def _fill_quotes(self, theme, row, labels: dict[str, str]) -> None:
        project = self.app.project
        listing = self.query_one("#theme-quotes", OptionList)
        keep = listing.highlighted
        evidence = project.themes.cell_quotes(self.choice, theme.id)
        hand = {h.coding_id: h.included for h in project.themes.hand_codings(theme.id)}
        in_table = {q.coding_id: q for q in row.quotes}
        options, self.quotes = [], {}
        for q in row.quotes:
            key = f"table:{q.coding_id}"
            self.quotes[key] = q
            options.append(
                Option(
                    view.quote_text(q, view.PICKED if q.picked else view.PROPOSED, labels.get(q.code_id, q.code_id)),
                    id=key,
                )
            )
        rest = [q for q in evidence if q.coding_id not in in_table]
        if rest:
            options.append(None)
        for q in rest[: self.quote_limit]:
            key = f"quote:{q.coding_id}"
            self.quotes[key] = q
            options.append(
                Option(
                    view.quote_text(
                        q, view.ADDED if hand.get(q.coding_id) else "", labels.get(q.code_id, q.code_id), limit=200
                    ),
                    id=key,
                )
            )
        if len(rest) > self.quote_limit:
            more = len(rest) - self.quote_limit
            options.append(Option(f"… {more} more quote(s): enter lists {min(more, QUOTE_PAGE)} more", id="more"))
        excluded = [cid for cid, included in hand.items() if not included]
        for q in self._excluded_quotes(excluded):
            key = f"excluded:{q.coding_id}"
            self.quotes[key] = q
            options.append(Option(view.quote_text(q, view.EXCLUDED, labels.get(q.code_id, q.code_id)), id=key))
        listing.set_options(
            options
            or [
                Option(
                    "No evidence yet: add a rule (l), or send codings here with T from the coding view.", disabled=True
                )
            ]
        )
        if options:
            listing.highlighted = min(keep or 0, listing.option_count - 1)
        picked = sum(q.picked for q in row.quotes)
        self.query_one("#quotes-title", Static).update(
            f"Quotes: {len(row.quotes)} in the table ({picked} ★ picked, {len(row.quotes) - picked} ○ proposed), "
            f"{len(evidence)} in all · p picks · x excludes · enter opens"
        )

    def _excluded_quotes(self, coding_ids: list[int]):
        """The excluded codings of the chosen coding, as quotes (to show them struck through, for x to undo)."""
        from evalbench.findings.table import quote

        base = self.app.project.themes.evidence(self.choice)
        ids = [c for c in coding_ids if c in base.codings]
        self.app.project.themes.load_text(base, {base.codings[c].document_id for c in ids})
        return [quote(base, c) for c in ids]

    # --- keys while the chooser is open ----------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        chooser = self.query_one(ThemeChooser)
        if chooser.is_open:
            event.stop()
            event.prevent_default()
            chooser.take_key(event.key, event.character)

    def on_paste(self, event: events.Paste) -> None:
        chooser = self.query_one(ThemeChooser)
        if chooser.is_open:
            event.stop()
            chooser.paste(event.text)

    # --- opening a quote ------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "theme-list":
            if self.theme_id is not None:
                self.query_one("#theme-quotes").focus()
            return
        if event.option.id == "more":
            self.quote_limit += QUOTE_PAGE
            self._show_selected()
            return
        quote = self.quotes.get(event.option.id or "")
        if quote is not None:
            self.post_message(OpenDocument(quote.document_id, quote.start))
