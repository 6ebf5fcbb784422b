"""Themes as a spreadsheet: ``category, theme, description, code, valence``, one row per rule.

Import (``evalbench themes import``): headers are matched case-insensitively;
comma, semicolon or tab separated; rows numbered as a spreadsheet shows them
(the header is row 1). A theme spans several rows (one per rule); its
description is the first non-empty one (a different one later is an error).
Categories and themes are created in order of first appearance; a row with a
category and no theme makes an empty category; a theme row with no code makes
a theme with no rule yet. ``code`` is an ID, a name, or a ``Parent / Name``
path (resolved as ``evalbench code --from-csv`` resolves them); ``valence`` is
barrier, facilitator, mixed, neutral or none, and empty (or ``any``) means any
valence. An optional ``cfir`` column maps the theme to a CFIR code. Themes
already in the project are kept: new rules are added and a given description
replaces theirs; ``replace`` removes every theme first. Every row is checked
before anything is written, and everything lands as one undoable action.

Export writes the same shape (plus ``cfir`` when a theme has a mapping), codes
as IDs, and an apostrophe before text that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``), which import takes off again, so the file
reads back exactly. Hand-picked codings and exemplars point
at codings of one project file and are not part of it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.findings.edits import find_category
from evalbench.store.db import now
from evalbench.store.schema import VALENCES

if TYPE_CHECKING:
    from evalbench.findings.service import ThemeService

COLUMNS = ("category", "theme", "description", "code", "valence")
_ALIASES = {
    "category": "category",
    "group": "category",
    "theme": "theme",
    "finding": "theme",
    "description": "description",
    "code": "code",
    "code_id": "code",
    "valence": "valence",
    "cfir": "cfir",
}
_ANY = {"", "any", "all", "*"}
_MAX_LISTED = 20


class ThemeImportError(UserError):
    """Rows of a themes CSV that cannot be loaded; ``problems`` lists each (nothing was written)."""

    def __init__(self, path: str | Path, problems: list[str]) -> None:
        self.path, self.problems = str(path), problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{Path(self.path).name}: {problems[0]}{more}; no theme was changed")


@dataclass
class ImportReport:
    """What a themes CSV added."""

    categories: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    rules: int = 0
    described: int = 0
    removed: int = 0  #: themes removed first (``replace``)

    def summary(self) -> str:
        parts = [
            f"{len(self.categories)} categor{'y' if len(self.categories) == 1 else 'ies'}",
            f"{len(self.themes)} theme(s)",
            f"{self.rules} rule(s)",
        ]
        text = "Added " + ", ".join(parts)
        if self.described:
            text += f"; described {self.described} existing theme(s)"
        if self.removed:
            text += f"; replaced {self.removed} theme(s)"
        return text


def read_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """``(spreadsheet row number, {column: cell})`` of each non-empty row."""
    from evalbench.csvsheet import read_sheet

    sheet = read_sheet(path)  # the one sheet reader: size cap, long cells, quoted header in messages
    columns = [_ALIASES.get(h) for h in sheet.header]
    if "category" not in columns or "theme" not in columns:
        raise UserError(f"{sheet.name}: row 1: needs 'category' and 'theme' columns (header: {sheet.header_text()})")
    return [
        (row_no, {col: _unguarded(cell.strip()) for col, cell in zip(columns, cells, strict=False) if col})
        for row_no, cells in sheet.rows
    ]


def _unguarded(cell: str) -> str:
    """A cell without the apostrophe an export put before formula-like text (so files read back exactly)."""
    from evalbench.export.common import FORMULA_START

    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _valence(cell: str) -> str | None:
    value = cell.strip().lower()
    if value in _ANY:
        return None
    from evalbench.bulkcode import _VALENCE_ALIASES

    value = _VALENCE_ALIASES.get(value, value)
    if value not in VALENCES:
        raise ValueError(f"valence must be one of {', '.join(VALENCES)} or empty for any, not {cell.strip()!r}")
    return value


@dataclass
class _Planned:
    category: str
    name: str
    description: str | None = None
    description_row: int = 0
    cfir: str | None = None
    rules: list[tuple[str, str | None]] = field(default_factory=list)


def plan(service: ThemeService, path: str | Path) -> tuple[list[str], list[_Planned]]:
    """Categories and themes of the file, in order of first appearance; ThemeImportError on any bad row."""
    from evalbench.codebook.refs import CodeFinder

    resolver = CodeFinder(service.store.codes.list())
    categories: list[str] = []
    themes: dict[tuple[str, str], _Planned] = {}
    problems: list[str] = []
    for row_no, row in read_rows(path):
        try:
            category = " ".join(row.get("category", "").split())
            name = " ".join(row.get("theme", "").split())
            if not category:
                raise ValueError("empty category")
            if category.casefold() not in {c.casefold() for c in categories}:
                categories.append(category)
            category = next(c for c in categories if c.casefold() == category.casefold())
            if not name:
                if row.get("code") or row.get("description"):
                    raise ValueError("a code or description needs a theme")
                continue
            theme = themes.setdefault((category.casefold(), name.casefold()), _Planned(category, name))
            description = row.get("description", "")
            if description:
                if theme.description is None:
                    theme.description, theme.description_row = description, row_no
                elif theme.description != description:
                    raise ValueError(f"theme {name!r} already has another description (row {theme.description_row})")
            if row.get("cfir"):
                theme.cfir = resolver.find(row["cfir"])
            valence = _valence(row.get("valence", ""))
            if row.get("code"):
                rule = (resolver.find(row["code"]), valence)
                if rule not in theme.rules:
                    theme.rules.append(rule)
            elif valence is not None:
                raise ValueError("a valence needs a code")
        except ValueError as exc:
            problems.append(f"row {row_no}: {exc}")
            if len(problems) >= _MAX_LISTED:
                problems.append(f"stopped after {_MAX_LISTED} problems")
                break
    if problems:
        raise ThemeImportError(path, problems)
    return categories, list(themes.values())


def import_csv(service: ThemeService, path: str | Path, *, replace: bool = False) -> ImportReport:
    categories, planned = plan(service, path)
    report = ImportReport()
    tables = service.tables
    with service.action(f"Import themes from {Path(path).name}") as act:
        if replace:
            for theme in service.list():
                service.tables.delete_theme(act, theme.id)
                report.removed += 1
            for category in service.categories():
                act.delete("theme_categories", {"id": category.id})
        existing = service.categories()
        ids: dict[str, int] = {}
        for name in categories:
            found = find_category(existing, name)
            if found is None:
                ids[name] = act.insert(
                    "theme_categories", {"name": name, "position": tables.next_position("theme_categories")}
                )
                report.categories.append(name)
            else:
                ids[name] = found.id
        themes = {(t.category_id, t.name.casefold()): t for t in service.list()}
        for p in planned:
            category_id = ids[p.category]
            current = themes.get((category_id, p.name.casefold()))
            if current is None:
                theme_id = act.insert(
                    "themes",
                    {
                        "category_id": category_id,
                        "name": p.name,
                        "description": p.description or "",
                        "position": tables.next_position("themes", "WHERE category_id = ?", (category_id,)),
                        "cfir_code_id": p.cfir,
                        "created_at": now(),
                    },
                )
                report.themes.append(p.name)
                have: set = set()
            else:
                theme_id = current.id
                changes = {}
                if p.description is not None and p.description != current.description:
                    changes["description"] = p.description
                if p.cfir is not None and p.cfir != current.cfir_code_id:
                    changes["cfir_code_id"] = p.cfir
                if changes:
                    act.update("themes", {"id": theme_id}, changes)
                    report.described += 1
                have = {(r.code_id, r.valence) for r in tables.rules(theme_id)}
            for code_id, valence in p.rules:
                if (code_id, valence) not in have:
                    act.insert(
                        "theme_rules",
                        {
                            "theme_id": theme_id,
                            "code_id": code_id,
                            "valence": valence,
                            "position": tables.next_position("theme_rules", "WHERE theme_id = ?", (theme_id,)),
                        },
                    )
                    report.rules += 1
    return report


def export_rows(service: ThemeService) -> list[dict[str, str]]:
    """The rows :func:`export_csv` writes, in table order."""
    themes = service.list()
    rules: dict[int, list] = {}
    for rule in service.tables.rules():
        rules.setdefault(rule.theme_id, []).append(rule)
    rows: list[dict[str, str]] = []
    with_themes = {t.category_id for t in themes}
    by_category: dict[int, list] = {}
    for theme in themes:
        by_category.setdefault(theme.category_id, []).append(theme)
    for category in service.categories():
        if category.id not in with_themes:
            rows.append(
                {"category": category.name, "theme": "", "description": "", "code": "", "valence": "", "cfir": ""}
            )
        for theme in by_category.get(category.id, []):
            first = True
            for rule in rules.get(theme.id) or [None]:
                rows.append(
                    {
                        "category": category.name,
                        "theme": theme.name,
                        "description": theme.description if first else "",
                        "code": rule.code_id if rule else "",
                        "valence": (rule.valence or "") if rule else "",
                        "cfir": (theme.cfir_code_id or "") if first else "",
                    }
                )
                first = False
    return rows


def export_csv(service: ThemeService, path: str | Path) -> int:
    """Write the themes CSV (UTF-8 with a byte-order mark, so Excel shows curly quotes and accents)."""
    rows = export_rows(service)
    columns = list(COLUMNS) + (["cfir"] if any(r["cfir"] for r in rows) else [])
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    from evalbench.export.common import safe_cell

    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)  # never a formula in Excel
    write_text_file(Path(path), "\ufeff" + out.getvalue())
    return len(rows)


def write_text_file(path: Path, text: str) -> None:
    """Write atomically, with the permissions a new file of the user's gets (not the temp file's 0600)."""
    import os

    from evalbench.codebook.files import atomic_write

    if not path.parent.is_dir():
        raise UserError(f"{path}: folder {path.parent} does not exist")
    atomic_write(path, text)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
