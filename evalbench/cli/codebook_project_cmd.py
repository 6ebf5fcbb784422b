"""`evalbench codebook add|edit|rename|move|merge-codes|split|pull|push`: change a project's codebook.

Each command is one undoable action through :class:`evalbench.project.Project`;
the commands join the ``codebook`` group in :mod:`evalbench.cli.codebook_cmd`.
"""

from __future__ import annotations

import click

from evalbench.cli.common import coder_option, echo_json, json_option, open_project
from evalbench.errors import UserError, one_line


@click.command("add")
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("code_id")
@click.argument("name")
@click.option("--parent", help="ID of the parent code (default: top level).")
@click.option("--definition", default="", help="What the code means.")
@click.option("--inclusion", default="", help="When to apply it.")
@click.option("--exclusion", default="", help="When not to apply it, and what to use instead.")
@click.option("--keyword", "keywords", multiple=True, help="A phrase for suggestions (repeatable).")
@click.option("--example", "examples", multiple=True, help="An example quote (repeatable).")
@click.option("--color", help="Colour as #RRGGBB.")
@click.option("--no-valence", is_flag=True, help="Codings of this code carry no barrier/facilitator valence.")
@coder_option
def add(
    project, code_id, name, parent, definition, inclusion, exclusion, keywords, examples, color, no_valence, coder
) -> None:
    """Add a code to a project's codebook.

    \b
    Example:
      evalbench codebook add study.evb local.huddles "Safety huddles" --parent cfir2.process \\
          --keyword huddle --keyword "morning report"
    """
    from evalbench.model import Code

    code = Code(
        id=code_id,
        name=name,
        parent_id=parent,
        definition=definition,
        inclusion=inclusion,
        exclusion=exclusion,
        keywords=tuple(keywords),
        examples=tuple(examples),
        color=color,
        valence_applies=not no_valence,
    )
    with open_project(project, coder) as proj:
        proj.add_code(code)
    click.echo(f"Added {code_id} ({name})" + (f" under {parent}" if parent else ""))


@click.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("code_id")
@click.option("--name", help="New name.")
@click.option("--definition", help="New definition.")
@click.option("--inclusion", help="New inclusion criteria.")
@click.option("--exclusion", help="New exclusion criteria.")
@click.option("--add-keyword", "add_keywords", multiple=True, help="Add a keyword (repeatable).")
@click.option("--remove-keyword", "remove_keywords", multiple=True, help="Remove a keyword (repeatable).")
@click.option("--color", help="Colour as #RRGGBB.")
@coder_option
def edit(project, code_id, name, definition, inclusion, exclusion, add_keywords, remove_keywords, color, coder) -> None:
    """Edit a code's name, guidance, keywords or colour in a project.

    \b
    Example:
      evalbench codebook edit study.evb cfir2.inner.relative_priority --add-keyword "initiative overload"
    """
    changes = {
        k: v
        for k, v in (
            ("name", name),
            ("definition", definition),
            ("inclusion", inclusion),
            ("exclusion", exclusion),
            ("color", color),
        )
        if v is not None
    }
    with open_project(project, coder) as proj:
        if add_keywords or remove_keywords:
            current = list(proj.code(code_id).keywords)
            current += [k for k in add_keywords if k not in current]
            changes["keywords"] = [k for k in current if k not in remove_keywords]
        if not changes:
            raise UserError("nothing to change: give --name, --definition, --add-keyword, ...")
        proj.update_code(code_id, **changes)
    click.echo(f"Updated {code_id}: {', '.join(sorted(changes))}")


@click.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("code_id")
@click.argument("name")
@coder_option
def rename(project: str, code_id: str, name: str, coder: str | None) -> None:
    """Rename a code; its ID (and every coding) stays the same.

    \b
    Example:
      evalbench codebook rename study.evb cfir2.inner.relative_priority "Competing priorities"
    """
    with open_project(project, coder) as proj:
        old = proj.code(code_id).name
        proj.rename_code(code_id, name)
    click.echo(f"Renamed {code_id}: {old!r} -> {name!r}")


@click.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("code_id")
@click.option("--to", "parent", help="ID of the new parent code.")
@click.option("--top", is_flag=True, help="Make it a top-level code.")
@coder_option
def move(project: str, code_id: str, parent: str | None, top: bool, coder: str | None) -> None:
    """Move a code (and its children) under another parent.

    \b
    Example:
      evalbench codebook move study.evb local.huddles --to cfir2.process.doing
    """
    if bool(parent) == top:
        raise UserError("give exactly one of --to PARENT or --top")
    with open_project(project, coder) as proj:
        proj.move_code(code_id, None if top else parent)
    click.echo(f"Moved {code_id} to {parent or 'the top level'}")


