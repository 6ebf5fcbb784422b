"""`evalbench themes link|unlink|include|exclude|follow-rules|pick|unpick|order|merge|split|category …`.

A theme's evidence (rules, codings by hand), its exemplars, reshaping themes,
and categories. Each command is one undoable action; they join the ``themes``
group of :mod:`evalbench.cli.themes_cmd`.
"""

from __future__ import annotations

import click

from evalbench.cli.common import coder_option, open_project, project_argument
from evalbench.store.schema import VALENCES

valence_option = click.option(
    "--valence", type=click.Choice(VALENCES), help="Only codings of this valence (default: any valence)."
)
coding_ids = click.argument("coding_ids", metavar="CODING_ID...", nargs=-1, required=True, type=int)


@click.command("link")
@project_argument
@click.argument("theme")
@click.argument("code")
@valence_option
@coder_option
def link(project: str, theme: str, code: str, valence: str | None, coder: str | None) -> None:
    """Add a rule: the theme gathers every coding of CODE (and the codes under it), of --valence if given.

    CODE is an ID, a name, or `Parent / Name` when a name is not unique.

    \b
    Example:
      evalbench themes link study.evb "No protected time" "Relative Priority" --valence barrier
      evalbench themes link study.evb "Get buy-in" local.lessons
    """
    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        rule = proj.themes.link(found.id, proj.themes.code(code), valence)
        choice = _choice_or_none(proj)
        row = proj.themes.row(choice, found.id, quotes=0) if choice else None
        label = code_label(proj, rule.code_id)
    click.echo(
        f"Linked {label}"
        + (f" ({valence})" if valence else "")
        + f" to theme {found.name}"
        + (f": now {row.participants} participant(s), {row.codings} coding(s)" if row else "")
    )


def code_label(proj, code_id: str) -> str:
    """A code as people read it: its name, or the path that tells same-named codes apart."""
    from evalbench.codebook.labels import code_labels

    return code_labels(proj.codes()).get(code_id, code_id)


def _choice_or_none(proj):
    """The default coding choice, or None when the project needs the user to choose (counts are then left out)."""
    from evalbench.errors import UserError

    try:
        return proj.themes.choose()
    except UserError:
        return None


@click.command("unlink")
@project_argument
@click.argument("theme")
@click.argument("code")
@click.option(
    "--valence", type=click.Choice(VALENCES), help="Only the rule of this valence (default: every rule on the code)."
)
@coder_option
def unlink(project: str, theme: str, code: str, valence: str | None, coder: str | None) -> None:
    """Remove a theme's rule on CODE.

    \b
    Example:
      evalbench themes unlink study.evb "No protected time" "Relative Priority" --valence barrier
    """
    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        n = proj.themes.unlink(found.id, proj.themes.code(code), valence)
    click.echo(f"Removed {n} rule(s) from theme {found.name}")


_DONE = {
    "include": "Added {n} coding(s) to theme {theme} by hand",
    "exclude": "Excluded {n} coding(s) from theme {theme}",
    "follow_rules": "The rules of theme {theme} decide {n} coding(s) again",
}


def _hand(name: str, method: str, summary: str, example: str):
    @click.command(name, help=f"{summary}\n\n\b\nExample:\n  {example}")
    @project_argument
    @click.argument("theme")
    @coding_ids
    @coder_option
    def command(project: str, theme: str, coding_ids: tuple[int, ...], coder: str | None) -> None:
        with open_project(project, coder) as proj:
            found = proj.themes.theme(theme)
            changed = getattr(proj.themes, method)(found.id, list(coding_ids))
        click.echo(_DONE[method].format(n=changed, theme=found.name))

    return command


include = _hand(
    "include",
    "include",
    "Add codings to a theme by hand, whatever its rules say (IDs from `themes show` or `evalbench quotes`).",
    'evalbench themes include study.evb "Get buy-in" 412 587',
)
exclude = _hand(
    "exclude",
    "exclude",
    "Keep codings out of a theme although a rule matches them.",
    'evalbench themes exclude study.evb "No protected time" 233',
)
follow_rules = _hand(
    "follow-rules",
    "follow_rules",
    "Forget hand decisions on codings: the theme's rules decide again.",
    'evalbench themes follow-rules study.evb "No protected time" 233',
)


@click.command("pick")
@project_argument
@click.argument("theme")
@click.argument("coding_id", type=int)
@click.option(
    "--position", type=click.IntRange(min=1), help="Its place among the picked exemplars, from 1 (default: last)."
)
@coder_option
def pick(project: str, theme: str, coding_id: int, position: int | None, coder: str | None) -> None:
    """Pick a quote as one of a theme's exemplars (the table prints picked ones first, in order).

    \b
    Example:
      evalbench themes pick study.evb "No protected time" 263 --position 1
    """
    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        proj.themes.pick(found.id, coding_id, position - 1 if position else None)
        order = proj.themes.exemplars(found.id)
    click.echo(f"Exemplars of {found.name}, in order: {', '.join(str(c) for c in order)}")


@click.command("unpick")
@project_argument
@click.argument("theme")
@click.argument("coding_id", type=int)
@coder_option
def unpick(project: str, theme: str, coding_id: int, coder: str | None) -> None:
    """Drop a quote from a theme's picked exemplars (evalbench proposes quotes in its place).

    \b
    Example:
      evalbench themes unpick study.evb "No protected time" 263
    """
    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        proj.themes.unpick(found.id, coding_id)
    click.echo(f"Unpicked {coding_id} from theme {found.name}")


