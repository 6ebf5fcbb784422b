"""The export formats: one entry each, read by the CLI, the workbench's export form, the docs test and the dispatch.

An :class:`ExportFormat` says everything the rest of the program needs to
know about a format: its name (``--format docx``), the file suffix that picks
it, a one-line description, which report options it takes (the fields of
:class:`~evalbench.export.options.ReportOptions`; any other option is refused
in one line) and its writer. Adding a format is one entry in
:data:`BUILT_IN` plus the writer module; ``evalbench export --help``, the
export form and the option checks follow.

A writer is named as ``"module:function"`` and imported only when that
format is written, so ``evalbench --help`` never loads python-docx, pandas
or lxml (the test of a fast ``--help`` would catch it). It receives an
:class:`ExportJob` and either puts the bytes of each file into
:attr:`ExportJob.files` (written atomically after it returns, in order, so a
failed export leaves nothing half-written) or, when it streams a large file
itself (qdpx), names what it wrote with :meth:`ExportJob.wrote`.

This module imports nothing heavy: the CLI reads it to build its help.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING

from evalbench.errors import UserError

if TYPE_CHECKING:
    from evalbench.export.common import Progress, Steps
    from evalbench.export.context import ReportContext
    from evalbench.export.figures import Figure
    from evalbench.export.options import ExportResult, ReportOptions

Writer = Callable[["ExportJob"], None]


@dataclass(frozen=True)
class ExportFormat:
    """One export format (see the module docstring)."""

    name: str  #: as given to ``--format`` and to ``Project.write_export``
    suffix: str  #: the file extension that picks this format, with its dot
    description: str  #: what the file holds, in a few words, for help texts
    options: frozenset[str]  #: the ReportOptions fields this format takes
    writer: str | Writer  #: ``"package.module:function"`` (imported when used) or the function itself

    def write(self, job: ExportJob) -> None:
        """Run the writer (importing its module now, not when the program starts)."""
        writer = self.writer
        if isinstance(writer, str):
            module, _, function = writer.partition(":")
            writer = getattr(importlib.import_module(module), function)
        writer(job)


@dataclass
class ExportJob:
    """What a writer gets: the chosen coding and options (:attr:`ctx`), the file asked for, progress and cancel.

    The writer fills :attr:`files` (path -> bytes or text, the file asked for
    first); the dispatch writes them atomically once the writer returns.
    """

    ctx: ReportContext
    out: Path
    progress: Progress | None = None
    cancel: Event | None = None
    files: dict[Path, bytes | str] = field(default_factory=dict)
    _steps: Steps | None = field(default=None, init=False, repr=False)

    @property
    def options(self) -> ReportOptions:
        return self.ctx.options

    @property
    def result(self) -> ExportResult:
        """Where warnings go (``job.result.warn(...)``)."""
        return self.ctx.result

    def steps(self, total: int) -> Steps:
        """Progress and cancellation over ``total`` steps (call it once; each step names what starts)."""
        from evalbench.export.common import Steps

        self._steps = Steps(total, self.progress, self.cancel)
        return self._steps

    def add_figures(self, figures: Sequence[Figure]) -> None:
        """Write each figure as PNG (and SVG) into ``--figures-dir``, when one was given."""
        from evalbench.export.common import figure_files

        self.files.update(figure_files(figures, self.options.figures_dir))

    def wrote(self, path: Path) -> None:
        """Name a file the writer wrote itself (atomically), so the export reports it."""
        self.result.files.append(path)

    def finish(self) -> None:
        """Report the last step as done (after the files are written)."""
        if self._steps is not None:
            self._steps.finish()


_FORMATS: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> ExportFormat:
    """Add (or replace) a format; its name and suffix must not collide with another format's."""
    clash = [f.name for f in _FORMATS.values() if f.name != fmt.name and f.suffix == fmt.suffix]
    if clash:
        raise ValueError(f"export format {fmt.name!r}: suffix {fmt.suffix} already belongs to {clash[0]!r}")
    _FORMATS[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    """Remove a format (tests that register a fake one take it out again)."""
    _FORMATS.pop(name, None)


def formats() -> list[ExportFormat]:
    """Every format, in the order registered (the order help texts list them)."""
    return list(_FORMATS.values())


def names() -> list[str]:
    return list(_FORMATS)


def suffixes() -> list[str]:
    return [f.suffix for f in _FORMATS.values()]


def get(name: str) -> ExportFormat:
    """The format called ``name`` (any case, a leading dot allowed), or a UserError naming the formats."""
    fmt = _FORMATS.get(name.lower().lstrip("."))
    if fmt is None:
        raise UserError(f"unknown export format {name!r}: use one of {', '.join(_FORMATS)}")
    return fmt


def for_path(path: str | Path) -> ExportFormat | None:
    """The format a file's extension picks, or None."""
    suffix = Path(path).suffix.lower()
    return next((f for f in _FORMATS.values() if f.suffix == suffix), None)


def formats_with(option: str) -> list[str]:
    """Names of the formats that take ``option`` (for "it applies to …" messages)."""
    return [f.name for f in _FORMATS.values() if option in f.options]


#: What the report-shaped formats share: the table's shape and what it counts.
_TABLE = ("by", "quotes", "min_participants", "matrix")

BUILT_IN = (
    ExportFormat(
        "docx",
        ".docx",
        "Word report: methods, findings table, matrix, ratings, figures",
        frozenset(
            (
                *_TABLE,
                "layout",
                "mixed",
                "paper",
                "fold_subconstructs",
                "figures",
                "figures_dir",
                "cfir",
                "ratings",
                "codebook",
            )
        ),
        "evalbench.export.docx_report:export_docx",
    ),
    ExportFormat(
        "xlsx",
        ".xlsx",
        "Excel workbook: excerpts, themes, matrices, frequencies, ratings, codebook",
        frozenset((*_TABLE, "figures_dir", "cfir")),
        "evalbench.export.tabular:export_xlsx",
    ),
    ExportFormat(
        "csv",
        ".csv",
        "CSV: the excerpts, and every other table in a file beside it",
        frozenset((*_TABLE, "cfir")),
        "evalbench.export.tabular:export_csv",
    ),
    ExportFormat(
        "md",
        ".md",
        "Markdown: the Word report as text, with links to the figures",
        frozenset((*_TABLE, "layout", "mixed", "fold_subconstructs", "figures_dir", "cfir")),
        "evalbench.export.markdown:export_markdown",
    ),
    ExportFormat(
        "qdpx",
        ".qdpx",
        "REFI-QDA project for NVivo, ATLAS.ti, MAXQDA and other QDA programs",
        frozenset(),
        "evalbench.export.qdpx:export_qdpx",
    ),
)
for _fmt in BUILT_IN:
    register(_fmt)
