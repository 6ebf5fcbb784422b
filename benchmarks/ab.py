"""Compare two versions of evalbench on the same benchmarks, interleaved (A, B, A, B …) in one session.

On a shared machine the load moves wall times by more than the changes being
measured; running the two versions turn about, each benchmark in a fresh
process, lets the load fall on both alike. Each tree is a plain copy of the
repository (``git archive REV | tar -x -C DIR``); its benchmark scripts run
with that tree first on ``PYTHONPATH`` and this venv's Python, so only the
code differs. Rows are read from what each script prints, as ``python -m
benchmarks`` reads them (:func:`benchmarks.__main__.measurements`); the
figure is the median over rounds, and a row more than ``--flag`` percent
slower after than before is marked. Peak memory is the benchmark process's
largest resident set. The load average is printed before each run.

    git archive 6214b59 | tar -x -C /tmp/before; git archive HEAD | tar -x -C /tmp/after
    python -m benchmarks.ab --before /tmp/before --after /tmp/after --only import,export --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.__main__ import _options, bench_scripts, command, measurements

FLAG_PERCENT = 10.0


def run_tree(tree: Path, name: str, log: Path) -> tuple[dict[str, float], float, float]:
    """(rows, peak RSS in MB, wall seconds) of one benchmark run on ``tree``."""
    script = tree / "benchmarks" / f"bench_{name}.py"
    cmd = command(name, script, 1, quick=False, help_text=_options(script))
    if cmd is None:
        raise SystemExit(f"{name}: cannot run at scale 1")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    t0 = time.perf_counter()
    with open(log, "ab") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, cwd=tree, env=env)
        out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        print(f"  {name} on {tree}: exit {os.waitstatus_to_exitcode(status)} (see {log})", flush=True)
    with open(log, "a", encoding="utf-8") as text:
        text.write(out)
    return measurements(out), usage.ru_maxrss / 1024, time.perf_counter() - t0


def compare(before: Path, after: Path, names: list[str], rounds: int, out: Path) -> dict:
    """Run every benchmark ``rounds`` times on each tree, alternating; return the raw figures."""
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"rounds": rounds, "benchmarks": {}}
    for name in names:
        runs: dict[str, list] = {"before": [], "after": []}
        for r in range(rounds):
            for which, tree in (("before", before), ("after", after)):
                load = os.getloadavg()[0]
                rows, rss, wall = run_tree(tree, name, out / f"{name}-{which}-{r + 1}.log")
                print(
                    f"{name:10} {which:6} round {r + 1}: {wall:6.1f} s, peak {rss:5.0f} MB, load {load:.1f}", flush=True
                )
                runs[which].append({"rows": rows, "rss": rss, "load": load})
        results["benchmarks"][name] = runs
    (out / "ab.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


def table(results: dict, flag: float = FLAG_PERCENT) -> str:
    """Markdown: benchmark, row, median before, median after, change; rows worse by more than ``flag`` % marked."""
    lines = ["| benchmark | measure | before | after | change |", "|---|---|---:|---:|---:|"]
    for name, runs in results["benchmarks"].items():
        labels = [
            label
            for label in runs["before"][0]["rows"]
            if all(label in r["rows"] for r in runs["before"] + runs["after"])
        ]
        for label in labels:
            b = statistics.median(r["rows"][label] for r in runs["before"])
            a = statistics.median(r["rows"][label] for r in runs["after"])
            change = 100 * (a - b) / b if b else 0.0
            mark = " **⚠**" if change > flag and a - b > 0.005 else ""
            lines.append(f"| {name} | {label} | {_fmt(b)} | {_fmt(a)} | {change:+.0f}%{mark} |")
        b_rss = statistics.median(r["rss"] for r in runs["before"])
        a_rss = statistics.median(r["rss"] for r in runs["after"])
        change = 100 * (a_rss - b_rss) / b_rss
        lines.append(f"| {name} | peak memory | {b_rss:.0f} MB | {a_rss:.0f} MB | {change:+.0f}% |")
    return "\n".join(lines)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="tree of the earlier version")
    parser.add_argument("--after", type=Path, help="tree of the later version")
    parser.add_argument("--only", help="comma-separated benchmarks (default: every bench_*.py)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each version, alternating (default 2)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "ab")
    parser.add_argument("--table", action="store_true", help="print the table of the saved results only")
    args = parser.parse_args(argv)
    if args.table:
        print(table(json.loads((args.out / "ab.json").read_text(encoding="utf-8"))))
        return 0
    if args.before is None or args.after is None:
        parser.error("give --before and --after (or --table for saved results)")
    names = args.only.split(",") if args.only else list(bench_scripts())
    results = compare(args.before.resolve(), args.after.resolve(), names, args.rounds, args.out)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
