"""Markdown quick report: counts, the theme table, and the code × role (or site) matrix."""

from __future__ import annotations

from evalbench.export.common import Steps
from evalbench.export.summary import study_summary


def md_cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    text = "" if text is None else str(text)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>").strip()


def md_table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(md_cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows]
    return lines


def write_markdown(project, *, by: str | None = None, coder: str | None = None,
                   progress=None, cancel=None) -> str:
    """The report's text."""
    from evalbench.analysis.tables import matrix
    from evalbench.analysis.themes import theme_rows

    steps = Steps(3, progress, cancel)
    steps("reading codings")
    frame, tree = project.codings_frame(coder)
    summary = study_summary(project, frame, coder=coder)
    steps("building theme table")
    lines = [f"# {project.name}: analysis report", "", summary.text, ""]
    rows = theme_rows(frame, tree, level="construct", quotes=2)
    lines += ["## Barriers and facilitators", ""]
    if rows:
        body, last = [], ""
        for r in rows:
            quotes = "<br>".join(f"“{q}” ({p})" for q, p in r.quotes)
            body.append([r.domain if r.domain != last else "", r.construct, r.valence_label, r.count_text,
                         quotes])
            last = r.domain
        lines += md_table(["Domain", "Construct or theme", "Barrier/Facilitator", "n participants (roles)",
                           "Exemplar quotes"], body)
    else:
        lines.append("No codings yet.")
    steps("building matrix")
    group = by or "role"
    table = (matrix(frame, tree, by=group, level="construct", value="participants",
                    columns=project.group_values(group)) if len(frame) else None)
    if table is not None and len(table):
        lines += ["", f"## Participants coded per construct, by {group}", ""]
        header = ["Construct", *table.columns[1:]]
        lines += md_table(header, [[r[0], *r[1:]] for r in table.itertuples(index=False)])
    steps.finish()
    return "\n".join(lines).rstrip() + "\n"
