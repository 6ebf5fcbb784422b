"""Agreement reports as Word (.docx) or Excel (.xlsx) files, for the team and the manuscript.

Word: a methods-style summary, one overview table of every code, then per code
in use a table of its figures and its disagreements (the first
:data:`MAX_LISTED` of them). Excel: a Summary sheet and a Disagreements sheet
with every disagreement, for filtering.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from evalbench.analysis.agreement import BELOW, AgreementReport, CodeAgreement
from evalbench.analysis.disagreements import Disagreement
from evalbench.errors import UserError

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

MAX_LISTED = 25
NOTE = (
    "Codes no coder used are listed without statistics. A code only one of two coders used has "
    "κ = 0 by the formula; κ and α are unstable for rarely applied codes (low prevalence, the share of "
    "decisions that applied the code), so read them beside percent agreement, Gwet's AC1 and how often "
    "each coder applied the code. Pooled κ counts every unit × code decision and is lifted by codes "
    "applied almost everywhere; the mean of the per-code κ is not."
)
UNIT_WORDS = {"turn": "participant turns", "char": "characters"}


def fmt(value: float | None, digits: int = 2) -> str:
    """A statistic for a table: fixed decimals, an em dash when undefined.

    A value that is not zero but rounds to it keeps one significant digit, so a
    slightly negative α reads ``-0.004``, not a reassuring ``0.00``.
    """
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    if value != 0 and float(text) == 0:
        for more in range(digits + 1, digits + 4):
            text = f"{value:.{more}f}"
            if float(text) != 0:
                return text
        return f"{value:.1e}"
    return text


def summary_sentence(report: AgreementReport) -> str:
    """Two sentences that could go in a methods section: the pooled figures, and the per-code ones beside them."""
    unit = UNIT_WORDS[report.unit]
    if report.include_interviewer and report.unit == "turn":
        unit = "speaker turns (interviewer turns included)"
    o = report.overall
    parts = [f"percent agreement {fmt(o.percent, 1)}%"]
    if o.kappa is not None:
        parts.append(f"Cohen's κ = {fmt(o.kappa)}")
    parts.append(f"Krippendorff's α (nominal) = {fmt(o.alpha)}")
    if o.ac1 is not None:
        parts.append(f"Gwet's AC1 = {fmt(o.ac1)}")
    used = sum(1 for c in report.codes if c.n_units)
    out = (
        f"Coders {', '.join(report.coders)} independently coded {len(report.documents)} document(s); "
        f"agreement was computed on {unit} for {used} code(s) in use, pooling {o.n_units:,} "
        f"unit × code decisions: {', '.join(parts)}."
    )
    return out + (" " + per_code_sentence(report) if o.codes_rated else "")


def per_code_sentence(report: AgreementReport) -> str:
    """``Per code, mean κ = 0.52; 12 of 40 codes below 0.4.`` (α with three or more coders)."""
    o = report.overall
    name, mean = ("κ", o.mean_kappa) if len(report.coders) == 2 else ("α", o.mean_alpha)
    return f"Per code, mean {name} = {fmt(mean)}; {o.codes_below} of {o.codes_rated} code(s) below {BELOW:g}."


def code_row(report: AgreementReport, c: CodeAgreement, labels: dict[str, str] | None = None) -> list:
    return (
        [
            (labels or {}).get(c.code, c.name),
            fmt(c.percent, 1),
            fmt(c.kappa),
            fmt(c.alpha),
            fmt(c.ac1),
            fmt(c.prevalence),
            c.n_units,
        ]
        + [c.n_applied.get(k, 0) for k in report.coders]
        + [c.n_disagreements]
    )


def headers(report: AgreementReport) -> list[str]:
    return (
        ["Code", "% agreement", "Cohen's κ", "Krippendorff's α", "Gwet's AC1", "Prevalence", "Units"]
        + [f"Applied: {k}" for k in report.coders]
        + ["Disagreements"]
    )


def write_report(
    report: AgreementReport,
    disagreements: list[Disagreement],
    path: str | Path,
    labels: dict[str, str] | None = None,
    who: dict[int, str] | None = None,
) -> Path:
    """Write ``report`` to a .docx or .xlsx file, chosen by the file's suffix.

    ``labels`` name codes (code ID -> label, :func:`evalbench.codebook.labels.code_labels`);
    ``who`` names documents by participant (document ID -> label).
    """
    path = Path(path)
    writers = {".docx": _write_docx, ".xlsx": _write_xlsx}
    if path.suffix.lower() not in writers:
        raise UserError(f"{path.name}: report must be a .docx or .xlsx file")
    if not path.parent.exists():
        raise UserError(f"{path}: folder {path.parent} does not exist")
    writers[path.suffix.lower()](report, disagreements, path, labels or {}, who or {})
    return path


def where(d: Disagreement, who: dict[int, str]) -> str:
    """``P03 · p03.txt turn 6``: whose interview and which turn, never character positions."""
    person = who.get(d.document_id)
    place = f"{d.document} turn {d.turn}"
    return f"{person} · {place}" if person and person != d.document else place


def _write_docx(
    report: AgreementReport, disagreements: list[Disagreement], path: Path, labels: dict, who: dict
) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Intercoder agreement", level=1)
    doc.add_paragraph(summary_sentence(report))
    doc.add_paragraph("Documents compared: " + (", ".join(report.documents) or "none") + ".")
    doc.add_paragraph(NOTE)
    _docx_table(doc, headers(report), [code_row(report, c, labels) for c in report.worst_first()])
    by_code: dict[str, list[Disagreement]] = {}
    for d in disagreements:
        by_code.setdefault(d.code, []).append(d)
    for c in report.worst_first():
        if not c.n_units:
            continue
        doc.add_heading(labels.get(c.code, c.name), level=2)
        figures = [
            ["% agreement", fmt(c.percent, 1)],
            ["Cohen's κ", fmt(c.kappa)],
            ["Krippendorff's α", fmt(c.alpha)],
            ["Gwet's AC1", fmt(c.ac1)],
            ["Prevalence", fmt(c.prevalence)],
            ["Units compared", f"{c.n_units:,}"],
        ]
        figures += [[f"Applied by {k}", f"{c.n_applied.get(k, 0):,}"] for k in report.coders]
        _docx_table(doc, ["Measure", "Value"], figures)
        listed = by_code.get(c.code, [])
        if listed:
            rows = [[where(d, who), ", ".join(d.applied_by), clip(d.text)] for d in listed[:MAX_LISTED]]
            _docx_table(doc, ["Where", "Applied by", "Text"], rows)
            if len(listed) > MAX_LISTED:
                doc.add_paragraph(f"… and {len(listed) - MAX_LISTED} more disagreement(s).")
    doc.save(str(path))


def _docx_table(doc: WordDocument, head: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)


def _write_xlsx(
    report: AgreementReport, disagreements: list[Disagreement], path: Path, labels: dict, who: dict
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws.append([summary_sentence(report)])
    o = report.overall
    ws.append(["Overall", _cell(o.percent), _cell(o.kappa), _cell(o.alpha), _cell(o.ac1), None, o.n_units])
    ws.append(headers(report) + ["Code ID"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for c in report.worst_first():
        ws.append(
            [
                labels.get(c.code, c.name),
                _cell(c.percent),
                _cell(c.kappa),
                _cell(c.alpha),
                _cell(c.ac1),
                _cell(c.prevalence),
                c.n_units,
            ]
            + [c.n_applied.get(k, 0) for k in report.coders]
            + [c.n_disagreements, c.code]
        )
    ws.column_dimensions["A"].width = 44
    ds = wb.create_sheet("Disagreements")
    ds.append(
        ["Participant", "Document", "Turn", "Code", "Applied by", "Not applied by", "Decision", "Text", "Code ID"]
    )
    for cell in ds[1]:
        cell.font = Font(bold=True)
    for d in disagreements:
        ds.append(
            [
                who.get(d.document_id, ""),
                d.document,
                d.turn,
                labels.get(d.code, d.code),
                ", ".join(d.applied_by),
                ", ".join(d.not_applied_by),
                d.decision or "",
                d.text,
                d.code,
            ]
        )
    wb.save(str(path))


def _cell(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def clip(text: str, limit: int = 300) -> str:
    """Whitespace collapsed; an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
