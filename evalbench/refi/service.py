"""The REFI-QDA service (``project.refi``): a project out as a .qdpx archive, and a new project from one.

Exporting reads the open project through its Store
(:func:`evalbench.refi.qdpx_export.export_qdpx`). Importing never touches an
open project: :meth:`RefiService.create` builds a new project file from the
archive (:func:`evalbench.refi.qdpx_import.import_qdpx` creates its Store and
fills it through the new store's own import and codebook services) and
returns its path; the caller then opens it. See docs/refi-qda.md for what
maps to what.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from evalbench.model import ImportReport
from evalbench.refi.qdpx_export import QdpxExport, export_qdpx
from evalbench.refi.qdpx_import import import_qdpx
from evalbench.store.store import Store

__all__ = ["QdpxExport", "RefiService"]

Progress = Callable[[int, int, str], None]


class RefiService:
    """REFI-QDA project exchange for one open project."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def export(
        self,
        out: str | Path,
        *,
        coder: str | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> QdpxExport:
        """Write the project (or one coder's codings and memos) as a REFI-QDA .qdpx archive.

        Valid against the REFI-QDA 1.0 project schema; an unchanged project
        exports byte-identically. Nothing is written when it fails or is cancelled.
        """
        return export_qdpx(self.store, out, coder=coder, progress=progress, cancel=cancel)

    @staticmethod
    def create(
        path: str | Path,
        qdpx: str | Path,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        report: ImportReport | None = None,
    ) -> Path:
        """Create the project file ``path`` from a .qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder, evalbench).

        The archive is checked completely before anything is written, and a
        failed or cancelled import leaves no project file behind. ``report``
        collects imported documents and warnings. Returns the path, closed.
        """
        return import_qdpx(path, qdpx, progress=progress, cancel=cancel, report=report)