@click.command("order")
@project_argument
@click.argument("theme")
@coding_ids
@coder_option
def order(project: str, theme: str, coding_ids: tuple[int, ...], coder: str | None) -> None:
    """Put a theme's picked exemplars in this order (name each once).

    \b
    Example:
      evalbench themes order study.evb "No protected time" 587 263 301
    """
    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        proj.themes.order_exemplars(found.id, list(coding_ids))
    click.echo(f"Exemplars of {found.name}, in order: {', '.join(str(c) for c in coding_ids)}")


@click.command("merge")
@project_argument
@click.argument("sources", metavar="THEME...", nargs=-1, required=True)
@click.option("--into", "target", required=True, help="The theme that stays.")
@coder_option
def merge(project: str, sources: tuple[str, ...], target: str, coder: str | None) -> None:
    """Merge themes into one: rules, hand-picked codings, exemplars and descriptions move; the others go.

    \b
    Example:
      evalbench themes merge study.evb "Workload" "Competing demands" --into "No protected time"
    """
    with open_project(project, coder) as proj:
        merged = proj.themes.merge(sources, target)
        rules = len(proj.themes.rules(merged.id))
    click.echo(f"Merged {len(sources)} theme(s) into {merged.name} ({rules} rule(s))")


@click.command("split")
@project_argument
@click.argument("theme")
@click.argument("name")
@click.option(
    "--rule",
    "rules",
    metavar="CODE[=VALENCE]",
    multiple=True,
    help="A rule of THEME that moves to the new theme (repeatable).",
)
@click.option(
    "--coding",
    "codings",
    metavar="ID",
    type=int,
    multiple=True,
    help="A coding that moves to the new theme (repeatable).",
)
@coder_option
def split(
    project: str, theme: str, name: str, rules: tuple[str, ...], codings: tuple[int, ...], coder: str | None
) -> None:
    """Split a theme: a new theme NAME beside it takes the rules and codings named.

    \b
    Example:
      evalbench themes split study.evb "No protected time" "No time for nurses" \\
          --rule "Inner Setting / Available Resources=barrier" --coding 263
    """
    from evalbench.errors import UserError

    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        own = proj.themes.rules(found.id)
        rule_ids = []
        for text in rules:
            ref, _, valence = text.rpartition("=") if "=" in text else (text, "", "")
            code = proj.themes.code(ref)
            match = [r.id for r in own if r.code_id == code and (r.valence or "") == valence.strip()]
            if not match:
                raise UserError(f"{proj.path.name}: theme {found.name!r} has no rule {text!r}")
            rule_ids += match
        new = proj.themes.split(found.id, name, rules=rule_ids, codings=codings)
    click.echo(f"Split theme {new.name} from {found.name}: {len(rule_ids)} rule(s), {len(codings)} coding(s)")


@click.group("category")
def category() -> None:
    """Theme categories: add, rename, move, remove.

    \b
    Example:
      evalbench themes category add study.evb "Unexpected effects" --position 3
      evalbench themes category rename study.evb Successes "What worked"
    """


@category.command("add")
@project_argument
@click.argument("name")
@click.option("--position", type=click.IntRange(min=1), help="Place in the table, from 1 (default: last).")
@coder_option
def category_add(project: str, name: str, position: int | None, coder: str | None) -> None:
    """Add a theme category.

    \b
    Example:
      evalbench themes category add study.evb "Unexpected effects"
    """
    with open_project(project, coder) as proj:
        proj.themes.add_category(name, position - 1 if position else None)
        names = [c.name for c in proj.themes.categories()]
    click.echo(f"Categories: {' / '.join(names)}")


@category.command("rename")
@project_argument
@click.argument("old")
@click.argument("new")
@coder_option
def category_rename(project: str, old: str, new: str, coder: str | None) -> None:
    """Rename a theme category.

    \b
    Example:
      evalbench themes category rename study.evb Successes "What worked"
    """
    with open_project(project, coder) as proj:
        proj.themes.rename_category(old, new)
        names = [c.name for c in proj.themes.categories()]
    click.echo(f"Categories: {' / '.join(names)}")


@category.command("move")
@project_argument
@click.argument("name")
@click.option("--position", required=True, type=click.IntRange(min=1), help="New place in the table, from 1.")
@coder_option
def category_move(project: str, name: str, position: int, coder: str | None) -> None:
    """Reorder the theme categories.

    \b
    Example:
      evalbench themes category move study.evb "Lessons learned" --position 1
    """
    with open_project(project, coder) as proj:
        proj.themes.move_category(name, position - 1)
        names = [c.name for c in proj.themes.categories()]
    click.echo(f"Categories: {' / '.join(names)}")


@category.command("rm")
@project_argument
@click.argument("name")
@coder_option
def category_rm(project: str, name: str, coder: str | None) -> None:
    """Remove an empty theme category.

    \b
    Example:
      evalbench themes category rm study.evb "Unexpected effects"
    """
    with open_project(project, coder) as proj:
        proj.themes.remove_category(name)
        names = [c.name for c in proj.themes.categories()]
    click.echo(f"Categories: {' / '.join(names) or 'none'}")


EDIT_COMMANDS = [link, unlink, include, exclude, follow_rules, pick, unpick, order, merge, split, category]
