"""Shared fixtures: a real project file in tmp_path, and where ../shared lives."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import settings

from evalbench.ingest.document import ParsedDocument, transcript
from evalbench.model import Code
from evalbench.project import Project

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Hypothesis profiles: `make test` runs "default" (100 examples a test); `make test-full` runs
# "long" (pytest --hypothesis-profile=long, 1,000). The generated hostile-input tests size
# themselves with examples(n): a quarter of n by default, 2.5 n in the long run.
settings.register_profile("long", max_examples=1000)


def examples(n: int) -> int:
    """``n`` scaled by the active profile: ``n * max_examples / 400``, at least 10."""
    return max(10, n * settings().max_examples // 400)


class NetworkUsed(AssertionError):
    """Raised when code under test tries to reach the network."""


def _refuse_network(self, address, *args, **kwargs):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        raise NetworkUsed(f"evalbench tried to open a network connection to {address!r}")
    return _real_connect(self, address, *args, **kwargs)


_real_connect = socket.socket.connect


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Keep every test away from the user's config and coder name, and off the network.

    Transcripts hold health information: every test doubles as a proof that
    the code it runs opens no network connection.
    """
    monkeypatch.setenv("EVALBENCH_CODER", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(socket.socket, "connect", _refuse_network)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse_network)


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo (REFI-QDA schemas, interop fixtures); skip if absent."""
    if not (SHARED / "refi-qda").is_dir():
        pytest.skip(f"{SHARED} is absent: REFI-QDA schemas and interop fixtures are not available")
    return SHARED


def file_sql(path: str | Path, sql: str, args: tuple = ()) -> list[tuple]:
    """Run ``sql`` on a project file through a fresh connection of its own (committed), as another program would.

    Tests read what was stored this way (or change a file behind evalbench's back); the
    project's own connection belongs to its Store.
    """
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(sql, args).fetchall()


def make_parsed(name: str, turns: list[tuple[str | None, str]], *, fmt: str = "txt") -> ParsedDocument:
    """A ParsedDocument built the way the parsers build text: 'Speaker: content' paragraphs."""
    text_key = name + "\n\n".join(f"{s}: {c}" if s else c for s, c in turns)
    return transcript(name, turns, fmt=fmt, sha256=hashlib.sha256(text_key.encode()).hexdigest())


SMALL_CODES = [
    Code(id="inner", name="Inner Setting"),
    Code(id="inner.priority", name="Relative Priority", parent_id="inner", keywords=("competing priorities",)),
    Code(id="inner.culture", name="Culture", parent_id="inner"),
]


@pytest.fixture
def project(tmp_path) -> Project:
    """A project with two interviews and a three-code codebook."""
    proj = Project.init(tmp_path / "study.evb", coder="alex")
    proj.add_codes(SMALL_CODES)
    roles = {
        "Interviewer": ("interviewer", "label"),
        "Dr Patel": ("participant", "default"),
        "Nurse Kim": ("participant", "default"),
    }
    proj.add_document(
        make_parsed(
            "p01.txt",
            [
                ("Interviewer", "What got in the way?"),
                ("Dr Patel", "Honestly, competing priorities. We had no protected time for the case reviews."),
                ("Interviewer", "And what helped?"),
                ("Dr Patel", "The culture of learning. People felt safe to talk about errors."),
            ],
        ),
        roles,
    )
    proj.add_document(
        make_parsed(
            "p02.txt",
            [
                ("Interviewer", "Tell me about leadership support."),
                ("Nurse Kim", "Our leaders showed up to every session, and that made it easier."),
            ],
        ),
        roles,
    )
    yield proj
    proj.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """The demo project (14 synthetic interviews, CFIR 2.0, coders alex and sam), built once."""
    from evalbench.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.evb"
    build_demo(path)
    return path


@pytest.fixture
def demo(demo_file, tmp_path) -> Path:
    """A private copy of the demo project file, for a test that changes it."""
    import shutil

    return Path(shutil.copy(demo_file, tmp_path / "demo.evb"))


def run_cli(*args, ok: bool = True):
    """Run ``evalbench ARGS`` in-process; with ``ok``, insist it succeeded. Never a traceback."""
    from click.testing import CliRunner

    from evalbench.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    if ok:
        assert result.exit_code == 0, result.output
    return result
