"""Check that a change to the suggestion engine stores exactly the same suggestions.

Ranks every participant turn of a copy of PROJECT twice (suggestions
deleted first, so rows are inserted; then again, so rows are updated) and
writes or compares every stored open suggestion: id, turn, span, code,
score, valence, evidence, source, model and version. Record with the old
code, compare with the new one, on the same file (a trained model inside it,
so nothing is retrained):

    .venv/bin/python benchmarks/suggest_same.py big.evb --save before.json   # old code
    .venv/bin/python benchmarks/suggest_same.py big.evb --against before.json  # new code

Exit status 1 and the first differences when anything differs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalbench.project import Project  # noqa: E402

COLS = 'id, document_id, turn_id, start, "end", code_id, score, valence, evidence, source, model, model_version'


def stored(path: Path, coder: str) -> dict[str, list]:
    """Open suggestions after a first (inserting) and a second (updating) refresh of a copy of ``path``."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copy(path, copy)
        conn = sqlite3.connect(copy)
        conn.execute("DELETE FROM suggestions WHERE status = 'open'")
        conn.commit()
        conn.close()
        with Project.open(copy, coder=coder) as project:
            if project.suggester_stale():
                raise SystemExit(f"{path}: its model is stale; train it once first so that no run retrains")
            for run in ("inserts", "updates"):
                returned = [
                    [s.id, s.code_id, s.score, s.valence, list(s.evidence), s.source] for s in project.suggestions()
                ]
                with closing(sqlite3.connect(copy)) as conn:
                    rows = conn.execute(f"SELECT {COLS} FROM suggestions WHERE status = 'open' ORDER BY id").fetchall()
                out[run] = [list(r) for r in rows]
                out[run + " (returned)"] = returned
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--coder", default="alex")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="Write the stored suggestions here.")
    group.add_argument("--against", type=Path, help="Compare with suggestions saved earlier.")
    args = parser.parse_args()
    now = json.loads(json.dumps(stored(args.project, args.coder)))
    if args.save:
        args.save.write_text(json.dumps(now))
        print(f"{args.project}: {', '.join(f'{len(v):,} {k}' for k, v in now.items())} -> {args.save}")
        return
    before = json.loads(args.against.read_text())
    bad = 0
    for run, rows in before.items():
        if rows == now.get(run):
            print(f"{run}: {len(rows):,} suggestions, identical")
            continue
        other = now.get(run, [])
        diffs = [(a, b) for a, b in zip(rows, other) if a != b]
        print(f"{run}: DIFFERENT ({len(rows):,} before, {len(other):,} now, {len(diffs):,} rows differ)")
        for a, b in diffs[:5]:
            print(f"  before {a}\n  now    {b}")
        bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
