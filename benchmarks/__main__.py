"""Run every ``benchmarks/bench_*.py`` at realistic scale and 10x; print one table of medians.

Each benchmark script is run as it is, in its own process, with its own
command line (``--scale N``, or ``--docs`` for the TUI benchmark), several
times; every line it prints with a time (``... 12.3 s`` or ``... 45 ms``)
becomes a row, keyed by the text before the number (numbers in that text are
replaced by N so that the 1x and 10x rows meet). Peak memory is the largest
resident set of the benchmark's process (``os.wait4``). Results are merged
into ``benchmarks/out/results.json`` so that a long 10x run can be done apart
from the 1x run, and ``--markdown`` prints the summary table for
``docs/benchmarks.md``.

    python -m benchmarks                      # 1x and 10x, 3 runs at 1x, 1 at 10x
    python -m benchmarks --scales 1           # realistic scale only
    python -m benchmarks --only import,qdpx   # some benchmarks
    python -m benchmarks --quick              # smoke run: smallest sizes, 1 run each
    python -m benchmarks --markdown           # the summary table from the saved results
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
RESULTS = OUT / "results.json"

#: What each issue asked for: (benchmark, start of the row label) -> target.
TARGETS = {
    ("import", "import + FTS index"): "≤ 30 s",
    ("qdpx", "export_qdpx"): "≤ 10 s",
    ("export", "docx+figures"): "≤ 6 s",  # issue 12: each report alone, in a fresh process
    ("export", "docx themes"): "≤ 5 s",  # issue 17: the findings table
    ("export", "figures"): "≤ 2 s",
    ("export", "docx"): "≤ 10 s",
    ("export", "xlsx"): "≤ 4 s",
    ("export", "qdpx"): "≤ 10 s",
    ("export", "matrix by"): "≤ 1 s",
    ("export", "co-occurrence"): "≤ 1 s",
    ("analysis", "matrix"): "≤ 1 s",
    ("agreement", "agreement, turn units"): "≤ 2 s",
    ("suggest", "train (first)"): "≤ 3 s",  # issue 14
    ("suggest", "top-N (fresh process"): "≤ 4 s",
    ("suggest", "one turn, warm"): "≤ 5 ms",
    ("suggest", "more like this, warm"): "≤ 200 ms",
    ("tui", "first paint"): "≤ 300 ms",
    ("tui", "apply"): "≤ 50 ms",
    ("tui", "next turn"): "≤ 30 ms",
    ("tui", "app start"): "≤ 1.5 s",
}

#: Rows without a target that the summary shows anyway.
HEADLINES = {
    ("search", "search, common word"),
    ("search", "search, phrase"),
    ("qdpx", "from_qdpx"),
    ("codebook", "load yaml"),
    ("codebook", "merge-codes"),
    ("agreement", "agreement, char units"),
}

_TIME = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)\s*(ms|s)\b")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def bench_scripts() -> dict[str, Path]:
    """name -> script, for every benchmarks/bench_<name>.py."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def _options(script: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    return done.stdout


def command(name: str, script: Path, scale: int, *, quick: bool, help_text: str) -> list[str] | None:
    """The command line that runs ``script`` at ``scale`` (None: it has no way to scale)."""
    cmd = [sys.executable, str(script)]
    size_flag = next((f for f in ("--docs", "--participants") if f in help_text), None)
    if "--scale" in help_text:
        cmd += ["--scale", str(scale)]
    elif size_flag:  # tui sizes its start-up project, export its study: 200 at 1x
        cmd += [size_flag, str((20 if quick else 200) * scale)]
    elif scale != 1:
        return None
    for flag in ("--repeat", "--repeats", "--runs"):
        if quick and re.search(rf"{flag}\b", help_text):
            cmd += [flag, "1"]
            break
    return cmd


def run_once(cmd: list[str], log: Path) -> tuple[float, str, float, int]:
    """(wall seconds, stdout, peak RSS in MB, exit status) of one benchmark process."""
    t0 = time.perf_counter()
    with open(log, "ab") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, cwd=REPO)
        out = proc.stdout.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, out, usage.ru_maxrss / 1024, proc.returncode


def _setup(label: str) -> bool:
    """True for lines about building the test data or whole-run totals: not what is measured."""
    low = label.lower()
    return not low or low.startswith(("built", "demo:", "(")) or "generated in" in low or "built in" in low


def _label(text: str) -> str:
    """A row label without the words that only say which statistic it is ("wall", "median")."""
    text = re.sub(r"\s+", " ", text).replace(" median", "").rstrip(" :=(")
    return text.removesuffix(" wall").rstrip(" :=(")


def measurements(stdout: str) -> dict[str, float]:
    """Row label -> seconds, for every printed line that carries a time."""
    rows: dict[str, float] = {}
    for line in stdout.splitlines():
        m = _TIME.search(line)
        if not m:
            continue
        label = line[: m.start()].strip()
        if _setup(label):
            continue
        label = _label(_NUMBER.sub("N", label))
        value = float(m.group(1).replace(",", "")) / (1000 if m.group(2) == "ms" else 1)
        key, n = label, 2
        while key in rows:
            key, n = f"{label} #{n}", n + 1
        rows[key] = value
    return rows


def target_for(bench: str, label: str) -> str:
    return next((t for (b, start), t in TARGETS.items() if b == bench and label.startswith(start)), "")


def load_results() -> dict:
    if RESULTS.exists():
        return json.loads(RESULTS.read_text())
    return {"runs": {}}


