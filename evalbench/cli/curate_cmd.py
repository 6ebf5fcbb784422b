"""Curation commands: find a code's quotes, star exemplars, write rapid-analysis cell summaries."""

from __future__ import annotations

import click

from evalbench.cli.common import coder_option, echo_json, json_option, open_project, project_argument
from evalbench.errors import UserError, quote

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


def find_code(proj, ref: str) -> str:
    """The code ``ref`` names — an ID, a name, or a ``Parent / Name`` path — or a one-line UserError."""
    from evalbench.codebook.refs import UnknownCode, resolve_code

    try:
        return resolve_code(proj.codes(), ref)
    except UnknownCode:
        raise UserError(
            f"{proj.path.name}: no code {quote(ref)} (give its name, a Parent / Name path, or its ID)"
        ) from None
    except ValueError as exc:
        raise UserError(f"{proj.path.name}: {exc}") from None


def code_label(proj, code_id: str) -> str:
    """A code as people read it: its name, or the path that tells it from same-named codes."""
    from evalbench.codebook.labels import code_labels

    return code_labels(proj.codes()).get(code_id, code_id)


def participant_labels(proj) -> set[str]:
    """Every name a participant goes by in analysis: study IDs, and file names of unlinked documents."""
    return {p.label for p in proj.participants()} | set(proj.group_values("participant"))


def check_participant(proj, participant: str) -> str:
    """``participant`` if the project knows it, else a UserError listing a few it does know."""
    known = participant_labels(proj)
    if participant not in known:
        some = ", ".join(sorted(known)[:6]) + (", …" if len(known) > 6 else "")
        raise UserError(
            f"{proj.path.name}: no participant {participant!r}" + (f" (participants: {some})" if known else "")
        )
    return participant


def excerpt(text: str, width: int = EXCERPT_CHARS) -> str:
    """An excerpt on one line, cut to ``width`` characters."""
    from evalbench.analysis.exemplars import clean_quote

    text = clean_quote(text)
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command()
@project_argument
@click.argument("code")
@click.option("--participant", metavar="ID", help="Only this participant's quotes.")
@click.option(
    "--valence",
    type=click.Choice(["barrier", "facilitator", "mixed", "neutral", "none"]),
    help="Only quotes coded with this valence.",
)
@click.option("--starred", "starred_only", is_flag=True, help="Only starred (exemplar) quotes.")
@click.option("--coder", "only_coder", metavar="NAME", help="Only this coder's codings (default: every coder's).")
@json_option
def quotes(
    project: str,
    code: str,
    participant: str | None,
    valence: str | None,
    starred_only: bool,
    only_coder: str | None,
    as_json: bool,
) -> None:
    """List the quotes coded with CODE (and the codes below it), starred ones first.

    CODE is a code's name, a `Parent / Name` path where a name is shared
    (as in `code --from-csv`), or its ID. Each line starts with the coding
    number that `evalbench star` takes, then the participant, their role, the
    valence, the coder, ★ for a starred exemplar, and the code when CODE has
    codes below it.

    \b
    Example:
      evalbench quotes study.evb "Relative Priority" --participant P03
      evalbench quotes study.evb "Inner Setting" --valence barrier --json
      evalbench quotes study.evb "Engaging / Innovation Deliverers"
    """
    from evalbench.codebook.labels import code_labels

    with open_project(project) as proj:
        code = find_code(proj, code)
        level = code_level(proj, code)
        labels = code_labels(proj.codes())
        if participant is not None:
            check_participant(proj, participant)
        proj.known_coder(only_coder)
        found = proj.matrix_quotes(code, "participant", participant, only_coder, level=level)
    found = [q for q in found if (valence is None or q.valence == valence) and (q.starred or not starred_only)]
    found.sort(key=lambda q: (not q.starred, q.document, q.start, q.coding_id))
    if as_json:
        echo_json(
            [
                {
                    "id": q.coding_id,
                    "participant": q.participant,
                    "role": q.role,
                    "site": q.site,
                    "document": q.document,
                    "turn": q.turn,
                    "speaker": q.speaker,
                    "code_id": q.code_id,
                    "code": q.code,
                    "valence": q.valence,
                    "coder": q.coder,
                    "starred": q.starred,
                    "start": q.start,
                    "end": q.end,
                    "text": q.text,
                }
                for q in found
            ]
        )
        return
    several = len({q.code_id for q in found}) > 1
    for q in found:
        what = f"{labels.get(q.code_id, q.code)}: " if several else ""
        click.echo(
            f"{q.coding_id:>6}  {q.participant:<10} {q.role or '-':<14} {q.valence:<11} "
            f"{q.coder:<8} {'★' if q.starred else ' '}  {what}{excerpt(q.text)}"
        )
    click.echo(f"{len(found)} quote(s) of {labels.get(code, code)}", err=True)


@click.command()
@project_argument
@click.argument("coding_id", type=int)
@click.option("--unstar", is_flag=True, help="Remove the star instead.")
@coder_option
def star(project: str, coding_id: int, unstar: bool, coder: str | None) -> None:
    """Star a coding as an exemplar quote (or --unstar it).

    Starred quotes come first in the Word theme table and count as explicit
    examples for construct ratings. Find coding numbers with `evalbench quotes`;
    undo with `evalbench undo`.

    \b
    Example:
      evalbench quotes study.evb "Relative Priority"
      evalbench star study.evb 412
      evalbench star study.evb 412 --unstar
    """
    with open_project(project, coder) as proj:
        before = proj.coding(coding_id)
        text = excerpt(proj.document_text(before.document_id)[before.start : before.end], 60)
        if before.starred == (not unstar):
            click.echo(f"Coding {coding_id} is already {'not ' if unstar else ''}starred: “{text}”")
            return
        proj.star_coding(coding_id, not unstar)
        label = code_label(proj, before.code_id)
    click.echo(f"{'Unstarred' if unstar else 'Starred'} coding {coding_id} ({label}): “{text}”")


@click.command()
@project_argument
@click.argument("participant")
@click.argument("code")
@click.argument("text", required=False)
@click.option("--edit", is_flag=True, help="Write the summary in $EDITOR, starting from the current one.")
@click.option("--clear", is_flag=True, help="Delete the summary.")
@coder_option
def summary(
    project: str, participant: str, code: str, text: str | None, edit: bool, clear: bool, coder: str | None
) -> None:
    """Show or write your rapid-analysis summary of one participant × code cell.

    With no TEXT it prints the summary and how many quotes lie behind the
    cell; with TEXT (or --edit) it replaces it. Summaries belong to the coder
    and fill the rapid-analysis matrix; undo with `evalbench undo`.

    \b
    CODE is a code's name, a `Parent / Name` path, or its ID.

    \b
    Example:
      evalbench summary study.evb P03 "Inner Setting" "No protected time; leaders supportive."
      evalbench summary study.evb P03 "Inner Setting" --edit
      evalbench summary study.evb P03 "Inner Setting"
    """
    if sum([text is not None, edit, clear]) > 1:
        raise click.UsageError("give TEXT, --edit or --clear, not more than one")
    with open_project(project, coder) as proj:
        code_id = find_code(proj, code)
        code = code_label(proj, code_id)
        level = code_level(proj, code_id)
        check_participant(proj, participant)
        current, cell_quotes = proj.rapid_cell(participant, code_id, level=level)
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
        proj.set_cell_summary(participant, code_id, text)
    click.echo(f"{'Cleared' if not text else 'Saved'} the summary of {participant} × {code}")


COMMANDS = [quotes, star, summary]
