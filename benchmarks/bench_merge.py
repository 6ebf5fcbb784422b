"""Time ``evalbench merge`` of one coder pair's project into another's, from a .evb and from a .qdpx.

Builds two projects over the same N interviews (``bench_qdpx.build``: CFIR 2.0,
60 codings per interview, 30 themes): the target coded by alex and sam, the
source by kim and lee, with themes of the same names (so every theme is merged,
rules joined and hand-picked codings mapped). Then times, each in a fresh
child process on a fresh copy of the target so that its peak resident set is
its own: merging the source .evb (every document matched, every coding and
theme added), the same merge run again (nothing to add: the idempotent path),
and merging the source's .qdpx export (built into a scratch project first).
Prints medians over ``--repeat`` runs and the largest peak.

    .venv/bin/python benchmarks/bench_merge.py              # 200 interviews per project
    .venv/bin/python benchmarks/bench_merge.py --scale 10   # 2,000
    .venv/bin/python benchmarks/bench_merge.py --dir /tmp/m1  # build once, reuse
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_qdpx import _peak_mb, build  # noqa: E402

PHASES = {"evb": "merge .evb (all new)", "again": "merge .evb again (nothing new)", "qdpx": "merge .qdpx"}


def prepare(folder: Path, n: int) -> tuple[Path, Path, Path]:
    """(target, source .evb, source .qdpx) in ``folder``, built when missing."""
    target, source, archive = folder / "target.evb", folder / "source.evb", folder / "source.qdpx"
    if not target.exists():
        build(target, n).close()
    if not source.exists():
        build(source, n, coders=("kim", "lee"), coding_seed=12).close()
    if not archive.exists():
        from evalbench.project import Project

        with Project.open(source) as proj:
            proj.export_qdpx(archive)
    return target, source, archive


def phase(name: str, target: Path, source: Path, archive: Path) -> dict:
    """Run one merge in this (fresh) process on ``target`` (a copy made for it): wall, CPU, peak, codings."""
    from evalbench.project import Project

    proj = Project.open(target)
    if name == "again":
        proj.merge([source])
    t0, c0 = time.perf_counter(), time.process_time()
    report = proj.merge([archive if name == "qdpx" else source])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    proj.close()
    return {
        "wall": wall,
        "cpu": cpu,
        "peak": _peak_mb(),
        "added": report.codings_added,
        "merged_themes": sum(len(s.themes.merged) for s in report.sources if s.themes),
    }


def measure(name: str, repeat: int, target: Path, source: Path, archive: Path, tmp: Path) -> dict:
    runs = []
    for i in range(repeat):
        copy = tmp / f"copy-{name}-{i}.evb"
        shutil.copyfile(target, copy)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--phase",
                name,
                "--target",
                str(copy),
                "--source",
                str(source),
                "--archive",
                str(archive),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        for leftover in tmp.glob(f"{copy.name}*"):
            leftover.unlink()
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "peak": max(r["peak"] for r in runs),
        "added": runs[-1]["added"],
        "merged_themes": runs[-1]["merged_themes"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="1 = 200 interviews per project, 10 = 2,000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="build the two projects here, or reuse them if they exist")
    parser.add_argument("--phase", choices=list(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--archive", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.target, args.source, args.archive)))
        return
    n = 200 * args.scale
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = args.dir or tmp
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        target, source, archive = prepare(folder, n)
        built = time.perf_counter() - t0
        from evalbench.project import Project

        with Project.open(source) as proj:
            counts = proj.stats()
        print(
            f"interviews: {len(counts['documents']):,} per project, {counts['codings']:,} codings and 30 themes "
            f"each side (built in {built:.1f} s); archive {archive.stat().st_size / 1e6:.1f} MB"
        )
        for name, label in PHASES.items():
            r = measure(name, args.repeat, target, source, archive, tmp)
            print(
                f"{label}: {r['wall']:.2f} s (median of {args.repeat}); CPU {r['cpu']:.2f} s; "
                f"peak {r['peak']:.0f} MB; {r['added']:,} codings added, {r['merged_themes']} themes merged"
            )


if __name__ == "__main__":
    main()
