"""Errors a user can cause: each carries one line naming the file and the problem.

The CLI prints ``str(error)`` on stderr and exits non-zero; tracebacks are
reserved for bugs.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem with the user's input or project, reported in one line."""


class IngestError(UserError):
    """A file that cannot be imported; ``str()`` is ``"<file name>: <reason>"``."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")


class ProjectBusyError(UserError):
    """Another process holds the project's write lock for longer than the busy timeout."""


class ProjectError(UserError):
    """The project file is missing, not a project, corrupt or from a newer evalbench."""
