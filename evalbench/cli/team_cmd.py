"""Team commands: intercoder agreement, the disagreements behind it, and merging coders' projects."""

from __future__ import annotations

import click

from evalbench.cli.common import echo_json, json_option, open_project, project_argument


def _coder_list(ctx, param, value: str) -> list[str]:
    coders = [c.strip() for c in value.split(",") if c.strip()]
    if len(coders) < 2:
        raise click.BadParameter("name at least two coders, separated by commas (e.g. alex,sam)")
    return coders


@click.command()
@project_argument
@click.option(
    "--coders", required=True, callback=_coder_list, metavar="A,B[,C]", help="Coders to compare, separated by commas."
)
@click.option(
    "--unit",
    type=click.Choice(["turn", "char"]),
    default="turn",
    show_default=True,
    help="turn: participant turns; char: every character (as NVivo's coding comparison).",
)
@click.option("--include-interviewer", is_flag=True, help="Count interviewer turns too.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    metavar="REPORT.docx|.xlsx",
    help="Also write a Word or Excel report with the disagreements.",
)
@json_option
def agreement(
    project: str, coders: list[str], unit: str, include_interviewer: bool, output: str | None, as_json: bool
) -> None:
    """Intercoder agreement per code and overall: percent, Cohen's kappa, Krippendorff's alpha, Gwet's AC1.

    Only documents every named coder has coded are compared. A code nobody
    used shows no statistic. Kappa needs exactly two coders. Beside the pooled
    figures: the mean of the per-code kappa and how many codes fall below 0.4,
    and each code's prevalence (the share of decisions that applied it).

    \b
    Example:
      evalbench agreement study.evb --coders alex,sam
      evalbench agreement study.evb --coders alex,sam,kim --unit char --json
      evalbench agreement study.evb --coders alex,sam -o agreement.docx
    """
    from evalbench.codebook.labels import code_labels

    with open_project(project) as proj:
        report = proj.agreement(coders, unit=unit, include_interviewer=include_interviewer)
        labels = code_labels(proj.codes())
        if output:
            from evalbench.team.report_files import write_report

            found = proj.disagreements(coders, unit=unit, include_interviewer=include_interviewer)
            write_report(report, found, output, labels, _who(proj))
    if as_json:
        echo_json(report.to_json())
    else:
        _print_table(report, labels)
    if output:
        click.echo(f"Wrote {click.format_filename(output)}", err=True)


def _who(proj) -> dict[int, str]:
    """Document id -> its participant's label (documents without one are left out)."""
    return {d.id: d.participant for d in proj.documents() if d.participant}


def _print_table(report, labels: dict[str, str]) -> None:
    from evalbench.team.report_files import fmt, summary_sentence

    click.echo(summary_sentence(report))
    used = [c for c in report.worst_first() if c.n_units]
    width = min(48, max([len(labels.get(c.code, c.name)) for c in used] + [len("Overall")]))
    click.echo(
        f"{'Code':<{width}}  {'%agree':>7}  {'kappa':>6}  {'alpha':>6}  {'AC1':>6}  {'prev.':>6}  {'units':>8}  applied"
    )
    o = report.overall
    click.echo(
        f"{'Overall':<{width}}  {fmt(o.percent, 1):>7}  {fmt(o.kappa):>6}  {fmt(o.alpha):>6}  "
        f"{fmt(o.ac1):>6}  {'':>6}  {o.n_units:>8}"
    )
    for c in used:
        name = labels.get(c.code, c.name)
        name = name if len(name) <= width else name[: width - 1] + "…"
        applied = " ".join(f"{k}={n}" for k, n in c.n_applied.items())
        click.echo(
            f"{name:<{width}}  {fmt(c.percent, 1):>7}  {fmt(c.kappa):>6}  {fmt(c.alpha):>6}  "
            f"{fmt(c.ac1):>6}  {fmt(c.prevalence):>6}  {c.n_units:>8}  {applied}"
        )
    unused = sum(1 for c in report.codes if not c.n_units)
    if unused:
        click.echo(f"({unused} code(s) not used by any of these coders: no statistic)")
    click.echo(
        "prev.: prevalence, the share of all decisions on the code that applied it; kappa and alpha "
        "are unstable when it is small. AC1: Gwet's AC1.",
        err=True,
    )


@click.command()
@project_argument
@click.option(
    "--coders", required=True, callback=_coder_list, metavar="A,B[,C]", help="Coders to compare, separated by commas."
)
@click.option(
    "--code",
    "code_ref",
    metavar="CODE",
    help="Only disagreements on this code: its name, a 'Parent / Name' path, or its ID.",
)
@click.option(
    "--unit",
    type=click.Choice(["turn", "char"]),
    default="turn",
    show_default=True,
    help="turn: participant turns; char: runs of characters.",
)
@click.option("--include-interviewer", is_flag=True, help="Count interviewer turns too.")
@json_option
def disagreements(
    project: str, coders: list[str], code_ref: str | None, unit: str, include_interviewer: bool, as_json: bool
) -> None:
    """List the units where coders disagree: whose interview, which turn, which code, who applied it, the text.

    \b
    Example:
      evalbench disagreements study.evb --coders alex,sam
      evalbench disagreements study.evb --coders alex,sam --code Culture --json
    """
    from evalbench.analysis.disagreements import disagreement_to_json
    from evalbench.codebook.labels import code_labels

    with open_project(project) as proj:
        code_id = _code_id(proj, code_ref) if code_ref else None
        found = proj.disagreements(coders, code=code_id, unit=unit, include_interviewer=include_interviewer)
        labels = code_labels(proj.codes())
        who = _who(proj)
    if as_json:
        echo_json([disagreement_to_json(d) for d in found])
        return
    from evalbench.team.report_files import clip, where

    for d in found:
        decided = f"  [{d.decision.replace('_', ' ')}]" if d.decision else ""
        click.echo(f"{where(d, who)}  {labels.get(d.code, d.code)}  applied by {', '.join(d.applied_by)}{decided}")
        click.echo(f"    “{clip(d.text, 160)}”")
    click.echo(f"{len(found)} disagreement(s)", err=True)


def _code_id(proj, ref: str) -> str:
    """The code a person named (ID, name or path), or one line saying why not."""
    from evalbench.codebook.refs import resolve_code
    from evalbench.errors import UserError

    try:
        return resolve_code(proj.codes(), ref)
    except ValueError as exc:
        raise UserError(f"{proj.path.name}: {exc}") from None


@click.command()
@click.argument("target", type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False))
@json_option
def merge(target: str, sources: tuple[str, ...], as_json: bool) -> None:
    """Merge other coders' projects (.evb) or REFI-QDA exports (.qdpx) into TARGET.

    Documents are matched by content, codes by ID; coders stay distinct.
    Codings keep their origin: one accepted from a suggestion stays so, with
    the suggesting model's name and version. A code that differs between the
    files is reported as a conflict and the target's version kept. Themes:
    the target's are kept, a source's new ones added, same-named ones merged
    (rules, hand-picked codings and exemplars joined). Running the same merge
    twice adds nothing twice.

    \b
    Example:
      evalbench merge team.evb alex.evb sam.evb
      evalbench merge team.evb kim-export.qdpx --json
    """
    from evalbench.codebook.labels import code_labels

    with open_project(target) as proj:
        report = proj.merge(list(sources))
        labels = code_labels(proj.codes())
    if as_json:
        echo_json(report.to_json())
        return
    for line in report.lines(labels):
        click.echo(line)


COMMANDS = [agreement, disagreements, merge]
