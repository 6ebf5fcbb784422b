"""The Themes screen's keys: each asks what it needs (a name, a code, a category) and makes one undoable change.

A mixin for :class:`~evalbench.tui.screens.themes.ThemesScreen`, which owns
the state (``theme_id``, ``category_id``, ``choice``, the listed ``quotes``)
and ``reload``. What a key acts on follows the focus: the theme list, the
rules, or the quotes.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from evalbench.store.schema import VALENCES
from evalbench.tui.screens import themes_view as view
from evalbench.tui.screens.choice_prompt import Choice
from evalbench.tui.screens.prompt import LinePrompt, MemoPrompt

NEW = "\0new"


class ThemeActions:
    """Actions of the Themes screen (see the module docstring)."""

    # --- helpers ------------------------------------------------------------------------------
    @property
    def service(self):
        return self.app.project.themes

    def _change(
        self,
        change: Callable[[], object],
        message: str | Callable[[object], str],
        *,
        local: bool = False,
        then: Callable[[object], None] | None = None,
    ) -> None:
        """Run one change (app.writes: a busy file keeps it for later); say what happened and show the result.

        ``local``: the change touched only the selected theme, so only it is
        recounted; ``then(result)`` runs first (to select a new theme).
        """

        def done(result: object) -> None:
            self.notify((message(result) if callable(message) else message) + " (u undoes)")
            if then is not None:
                then(result)
            if local:
                self.refresh_theme()
            else:
                self.reload()

        self.app.writes.run(change, done, what=message if isinstance(message, str) else "the theme change", owner=self)

    def _theme(self):
        theme = next((t for t in self.service.list() if t.id == self.theme_id), None)
        if theme is None:
            self.notify("Highlight a theme first.", severity="warning")
        return theme

    def _ask(
        self,
        title: str,
        choices: list[Choice],
        then: Callable[[str | None], object],
        *,
        hint: str = "",
        highlight: str | None = None,
    ) -> None:
        """Open the chooser over the details; ``then(option id or None)`` runs when it closes."""
        from evalbench.tui.widgets.theme_chooser import ThemeChooser

        self._then = then
        self.query_one(ThemeChooser).ask(title, choices, hint=hint, highlight=highlight)

    def on_theme_chooser_chosen(self, event) -> None:
        then, self._then = getattr(self, "_then", None), None
        if then is not None:
            then(event.value)

    def _focus_id(self) -> str:
        return self.focused.id if self.focused is not None else ""

    def _highlighted(self, list_id: str) -> str | None:
        from textual.widgets import OptionList

        listing = self.query_one(f"#{list_id}", OptionList)
        option = listing.highlighted_option
        return option.id if option is not None else None

    def _category_here(self) -> int | None:
        theme = next((t for t in self.service.list() if t.id == self.theme_id), None)
        return theme.category_id if theme else self.category_id

    def _select(self, theme_id: int | None = None, category_id: int | None = None) -> None:
        self.theme_id, self.category_id = theme_id, category_id

    def _code_choices(self, extra: list[Choice] = ()) -> list[Choice]:
        from evalbench.codebook.labels import code_labels

        codes = self.app.project.codes()
        labels = code_labels(codes)
        depth: dict[str, int] = {}
        for c in codes:
            depth[c.id] = depth.get(c.parent_id, -1) + 1 if c.parent_id else 0
        return [
            *extra,
            *(Choice(c.id, Text("  " * depth[c.id] + labels[c.id]), f"{labels[c.id]} {c.id}") for c in codes),
        ]

    # --- themes and categories --------------------------------------------------------------------
    def action_new_theme(self) -> None:
        category_id = self._category_here()
        categories = self.service.categories()
        if not categories:
            self.notify("Add a category first: P offers Successes / Barriers / Lessons learned.", severity="warning")
            return
        category = next((c for c in categories if c.id == category_id), categories[0])

        def named(name: str | None) -> None:
            if name and name.strip():
                self._change(
                    lambda: self.service.add(name, category.id),
                    f"Added theme {name.strip()}",
                    then=lambda theme: self._select(theme.id),
                )

        self.app.push_screen(
            LinePrompt(f"New theme in {category.name}", "", "a short name, as a paper's table prints it"), named
        )

    def action_new_category(self) -> None:
        after = self._category_here()
        order = [c.id for c in self.service.categories()]
        position = order.index(after) + 1 if after in order else None

        def named(name: str | None) -> None:
            if name and name.strip():
                self._change(
                    lambda: self.service.add_category(name, position),
                    f"Added category {name.strip()}",
                    then=lambda category: self._select(None, category.id),
                )

        self.app.push_screen(LinePrompt("New category", "", "e.g. Unexpected effects"), named)

    def action_rename(self) -> None:
        theme = next((t for t in self.service.list() if t.id == self.theme_id), None)
        if theme is not None:

            def renamed(name: str | None) -> None:
                if name:
                    self._change(lambda: self.service.rename(theme.id, name), f"Renamed to {name.strip()}", local=True)

            self.app.push_screen(LinePrompt(f"Rename theme {theme.name}", theme.name), renamed)
            return
        category = next((c for c in self.service.categories() if c.id == self.category_id), None)
        if category is None:
            self.notify("Highlight a theme or a category to rename.", severity="warning")
            return
        self.app.push_screen(
            LinePrompt(f"Rename category {category.name}", category.name),
            lambda name: (
                name
                and self._change(lambda: self.service.rename_category(category.id, name), f"Renamed to {name.strip()}")
            ),
        )

    def action_describe(self) -> None:
        theme = self._theme()
        if theme is None:
            return

        def saved(text: str | None) -> None:
            if text is not None and text != theme.description:
                self._change(
                    lambda: self.service.describe(theme.id, text), f"Description of {theme.name} saved", local=True
                )

        self.app.push_screen(
            MemoPrompt(f"Description of {theme.name} (the paragraph a paper prints)", theme.description), saved
        )

    def action_move_to(self) -> None:
        theme = self._theme()
        if theme is None:
            return
        choices = [Choice(str(c.id), c.name) for c in self.service.categories() if c.id != theme.category_id]
        choices.append(Choice(NEW, Text("New category…", style="italic"), "new category"))

        def chosen(value: str | None) -> None:
            if value == NEW:
                self.app.push_screen(
                    LinePrompt(f"Move {theme.name} to a new category"),
                    lambda name: (
                        name
                        and self._change(
                            lambda: self.service.move(theme.id, category=name.strip()),
                            f"Moved {theme.name} to {name.strip()}",
                        )
                    ),
                )
            elif value:
                self._change(
                    lambda: self.service.move(theme.id, category=int(value)),
                    lambda t: f"Moved {t.name} to {t.category}",
                )

        self._ask(f"Move {theme.name} to", choices, chosen)

    def action_shift(self, step: int) -> None:
        """Move the highlighted theme, category or picked exemplar up (-1) or down (+1)."""
        if self._focus_id() == "theme-quotes":
            self._shift_exemplar(step)
            return
        if self.theme_id is not None:
            theme = self._theme()
            siblings = [t.id for t in self.service.list() if t.category_id == theme.category_id]
            place = siblings.index(theme.id) + step
            if 0 <= place < len(siblings):
                self._change(lambda: self.service.move(theme.id, position=place), f"Moved {theme.name}")
            return
        order = [c.id for c in self.service.categories()]
        if self.category_id in order and 0 <= order.index(self.category_id) + step < len(order):
            self._change(
                lambda: self.service.move_category(self.category_id, order.index(self.category_id) + step),
                "Moved the category",
            )

    def _shift_exemplar(self, step: int) -> None:
        theme, coding = self._theme(), self._quote_coding()
        if theme is None or coding is None:
            return
        picked = self.service.exemplars(theme.id)
        if coding not in picked:
            self.notify("Only picked exemplars (★) have an order: p picks the quote first.", severity="warning")
            return
        place = picked.index(coding) + step
        if 0 <= place < len(picked):
            self._change(
                lambda: self.service.pick(theme.id, coding, place), f"Exemplar moved to place {place + 1}", local=True
            )

    def action_merge(self) -> None:
        theme = self._theme()
        if theme is None:
            return
        choices = [Choice(str(t.id), f"{t.category} / {t.name}") for t in self.service.list() if t.id != theme.id]
        if not choices:
            self.notify("There is no other theme to merge into.", severity="warning")
            return

        def chosen(value: str | None) -> None:
            if value:
                self._change(
                    lambda: self.service.merge([theme.id], int(value)),
                    lambda t: f"Merged {theme.name} into {t.name}",
                    then=lambda merged: self._select(merged.id),
                )

        self._ask(f"Merge {theme.name} into (its rules, codings and exemplars move)", choices, chosen)

    def action_split(self) -> None:
        theme = self._theme()
        if theme is None:
            return
        rules, codings = [], []
        if self._focus_id() == "theme-rules" and (key := self._highlighted("theme-rules")):
            rules = [int(key.split(":")[1])]
        elif self._focus_id() == "theme-quotes" and (coding := self._quote_coding()) is not None:
            codings = [coding]
        else:
            self.notify(
                "Highlight the rule or quote the new theme takes (tab to the rules or quotes), then S.",
                severity="warning",
            )
            return

        def named(name: str | None) -> None:
            if name and name.strip():
                self._change(
                    lambda: self.service.split(theme.id, name, rules=rules, codings=codings),
                    f"Split {name.strip()} off {theme.name}",
                    then=lambda new: self._select(new.id),
                )

        what = "the highlighted rule" if rules else "the highlighted quote"
        self.app.push_screen(LinePrompt(f"Split off {theme.name}: a new theme taking {what}"), named)

    def action_remove(self) -> None:
        focus = self._focus_id()
        theme = next((t for t in self.service.list() if t.id == self.theme_id), None)
        if focus == "theme-rules" and theme is not None:
            key = self._highlighted("theme-rules")
            if key:
                from evalbench.findings.edits import remove_rule

                self._change(lambda: remove_rule(self.service, int(key.split(":")[1])), "Rule removed", local=True)
            return
        if focus == "theme-quotes":
            self.action_exclude()
            return
        if theme is not None:
            self._change(lambda: self.service.remove(theme.id), f"Deleted theme {theme.name}")
            self._select(None, theme.category_id)
            self.reload()
        elif self.category_id is not None:
            self._change(lambda: self.service.remove_category(self.category_id), "Deleted the category")

    def action_cfir(self) -> None:
        theme = self._theme()
        if theme is None:
            return
        none = Choice(NEW, Text("No CFIR mapping", style="italic"), "none no mapping")

        def chosen(value: str | None) -> None:
            if value:
                code = None if value == NEW else value
                self._change(
                    lambda: self.service.map_cfir(theme.id, code),
                    "CFIR mapping removed" if code is None else "CFIR mapping set",
                    local=True,
                )

        self._ask(
            f"{theme.name} maps to the CFIR domain or construct",
            self._code_choices([none]),
            chosen,
            highlight=theme.cfir_code_id,
        )

    def action_preset(self) -> None:
        from evalbench.findings.edits import PRESETS

        choices = [Choice(key, " / ".join(names)) for key, names in PRESETS.items()]
        self._ask(
            "Add the categories of",
            choices,
            lambda key: (
                key
                and self._change(
                    lambda: self.service.apply_preset(key),
                    lambda added: f"Added {len(added)} categor" + ("y" if len(added) == 1 else "ies"),
                )
            ),
        )

    # --- evidence ----------------------------------------------------------------------------------
    def action_link(self) -> None:
        theme = self._theme()
        if theme is None:
            return

        def code_chosen(code_id: str | None) -> None:
            if not code_id:
                return
            valences = [Choice("", "any valence"), *(Choice(v, v) for v in VALENCES)]

            def valence_chosen(valence: str | None) -> None:
                if valence is None:
                    return
                self._change(
                    lambda: self.service.link(theme.id, code_id, valence or None),
                    f"Rule added to {theme.name}",
                    local=True,
                )

            self._ask("Only codings of the valence", valences, valence_chosen)

        self._ask(
            f"Add a rule to {theme.name}: every coding of the code (and the codes under it)",
            self._code_choices(),
            code_chosen,
            hint="type part of a code's name",
        )

    def _quote_coding(self) -> int | None:
        key = self._highlighted("theme-quotes")
        quote = self.quotes.get(key or "")
        if quote is None:
            self.notify("Highlight a quote first (tab to the quotes).", severity="warning")
            return None
        return quote.coding_id

    def action_pick(self) -> None:
        theme = self._theme()
        if theme is None:
            return
        if self._focus_id() != "theme-quotes":
            self.query_one("#theme-quotes").focus()
            self.notify("Highlight a quote and press p to pick it as an exemplar.")
            return
        coding = self._quote_coding()
        if coding is None:
            return
        if coding in self.service.exemplars(theme.id):
            self._change(
                lambda: self.service.unpick(theme.id, coding), "Unpicked: evalbench proposes in its place", local=True
            )
        else:
            self._change(lambda: self.service.pick(theme.id, coding), "Picked as an exemplar (K/J reorder)", local=True)

    def action_exclude(self) -> None:
        theme = self._theme()
        if theme is None or self._focus_id() != "theme-quotes":
            if theme is not None:
                self.notify("Highlight a quote (tab to the quotes) to exclude it.", severity="warning")
            return
        key = self._highlighted("theme-quotes") or ""
        coding = self._quote_coding()
        if coding is None:
            return
        hand = {h.coding_id: h.included for h in self.service.hand_codings(theme.id)}
        if key.startswith("excluded:") or hand.get(coding):
            self._change(
                lambda: self.service.follow_rules(theme.id, [coding]),
                "Back to the rules" if key.startswith("excluded:") else "No longer added by hand",
                local=True,
            )
        else:
            self._change(lambda: self.service.exclude(theme.id, [coding]), f"Excluded from {theme.name}", local=True)

    # --- what is counted -----------------------------------------------------------------------------
    def action_coding(self) -> None:
        modes = view.coding_modes(self.app.project)
        self.mode = modes[(modes.index(self.mode) + 1) % len(modes)] if self.mode in modes else view.AUTO
        self.reload()

    def action_by(self) -> None:
        names = self.service.evidence(self.choice).attribute_names() if self.choice is not None else []
        options = ["role", *[n for n in ("site", *names) if n != "role"]]
        options = list(dict.fromkeys(options))
        self.by = options[(options.index(self.by) + 1) % len(options)] if self.by in options else "role"
        self.reload()
