"""Side by side with a peer: ``qc`` (PyPI ``qualitative-coding``) and evalbench on the same .qdpx.

Installs ``qualitative-coding`` into its own virtualenv (``benchmarks/out/qcvenv``,
git-ignored; reused when present), builds a realistic evalbench project (200
interviews of ~8,000 words, CFIR 2.0, 60 codings each by two coders -- the
project of ``bench_qdpx.py``), exports it to .qdpx with evalbench, then times,
each tool in a fresh process, from one run:

* import: ``qc init -i X.qdpx`` in an empty folder vs ``evalbench init P --from X.qdpx``;
* code cross-tabulation: ``qc codes crosstab`` (code x code co-occurrence) vs
  evalbench's co-occurrence table (``Project.cooccurrence``, the like-for-like
  counterpart; evalbench has no CLI command for it) and, for reference,
  ``evalbench matrix P --by participant --level code`` (code x participant);
* export: ``qc export out.qdpx`` vs ``evalbench export P --format qdpx -o out.qdpx``.

It also records how qc fails, as shipped, on any input (exit code and first
error line), and whether each tool reads the other's export. Wall time and
CPU time (user + system of the child, from ``os.wait4``) are both reported:
the machine is shared, so CPU time is the steadier comparison.

    .venv/bin/python benchmarks/peer_qc.py                    # 200 interviews
    .venv/bin/python benchmarks/peer_qc.py --participants 20  # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

OUT = HERE / "out"
VENV = OUT / "qcvenv"
EVALBENCH = [sys.executable, "-m", "evalbench.cli"]


def qc_venv() -> Path:
    """The qc executable, installing qualitative-coding into its own venv on first use."""
    qc = VENV / "bin" / "qc"
    if not qc.exists():
        OUT.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "qualitative-coding"], check=True)
    return qc


def qc_version(qc: Path) -> str:
    done = subprocess.run([str(VENV / "bin" / "pip"), "show", "qualitative-coding"], capture_output=True, text=True)
    return next(
        (line.split(":", 1)[1].strip() for line in done.stdout.splitlines() if line.startswith("Version:")), "?"
    )


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run ``cmd`` once: wall and CPU seconds, exit code, and the first error line if it failed."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    result = {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3), "exit": code}
    if code != 0:
        result["error"] = first_error(stderr)
    return result


def first_error(stderr: str) -> str:
    """The line that says what went wrong: the exception line of a traceback, else the first line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if ("Error" in line or "Exception" in line or "BdbQuit" in line) and not line.startswith("File "):
            return line[:300]
    return (lines[0] if lines else "(no output)")[:300]


def build_project(path: Path, n: int) -> int:
    from bench_qdpx import build

    proj = build(path, n)
    codings = len(proj.codings())
    proj.close()
    return codings


def counts(path: Path) -> dict:
    """Documents, codes, coders and codings in an evalbench project."""
    from evalbench.project import Project

    with Project.open(path) as proj:
        codings = proj.codings()
        return {
            "documents": len(proj.documents()),
            "codes": len(proj.codes()),
            "coders": len({c.coder for c in codings}),
            "codings": len(codings),
        }


def qc_counts(db: Path) -> dict:
    """The same counts from qc's SQLite store (qc codes whole lines: one row per line, code and coder)."""
    import sqlite3

    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        one = {
            name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for name, table in (
                ("documents", "document"),
                ("codes", "code"),
                ("coders", "coder"),
                ("coded lines", "coded_line"),
            )
        }
    except sqlite3.Error as exc:
        one = {"error": str(exc)}
    conn.close()
    return one


