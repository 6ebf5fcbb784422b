"""Time `evalbench check` on transcripts with many turns: it must grow with the text, not turns x text.

Issue 18 measured 23 s to check one 350 KB transcript of 40,000 turns: the
per-turn bounds checks called ``length(d.text)`` for every row, and FTS5's own
content check read each turn through ``substr()`` over character offsets. The
check now compares with each document's stored length and compares the search
index through a temporary FTS5 table. This prints the time of `check` (and, for
reference, of storing the document) for one transcript of N turns, so that the
growth from N to 2N can be read off: linear means about twice.

    .venv/bin/python benchmarks/bench_check.py
    .venv/bin/python benchmarks/bench_check.py --scale 10
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalbench.ingest.document import transcript  # noqa: E402
from evalbench.project import Project  # noqa: E402
from evalbench.store import integrity  # noqa: E402


def one_transcript(folder: Path, turns: int) -> Path:
    path = folder / f"long{turns}.evb"
    pairs = [("Interviewer" if i % 2 == 0 else "P01", f"turn {i} ok") for i in range(turns)]
    started = time.perf_counter()
    with Project.init(path) as proj:
        doc_id = proj.add_document(transcript(f"long{turns}.txt", pairs, fmt="txt", sha256=f"{turns:064x}"))
        size = len(proj.document_text(doc_id))
    print(f"store {turns:,} turns ({size / 1e3:.0f} K characters): {time.perf_counter() - started:.2f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="1: 20,000 and 40,000 turns; 10: 200,000 and 400,000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for turns in (20_000 * args.scale, 40_000 * args.scale):
            path = one_transcript(Path(tmp), turns)
            started = time.perf_counter()
            problems = integrity.check_file(path).problems  # what `evalbench check` runs (opening included)
            took = time.perf_counter() - started
            assert problems == [], problems
            print(f"check {turns:,} turns: {took:.2f} s")


if __name__ == "__main__":
    main()
