"""Project methods for REFI-QDA project exchange (.qdpx); see docs/refi-qda.md (mixed into Project)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evalbench.project import Project


class RefiFacade:
    """Project methods for REFI-QDA project exchange (.qdpx); see docs/refi-qda.md (mixed into Project)."""

    def export_qdpx(self, out: str | Path, *, coder: str | None = None, progress=None, cancel=None) -> dict:
        """Write the project (or one coder's codings and memos) as a REFI-QDA .qdpx archive.

        Valid against the REFI-QDA 1.0 project schema; an unchanged project
        exports byte-identically. Returns counts of what was written.
        """
        from evalbench.refi.qdpx_export import export_qdpx

        return export_qdpx(self, out, coder=coder, progress=progress, cancel=cancel)

    @classmethod
    def from_qdpx(cls, path: str | Path, qdpx: str | Path, *, progress=None, cancel=None,
                  report=None) -> Project:
        """Create the project ``path`` from a .qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder, evalbench).

        The archive is checked completely before anything is written, and a
        failed or cancelled import leaves no project file behind. ``report``
        (an ``ImportReport``) collects imported documents and warnings.
        """
        from evalbench.refi.qdpx_import import import_qdpx

        return import_qdpx(path, qdpx, progress=progress, cancel=cancel, report=report)
