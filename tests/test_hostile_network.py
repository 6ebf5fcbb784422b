"""No command creates a socket -- not only no connection -- the workbench and suggest included.

``import spacy`` used to load spaCy's command line, whose download command
imports requests -> urllib3, and urllib3 probes for IPv6 at import by creating
an ``AF_INET6`` socket (issue 18). The proof runs every command of the CLI
(found by walking the click tree, so a new command is covered or named here)
in one child process under an audit hook on ``socket.__new__``; the workbench
runs headless under Textual's Pilot, through to the suggestion thread. The one
socket allowed is the in-process ``AF_UNIX`` pair asyncio's event loop makes
to wake itself (the workbench cannot run without an event loop).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import REPO

#: Required arguments and options by name; commands below override where a name means something else.
_SCRIPT = textwrap.dedent("""
    import asyncio, json, os, shutil, socket, sys
    from pathlib import Path

    import traceback
    created = []
    def _hook(event, args):
        if event == "socket.__new__":
            files = [f.filename for f in traceback.extract_stack()]
            # The event loop's self-pipe: an in-process AF_UNIX socketpair that Textual's asyncio needs.
            if args[1] == socket.AF_UNIX and any("asyncio" in f for f in files):
                return
            created.append(f"family={args[1]} type={args[2]} from {[f for f in files if 'site-packages' in f][:3]}")
    sys.addaudithook(_hook)

    import click
    from click.testing import CliRunner
    from evalbench.cli import main
    from evalbench.tui import app as tui_app

    async def _headless(self, *args, **kwargs):
        async with self.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("enter")  # open the first transcript: suggestions start
            for _ in range(40):
                await pilot.pause(0.05)
            await self.workers.wait_for_complete()
            self.exit()

    tui_app.EvalbenchApp.run = lambda self, *a, **k: asyncio.run(_headless(self))

    tmp, samples = Path(sys.argv[1]), Path(sys.argv[2])
    P = str(tmp / "study.evb")
    docs = ["nfg_01_hospitalist.txt", "rmc_05_patient_safety_officer.vtt", "sbu_07_resident.srt"]
    rows = [l for l in (samples / "codings.csv").read_text(encoding="utf-8").splitlines()
            if l.split(",", 1)[0] in docs or l.startswith("document,")]
    (tmp / "codings.csv").write_text("\\n".join(rows) + "\\n", encoding="utf-8")
    runner = CliRunner()
    results = {}

    def run(path, argv):
        result = runner.invoke(main, [*path.split(), *argv], catch_exceptions=True)
        results[path] = results.get(path) or (result.exit_code, (result.stderr or "")[-300:])
        return result

    run("init", [P, "--codebook", "cfir2"])
    run("import", [P, *(str(samples / d) for d in docs)])
    run("code", [P, "--from-csv", str(tmp / "codings.csv")])
    run("export", [P, "-o", str(tmp / "study.qdpx"), "--all-coders"])
    run("codebook new", ["-o", str(tmp / "codebook.yaml")])
    by_name = json.loads(sys.argv[3])
    special = json.loads(sys.argv[4])

    def walk(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), cmd

    for path, cmd in walk(main, []):
        if path in special:
            for argv in special[path]:
                run(path, [a.format(P=P, T=str(tmp)) for a in argv])
            continue
        argv = []
        for param in cmd.params:
            value = by_name.get(param.name)
            if isinstance(param, click.Argument) and param.required:
                argv.append((value or "x").format(P=P, T=str(tmp)))
            elif isinstance(param, click.Option) and param.required:
                argv += [param.opts[0], (value or "x").format(P=P, T=str(tmp))]
        run(path, argv)
    print(json.dumps({"sockets": created, "results": results, "spacy": "spacy" in sys.modules,
                      "requests": "requests" in sys.modules, "urllib3": "urllib3" in sys.modules}))
""")

BY_NAME = {
    "project": "{P}",
    "target": "{T}/merged.evb",
    "paths": "{T}/codings.csv",
    "code": "cfir2.inner.culture",
    "code_id": "cfir2.inner.culture",
    "name": "Something new",
    "file": "{T}/codebook.yaml",
    "source": "{P}",
    "a": "{T}/codebook.yaml",
    "b": "{P}",
    "base": "{T}/codebook.yaml",
    "ours": "{T}/codebook.yaml",
    "theirs": "{T}/codebook.yaml",
    "damaged": "{P}",
    "document": "nfg_01_hospitalist.txt",
    "speaker": "Interviewer",
    "role": "interviewer",
    "coding_id": "1",
    "coding_ids": "1",
    "theme": "Time",
    "text": "text",
    "csv_path": "{T}/themes.csv",
    "query": "huddles",
    "participant": "P01",
    "scope": "site",
    "value": "North",
    "rating": "1",
    "old": "Lessons learned",
    "new": "Lessons",
    "sources": "{T}/study.qdpx",
    "output": "{T}/out.yaml",
    "coders": "alex,sam",
    "csv_path_": "",
    "from_csv": "{T}/codings.csv",
    "into": "cfir2.inner.structure",
    "category": "Barriers",
    "preset": "successes-barriers-lessons",
    "position": "1",
}
#: Commands whose arguments the names above do not describe, or that are worth running more than once.
SPECIAL = {
    "export": [["{P}", "-o", "{T}/report." + fmt, "--all-coders"] for fmt in ("docx", "xlsx")],
    "suggest": [["{P}", "--document", "nfg_01_hospitalist.txt"]],
    "codebook export": [["{P}", "-o", "{T}/codebook.qdc", "--force"]],
    "codebook merge-codes": [["{P}", "cfir2.inner.compatibility", "--into", "cfir2.inner.culture"]],
    "codebook split": [["{P}", "cfir2.inner.mission", "--into", "First", "--into", "Second"]],
    "recover": [["{P}", "-o", "{T}/recovered.evb"]],
    "init": [["{T}/copy.evb", "--from", "{T}/study.qdpx"]],
    "demo": [["--no-tui", "-o", "{T}/demo.evb"]],
    "themes add": [["{P}", "Time", "--category", "Barriers"]],
    "themes init": [["{P}", "--preset", "successes-barriers-lessons"]],
}


def test_no_command_creates_a_socket(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _SCRIPT,
            str(tmp_path),
            str(REPO / "sample_transcripts"),
            json.dumps(BY_NAME),
            json.dumps(SPECIAL),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "EVALBENCH_CODER": "alex",
            "PYTHONPATH": str(REPO),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        },
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["sockets"] == [], f"sockets were created: {found['sockets']}"
    # The proof covered the workflow that loads spaCy, and spaCy came without requests and urllib3.
    assert found["spacy"] and not found["requests"] and not found["urllib3"]
    ran = found["results"]
    for path in ("init", "import", "code", "suggest", "export", "open", "codebook export"):
        assert ran[path][0] == 0, f"{path} failed, so it proved nothing: {ran[path][1]}"
    assert len(ran) > 40  # every command of the CLI was run
