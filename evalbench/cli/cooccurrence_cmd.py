"""`evalbench cooccurrence`: which codes are applied to the same participant turns."""

from __future__ import annotations

import click

from evalbench.cli.common import echo_json, json_option, open_project, project_argument


def pairs(table) -> list[dict]:
    """The upper triangle of a co-occurrence table as pairs, most shared turns first."""
    ids = list(table.index)
    names = dict(zip(ids, table["code"], strict=True))
    out = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            n = int(table.at[a, b])
            if n:
                out.append({"a": a, "a_name": names[a], "b": b, "b_name": names[b], "turns": n})
    out.sort(key=lambda p: -p["turns"])  # stable: ties stay in codebook order
    return out


@click.command()
@project_argument
@click.option(
    "--level",
    type=click.Choice(["code", "construct", "domain"]),
    default="construct",
    show_default=True,
    help="Count codes as they are, or rolled up to constructs or domains.",
)
@click.option("--coder", "only_coder", metavar="NAME", help="Only this coder's codings (default: every coder's).")
@click.option("--top", type=int, default=30, show_default=True, help="Most pairs to print (0: all).")
@click.option("--matrix", "as_matrix", is_flag=True, help="Print the whole code × code table instead of pairs.")
@json_option
def cooccurrence(project: str, level: str, only_coder: str | None, top: int, as_matrix: bool, as_json: bool) -> None:
    """Pairs of codes applied to the same participant turns, most frequent first.

    A count is the number of participant turns coded with both codes
    (interviewer turns are left out); in --matrix and --json the diagonal is
    the number of turns coded with each code.

    \b
    Example:
      evalbench cooccurrence study.evb --level domain --matrix
      evalbench cooccurrence study.evb --coder alex --top 10
      evalbench cooccurrence study.evb --level code --json
    """
    with open_project(project) as proj:
        table = proj.cooccurrence(proj.known_coder(only_coder), level=level)
    if as_json:
        echo_json(
            {
                "level": level,
                "codes": [
                    {"id": cid, "name": name, "turns": int(table.at[cid, cid])}
                    for cid, name in zip(table.index, table["code"], strict=True)
                ],
                "pairs": pairs(table),
            }
        )
        return
    if table.empty:
        click.echo("No coded participant turns yet.", err=True)
        return
    if as_matrix:
        from evalbench.cli.analysis_cmd import render_table

        click.echo(
            render_table(
                ["code", *table.columns[1:]],
                [[row[0], *(str(int(v)) for v in row[1:])] for row in table.itertuples(index=False)],
            )
        )
        return
    found = pairs(table)
    width = max([len(p["a_name"]) for p in found] + [4])
    for p in found[: top or None]:
        click.echo(f"{p['turns']:>5}  {p['a_name']:<{width}}  {p['b_name']}")
    shown = min(len(found), top) if top else len(found)
    click.echo(f"{shown} of {len(found)} pair(s) of codes share participant turns", err=True)


COMMANDS = [cooccurrence]
