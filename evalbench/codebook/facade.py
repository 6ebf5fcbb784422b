"""Project methods for the project's codebook: add, rename, move, merge, split, pull, push (mixed into Project)."""

from __future__ import annotations

from pathlib import Path

from evalbench.model import Code


class CodebookFacade:
    """Project methods for the project's codebook: add, rename, move, merge, split, pull, push (mixed into Project)."""

    # Thin wrappers over evalbench.codebook.ops; each change is one undoable action.
    def codebook(self):
        """The project's codes as an ``evalbench.codebook.Codebook``."""
        from evalbench.codebook.ops import project_codebook

        return project_codebook(self)

    def add_code(self, code: Code) -> Code:
        """Add one code at the end of its parent's children."""
        from evalbench.codebook.ops import add_code

        return add_code(self, code)

    def update_code(self, code_id: str, **changes) -> Code:
        """Edit a code's name, definition, criteria, examples, keywords, colour or valence."""
        from evalbench.codebook.ops import update_code

        return update_code(self, code_id, **changes)

    def rename_code(self, code_id: str, name: str) -> Code:
        return self.update_code(code_id, name=name)

    def move_code(self, code_id: str, parent_id: str | None) -> Code:
        """Move a code and its subtree under ``parent_id`` (None: top level)."""
        from evalbench.codebook.ops import move_code

        return move_code(self, code_id, parent_id)

    def remove_code(self, code_id: str) -> None:
        """Delete a code that has no codings and no children."""
        from evalbench.codebook.ops import remove_code

        remove_code(self, code_id)

    def merge_codes(self, sources: list[str], target: str) -> dict:
        """Merge codes into ``target``, moving their codings (memo records 'merged from')."""
        from evalbench.codebook.ops import merge_codes

        return merge_codes(self, sources, target)

    def split_code(self, code_id: str, into: list[tuple[str, str]], *, as_children: bool = False,
                   codings_to: str | None = None) -> list[Code]:
        """Create new codes [(id, name)] from one; codings stay unless ``codings_to``."""
        from evalbench.codebook.ops import split_code

        return split_code(self, code_id, into, as_children=as_children, codings_to=codings_to)

    def pull_codebook(self, source, *, dry_run: bool = False):
        """Update the codebook from a shared file (or Codebook); used codes are kept, reported."""
        from evalbench.codebook import Codebook, load_codebook
        from evalbench.codebook.ops import pull_codebook

        book = source if isinstance(source, Codebook) else load_codebook(source)
        return pull_codebook(self, book, dry_run=dry_run, label=f"Pull codebook from {Path(book.source).name}")

    def push_codebook(self, path: str | Path, fmt: str | None = None):
        """Write the codebook to a shared file (keeping its comments); returns the file's diff."""
        from evalbench.codebook.ops import push_codebook

        return push_codebook(self, path, fmt)
