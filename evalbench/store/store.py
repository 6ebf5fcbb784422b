"""The Store: one open project file on one thread, and the only owner of its SQLite connection.

Everything that reads or writes the project goes through a Store: its
repositories (``store.codings.list(...)``, ``store.themes.categories()``, …)
hold the SQL, one module per kind of row, and return the dataclasses of
:mod:`evalbench.model`. The connection itself stays private, so no SQL is
written anywhere else.

An SQLite connection belongs to the thread that opened it, and so does a
Store: a worker thread opens its own with :meth:`reopen`.

The Store also knows who is coding (:attr:`coder`, remembered in the file),
runs transactions (:meth:`transaction`) and undoable actions
(:meth:`action`: one transaction and one undo-log entry, labelled in the
user's words), and says when the project may have changed (:meth:`version`),
the one key every cache of the services uses.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import TracebackType

from evalbench.errors import ProjectError, UserError
from evalbench.store import undo
from evalbench.store.coders import Coders, choose_coder
from evalbench.store.codes import Codes
from evalbench.store.codings import Codings
from evalbench.store.consensus import Consensus
from evalbench.store.db import connect, now, set_busy_timeout, write_transaction
from evalbench.store.describe import Describe
from evalbench.store.documents import Documents
from evalbench.store.exchange import Exchange
from evalbench.store.memos import Memos
from evalbench.store.meta import Meta
from evalbench.store.models import Models
from evalbench.store.participants import Participants
from evalbench.store.positions import Positions
from evalbench.store.provenance import Provenance
from evalbench.store.ratings import Ratings
from evalbench.store.search import Search
from evalbench.store.stats import Stats
from evalbench.store.suggestions import Suggestions
from evalbench.store.themes import ThemeTables
from evalbench.store.training import TrainingReads
from evalbench.store.turn_words import TurnWords
from evalbench.store.turns import Speakers, Turns


class Store:
    """One open project file (see the module docstring)."""

    def __init__(self, path: str | Path, conn: sqlite3.Connection, coder: str | None = None) -> None:
        self.path = Path(path)
        self._conn = conn
        self._coder = choose_coder(coder, self.meta.get("last_coder"))

    # --- opening and closing ------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, coder: str | None = None) -> Store:
        """Open an existing project (migrating an older file after a backup)."""
        return cls(path, connect(Path(path)), coder)

    @classmethod
    def create(cls, path: str | Path, *, name: str | None = None, coder: str | None = None) -> Store:
        """Create a new, empty project file; refuses to overwrite an existing file."""
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(f"{path}: already exists; choose another name or open it")
        if not path.parent.exists():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        store = cls(path, connect(path, create=True), coder)
        with store.transaction():
            store.meta.set("name", name or path.stem)
            store.meta.set("created_at", now())
            if coder:
                store.meta.set("last_coder", coder)
        return store

    def reopen(self) -> Store:
        """A second Store on the same file and coder, for use in another thread."""
        return Store.open(self.path, coder=self._coder)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def where(self) -> str:
        """The file's name, as error messages start."""
        return self.path.name

    @property
    def name(self) -> str:
        """The project's name (its file name without the extension unless it was given one)."""
        return self.meta.get("name") or self.path.stem

    # --- who is coding --------------------------------------------------------------------------
    @property
    def coder(self) -> str:
        """The coder whose changes this Store records."""
        return self._coder

    def set_coder(self, coder: str) -> None:
        """Switch coder and remember the choice in the project for next time."""
        coder = coder.strip()
        if not coder:
            raise UserError("coder name cannot be empty")
        self._coder = coder
        with self.transaction():
            self.meta.set("last_coder", coder)
            self.coders.ensure(coder)

    # --- transactions, undo, change detection ------------------------------------------------------
    def transaction(self) -> write_transaction:
        """A write transaction that is not recorded for undo (imports, settings); nested use joins the outer."""
        return write_transaction(self._conn, self.path)

    @contextmanager
    def action(self, label: str) -> Iterator[undo.Action]:
        """One user action: one transaction and one undo-log entry for the current coder."""
        with self.transaction():
            act = undo.Action(self._conn, self._coder, label)
            yield act
            self.coders.ensure(self._coder)
            act.write_log(now())

    @contextmanager
    def savepoint(self, name: str) -> Iterator[None]:
        """Inside an open transaction: what the block writes lands whole, or is rolled back alone."""
        self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._conn.execute(f"ROLLBACK TO {name}")
            self._conn.execute(f"RELEASE {name}")
            raise
        self._conn.execute(f"RELEASE {name}")

    def undo(self) -> str | None:
        """Undo the current coder's last action; returns its label or None."""
        with self.transaction():
            return undo.undo(self._conn, self._coder)

    def redo(self) -> str | None:
        """Redo the current coder's last undone action; returns its label or None."""
        with self.transaction():
            return undo.redo(self._conn, self._coder)

    def undo_label(self) -> str | None:
        """Label of the action :meth:`undo` would reverse."""
        return undo.next_label(self._conn, self._coder)

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another connection's write lock before the project is busy
        (ProjectBusyError). A Store starts at :data:`evalbench.store.db.BUSY_TIMEOUT_MS`; the workbench's
        screen waits much less and retries instead, so a second writer never freezes it."""
        set_busy_timeout(self._conn, seconds)

    def version(self) -> tuple[int, int]:
        """Changes whenever the project may have changed: the key of every cache over it.

        ``total_changes`` counts this connection's writes; ``data_version``
        changes when another connection (a worker, another process) commits.
        Reading both costs a few microseconds.
        """
        return self._conn.total_changes, int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    # --- repositories: the SQL, one kind of row each ---------------------------------------------------
    @cached_property
    def meta(self) -> Meta:
        return Meta(self._conn, self.where)

    @cached_property
    def coders(self) -> Coders:
        return Coders(self._conn, self.where)

    @cached_property
    def documents(self) -> Documents:
        return Documents(self._conn, self.where)

    @cached_property
    def participants(self) -> Participants:
        return Participants(self._conn, self.where)

    @cached_property
    def speakers(self) -> Speakers:
        return Speakers(self._conn, self.where)

    @cached_property
    def turns(self) -> Turns:
        return Turns(self._conn, self.where)

    @cached_property
    def codes(self) -> Codes:
        return Codes(self._conn, self.where)

    @cached_property
    def codings(self) -> Codings:
        return Codings(self._conn, self.where)

    @cached_property
    def memos(self) -> Memos:
        return Memos(self._conn, self.where)

    @cached_property
    def positions(self) -> Positions:
        return Positions(self._conn, self.where)

    @cached_property
    def search(self) -> Search:
        return Search(self._conn, self.where)

    @cached_property
    def stats(self) -> Stats:
        return Stats(self._conn, self.where)

    @cached_property
    def describe(self) -> Describe:
        return Describe(self._conn, self.where)

    @cached_property
    def turn_words(self) -> TurnWords:
        return TurnWords(self._conn, self.where)

    @cached_property
    def models(self) -> Models:
        return Models(self._conn, self.where)

    @cached_property
    def training(self) -> TrainingReads:
        return TrainingReads(self._conn, self.where)

    @cached_property
    def provenance(self) -> Provenance:
        return Provenance(self._conn, self.where)

    @cached_property
    def themes(self) -> ThemeTables:
        return ThemeTables(self._conn, self.where)

    @cached_property
    def consensus(self) -> Consensus:
        return Consensus(self._conn, self.where)

    @cached_property
    def ratings(self) -> Ratings:
        return Ratings(self._conn, self.where)

    @cached_property
    def suggestions(self) -> Suggestions:
        return Suggestions(self._conn, self.where)

    @cached_property
    def exchange(self) -> Exchange:
        return Exchange(self._conn, self.where)
