"""Time transcript import against a bare floor, at realistic and 10x scale, and in turns per document.

Generates a synthetic corpus (``benchmarks/corpus.py``: ~8,000-word interviews,
mixed txt/docx/vtt/srt) in a temporary folder and, in one run, alternately:

- imports it with ``Project.import_paths`` into a fresh project (parsing every
  layout family, roles, checks and the per-file report, storing, FTS5 index);
- runs a bare floor over the same files: read and decode each file (a Word file's
  ``w:t`` text by regular expression), split turns at ``Name:`` lines, and insert
  documents, speakers, turns and FTS5 rows in ONE transaction.

The ratio import / floor is the figure to watch: both see the same machine load,
so it holds on a shared machine where wall times do not (issue 13: 2.5x before,
target <= 1.8x). Then it imports one transcript of 40,000 and one of 200,000
short turns: import must be linear in text size (issue 18: 12 s and ~280 s before).

Targets (issue 2): 200 transcripts in <= 30 s on the 2-core machine, growing no
worse than linearly; project file <= 3x the raw text.

    .venv/bin/python benchmarks/bench_import.py            # 200 transcripts, 3 alternating repeats
    .venv/bin/python benchmarks/bench_import.py --scale 10 # 2,000 transcripts
    .venv/bin/python benchmarks/bench_import.py --profile  # top functions by cumulative time
"""

from __future__ import annotations

import argparse
import cProfile
import html
import pstats
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import write_corpus  # noqa: E402

from evalbench.project import Project  # noqa: E402

