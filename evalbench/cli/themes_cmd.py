"""`evalbench themes`: the findings — categories and themes, their counts and quotes, and their files.

Reading: ``list`` (the table, ``--json`` in the issue's shape) and ``show`` (one
theme's rules, hand-picked codings, exemplars and every quote with its coding
ID). Changing: ``init``, ``add``, ``rename``, ``move``, ``describe``, ``rm``,
``import``, ``export`` here; rules, codings, exemplars, merge, split and
categories in :mod:`evalbench.cli.themes_edit_cmd`. Every change is one
undoable action (``evalbench undo``).
"""

from __future__ import annotations

import click

from evalbench.cli.common import DefaultGroup, coder_option, echo_json, json_option, open_project, project_argument

choice_coder_option = click.option(
    "--coder",
    "only_coder",
    metavar="NAME",
    help="Count this coder's codings (`consensus` for the consensus coding). Default: the only coder's, "
    "else the consensus coding when it is complete.",
)
all_coders_option = click.option(
    "--all-coders", is_flag=True, help="Count every coder's codings, not reconciled (a passage counts once)."
)
by_option = click.option(
    "--by",
    default="role",
    show_default=True,
    metavar="role|site|ATTRIBUTE",
    help="Break each theme's participants down by this participant attribute.",
)


def person(text: str) -> str:
    """An attribute value as people write it: ``quality_safety`` → ``quality safety``."""
    return text.replace("_", " ")


def counts_text(row) -> str:
    """``7 participants (2 leader, 2 physician) · 7 interviews · 22 codings``."""
    from evalbench.findings.model import NO_PARTICIPANT

    groups = ", ".join(f"{n} {person(value)}" for value, n in row.by_group.items() if value != NO_PARTICIPANT)
    people = f"{row.participants} participant{'s' if row.participants != 1 else ''}"
    unlinked = len(row.unlinked_documents)
    return (
        people
        + (f" ({groups})" if groups else "")
        + (f" + {unlinked} transcript{'s' if unlinked != 1 else ''} with no participant linked" if unlinked else "")
        + f" · {row.documents} interview"
        + ("s" if row.documents != 1 else "")
        + f" · {row.codings} coding"
        + ("s" if row.codings != 1 else "")
    )


def row_json(row) -> dict:
    """One theme as ``themes list --json`` prints it (the shape issue 17 asks for)."""
    return {
        "category": row.category,
        "theme": row.theme,
        "description": row.description,
        "participants": row.participants,
        f"by_{row.by}": dict(row.by_group),
        "documents": row.documents,
        "codings": row.codings,
        "quotes": [{"participant": q.participant, "text": q.text} for q in row.quotes],
    }


def warn_unlinked(rows) -> None:
    """Say on stderr which coded transcripts have no participant (they are counted apart, not as participants)."""
    names = sorted({name for row in rows for name in row.unlinked_documents})
    if names:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        click.echo(
            f"warning: {len(names)} transcript(s) with evidence have no participant linked ({shown}): "
            "counted as 'no participant linked', not as participants; link them with "
            "`evalbench import PROJECT --participants participants.csv`",
            err=True,
        )


@click.group(cls=DefaultGroup)
def themes() -> None:
    """Findings: themes under categories (Successes, Barriers, Lessons learned), with counts and quotes.

    `evalbench themes PROJECT` is short for `evalbench themes list PROJECT`.

    \b
    Example:
      evalbench themes init study.evb --preset successes-barriers-lessons
      evalbench themes add study.evb "No protected time" --category Barriers
      evalbench themes link study.evb "No protected time" "Relative Priority" --valence barrier
      evalbench themes study.evb --coder alex
    """


