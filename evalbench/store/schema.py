"""The project file's schema: tables, triggers, full-text index and migrations.

One SQLite file holds one project. The schema version lives in ``meta`` under
``schema_version``; :data:`MIGRATIONS` maps each later version to the function
that upgrades a file from the version before it. Document text is protected by a
trigger so that coded character offsets can never drift.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 3

#: Valence a coding can carry (DESIGN.md, data model).
VALENCES = ("barrier", "facilitator", "mixed", "neutral", "none")
#: Where a coding came from.
ORIGINS = ("manual", "suggestion", "rule", "import", "merge")
#: Speaker roles.
ROLES = ("interviewer", "participant")
#: How a speaker's role was decided (``speakers.role_source``); see evalbench/ingest/roles.py.
ROLE_SOURCES = ("label", "recurring", "detected", "default", "user")

_V1 = f"""
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE participants (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL UNIQUE
);

CREATE TABLE participant_attributes (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    value          TEXT,
    PRIMARY KEY (participant_id, name)
);

CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    path           TEXT,
    sha256         TEXT NOT NULL UNIQUE,
    format         TEXT NOT NULL,
    text           TEXT NOT NULL,
    length         INTEGER NOT NULL,  -- characters in text: the bound every offset must respect
    words          INTEGER NOT NULL DEFAULT 0,
    participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
    metadata       TEXT NOT NULL DEFAULT '{{}}',
    imported_at    TEXT NOT NULL
);
CREATE INDEX documents_name ON documents(name);

-- The text is what every coding points into: it never changes after import.
CREATE TRIGGER documents_text_immutable BEFORE UPDATE OF text, length ON documents
BEGIN
    SELECT RAISE(ABORT, 'document text is immutable after import');
END;

CREATE TABLE speakers (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    label       TEXT,
    role        TEXT NOT NULL CHECK (role IN {ROLES!r}),
    role_source TEXT NOT NULL DEFAULT 'detected'
                CHECK (role_source IN {ROLE_SOURCES!r}),
    UNIQUE (document_id, label)
);

CREATE TABLE turns (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    speaker_id  INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    time        TEXT,
    UNIQUE (document_id, seq),
    CHECK (start >= 0 AND "end" >= start)
);
CREATE INDEX turns_document ON turns(document_id, start);

CREATE VIEW turn_texts AS
    SELECT t.id AS id, substr(d.text, t.start + 1, t."end" - t.start) AS text
    FROM turns t JOIN documents d ON d.id = t.document_id;

-- External-content index: the text lives once, in documents.text.
CREATE VIRTUAL TABLE turns_fts USING fts5(
    text, content='turn_texts', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE codes (
    id              TEXT PRIMARY KEY,
    parent_id       TEXT REFERENCES codes(id) ON UPDATE CASCADE ON DELETE RESTRICT,
    name            TEXT NOT NULL,
    definition      TEXT NOT NULL DEFAULT '',
    inclusion       TEXT NOT NULL DEFAULT '',
    exclusion       TEXT NOT NULL DEFAULT '',
    examples        TEXT NOT NULL DEFAULT '[]',
    keywords        TEXT NOT NULL DEFAULT '[]',
    color           TEXT,
    valence_applies INTEGER NOT NULL DEFAULT 1,
    position        INTEGER NOT NULL DEFAULT 0,
    extra           TEXT NOT NULL DEFAULT '{{}}'
);
CREATE INDEX codes_parent ON codes(parent_id, position);

CREATE TABLE coders (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE suggestions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    turn_id       INTEGER REFERENCES turns(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    code_id       TEXT NOT NULL REFERENCES codes(id) ON UPDATE CASCADE ON DELETE CASCADE,
    score         REAL NOT NULL,
    valence       TEXT CHECK (valence IS NULL OR valence IN {VALENCES!r}),
    evidence      TEXT NOT NULL DEFAULT '[]',
    source        TEXT NOT NULL,
    model         TEXT NOT NULL,
    model_version TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    coder         TEXT,
    created_at    TEXT NOT NULL,
    decided_at    TEXT
);
CREATE INDEX suggestions_turn ON suggestions(turn_id, status);

-- Trained suggestion models (evalbench/suggest), kept inside the project so they travel with it.
CREATE TABLE models (
    name       TEXT PRIMARY KEY,
    version    TEXT NOT NULL,
    info       TEXT NOT NULL DEFAULT '{{}}',
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE codings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    code_id       TEXT NOT NULL REFERENCES codes(id) ON UPDATE CASCADE ON DELETE RESTRICT,
    coder         TEXT NOT NULL,
    valence       TEXT NOT NULL DEFAULT 'none' CHECK (valence IN {VALENCES!r}),
    memo          TEXT NOT NULL DEFAULT '',
    origin        TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN {ORIGINS!r}),
    suggestion_id INTEGER REFERENCES suggestions(id) ON DELETE SET NULL,
    starred       INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX codings_document ON codings(document_id, start);
CREATE INDEX codings_code ON codings(code_id);
CREATE INDEX codings_coder ON codings(coder);
-- The child key of a foreign key: without it every deleted suggestion scans all codings.
CREATE INDEX codings_suggestion ON codings(suggestion_id);

-- Offsets must stay inside the text they point into.
CREATE TRIGGER codings_in_bounds_insert BEFORE INSERT ON codings
WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'coding ends past the end of its document');
END;
CREATE TRIGGER codings_in_bounds_update BEFORE UPDATE OF start, "end", document_id ON codings
WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'coding ends past the end of its document');
END;

