"""How good are the suggestions? Cross-validation by document on the sample study, and the held-out check.

Two measurements of the whole suggestion system as a user gets it (training
from the project file, the codebook's seed texts, ranking, threshold):

* ``cv``: the sample study (`evalbench demo`: 14 interviews, 8 coded by two
  coders) cross-validated by document. For each fold a copy of the project
  loses every coding of the fold's documents, is trained with
  ``Project.train_suggester`` and ranks those documents' participant turns.
* ``dev``: trained on the whole sample study, it ranks the four development
  interviews in ``benchmarks/devset/`` (a third clinical topic; these may be
  used to choose between designs, see its README);
* ``heldout``: the same for the six held-out interviews in
  ``benchmarks/heldout/`` (another topic, never used for tuning; leave it out
  with ``--no-heldout`` while choosing).

Metrics per coded participant turn (a turn's codes: every human coding
overlapping it): recall@1, recall@3, precision@1, precision@3, domain
recall@3; and, at the project's default threshold, how many suggestions are
shown per participant turn and how many of them are right (uncoded turns
count, every suggestion there is wrong).

It uses only ``Project`` and ``project.suggest.engine().rank(texts, k=,
with_valence=False, threshold=)`` (``service.engine(project)`` before the
suggestion service), so it runs unchanged against an older
evalbench: extract one (``git archive REV | tar -x -C /tmp/old``) and run this
script with ``EVALBENCH_SRC=/tmp/old``. ``--save FILE`` keeps the per-turn
results; ``--against FILE`` prints the paired difference with a 95 % bootstrap
interval (turns resampled; 2,000 draws).

    .venv/bin/python benchmarks/suggest_quality.py --save after.json
    EVALBENCH_SRC=/tmp/old .venv/bin/python benchmarks/suggest_quality.py --save before.json
    .venv/bin/python benchmarks/suggest_quality.py --against before.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("EVALBENCH_SRC", str(REPO)))

from evalbench.project import Project  # noqa: E402

HELDOUT = REPO / "benchmarks" / "heldout"
DEVSET = REPO / "benchmarks" / "devset"
SHOW_ALL = 1e-9  # a threshold every candidate passes, in old and new versions alike


def turn_codes(path: Path) -> list[tuple[int, int, str, set[str]]]:
    """(turn id, document id, text, human codes) of every participant turn in a coded document."""
    conn = sqlite3.connect(path)
    rows = conn.execute(
        'SELECT t.id, t.document_id, substr(d.text, t.start + 1, t."end" - t.start), t.start, t."end" '
        "FROM turns t JOIN documents d ON d.id = t.document_id LEFT JOIN speakers s ON s.id = t.speaker_id "
        "WHERE COALESCE(s.role, 'participant') = 'participant' AND t.document_id IN "
        "(SELECT DISTINCT document_id FROM codings WHERE origin != 'rule') ORDER BY t.document_id, t.seq"
    ).fetchall()
    codings = conn.execute("SELECT document_id, start, \"end\", code_id FROM codings WHERE origin != 'rule'").fetchall()
    conn.close()
    out = []
    for tid, doc, text, start, end in rows:
        codes = {c for d, s, e, c in codings if d == doc and s < end and e > start}
        out.append((tid, doc, text, codes))
    return out


def domains(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    parent = dict(conn.execute("SELECT id, parent_id FROM codes"))
    conn.close()
    out = {}
    for code in parent:
        cur = code
        while parent.get(cur):
            cur = parent[cur]
        out[code] = cur
    return out


def rank(project: Project, texts: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """(top ten of every text, what the default threshold shows)."""
    if hasattr(project, "suggest"):
        suggester = project.suggest.engine()
    else:  # an evalbench from before the suggestion service (see the module notes)
        from evalbench.suggest import service

        suggester = service.engine(project)
    ranked = [
        [c.code_id for c in cands] for cands in suggester.rank(texts, k=10, with_valence=False, threshold=SHOW_ALL)
    ]
    shown = [[c.code_id for c in cands] for cands in suggester.rank(texts, k=3, with_valence=False)]
    return ranked, shown


def per_turn(items, ranked, shown, dom) -> list[dict]:
    out = []
    for (tid, doc, _text, gold), r, s in zip(items, ranked, shown):
        row = {"turn": tid, "document": doc, "codes": len(gold), "shown": len(s), "shown_right": len(set(s) & gold)}
        if gold:
            gd = {dom.get(c, c) for c in gold}
            row.update(
                r1=len(set(r[:1]) & gold) / len(gold),
                r3=len(set(r[:3]) & gold) / len(gold),
                p1=float(bool(r) and r[0] in gold),
                p3=len(set(r[:3]) & gold) / 3,
                d3=len({dom.get(c, c) for c in r[:3]} & gd) / len(gd),
            )
        out.append(row)
    return out


def summary(rows: list[dict]) -> dict:
    coded = [r for r in rows if r["codes"]]
    shown = sum(r["shown"] for r in rows)
    out = {k: round(sum(r[k] for r in coded) / len(coded), 4) for k in ("r1", "r3", "p1", "p3", "d3")}
    out.update(
        turns=len(coded),
        all_turns=len(rows),
        shown_per_turn=round(shown / len(rows), 3),
        shown_precision=round(sum(r["shown_right"] for r in rows) / shown, 4) if shown else 0.0,
    )
    return out


def build_demo(folder: Path) -> Path:
    from evalbench.demo import build_demo as build

    path = folder / "demo.evb"
    build(path)
    return path


def build_heldout(folder: Path, source: Path = HELDOUT) -> Path:
    path = folder / f"{source.name}.evb"
    cli = [sys.executable, "-c", "import sys; from evalbench.cli import main; sys.exit(main())"]
    env = {**os.environ, "PYTHONPATH": os.environ.get("EVALBENCH_SRC", str(REPO))}
    for args in (
        ["init", str(path), "--codebook", "cfir2"],
        [
            "import",
            str(path),
            *map(str, sorted(source.glob("*.txt"))),
            "--participants",
            str(source / "participants.csv"),
        ],
        ["code", str(path), "--from-csv", str(source / "codings.csv")],
    ):
        subprocess.run(cli + args, check=True, capture_output=True, env=env)
    return path


def cross_validate(demo: Path, folder: Path, folds: int) -> list[dict]:
    items = turn_codes(demo)
    dom = domains(demo)
    docs = sorted({doc for _, doc, _, codes in items if codes})
    random.Random(0).shuffle(docs)
    fold_of = {d: i % folds for i, d in enumerate(docs)}
    ranked: dict[int, tuple] = {}
    for f in range(folds):
        test = [d for d in docs if fold_of[d] == f]
        copy = folder / f"fold{f}.evb"
        shutil.copy(demo, copy)
        conn = sqlite3.connect(copy)
        marks = ",".join("?" * len(test))
        conn.execute(f"DELETE FROM suggestions WHERE document_id IN ({marks})", test)
        conn.execute(f"DELETE FROM codings WHERE document_id IN ({marks})", test)
        conn.execute("DELETE FROM models")
        conn.commit()
        conn.close()
        with Project.open(copy, coder="checker") as project:
            project.train_suggester()
            here = [it for it in items if it[1] in test]
            r, s = rank(project, [it[2] for it in here])
            for it, rr, ss in zip(here, r, s):
                ranked[it[0]] = (rr, ss)
    kept = [it for it in items if it[0] in ranked]
    return per_turn(kept, [ranked[it[0]][0] for it in kept], [ranked[it[0]][1] for it in kept], dom)


def held_out(demo: Path, heldout: Path) -> list[dict]:
    items = turn_codes(heldout)
    with Project.open(demo, coder="checker") as project:
        project.train_suggester()
        r, s = rank(project, [it[2] for it in items])
    return per_turn(items, r, s, domains(heldout))


def bootstrap(a: list[float], b: list[float], draws: int = 2000) -> tuple[float, float, float]:
    rng = random.Random(0)
    d = [x - y for x, y in zip(a, b)]
    means = sorted(sum(d[rng.randrange(len(d))] for _ in d) / len(d) for _ in range(draws))
    return sum(d) / len(d), means[int(0.025 * draws)], means[int(0.975 * draws)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=8, help="Folds of documents for the sample study (8: one each).")
    parser.add_argument("--save", type=Path, help="Write per-turn results to this JSON file.")
    parser.add_argument("--against", type=Path, help="Compare with per-turn results saved earlier.")
    parser.add_argument(
        "--no-heldout", action="store_true", help="Leave the held-out check out (while choosing between designs)."
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="suggest_quality_") as tmp:
        folder = Path(tmp)
        demo = build_demo(folder)
        results = {"cv": cross_validate(demo, folder, args.folds), "dev": held_out(demo, build_heldout(folder, DEVSET))}
        if not args.no_heldout:
            results["heldout"] = held_out(demo, build_heldout(folder, HELDOUT))
    for name, rows in results.items():
        print(name, json.dumps(summary(rows)))
    if args.save:
        args.save.write_text(json.dumps(results))
    if args.against:
        before = json.loads(args.against.read_text())
        for name, rows in results.items():
            if name not in before:
                continue
            old = {r["turn"]: r for r in before[name]}
            pairs = [(r, old[r["turn"]]) for r in rows if r["codes"] and r["turn"] in old]
            for key in ("r1", "r3", "p1", "d3"):
                diff, lo, hi = bootstrap([a[key] for a, _ in pairs], [b[key] for _, b in pairs])
                print(f"{name} {key}: {diff:+.3f} (95% {lo:+.3f} to {hi:+.3f}), {len(pairs)} turns")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
