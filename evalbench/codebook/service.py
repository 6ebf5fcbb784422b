"""The codebook service (``project.codebook``): the project's codes, and every change to them.

Each change is one undoable action (see :mod:`evalbench.codebook.ops` for the
rules: nothing deletes a code that has codings, themes keep their evidence).
The service is callable: ``project.codebook()`` is the project's codes as a
:class:`~evalbench.codebook.model.Codebook`, as it was when this was a method.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evalbench.codebook import ops
from evalbench.codebook.diff import CodebookDiff
from evalbench.codebook.model import Codebook
from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.store.codes import code_to_row
from evalbench.store.store import Store


class CodebookService:
    """The codebook of one open project."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self) -> Codebook:
        """The project's codes as a Codebook (with the metadata of the last pulled file)."""
        return ops.project_codebook(self.store)

    def codes(self) -> list[Code]:
        """The codebook, parents before children."""
        return self.store.codes.list()

    def code(self, code_id: str) -> Code:
        return self.store.codes.get(code_id)

    def usage(self) -> dict[str, int]:
        """Codings per code ID."""
        return self.store.codes.usage()

    def add_many(self, codes: list[Code], *, label: str = "Add codes") -> int:
        """Add codes (parents listed before children) as one action; existing IDs are an error."""
        existing = self.store.codes.ids()
        clash = [c.id for c in codes if c.id in existing]
        if clash:
            raise UserError(f"{self.store.where}: code IDs already in the project: {', '.join(clash[:5])}")
        with self.store.action(label) as act:
            for code in codes:
                act.insert("codes", code_to_row(code))
        return len(codes)

    def add(self, code: Code) -> Code:
        """Add one code at the end of its parent's children."""
        return ops.add_code(self.store, code)

    def update(self, code_id: str, **changes: Any) -> Code:
        """Edit a code's name, definition, criteria, examples, keywords, colour or valence."""
        return ops.update_code(self.store, code_id, **changes)

    def rename(self, code_id: str, name: str) -> Code:
        return self.update(code_id, name=name)

    def move(self, code_id: str, parent_id: str | None) -> Code:
        """Move a code and its subtree under ``parent_id`` (None: top level)."""
        return ops.move_code(self.store, code_id, parent_id)

    def remove(self, code_id: str) -> None:
        """Delete a code that has no codings and no children."""
        ops.remove_code(self.store, code_id)

    def merge(self, sources: list[str], target: str) -> dict[str, int]:
        """Merge codes into ``target``, moving their codings (memo records 'merged from'); counts of what moved."""
        return ops.merge_codes(self.store, sources, target)

    def split(
        self, code_id: str, into: list[tuple[str, str]], *, as_children: bool = False, codings_to: str | None = None
    ) -> list[Code]:
        """Create new codes [(id, name)] from one; codings stay unless ``codings_to``."""
        return ops.split_code(self.store, code_id, into, as_children=as_children, codings_to=codings_to)

    def pull(self, source: str | Path | Codebook, *, dry_run: bool = False) -> ops.PullReport:
        """Update the codebook from a shared file (or Codebook); used codes are kept, reported."""
        from evalbench.codebook import load_codebook

        book = source if isinstance(source, Codebook) else load_codebook(source)
        return ops.pull_codebook(
            self.store, book, dry_run=dry_run, label=f"Pull codebook from {Path(book.source).name}"
        )

    def push(self, path: str | Path, fmt: str | None = None) -> CodebookDiff:
        """Write the codebook to a shared file (keeping its comments); returns the file's diff."""
        return ops.push_codebook(self.store, path, fmt)
