"""`evalbench codebook ...`: create, check, convert, compare and merge codebooks, and edit a project's.

File formats: .yaml/.yml and .json (docs/codebook-format.md), REFI-QDA .qdc
(and the codebook inside a .qdpx), Word .docx and Markdown .md appendices.
Anywhere a SOURCE codebook is read, a project file (.evb) or a built-in
template name (cfir2) works too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evalbench.cli.codebook_project_cmd import PROJECT_COMMANDS
from evalbench.cli.common import echo_json, json_option, open_project
from evalbench.errors import UserError, one_line

FORMATS = ("yaml", "json", "qdc", "docx", "md")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_project(path: str | Path) -> bool:
    """True if ``path`` is a SQLite file (a project) rather than a codebook file."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def load_source(source: str):
    """A Codebook from a codebook file, a project file or a built-in template name."""
    from evalbench.codebook import load_codebook, template, template_names

    if not Path(source).exists() and source in template_names():
        return template(source)
    if is_project(source):
        with open_project(source) as proj:
            return proj.codebook()
    book = load_codebook(source)
    for warning in book.warnings:
        click.echo(one_line(f"warning: {warning}"), err=True)
    return book


def write_output(book, out: str, fmt: str | None) -> str:
    """Write ``book`` to ``out`` in ``fmt`` (default: from the suffix); returns the format used."""
    from evalbench.codebook import save_codebook

    fmt = (fmt or Path(out).suffix.lstrip(".").lower() or "yaml").replace("yml", "yaml")
    if fmt not in FORMATS:
        raise UserError(f"{out}: cannot tell the format; use --format {'|'.join(FORMATS)}")
    if not Path(out).parent.exists():
        raise UserError(f"{out}: folder {Path(out).parent} does not exist")
    if fmt == "docx":
        from evalbench.codebook.appendix import write_codebook_docx

        write_codebook_docx(book, out)
    elif fmt == "md":
        from evalbench.codebook.appendix import write_codebook_markdown

        write_codebook_markdown(book, out)
    else:
        save_codebook(book, out, fmt)
    return fmt


def _refuse_overwrite(out: str, force: bool) -> None:
    if Path(out).exists() and not force:
        raise UserError(f"{out}: already exists (use --force to replace it)")


out_option = click.option(
    "-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="File to write."
)
force_option = click.option("--force", is_flag=True, help="Replace OUT if it exists.")


@click.group("codebook")
def codebook() -> None:
    """Create, check, convert, compare and merge codebooks; edit a project's codebook.

    \b
    Example:
      evalbench codebook new --template cfir2 -o codebook.yaml
      evalbench codebook diff old.yaml codebook.yaml
    """


# --- files -------------------------------------------------------------------------------
@codebook.command("new")
@click.option(
    "--template",
    "name",
    default="cfir2",
    show_default=True,
    help="Built-in codebook to start from: cfir2 (CFIR 2.0) or cfir2009 (original CFIR).",
)
@out_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: from the suffix).")
@force_option
def new(name: str, out: str, fmt: str | None, force: bool) -> None:
    """Write a new codebook file from a built-in template.

    \b
    Example:
      evalbench codebook new --template cfir2 -o codebook.yaml
    """
    from evalbench.codebook import template

    _refuse_overwrite(out, force)
    book = template(name)
    write_output(book, out, fmt)
    click.echo(f"Wrote {out}: {len(book.codes)} codes from {name}")


