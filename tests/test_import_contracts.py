"""The import contracts in pyproject.toml name every part of evalbench they are about.

`lint-imports` (run by `make test`) checks the contracts; a contract's
module list is written out by hand, so a new package or root module that
nobody added to it would go unchecked. This test fails for such a module.
"""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import evalbench

ROOT = Path(__file__).resolve().parent.parent
#: What sits above the areas: the façade, the command line, the workbench and the demo builder.
ABOVE_THE_AREAS = {"evalbench.project", "evalbench.cli", "evalbench.tui", "evalbench.demo"}


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _top_level_modules() -> set[str]:
    return {f"evalbench.{m.name}" for m in pkgutil.iter_modules(evalbench.__path__)}


def test_every_module_but_the_workbench_is_held_to_the_no_textual_contract():
    sources = set(_contracts()["core-without-textual"]["source_modules"])
    assert _top_level_modules() - {"evalbench.tui"} - sources == set()


def test_every_module_below_the_facade_is_held_to_the_areas_contract():
    contract = _contracts()["areas-below-the-facade"]
    assert _top_level_modules() - ABOVE_THE_AREAS - set(contract["source_modules"]) == set()
    assert set(contract["forbidden_modules"]) == ABOVE_THE_AREAS


def test_only_the_store_may_import_sqlite():
    contract = _contracts()["sqlite-in-the-store"]
    assert contract["protected_modules"] == ["sqlite3"] and contract["allowed_importers"] == ["evalbench.store"]
