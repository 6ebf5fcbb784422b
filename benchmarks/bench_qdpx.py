"""Time REFI-QDA .qdpx export and import at realistic and 10x scale, with each one's peak memory.

Builds a project with the CFIR 2.0 codebook (72 codes) and N participants, one
~8,000-word interview each (``benchmarks/corpus.py``), with role/site
attributes, 60 codings per interview by two coders (valence on most, a memo on
every tenth) and 30 themes (issue 17's scale: rules, hand-picked codings,
exemplars), then times ``Project.export_qdpx`` and ``Project.from_qdpx`` on
the archive it wrote. Each measured operation runs in a fresh child process
(this script with ``--phase``), so its peak resident set is its own and not the
builder's; prints medians over ``--repeat`` runs and the largest peak.

Target (issue 6): 200 participants x 72 codes, export <= 10 s; import of the
same archive is recorded beside it.

    .venv/bin/python benchmarks/bench_qdpx.py            # 200 participants
    .venv/bin/python benchmarks/bench_qdpx.py --scale 10 # 2,000 participants
    .venv/bin/python benchmarks/bench_qdpx.py --scale 10 --project /tmp/q10.evb  # build once, reuse
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

VALENCES = ["barrier", "facilitator", "mixed", "neutral", "none"]


def build(
    path: Path, n: int, *, seed: int = 11, coders: tuple[str, str] = ("alex", "sam"), coding_seed: int | None = None
):
    """A project with ``n`` coded interviews (one participant each) and the CFIR 2.0 codebook.

    The interviews follow ``seed``; the codings (by the two ``coders``) and themes follow ``coding_seed``
    (default: ``seed``), so two builds with one seed hold the same transcripts coded by different people.
    """
    from corpus import _Writer, interview_turns

    from evalbench.codebook import template
    from evalbench.ingest.document import transcript
    from evalbench.project import Project

    writer = _Writer(seed)
    rng = random.Random(seed if coding_seed is None else coding_seed)
    proj = Project.init(path, coder=coders[0])
    codes = template("cfir2").codes
    proj.add_codes(codes)
    leaves = [c.id for c in codes if c.parent_id]
    roles = {"Interviewer": ("interviewer", "label")}
    rows = []
    for i in range(n):
        parsed = transcript(
            f"P{i:04d}.txt",
            [("Interviewer" if who == 0 else f"P{i:04d}", text) for who, text in interview_turns(writer, 8000)],
        )
        turns = parsed.turns
        doc = proj.add_document(parsed, roles)
        proj.set_participant(
            doc,
            f"P{i:04d}",
            {"role": rng.choice(["nurse", "physician", "leader"]), "site": rng.choice(["North", "South", "East"])},
        )
        answers = [t for t in turns if t.speaker != "Interviewer"]
        for k in range(60):
            t = rng.choice(answers)
            start = rng.randint(t.start, max(t.start, t.end - 80))
            rows.append(
                {
                    "document_id": doc,
                    "start": start,
                    "end": min(t.end, start + rng.randint(40, 400)),
                    "code_id": rng.choice(leaves),
                    "coder": coders[0] if k % 2 else coders[1],
                    "valence": rng.choice(VALENCES),
                    "memo": "Quote for the table." if k % 10 == 0 else "",
                }
            )
    ids = proj.add_codings(rows, label="bench codings")
    add_themes(proj, leaves, ids, rng)
    return proj


def add_themes(proj, leaves: list[str], coding_ids: list[int], rng: random.Random, n: int = 30) -> None:
    """Issue 17's scale: 30 themes in three categories, each with three rules, ten codings added and three
    kept out by hand, and three picked exemplars (they travel in the .qdpx as Sets, Notes and the member)."""
    themes = proj.themes
    for i in range(n):
        theme = themes.add(
            f"Theme {i + 1}",
            ("Successes", "Barriers", "Lessons learned")[i % 3],
            description=f"What participants said about theme {i + 1}. " * 4,
            cfir=rng.choice(leaves),
        )
        for code in rng.sample(leaves, 3):
            themes.link(theme.id, code, rng.choice(["barrier", "facilitator", None]))
        picked = rng.sample(coding_ids, 16)
        themes.include(theme.id, picked[:10])
        themes.exclude(theme.id, picked[10:13])
        for coding in picked[13:]:
            themes.pick(theme.id, coding)


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    """This process's own peak resident set (VmHWM; ru_maxrss would include the parent's from before exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, project: Path, archive: Path, target: Path) -> dict:
    """Run one operation in this (fresh) process: wall, CPU, resident set before it and peak."""
    from evalbench.project import Project
    from evalbench.refi.qdpx_read import read_qdpx

    if name == "export":
        proj = Project.open(project)
        run = lambda: proj.export_qdpx(archive)  # noqa: E731
    elif name == "import":
        run = lambda: Project.from_qdpx(target, archive).close()  # noqa: E731
    else:
        run = lambda: read_qdpx(archive)  # noqa: E731
    before = _rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    run()
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rss_before": before, "peak": _peak_mb()}


def in_child(name: str, project: Path, archive: Path, target: Path) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            "--project",
            str(project),
            "--archive",
            str(archive),
            "--target",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(name: str, repeat: int, project: Path, archive: Path, tmp: Path) -> dict:
    runs = []
    for i in range(repeat):
        target = tmp / f"copy-{name}-{i}.evb"
        runs.append(in_child(name, project, archive, target))
        target.unlink(missing_ok=True)
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "peak": max(r["peak"] for r in runs),
        "rss_before": max(r["rss_before"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="1 = 200 participants, 10 = 2,000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--project", type=Path, help="build the project here, or reuse it if it exists")
    parser.add_argument("--phase", choices=["export", "import", "read"], help=argparse.SUPPRESS)
    parser.add_argument("--archive", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.project, args.archive, args.target)))
        return
    n = 200 * args.scale
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = args.project or tmp / "bench.evb"
        t0 = time.perf_counter()
        if project.exists():
            from evalbench.project import Project

            proj = Project.open(project)
        else:
            proj = build(project, n)
        built = time.perf_counter() - t0
        stats = proj.stats()
        n_codings, n_codes, n_docs = stats["codings"], stats["codes"], len(stats["documents"])
        proj.close()
        archive = tmp / "bench.qdpx"
        export = measure("export", args.repeat, project, archive, tmp)
        imp = measure("import", args.repeat, project, archive, tmp)
        read = measure("read", args.repeat, project, archive, tmp)
        print(f"participants: {n_docs}  codes: {n_codes}  codings: {n_codings}  (built in {built:.1f} s)")
        print(f"archive: {archive.stat().st_size / 1e6:.1f} MB")
        for label, r in (("export_qdpx", export), ("from_qdpx:  ", imp)):
            print(
                f"{label}: {r['wall']:.2f} s (median of {args.repeat}); CPU {r['cpu']:.2f} s; "
                f"peak {r['peak']:.0f} MB (process with the project open: {r['rss_before']:.0f} MB)"
            )
        print(
            f"reading and checking the archive (read_qdpx): {read['wall']:.2f} s; CPU {read['cpu']:.2f} s; "
            f"peak {read['peak']:.0f} MB"
        )


if __name__ == "__main__":
    main()