@codebook.command()
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Check a codebook file: syntax, unknown keys, duplicate IDs, parents, cycles, merge conflicts.

    \b
    Example:
      evalbench codebook validate codebook.yaml
    """
    book = load_source(file)
    if Path(file).suffix.lower() in (".yaml", ".yml"):
        text = Path(file).read_text(encoding="utf-8-sig")
        for n, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("# MERGE CONFLICT"):
                raise UserError(
                    f"{file}:{n}: unresolved merge conflict (edit the code, then delete "
                    "the '# MERGE CONFLICT' comment lines)"
                )
    depth = max(book.depths().values(), default=-1) + 1
    click.echo(f"{file}: OK, {len(book.codes)} codes, {depth} level(s)")


@codebook.command("list")
@click.argument("source")
@json_option
def list_cmd(source: str, as_json: bool) -> None:
    """List the codes of a codebook file or project: id, parent, name, depth.

    \b
    Example:
      evalbench codebook list codebook.yaml
      evalbench codebook list study.evb --json
    """
    book = load_source(source)
    rows = [{"id": c.id, "parent": c.parent_id, "name": c.name, "depth": book.depth(c.id)} for c in book.tree_order()]
    if as_json:
        echo_json(rows)
        return
    width = max((len(r["id"]) for r in rows), default=2)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {'  ' * r['depth']}{r['name']}")


@codebook.command()
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format (default: from the suffix).")
@out_option
@force_option
def export(source: str, fmt: str | None, out: str, force: bool) -> None:
    """Export a codebook file or a project's codebook as yaml, json, qdc, docx or md.

    docx and md give a manuscript appendix: one row per code with name,
    definition, inclusion, exclusion and an example.

    \b
    Example:
      evalbench codebook export study.evb --format docx -o appendix.docx
      evalbench codebook export codebook.yaml -o codebook.qdc
    """
    _refuse_overwrite(out, force)
    book = load_source(source)
    used = write_output(book, out, fmt)
    click.echo(f"Wrote {out} ({used}, {len(book.codes)} codes)")


@codebook.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@out_option
@force_option
def import_cmd(file: str, out: str, force: bool) -> None:
    """Convert a REFI-QDA codebook (.qdc, or the codebook in a .qdpx project) to YAML or JSON.

    Codebooks from NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette work;
    codes written by evalbench come back with their IDs and guidance.

    \b
    Example:
      evalbench codebook import team.qdc -o codebook.yaml
    """
    from evalbench.codebook import load_codebook

    _refuse_overwrite(out, force)
    book = load_codebook(file)
    write_output(book, out, None)
    click.echo(f"Wrote {out}: {len(book.codes)} codes from {file}")


@codebook.command()
@click.argument("a")
@click.argument("b")
@json_option
def diff(a: str, b: str, as_json: bool) -> None:
    """Show what changed from codebook A to codebook B, by code ID.

    Lines start with + (added), - (removed) or ~ (renamed, moved or edited).
    A and B may be files or projects.

    \b
    Example:
      evalbench codebook diff codebook-v1.yaml codebook-v2.yaml
      evalbench codebook diff codebook.yaml study.evb --json
    """
    from evalbench.codebook.diff import diff_codebooks

    result = diff_codebooks(load_source(a), load_source(b))
    if as_json:
        echo_json(result.to_json())
        return
    for line in result.lines():
        click.echo(line)
    if not result:
        click.echo("No differences.", err=True)


def annotate_conflicts(text: str, conflicts) -> str:
    """Put '# MERGE CONFLICT' comment lines above each conflicting code in merged YAML."""
    notes: dict[str, list[str]] = {}
    for c in conflicts:
        notes.setdefault(c.id, []).append(c.line())
    out = []
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith("- id: "):
            cid = stripped[len("- id: ") :].split(" #")[0].strip().strip("'\"")
            for note in notes.get(cid, []):
                out.append(f"# MERGE CONFLICT {' '.join(note.split())}\n")
        out.append(line)
    return "".join(out)


@codebook.command("merge")
@click.argument("base")
@click.argument("ours")
@click.argument("theirs")
@out_option
@json_option
def merge_cmd(base: str, ours: str, theirs: str, out: str, as_json: bool) -> None:
    """Three-way merge of codebook files: changes from OURS and THEIRS since BASE.

    Conflicts (the same field changed differently; deleted on one side but
    edited on the other) are listed and the exit status is 1. OUT is still
    written, holding OURS for each conflict and, in YAML, a '# MERGE CONFLICT'
    comment above each conflicting code; `codebook validate` fails until
    they are resolved.

    \b
    Example:
      evalbench codebook merge base.yaml mine.yaml alex.yaml -o merged.yaml
    """
    from evalbench.codebook.files import atomic_write
    from evalbench.codebook.merge import merge_codebooks
    from evalbench.codebook.yaml_write import codebook_to_yaml

    result = merge_codebooks(load_source(base), load_source(ours), load_source(theirs))
    fmt = Path(out).suffix.lstrip(".").lower()
    if fmt in ("yaml", "yml", ""):
        if not Path(out).parent.exists():
            raise UserError(f"{out}: folder {Path(out).parent} does not exist")
        atomic_write(out, annotate_conflicts(codebook_to_yaml(result.codebook), result.conflicts))
    else:
        write_output(result.codebook, out, None)
    if as_json:
        echo_json(
            {"output": out, "codes": len(result.codebook.codes), "conflicts": [c.to_json() for c in result.conflicts]}
        )
    else:
        click.echo(f"Wrote {out}: {len(result.codebook.codes)} codes")
        for c in result.conflicts:
            click.echo(f"CONFLICT {c.line()}", err=True)
    if result.conflicts:
        click.echo(f"{len(result.conflicts)} conflict(s); resolve them in {out}", err=True)
        sys.exit(1)


for _command in PROJECT_COMMANDS:
    codebook.add_command(_command)


COMMANDS = [codebook]
