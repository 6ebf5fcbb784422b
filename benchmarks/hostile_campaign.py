"""A campaign of generated hostile inputs against the evalbench command line; prints handled/unhandled/data-loss.

Families (issue 18): transcripts, participants and bulk-coding CSVs,
codebooks (YAML/JSON/.qdc), .qdpx archives, export targets (stale parts,
permissions), very long transcripts (import and check timed), kill -9 during
seven operations, 2-4 concurrent writers, and a network guard (any socket
created). File families run in-process through click's test runner in worker
processes (a worker that takes longer than the timeout is killed: a hang);
process families run evalbench as child processes.

An input is *unhandled* when evalbench prints a traceback, a message over
several lines, a raw exception name, unprintable characters, hangs, or
leaves a half-written file; *data loss* when something that should be stored
is missing or stored twice. Every problem is kept with the input's family,
kind and seed so it can be reproduced::

    .venv/bin/python -m benchmarks.hostile_campaign --n 10000 --seed 7 --workers 2
    .venv/bin/python -m benchmarks.hostile_campaign --only codebooks --n 200 --show 20
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
import unicodedata
from collections import Counter, defaultdict
from multiprocessing.connection import wait
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: Share of the inputs per family; process families are few and slow.
WEIGHTS = {
    "transcripts": 24,
    "participants": 9,
    "bulk": 15,
    "codebooks": 24,
    "qdpx": 18,
    "exports": 4,
    "damaged": 3,
    "quadratic": 0.1,
    "kill": 1.2,
    "concurrency": 0.8,
    "network": 0.3,
}
PROCESS_FAMILIES = ("kill", "concurrency", "network")
TIMEOUT = {"default": 120, "quadratic": 300, "kill": 900, "concurrency": 900, "network": 900}
_RAW = re.compile(
    r"\b[A-Z][A-Za-z0-9_]*(?:Error|Exception|Warning)\b|\[Errno -?\d+\]|Traceback|"
    r"<[a-z_.]+ object at 0x"
)
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_INFO = (
    "Counting ",
    "Rebuilt the full-text index",
    "Importing",
    "Reading",
    "Storing",
    "No differences",
    "CONFLICT ",
    "Wrote ",
    "WARNING",
)


def judge_text(stderr: str, code: int) -> list[tuple[str, str]]:
    """Problems with what a command printed on stderr: every line a complete, printable, one-line message."""
    problems = []
    lines = [line for line in stderr.split("\n") if line.strip()]
    if sum(line.startswith("evalbench: ") for line in lines) > 1:
        problems.append(("multi-line", "several 'evalbench:' lines: " + " | ".join(lines[:3])[:300]))
    for line in lines:
        bad = [c for c in line if unicodedata.category(c) in _HIDDEN and c != "\t"]
        if bad:
            problems.append(("unprintable", f"{[hex(ord(c)) for c in bad[:3]]} in {line[:120]!r}"))
        if _RAW.search(line):
            problems.append(("raw-exception", line[:300]))
        elif line[0].isspace() or (code != 0 and ": " not in line and not line.startswith(_INFO)):
            problems.append(("multi-line", f"a line that is not a message: {line[:200]!r}"))
        if len(line) > 600:
            problems.append(("too-long", f"{len(line)} characters: {line[:80]!r}"))
    if code not in (0, 1, 2):
        problems.append(("unhandled", f"exit status {code}"))
    return problems


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def run_case(case, ctx) -> tuple[list[tuple[str, str]], float]:
    """Run one generated case in this process; its problems and the seconds it took."""
    from click.testing import CliRunner

    from evalbench.cli import main

    before = {t: _digest(t) for t in case.targets}
    started = time.perf_counter()
    problems: list[tuple[str, str]] = []
    steps = [(case.argv, case.after), *case.again]
    for argv, check in steps:
        result = CliRunner().invoke(main, argv, catch_exceptions=True)
        exc = result.exception
        if exc is not None and not isinstance(exc, SystemExit):
            where = traceback.extract_tb(result.exc_info[2])[-1]
            problems.append(
                ("traceback", f"{type(exc).__name__}: {str(exc)[:160]} at {Path(where.filename).name}:{where.lineno}")
            )
        problems += judge_text(result.stderr, result.exit_code)
        problems += _targets(case, before, result.exit_code)
        if check is not None and not [p for p in problems if p[0] == "traceback"]:
            problems += [("data-loss", p) for p in check(result)]
        if result.exit_code != 0:
            break
    return problems, time.perf_counter() - started


def _targets(case, before: dict, code: int) -> list[tuple[str, str]]:
    from benchmarks.hostile_process import _complete

    problems = []
    for target in {*case.targets, *case.watch}:
        left = [
            p.name
            for p in target.parent.iterdir()
            if p.name.startswith(f".{target.name}.") and p.name.endswith((".part", ".tmp")) or ".importing-" in p.name
        ]
        if left and case.family != "exports":
            problems.append(("half-written", f"temporary files left: {left[:3]}"))
    for target in case.targets:
        if code != 0:
            if _digest(target) != before[target]:
                problems.append(("half-written", f"{target.name} was written although the command failed"))
        else:
            problems += _complete(target, None)
    return problems


# --- the template every case starts from --------------------------------------------------------
class Context:
    """Files shared by the cases of one worker: a small coded project, its export, sheets and folders."""

    def __init__(self, root: Path) -> None:
        from click.testing import CliRunner

        from evalbench.cli import main
        from evalbench.codebook import template
        from evalbench.project import Project

        self.root = root
        samples = Path(__file__).resolve().parents[1] / "sample_transcripts"
        docs = ["nfg_01_hospitalist.txt", "nfg_03_cmo.docx", "rmc_05_patient_safety_officer.vtt", "sbu_07_resident.srt"]
        self.template = root / "template.evb"
        import csv

        rows = [r for r in csv.DictReader(open(samples / "codings.csv", encoding="utf-8")) if r["document"] in docs]
        sheet = root / "codings.csv"
        with open(sheet, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        with Project.init(self.template, coder="alex") as proj:
            proj.add_codes(template("cfir2").codes)
            proj.import_paths([samples / d for d in docs])
            proj.code_from_csv(sheet)
            self.template_docs = len(proj.documents())
            self.coded_codes = sorted({c.code_id for c in proj.codings()})
        self.qdpx_path = root / "template.qdpx"
        CliRunner().invoke(main, ["export", str(self.template), "-o", str(self.qdpx_path), "--all-coders"])
        self.qdpx_bytes = self.qdpx_path.read_bytes()
        self.quotes = [(r["document"], r["quote"]) for r in rows]
        book = template("cfir2")
        self.code_refs = [c.id for c in book.codes] + [c.name for c in book.codes]
        self.docx_bytes = (samples / "nfg_03_cmo.docx").read_bytes()
        self.cfir2_path = Path(__file__).resolve().parents[1] / "evalbench/codebook/templates/cfir2.yaml"
        self.cfir2_yaml = self.cfir2_path.read_text()
        self.umask = os.umask(0o022)
        os.umask(self.umask)
        self.folder = self._folder("folder", 40, 60)
        self.small_folder = self._folder("small", 5, 10)
        self.small_folder_docs = 5
        self.big_csv, self.big_csv_rows = self._sheet("big.csv", 30, coder=True)
        self.mid_csv, self.mid_csv_rows = self._sheet("mid.csv", 1, coder=False)

    def _folder(self, name: str, n: int, turns: int) -> Path:
        folder = self.root / name
        folder.mkdir()
        for i in range(n):
            lines = [
                f"{'Interviewer' if j % 2 == 0 else f'P{i:02}'}: {name} {i} turn {j}, protected time "
                f"and huddles helped us learn from errors."
                for j in range(turns)
            ]
            (folder / f"{name}_{i:03}.txt").write_text("\n".join(lines) + "\n")
        return folder

    def _sheet(self, name: str, coders: int, *, coder: bool) -> tuple[Path, int]:
        """A codings sheet and how many codings it adds to the template (measured: some rows repeat codings)."""
        from evalbench.project import Project

        path = self.root / name
        rows = ["document,quote,code,valence" + (",coder" if coder else "")]
        for k in range(coders):
            for doc, quote in self.quotes:
                rows.append(
                    f'{doc},"{quote.replace(chr(34), chr(34) * 2)}",cfir2.inner.culture,barrier'
                    + (f",c{k}" if coder else "")
                )
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        trial = self.root / f"trial-{name}.evb"
        shutil.copyfile(self.template, trial)
        with Project.open(trial, coder="alex") as proj:
            added = proj.code_from_csv(path)
            self.fresh_rows = proj.code_from_csv(path, coder="zz-new-coder")  # for a coder with no codings yet
        return path, added

    def copy_project(self, work: Path) -> Path:
        dest = work / "study.evb"
        shutil.copyfile(self.template, dest)
        return dest

    def count(self, project: Path, sql: str) -> int:
        from benchmarks.hostile_process import _count

        return _count(project, sql)


# --- workers ----------------------------------------------------------------------------------
def _generate(family: str, rng: random.Random, work: Path, ctx):
    from benchmarks import hostile_archives as arc
    from benchmarks import hostile_codebooks as cb
    from benchmarks import hostile_gen as gen

    return {
        "transcripts": gen.gen_transcript,
        "participants": gen.gen_participants,
        "bulk": gen.gen_bulk,
        "codebooks": cb.gen_codebook,
        "quadratic": gen.gen_many_turns,
        "qdpx": arc.gen_qdpx,
        "exports": arc.gen_export,
        "damaged": gen.gen_damaged_project,
    }[family](rng, work, ctx)


def _worker(conn, root: str) -> None:
    import warnings

    warnings.simplefilter("ignore")  # the generators' own zipfile warnings (duplicate names are on purpose)
    os.environ["EVALBENCH_CODER"] = "alex"
    base = Path(tempfile.mkdtemp(prefix="worker-", dir=root))
    ctx = Context(base)
    conn.send(("ready",))
    while True:
        task = conn.recv()
        if task is None:
            return
        index, family, seed = task
        work = base / f"case{index}"
        work.mkdir()
        rng = random.Random(seed)
        kind = family
        try:
            if family in PROCESS_FAMILIES:
                from benchmarks import hostile_process as proc

                started = time.perf_counter()
                problems = getattr(proc, f"{'concurrent' if family == 'concurrency' else family}_case")(rng, work, ctx)
                took = time.perf_counter() - started
            else:
                case = _generate(family, rng, work, ctx)
                kind = case.kind
                problems, took = run_case(case, ctx)
        except Exception as exc:  # the harness itself (or a generator) failed: report, go on
            problems, took = [("harness", f"{type(exc).__name__}: {exc} {traceback.format_exc()[-400:]}")], 0.0
        shutil.rmtree(work, ignore_errors=True)
        conn.send((index, family, kind, seed, problems, took))


def campaign(n: int, seed: int, workers: int, only: list[str] | None, root: Path) -> list[tuple]:
    families = {f: w for f, w in WEIGHTS.items() if not only or f in only}
    total = sum(families.values())
    rng = random.Random(seed)
    tasks = []
    for family, weight in families.items():
        tasks += [(family, rng.randrange(2**63)) for _ in range(max(1, round(n * weight / total)))]
    rng.shuffle(tasks)
    tasks = [(i, f, s) for i, (f, s) in enumerate(tasks)]
    ctx_mp = multiprocessing.get_context("fork")
    pool: dict = {}

    def spawn() -> None:
        parent, child = ctx_mp.Pipe()
        proc = ctx_mp.Process(target=_worker, args=(child, str(root)), daemon=True)
        proc.start()
        parent.recv()  # ready
        pool[parent] = [proc, None, 0.0]

    for _ in range(workers):
        spawn()
    results: list[tuple] = []
    queue = list(tasks)
    started = time.time()
    while queue or any(v[1] is not None for v in pool.values()):
        for conn, slot in list(pool.items()):
            if slot[1] is None and queue:
                slot[1], slot[2] = queue.pop(0), time.time()
                conn.send(slot[1])
        for conn in wait([c for c, v in pool.items() if v[1] is not None], timeout=1.0):
            results.append(conn.recv())
            pool[conn][1] = None
        for conn, (proc, task, since) in list(pool.items()):
            if task is not None and time.time() - since > TIMEOUT.get(task[1], TIMEOUT["default"]):
                proc.kill()
                del pool[conn]
                results.append(
                    (task[0], task[1], "?", task[2], [("hang", "no answer within the timeout")], time.time() - since)
                )
                spawn()
        if len(results) % 500 == 0 and results:
            print(f"  {len(results)}/{len(tasks)} after {time.time() - started:.0f} s", file=sys.stderr)
    for conn, (proc, _, _) in pool.items():
        conn.send(None)
        proc.join(5)
    return results


def report(results: list[tuple], show: int) -> dict:
    by_family: dict = defaultdict(Counter)
    causes: Counter = Counter()
    examples: dict = {}
    slow = []
    for _index, family, kind, seed, problems, took in results:
        cats = {c for c, _ in problems}
        outcome = "data-loss" if cats == {"data-loss"} else "unhandled" if cats else "handled"
        if "harness" in cats:
            outcome = "harness"
        by_family[family][outcome] += 1
        for cat, detail in problems:
            key = (family, cat, re.sub(r"\d+", "N", detail)[:90])
            causes[key] += 1
            examples.setdefault(key, (kind, seed, detail))
        if family == "quadratic":
            slow.append((kind, round(took, 1)))
    totals = Counter()
    for counts in by_family.values():
        totals.update(counts)
    print(
        f"{sum(totals.values())} inputs: {totals['handled']} handled, {totals['unhandled']} unhandled, "
        f"{totals['data-loss']} data-loss" + (f", {totals['harness']} harness errors" if totals["harness"] else "")
    )
    for family, counts in sorted(by_family.items()):
        print(f"  {family:<13} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if slow:
        print("  long transcripts (import + check), seconds: " + ", ".join(f"{k}: {t}" for k, t in slow))
    for (family, cat, _), count in causes.most_common(show):
        kind, seed, detail = examples[(family, cat, _)]
        print(f"  {count:>5}  {family}/{kind} {cat}: {detail[:220]}  (seed {seed})")
    return {
        "totals": dict(totals),
        "families": {f: dict(c) for f, c in by_family.items()},
        "causes": [
            {
                "family": f,
                "category": c,
                "count": n,
                "example": examples[(f, c, d)][2][:300],
                "seed": examples[(f, c, d)][1],
            }
            for (f, c, d), n in causes.most_common()
        ],
    }


def replay(family: str, seed: str) -> None:
    """Run the input of one family and seed again, in this process, and print what was wrong with it."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as root:
        ctx = Context(Path(root))
        work = Path(root) / "case"
        work.mkdir()
        rng = random.Random(int(seed))
        if family in PROCESS_FAMILIES:
            from benchmarks import hostile_process as proc

            problems = getattr(proc, f"{'concurrent' if family == 'concurrency' else family}_case")(rng, work, ctx)
        else:
            case = _generate(family, rng, work, ctx)
            print("argv:", case.argv)
            problems, _ = run_case(case, ctx)
        for cat, detail in problems or [("handled", "")]:
            print(f"{cat}: {detail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of inputs (spread over the families)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="comma-separated families")
    parser.add_argument("--show", type=int, default=30, help="distinct causes to print")
    parser.add_argument("--json", help="write the summary as JSON here")
    parser.add_argument("--replay", metavar="FAMILY:SEED", help="run one input again and print its problems")
    args = parser.parse_args()
    if args.replay:
        replay(*args.replay.split(":"))
        return
    with tempfile.TemporaryDirectory(prefix="hostile-") as root:
        started = time.time()
        print(f"seed {args.seed}, {args.n} inputs, {args.workers} workers", file=sys.stderr)
        results = campaign(args.n, args.seed, args.workers, args.only.split(",") if args.only else None, Path(root))
        summary = report(results, args.show)
        summary.update(seed=args.seed, seconds=round(time.time() - started))
        print(f"{summary['seconds']} s")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
