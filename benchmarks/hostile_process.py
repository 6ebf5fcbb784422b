"""Process-level hostile cases for the campaign: kill -9 mid-operation, 2-4 concurrent writers, no sockets.

These run evalbench as real child processes (``python -m evalbench.cli``),
because what they test -- a SIGKILL, SQLite locks between processes, the
sockets a process creates -- only exists between processes. Each function
returns a list of ``(category, detail)`` problems; empty means handled.
"""

from __future__ import annotations

import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

EVALBENCH = [sys.executable, "-m", "evalbench.cli"]
REPO = Path(__file__).resolve().parents[1]
_GUARD = """
import os, sys
def _hook(event, args):
    if event == "socket.__new__":
        with open(os.environ["EVALBENCH_CAMPAIGN_NETLOG"], "a") as fh:
            fh.write(f"{event} family={args[1]} type={args[2]}\\n")
sys.addaudithook(_hook)
"""


def _env(work: Path, netlog: Path | None = None) -> dict:
    env = dict(os.environ, EVALBENCH_CODER="alex", PYTHONPATH=str(REPO))
    if netlog is not None:
        guard = work / "guard"
        guard.mkdir(exist_ok=True)
        (guard / "sitecustomize.py").write_text(_GUARD)
        env.update(PYTHONPATH=f"{guard}{os.pathsep}{REPO}", EVALBENCH_CAMPAIGN_NETLOG=str(netlog))
    return env


def _messages(stderr: str, code: int) -> list[tuple[str, str]]:
    from benchmarks.hostile_campaign import judge_text

    return judge_text(stderr, code)


def _project_ok(path: Path) -> list[tuple[str, str]]:
    """The project opens and passes every integrity check (what a user relies on after a crash)."""
    from evalbench.errors import UserError
    from evalbench.store import integrity
    from evalbench.store.db import connect

    if not path.exists():
        return []
    try:
        conn = connect(path)
    except UserError as exc:
        return [("data-loss", f"project does not open after the kill: {exc}")]
    try:
        problems = integrity.check(conn)
    finally:
        conn.close()
    return [("data-loss", f"integrity after kill: {p.check}: {p.detail}") for p in problems[:3]]


