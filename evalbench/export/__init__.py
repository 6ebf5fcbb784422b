"""Exports: Word theme table (docx), Excel (xlsx), CSV, Markdown, REFI-QDA (qdpx).

:func:`export` is what ``Project.export`` and ``evalbench export`` call. Each
format builds its bytes in memory (qdpx streams into a temporary file instead)
and the file is written atomically, so a failed or cancelled export leaves
nothing half-written. Office files are
deterministic for the same project (see :mod:`evalbench.ooxml`).
"""

from __future__ import annotations

from pathlib import Path

from evalbench.errors import UserError

FORMATS = ("docx", "xlsx", "csv", "md", "qdpx")


def export(project, fmt: str, out: Path, *, by: str | None = None, coder: str | None = None,
           progress=None, cancel=None, **options) -> Path:
    """Write ``project`` as ``fmt`` to ``out`` and return ``out``.

    ``by`` adds a matrix by role, site or another attribute (xlsx, csv, md) or
    breaks the theme table's participant counts down by it (docx). ``coder``
    limits the content to one coder's codings. docx options: ``ratings``
    (include construct × site ratings; default when sites exist), ``codebook``
    (append the codebook).
    """
    from evalbench.codebook.files import atomic_write

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    if not out.parent.exists():
        raise UserError(f"{out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise UserError(f"{out}: is a folder; give a file name")
    project.known_coder(coder)
    unknown = set(options) - ({"ratings", "codebook"} if fmt == "docx" else set())
    if unknown:
        raise UserError(f"{fmt} export has no option {', '.join(sorted(unknown))}")
    if fmt == "qdpx":
        from evalbench.refi.qdpx_export import export_qdpx

        export_qdpx(project, out, coder=coder, progress=progress, cancel=cancel)
        return out
    if fmt == "docx":
        from evalbench.export.docx_report import write_docx

        atomic_write(out, write_docx(project, by=by, coder=coder, progress=progress, cancel=cancel, **options))
    elif fmt == "xlsx":
        from evalbench.export.tabular import write_xlsx

        atomic_write(out, write_xlsx(project, out, by=by, coder=coder, progress=progress, cancel=cancel))
    elif fmt == "csv":
        from evalbench.export.tabular import write_csv

        files = write_csv(project, out, by=by, coder=coder, progress=progress, cancel=cancel)
        for path, text in files.items():
            atomic_write(path, "\ufeff" + text)
    else:
        from evalbench.export.markdown import write_markdown

        atomic_write(out, write_markdown(project, by=by, coder=coder, progress=progress, cancel=cancel))
    return out
