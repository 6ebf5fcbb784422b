"""Project commands: init, open, search, stats, undo/redo and the demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evalbench.cli.common import coder_option, echo_json, json_option, open_project, project_argument
from evalbench.errors import one_line
from evalbench.project import Project


@click.command()
@project_argument
@click.option(
    "--codebook",
    "codebook",
    metavar="cfir2|FILE",
    help="Start from a built-in template (cfir2) or a codebook file (.yaml, .json, .qdc).",
)
@click.option(
    "--from",
    "from_qdpx",
    metavar="FILE.qdpx",
    type=click.Path(dir_okay=False),
    help="Build the project from a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder, evalbench).",
)
@coder_option
def init(project: str, codebook: str | None, from_qdpx: str | None, coder: str | None) -> None:
    """Create a new project file.

    \b
    Example:
      evalbench init study.evb --codebook cfir2
      evalbench init study.evb --from nvivo-export.qdpx
    """
    if from_qdpx:
        _init_from_qdpx(project, from_qdpx, codebook, coder)
        return
    codes = None
    if codebook:
        from evalbench.codebook import load_codebook_source

        codes = load_codebook_source(codebook)
    proj = Project.init(project, coder=coder)
    try:
        with proj:
            if codes:
                proj.add_codes(codes, label=f"Load codebook {codebook}")
            n = len(proj.codes())
    except BaseException:  # no half-made project: init created the file, so it takes it away again
        for leftover in (Path(project), Path(f"{project}-wal"), Path(f"{project}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    click.echo(f"Created {project}" + (f" with {n} codes from {codebook}" if codes else ""))


#: Archives larger than this show progress bars while `init --from` reads and stores them.
QDPX_PROGRESS_BYTES = 5_000_000


def _init_from_qdpx(project: str, qdpx: str, codebook: str | None, coder: str | None) -> None:
    """``init --from FILE.qdpx``: the whole archive lands in a new project, or nothing does."""
    from evalbench.errors import UserError
    from evalbench.model import ImportReport

    if codebook:
        raise UserError("--from and --codebook cannot be combined: the .qdpx brings its own codebook")
    report = ImportReport()
    current: list = []  # (phase, bar) while a bar is shown

    def close_bar() -> None:
        if current:
            current.pop()[1].__exit__(None, None, None)

    def progress(done: int, total: int, message: str) -> None:
        """Two bars on stderr for big archives: reading and checking, then storing."""
        phase = "Storing" if message.startswith("storing ") else "Reading"
        if not current or current[0][0] != phase:
            close_bar()
            bar = click.progressbar(length=max(total, 1), label=phase, file=sys.stderr)
            bar.__enter__()
            current.append((phase, bar))
        bar = current[0][1]
        bar.update(max(0, done - bar.pos))

    big = Path(qdpx).is_file() and Path(qdpx).stat().st_size > QDPX_PROGRESS_BYTES
    try:
        proj = Project.from_qdpx(project, qdpx, report=report, progress=progress if big else None)
    finally:
        close_bar()
    with proj:
        if coder:
            proj.set_coder(coder)
        data = proj.stats()
        coders = proj.coders()
    for warning in report.warnings:
        click.echo(one_line(f"warning: {warning}"), err=True)
    click.echo(
        f"Created {project} from {Path(qdpx).name}: {len(data['documents'])} documents, "
        f"{data['codes']} codes, {data['codings']} codings, "
        f"coders: {', '.join(coders) or 'none'}"
    )


@click.command("open")
@project_argument
@coder_option
def open_cmd(project: str, coder: str | None) -> None:
    """Open PROJECT in the terminal workbench (same as `evalbench PROJECT`).

    \b
    Example:
      evalbench open study.evb --coder alex
    """
    from evalbench.tui.launch import run_app

    run_app(open_project(project, coder))


@click.command()
@project_argument
@click.argument("query")
@click.option("--limit", default=200, show_default=True, help="Most hits to show.")
@json_option
def search(project: str, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over speaker turns.

    Words must all occur in a turn; put a phrase in double quotes; `lead*`
    matches leader, leaders, leadership.

    \b
    Example:
      evalbench search study.evb '"protected time"'
      evalbench search study.evb 'leader* support' --json
    """
    with open_project(project) as proj:
        hits = proj.search(query, limit=limit)
    if as_json:
        echo_json(
            [{"document": h.document, "turn": h.turn, "start": h.start, "end": h.end, "text": h.text} for h in hits]
        )
        return
    for h in hits:
        text = " ".join(h.text.split())
        click.echo(f"{h.document}  turn {h.turn}  {h.speaker or ''}: {text[:160]}")
    click.echo(f"{len(hits)} turn(s) match", err=True)


@click.command()
@project_argument
@json_option
def stats(project: str, as_json: bool) -> None:
    """Documents, turns, words, speakers, codes and codings in a project.

    \b
    Example:
      evalbench stats study.evb --json
    """
    with open_project(project) as proj:
        data = proj.stats()
    if as_json:
        echo_json(data)
        return
    for d in data["documents"]:
        roles = ", ".join(f"{s['name'] or '—'} ({s['role']}, {s['turns']})" for s in d["speakers"])
        click.echo(f"{d['name']:<40} {d['participant'] or '-':<6} {d['turns']:>4} turns {d['words']:>6} words  {roles}")
    click.echo(
        f"{len(data['documents'])} documents, {data['codes']} codes, {data['codings']} codings, "
        f"coders: {', '.join(data['coders']) or 'none'}"
    )


def _history_command(name: str, done: str, summary: str) -> click.Command:
    """`evalbench undo` / `evalbench redo`: step the coder's persistent undo log."""

    @click.command(name, help=f"{summary}\n\n\b\nExample:\n  evalbench {name} study.evb --coder alex")
    @project_argument
    @coder_option
    def command(project: str, coder: str | None) -> None:
        with open_project(project, coder) as proj:
            label = getattr(proj, name)()
        click.echo(f"{done}: {label}" if label else f"Nothing to {name}")

    return command


undo = _history_command("undo", "Undid", "Undo your last change in PROJECT (the undo log survives restarts).")
redo = _history_command("redo", "Redid", "Redo your last undone change in PROJECT.")


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="evalbench-demo.evb",
    show_default=True,
    help="Where the demo project is (built there if there is none).",
)
@click.option("--rebuild", is_flag=True, help="Build it afresh, replacing what is there (your practice coding too).")
@click.option("--no-tui", is_flag=True, help="Build the demo project and print where it is.")
def demo(output: str, rebuild: bool, no_tui: bool) -> None:
    """Open the demo project built from the synthetic sample transcripts (built the first time).

    An existing demo project is kept, with any coding you practised in it;
    `--rebuild` replaces it with a fresh one.

    \b
    Example:
      evalbench demo
      evalbench demo --rebuild --no-tui -o /tmp/demo.evb
    """
    from evalbench.demo import demo_project

    path = Path(output)
    built, summary = demo_project(path, rebuild=rebuild)
    click.echo(
        ("Built" if built else "Kept the existing")
        + f" demo project: {path.resolve()}"
        + ("" if built else " (--rebuild starts afresh)")
    )
    click.echo(summary)
    if not no_tui:
        from evalbench.tui.launch import run_app

        run_app(open_project(str(path), "alex"))


COMMANDS = [init, open_cmd, search, stats, undo, redo, demo]
