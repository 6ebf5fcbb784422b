"""The import report: one line per file, and WARNING lines that cannot be missed.

Both the ``import`` command and the workbench's import show exactly these
lines (:func:`report_lines`), so what a user reads does not depend on where
they imported. A :class:`BatchReport` is an ``ImportReport`` (imported,
skipped, failed, warnings) with the per-file details added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evalbench.errors import one_line
from evalbench.model import ImportReport

#: Speakers named on a file's line before the rest are counted.
_SHOWN_SPEAKERS = 6
#: Files skipped as already imported that are named before the rest are counted.
_SHOWN_SKIPPED = 5


@dataclass
class FileReport:
    """What happened to one file."""

    name: str
    status: str  #: "imported", "would import" (dry run), "skipped" or "failed"
    reason: str = ""  #: why it was skipped or failed
    speakers: list[tuple[str | None, str, int]] = field(default_factory=list)  #: (label, role, turns)
    turns: int = 0
    words: int = 0
    warnings: list[str] = field(default_factory=list)
    document_id: int | None = None


@dataclass
class BatchReport(ImportReport):
    """An :class:`~evalbench.model.ImportReport` with a line per file and how the batch ended."""

    files: list[FileReport] = field(default_factory=list)
    dry_run: bool = False
    strict: bool = False
    interrupted: bool = False
    remaining: int = 0  #: files not reached when the import was interrupted

    @property
    def file_warnings(self) -> int:
        return sum(len(f.warnings) for f in self.files)


@dataclass(frozen=True)
class ReportLine:
    """One line of the report; ``kind`` is file, warning, skipped, failed or summary."""

    kind: str
    text: str


def _speakers(f: FileReport) -> str:
    if not f.speakers:
        return "no speakers"
    named = [s for s in f.speakers if s[0] is not None]
    if not named:
        return "no speaker labels"
    shown = [f"{label} ({role}, {n})" for label, role, n in named[:_SHOWN_SPEAKERS]]
    if len(named) > _SHOWN_SPEAKERS:
        shown.append(f"+{len(named) - _SHOWN_SPEAKERS} more")
    return ", ".join(shown)


def file_line(f: FileReport) -> str:
    """``p01.txt: Dana Whitfield (interviewer, 23), Hannah Osei (participant, 23); 46 turns, 1,677 words``."""
    return f"{f.name}: {_speakers(f)}; {f.turns:,} turn{'s' * (f.turns != 1)}, {f.words:,} words"


def report_lines(
    report: BatchReport, project_name: str = "the project", documents: int | None = None
) -> list[ReportLine]:
    """The report as lines, in the order a user should read them, ending with the summary."""
    out: list[ReportLine] = []
    # A rerun after Ctrl+C skips what is there already: name a few, count the rest.
    already = [f for f in report.files if f.status == "skipped" and f.reason.startswith("already imported")]
    quiet = {id(f) for f in already[_SHOWN_SKIPPED:]} if len(already) > _SHOWN_SKIPPED + 1 else set()
    for f in report.files:
        if id(f) in quiet:
            continue
        if f.status in ("imported", "would import"):
            out.append(ReportLine("file", file_line(f)))
        elif f.status == "skipped":
            out.append(ReportLine("skipped", f"{f.name}: skipped, {f.reason}"))
        else:
            out.append(ReportLine("failed", f"{f.name}: {f.reason}"))
        out.extend(ReportLine("warning", f"WARNING {f.name}: {w}") for w in f.warnings)
    if quiet:
        out.append(ReportLine("skipped", f"{len(quiet)} more files skipped, already imported"))
    out.extend(ReportLine("warning", f"WARNING {w}") for w in report.warnings)
    out.append(ReportLine("summary", summary(report, project_name, documents)))
    # File names and cells echoed here may hold newlines, control characters or 5,000 characters.
    return [ReportLine(line.kind, one_line(line.text)) for line in out]


def summary(report: BatchReport, project_name: str = "the project", documents: int | None = None) -> str:
    """The last line: how many files landed, were skipped or failed, and what to do next."""
    n = len(report.imported)
    parts = []
    if report.skipped:
        parts.append(f"{len(report.skipped)} skipped")
    if report.failed:
        parts.append(f"{len(report.failed)} failed")
    warnings = report.file_warnings + len(report.warnings)
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    extra = f" ({', '.join(parts)})" if parts else ""
    if report.dry_run:
        return f"Dry run: {n} file(s) would be imported into {project_name}{extra}; nothing was written."
    if report.interrupted:
        return (
            f"Interrupted: {n} file(s) imported into {project_name}{extra}, {report.remaining} not reached; "
            "run the same import again to finish (files already imported are skipped)."
        )
    docs = f"; {documents} document(s) in the project" if documents is not None else ""
    return f"Imported {n} file(s) into {project_name}{extra}{docs}."
