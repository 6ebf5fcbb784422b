"""Time intercoder agreement: two coders, 20,000 participant turns × 72 codes (CFIR 2.0).

Builds a synthetic project (40 interviews of 500 interviewer + 500 participant
turns; alex codes ~30 % of participant turns with one or two CFIR codes, sam
agrees with alex ~80 % of the time and codes a few turns of his own), then
times ``Project.agreement`` on turns and on characters (percent, κ, α, Gwet's AC1,
prevalence, mean per-code κ), and the disagreement list. Target (issue 7):
agreement on turns ≤ 2 s.

    .venv/bin/python benchmarks/bench_agreement.py            # 20,000 participant turns
    .venv/bin/python benchmarks/bench_agreement.py --scale 10 # 200,000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalbench.codebook import load_codebook_source  # noqa: E402
from evalbench.ingest.document import ParsedDocument, transcript  # noqa: E402
from evalbench.project import Project  # noqa: E402
from evalbench.store.db import now  # noqa: E402

WORDS = (
    "time staff huddle review error safety leaders culture learning budget priority space "
    "training feedback patient nurse physician case report system"
).split()


def interview(rng: random.Random, name: str, turns: int) -> ParsedDocument:
    return transcript(
        name,
        [
            (
                "Interviewer" if i % 2 == 0 else "Participant",
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))),
            )
            for i in range(turns * 2)
        ],
    )


def build(path: Path, docs: int, turns_per_doc: int, seed: int = 7) -> Project:
    rng = random.Random(seed)
    project = Project.init(path, coder="alex")
    codes = load_codebook_source("cfir2")
    project.add_codes(codes)
    ids = [c.id for c in codes]
    roles = {"Interviewer": ("interviewer", "label"), "Participant": ("participant", "label")}
    rows = []
    for d in range(docs):
        doc_id = project.add_document(interview(rng, f"int{d:03}.txt", turns_per_doc), roles)
        for t in project.turns(doc_id):
            if t.role != "participant":
                continue
            if rng.random() < 0.3:
                for code in rng.sample(ids, rng.choice((1, 1, 2))):
                    rows.append((doc_id, t.start, t.end, code, "alex"))
                    if rng.random() < 0.8:
                        rows.append((doc_id, t.start, max(t.start + 1, t.end - rng.randint(0, 5)), code, "sam"))
            elif rng.random() < 0.05:
                rows.append((doc_id, t.start, t.end, rng.choice(ids), "sam"))
    # Written straight into the file (a second connection, one transaction): building is not what is measured,
    # and the project's own connection is its Store's.
    with closing(sqlite3.connect(project.path)) as conn, conn:
        conn.executemany(
            'INSERT INTO codings(document_id, start, "end", code_id, coder, created_at) VALUES (?, ?, ?, ?, ?, ?)',
            [(*r, now()) for r in rows],
        )
    return project


def timed(fn, runs: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    docs, per_doc = 40 * args.scale, 500
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        project = build(Path(tmp) / "bench.evb", docs, per_doc)
        n_codings = len(project.codings())
        print(
            f"built {docs} interviews, {docs * per_doc:,} participant turns, {n_codings:,} codings "
            f"in {time.perf_counter() - start:.1f} s"
        )
        coders = ["alex", "sam"]
        t, report = timed(lambda: project.agreement(coders), args.runs)
        o = report.overall
        print(
            f"agreement, turn units:      {t:6.3f} s  (pooled κ {o.kappa:.3f}, α {o.alpha:.3f}, AC1 {o.ac1:.3f}, "
            f"mean per-code κ {o.mean_kappa:.3f}, {o.codes_below} of {o.codes_rated} codes below 0.4; "
            f"{o.n_units:,} decisions, {sum(1 for c in report.codes if c.n_units)} codes in use)"
        )
        t, report = timed(lambda: project.agreement(coders, unit="char"), args.runs)
        print(f"agreement, char units:      {t:6.3f} s  ({report.units_per_code:,} characters per code)")
        t, found = timed(lambda: project.disagreements(coders), max(1, args.runs // 2))
        print(f"disagreement list (turns):  {t:6.3f} s  ({len(found):,} disagreements)")
        project.close()


if __name__ == "__main__":
    main()
