"""What an export needs of the project it writes, as a typed Protocol (the export never imports ``Project``).

``Project`` satisfies :class:`ExportSource` structurally: mypy checks it where
``Project.write_export`` hands itself to :func:`evalbench.export.write_export`.
Keeping the list here, short and explicit, is what lets the export be read
(and tested with a stand-in) without the rest of the façade: the Store for
the few direct reads (the last coding's time, the suggesting models), the
themes service for the themes layout, and the services' answers for the
codings frame, documents, codebook, ratings, agreement and the .qdpx archive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.analysis.agreement import AgreementReport
    from evalbench.analysis.frame import CodeTree
    from evalbench.findings.service import ThemeService
    from evalbench.model import Code, Document, Rating
    from evalbench.store.store import Store


class QdpxWritten(Protocol):
    """What the REFI-QDA area says it wrote (only what the export words)."""

    @property
    def theme_codings_left_out(self) -> int: ...


class ExportSource(Protocol):
    """The project as an export sees it."""

    @property
    def path(self) -> Path: ...

    @property
    def store(self) -> Store: ...

    @property
    def themes(self) -> ThemeService: ...

    @property
    def name(self) -> str: ...

    def codings_frame(self, coder: str | None = None) -> tuple[pd.DataFrame, CodeTree]: ...

    def documents(self, *, with_text: bool = False) -> list[Document]: ...

    def codes(self) -> list[Code]: ...

    def ratings(self, scope: str | None = None, coder: str | None = None) -> list[Rating]: ...

    def group_values(self, by: str) -> list[str]: ...

    def agreement(self, coders: list[str]) -> AgreementReport: ...

    def export_qdpx(
        self,
        out: str | Path,
        *,
        coder: str | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> QdpxWritten: ...
