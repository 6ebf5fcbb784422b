"""Exports: Word report (docx), Excel (xlsx), CSV, Markdown, REFI-QDA (qdpx).

:func:`write_export` is what ``Project.write_export`` and ``evalbench export``
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

from evalbench.errors import UserError
from evalbench.export.options import ExportResult, check_options

FORMATS = ("docx", "xlsx", "csv", "md", "qdpx")


def write_export(project, fmt: str, out: Path, *, coder: str | None = None, all_coders: bool = False,
                 progress=None, cancel=None, **options) -> ExportResult:
    """Write ``project`` as ``fmt`` to ``out`` (and companion files); returns what was written.

    ``coder`` / ``all_coders``: which coding counts (default: the only coder's,
    else a complete consensus, else an error naming the choices). ``options``:
    the fields of :class:`evalbench.export.options.ReportOptions` that ``fmt`` uses.
    """
    from evalbench.codebook.files import atomic_write
    from evalbench.export.common import Steps
    from evalbench.export.context import report_context

    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    if not out.parent.exists():
        raise UserError(f"{out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise UserError(f"{out}: is a folder; give a file name")
    opts = check_options(fmt, {k: v for k, v in options.items() if v is not None})
    result = ExportResult()
    ctx = report_context(project, coder=coder, all_coders=all_coders, options=opts, result=result)
    if fmt == "qdpx":
        counts = project.refi.export(out, coder=ctx.coder, progress=progress, cancel=cancel)
        result.files.append(out)
        if counts.theme_codings_left_out:
            result.warn(f"{counts.theme_codings_left_out} hand-picked coding(s) or exemplar(s) of themes are "
                        f"codings outside {ctx.choice.description}; left out of {out.name}")
        return result
    files: dict[Path, bytes | str] = {}
    if fmt in ("docx", "md"):
        from evalbench.export.report import build_report

        steps = Steps(7 if fmt == "docx" else 5, progress, cancel)  # the most steps either can take
        steps("reading codings")
        figures = (opts.figures is not False and fmt == "docx") or opts.figures_dir is not None
        report = build_report(ctx, ratings=opts.ratings, figures=figures, svg=opts.figures_dir is not None,
                              steps=steps)
        if fmt == "docx":
            from evalbench.export.docx_report import write_docx

            files[out] = write_docx(report, codebook=opts.codebook, figures=opts.figures is not False,
                                    steps=steps)
        else:
            from evalbench.export.markdown import write_markdown

            steps("writing Markdown")
            files[out] = write_markdown(report, figures_dir=opts.figures_dir, out=out)
        files.update(figure_files(report.figures, opts.figures_dir))
    elif fmt == "xlsx":
        from evalbench.export.tabular import write_xlsx

        steps = Steps(4, progress, cancel)
        steps("reading codings")
        files[out] = write_xlsx(ctx, steps=steps)
        if opts.figures_dir is not None:
            from evalbench.export.report import build_report

            files.update(figure_files(build_report(ctx, figures=True, svg=True).figures, opts.figures_dir))
    else:
        from evalbench.export.tabular import write_csv

        steps = Steps(3, progress, cancel)
        steps("reading codings")
        files.update({path: "\ufeff" + text for path, text in write_csv(ctx, out, steps=steps).items()})
    steps.finish()
    for path, data in files.items():
        atomic_write(path, data)
        result.files.append(path)
    return result


def figure_files(figures, folder: Path | None) -> dict[Path, bytes]:
    """PNG and SVG file per figure, named ``figure-N-<name>``, when a folder was given."""
    if folder is None:
        return {}
    out: dict[Path, bytes] = {}
    for n, figure in enumerate(figures, 1):
        stem = Path(folder) / f"figure-{n}-{figure.name}"
        out[stem.with_suffix(".png")] = figure.png
        if figure.svg is not None:
            out[stem.with_suffix(".svg")] = figure.svg
    return out


def export(project, fmt: str, out: Path, *, by: str | None = None, coder: str | None = None,
           progress=None, cancel=None, **options) -> Path:
    """Write ``project`` as ``fmt`` to ``out`` and return ``out`` (see :func:`write_export`)."""
    return write_export(project, fmt, out, coder=coder, progress=progress, cancel=cancel, by=by,
                        **options).path
