"""What every export starts from: which coding counts, its codings, and who said what.

:func:`report_context` applies the "Which coding" rule (issue 17, in
:mod:`evalbench.findings.choice`) once for every format, then prepares the
codings frame the way a reader of the report needs it:

- a transcript linked to no participant is quoted as ``no participant: FILE``
  (never its file name passed off as a participant ID), its people counted in
  a ``no participant linked`` group, and the export warns about it;
- a participant without the attribute a count is broken down by is
  ``unknown`` (not the speaker role "participant" that the frame falls back on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from evalbench.analysis.frame import CodeTree
    from evalbench.export.options import ExportResult, ReportOptions
    from evalbench.export.source import ExportSource
    from evalbench.findings.choice import CodingChoice

NO_PARTICIPANT = "no participant linked"
UNKNOWN = "unknown"


@dataclass
class ReportContext:
    """The chosen coding's frame (relabelled as above), its code tree, and the options."""

    project: ExportSource
    choice: CodingChoice
    frame: pd.DataFrame
    tree: CodeTree
    options: ReportOptions
    result: ExportResult
    unlinked: tuple[str, ...]  #: coded transcripts with no participant, by file name
    memo: dict[str, Any] = field(default_factory=dict)  #: what a writer computes once per export (theme rows)

    @property
    def coder(self) -> str | None:
        """The one coder whose codings count (None: every coder's), for ratings and qdpx."""
        return self.choice.coder

    def breakdown(self, by: str | None = None) -> tuple[str, list[str]] | None:
        """(label, value per frame row) that participant counts are broken down by; None when nobody has it."""
        by = by or self.options.group_by
        if by == "participant":
            return None
        col = f"attr.{by}"
        if col not in self.frame.columns:
            if by == "role":
                return None  # nobody has a role: the count alone
            from evalbench.analysis.frame import group_column

            group_column(self.frame, by)  # the one-line error naming the attributes there are
            return None
        values = self.frame[col].tolist()
        linked = self.frame["linked"].tolist()
        return by, [(_plain(v) if is_linked else NO_PARTICIPANT) for v, is_linked in zip(values, linked)]


def _plain(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value.replace("_", " ")
    return UNKNOWN


def choose(project: ExportSource, coder: str | None, all_coders: bool) -> CodingChoice:
    """The CodingChoice for an export (one line naming the choices when it is ambiguous)."""
    from evalbench.findings.choice import choose_coding

    return choose_coding(project.store, coder, all_coders=all_coders, where=project.path.name)


def report_context(
    project: ExportSource, *, coder: str | None, all_coders: bool, options: ReportOptions, result: ExportResult
) -> ReportContext:
    """Choose the coding, read its frame, relabel unlinked transcripts, and note them in ``result``."""
    choice = choose(project, coder, all_coders)
    result.coding = choice.description
    frame, tree = project.codings_frame(choice.coder)
    unlinked_names = {d.name for d in project.documents() if not d.participant}
    linked = [name not in unlinked_names for name in frame["document"]]
    frame = frame.assign(
        linked=linked,
        participant=[
            p if ok else f"no participant: {name}"
            for p, name, ok in zip(frame["participant"], frame["document"], linked)
        ],
    )
    unlinked = tuple(sorted({name for name, ok in zip(frame["document"], linked) if not ok}))
    if unlinked:
        shown = ", ".join(unlinked[:3]) + (f" and {len(unlinked) - 3} more" if len(unlinked) > 3 else "")
        result.warn(
            f"{len(unlinked)} coded transcript(s) linked to no participant ({shown}): quoted as "
            "'no participant: FILE'; link them in a participants CSV and import it again"
        )
    return ReportContext(project, choice, frame, tree, options, result, unlinked)
