"""kill -9 in the middle of real work, and two processes writing at once.

Each test runs evalbench in a child process, kills it with SIGKILL while it is
writing, and then checks the project as a user would find it: it opens,
passes integrity checks, and holds every change that was committed, whole.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from evalbench.ingest import parse_file
from evalbench.project import Project
from evalbench.store import integrity, schema
from tests.conftest import SMALL_CODES, make_parsed

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

EVALBENCH = [sys.executable, "-m", "evalbench.cli"]


def _count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> None:
    """SIGKILL ``proc`` as soon as ``ready()`` is true (fail if it finished first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the child finished before it could be killed: {proc.stderr.read()}")
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the child never reached the point to kill it")


def _healthy(path: Path) -> Project:
    assert integrity.check_file(path).problems == []
    return Project.open(path)


def _transcripts(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    files = []
    for i in range(n):
        lines = []
        for j in range(40):
            lines.append(f"Interviewer: Question {j} for person {i}, what got in the way?")
            lines.append(
                f"P{i:03}: Answer {j}. Competing priorities and no protected time, "
                f"but the huddles helped us learn from errors {i}-{j}. " * 3
            )
        path = folder / f"interview_{i:03}.txt"
        path.write_text("\n".join(lines))
        files.append(path)
    return files


def test_kill_during_folder_import_leaves_whole_documents_only(tmp_path):
    project = tmp_path / "study.evb"
    Project.init(project).close()
    files = _transcripts(tmp_path / "in", 150)
    proc = subprocess.Popen(
        [*EVALBENCH, "import", str(project), str(tmp_path / "in")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_when(proc, lambda: _count(project, "SELECT count(*) FROM documents") >= 5)

    with _healthy(project) as proj:
        docs = proj.documents()
        assert 5 <= len(docs) < 150
        by_name = {f.name: f for f in files}
        for doc in docs:
            expected = parse_file(by_name[doc.name])
            turns = proj.turns(doc.id)
            assert len(turns) == len(expected.turns), f"{doc.name} is only partly imported"
            assert proj.document_text(doc.id) == expected.text
        assert proj.search("huddles")

    # Running the import again finishes the job and skips what is there.
    done = subprocess.run([*EVALBENCH, "import", str(project), str(tmp_path / "in")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with _healthy(project) as proj:
        assert len(proj.documents()) == 150


def _coded_project(tmp_path: Path, n_docs: int = 30) -> Path:
    path = tmp_path / "coded.evb"
    with Project.init(path, coder="alex") as proj:
        proj.add_codes(SMALL_CODES)
        for i in range(n_docs):
            proj.add_document(
                make_parsed(
                    f"d{i:02}.txt",
                    [
                        ("Interviewer", "What got in the way?"),
                        ("P", f"Competing priorities for person {i}, and no protected time at all."),
                    ],
                )
            )
    return path


def test_kill_during_bulk_coding_lands_all_rows_or_none(tmp_path):
    project = _coded_project(tmp_path)
    rows = ["document,quote,code,coder,valence"]
    for i in range(30):
        for rep in range(200):
            rows.append(f"d{i:02}.txt,Competing priorities for person {i},inner.priority,c{rep},barrier")
    csv = tmp_path / "codings.csv"
    csv.write_text("\n".join(rows) + "\n")
    proc = subprocess.Popen(
        [*EVALBENCH, "code", str(project), "--from-csv", str(csv)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wal = project.with_name(project.name + "-wal")
    start = wal.stat().st_size if wal.exists() else 0
    _kill_when(proc, lambda: wal.exists() and wal.stat().st_size > start + 64 * 1024)
    with _healthy(project) as proj:
        assert len(proj.codings()) in (0, 6000)


def test_kill_during_migration_keeps_a_backup_and_refuses_a_second_run(tmp_path):
    project = _coded_project(tmp_path, 3)
    conn = sqlite3.connect(project)
    last = schema.SCHEMA_VERSION
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(last - 1),))
    conn.commit()
    conn.close()
    started = tmp_path / "migration-started"
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from evalbench.store import schema
        def slow(conn):
            conn.execute("CREATE TABLE scratch(x)")
            Path({str(started)!r}).touch()
            time.sleep(60)
        schema.MIGRATIONS[{last}] = slow
        from evalbench.project import Project
        Project.open({str(project)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _kill_when(proc, started.exists)

    backups = list(tmp_path.glob(f"coded.evb.v{last - 1}-*.bak"))
    assert len(backups) == 1
    with pytest.raises(Exception, match="interrupted"):
        Project.open(project)
    assert _count(project, "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'") == 0
    restored = tmp_path / "restored.evb"
    restored.write_bytes(backups[0].read_bytes())
    conn = sqlite3.connect(restored)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(last),))
    conn.commit()
    conn.close()
    with _healthy(restored) as proj:
        assert len(proj.documents()) == 3


def test_two_processes_coding_at_once_lose_and_duplicate_nothing(tmp_path):
    project = _coded_project(tmp_path, 5)
    script = textwrap.dedent("""
        import sys
        from evalbench.project import Project
        path, coder = sys.argv[1], sys.argv[2]
        with Project.open(path, coder=coder) as proj:
            docs = proj.documents()
            for i in range(150):
                doc = docs[i % len(docs)]
                turn = proj.turns(doc.id)[1]
                proj.add_coding(doc.id, turn.start, turn.end, "inner.priority", valence="barrier",
                                memo=f"{coder}-{i}")
        print("done")
    """)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(project), coder],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for coder in ("alex", "sam")
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "done" in out
    with _healthy(project) as proj:
        memos = [c.memo for c in proj.codings()]
        assert len(memos) == 300 == len(set(memos))
        assert len(proj.codings(coder="alex")) == len(proj.codings(coder="sam")) == 150


def test_kill_during_code_merge_moves_all_codings_or_none(tmp_path):
    project = _coded_project(tmp_path)
    with Project.open(project, coder="alex") as proj:
        docs = proj.documents()
        rows = [
            {
                "document_id": doc.id,
                "start": 0,
                "end": 5 + rep % 7,
                "code_id": code,
                "coder": f"{code[6:]}{rep}",
                "valence": "barrier",
                "memo": f"{code} {rep}",
            }
            for doc in docs
            for rep in range(150)
            for code in ("inner.culture", "inner.priority")
        ]
        proj.add_codings(rows, label="Code many")
        proj.set_memo("code", "inner.culture", "Culture memo")
    before = {(c.document_id, c.start, c.end, c.coder) for c in _codings_of(project)}
    assert len(before) == 9000
    proc = subprocess.Popen(
        [*EVALBENCH, "codebook", "merge-codes", str(project), "inner.culture", "--into", "inner.priority"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wal = project.with_name(project.name + "-wal")
    start = wal.stat().st_size if wal.exists() else 0
    _kill_when(proc, lambda: wal.exists() and wal.stat().st_size > start + 64 * 1024)

    with _healthy(project) as proj:
        codings = proj.codings()
        assert {(c.document_id, c.start, c.end, c.coder) for c in codings} == before, "a coding was lost"
        by_code = {code: sum(c.code_id == code for c in codings) for code in ("inner.culture", "inner.priority")}
        merged = "inner.culture" not in {c.id for c in proj.codes()}
        if merged:  # the merge committed before the kill: all of it
            assert by_code == {"inner.culture": 0, "inner.priority": 9000}
            assert all("[merged from inner.culture" in c.memo for c in codings if c.coder.startswith("culture"))
        else:  # nothing of it: the codebook, codings and memo as they were
            assert by_code == {"inner.culture": 4500, "inner.priority": 4500}
            assert not any("merged from" in c.memo for c in codings)
            assert proj.memo("code", "inner.culture", coder="alex") == "Culture memo"

    # The user runs it again and it completes.
    if not merged:
        done = subprocess.run(
            [*EVALBENCH, "codebook", "merge-codes", str(project), "inner.culture", "--into", "inner.priority"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    with _healthy(project) as proj:
        assert len(proj.codings(code_id="inner.priority")) == 9000
        assert "Culture memo" in proj.memo("code", "inner.priority", coder="alex")


def _codings_of(path: Path):
    with Project.open(path) as proj:
        return proj.codings()


# --- issue 18: exports killed mid-write, one sheet loaded by several processes at once ----------------
def _big_project(tmp_path: Path) -> Path:
    path = tmp_path / "big.evb"
    with Project.init(path, coder="alex") as proj:
        proj.add_codes(SMALL_CODES)
        for i in range(60):
            turns = [
                (
                    "Interviewer" if j % 2 == 0 else "P",
                    f"Turn {j} of interview {i}: competing priorities "
                    "and no protected time, but the huddles helped. " * 3,
                )
                for j in range(200)
            ]
            doc_id = proj.add_document(make_parsed(f"d{i:02}.txt", turns))
            t = proj.turns(doc_id)[1]
            proj.add_coding(doc_id, t.start, t.end, "inner.priority", valence="barrier")
    return path


def _parts(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p.name.startswith(f".{target.name}."))


def test_kill_during_export_keeps_the_old_file_and_the_next_export_removes_the_part(tmp_path):
    project = _big_project(tmp_path)
    target = tmp_path / "study.qdpx"
    target.write_bytes(b"last week's export")
    target.chmod(0o640)
    proc = subprocess.Popen(
        [*EVALBENCH, "export", str(project), "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_when(proc, lambda: bool(_parts(target)))
    assert target.read_bytes() == b"last week's export", "a killed export changed the file it was replacing"
    assert len(_parts(target)) == 1  # what the killed writer left

    done = subprocess.run([*EVALBENCH, "export", str(project), "-o", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _parts(target) == [], "the next export to the same file must clean up the stale part"
    assert target.stat().st_mode & 0o777 == 0o640, "an export keeps the permissions of the file it replaces"
    import zipfile

    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None and "project.qde" in zf.namelist()


@pytest.mark.parametrize("writers", [2, 3])
def test_processes_loading_one_sheet_at_once_store_it_once(tmp_path, writers):
    project = _coded_project(tmp_path)
    rows = ["document,quote,code,valence"]
    rows += [f"d{i:02}.txt,Competing priorities for person {i},inner.priority,barrier" for i in range(30)]
    rows += [f"d{i:02}.txt,no protected time at all,inner.culture,facilitator" for i in range(30)]
    sheet = tmp_path / "codings.csv"
    sheet.write_text("\n".join(rows) + "\n")
    procs = [
        subprocess.Popen(
            [*EVALBENCH, "code", str(project), "--from-csv", str(sheet)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(writers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with _healthy(project) as proj:
        codings = proj.codings()
        assert len(codings) == 60, f"{writers} processes stored the sheet {len(codings) / 60:g} times"
        assert len({(c.document_id, c.start, c.end, c.code_id, c.coder) for c in codings}) == 60


def test_kill_during_init_from_qdpx_leaves_no_project_and_the_rerun_cleans_up(tmp_path):
    project = _big_project(tmp_path)
    archive = tmp_path / "study.qdpx"
    with Project.open(project) as proj:
        proj.export_qdpx(archive)
    target = tmp_path / "copy.evb"
    proc = subprocess.Popen(
        [*EVALBENCH, "init", str(target), "--from", str(archive)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _kill_when(proc, lambda: bool(_parts(target)))
    assert not target.exists(), "a killed import must not leave a project behind"
    done = subprocess.run([*EVALBENCH, "init", str(target), "--from", str(archive)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _parts(target) == [], "the half-built project of the killed import must be removed"
    with _healthy(target) as proj:
        assert len(proj.documents()) == 60
