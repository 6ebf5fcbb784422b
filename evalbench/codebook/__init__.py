"""Codebooks: hierarchical codes with stable IDs, shared as YAML/JSON/REFI-QDA files.

The entry points other packages use:

* :func:`load_codebook` -- read and validate a codebook file.
* :func:`template` -- a built-in codebook by name (``cfir2``).
* :func:`load_codebook_source` -- a template name or a file path, as codes
  ready for :meth:`evalbench.project.Project.add_codes` (used by ``init``).
"""

from __future__ import annotations

from pathlib import Path

from evalbench.codebook.model import Codebook, CodebookError, make_codebook
from evalbench.model import Code

__all__ = [
    "Codebook",
    "CodebookError",
    "load_codebook",
    "load_codebook_source",
    "make_codebook",
    "save_codebook",
    "template",
    "template_names",
]

_TEMPLATES = Path(__file__).with_name("templates")


def template_names() -> list[str]:
    """Names of the built-in codebooks."""
    return sorted(p.stem for p in _TEMPLATES.glob("*.yaml"))


def template(name: str) -> Codebook:
    """A built-in codebook (e.g. ``template('cfir2')``)."""
    path = _TEMPLATES / f"{name}.yaml"
    if not path.is_file():
        raise CodebookError(name, f"no built-in codebook named {name!r} (available: {', '.join(template_names())})")
    return load_codebook(path)


def load_codebook(path: str | Path) -> Codebook:
    """Read a codebook file (.yaml, .yml, .json or REFI-QDA .qdc) and validate it."""
    from evalbench.codebook.files import read_codebook_file

    return read_codebook_file(path)


def save_codebook(book: Codebook, path: str | Path, fmt: str | None = None) -> None:
    """Write a codebook as yaml, json or qdc (by ``fmt`` or the file suffix), atomically."""
    from evalbench.codebook.files import write_codebook_file

    write_codebook_file(book, path, fmt)


def load_codebook_source(name_or_path: str | Path) -> list[Code]:
    """Codes from a built-in template name or a codebook file, parents first."""
    text = str(name_or_path)
    if text in template_names() and not Path(text).exists():
        return template(text).codes
    return load_codebook(name_or_path).codes
