"""The project store: a real SQLite file, its guarantees, and the persistent undo log."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing

import pytest

from evalbench.errors import ProjectBusyError, ProjectError, UserError
from evalbench.project import Project
from evalbench.store import schema
from evalbench.store.db import connect
from tests.conftest import file_sql


def test_new_project_file_has_wal_foreign_keys_and_version(tmp_path):
    path = tmp_path / "s.evb"
    Project.init(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(schema.SCHEMA_VERSION)
    with closing(connect(path)) as store_conn:  # the connection a Store opens
        assert store_conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store_conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_init_refuses_to_overwrite_and_open_refuses_non_projects(tmp_path):
    path = tmp_path / "s.evb"
    Project.init(path).close()
    with pytest.raises(ProjectError, match="already exists"):
        Project.init(path)
    junk = tmp_path / "notes.evb"
    junk.write_text("hello, I am not a database" * 10)
    with pytest.raises(ProjectError, match="not an evalbench project"):
        Project.open(junk)
    assert junk.read_text().startswith("hello")
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.evb")


def test_document_text_is_immutable(project):
    doc = project.documents()[0]
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # even for another program writing the file
        file_sql(project.path, "UPDATE documents SET text = 'changed' WHERE id = ?", (doc.id,))
    assert project.document(doc.id).text.startswith("Interviewer:")


def test_codings_cannot_point_outside_their_document(project):
    doc = project.document("p02.txt")
    with pytest.raises(UserError, match="outside the document"):
        project.add_coding(doc.id, 0, len(doc.text) + 5, "inner.culture")
    with pytest.raises(sqlite3.IntegrityError, match="past the end"):
        file_sql(
            project.path,
            'INSERT INTO codings(document_id, start, "end", code_id, coder, created_at) '
            "VALUES (?, 0, ?, 'inner', 'x', 'now')",
            (doc.id, len(doc.text) + 1),
        )
    assert project.codings() == []


def test_turn_spans_hold_content_without_labels(project):
    doc = project.document("p01.txt")
    turns = project.turns(doc.id)
    assert [t.speaker for t in turns] == ["Interviewer", "Dr Patel", "Interviewer", "Dr Patel"]
    assert [t.role for t in turns][:2] == ["interviewer", "participant"]
    assert doc.text[turns[1].start : turns[1].end].startswith("Honestly, competing priorities.")
    assert project.turn_at(doc.id, turns[1].start + 3).seq == 2


def test_undo_and_redo_survive_reopening_the_file(tmp_path, project):
    doc = project.document("p01.txt")
    turn = project.turns(doc.id)[1]
    cid = project.add_coding(doc.id, turn.start, turn.end, "inner.priority", valence="barrier")
    project.update_coding(cid, valence="mixed")
    path = project.path
    project.close()

    with Project.open(path, coder="alex") as again:
        assert again.coding(cid).valence == "mixed"
        # undo says what it undid in the user's words, without coding or code IDs
        assert again.undo() == "Mark Relative Priority, p01.txt “Honestly, competing priorities…” as mixed"
        assert again.coding(cid).valence == "barrier"
        assert again.undo() == "Code Relative Priority, p01.txt “Honestly, competing priorities…”"
        assert again.codings() == []
    with Project.open(path, coder="alex") as third:
        assert third.redo() == "Code Relative Priority, p01.txt “Honestly, competing priorities…”"
        assert third.coding(cid).valence == "barrier"
        assert third.redo() == "Mark Relative Priority, p01.txt “Honestly, competing priorities…” as mixed"
        assert third.coding(cid).valence == "mixed"
        assert third.redo() is None


def test_undo_is_per_coder_and_a_new_action_clears_redo(project):
    doc = project.document("p01.txt")
    a = project.add_coding(doc.id, 0, 5, "inner")
    project.set_coder("sam")
    b = project.add_coding(doc.id, 0, 5, "inner.culture")
    assert project.undo().startswith("Code Culture, p01.txt “")
    assert [c.id for c in project.codings()] == [a]
    project.add_coding(doc.id, 6, 9, "inner")
    assert project.redo() is None, "a new action must clear sam's redo stack"
    assert b not in [c.id for c in project.codings()]
    assert sorted(c.code_id for c in project.codings()) == ["inner", "inner"]
    project.set_coder("alex")
    assert project.undo().startswith("Code Inner Setting, p01.txt “")
    assert [c.coder for c in project.codings()] == ["sam"]


def test_remove_coding_is_undoable_with_all_fields(project):
    doc = project.document("p01.txt")
    cid = project.add_coding(doc.id, 10, 30, "inner.culture", valence="facilitator", memo="why")
    before = project.coding(cid)
    project.remove_coding(cid)
    assert project.codings() == []
    project.undo()
    assert project.coding(cid) == before


def test_many_codings_land_together_or_not_at_all(project):
    doc = project.document("p01.txt")
    rows = [
        dict(document_id=doc.id, start=0, end=5, code_id="inner"),
        dict(document_id=doc.id, start=0, end=5, code_id="no.such.code"),
    ]
    with pytest.raises(UserError, match="row 2: .*no code"):
        project.add_codings(rows, label="Bulk")
    assert project.codings() == []
    ids = project.add_codings(rows[:1] * 3, label="Bulk")
    assert len(ids) == 3
    project.undo()
    assert project.codings() == []


def test_memos_on_turns_and_codes(project):
    project.set_memo("code", "inner.culture", "Watch for psychological safety")
    assert project.memo("code", "inner.culture") == "Watch for psychological safety"
    project.set_memo("code", "inner.culture", "")
    assert project.memo("code", "inner.culture") == ""
    project.undo()
    assert project.memo("code", "inner.culture") == "Watch for psychological safety"


def test_search_finds_turns_and_is_safe_with_punctuation(project):
    hits = project.search("protected time")
    assert [(h.document, h.turn) for h in hits] == [("p01.txt", 2)]
    assert hits[0].text.startswith("Honestly")
    assert sorted((h.document, h.turn) for h in project.search("leader*")) == [("p02.txt", 1), ("p02.txt", 2)]
    assert project.search('"made it easier"')[0].document == "p02.txt"
    assert project.search("can't: (won't)") == []
    assert project.search("   ") == []


def test_stats_shape(project):
    project.add_coding(project.document("p02.txt").id, 0, 4, "inner")
    data = project.stats()
    assert data["codes"] == 3 and data["codings"] == 1 and data["coders"] == ["alex"]
    p01 = next(d for d in data["documents"] if d["name"] == "p01.txt")
    assert p01["turns"] == 4 and p01["participant"] is None
    assert p01["speakers"] == [
        {"name": "Interviewer", "role": "interviewer", "turns": 2},
        {"name": "Dr Patel", "role": "participant", "turns": 2},
    ]
    assert p01["words"] == sum(
        len(t.split())
        for t in [
            "What got in the way?",
            "Honestly, competing priorities. We had no protected time for the case reviews.",
            "And what helped?",
            "The culture of learning. People felt safe to talk about errors.",
        ]
    )


def test_a_second_writer_gets_a_clear_busy_error(tmp_path, project, monkeypatch):
    monkeypatch.setattr("evalbench.store.db.BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(project.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        project.store.set_busy_timeout(0.1)
        with pytest.raises(ProjectBusyError, match="busy"):
            with project.transaction():
                pass
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_migration_takes_a_backup_and_refuses_a_half_migrated_file(tmp_path, monkeypatch):
    path = tmp_path / "old.evb"
    Project.init(path).close()
    conn = sqlite3.connect(path)
    last = schema.SCHEMA_VERSION
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(last - 1),))
    conn.commit()
    conn.close()
    ran = []
    monkeypatch.setitem(schema.MIGRATIONS, last, lambda c: ran.append(last))
    connect(path).close()
    assert ran == [last]
    backups = list(tmp_path.glob(f"old.evb.v{last - 1}-*.bak"))
    assert len(backups) == 1
    assert sqlite3.connect(backups[0]).execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[
        0
    ] == str(last - 1)

    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO meta VALUES ('migration_in_progress', '0')")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="interrupted"):
        connect(path)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.evb"
    Project.init(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectError, match="newer evalbench"):
        Project.open(path)


def test_core_never_imports_textual_or_spacy_eagerly():
    code = textwrap.dedent("""
        import importlib, pkgutil, sys
        import evalbench
        skip = ("evalbench.tui",)
        for m in pkgutil.walk_packages(evalbench.__path__, "evalbench."):
            if not m.name.startswith(skip) and not m.name.endswith("__main__"):
                importlib.import_module(m.name)
        bad = [name for name in ("textual", "spacy") if name in sys.modules]
        print(",".join(bad))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_suite_refuses_network_connections():
    """The autouse guard in conftest is live: any test that reaches the network fails."""
    import socket

    from tests.conftest import NetworkUsed

    with pytest.raises(NetworkUsed):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)