def _complete(target: Path, before: bytes | None) -> list[tuple[str, str]]:
    """A target is absent, unchanged, or a complete file of its kind -- never half-written."""
    if not target.exists():
        return []
    data = target.read_bytes()
    if before is not None and data == before:
        return []
    if target.suffix in (".docx", ".xlsx", ".qdpx"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if z.testzip() is not None:
                    return [("half-written", f"{target.name}: a member fails its checksum")]
        except zipfile.BadZipFile:
            return [("half-written", f"{target.name} is not a complete archive")]
    elif target.suffix == ".evb":
        return _project_ok(target)
    elif not data.endswith(b"\n"):
        return [("half-written", f"{target.name} does not end where a complete file ends")]
    return []


def _count(path: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


def kill_case(rng: random.Random, work: Path, ctx) -> list[tuple[str, str]]:
    """Start one writing operation, SIGKILL it at a random moment, then check and finish the job."""
    project = ctx.copy_project(work)
    op = rng.choice(["import", "bulk", "export", "export", "init-from", "merge-codes", "codebook-export"])
    target: Path | None = None
    if op == "import":
        argv = ["import", str(project), str(ctx.folder)]
    elif op == "bulk":
        argv = ["code", str(project), "--from-csv", str(ctx.big_csv)]
    elif op == "export":
        target = work / f"out.{rng.choice(['docx', 'xlsx', 'qdpx', 'csv', 'md'])}"
        argv = ["export", str(project), "-o", str(target), "--all-coders"]
    elif op == "init-from":
        target = work / "copy.evb"
        argv = ["init", str(target), "--from", str(ctx.qdpx_path)]
    elif op == "merge-codes":
        a, b = rng.sample(ctx.coded_codes, 2)
        argv = ["codebook", "merge-codes", str(project), a, "--into", b]
    else:
        target = work / "codebook.yaml"
        argv = ["codebook", "export", str(project), "-o", str(target), "--force"]
    if target is not None and rng.random() < 0.5 and target.suffix != ".evb":
        target.write_bytes(b"an older file\n")
    before = target.read_bytes() if target is not None and target.exists() else None
    codings_before = _count(project, "SELECT count(*) FROM codings")
    proc = subprocess.Popen([*EVALBENCH, *argv], env=_env(work), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(rng.uniform(0.2, 4.0))
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    _, err = proc.communicate()
    problems = [] if killed else _messages(err.decode("utf-8", "replace"), proc.returncode)
    problems += _project_ok(project)
    if target is not None:
        problems += _complete(target, before)
    if op == "bulk":
        after = _count(project, "SELECT count(*) FROM codings")
        if after not in (codings_before, codings_before + ctx.big_csv_rows):
            problems.append(
                (
                    "data-loss",
                    f"bulk coding killed: {after - codings_before} of "
                    f"{ctx.big_csv_rows} codings stored (all or none expected)",
                )
            )
    if op == "merge-codes" and _count(project, "SELECT count(*) FROM codings") != codings_before:
        problems.append(("data-loss", "merge-codes killed: the number of codings changed"))
    # The user runs it again: it completes, and no temporary file stays beside the target.
    if target is not None and target.suffix == ".evb" and target.exists():
        target.unlink()
    done = subprocess.run([*EVALBENCH, *argv], env=_env(work), capture_output=True, timeout=600)
    if done.returncode != 0 and op != "merge-codes":
        problems.append(("unhandled", f"rerun after kill of {op} failed: {done.stderr.decode()[-300:]}"))
    if target is not None:
        left = [p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]
        if left:
            problems.append(("half-written", f"temporary files left beside {target.name} after the rerun: {left}"))
    return [(cat, f"kill during {op}: {detail}") for cat, detail in problems]


def concurrent_case(rng: random.Random, work: Path, ctx) -> list[tuple[str, str]]:
    """2-4 processes writing the same project at once; nothing lost, nothing stored twice."""
    project = ctx.copy_project(work)
    n = rng.randint(2, 4)
    what = rng.choice(["same-csv", "same-csv", "own-coders", "import", "export", "mixed"])
    before = _count(project, "SELECT count(*) FROM codings")
    commands = []
    for i in range(n):
        kind = what if what != "mixed" else rng.choice(["same-csv", "import", "export"])
        if kind == "same-csv":
            commands.append(["code", str(project), "--from-csv", str(ctx.mid_csv)])
        elif kind == "own-coders":
            commands.append(["code", str(project), "--from-csv", str(ctx.mid_csv), "--coder", f"coder{i}"])
        elif kind == "import":
            commands.append(["import", str(project), str(ctx.small_folder)])
        else:
            commands.append(["export", str(project), "-o", str(work / "shared.docx"), "--all-coders"])
    procs = [
        subprocess.Popen([*EVALBENCH, *argv], env=_env(work), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for argv in commands
    ]
    problems: list[tuple[str, str]] = []
    codes = []
    for proc in procs:
        try:
            _, err = proc.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            proc.kill()
            problems.append(("hang", f"{what}: a writer did not finish in 600 s"))
            continue
        codes.append(proc.returncode)
        problems += _messages(err.decode("utf-8", "replace"), proc.returncode)
    problems += _project_ok(project)
    after = _count(project, "SELECT count(*) FROM codings")
    if what in ("same-csv",) and after != before + ctx.mid_csv_rows:
        problems.append(
            (
                "data-loss",
                f"{n} processes loading one sheet stored {after - before} codings, expected {ctx.mid_csv_rows} once",
            )
        )
    if what == "own-coders":
        landed = sum(1 for c in codes if c == 0)
        if after != before + landed * ctx.fresh_rows:
            problems.append(
                (
                    "data-loss",
                    f"{n} coders loading their sheets: {after - before} codings, expected {landed * ctx.fresh_rows}",
                )
            )
    if what == "import" or any(c[0] == "import" for c in commands):
        docs = _count(project, "SELECT count(*) FROM documents")
        names = _count(project, "SELECT count(DISTINCT sha256) FROM documents")
        if docs != names or docs != ctx.small_folder_docs + ctx.template_docs:
            problems.append(
                (
                    "data-loss",
                    f"concurrent imports left {docs} documents, expected "
                    f"{ctx.small_folder_docs + ctx.template_docs} once each",
                )
            )
    if any(c[0] == "export" for c in commands):
        problems += _complete(work / "shared.docx", None)
        left = [p.name for p in work.iterdir() if p.name.startswith(".shared.docx.")]
        if left:
            problems.append(("half-written", f"temporary files left after concurrent exports: {left}"))
    return [(cat, f"{n}x {what}: {detail}") for cat, detail in problems]


def network_case(rng: random.Random, work: Path, ctx) -> list[tuple[str, str]]:
    """A command run under an audit hook that logs every socket created; any socket is a failure."""
    project = ctx.copy_project(work)
    netlog = work / "netlog.txt"
    argv = rng.choice(
        [
            ["suggest", str(project), "--train"],
            ["suggest", str(project)],
            ["import", str(project), str(ctx.folder)],
            ["export", str(project), "-o", str(work / "r.docx"), "--all-coders"],
            ["export", str(project), "-o", str(work / "r.qdpx"), "--all-coders"],
            ["codebook", "export", str(project), "-o", str(work / "c.qdc")],
            ["check", str(project)],
            ["stats", str(project)],
            ["search", str(project), "huddles"],
            ["agreement", str(project), "--coders", "alex,sam"],
            ["init", str(work / "n.evb"), "--from", str(ctx.qdpx_path)],
        ]
    )
    done = subprocess.run([*EVALBENCH, *argv], env=_env(work, netlog), capture_output=True, timeout=600)
    problems = _messages(done.stderr.decode("utf-8", "replace"), done.returncode)
    if netlog.exists() and netlog.read_text().strip():
        problems.append(("unhandled", f"{argv[0]} created a socket: {netlog.read_text().splitlines()[0]}"))
    return [(cat, f"network guard, {' '.join(argv[:1])}: {detail}") for cat, detail in problems]
