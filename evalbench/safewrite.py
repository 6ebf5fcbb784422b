"""Writing a file so that nothing half-written is ever left: a locked temporary sibling, renamed when complete.

Every file evalbench writes for the user -- reports, spreadsheets, codebooks,
.qdpx archives -- goes through :func:`replacing` (or :func:`atomic_write` for
data already in memory). The new file gets the permissions an ordinary write
gives (those of the file it replaces, else the user's umask), not the
owner-only mode of ``tempfile.mkstemp``, and a temporary file left by a writer
that was killed (``kill -9``, a power cut) is removed the next time the same
target is written.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from evalbench.errors import UserError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]  # no advisory locks: _lock and cleanup check for None


#: A temporary sibling made by :func:`replacing`: ``.NAME.XXXXXXXX.part`` (``.tmp`` before this version).
_PART = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.(?:part|tmp)$")


def _part_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")


def _lock(fd: int) -> bool:
    """Hold an exclusive lock on ``fd`` (released when it is closed, or the process dies); False if held."""
    if fcntl is None:  # Windows: no advisory locks; stale parts are cleaned by age instead
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def remove_stale_parts(path: str | Path) -> int:
    """Delete temporary siblings of ``path`` left by a writer that was killed; returns how many.

    A part still being written is locked by its writer (:func:`replacing`), so
    only parts whose writer is gone are removed; a second export of the same
    target running at this moment is left alone.
    """
    path = Path(path)
    removed = 0
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")]
    except OSError:
        return 0
    for part in candidates:
        found = _PART.match(part.name)
        if not found or found["name"] != path.name:
            continue
        try:
            fd = os.open(part, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if _lock(fd) and (fcntl is not None or time.time() - os.fstat(fd).st_mtime > 3600):
                part.unlink()
                removed += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


@contextmanager
def replacing(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file to write that replaces ``path`` atomically when the ``with`` block ends normally.

    The data goes to a locked temporary sibling ``.NAME.XXXXXXXX.part``, renamed
    over ``path`` only when complete; on any exception (a cancelled export,
    a full disk) it is removed and ``path`` is untouched. Parts left by a
    writer killed earlier (``kill -9``, a power cut) are removed first.
    The new file gets the permissions an ordinary write would give: those of
    the file it replaces, else the default for new files (the user's umask);
    not the owner-only mode of ``tempfile.mkstemp``. An OSError becomes a
    one-line UserError naming ``path``.
    """
    path = Path(path)
    remove_stale_parts(path)
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = None
    tmp = _part_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from None
    fh = os.fdopen(fd, "wb")
    try:
        _lock(fd)
        if mode is not None:
            os.chmod(tmp, mode)
        yield fh
        fh.flush()
        os.replace(tmp, path)  # while still open and locked: a cleaner cannot take it in between
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        with suppress(OSError):  # closing flushes what is left; the disk may still be full
            fh.close()
        if isinstance(exc, OSError):
            raise UserError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise
    fh.close()


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write a whole file via :func:`replacing`, so a failure leaves nothing half-written."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path) as fh:
        fh.write(payload)
