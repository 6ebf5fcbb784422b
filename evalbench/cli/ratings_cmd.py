"""`evalbench ratings`: CFIR construct ratings evalbench proposes, and the ones a coder confirmed."""

from __future__ import annotations

import click

from evalbench.cli.common import DefaultGroup, coder_option, echo_json, json_option, open_project, project_argument
from evalbench.cli.curate_cmd import excerpt
from evalbench.errors import UserError

scope_option = click.option(
    "--scope",
    type=click.Choice(["participant", "site"]),
    default="participant",
    show_default=True,
    help="Rate each construct per participant or per site.",
)

#: How users may type a rating, beyond the stored spellings (-2 -1 0 +1 +2 X M).
RATING_ALIASES = {"1": "+1", "2": "+2", "-0": "0", "+0": "0", "x": "X", "m": "M", "none": None}


def normalise_rating(text: str) -> str | None:
    """A rating as stored (``"+1"``, ``"X"``…), or None for ``none`` (remove the rating)."""
    from evalbench.analysis.ratings import RATINGS

    rating = RATING_ALIASES.get(text.strip().lower(), text.strip())
    if rating is not None and rating not in RATINGS:
        raise UserError(f"rating must be one of {', '.join(RATINGS)} or none, not {text!r}")
    return rating


@click.group(cls=DefaultGroup)
def ratings() -> None:
    """CFIR construct ratings: evalbench's proposals and the ratings you confirmed.

    `evalbench ratings PROJECT` is short for `evalbench ratings show PROJECT`.

    \b
    Example:
      evalbench ratings study.evb --scope site --propose
      evalbench ratings set study.evb cfir2.inner.relative_priority site "Northfield General" -1
    """


@ratings.command("show")
@project_argument
@scope_option
@click.option(
    "--propose", is_flag=True, help="Every construct with codings: evalbench's proposal, your rating and the rationale."
)
@click.option("--all", "show_all", is_flag=True, help="With --propose: also constructs nobody spoke about (M).")
@coder_option
@json_option
def show(project: str, scope: str, propose: bool, show_all: bool, coder: str | None, as_json: bool) -> None:
    """Show your confirmed ratings beside evalbench's proposals (--propose: every proposal).

    Ratings run from -2 to +2, X (mixed) or M (missing). A proposal comes from
    the coded excerpts of all coders; a confirmed rating belongs to the coder
    who set it (`--coder`). `!` marks a confirmed rating that differs from the
    current proposal.

    \b
    Example:
      evalbench ratings show study.evb --scope site
      evalbench ratings study.evb --scope site --propose --json
    """
    with open_project(project, coder) as proj:
        table = proj.propose_ratings(scope)
        notes = {(r.code_id, r.scope_value): r.rationale for r in proj.ratings(scope)}
    rows = [r for r in table.to_dict("records") if r["confirmed"] or (propose and (show_all or r["proposed"] != "M"))]
    for r in rows:
        r["your_rationale"] = notes.get((r["code_id"], r["scope_value"]))
    if as_json:
        echo_json(
            [
                {
                    k: r[k]
                    for k in (
                        "code_id",
                        "code",
                        "scope_type",
                        "scope_value",
                        "proposed",
                        "rating",
                        "confirmed",
                        "rationale",
                        "your_rationale",
                    )
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo(
            f"No confirmed {scope} ratings yet; `--propose` lists evalbench's proposals."
            if not propose
            else "No codings to propose ratings from.",
            err=True,
        )
        return
    width = min(28, max(len(str(r["scope_value"])) for r in rows))
    click.echo(f"{'construct':<36}  {scope:<{width}}  proposed  rating  rationale")
    for r in rows:
        rating = r["rating"] if r["confirmed"] else "-"
        flag = "!" if r["confirmed"] and r["proposed"] is not None and r["rating"] != r["proposed"] else " "
        click.echo(
            f"{excerpt(r['code'], 36):<36}  {excerpt(str(r['scope_value']), width):<{width}}  "
            f"{r['proposed'] or '–':>8}  {rating:>5}{flag}  {r['rationale']}"
            + (f" (yours: {r['your_rationale']})" if r["your_rationale"] not in (None, r["rationale"]) else "")
        )
    confirmed = sum(1 for r in rows if r["confirmed"])
    click.echo(f"{confirmed} confirmed, {len(rows) - confirmed} proposed only", err=True)


@ratings.command("set", context_settings={"ignore_unknown_options": True})
@project_argument
@click.argument("code")
@click.argument("scope", type=click.Choice(["participant", "site"]))
@click.argument("value")
@click.argument("rating")
@click.option("--rationale", help="Why (default: keep the stored one, else evalbench's rationale).")
@coder_option
def set_cmd(
    project: str, code: str, scope: str, value: str, rating: str, rationale: str | None, coder: str | None
) -> None:
    """Confirm or change the rating of CODE for one participant or site.

    RATING is -2, -1, 0, +1 (or 1), +2 (or 2), X (mixed), M (missing), or
    `none` to remove your rating. The current proposal is stored beside it.
    Undo with `evalbench undo`.

    \b
    Example:
      evalbench ratings set study.evb cfir2.inner.relative_priority site "Northfield General" -1
      evalbench ratings set study.evb cfir2.inner.culture participant P03 +2 --rationale "two concrete examples"
      evalbench ratings set study.evb cfir2.inner.culture participant P03 none
    """
    value_rating = normalise_rating(rating)
    with open_project(project, coder) as proj:
        known = proj.group_values(scope)
        if value not in known:
            some = ", ".join(known[:6]) + (", …" if len(known) > 6 else "")
            raise UserError(f"{proj.path.name}: no {scope} {value!r}" + (f" ({scope}s: {some})" if known else ""))
        before = {(r.code_id, r.scope_value) for r in proj.ratings(scope)}
        if value_rating is None and (code, value) not in before:
            click.echo(f"You have no rating of {code} for {scope} {value} to remove")
            return
        proj.set_rating(code, scope, value, value_rating, rationale=rationale)
        stored = {(r.code_id, r.scope_value): r for r in proj.ratings(scope)}.get((code, value))
    if stored is None:
        click.echo(f"Removed the rating of {code} for {scope} {value}")
    else:
        click.echo(
            f"Rated {code} for {scope} {value}: {stored.rating} "
            + (f"(proposed {stored.proposed})" if stored.proposed else "(no proposal: no valence coded)")
        )


COMMANDS = [ratings]