@click.command("merge-codes")
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1, required=True)
@click.option("--into", "target", required=True, help="ID of the code that remains.")
@coder_option
def merge_codes(project: str, sources: tuple[str, ...], target: str, coder: str | None) -> None:
    """Merge codes into one; their codings move over and the source codes are removed.

    Each moved coding keeps its coder, valence, origin and date; its memo
    gains a line '[merged from ID "Name"]', and the remaining code lists the
    merged codes under extra.merged_from. One undoable action.

    \b
    Example:
      evalbench codebook merge-codes study.evb local.no_time local.busy --into cfir2.inner.structure.work
    """
    with open_project(project, coder) as proj:
        counts = proj.merge_codes(list(sources), target)
    click.echo(
        f"Merged {', '.join(sources)} into {target}: {counts['codings']} coding(s) moved, "
        f"{counts['folded']} duplicate(s) folded, {counts['children']} child code(s) moved"
    )


def _parse_into(values: tuple[str, ...]) -> list[tuple[str, str]]:
    out = []
    for v in values:
        cid, sep, name = v.partition(":")
        if not sep or not cid.strip() or not name.strip():
            raise UserError(f"--into {v!r}: write it as ID:Name")
        out.append((cid.strip(), name.strip()))
    return out


@click.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("code_id")
@click.option(
    "--into", "into", multiple=True, required=True, metavar="ID:NAME", help="A new code to create (repeatable)."
)
@click.option("--as-children", is_flag=True, help="Create the new codes under CODE_ID instead of beside it.")
@click.option("--codings-to", help="Move all of CODE_ID's codings to this new code.")
@coder_option
def split(project, code_id, into, as_children, codings_to, coder) -> None:
    """Split a code into new codes that copy its guidance.

    Codings stay on the original code for re-sorting unless --codings-to
    names a new code to receive them.

    \b
    Example:
      evalbench codebook split study.evb cfir2.inner.resources \\
          --into local.staff_time:"Staff time" --into local.money:"Money" --as-children
    """
    with open_project(project, coder) as proj:
        made = proj.split_code(code_id, _parse_into(into), as_children=as_children, codings_to=codings_to)
        left = len(proj.codings(code_id=code_id))
    click.echo(f"Split {code_id} into {', '.join(c.id for c in made)}; {left} coding(s) remain on {code_id}")


@click.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change without changing anything.")
@json_option
@coder_option
def pull(project: str, file: str, dry_run: bool, as_json: bool, coder: str | None) -> None:
    """Update a project's codebook from a shared codebook file and report what changed.

    Codes the file adds are added; renamed, moved or edited codes are updated.
    A code the file removes is deleted only if nothing is coded with it;
    otherwise it is kept and reported. One undoable action.

    \b
    Example:
      evalbench codebook pull study.evb team-codebook.yaml --dry-run
    """
    from evalbench.codebook import load_codebook

    book = load_codebook(file)
    with open_project(project, coder) as proj:
        report = proj.pull_codebook(book, dry_run=dry_run)
    if as_json:
        echo_json({"dry_run": dry_run, **report.to_json()})
        return
    for line in report.lines():
        click.echo(line)
    verb = "Would change" if dry_run else "Changed"
    if report.diff or report.removed:
        click.echo(one_line(f"{verb} {project} from {file}"), err=True)
    else:
        click.echo(one_line(f"{project} already matches {file}"), err=True)


@click.command()
@click.argument("project", type=click.Path(dir_okay=False))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(("yaml", "json", "qdc")), help="Output format (default: from the suffix)."
)
def push(project: str, file: str, fmt: str | None) -> None:
    """Write a project's codebook to a shared file (comments in an existing YAML file are kept).

    \b
    Example:
      evalbench codebook push study.evb team-codebook.yaml
    """
    with open_project(project) as proj:
        changes = proj.push_codebook(file, fmt)
    for line in changes.lines():
        click.echo(line)
    click.echo(one_line(f"Wrote {file}" + ("" if changes else " (no changes)")), err=True)


PROJECT_COMMANDS = [add, edit, rename, move, merge_codes, split, pull, push]
