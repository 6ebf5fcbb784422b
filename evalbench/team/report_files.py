"""Agreement reports as Word (.docx) or Excel (.xlsx) files, for the team and the manuscript.

Word: a methods-style summary, one overview table of every code, then per code
in use a table of its figures and its disagreements (the first
:data:`MAX_LISTED` of them). Excel: a Summary sheet and a Disagreements sheet
with every disagreement, for filtering.
"""

from __future__ import annotations

from pathlib import Path

from evalbench.analysis.agreement import AgreementReport, CodeAgreement
from evalbench.analysis.disagreements import Disagreement
from evalbench.errors import UserError

MAX_LISTED = 25
NOTE = ("Codes no coder used are listed without statistics. A code only one of two coders used has "
        "κ = 0 by the formula; κ and α are unstable for rarely applied codes, so read them beside "
        "percent agreement and how often each coder applied the code.")
UNIT_WORDS = {"turn": "participant turns", "char": "characters"}


def fmt(value: float | None, digits: int = 2) -> str:
    """A statistic for a table: fixed decimals, an em dash when undefined."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.00"


def summary_sentence(report: AgreementReport) -> str:
    """One sentence that could go in a methods section."""
    unit = UNIT_WORDS[report.unit]
    if report.include_interviewer and report.unit == "turn":
        unit = "speaker turns (interviewer turns included)"
    o = report.overall
    parts = [f"percent agreement {fmt(o.percent, 1)}%"]
    if o.kappa is not None:
        parts.append(f"Cohen's κ = {fmt(o.kappa)}")
    parts.append(f"Krippendorff's α (nominal) = {fmt(o.alpha)}")
    used = sum(1 for c in report.codes if c.n_units)
    return (f"Coders {', '.join(report.coders)} independently coded {len(report.documents)} document(s); "
            f"agreement was computed on {unit} for {used} code(s) in use, pooling {o.n_units:,} "
            f"unit × code decisions: {', '.join(parts)}.")


def code_row(report: AgreementReport, c: CodeAgreement) -> list:
    return ([c.code, c.name, fmt(c.percent, 1), fmt(c.kappa), fmt(c.alpha), c.n_units]
            + [c.n_applied.get(k, 0) for k in report.coders] + [c.n_disagreements])


def headers(report: AgreementReport) -> list[str]:
    return (["Code", "Name", "% agreement", "Cohen's κ", "Krippendorff's α", "Units"]
            + [f"Applied: {k}" for k in report.coders] + ["Disagreements"])


def write_report(report: AgreementReport, disagreements: list[Disagreement], path: str | Path) -> Path:
    """Write ``report`` to a .docx or .xlsx file, chosen by the file's suffix."""
    path = Path(path)
    writers = {".docx": _write_docx, ".xlsx": _write_xlsx}
    if path.suffix.lower() not in writers:
        raise UserError(f"{path.name}: report must be a .docx or .xlsx file")
    if not path.parent.exists():
        raise UserError(f"{path}: folder {path.parent} does not exist")
    writers[path.suffix.lower()](report, disagreements, path)
    return path


def _write_docx(report: AgreementReport, disagreements: list[Disagreement], path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Intercoder agreement", level=1)
    doc.add_paragraph(summary_sentence(report))
    doc.add_paragraph("Documents compared: " + (", ".join(report.documents) or "none") + ".")
    doc.add_paragraph(NOTE)
    _docx_table(doc, headers(report), [code_row(report, c) for c in report.worst_first()])
    by_code: dict[str, list[Disagreement]] = {}
    for d in disagreements:
        by_code.setdefault(d.code, []).append(d)
    for c in report.worst_first():
        if not c.n_units:
            continue
        doc.add_heading(f"{c.name} ({c.code})", level=2)
        figures = [["% agreement", fmt(c.percent, 1)], ["Cohen's κ", fmt(c.kappa)],
                   ["Krippendorff's α", fmt(c.alpha)], ["Units compared", f"{c.n_units:,}"]]
        figures += [[f"Applied by {k}", f"{c.n_applied.get(k, 0):,}"] for k in report.coders]
        _docx_table(doc, ["Measure", "Value"], figures)
        listed = by_code.get(c.code, [])
        if listed:
            rows = [[d.document, str(d.turn), ", ".join(d.applied_by), clip(d.text)] for d in listed[:MAX_LISTED]]
            _docx_table(doc, ["Document", "Turn", "Applied by", "Text"], rows)
            if len(listed) > MAX_LISTED:
                doc.add_paragraph(f"… and {len(listed) - MAX_LISTED} more disagreement(s).")
    doc.save(str(path))


def _docx_table(doc, head: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)


def _write_xlsx(report: AgreementReport, disagreements: list[Disagreement], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    ws.append([summary_sentence(report)])
    o = report.overall
    ws.append(["Overall", "", _cell(o.percent), _cell(o.kappa), _cell(o.alpha), o.n_units])
    ws.append(headers(report))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for c in report.worst_first():
        ws.append([c.code, c.name, _cell(c.percent), _cell(c.kappa), _cell(c.alpha), c.n_units]
                  + [c.n_applied.get(k, 0) for k in report.coders] + [c.n_disagreements])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 30
    ds = wb.create_sheet("Disagreements")
    ds.append(["Document", "Turn", "Start", "End", "Code", "Applied by", "Not applied by", "Decision", "Text"])
    for cell in ds[1]:
        cell.font = Font(bold=True)
    for d in disagreements:
        ds.append([d.document, d.turn, d.start, d.end, d.code, ", ".join(d.applied_by),
                   ", ".join(d.not_applied_by), d.decision or "", d.text])
    wb.save(str(path))


def _cell(value: float | None):
    return None if value is None else round(value, 4)


def clip(text: str, limit: int = 300) -> str:
    """Whitespace collapsed; an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
