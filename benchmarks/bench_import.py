"""Time transcript import (parsing, storing, full-text indexing) at realistic and 10x scale.

Generates a synthetic corpus (``benchmarks/corpus.py``: ~8,000-word interviews,
mixed txt/docx/vtt/srt) in a temporary folder, imports it into a fresh project
with ``Project.import_paths`` and prints seconds, words per second and the
project file size against the raw text size.

Targets (issue 2): 200 transcripts in <= 30 s on the 2-core machine, growing no
worse than linearly; project file <= 3x the raw text.

    .venv/bin/python benchmarks/bench_import.py            # 200 transcripts
    .venv/bin/python benchmarks/bench_import.py --scale 10 # 2,000 transcripts
    .venv/bin/python benchmarks/bench_import.py --profile  # top functions by cumulative time
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import write_corpus  # noqa: E402

from evalbench.project import Project  # noqa: E402


def run(n: int, workdir: Path, *, profile: bool = False, corpus: Path | None = None) -> dict:
    """Generate ``n`` transcripts (or reuse ``corpus``), import them, and return the figures."""
    corpus = corpus or workdir / f"corpus_{n}"
    t0 = time.perf_counter()
    files = sorted(corpus.glob("interview_*")) if corpus.is_dir() else []
    if len(files) != n:
        files = write_corpus(corpus, n)
    generated = time.perf_counter() - t0
    input_bytes = sum(p.stat().st_size for p in files)

    project_path = workdir / f"bench_{n}.evb"
    project = Project.init(project_path, coder="bench")
    profiler = cProfile.Profile() if profile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    report = project.import_paths([corpus])
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    project.close()  # the last close checkpoints the WAL into the main file

    conn = sqlite3.connect(project_path)
    words, text_bytes, turns = conn.execute(
        "SELECT sum(words), sum(length(CAST(text AS BLOB))), (SELECT count(*) FROM turns) FROM documents"
    ).fetchone()
    conn.close()
    file_bytes = project_path.stat().st_size + sum(
        p.stat().st_size for p in project_path.parent.glob(project_path.name + "-*")
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return {
        "transcripts": n,
        "imported": len(report.imported),
        "failed": len(report.failed),
        "turns": turns,
        "words": words,
        "generate_s": generated,
        "import_s": seconds,
        "cpu_s": cpu,
        "words_per_s": words / seconds,
        "input_mb": input_bytes / 1e6,
        "text_mb": text_bytes / 1e6,
        "project_mb": file_bytes / 1e6,
        "ratio": file_bytes / text_bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="multiple of 200 transcripts (default 1)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--corpus", type=Path, help="keep the generated corpus here and reuse it next time")
    args = parser.parse_args()
    n = 200 * args.scale
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        r = run(n, Path(tmp), profile=args.profile, corpus=args.corpus)
    print(
        f"{r['transcripts']} transcripts ({r['imported']} imported, {r['failed']} failed), "
        f"{r['turns']:,} turns, {r['words']:,} words\n"
        f"  corpus generated in {r['generate_s']:.1f} s ({r['input_mb']:.1f} MB of files)\n"
        f"  import + FTS index: {r['import_s']:.1f} s = {r['import_s'] / n * 1000:.0f} ms/transcript, "
        f"{r['words_per_s']:,.0f} words/s (CPU {r['cpu_s']:.1f} s; the machine is shared)\n"
        f"  project file {r['project_mb']:.1f} MB vs raw text {r['text_mb']:.1f} MB = {r['ratio']:.2f}x"
    )


if __name__ == "__main__":
    main()