_FLOOR_LABEL = re.compile(r"^(?:\[[\d:]+\] )?(?:<v )?([^:<>\n]{1,40}?)(?::|>) ?(.*?)(?:</v>)?$")
_W_P = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_W_T = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def _floor_text(path: Path) -> str:
    """A file's text, read the cheapest way: decode, or pull a Word file's w:t runs by regular expression."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("word/document.xml").decode("utf-8")
        return "\n".join(html.unescape("".join(_W_T.findall(p))) for p in _W_P.findall(xml))
    return path.read_bytes().decode("utf-8")


def _floor_turns(text: str) -> list[list]:
    """(speaker, text) turns split at ``Name:`` lines; timing and cue-number lines dropped."""
    turns: list[list] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or "-->" in line or line.isdigit() or line == "WEBVTT":
            continue
        m = _FLOOR_LABEL.match(line)
        if m:
            turns.append([m[1], m[2]])
        elif turns:
            turns[-1][1] += " " + line
        else:
            turns.append([None, line])
    return turns


def floor(files: list[Path], path: Path) -> tuple[float, float]:
    """(wall s, CPU s) of the bare floor over ``files`` into a fresh project file at ``path``."""
    Project.init(path, coder="bench").close()
    t0, c0 = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("BEGIN IMMEDIATE")
    turn_id = 0
    for i, file in enumerate(files):
        turns = _floor_turns(_floor_text(file))
        parts, spans, pos = [], [], 0
        for speaker, said in turns:
            prefix = f"{speaker}: " if speaker else ""
            spans.append((speaker, pos + len(prefix), pos + len(prefix) + len(said)))
            parts.append(prefix + said)
            pos += len(prefix) + len(said) + 2
        text = "\n\n".join(parts)
        doc = conn.execute(
            "INSERT INTO documents(name, path, sha256, format, text, length, words, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (file.name, str(file), f"floor{i}", file.suffix, text, len(text), len(text.split()), "now"),
        ).lastrowid
        speakers = {
            s: conn.execute(
                "INSERT INTO speakers(document_id, label, role) VALUES (?, ?, 'participant')", (doc, s)
            ).lastrowid
            for s in dict.fromkeys(s for s, _, _ in spans)
        }
        rows = [(turn_id + j + 1, doc, j + 1, speakers[s], a, b) for j, (s, a, b) in enumerate(spans)]
        conn.executemany(
            'INSERT INTO turns(id, document_id, seq, speaker_id, start, "end") VALUES (?, ?, ?, ?, ?, ?)', rows
        )
        conn.executemany("INSERT INTO turns_fts(rowid, text) VALUES (?, ?)", [(r[0], text[r[4] : r[5]]) for r in rows])
        turn_id += len(rows)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - t0, time.process_time() - c0


def import_once(corpus: Path, path: Path, profiler: cProfile.Profile | None = None) -> tuple[float, float, object]:
    """(wall s, CPU s, report) of importing ``corpus`` into a fresh project at ``path``."""
    project = Project.init(path, coder="bench")
    t0, c0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    report = project.import_paths([corpus])
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    project.close()  # the last close checkpoints the WAL into the main file
    return seconds, cpu, report


def many_turns(workdir: Path, n: int) -> float:
    """Seconds to import one transcript of ``n`` short alternating turns (about 8 bytes of text each)."""
    path = workdir / f"turns_{n}.txt"
    path.write_text("\n".join(f"{'AB'[i % 2]}: ok {i % 97}" for i in range(n)), encoding="utf-8")
    project = Project.init(workdir / f"turns_{n}.evb", coder="bench")
    t0 = time.perf_counter()
    report = project.import_paths([path])
    seconds = time.perf_counter() - t0
    assert report.imported and len(project.turns()) == n, "every turn lands"
    project.close()
    return seconds


def run(
    n: int,
    workdir: Path,
    *,
    repeat: int = 3,
    profile: bool = False,
    corpus: Path | None = None,
    turns: tuple[int, ...] = (40_000, 200_000),
) -> dict:
    """Generate ``n`` transcripts (or reuse ``corpus``), time import and floor alternately, return the figures."""
    corpus = corpus or workdir / f"corpus_{n}"
    t0 = time.perf_counter()
    files = sorted(corpus.glob("interview_*")) if corpus.is_dir() else []
    if len(files) != n:
        files = write_corpus(corpus, n)
    generated = time.perf_counter() - t0
    input_bytes = sum(p.stat().st_size for p in files)
    floors, floor_cpus, imports, cpus = [], [], [], []
    report = None
    profiler = cProfile.Profile() if profile else None
    for i in range(repeat):
        wall, cpu = floor(files, workdir / f"floor_{n}_{i}.evb")
        floors.append(wall)
        floor_cpus.append(cpu)
        project_path = workdir / f"bench_{n}_{i}.evb"
        seconds, cpu, report = import_once(corpus, project_path, profiler if i == 0 else None)
        imports.append(seconds)
        cpus.append(cpu)
    conn = sqlite3.connect(project_path)
    words, text_bytes, n_turns = conn.execute(
        "SELECT sum(words), sum(length(CAST(text AS BLOB))), (SELECT count(*) FROM turns) FROM documents"
    ).fetchone()
    conn.close()
    file_bytes = project_path.stat().st_size + sum(
        p.stat().st_size for p in project_path.parent.glob(project_path.name + "-*")
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    seconds = statistics.median(imports)
    return {
        "transcripts": n,
        "imported": len(report.imported),
        "failed": len(report.failed),
        "warnings": report.file_warnings,
        "turns": n_turns,
        "words": words,
        "generate_s": generated,
        "import_s": seconds,
        "cpu_s": statistics.median(cpus),
        "floor_s": statistics.median(floors),
        "ratios": [a / b for a, b in zip(imports, floors)],
        "words_per_s": words / seconds,
        "floor_cpu_s": statistics.median(floor_cpus),
        "cpu_ratios": [a / b for a, b in zip(cpus, floor_cpus)],
        "input_mb": input_bytes / 1e6,
        "text_mb": text_bytes / 1e6,
        "project_mb": file_bytes / 1e6,
        "ratio": file_bytes / text_bytes,
        "many_turns": {k: many_turns(workdir, k) for k in turns},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="multiple of 200 transcripts (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="import and floor runs, alternating (default 3)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the first import")
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--corpus", type=Path, help="keep the generated corpus here and reuse it next time")
    args = parser.parse_args()
    n = 200 * args.scale
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        r = run(n, Path(tmp), repeat=args.repeat, profile=args.profile, corpus=args.corpus)
    ratios = ", ".join(f"{x:.2f}" for x in r["ratios"])
    cpu_ratios = ", ".join(f"{x:.2f}" for x in r["cpu_ratios"])
    print(
        f"{r['transcripts']} transcripts ({r['imported']} imported, {r['failed']} failed, {r['warnings']} warnings), "
        f"{r['turns']:,} turns, {r['words']:,} words\n"
        f"  corpus generated in {r['generate_s']:.1f} s ({r['input_mb']:.1f} MB of files)\n"
        f"  import + FTS index: {r['import_s']:.1f} s = {r['import_s'] / n * 1000:.0f} ms/transcript, "
        f"{r['words_per_s']:,.0f} words/s (CPU {r['cpu_s']:.1f} s; the machine is shared)\n"
        f"  bare floor (read, split, insert, FTS in one transaction): {r['floor_s']:.1f} s "
        f"(CPU {r['floor_cpu_s']:.1f} s)\n"
        f"  import / floor, run by run: {ratios} (median {statistics.median(r['ratios']):.2f}x; target <= 1.8x)\n"
        f"  import / floor in CPU time, run by run: {cpu_ratios} (median {statistics.median(r['cpu_ratios']):.2f}x)\n"
        f"  project file {r['project_mb']:.1f} MB vs raw text {r['text_mb']:.1f} MB = {r['ratio']:.2f}x"
    )
    for k, seconds in r["many_turns"].items():
        print(f"  one transcript of {k:,} turns: {seconds:.1f} s")


if __name__ == "__main__":
    main()
