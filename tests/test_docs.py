"""The docs stay true to the program: every command and key is in the guide, the quick start
is the two commands CI runs, and no link in README.md or docs/ points at a missing file or heading.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from pathlib import Path

import click
import pytest

from evalbench.cli import main

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "guide.md"
README = ROOT / "README.md"
MARKDOWN = [README, *sorted((ROOT / "docs").glob("*.md"))]


def command_paths(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[str]:
    """Every command and subcommand `evalbench --help` lists, as 'codebook merge' etc."""
    ctx = click.Context(group, info_name="evalbench")
    out = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = (*prefix, name)
        out.append(" ".join(path))
        if isinstance(command, click.Group):
            out.extend(command_paths(command, path))
    return out


def test_command_walk_sees_groups_and_subcommands():
    paths = command_paths()
    assert "import" in paths and "codebook" in paths
    assert "codebook merge" in paths and "codebook merge-codes" in paths


@pytest.mark.parametrize("path", command_paths())
def test_every_command_has_an_example_in_the_guide(path):
    """`evalbench <command>` is run somewhere in the guide (merge must not count for merge-codes)."""
    text = GUIDE.read_text(encoding="utf-8")
    pattern = r"\bevalbench " + re.escape(path) + r"(?![\w-])"
    assert re.search(pattern, text), f"docs/guide.md never shows `evalbench {path}`"


# --- the quick start --------------------------------------------------------------------------
def section(text: str, heading: str) -> str:
    """The body of a '## heading' section, up to the next heading of level one or two."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def commands_in(block: str) -> list[str]:
    """Shell commands of a code block: comments and blank lines dropped."""
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    return [line for line in lines if line]


def test_quick_start_is_exactly_make_demo_and_make_test():
    body = section(README.read_text(encoding="utf-8"), "Quick start")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", body, re.M | re.S)
    assert len(blocks) == 1, "the quick start should have one code block"
    assert commands_in(blocks[0]) == ["make demo", "make test"]


def test_ci_runs_the_quick_start_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in commands_in(ci)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_commands_in_the_readme_session_exist():
    """Each `evalbench X` in the README session names a real command (or opens a project)."""
    body = section(README.read_text(encoding="utf-8"), "A session at the command line")
    names = set(command_paths())
    lines = [c for c in commands_in(body) if c.startswith("evalbench ")]
    assert lines, "the session shows no evalbench commands"
    for line in lines:
        word = line.split()[1]
        assert word in names or word.endswith(".evb"), f"README session: no command {word!r}"


# --- links ------------------------------------------------------------------------------------
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def links(path: Path) -> list[str]:
    text = INLINE_CODE.sub("", FENCE.sub("", path.read_text(encoding="utf-8")))
    return LINK.findall(text)


def test_link_finder_sees_links_and_skips_code():
    sample = "See [the guide](docs/guide.md#x) and `[not](a-link.md)`.\n```\n[no](b.md)\n```\n"
    text = INLINE_CODE.sub("", FENCE.sub("", sample))
    assert LINK.findall(text) == ["docs/guide.md#x"]
    assert slug("8. Data safety: undo, check, recover") == "8-data-safety-undo-check-recover"
    assert slug("Built-in template: CFIR 2.0 (`cfir2`)") == "built-in-template-cfir-20-cfir2"


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_point_at_existing_files_and_headings(page):
    broken = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
            continue
        file_part, _, fragment = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and dest.suffix == ".md" and fragment.lower() not in anchors(dest):
            broken.append(f"{target} (no heading #{fragment} in {dest.name})")
    assert not broken, f"{os.path.relpath(page, ROOT)}: broken links: " + "; ".join(broken)


def test_every_docs_page_is_linked_from_the_readme():
    linked = {target.partition("#")[0] for target in links(README)}
    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    assert "docs/guide.md" in pages
    assert not pages - linked, f"README.md does not link {sorted(pages - linked)}"


# --- keys -------------------------------------------------------------------------------------
def tui_bindings() -> list[tuple[str, str, str]]:
    """(class, key, description) for every key binding declared in evalbench.tui."""
    from textual.app import App
    from textual.dom import DOMNode

    import evalbench.tui as tui

    found = []
    modules = [m.name for m in pkgutil.walk_packages(tui.__path__, "evalbench.tui.")]
    for name in modules:
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, (DOMNode, App))
                and obj.__module__ == name
                and "BINDINGS" in vars(obj)
            ):
                for binding in obj.BINDINGS:
                    keys = binding.key if hasattr(binding, "key") else binding[0]
                    for key in keys.split(","):
                        found.append((obj.__name__, key.strip(), getattr(binding, "description", "")))
    return found


#: Where in the guide each screen's keys are listed; other classes' keys may appear anywhere.
KEY_SECTIONS = {
    "EvalbenchApp": "Keys everywhere",
    "DocumentsScreen": "Documents (F2)",
    "CodingScreen": "The coding view",
    "CodeBrowserScreen": "Code browser (F3)",
    "AnalysisScreen": "Analysis (F4)",
    "AgreementScreen": "Agreement and Consensus",
    "ConsensusScreen": "Agreement and Consensus",
}


def guide_section(text: str, heading: str) -> str:
    """A '### heading' section of the guide, up to the next heading."""
    match = re.search(rf"^### {re.escape(heading)}\s*$(.*?)(?=^#{{1,3}} |\Z)", text, re.M | re.S)
    assert match, f"docs/guide.md has no '### {heading}' section"
    return match.group(1)


def test_every_key_binding_is_in_the_guide():
    """A key a screen binds appears as `key` in that screen's section (as the help screen names it)."""
    from evalbench.tui.screens.help import _keys

    text = GUIDE.read_text(encoding="utf-8")
    bindings = tui_bindings()
    assert {cls for cls, _k, _d in bindings} >= set(KEY_SECTIONS)
    missing = []
    for cls, key, description in bindings:
        shown = _keys(type("B", (), {"key": key})())
        where = guide_section(text, KEY_SECTIONS[cls]) if cls in KEY_SECTIONS else text
        if f"`{shown}`" not in where:
            missing.append(f"{cls}: `{shown}` ({description or 'no description'})")
    assert not missing, "keys missing from docs/guide.md: " + ", ".join(sorted(set(missing)))
