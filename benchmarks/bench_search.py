"""Time full-text search over speaker turns (FTS5) at realistic and 10x scale.

Uses the project of ``bench_qdpx.py`` (N interviews of ~8,000 words, 1.6 M
words at N = 200) and times ``Project.search`` -- what the TUI's search box
and ``evalbench search`` call -- for a common word, a rarer word, a phrase, a
prefix, a boolean query, punctuation that is not FTS5 syntax, and a word that
is nowhere. Each query is run once to warm the page cache, then timed.

    .venv/bin/python benchmarks/bench_search.py             # 200 interviews
    .venv/bin/python benchmarks/bench_search.py --scale 10  # 2,000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_qdpx import build  # noqa: E402

QUERIES = {
    "common word": "patient",
    "rarer word": "dashboard",
    "phrase": '"case review"',
    "prefix": "huddl*",
    "boolean": "safety AND NOT culture",
    "punctuation": "what's (the) plan?",
    "no hits": "zzzyqx",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="1 = 200 interviews, 10 = 2,000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = 200 * args.scale
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        proj = build(Path(tmp) / "bench.evb", n)
        turns = proj.store.turns.count()
        print(f"built {n} interviews, {turns:,} turns in {time.perf_counter() - t0:.1f} s")
        for label, query in QUERIES.items():
            hits = proj.search(query)
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                proj.search(query)
                times.append(time.perf_counter() - t0)
            print(
                f"search, {label}: {statistics.median(times) * 1000:.1f} ms "
                f"({len(hits)} hits shown, limit 200; median of {args.repeat})"
            )
        proj.close()


if __name__ == "__main__":
    main()
