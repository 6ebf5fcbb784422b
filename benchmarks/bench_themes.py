"""Time the findings (issue 17) at the issue's scale: 200 interviews, 30 themes, 12,000 codings.

Builds (in a temporary folder, or ``--keep DIR``) 200 interviews of ~8,000
words (CFIR 2.0, participants with a role and a site), 12,000 codings by two
coders (alex and sam, 6,000 each on sentence-sized spans of participant
turns), 30 themes in three categories with 2-4 rules each (some of one
valence) and a few picked exemplars; then measures:

- ``evalbench themes list --json`` in a fresh process (what a user waits for),
  for one coder, for every coder (passages merged), and — after a complete
  consensus coding is added (a copy of both coders' codings, so 24,000 codings
  then) — with no ``--coder``, which checks that the consensus is complete;
- the same table in-process: cold (the evidence read from the store) and warm;
- the thematic matrix by site, and the quotes behind one cell;
- the Themes screen through Textual's Pilot at 140x45: F5 until idle, the first
  time (the screen is built) and again (shown and recounted); a rule change
  (Enter on the valence) until the recount is on screen; beside them a key
  bound to nothing (Pilot's own round trip).

Targets (issue 17): themes list --json <= 0.5 s, screen open <= 200 ms, rule
change on screen <= 100 ms. Medians of wall time (and CPU for the in-process
figures). Timings are never asserted in tests.

    .venv/bin/python benchmarks/bench_themes.py [--docs 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import _Writer, interview_turns  # noqa: E402

from evalbench.codebook import load_codebook_source  # noqa: E402
from evalbench.ingest.document import transcript  # noqa: E402
from evalbench.project import Project  # noqa: E402

ROLES = ("physician", "nurse", "leader", "quality_safety", "researcher")
SITES = tuple(f"Site {c}" for c in "ABCDEFGH")
CATEGORIES = ("Successes", "Barriers", "Lessons learned")
VALENCE = {"Successes": "facilitator", "Barriers": "barrier", "Lessons learned": None}


def build(path: Path, docs: int, codings: int) -> None:
    rng, writer = random.Random(17), _Writer(17)
    roles = {"Interviewer": ("interviewer", "label"), "Participant": ("participant", "label")}
    with Project.init(path, coder="lead") as project:
        codes = load_codebook_source("cfir2")
        project.add_codes(codes)
        leaves = [c.id for c in codes if c.parent_id]
        rows = []
        per_doc = codings // docs
        for n in range(1, docs + 1):
            parsed = transcript(
                f"p{n:03d}.txt",
                [("Interviewer" if who == 0 else "Participant", text) for who, text in interview_turns(writer, 8000)],
            )
            doc_id = project.add_document(parsed, roles)
            project.set_participant(doc_id, f"P{n:03d}", {"role": ROLES[n % len(ROLES)], "site": SITES[n % len(SITES)]})
            turns = [t for t in parsed.turns if t.speaker == "Participant" and t.end - t.start > 60]
            for i in range(per_doc):
                t = rng.choice(turns)
                start = rng.randrange(t.start, t.end - 40)
                rows.append(
                    {
                        "document_id": doc_id,
                        "start": start,
                        "end": min(t.end, start + rng.randint(60, 500)),
                        "code_id": rng.choice(leaves),
                        "coder": ("alex", "sam")[i % 2],
                        "valence": rng.choice(("barrier", "facilitator", "facilitator", "mixed", "neutral")),
                    }
                )
        project.add_codings(rows, label="generated codings")
        for i in range(30):
            category = CATEGORIES[i % 3]
            theme = project.themes.add(
                f"Theme {i + 1:02d}", category, description="A finding. " * 30, cfir=rng.choice(leaves)
            )
            for code in rng.sample(leaves, rng.randint(2, 4)):
                project.themes.link(theme.id, code, VALENCE[category])
        ids = [c.id for c in project.codings(coder="alex")]
        for theme in project.themes.list()[:10]:
            for cid in rng.sample(ids, 2):
                project.themes.pick(theme.id, cid)


def add_consensus(path: Path) -> None:
    """A complete consensus coding: every coding of alex and sam copied to the consensus coder."""
    with Project.open(path) as project:
        rows = [
            {
                "document_id": c.document_id,
                "start": c.start,
                "end": c.end,
                "code_id": c.code_id,
                "valence": c.valence,
                "coder": "consensus",
            }
            for c in project.codings()
        ]
        project.add_codings(rows, label="consensus copy")


def cli(path: Path, *args: str, runs: int = 5) -> str:
    """Medians of ``evalbench themes list PATH --json ARGS`` in a fresh interpreter: wall and the child's CPU."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "evalbench.cli", "themes", "list", str(path), "--json", *args],
            check=True,
            capture_output=True,
        )
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return f"{statistics.median(walls) * 1000:.0f} ms (CPU {statistics.median(cpus) * 1000:.0f} ms)"


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


