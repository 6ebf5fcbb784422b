"""SQL for trained suggestion models, kept inside the project file so that they travel with it.

A model is one row: its name (the suggester's is ``suggester``), a version, a
small JSON ``info`` (what it was trained on: counts, fingerprints, the
pipeline) read cheaply on every request, and the weights as a blob read only
when the model is loaded.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from evalbench.store.db import now
from evalbench.store.repo import Repository

#: The row of the suggestion ranker.
SUGGESTER = "suggester"

DDL = (
    "CREATE TABLE IF NOT EXISTS models (name TEXT PRIMARY KEY, version TEXT NOT NULL, "
    "info TEXT NOT NULL DEFAULT '{}', data BLOB NOT NULL, created_at TEXT NOT NULL)"
)


@dataclass(frozen=True)
class ModelInfo:
    """A stored model's version and what it says about its training (the JSON ``info``)."""

    version: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        """The kind of model (``tfidf-logistic``); an older kind is retrained."""
        return self.info.get("kind")

    @property
    def pipeline(self) -> str | None:
        """The spaCy pipeline it was trained with."""
        return self.info.get("pipeline")

    def count(self, key: str) -> int | None:
        """An integer the training recorded (``human_codings``, ``rejected_total``, …), None when absent."""
        value = self.info.get(key)
        return value if isinstance(value, int) else None


class Models(Repository):
    """Trained models by name."""

    def info(self, name: str = SUGGESTER) -> ModelInfo | None:
        """The stored model's version and info, or None (none trained, or a file from before models)."""
        try:
            row = self._conn.execute("SELECT version, info FROM models WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:  # a file made before the models table existed
            return None
        return ModelInfo(row[0], json.loads(row[1])) if row else None

    def data(self, name: str = SUGGESTER) -> bytes | None:
        """The stored model's weights, or None."""
        try:
            row = self._conn.execute("SELECT data FROM models WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return bytes(row[0]) if row else None

    def save(self, version: str, info: dict[str, Any], data: bytes, name: str = SUGGESTER) -> None:
        """Store (replace) a trained model; the caller holds the transaction."""
        self._conn.execute(DDL)
        self._conn.execute(
            "INSERT OR REPLACE INTO models(name, version, info, data, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, version, json.dumps(info, sort_keys=True), data, now()),
        )

    def count(self) -> int:
        """Models stored (0 in a file from before models)."""
        try:
            return int(self._conn.execute("SELECT count(*) FROM models").fetchone()[0])
        except sqlite3.OperationalError:
            return 0
