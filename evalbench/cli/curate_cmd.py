"""Curation commands: find a code's quotes, star exemplars, write rapid-analysis cell summaries."""

from __future__ import annotations

import click

from evalbench.cli.common import coder_option, echo_json, json_option, open_project, project_argument
from evalbench.errors import UserError

#: Longest excerpt `quotes` prints in its table (the JSON holds the whole text).
EXCERPT_CHARS = 100


def code_level(proj, code_id: str) -> str:
    """The analysis level at which ``code_id`` gathers itself and the codes below it.

    A domain (depth 0) takes its constructs and subconstructs, a construct its
    subconstructs; anything deeper stands alone.
    """
    code, depth = proj.code(code_id), 0
    while code.parent_id and depth < 2:
        code, depth = proj.code(code.parent_id), depth + 1
    return ("domain", "construct")[depth] if depth < 2 else "code"


def participant_labels(proj) -> set[str]:
    """Every name a participant goes by in analysis: study IDs, and file names of unlinked documents."""
    return {p.label for p in proj.participants()} | set(proj.group_values("participant"))


def check_participant(proj, participant: str) -> str:
    """``participant`` if the project knows it, else a UserError listing a few it does know."""
    known = participant_labels(proj)
    if participant not in known:
        some = ", ".join(sorted(known)[:6]) + (", …" if len(known) > 6 else "")
        raise UserError(f"{proj.path.name}: no participant {participant!r}"
                        + (f" (participants: {some})" if known else ""))
    return participant


def excerpt(text: str, width: int = EXCERPT_CHARS) -> str:
    """An excerpt on one line, cut to ``width`` characters."""
    from evalbench.analysis.exemplars import clean_quote

    text = clean_quote(text)
    return text if len(text) <= width else text[:width - 1] + "…"


@click.command()
@project_argument
@click.argument("code")
@click.option("--participant", metavar="ID", help="Only this participant's quotes.")
@click.option("--valence", type=click.Choice(["barrier", "facilitator", "mixed", "neutral", "none"]),
              help="Only quotes coded with this valence.")
@click.option("--starred", "starred_only", is_flag=True, help="Only starred (exemplar) quotes.")
@click.option("--coder", "only_coder", metavar="NAME", help="Only this coder's codings (default: every coder's).")
@json_option
def quotes(project: str, code: str, participant: str | None, valence: str | None, starred_only: bool,
           only_coder: str | None, as_json: bool) -> None:
    """List the quotes coded with CODE (and the codes below it), starred ones first.

    Each line starts with the coding ID that `evalbench star` takes, then the
    participant, their role, the valence, the coder and ★ for a starred exemplar.

    \b
    Example:
      evalbench quotes study.evb cfir2.inner.relative_priority --participant P03
      evalbench quotes study.evb cfir2.inner --valence barrier --json
    """
    with open_project(project) as proj:
        level = code_level(proj, code)
        if participant is not None:
            check_participant(proj, participant)
        proj.known_coder(only_coder)
        found = proj.matrix_quotes(code, "participant", participant, only_coder, level=level)
    found = [q for q in found if (valence is None or q.valence == valence) and (q.starred or not starred_only)]
    found.sort(key=lambda q: (not q.starred, q.document, q.start, q.coding_id))
    if as_json:
        echo_json([{"id": q.coding_id, "participant": q.participant, "role": q.role, "site": q.site,
                    "document": q.document, "turn": q.turn, "speaker": q.speaker, "code_id": q.code_id,
                    "code": q.code, "valence": q.valence, "coder": q.coder, "starred": q.starred,
                    "start": q.start, "end": q.end, "text": q.text} for q in found])
        return
    for q in found:
        click.echo(f"{q.coding_id:>6}  {q.participant:<10} {q.role or '-':<14} {q.valence:<11} "
                   f"{q.coder:<8} {'★' if q.starred else ' '}  {excerpt(q.text)}")
    click.echo(f"{len(found)} quote(s)", err=True)


@click.command()
@project_argument
@click.argument("coding_id", type=int)
@click.option("--unstar", is_flag=True, help="Remove the star instead.")
@coder_option
def star(project: str, coding_id: int, unstar: bool, coder: str | None) -> None:
    """Star a coding as an exemplar quote (or --unstar it).

    Starred quotes come first in the Word theme table and count as explicit
    examples for construct ratings. Find coding IDs with `evalbench quotes`;
    undo with `evalbench undo`.

    \b
    Example:
      evalbench quotes study.evb cfir2.inner.relative_priority
      evalbench star study.evb 412
      evalbench star study.evb 412 --unstar
    """
    with open_project(project, coder) as proj:
        before = proj.coding(coding_id)
        text = excerpt(proj.document_text(before.document_id)[before.start:before.end], 60)
        if before.starred == (not unstar):
            click.echo(f"Coding {coding_id} is already {'not ' if unstar else ''}starred: “{text}”")
            return
        proj.star_coding(coding_id, not unstar)
    click.echo(f"{'Unstarred' if unstar else 'Starred'} coding {coding_id} ({before.code_id}): “{text}”")


@click.command()
@project_argument
@click.argument("participant")
@click.argument("code")
@click.argument("text", required=False)
@click.option("--edit", is_flag=True, help="Write the summary in $EDITOR, starting from the current one.")
@click.option("--clear", is_flag=True, help="Delete the summary.")
@coder_option
def summary(project: str, participant: str, code: str, text: str | None, edit: bool, clear: bool,
            coder: str | None) -> None:
    """Show or write your rapid-analysis summary of one participant × code cell.

    With no TEXT it prints the summary and how many quotes lie behind the
    cell; with TEXT (or --edit) it replaces it. Summaries belong to the coder
    and fill the rapid-analysis matrix; undo with `evalbench undo`.

    \b
    Example:
      evalbench summary study.evb P03 cfir2.inner "No protected time; leaders supportive."
      evalbench summary study.evb P03 cfir2.inner --edit
      evalbench summary study.evb P03 cfir2.inner
    """
    if sum([text is not None, edit, clear]) > 1:
        raise click.UsageError("give TEXT, --edit or --clear, not more than one")
    with open_project(project, coder) as proj:
        level = code_level(proj, code)
        check_participant(proj, participant)
        current, cell_quotes = proj.rapid_cell(participant, code, level=level)
        if edit:
            text = click.edit(current, extension=".md", require_save=True)
            if text is None:
                click.echo("Summary unchanged (the editor was closed without saving).")
                return
            text = text.strip()
        if clear:
            if not current:
                click.echo(f"No summary of {participant} × {code} to clear")
                return
            text = ""
        if text is None:
            click.echo(current or "(no summary yet)")
            click.echo(f"{len(cell_quotes)} quote(s) behind {participant} × {code}", err=True)
            return
        proj.set_cell_summary(participant, code, text)
    click.echo(f"{'Cleared' if not text else 'Saved'} the summary of {participant} × {code}")


COMMANDS = [quotes, star, summary]