async def screen_times(path: Path, runs: int = 5) -> dict[str, str]:
    """F5 (the first time: the screen is built; later: shown again and recounted), a rule change, an unbound
    key: medians of wall and CPU time."""
    from evalbench.tui.app import EvalbenchApp

    first, opened, changed, idle = [], [], [], []  # (wall, CPU) pairs
    with Project.open(path, coder="alex") as project:
        app = EvalbenchApp(project)
        app.suggest_delay = 0
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            for i in range(runs):
                t, c = time.perf_counter(), time.process_time()
                await pilot.press("f5")
                await pilot.pause()
                (first if i == 0 else opened).append((time.perf_counter() - t, time.process_time() - c))
                screen = app.screen
                before = len(project.themes.rules(screen.theme_id))
                await pilot.press("l", *"inner setting", "enter")  # a domain: no generated theme has its rule
                await pilot.pause()
                valence = ("barrier", "facilitator", "mixed", "neutral", "none")[i % 5]
                await pilot.press(*valence[:4])
                await pilot.pause()
                t, c = time.perf_counter(), time.process_time()
                await pilot.press("enter")  # the rule is stored, the theme recounted and shown
                await pilot.pause()
                changed.append((time.perf_counter() - t, time.process_time() - c))
                assert len(project.themes.rules(screen.theme_id)) == before + 1, "the rule change did not land"
                project.undo()  # a change from outside the screen: the next F5 recounts
                t, c = time.perf_counter(), time.process_time()
                await pilot.press("f12")
                await pilot.pause()
                idle.append((time.perf_counter() - t, time.process_time() - c))
                await pilot.press("f2")  # away to the documents, so the next F5 shows the screen again
                await pilot.pause()

    def med(pairs):
        return (
            f"{statistics.median(w for w, _ in pairs) * 1000:.0f} ms "
            f"(CPU {statistics.median(c for _, c in pairs) * 1000:.0f} ms)"
        )

    return {"first": med(first), "open": med(opened), "rule": med(changed), "idle": med(idle)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--codings", type=int, default=12000)
    ap.add_argument("--keep", type=Path, help="build the project in this folder (reused when there)")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="evalbench-themes-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "themes.evb"
    if not path.exists():
        t = time.perf_counter()
        build(path, args.docs, args.codings)
        print(f"built {args.docs} interviews, {args.codings} codings, 30 themes in {time.perf_counter() - t:.1f} s")
    with Project.open(path) as project:
        n = len(project.codings())
        if n > args.codings:
            print(f"(the kept project already holds a consensus: {n} codings)")
    print(f"themes list --json --coder alex: {cli(path, '--coder', 'alex')}")
    print(f"themes list --json --all-coders: {cli(path, '--all-coders')}")

    with Project.open(path) as project:
        service = project.themes
        alex, every = service.choose("alex"), service.choose(all_coders=True)

        def cold(choice):
            def run():
                service._cache.clear()
                service.table(choice)

            return run

        for label, fn in (
            ("table, one coder, cold (evidence read)", cold(alex)),
            ("table, one coder, warm", lambda: service.table(alex)),
            ("table, every coder (passages), cold", cold(every)),
            ("matrix by site, one coder, warm", lambda: service.matrix(alex, "site")),
            (
                "quotes of one matrix cell, warm",
                lambda: service.cell_quotes(alex, service.list()[0].id, "site", "Site A"),
            ),
        ):
            wall, cpu = timed(fn)
            print(f"{label}: {wall * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)")
    times = asyncio.run(screen_times(path))
    print(f"Themes screen, first F5 (built, 140x45): {times['first']}")
    print(f"Themes screen, F5 again after a change elsewhere (recounted): {times['open']}")
    print(f"rule change until shown: {times['rule']}")
    print(f"unbound key (Pilot round trip): {times['idle']}")
    with Project.open(path) as project:
        consensus = len(project.codings(coder="consensus"))
    if not consensus:
        add_consensus(path)
    print(f"themes list --json, complete consensus (24,000 codings): {cli(path)}")


if __name__ == "__main__":
    main()
