"""The project store: one SQLite file per project (schema, migrations, undo log)."""
