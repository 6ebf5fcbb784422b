"""The findings service (``project.themes``): categories and themes, their evidence, the table and matrix.

Takes the project's :class:`~evalbench.store.store.Store`: its theme tables
(``store.themes``), the codings and context a finding is built from, and its
``action``, so every change is one undoable action in the project's undo log,
labelled in the user's words. Reads return the dataclasses of
:mod:`evalbench.findings.model`. The coding choice and the evidence base (the
chosen coding and its context) are computed once and kept until the project
changes; a change made here to the theme tables alone keeps them, so a rule
change costs one recount, not a re-read of 12,000 codings and a consensus check.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

from evalbench.errors import UserError
from evalbench.findings import edits
from evalbench.findings.choice import CodingChoice, choose_coding
from evalbench.findings.evidence import EvidenceBase, load
from evalbench.findings.model import Category, FindingQuote, FindingRow, HandCoding, Rule, Theme
from evalbench.store.store import Store
from evalbench.store.themes import ThemeTables
from evalbench.store.undo import Action

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.findings.csvfile import ImportReport

T = TypeVar("T")


class ThemeService:
    """Themes of one open project; see the package docstring for the API in brief."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.tables: ThemeTables = store.themes
        self._cache: dict[tuple, object] = {}  # what the coding decides (choice, evidence), until it changes
        self._cache_key: tuple[int, int] | None = None

    @property
    def where(self) -> str:
        """The project's file name, as error messages start."""
        return self.store.where

    # --- which coding, and the evidence base ---------------------------------------------
    def choose(self, coder: str | None = None, *, all_coders: bool = False) -> CodingChoice:
        """The coding to count (see :mod:`evalbench.findings.choice`); a UserError names the choices."""
        found = self._cached(
            ("choose", coder, all_coders),
            lambda: _attempt(lambda: choose_coding(self.store, coder, all_coders=all_coders, where=self.where)),
        )
        if isinstance(found, UserError):
            raise found
        return found

    def evidence(self, choice: CodingChoice) -> EvidenceBase:
        """The chosen coding and its context, cached until the project changes."""
        return self._cached(("evidence", choice), lambda: load(self.store, choice))

    def _cached(self, key: tuple, make: Callable[[], T]) -> T:
        """``make()``, kept until the project changes other than through :meth:`action` (see the class doc)."""
        current = self.store.version()
        if current != self._cache_key:
            self._cache.clear()
            self._cache_key = current
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]  # type: ignore[return-value]  # each key is made by one ``make`` of one type

    def version(self) -> tuple[int, int]:
        """Changes when anything a finding depends on may have changed (the Themes screen's refresh key)."""
        return self.store.version()

    def coders(self) -> list[str]:
        """Coders with at least one coding, alphabetically (the Themes screen's coder choices)."""
        return self.store.coders.with_codings()

    def load_text(self, base: EvidenceBase, document_ids: Iterable[int]) -> None:
        """Read the texts of these documents into an evidence base, for quoting."""
        base.load_text(self.store, document_ids)

    def action(self, label: str) -> AbstractContextManager[Action]:
        """One undoable action that changes only theme tables: the cached evidence stays valid."""
        return _ThemeAction(self, label)

    # --- reading ------------------------------------------------------------------------------
    def categories(self) -> list[Category]:
        return self.tables.categories()

    def list(self) -> list[Theme]:
        """Every theme, in table order."""
        return self.tables.themes()

    def rules(self, theme: int | str) -> builtins.list[Rule]:
        return self.tables.rules(self.theme(theme).id)

    def hand_codings(self, theme: int | str) -> builtins.list[HandCoding]:
        return self.tables.hand_codings(self.theme(theme).id)

    def exemplars(self, theme: int | str) -> builtins.list[int]:
        """Coding ids the lead picked as the theme's exemplars, in their order."""
        return [r[2] for r in self.tables.exemplars(self.theme(theme).id)]

    def table(
        self, choice: CodingChoice, *, by: str = "role", quotes: int = 3, min_participants: int = 0
    ) -> builtins.list[FindingRow]:
        """The findings table: one :class:`FindingRow` per theme, in table order."""
        from evalbench.findings.table import finding_rows

        base = self.evidence(choice)
        self._check_by(base, by)
        return finding_rows(self.store, base, by=by, quotes=quotes, min_participants=min_participants)

    def row(self, choice: CodingChoice, theme: int | str, *, by: str = "role", quotes: int = 3) -> FindingRow:
        """One theme's row (what the Themes screen recounts after a change to that theme)."""
        from evalbench.findings.table import finding_rows

        base = self.evidence(choice)
        self._check_by(base, by)
        return finding_rows(self.store, base, by=by, quotes=quotes, theme_ids={self.theme(theme).id})[0]

    def matrix(self, choice: CodingChoice, by: str = "site") -> pd.DataFrame:
        """Themes × ``by`` (site, role, participant, document or any attribute): participants per cell.

        A DataFrame indexed by theme id with ``category`` and ``theme`` first;
        see :mod:`evalbench.findings.matrix`.
        """
        from evalbench.findings.matrix import theme_matrix

        return theme_matrix(self.store, self.evidence(choice), by, self.where)

    def cell_quotes(
        self, choice: CodingChoice, theme: int | str, by: str = "site", value: str | None = None
    ) -> builtins.list[FindingQuote]:
        """The quotes behind a matrix cell (the whole theme's evidence when ``value`` is None)."""
        from evalbench.findings.matrix import cell_quotes

        base = self.evidence(choice)
        if value is not None:
            self._check_by(base, by)
        return cell_quotes(self.store, base, self.theme(theme).id, by, value)

    def themes_of(self, choice: CodingChoice, coding_id: int) -> dict[int, str]:
        """theme id -> how a coding is in it: 'rule', 'added' or 'excluded' (themes it is not in are absent)."""
        from evalbench.findings.matrix import theme_evidence

        base = self.evidence(choice)
        out: dict[int, str] = {}
        if coding_id in base.codings:
            for theme_id, ids in theme_evidence(self.store, base).items():
                if coding_id in ids:
                    out[theme_id] = "rule"
        for link in self.tables.hand_codings():
            if link.coding_id == coding_id:
                out[link.theme_id] = "added" if link.included else "excluded"
        return out

    def _check_by(self, base: EvidenceBase, by: str) -> None:
        from evalbench.findings.matrix import check_by

        check_by(base, by, self.where)

    # --- finding things by what people call them -----------------------------------------------
    def category(self, ref: int | str) -> Category:
        """A category by id or name (case ignored)."""
        found = edits.find_category(self.categories(), ref)
        if found is None:
            names = ", ".join(c.name for c in self.categories()) or "none yet"
            raise UserError(f"{self.where}: no theme category {ref!r} (categories: {names})")
        return found

    def code(self, ref: str) -> str:
        """A code ID from an ID, a name or a ``Parent / Name`` path; a UserError says why not."""
        return edits.resolve_code(self, ref)

    def theme(self, ref: int | str) -> Theme:
        """A theme by id, name (case ignored) or ``Category / Theme`` when a name is in two categories."""
        return edits.find_theme(self.list(), ref, self.where)

    # --- categories -----------------------------------------------------------------------------
    def add_category(self, name: str, position: int | None = None) -> Category:
        return edits.add_category(self, name, position)

    def rename_category(self, ref: int | str, name: str) -> Category:
        return edits.rename_category(self, ref, name)

    def move_category(self, ref: int | str, position: int) -> Category:
        """Put a category at ``position`` (from 0) in the table."""
        return edits.move_category(self, ref, position)

    def remove_category(self, ref: int | str) -> None:
        """Remove an empty category (move or remove its themes first)."""
        edits.remove_category(self, ref)

    def apply_preset(self, preset: str) -> builtins.list[Category]:
        """Add a preset's categories that the project lacks, in the preset's order; returns those added."""
        return edits.apply_preset(self, preset)

    # --- themes ----------------------------------------------------------------------------------
    def add(
        self,
        name: str,
        category: int | str,
        *,
        description: str = "",
        cfir: str | None = None,
        position: int | None = None,
    ) -> Theme:
        """A new theme, at the end of its category (created when new) unless ``position`` is given."""
        return edits.add_theme(self, name, category, description=description, cfir=cfir, position=position)

    def rename(self, ref: int | str, name: str) -> Theme:
        return edits.update_theme(self, ref, name=name)

    def describe(self, ref: int | str, description: str) -> Theme:
        return edits.update_theme(self, ref, description=description)

    def map_cfir(self, ref: int | str, code_id: str | None) -> Theme:
        """Map a theme to a CFIR domain or construct (None removes the mapping)."""
        return edits.update_theme(self, ref, cfir_code_id=code_id)

    def move(self, ref: int | str, *, category: int | str | None = None, position: int | None = None) -> Theme:
        """Move a theme to another category and/or to ``position`` (from 0) within its category."""
        return edits.move_theme(self, ref, category, position)

    def remove(self, ref: int | str) -> None:
        """Delete a theme with its rules, hand-picked codings and exemplars (one undoable action)."""
        edits.remove_theme(self, ref)

    def merge(self, sources: Iterable[int | str], into: int | str) -> Theme:
        """Merge themes into one: rules, hand-picked codings, exemplars and descriptions move; sources go."""
        from evalbench.findings import reshape

        return reshape.merge(self, list(sources), into)

    def split(self, ref: int | str, name: str, *, rules: Iterable[int] = (), codings: Iterable[int] = ()) -> Theme:
        """A new theme beside ``ref`` taking the given rules (ids) and codings (ids) from it."""
        from evalbench.findings import reshape

        return reshape.split(self, ref, name, list(rules), list(codings))

    # --- evidence --------------------------------------------------------------------------------
    def link(self, ref: int | str, code_id: str, valence: str | None = None) -> Rule:
        """Add a rule: the theme gathers every coding of the code (and codes under it), of ``valence`` if given."""
        return edits.link(self, ref, code_id, valence)

    def unlink(self, ref: int | str, code_id: str, valence: str | None = None) -> int:
        """Remove the theme's rule on a code of that valence (every rule on the code when None); returns how many."""
        return edits.unlink(self, ref, code_id, valence)

    def include(self, ref: int | str, coding_ids: Iterable[int]) -> int:
        """Add codings to the theme by hand, whatever its rules say."""
        return edits.mark_codings(self, ref, list(coding_ids), True)

    def exclude(self, ref: int | str, coding_ids: Iterable[int]) -> int:
        """Keep codings out of the theme although a rule matches them."""
        return edits.mark_codings(self, ref, list(coding_ids), False)

    def follow_rules(self, ref: int | str, coding_ids: Iterable[int]) -> int:
        """Forget hand decisions about codings: the rules decide again."""
        return edits.mark_codings(self, ref, list(coding_ids), None)

    def pick(self, ref: int | str, coding_id: int, position: int | None = None) -> None:
        """Pick a coding as one of the theme's exemplar quotes (at ``position`` from 0, else last)."""
        edits.pick(self, ref, coding_id, position)

    def unpick(self, ref: int | str, coding_id: int) -> None:
        edits.unpick(self, ref, coding_id)

    def order_exemplars(self, ref: int | str, coding_ids: builtins.list[int]) -> None:
        """Put the theme's picked exemplars in this order (the list must name each exactly once)."""
        edits.order_exemplars(self, ref, coding_ids)

    # --- files -------------------------------------------------------------------------------------
    def import_csv(self, path: str | Path, *, replace: bool = False) -> ImportReport:
        """Load themes from a CSV (category, theme, description, code, valence): all rows or none."""
        from evalbench.findings.csvfile import import_csv

        return import_csv(self, path, replace=replace)

    def export_csv(self, path: str | Path) -> int:
        """Write every theme's rules as the CSV :meth:`import_csv` reads; returns rows written."""
        from evalbench.findings.csvfile import export_csv

        return export_csv(self, path)


def _attempt(make: Callable[[], T]) -> T | UserError:
    """``make()``, or the UserError it raised (so a refusal is remembered like an answer)."""
    try:
        return make()
    except UserError as exc:
        return exc


class _ThemeAction:
    """``store.action`` for changes to theme tables only: what the coding decides stays cached across them."""

    def __init__(self, service: ThemeService, label: str) -> None:
        self.service, self.label = service, label

    def __enter__(self) -> Action:
        service = self.service
        self.was_current = service._cache_key == service.store.version()
        self.inner = service.store.action(self.label)
        return self.inner.__enter__()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        result = self.inner.__exit__(exc_type, exc, tb)
        if self.was_current and exc_type is None:
            self.service._cache_key = self.service.store.version()
        return result
