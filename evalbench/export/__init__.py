"""Exports: Word report (docx), Excel (xlsx), CSV, Markdown, REFI-QDA (qdpx).

The formats, their suffixes, options and writers are listed once, in
:mod:`evalbench.export.registry`. :func:`write_export` is what ``Project.write_export`` and ``evalbench export``
call; it returns an :class:`ExportResult` naming every file written and the
warnings to show. :func:`export` is the older form that returns the main
file's path. Every format first applies the "Which coding" rule (see
:mod:`evalbench.export.context`), so a Word table, a spreadsheet and a .qdpx
made without options count the same codings. Each file's bytes are built in
memory (qdpx streams into a temporary file instead) and written atomically, so
a failed or cancelled export leaves nothing half-written. Office files are
deterministic for the same project (see :mod:`evalbench.ooxml`).
"""

from __future__ import annotations

from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING, Any

from evalbench.errors import UserError
from evalbench.export import registry
from evalbench.export.options import ExportResult, check_options

if TYPE_CHECKING:
    from evalbench.export.common import Progress
    from evalbench.export.source import ExportSource


def write_export(
    project: ExportSource,
    fmt: str,
    out: Path,
    *,
    coder: str | None = None,
    all_coders: bool = False,
    progress: Progress | None = None,
    cancel: Event | None = None,
    **options: Any,
) -> ExportResult:
    """Write ``project`` as ``fmt`` to ``out`` (and companion files); returns what was written.

    ``fmt`` is a name in :mod:`evalbench.export.registry`. ``coder`` /
    ``all_coders``: which coding counts (default: the only coder's, else a
    complete consensus, else an error naming the choices). ``options``: the
    fields of :class:`evalbench.export.options.ReportOptions` that ``fmt`` takes.
    """
    from evalbench.codebook.files import atomic_write
    from evalbench.export.context import report_context

    kind = registry.get(fmt)
    out = Path(out)
    if not out.parent.exists():
        raise UserError(f"{out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise UserError(f"{out}: is a folder; give a file name")
    opts = check_options(kind.name, {k: v for k, v in options.items() if v is not None})
    result = ExportResult()
    ctx = report_context(project, coder=coder, all_coders=all_coders, options=opts, result=result)
    job = registry.ExportJob(ctx, out, progress, cancel)
    kind.write(job)
    for path, data in job.files.items():
        atomic_write(path, data)
        result.files.append(path)
    job.finish()
    return result


def export(
    project: ExportSource,
    fmt: str,
    out: Path,
    *,
    by: str | None = None,
    coder: str | None = None,
    progress: Progress | None = None,
    cancel: Event | None = None,
    **options: Any,
) -> Path:
    """Write ``project`` as ``fmt`` to ``out`` and return ``out`` (see :func:`write_export`)."""
    return write_export(project, fmt, out, coder=coder, progress=progress, cancel=cancel, by=by, **options).path
