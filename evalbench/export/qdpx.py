"""The ``qdpx`` writer of :mod:`evalbench.export.registry`: a REFI-QDA project for other QDA programs.

The REFI-QDA area writes the archive (streamed into a temporary file and
renamed, so it is never built in memory); this module only hands it the
coding the export counts and words what it left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evalbench.export.registry import ExportJob


def export_qdpx(job: ExportJob) -> None:
    """Write ``job.out`` through ``Project.export_qdpx`` with the chosen coder; warn about theme picks left out."""
    ctx = job.ctx
    counts = ctx.project.export_qdpx(job.out, coder=ctx.coder, progress=job.progress, cancel=job.cancel)
    job.wrote(job.out)
    left_out = counts.theme_codings_left_out
    if left_out:
        job.result.warn(
            f"{left_out} hand-picked coding(s) or exemplar(s) of themes are codings outside "
            f"{ctx.choice.description}; left out of {job.out.name}"
        )