@themes.command("list")
@project_argument
@choice_coder_option
@all_coders_option
@by_option
@click.option("--quotes", default=3, show_default=True, help="Quotes per theme: picked exemplars, then proposed.")
@click.option("--min-participants", default=0, show_default=True, help="Leave out themes fewer people speak to.")
@json_option
def list_cmd(
    project: str, only_coder: str | None, all_coders: bool, by: str, quotes: int, min_participants: int, as_json: bool
) -> None:
    """List the themes in table order, with participants (by role), interviews, codings and quotes.

    Which coding counts: `--coder NAME` (or `--coder consensus`), `--all-coders`,
    or by default the only coder's, else the consensus coding once it is
    complete; otherwise the command stops and names these choices.

    \b
    Example:
      evalbench themes list study.evb --coder consensus
      evalbench themes list study.evb --all-coders --by site --json
    """
    with open_project(project) as proj:
        choice = proj.themes.choose(only_coder, all_coders=all_coders)
        rows = proj.themes.table(choice, by=by, quotes=quotes, min_participants=min_participants)
    warn_unlinked(rows)
    if as_json:
        echo_json([row_json(r) for r in rows])
        return
    click.echo(f"Counting {choice.description}.", err=True)
    if not rows:
        click.echo("No themes yet: `evalbench themes add` or `evalbench themes import`.", err=True)
    category = None
    for row in rows:
        if row.category != category:
            category = row.category
            click.echo(("\n" if rows[0] is not row else "") + click.style(category, bold=True))
        click.echo(f"  {row.theme}: {counts_text(row)}" + (f" · CFIR: {row.cfir}" if row.cfir else ""))
        for q in row.quotes:
            words = q.text if len(q.text) <= 150 else q.text[:149] + "…"
            click.echo(f"    “{words}” ({q.who})")


@themes.command("show")
@project_argument
@click.argument("theme")
@choice_coder_option
@all_coders_option
@click.option("--by", metavar="role|site|ATTRIBUTE", help="With --value: only the quotes of one matrix cell.")
@click.option("--value", help="With --by: the column of the cell (a site, a role, a participant).")
@json_option
def show(
    project: str, theme: str, only_coder: str | None, all_coders: bool, by: str | None, value: str | None, as_json: bool
) -> None:
    """One theme: description, rules, codings added or excluded by hand, exemplars, and every quote with its ID.

    The coding IDs are what `themes pick`, `include` and `exclude` take.

    \b
    Example:
      evalbench themes show study.evb "No protected time" --coder alex
      evalbench themes show study.evb "No protected time" --coder alex --by site --value "Riverside Medical Center"
    """
    from evalbench.codebook.labels import code_labels

    if (by is None) != (value is None):
        raise click.UsageError("give --by and --value together")
    with open_project(project) as proj:
        found = proj.themes.theme(theme)
        choice = proj.themes.choose(only_coder, all_coders=all_coders)
        row = proj.themes.row(choice, found.id, by=by or "role", quotes=0)
        quotes = proj.themes.cell_quotes(choice, found.id, by or "role", value)
        labels = code_labels(proj.codes())
        hand = proj.themes.hand_codings(found.id)
        picked = proj.themes.exemplars(found.id)
    if as_json:
        echo_json(
            {
                **row_json(row),
                "cfir": found.cfir_code_id,
                "coding": choice.to_json(),
                "rules": [{"code": r.code_id, "valence": r.valence} for r in row.rules],
                "added": [h.coding_id for h in hand if h.included],
                "excluded": [h.coding_id for h in hand if not h.included],
                "exemplars": picked,
                "quotes": [
                    {
                        "coding_id": q.coding_id,
                        "participant": q.participant,
                        "document": q.document,
                        "code": q.code_id,
                        "valence": q.valence,
                        "coder": q.coder,
                        "text": q.text,
                    }
                    for q in quotes
                ],
            }
        )
        return
    click.echo(click.style(f"{found.category} / {found.name}", bold=True) + f" — counting {choice.description}")
    click.echo(found.description or "(no description yet: `evalbench themes describe`)")
    if found.cfir_code_id:
        click.echo(f"CFIR: {row.cfir}")
    click.echo(counts_text(row))
    rules = ", ".join(labels.get(r.code_id, r.code_id) + (f" ({r.valence})" if r.valence else "") for r in row.rules)
    click.echo(f"Rules: {rules or 'none'}")
    for what, included in (("Added by hand", True), ("Excluded by hand", False)):
        ids = [str(h.coding_id) for h in hand if h.included is included]
        if ids:
            click.echo(f"{what}: {', '.join(ids)}")
    if picked:
        click.echo(f"Exemplars, in order: {', '.join(str(c) for c in picked)}")
    click.echo(f"\n{len(quotes)} quote(s)" + (f" from {by} {value}" if value else "") + ":")
    for q in quotes:
        star = "★ " if q.coding_id in picked else ""
        click.echo(
            f"  [{q.coding_id}] {star}{q.who} · {labels.get(q.code_id, q.code_id)}"
            + (f" · {q.valence}" if q.valence != "none" else "")
            + f" · {q.coder}"
        )
        click.echo(f"      “{q.text}”")


