"""The demo project: the synthetic sample transcripts, CFIR 2.0, two coders' codings and the lead's themes.

``evalbench demo`` keeps a demo project that already exists (a user's practice
coding lives in it) and builds one only when there is none or when asked to
rebuild (:func:`demo_project`).
"""

from __future__ import annotations

from pathlib import Path

from evalbench.errors import UserError
from evalbench.project import Project


def sample_dir() -> Path:
    """The sample_transcripts folder shipped beside the package in a source checkout."""
    here = Path(__file__).resolve().parent.parent / "sample_transcripts"
    if not here.is_dir():
        raise UserError(f"{here}: sample transcripts not found (run from a source checkout)")
    return here


def demo_project(path: Path, *, rebuild: bool = False, progress=None, cancel=None) -> tuple[bool, str]:
    """Open or build the demo project at ``path``: ``(built, one-line summary)``.

    An existing project is kept as it is unless ``rebuild``; a file there that
    is not a project is an error rather than something to overwrite.
    """
    if path.exists() and path.stat().st_size > 0 and not rebuild:
        with Project.open(path) as project:
            stats = project.stats()
            themes = len(project.themes.list())
        return False, (
            f"{len(stats['documents'])} transcripts, {stats['codings']} codings by "
            f"{', '.join(stats['coders']) or 'nobody yet'}, {themes} themes"
        )
    return True, build_demo(path, progress=progress, cancel=cancel)


def build_demo(path: Path, *, progress=None, cancel=None) -> str:
    """(Re)build the demo project at ``path`` and return a one-line summary."""
    from evalbench.codebook import load_codebook_source

    samples = sample_dir()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    with Project.init(path, name="Learning lab evaluation (synthetic demo)", coder="alex") as project:
        project.add_codes(load_codebook_source("cfir2"), label="Load codebook cfir2")
        transcripts = [
            p
            for p in sorted(samples.iterdir())
            if p.suffix.lower() in {".txt", ".docx", ".vtt", ".srt"} and p.name != "README.md"
        ]
        report = project.import_paths(
            transcripts, participants_csv=samples / "participants.csv", progress=progress, cancel=cancel
        )
        if report.failed:
            raise UserError("demo: " + "; ".join(f"{n}: {why}" for n, why in report.failed))
        added = project.code_from_csv(samples / "codings.csv")
        themes = project.themes.import_csv(samples / "themes.csv")
        stats = project.stats()
    return (
        f"{len(stats['documents'])} transcripts, {stats['codes']} codes, {added} codings "
        f"by {', '.join(stats['coders'])}, {len(themes.themes)} themes"
    )
