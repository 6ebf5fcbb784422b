"""One wording for why a speaker has their role, shared by `evalbench speakers` and the workbench."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from evalbench.cli import main
from evalbench.ingest.roles import ROLE_SOURCES
from evalbench.project import Project
from tests.conftest import make_parsed

#: Every role_source, each on its own speaker of one document (label -> (role, source)).
EVERY_SOURCE = {
    "Interviewer": ("interviewer", "label"),
    "Hannah Osei": ("interviewer", "recurring"),
    "Sam Roe": ("interviewer", "detected"),
    "Dr Patel": ("participant", "detected"),
    "Nurse Kim": ("participant", "default"),
    "Mr Lee": ("participant", "default"),
}


def every_source_project(path) -> Project:
    """A project whose one document has speakers with every role_source ('user' for Mr Lee)."""
    proj = Project.init(path, coder="alex")
    doc = proj.add_document(
        make_parsed("p01.txt", [(label, f"{label} says something?") for label in EVERY_SOURCE]), EVERY_SOURCE
    )
    lee = next(s for s in proj.speakers(doc) if s.label == "Mr Lee")
    proj.set_speaker_role(lee.id, "participant")
    return proj


def test_every_role_source_has_words():
    from evalbench.store import schema

    assert set(ROLE_SOURCES) == set(schema.ROLE_SOURCES) == {"label", "recurring", "detected", "default", "user"}
    assert all(ROLE_SOURCES.values())


def test_speakers_listing_says_why_in_the_shared_words(tmp_path):
    every_source_project(tmp_path / "study.evb").close()
    result = CliRunner().invoke(main, ["speakers", str(tmp_path / "study.evb")])
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[1].strip(): line for line in result.stdout.splitlines()[1:]}
    expected = {**{label: source for label, (_, source) in EVERY_SOURCE.items()}, "Mr Lee": "user"}
    assert set(rows) == set(expected)
    for label, source in expected.items():
        assert rows[label].endswith(f"  {source} ({ROLE_SOURCES[source]})"), rows[label]


def test_roles_module_needs_neither_textual_nor_click():
    code = "import sys, evalbench.ingest.roles; print(sorted(m for m in ('textual', 'click') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
