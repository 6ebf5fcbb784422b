"""The ``similar`` command: "more like this" — the participant turns most like one coding."""

from __future__ import annotations

import click

from evalbench.cli.common import coder_option, echo_json, json_option, open_project, project_argument


def similar_rows(found) -> list[dict]:
    """Similar turns as the plain dicts of ``similar --json``."""
    return [
        {
            "document": s.document,
            "participant": s.who,
            "turn": s.seq,
            "turn_id": s.turn_id,
            "start": s.start,
            "end": s.end,
            "score": s.score,
            "similarity": s.similarity,
            "fit": s.fit,
            "shared": list(s.shared),
            "text": s.text,
        }
        for s in found
    ]


@click.command()
@project_argument
@click.argument("coding_id", type=int)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="Turns to list.")
@coder_option
@json_option
def similar(project: str, coding_id: int, limit: int, coder: str | None, as_json: bool) -> None:
    """More like this: the participant turns most like coding CODING_ID, to code them in a row.

    Turns are ordered by how much they share the passage's words and how well
    they fit its code (the suggestion model's score). Turns you already coded
    with that code, or rejected it for, are left out. CODING_ID is the number
    `evalbench quotes` shows beside each quote.

    \b
    Example:
      evalbench similar study.evb 412
      evalbench similar study.evb 412 --limit 50 --json
    """
    from evalbench.store.describe import first_words

    with open_project(project, coder) as proj:
        found = proj.similar(coding_id, limit=limit)
        origin = proj.coding_words(coding_id)
    if as_json:
        echo_json(similar_rows(found))
        return
    click.echo(f"More like {origin}:")
    if not found:
        click.echo("No uncoded participant turn shares its words or fits its code.")
        return
    width = max(len(s.who) for s in found)
    for s in found:
        shared = f"  shared: {', '.join(s.shared)}" if s.shared else ""
        click.echo(
            f"{s.score:5.2f}  {s.who:<{width}}  turn {s.seq:<4} {first_words(s.text, words=10, chars=70)}{shared}"
        )
    click.echo("score = similarity of the words (0-1) + fit to the code (the suggestion model's score, 0-1)", err=True)


COMMANDS = [similar]
