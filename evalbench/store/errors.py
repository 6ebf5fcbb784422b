"""What a storage failure means for a person: SQLite's exceptions turned into one-line UserErrors.

Only the store knows SQLite; everything above it sees :class:`RowRejected`
(a row the file refused) or, at the command line's edge, the UserError that
:func:`user_error` makes of whatever SQLite raised mid-command (a busy or
damaged file, or a row another process stored first).
"""

from __future__ import annotations

import sqlite3

from evalbench.errors import ProjectBusyError, ProjectError, UserError, one_line


class RowRejected(ProjectError):
    """The project file refused a row (a constraint: a duplicate another process stored, a bound)."""


def damaged(detail: object) -> ProjectError:
    return ProjectError(
        f"the project file is damaged ({one_line(detail, 80)}); `evalbench check PROJECT` lists "
        "what is wrong and `evalbench recover PROJECT -o NEW.evb` copies out what can be read"
    )


def user_error(exc: BaseException) -> UserError | None:
    """The one-line UserError a storage failure means, or None when ``exc`` is not one (a bug: keep it)."""
    if isinstance(exc, sqlite3.OperationalError):
        if "locked" in str(exc) or "busy" in str(exc):
            return ProjectBusyError("the project is busy (another evalbench is writing); try again")
        return damaged(exc)
    if isinstance(exc, sqlite3.IntegrityError):  # a row another process stored between our check and our write
        return ProjectError(
            f"another evalbench changed the project at the same time ({one_line(exc, 80)}); "
            "nothing of this command was written; run it again"
        )
    if isinstance(exc, sqlite3.DatabaseError):
        return damaged(exc)
    if isinstance(exc, UnicodeDecodeError):  # from sqlite3 reading text: user files are decoded by evalbench itself
        return damaged(f"it holds text that is not UTF-8: {exc.reason}")
    return None
