"""Time REFI-QDA .qdpx export and import at realistic and 10x scale.

Builds a project with the CFIR 2.0 codebook (72 codes) and N participants, one
~8,000-word interview each (``benchmarks/corpus.py``), with role/site
attributes, 60 codings per interview by two coders (valence on most, a memo on
every tenth), then times ``Project.export_qdpx`` and ``Project.from_qdpx`` on
the archive it wrote. Prints medians over ``--repeat`` runs and peak memory.

Target (issue 6): 200 participants x 72 codes, export <= 10 s; import of the
same archive is recorded beside it.

    .venv/bin/python benchmarks/bench_qdpx.py            # 200 participants
    .venv/bin/python benchmarks/bench_qdpx.py --scale 10 # 2,000 participants
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import _Writer, interview_turns  # noqa: E402

from evalbench.codebook import template  # noqa: E402
from evalbench.ingest.document import transcript  # noqa: E402
from evalbench.project import Project  # noqa: E402
from evalbench.refi.qdpx_read import read_qdpx  # noqa: E402

VALENCES = ["barrier", "facilitator", "mixed", "neutral", "none"]


def build(path: Path, n: int, *, seed: int = 11) -> Project:
    """A project with ``n`` coded interviews (one participant each) and the CFIR 2.0 codebook."""
    writer = _Writer(seed)
    rng = random.Random(seed)
    proj = Project.init(path, coder="alex")
    codes = template("cfir2").codes
    proj.add_codes(codes)
    leaves = [c.id for c in codes if c.parent_id]
    roles = {"Interviewer": ("interviewer", "label")}
    rows = []
    for i in range(n):
        parsed = transcript(f"P{i:04d}.txt", [("Interviewer" if who == 0 else f"P{i:04d}", text)
                                              for who, text in interview_turns(writer, 8000)])
        turns = parsed.turns
        doc = proj.add_document(parsed, roles)
        proj.set_participant(doc, f"P{i:04d}", {"role": rng.choice(["nurse", "physician", "leader"]),
                                                "site": rng.choice(["North", "South", "East"])})
        answers = [t for t in turns if t.speaker != "Interviewer"]
        for k in range(60):
            t = rng.choice(answers)
            start = rng.randint(t.start, max(t.start, t.end - 80))
            rows.append({"document_id": doc, "start": start, "end": min(t.end, start + rng.randint(40, 400)),
                         "code_id": rng.choice(leaves), "coder": "alex" if k % 2 else "sam",
                         "valence": rng.choice(VALENCES), "memo": "Quote for the table." if k % 10 == 0 else ""})
    proj.add_codings(rows, label="bench codings")
    return proj


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="1 = 200 participants, 10 = 2,000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = 200 * args.scale
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        proj = build(tmp / "bench.evb", n)
        built = time.perf_counter() - t0
        n_codings = len(proj.codings())
        out = tmp / "bench.qdpx"
        export_s = timed(lambda: proj.export_qdpx(out), args.repeat)
        cpu0 = time.process_time()
        proj.export_qdpx(out)
        export_cpu = time.process_time() - cpu0
        counter = iter(range(10_000))

        def do_import() -> None:
            Project.from_qdpx(tmp / f"copy{next(counter)}.evb", out).close()

        import_s = timed(do_import, args.repeat)
        read_s = timed(lambda: read_qdpx(out), args.repeat)
        cpu0 = time.process_time()
        do_import()
        import_cpu = time.process_time() - cpu0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"participants: {n}  codes: {len(proj.codes())}  codings: {n_codings}  (built in {built:.1f} s)")
        print(f"archive: {out.stat().st_size / 1e6:.1f} MB")
        print(f"export_qdpx: {export_s:.2f} s (median of {args.repeat}); CPU {export_cpu:.2f} s")
        print(f"from_qdpx:   {import_s:.2f} s (median of {args.repeat}); CPU {import_cpu:.2f} s; "
              f"of which reading and checking the archive {read_s:.2f} s")
        print(f"peak memory: {peak_mb:.0f} MB")
        proj.close()


if __name__ == "__main__":
    main()