-- Ids of rows that undo can bring back are never reused (AUTOINCREMENT).
-- Memos attach to anything: target_type names the kind, target_id its key.
CREATE TABLE memos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    target_type TEXT NOT NULL CHECK (target_type IN
                ('project', 'document', 'turn', 'code', 'coding', 'cell')),
    target_id   TEXT NOT NULL,
    coder       TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (target_type, target_id, coder)
);

-- CFIR construct ratings (-2..+2, X mixed, M missing) per participant or site.
CREATE TABLE ratings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code_id     TEXT NOT NULL REFERENCES codes(id) ON UPDATE CASCADE ON DELETE CASCADE,
    scope_type  TEXT NOT NULL CHECK (scope_type IN ('participant', 'site')),
    scope_value TEXT NOT NULL,
    rating      TEXT NOT NULL CHECK (rating IN ('-2', '-1', '0', '+1', '+2', 'X', 'M')),
    rationale   TEXT NOT NULL DEFAULT '',
    proposed    TEXT,
    confirmed   INTEGER NOT NULL DEFAULT 0,
    coder       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (code_id, scope_type, scope_value, coder)
);

-- Consensus decisions on intercoder disagreements (team/consensus.py): which
-- coders' coding of a unit the consensus coder kept; coding_ids are the
-- consensus codings the decision created (JSON list).
CREATE TABLE consensus_decisions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start           INTEGER NOT NULL,
    "end"           INTEGER NOT NULL,
    code_id         TEXT NOT NULL REFERENCES codes(id) ON UPDATE CASCADE ON DELETE CASCADE,
    unit            TEXT NOT NULL CHECK (unit IN ('turn', 'char')),
    coders          TEXT NOT NULL,
    decision        TEXT NOT NULL CHECK (decision IN ('keep_a', 'keep_b', 'both', 'neither')),
    consensus_coder TEXT NOT NULL DEFAULT 'consensus',
    coding_ids      TEXT NOT NULL DEFAULT '[]',
    decided_by      TEXT NOT NULL,
    decided_at      TEXT NOT NULL,
    UNIQUE (document_id, start, "end", code_id, consensus_coder)
);

-- The persistent undo log: one row per user action, holding the row changes
-- needed to reverse it (see store/undo.py).
CREATE TABLE undo_log (
    id         INTEGER PRIMARY KEY,
    coder      TEXT NOT NULL,
    label      TEXT NOT NULL,
    changes    TEXT NOT NULL,
    undone     INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX undo_log_coder ON undo_log(coder, undone, id);
"""


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table of the current schema version (inside the caller's transaction).

    A new file is built as version 1 and then taken through every migration, so
    the DDL of each version is written once and new and migrated files cannot differ.
    """
    run_script(conn, _V1)
    for version in range(2, SCHEMA_VERSION + 1):
        MIGRATIONS[version](conn)
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run SQL statements one by one, so they join the open transaction.

    ``executescript`` would commit first; migrations and creation must be atomic.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        if not statement and (not line.strip() or line.lstrip().startswith("--")):
            continue
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement[:60]}")


