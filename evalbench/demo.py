"""The demo project: the synthetic sample transcripts, CFIR 2.0 and two coders' codings."""

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


def build_demo(path: Path, *, progress=None, cancel=None) -> str:
    """(Re)build the demo project at ``path`` and return a one-line summary."""
    from evalbench.codebook import load_codebook_source

    samples = sample_dir()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    with Project.init(path, name="Learning lab evaluation (synthetic demo)", coder="alex") as project:
        project.add_codes(load_codebook_source("cfir2"), label="Load codebook cfir2")
        transcripts = [p for p in sorted(samples.iterdir())
                       if p.suffix.lower() in {".txt", ".docx", ".vtt", ".srt"} and p.name != "README.md"]
        report = project.import_paths(transcripts, participants_csv=samples / "participants.csv",
                                      progress=progress, cancel=cancel)
        if report.failed:
            raise UserError("demo: " + "; ".join(f"{n}: {why}" for n, why in report.failed))
        added = project.code_from_csv(samples / "codings.csv")
        stats = project.stats()
    return (f"{len(stats['documents'])} transcripts, {stats['codes']} codes, {added} codings "
            f"by {', '.join(stats['coders'])}")
