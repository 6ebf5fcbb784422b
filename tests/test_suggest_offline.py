"""Suggestions never touch the network, and spaCy is only imported when used."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

_WATCHING = False
_EVENTS: list[tuple[str, tuple]] = []
_NETWORK_EVENTS = {
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.sendto",
    "urllib.Request",
    "http.client.connect",
}


def _audit(event: str, args: tuple) -> None:
    if _WATCHING and event in _NETWORK_EVENTS:
        _EVENTS.append((event, args))


_REAL_CONNECT = socket.socket.connect
sys.addaudithook(_audit)  # audit hooks cannot be removed; _WATCHING gates it to these tests


@pytest.fixture
def no_network(monkeypatch):
    """Record any network attempt (audit hook) and make connecting fail outright."""
    global _WATCHING

    def refuse(*args, **kwargs):
        raise AssertionError(f"network use attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    _EVENTS.clear()
    _WATCHING = True
    yield _EVENTS
    _WATCHING = False


def test_no_socket_during_suggest_train_accept_reject_evaluate(tmp_path, no_network):
    from click.testing import CliRunner

    from evalbench.cli import main
    from evalbench.project import Project
    from evalbench.suggest.synthetic import build_project

    project = build_project(Project.init(tmp_path / "syn.evb", coder="alex"), n_docs=6, seed=1)
    report = project.train_suggester()
    assert report.coded_turns > 20
    found = project.suggestions()
    assert found
    project.accept_suggestion(found[0].id)
    project.reject_suggestion(found[1].id)
    project.suggest_turn(found[2].turn_id)
    result = project.evaluate_suggester(folds=2)
    assert result["methods"]["model"]["turns"] > 20
    project.close()
    cli = CliRunner().invoke(main, ["suggest", str(tmp_path / "syn.evb"), "--json", "--train"])
    assert cli.exit_code == 0, cli.output
    assert no_network == []


def test_audit_hook_would_see_a_connection(no_network):
    """The guard itself works: an attempted connection is recorded and refused."""
    with pytest.raises(AssertionError, match="network use attempted"):
        socket.create_connection(("192.0.2.1", 9))
    sock = socket.socket()
    try:
        with pytest.raises(AssertionError):
            sock.connect(("192.0.2.1", 9))
    finally:
        sock.close()
    local = socket.socket(socket.AF_UNIX)  # a real connect, to nowhere, on this machine only
    try:
        with pytest.raises(OSError):
            _REAL_CONNECT(local, "/nonexistent/evalbench-test.sock")
    finally:
        local.close()
    assert [e for e, _ in no_network] == ["socket.connect"]


def test_spacy_is_imported_only_when_suggestions_are_computed():
    code = (
        "import sys, evalbench, evalbench.project, evalbench.suggest, evalbench.suggest.service, "
        "evalbench.suggest.evaluate, evalbench.cli.suggest_cmd, evalbench.cli\n"
        "print('spacy' in sys.modules, 'thinc' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