@themes.command("init")
@project_argument
@click.option(
    "--preset",
    required=True,
    type=click.Choice(["successes-barriers-lessons", "facilitators-barriers"]),
    help="Categories to start from.",
)
@coder_option
def init(project: str, preset: str, coder: str | None) -> None:
    """Add a preset's theme categories: Successes / Barriers / Lessons learned, or Facilitators / Barriers.

    \b
    Example:
      evalbench themes init study.evb --preset successes-barriers-lessons
    """
    with open_project(project, coder) as proj:
        added = proj.themes.apply_preset(preset)
        names = [c.name for c in proj.themes.categories()]
    click.echo(
        (f"Added {', '.join(c.name for c in added)}" if added else "Nothing to add")
        + f"; categories: {' / '.join(names)}"
    )


@themes.command("add")
@project_argument
@click.argument("name")
@click.option("--category", required=True, help="Its category (created when new).")
@click.option("--description", default="", help="The paragraph a paper prints.")
@click.option("--cfir", metavar="CODE", help="The CFIR domain or construct it maps to (ID, name or Parent / Name).")
@click.option("--position", type=click.IntRange(min=1), help="Place within the category, from 1 (default: last).")
@coder_option
def add(
    project: str, name: str, category: str, description: str, cfir: str | None, position: int | None, coder: str | None
) -> None:
    """Add a theme to a category.

    \b
    Example:
      evalbench themes add study.evb "No protected time" --category Barriers \\
          --description "Clinicians reviewed cases on their own time." --cfir "Inner Setting / Available Resources"
    """
    with open_project(project, coder) as proj:
        theme = proj.themes.add(
            name,
            category,
            description=description,
            cfir=proj.themes.code(cfir) if cfir else None,
            position=position - 1 if position else None,
        )
    click.echo(f"Added theme {theme.name} to {theme.category}")


@themes.command("rename")
@project_argument
@click.argument("theme")
@click.argument("name")
@coder_option
def rename(project: str, theme: str, name: str, coder: str | None) -> None:
    """Rename a theme (write `Category / Theme` when two categories have that name).

    \b
    Example:
      evalbench themes rename study.evb "No protected time" "No protected time for case review"
    """
    with open_project(project, coder) as proj:
        old = proj.themes.theme(theme)
        new = proj.themes.rename(old.id, name)
    click.echo(f"Renamed theme {old.name} to {new.name}")


@themes.command("move")
@project_argument
@click.argument("theme")
@click.option("--category", help="Move it to this category (created when new).")
@click.option(
    "--position",
    type=click.IntRange(min=1),
    help="Place within its category, from 1 (default: last when the category changes).",
)
@coder_option
def move(project: str, theme: str, category: str | None, position: int | None, coder: str | None) -> None:
    """Move a theme to another category or place in the table.

    \b
    Example:
      evalbench themes move study.evb "Leadership buy-in" --category "Lessons learned" --position 1
    """
    if category is None and position is None:
        raise click.UsageError("give --category, --position or both")
    with open_project(project, coder) as proj:
        moved = proj.themes.move(theme, category=category, position=position - 1 if position else None)
        place = [t.id for t in proj.themes.list() if t.category_id == moved.category_id].index(moved.id) + 1
    click.echo(f"Moved theme {moved.name} to {moved.category}, place {place}")


