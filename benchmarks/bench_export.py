"""Time matrices and exports on a generated study: 200 participants × the 72-code CFIR 2.0 codebook.

Each interview has 60 turns (30 participant answers of ~120 words); each answer
gets ~2 codings (a construct or subconstruct, a valence, a few starred), so
the project holds ~12,000 codings by two coders — denser than most real
studies. Run by hand:

    .venv/bin/python benchmarks/bench_export.py [--participants 200] [--keep DIR]

Targets (issue 6): any matrix ≤ 1 s. Issue 12: docx with figures ≤ 6 s, xlsx ≤ 4 s, figures alone ≤ 2 s,
peak memory ≤ 300 MB. Issue 17: findings (themes layout) docx ≤ 5 s with 30 themes. Each report export
also runs alone in a fresh process (``--op``), so its peak resident memory is its own, with the
project already built and the libraries imported as a user's command would import them.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalbench.codebook import load_codebook_source  # noqa: E402
from evalbench.ingest.document import ParsedDocument, transcript  # noqa: E402
from evalbench.project import Project  # noqa: E402

WORDS = (
    "the case review time staff nurse leaders support protected learning safety culture team "
    "meeting unit patient diagnosis error follow-up timeline coaching data report tool huddle "
    "workload manager budget priority trust feedback training residents attending night shift"
).split()
ROLES = ("physician", "nurse", "leader", "quality_safety", "researcher")
SITES = tuple(f"Site {c}" for c in "ABCDEFGH")


def interview(rng: random.Random, n: int) -> ParsedDocument:
    pairs = []
    for i in range(60):
        speaker = "Interviewer" if i % 2 == 0 else f"Participant {n}"
        words = rng.randint(8, 20) if i % 2 == 0 else rng.randint(60, 180)
        pairs.append((speaker, " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."))
    return transcript(f"p{n:03d}.txt", pairs)


def build(path: Path, participants: int) -> Project:
    rng = random.Random(6)
    proj = Project.init(path, coder="alex")
    codes = load_codebook_source("cfir2")
    proj.add_codes(codes, label="codebook")
    leaves = [c.id for c in codes if c.parent_id]
    rows = []
    for n in range(1, participants + 1):
        parsed = interview(rng, n)
        roles = {"Interviewer": ("interviewer", "label"), f"Participant {n}": ("participant", "label")}
        doc_id = proj.add_document(parsed, roles)
        proj.set_participant(doc_id, f"P{n:03d}", {"role": ROLES[n % len(ROLES)], "site": SITES[n % len(SITES)]})
        for turn in parsed.turns[1::2]:
            for _ in range(rng.choice((1, 2, 2, 3))):
                length = turn.end - turn.start
                a = turn.start + rng.randint(0, length // 2)
                b = min(turn.end, a + rng.randint(40, 400))
                rows.append(
                    {
                        "document_id": doc_id,
                        "start": a,
                        "end": b,
                        "code_id": rng.choice(leaves),
                        "valence": rng.choice(("barrier", "facilitator", "facilitator", "mixed", "none")),
                        "coder": rng.choice(("alex", "alex", "sam")),
                    }
                )
    proj.add_codings(rows, label="generated codings")
    for cid in [c.id for c in proj.codings()][::97]:
        proj.star_coding(cid)
    add_themes(proj, rng, [c.id for c in codes if c.parent_id])
    return proj


def add_themes(proj: Project, rng: random.Random, constructs: list[str], n: int = 30) -> None:
    """30 themes in three categories, each gathering 2-4 codes (some of one valence), as a lead would."""
    for i in range(n):
        category = ("Successes", "Barriers", "Lessons learned")[i % 3]
        name = f"Theme {i + 1:02d}"
        proj.themes.add(
            name,
            category,
            description=" ".join(rng.choice(WORDS) for _ in range(40)).capitalize(),
            cfir=rng.choice(constructs),
        )
        for code in rng.sample(constructs, rng.randint(2, 4)):
            proj.themes.link(name, code, {"Successes": "facilitator", "Barriers": "barrier"}.get(category))


OPS = {  # name -> (what it writes, export keyword arguments)
    "docx+figures": ("bench.docx", {"all_coders": True}),
    "docx themes": ("bench-themes.docx", {"all_coders": True, "layout": "themes", "matrix": "site", "figures": False}),
    "xlsx": ("bench.xlsx", {"all_coders": True, "by": "site"}),
}


def run_op(path: Path, op: str) -> dict:
    """One operation on the built project, in this process: wall, CPU and this process's peak memory."""
    import docx  # noqa: F401  (import costs are not export costs)
    import matplotlib  # noqa: F401
    import pandas  # noqa: F401
    import xlsxwriter  # noqa: F401

    proj = Project.open(path)
    t, c = time.perf_counter(), time.process_time()
    if op == "figures":
        from evalbench.export.context import report_context
        from evalbench.export.options import ExportResult, ReportOptions
        from evalbench.export.report import build_report, report_figures

        ctx = report_context(proj, coder=None, all_coders=True, options=ReportOptions(), result=ExportResult())
        report = build_report(ctx, figures=False)
        t, c = time.perf_counter(), time.process_time()  # the figures alone, from the report's data
        n = len(report_figures(report))
    else:
        name, kwargs = OPS[op]
        proj.export(name.rsplit(".", 1)[1], path.parent / name, **kwargs)
        n = 1
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    return {"op": op, "wall": wall, "cpu": cpu, "n": n, "peak_mb": peak_mb()}


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image; ``ru_maxrss`` is not
    reset by exec on Linux, so a child started by a 280 MB benchmark process would report 280 MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_process(path: Path, op: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--op", op, "--keep", str(path.parent), "--reuse"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(fn, repeat: int = 1) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``repeat`` calls (CPU shows the work on a shared machine)."""
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="build the project and exports in this folder")
    ap.add_argument("--reuse", action="store_true", help="reuse the project already in --keep")
    ap.add_argument("--op", choices=[*OPS, "figures"], help="run one report operation alone and print JSON")
    ap.add_argument("--only-alone", action="store_true", help="with --reuse: only the fresh-process report runs")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="evalbench-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.evb"
    if args.op:
        print(json.dumps(run_op(path, args.op)))
        return
    if args.reuse and path.exists() and args.only_alone:
        for op in ("docx+figures", "docx themes", "xlsx", "figures"):
            r = fresh_process(path, op)
            print(f"{op:38s} {r['wall']:7.2f} s {r['cpu']:7.2f} s {r['peak_mb']:6.0f} MB")
        return
    t = time.perf_counter()
    if args.reuse and path.exists():
        proj = Project.open(path)
    else:
        path.unlink(missing_ok=True)
        proj = build(path, args.participants)
    stats = proj.stats()
    print(
        f"built {len(stats['documents'])} interviews, {stats['codes']} codes, {stats['codings']} codings "
        f"in {time.perf_counter() - t:.1f} s"
    )
    import docx  # noqa: F401  (import costs are not export costs)
    import openpyxl  # noqa: F401
    import pandas  # noqa: F401

    def fresh_frame():
        proj.analysis.clear_cache()
        proj.codings_frame()

    def cold(fn):
        """Time ``fn`` as the first call after a change (the cached codings frame dropped)."""

        def run():
            proj.analysis.clear_cache()
            fn()

        return run

    results = [
        ("codings frame (read from the store)", timed(fresh_frame, 3)),
        ("matrix by participant (construct)", timed(cold(lambda: proj.matrix(by="participant")), 3)),
        ("matrix by participant (code)", timed(cold(lambda: proj.matrix(by="participant", level="code")), 3)),
        ("matrix by role", timed(cold(lambda: proj.matrix(by="role")), 3)),
        ("matrix by site, participants", timed(cold(lambda: proj.matrix(by="site", value="participants")), 3)),
        ("frequencies by site", timed(cold(lambda: proj.frequencies(by="site")), 3)),
        ("co-occurrence (code)", timed(cold(lambda: proj.cooccurrence()), 3)),
        ("rapid matrix (domain)", timed(cold(lambda: proj.rapid_matrix()), 3)),
        ("propose ratings by site", timed(cold(lambda: proj.propose_ratings("site")), 3)),
        (
            "docx export (+ratings, +figures, +codebook)",
            timed(cold(lambda: proj.export("docx", folder / "bench.docx", all_coders=True, codebook=True))),
        ),
        (
            "xlsx export (+by site)",
            timed(cold(lambda: proj.export("xlsx", folder / "bench.xlsx", by="site", all_coders=True))),
        ),
        ("csv export", timed(cold(lambda: proj.export("csv", folder / "bench.csv", all_coders=True)))),
        ("md export", timed(cold(lambda: proj.export("md", folder / "bench.md", all_coders=True)))),
        (
            "matrix quotes of one cell (warm)",
            timed(lambda: proj.matrix_quotes("cfir2.inner.culture", "participant", "P001"), 3),
        ),
    ]
    print(f"{'':38s} {'wall':>7s}   {'cpu':>7s}")
    for name, (wall, cpu) in results:
        print(f"{name:38s} {wall:7.2f} s {cpu:7.2f} s")
    print(f"(cpu time of the whole run: {time.process_time():.1f} s; matrices are cold: each rebuilds the frame)")
    proj.close()
    print(f"\n{'alone, in a fresh process':38s} {'wall':>7s}   {'cpu':>7s}   {'peak':>7s}")
    for op in ("docx+figures", "docx themes", "xlsx", "figures"):
        r = fresh_process(path, op)
        print(f"{op:38s} {r['wall']:7.2f} s {r['cpu']:7.2f} s {r['peak_mb']:6.0f} MB")


if __name__ == "__main__":
    main()