def machine() -> str:
    cores = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    return (
        f"{cores} cores, {mem:.0f} GiB RAM, {platform.platform(terse=True)}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, load average {os.getloadavg()[0]:.1f} at the start"
    )


def run_suite(names: list[str], scales: list[int], runs_1x: int, runs_big: int, quick: bool) -> dict:
    scripts = bench_scripts()
    results = load_results()
    results["machine"] = machine()
    OUT.mkdir(exist_ok=True)
    log = OUT / "bench-stderr.log"
    for name in names:
        script = scripts[name]
        help_text = _options(script)
        for scale in scales:
            cmd = command(name, script, scale, quick=quick, help_text=help_text)
            if cmd is None:
                print(f"[{name} {scale}x] skipped: the script has no --scale", file=sys.stderr)
                continue
            runs = runs_1x if scale == 1 else runs_big
            samples: dict[str, list[float]] = {}
            peaks, walls, failures = [], [], []
            for i in range(runs):
                print(f"[{name} {scale}x] run {i + 1}/{runs}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
                wall, out, peak, status = run_once(cmd, log)
                if status != 0:
                    failures.append(status)
                    print(f"[{name} {scale}x] exit {status}; see {log}", file=sys.stderr)
                    continue
                walls.append(wall)
                peaks.append(peak)
                for label, value in measurements(out).items():
                    samples.setdefault(label, []).append(value)
            key = f"{name}@{scale}" + ("-quick" if quick else "")
            results = load_results() | {"machine": results["machine"]}  # another run may have saved meanwhile
            results["runs"][key] = {
                "bench": name,
                "scale": scale,
                "quick": quick,
                "runs": len(walls),
                "failures": failures,
                "command": " ".join(["python", str(script.relative_to(REPO)), *cmd[2:]]),
                "wall_s": statistics.median(walls) if walls else None,
                "peak_mb": max(peaks) if peaks else None,
                "rows": {label: statistics.median(v) for label, v in samples.items()},
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            }
            RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return results


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.1f} s" if seconds < 100 else f"{seconds:.0f} s"


def table(results: dict, *, quick: bool = False, markdown: bool = False, targets_only: bool = False) -> str:
    """One row per measured line: target, 1x, 10x, growth and growth relative to linear.

    ``targets_only`` keeps the rows that have a target, and peak memory (the summary).
    """
    suffix = "-quick" if quick else ""
    benches = sorted(
        {r["bench"] for k, r in results["runs"].items() if k.endswith(suffix) and (suffix or not k.endswith("-quick"))}
    )
    head = ["benchmark", "measure", "target", "1×", "10×", "10×/1×", "vs linear"]
    rows = []
    for bench in benches:
        one = results["runs"].get(f"{bench}@1{suffix}", {})
        ten = results["runs"].get(f"{bench}@10{suffix}", {})
        rows_1 = {_label(k): v for k, v in one.get("rows", {}).items()}
        rows_10 = {_label(k): v for k, v in ten.get("rows", {}).items()}
        labels = [k for k in dict.fromkeys([*rows_1, *rows_10]) if not _setup(k)]
        for label in labels:
            a, b = rows_1.get(label), rows_10.get(label)
            growth = f"{b / a:.1f}×" if a and b else "–"
            linear = (
                ("flat" if b / a < 2 else "sub-linear" if b / a < 8 else "linear" if b / a <= 13 else "super-linear")
                if a and b
                else "–"
            )
            if targets_only and not target_for(bench, label) and (bench, label.split(" (")[0]) not in HEADLINES:
                continue
            rows.append([bench, label, target_for(bench, label), _fmt(a), _fmt(b), growth, linear])
        mem = [one.get("peak_mb"), ten.get("peak_mb")]
        rows.append(
            [
                bench,
                "peak memory (process)",
                "",
                *(f"{m:.0f} MB" if m else "–" for m in mem),
                f"{mem[1] / mem[0]:.1f}×" if all(mem) else "–",
                "",
            ]
        )
    if markdown:
        align = ["---", "---", "---:", "---:", "---:", "---:", "---"]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    widths[1] = min(widths[1], 60)
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    out += ["  ".join(str(c)[:w].ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated benchmark names (default: all)")
    parser.add_argument("--scales", default="1,10", help="comma-separated scales (default 1,10)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each benchmark at 1x (default 3)")
    parser.add_argument("--runs-10x", type=int, default=1, help="runs at larger scales (default 1)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1x, smallest sizes, one run")
    parser.add_argument("--markdown", action="store_true", help="print the saved results as a Markdown table")
    parser.add_argument(
        "--summary", action="store_true", help="with --markdown: only rows with a target, and peak memory"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    scripts = bench_scripts()
    if args.list:
        print("\n".join(scripts))
        return 0
    if args.markdown:
        results = load_results()
        print(f"Machine: {results.get('machine', '?')}\n")
        print(table(results, quick=args.quick, markdown=True, targets_only=args.summary))
        return 0
    names = args.only.split(",") if args.only else list(scripts)
    unknown = [n for n in names if n not in scripts]
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)} (have: {', '.join(scripts)})")
    scales = [1] if args.quick else [int(s) for s in args.scales.split(",")]
    runs = 1 if args.quick else args.runs
    results = run_suite(names, scales, runs, 1 if args.quick else args.runs_10x, args.quick)
    print(results["machine"])
    print(table(results, quick=args.quick))
    failed = [k for k, r in results["runs"].items() if r["failures"] and r["bench"] in names]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