@themes.command("describe")
@project_argument
@click.argument("theme")
@click.argument("text", required=False)
@click.option(
    "--file",
    "text_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the description from a file (- for standard input).",
)
@click.option("--cfir", metavar="CODE", help="Map the theme to this CFIR domain or construct.")
@click.option("--no-cfir", is_flag=True, help="Remove the theme's CFIR mapping.")
@coder_option
def describe(
    project: str, theme: str, text: str | None, text_file, cfir: str | None, no_cfir: bool, coder: str | None
) -> None:
    """Write a theme's description (the paragraph a paper prints) or its CFIR mapping.

    \b
    Example:
      evalbench themes describe study.evb "No protected time" "Reviews were prepared on personal time."
      evalbench themes describe study.evb "No protected time" --file no-time.txt --cfir "Available Resources"
    """
    if text is not None and text_file is not None:
        raise click.UsageError("give the text or --file, not both")
    if cfir and no_cfir:
        raise click.UsageError("give --cfir or --no-cfir, not both")
    text = text_file.read() if text_file is not None else text
    if text is None and cfir is None and not no_cfir:
        raise click.UsageError("give the description, --file, --cfir or --no-cfir")
    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        if text is not None:
            proj.themes.describe(found.id, text)
        if cfir or no_cfir:
            proj.themes.map_cfir(found.id, proj.themes.code(cfir) if cfir else None)
        found = proj.themes.theme(found.id)
    click.echo(
        f"Theme {found.name}: "
        + ", ".join(
            ([f"description of {len(found.description.split())} words"] if text is not None else [])
            + ([f"CFIR mapping {'removed' if no_cfir else found.cfir_code_id}"] if cfir or no_cfir else [])
        )
    )


@themes.command("rm")
@project_argument
@click.argument("theme")
@coder_option
def rm(project: str, theme: str, coder: str | None) -> None:
    """Remove a theme with its rules and picks (`evalbench undo` brings it back).

    \b
    Example:
      evalbench themes rm study.evb "Leaders absent"
    """
    with open_project(project, coder) as proj:
        found = proj.themes.theme(theme)
        proj.themes.remove(found.id)
    click.echo(f"Removed theme {found.name} from {found.category} (undo with `evalbench undo`)")


@themes.command("import")
@project_argument
@click.argument("csv_path", metavar="FILE.csv", type=click.Path(dir_okay=False, exists=True))
@click.option("--replace", is_flag=True, help="Remove every theme and category first.")
@coder_option
def import_cmd(project: str, csv_path: str, replace: bool, coder: str | None) -> None:
    """Load themes from a CSV: category, theme, description, code, valence (one row per rule).

    A theme spans several rows; categories and themes are created in order of
    first appearance; `code` is an ID, a name or `Parent / Name`; an empty
    valence means any. Every row lands, or none does.

    \b
    Example:
      evalbench themes import study.evb themes.csv
      # themes.csv:
      # category,theme,description,code,valence
      # Barriers,No protected time,"Reviews were done on personal time.",Relative Priority,barrier
      # Barriers,No protected time,,Inner Setting / Available Resources,barrier
    """
    import sys

    from evalbench.findings.csvfile import ThemeImportError

    with open_project(project, coder) as proj:
        try:
            report = proj.themes.import_csv(csv_path, replace=replace)
        except ThemeImportError as exc:
            for problem in exc.problems:
                click.echo(f"evalbench: {click.format_filename(csv_path)}: {problem}", err=True)
            click.echo("evalbench: no theme was changed", err=True)
            sys.exit(1)
    click.echo(f"{report.summary()} from {click.format_filename(csv_path)}")


@themes.command("export")
@project_argument
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
def export_cmd(project: str, out: str) -> None:
    """Write the themes and their rules as the CSV `themes import` reads.

    \b
    Example:
      evalbench themes export study.evb -o themes.csv
    """
    with open_project(project) as proj:
        rows = proj.themes.export_csv(out)
    click.echo(f"Wrote {out} ({rows} row(s))")


def _register_edits() -> None:
    from evalbench.cli.themes_edit_cmd import EDIT_COMMANDS

    for command in EDIT_COMMANDS:
        themes.add_command(command)


_register_edits()
COMMANDS = [themes]