def cooccurrence_cmd(project: Path) -> list[str]:
    code = (
        "import sys; from evalbench.project import Project; p = Project.open(sys.argv[1]); "
        "t = p.cooccurrence(level='code'); print(t.shape)"
    )
    return [sys.executable, "-c", code, str(project)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200, help="interviews in the project (default 200)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    qc = qc_venv()
    work = args.keep or Path(tempfile.mkdtemp(prefix="peer-qc-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "EVALBENCH_CODER": "bench"}
    qc_env = {**env, "PYTHONBREAKPOINT": "0"}
    report: dict = {"qc_version": qc_version(qc), "participants": args.participants}
    try:
        project = work / "study.evb"
        if project.exists():
            project.unlink()
        t0 = time.perf_counter()
        report["codings"] = build_project(project, args.participants)
        report["build_s"] = round(time.perf_counter() - t0, 1)
        qdpx = work / "study.qdpx"
        qdpx.unlink(missing_ok=True)
        report["evalbench_export_source"] = timed(
            [*EVALBENCH, "export", str(project), "--format", "qdpx", "-o", str(qdpx)], work, env
        )
        report["qdpx_mb"] = round(qdpx.stat().st_size / 1e6, 1)

        # qc as shipped: 1.7.8 stops in a breakpoint() left in its .qdpx reader.
        shipped = work / "qc-shipped"
        shutil.rmtree(shipped, ignore_errors=True)
        shipped.mkdir()
        report["qc_import_as_shipped"] = timed([str(qc), "init", "-i", str(qdpx)], shipped, env)

        qc_dir = work / "qc"
        shutil.rmtree(qc_dir, ignore_errors=True)
        qc_dir.mkdir()
        copy = work / "copy.evb"
        copy.unlink(missing_ok=True)
        rows = {
            "import": (
                timed([str(qc), "init", "-i", str(qdpx)], qc_dir, qc_env),
                timed([*EVALBENCH, "init", str(copy), "--from", str(qdpx)], work, env),
            ),
            "cross-tabulation": (
                timed([str(qc), "codes", "crosstab"], qc_dir, qc_env),
                timed(cooccurrence_cmd(copy), work, env),
            ),
            "export .qdpx": (
                timed([str(qc), "export", str(work / "qc-out.qdpx")], qc_dir, qc_env),
                timed(
                    [*EVALBENCH, "export", str(copy), "--format", "qdpx", "-o", str(work / "evalbench-out.qdpx")],
                    work,
                    env,
                ),
            ),
        }
        report["evalbench_matrix_by_participant"] = timed(
            [*EVALBENCH, "matrix", str(copy), "--by", "participant", "--level", "code", "--json"], work, env
        )
        report["rows"] = {k: {"qc": a, "evalbench": b} for k, (a, b) in rows.items()}
        report["kept"] = {
            "source project": counts(project),
            "evalbench import": counts(copy),
            "qc import": qc_counts(qc_dir / "qualitative_coding.sqlite3"),
        }
        back = work / "from-qc.evb"
        back.unlink(missing_ok=True)
        if (work / "qc-out.qdpx").exists():
            report["evalbench_reads_qc_export"] = timed(
                [*EVALBENCH, "init", str(back), "--from", str(work / "qc-out.qdpx")], work, env
            )
            if back.exists():
                report["kept"]["qc export, read by evalbench"] = counts(back)
        qc_back = work / "qc-reads-evalbench"
        shutil.rmtree(qc_back, ignore_errors=True)
        qc_back.mkdir()
        if (work / "evalbench-out.qdpx").exists():
            report["qc_reads_evalbench_export"] = timed(
                [str(qc), "init", "-i", str(work / "evalbench-out.qdpx")], qc_back, qc_env
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "peer_qc.json").write_text(json.dumps(report, indent=1))
    print_report(report)


def print_report(report: dict) -> None:
    print(
        f"qc {report['qc_version']} vs evalbench: {report['participants']} interviews, "
        f"{report['codings']:,} codings, .qdpx {report['qdpx_mb']} MB (project built in {report['build_s']} s)"
    )
    print(f"{'operation':<18} {'qc wall':>9} {'qc CPU':>8} {'eb wall':>9} {'eb CPU':>8} {'qc/eb CPU':>10}")
    for name, pair in report["rows"].items():
        qc, eb = pair["qc"], pair["evalbench"]
        ratio = f"{qc['cpu_s'] / eb['cpu_s']:.1f}x" if eb["cpu_s"] and qc["exit"] == 0 == eb["exit"] else "-"
        print(
            f"{name:<18} {qc['wall_s']:8.1f}s {qc['cpu_s']:7.1f}s {eb['wall_s']:8.1f}s {eb['cpu_s']:7.1f}s {ratio:>10}"
        )
        for who, r in (("qc", qc), ("evalbench", eb)):
            if r["exit"]:
                print(f"  {who} failed: exit {r['exit']}: {r.get('error')}")
    m = report["evalbench_matrix_by_participant"]
    print(f"evalbench matrix --by participant --level code: {m['wall_s']:.1f} s wall, {m['cpu_s']:.1f} s CPU")
    s = report["qc_import_as_shipped"]
    print(f"qc init -i as shipped: exit {s['exit']}" + (f": {s.get('error')}" if s["exit"] else ""))
    for key in ("evalbench_reads_qc_export", "qc_reads_evalbench_export"):
        if key in report:
            r = report[key]
            print(f"{key.replace('_', ' ')}: exit {r['exit']}" + (f": {r.get('error')}" if r["exit"] else ""))
    for what, figures in report.get("kept", {}).items():
        print(f"{what}: " + ", ".join(f"{v:,} {k}" if isinstance(v, int) else f"{k}: {v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
