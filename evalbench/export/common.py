"""What every export shares: safe spreadsheet cells, excerpt rows, the export timestamp, progress.

Office files (docx, xlsx) are made deterministic by :mod:`evalbench.ooxml`,
with the project's name as title and, as dates, :func:`export_timestamp`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING, TypeVar

from evalbench.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.analysis.frame import CodeTree
    from evalbench.export.figures import Figure
    from evalbench.store.store import Store

Progress = Callable[[int, int, str], None]
#: One step of an export: called with what starts now (a :class:`Steps`, or a no-op).
Step = Callable[[str], None]
T = TypeVar("T")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: T) -> T | str:
    """A spreadsheet cell value that cannot run as a formula (OWASP CSV injection advice).

    Text starting with ``= + - @``, a tab or a carriage return gets a leading
    apostrophe; numbers and other values pass through unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Steps:
    """Progress reporting and cancellation for an export of a known number of steps."""

    def __init__(self, total: int, progress: Progress | None, cancel: Event | None) -> None:
        self.total, self.done = total, 0
        self.progress, self.cancel = progress, cancel

    def __call__(self, message: str) -> None:
        """Mark the start of the next step; raises UserError if the export was cancelled."""
        if self.cancel is not None and self.cancel.is_set():
            raise UserError("export cancelled; nothing was written")
        if self.progress is not None:
            self.progress(self.done, self.total, message)
        self.done += 1

    def finish(self, message: str = "done") -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, message)


def export_timestamp(store: Store) -> str:
    """The moment the exported content describes: the last coding's time (else project creation)."""
    stamp = store.codings.latest_created() or store.meta.get("created_at") or "2000-01-01T00:00:00Z"
    stamp = stamp.replace("+00:00", "Z")
    return stamp if stamp.endswith("Z") else stamp[:19] + "Z"


def figure_files(figures: Sequence[Figure], folder: Path | None) -> dict[Path, bytes]:
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


def excerpt_columns(frame: pd.DataFrame) -> list[str]:
    """Header of the one-row-per-excerpt table (attribute columns depend on the project).

    ``origin`` (manual, suggestion, import, merge, rule) and, for a coding
    accepted from a suggestion, ``suggestion_model`` and
    ``suggestion_model_version`` are there so that a methods section can
    disclose which codings began as suggestions and from which model (issue 14).
    """
    attrs = [safe_cell(c[5:]) for c in frame.columns if c.startswith("attr.")]  # attribute names are user text
    return [
        "document",
        "participant",
        *attrs,
        "turn",
        "speaker",
        "speaker_role",
        "code_id",
        "code",
        "construct",
        "domain",
        "valence",
        "coder",
        "origin",
        "suggestion_model",
        "suggestion_model_version",
        "starred",
        "memo",
        "text",
        "start",
        "end",
        "coding_id",
    ]


def excerpt_rows(
    frame: pd.DataFrame, tree: CodeTree, models: dict[int, tuple[str, str | None]] | None = None
) -> Iterator[list[object]]:
    """Rows (lists) of the excerpt table, in document order, values safe for spreadsheets.

    ``models`` maps a coding id to its suggesting model and version
    (``store.provenance.suggestion_models()``); codings not in it
    have empty model cells.
    """
    models = models or {}
    attr_cols = [c for c in frame.columns if c.startswith("attr.")]
    col = {c: frame[c].tolist() for c in frame.columns}
    for i in range(len(frame)):
        turn = col["turn"][i]
        coding_id = int(col["coding_id"][i])
        model, version = models.get(coding_id, (None, None))
        yield [
            safe_cell(v)
            for v in (
                col["document"][i],
                col["participant"][i],
                *(_plain(col[c][i]) for c in attr_cols),
                int_or_none(turn),
                col["speaker"][i],
                col["speaker_role"][i],
                col["code_id"][i],
                col["code"][i],
                tree.name(col["construct_id"][i]),
                tree.name(col["domain_id"][i]),
                col["valence"][i],
                col["coder"][i],
                col["origin"][i],
                model,
                version,
                "yes" if col["starred"][i] else "",
                col["memo"][i],
                col["text"][i],
                int(col["start"][i]),
                int(col["end"][i]),
                coding_id,
            )
        ]


def int_or_none(value: object) -> int | None:
    """An integer, or None for a missing value (None, NaN, pandas NA)."""
    try:
        return int(value)  # type: ignore[call-overload]  # any value; what int() refuses is missing
    except (TypeError, ValueError):
        return None


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def table_rows(table: pd.DataFrame, *, index_label: str) -> tuple[list[str], list[list[object]]]:
    """A DataFrame as header + rows of plain values (index first), for sheets and CSV files."""
    header = [index_label, *[safe_cell(str(c)) for c in table.columns]]  # participant names are user text
    rows = []
    for idx, values in zip(table.index, table.itertuples(index=False), strict=True):
        rows.append([safe_cell(str(idx)), *(safe_cell(_number(v)) for v in values)])
    return header, rows


def _number(value: object) -> object:
    if hasattr(value, "item"):
        value = value.item()
    return _plain(value)