# Version 2: findings (themes) and where each coder left off reading.
#
# Themes are the team's synthesis across codes (DESIGN.md, data model): ordered
# categories (Successes / Barriers / Lessons learned), themes inside them, and the
# evidence each theme gathers: rules (a code, optionally only one valence), codings
# added or excluded by hand, and the exemplar quotes the lead picked, in order.
# theme_codings and theme_exemplars name a coding by id without a foreign key on
# purpose: a removed coding leaves its link in place, ignored while the coding is
# gone, so undoing the removal (which restores the same id; codings use
# AUTOINCREMENT) brings the theme link back too. A cascade would delete the link
# outside the undo log. Removing a theme, rule or category goes through the undo
# log row by row; the cascades on theme_id are a safety net, not the mechanism.
_V2 = f"""
CREATE TABLE theme_categories (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE themes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    category_id  INTEGER NOT NULL REFERENCES theme_categories(id) ON DELETE RESTRICT,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    cfir_code_id TEXT REFERENCES codes(id) ON UPDATE CASCADE ON DELETE RESTRICT,
    created_at   TEXT NOT NULL,
    UNIQUE (category_id, name)
);
CREATE INDEX themes_category ON themes(category_id, position);

CREATE TABLE theme_rules (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    theme_id INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    code_id  TEXT NOT NULL REFERENCES codes(id) ON UPDATE CASCADE ON DELETE RESTRICT,
    valence  TEXT CHECK (valence IS NULL OR valence IN {VALENCES!r}),
    position INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX theme_rules_unique ON theme_rules(theme_id, code_id, coalesce(valence, ''));
CREATE INDEX theme_rules_code ON theme_rules(code_id);

CREATE TABLE theme_codings (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    theme_id  INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    coding_id INTEGER NOT NULL,  -- no foreign key: see the note above
    included  INTEGER NOT NULL CHECK (included IN (0, 1)),  -- 1 added by hand, 0 excluded by hand
    UNIQUE (theme_id, coding_id)
);

CREATE TABLE theme_exemplars (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    theme_id  INTEGER NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    coding_id INTEGER NOT NULL,  -- no foreign key: see the note above
    position  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (theme_id, coding_id)
);

-- Where each coder left off in each transcript (not undoable: it is a place, not a change).
CREATE TABLE reading_positions (
    coder       TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    "offset"    INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (coder, document_id)
);
"""


def _migrate_v2(conn: sqlite3.Connection) -> None:
    run_script(conn, _V2)


# Version 3: where an accepted suggestion came from, on the coding itself, and the confidence shown.
#
# A coding accepted from a suggestion (origin 'suggestion') names the suggesting model and its
# version, so that merging projects and exchanging .qdpx files keep them when the suggestion row
# does not travel with the coding (a methods section must be able to say which model proposed it).
# A suggestion keeps the words its confidence was shown in ("often right"), as calibrated when the
# model was trained (evalbench/suggest/calibration.py). turn_words keeps the words the suggestion
# ranker read in each participant turn (a cache: evalbench/store/turn_words.py).
_V3 = """
ALTER TABLE codings ADD COLUMN suggest_model TEXT;
ALTER TABLE codings ADD COLUMN suggest_model_version TEXT;
ALTER TABLE suggestions ADD COLUMN confidence TEXT;
CREATE TABLE IF NOT EXISTS turn_words (
    turn_id INTEGER PRIMARY KEY REFERENCES turns(id) ON DELETE CASCADE,
    reader  TEXT NOT NULL,
    data    BLOB NOT NULL
);
"""


def _migrate_v3(conn: sqlite3.Connection) -> None:
    run_script(conn, _V3)
    conn.execute(
        "UPDATE codings SET suggest_model = (SELECT s.model FROM suggestions s WHERE s.id = suggestion_id), "
        "suggest_model_version = (SELECT s.model_version FROM suggestions s WHERE s.id = suggestion_id) "
        "WHERE suggestion_id IS NOT NULL"
    )


#: version -> function upgrading a file from ``version - 1`` to ``version``.
#: Each runs inside the migration transaction opened by ``store.db.migrate``.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _migrate_v2, 3: _migrate_v3}
