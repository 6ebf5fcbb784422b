"""Transcripts hold health information: exports carry only what the user chose, and nothing phones home.

The whole command line workflow -- init, import, bulk coding, training the
suggester, every export -- runs in child processes under a login name and a
home folder that must never appear in what is written, with an audit hook
(``sitecustomize.py``) that kills the process the moment anything tries to
open a network connection or resolve a host name. In-process code is covered
by the guard in ``conftest.py``, which every test runs under.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from evalbench.export import registry
from tests.conftest import REPO

SECRET_LOGIN = "zz-secret-login"
SECRET_HOME = "zz-secret-home"
NETWORK_EXIT = 97

GUARD = textwrap.dedent(f"""
    # Installed by tests/test_privacy.py: any network use ends the process with exit {NETWORK_EXIT}.
    import os
    import socket
    import sys

    _LOG = os.environ["EVALBENCH_TEST_NETLOG"]

    def _stop(what):
        with open(_LOG, "a") as fh:
            fh.write(what + "\\n")
        os._exit({NETWORK_EXIT})

    # urllib3 (imported by spaCy) binds ::1 port 0 at import to probe for IPv6; a bind to
    # loopback sends nothing, so it is allowed. Connecting anywhere, or binding elsewhere, is not.
    _LOOPBACK = ("::1", "127.0.0.1", "localhost")

    def _hook(event, args):
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            sock = args[0]
            if sock.family == socket.AF_UNIX:
                return
            address = args[1] if len(args) > 1 else None
            if event == "socket.bind" and isinstance(address, tuple) and address[0] in _LOOPBACK:
                return
            _stop(f"{{event}} {{args[1:]!r}}")
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            _stop(f"{{event}} {{args!r}}")

    sys.addaudithook(_hook)
    with open(_LOG, "a") as fh:
        fh.write("armed\\n")
""")


@pytest.fixture
def world(tmp_path):
    """A home folder, a login name and a network guard for child processes."""
    home = tmp_path / SECRET_HOME
    (home / "interviews").mkdir(parents=True)
    for src in (REPO / "sample_transcripts").iterdir():
        if src.suffix in (".txt", ".docx", ".vtt", ".srt", ".csv"):
            shutil.copy(src, home / "interviews" / src.name)
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "netlog.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVALBENCH_", "PYTHON"))}
    env.update(
        USER=SECRET_LOGIN,
        LOGNAME=SECRET_LOGIN,
        USERNAME=SECRET_LOGIN,
        HOME=str(home),
        EVALBENCH_CODER="alex",
        PYTHONPATH=f"{guard}{os.pathsep}{REPO}",
        EVALBENCH_TEST_NETLOG=str(log),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
    )

    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, *args], cwd=home, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode != NETWORK_EXIT, f"{args} opened a network connection: {log.read_text()}"
        assert done.returncode == expect, f"{args} exited {done.returncode}: {done.stderr}"
        return done

    return SimpleNamespace(home=home, run=run, log=log, env=env)


@pytest.mark.parametrize(
    "probe",
    [
        "socket.create_connection(('127.0.0.1', 9), timeout=1)",
        "socket.getaddrinfo('example.org', 443)",
        "socket.socket().bind(('0.0.0.0', 0))",
    ],
)
def test_the_network_guard_itself_stops_a_connection(world, probe):
    """The guard used below is live: a child that connects or resolves is stopped and logged."""
    done = subprocess.run(
        [sys.executable, "-c", f"import socket; {probe}"],
        env=world.env,
        cwd=world.home,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == NETWORK_EXIT
    assert world.log.read_text().splitlines()[0] == "armed"
    assert "socket." in world.log.read_text()


def _secrets() -> list[str]:
    found = [SECRET_LOGIN, SECRET_HOME]
    host = socket.gethostname()
    if len(host) >= 6 and host.lower() not in ("localhost", "localhost.localdomain"):
        found.append(host)
    real_home = os.path.expanduser("~")
    if real_home not in ("/", "/root", ""):
        found.append(real_home)
    return found


def _payloads(path: Path):
    """(name, bytes) of a file and, for zip containers (docx, xlsx, qdpx), of every member inside."""
    data = path.read_bytes()
    yield path.name, data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                inner = zf.read(info)
                yield f"{path.name}:{info.filename}", inner
                if info.filename.lower().endswith(".docx"):  # a source's Word file inside a .qdpx
                    tmp = path.with_name(path.name + ".inner.docx")
                    tmp.write_bytes(inner)
                    yield from ((f"{path.name}:{n}", b) for n, b in _payloads(tmp))
                    tmp.unlink()


def test_whole_cli_workflow_opens_no_socket_and_exports_leak_no_machine_identity(world, tmp_path):
    home, run, log = world.home, world.run, world.log
    ev = ["-m", "evalbench.cli"]
    project = str(home / "study.evb")
    src = home / "interviews"
    run(*ev, "init", project, "--codebook", "cfir2")
    run(*ev, "import", project, str(src), "--participants", str(src / "participants.csv"))
    run(*ev, "code", project, "--from-csv", str(src / "codings.csv"))
    run(*ev, "suggest", project, "--train")
    out = tmp_path / "exports"
    out.mkdir()
    for fmt in registry.formats():  # every export format, a new one included
        run(*ev, "export", project, "--format", fmt.name, "-o", str(out / f"report{fmt.suffix}"), "--all-coders")
    run(*ev, "codebook", "export", project, "-o", str(out / "appendix.docx"))
    run(*ev, "codebook", "export", project, "-o", str(out / "codebook.qdc"))
    run(*ev, "init", str(home / "copy.evb"), "--from", str(out / "report.qdpx"))
    assert log.read_text().splitlines()[0] == "armed", "the network guard did not load"
    assert set(log.read_text().split()) == {"armed"}

    files = sorted(p for p in out.iterdir() if p.is_file())
    assert {p.suffix for p in files} >= {*registry.suffixes(), ".qdc"}
    checked = 0
    for path in files:
        for name, payload in _payloads(path):
            checked += 1
            for secret in _secrets():
                for encoded in {secret.encode(), secret.encode("utf-16-le")}:
                    assert encoded not in payload, f"{name} contains {secret!r}"
    assert checked > 30

    from docx import Document

    for path in out.glob("*.docx"):
        props = Document(str(path)).core_properties
        assert (props.author or "") == "" and (props.last_modified_by or "") == "", path.name
    from openpyxl import load_workbook

    props = load_workbook(out / "report.xlsx").properties
    assert (props.creator or "") == "" and (props.lastModifiedBy or "") == ""
    # What the user did choose is there: the coders they named, and the participants.
    text = (out / "report.csv").read_text(encoding="utf-8-sig")
    assert "alex" in text and "sam" in text and "P01" in text
