"""docs/architecture.md names real modules: every `evalbench/….py` path on the page exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "architecture.md"


def test_every_module_the_architecture_page_names_exists():
    named = set(re.findall(r"\bevalbench/[\w/]+\.py\b", PAGE.read_text(encoding="utf-8")))
    assert len(named) > 30, "the page should name the modules it describes"
    missing = sorted(p for p in named if not (ROOT / p).is_file())
    assert not missing, f"docs/architecture.md names modules that do not exist: {', '.join(missing)}"