def test_the_coder_given_at_init_is_remembered(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALBENCH_CODER")  # $EVALBENCH_CODER would win (see test_coder_precedence.py)
    path = tmp_path / "s.evb"
    Project.init(path, coder="dana").close()
    with Project.open(path) as proj:
        assert proj.coder == "dana"


def test_a_version_1_file_migrates_to_the_current_schema_and_keeps_its_codings(tmp_path):
    """A project written before themes existed opens, gains the new tables, and keeps its data."""
    path = tmp_path / "v1.evb"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    schema.run_script(conn, schema._V1)
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO codes(id, name) VALUES ('c1', 'Culture')")
    conn.execute("COMMIT")
    conn.close()
    new = tmp_path / "new.evb"
    Project.init(new).close()
    with Project.open(path) as project:
        assert project.codes()[0].name == "Culture"
    tables = {r[0] for r in file_sql(path, "SELECT name FROM sqlite_master")}
    fresh_tables = {r[0] for r in file_sql(new, "SELECT name FROM sqlite_master")}
    fresh_sql = dict(file_sql(new, "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    assert {"themes", "theme_rules", "theme_codings", "theme_exemplars", "reading_positions"} <= tables
    assert tables == fresh_tables
    migrated_sql = dict(sqlite3.connect(path).execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    assert migrated_sql == fresh_sql
    assert list(tmp_path.glob("v1.evb.v1-*.bak"))
