"""Time codebook work at realistic and 10x scale: files, REFI-QDA, appendix, diff/merge, project ops.

Realistic is the CFIR 2.0 template (72 codes); 10x is ten renamed copies of it
under one root (721 codes). Project operations use a project holding one
synthetic document and N codings on one code (200 realistic, 2,000 at 10x):
merge-codes moves all of them, pull updates every code.

    .venv/bin/python benchmarks/bench_codebook.py
    .venv/bin/python benchmarks/bench_codebook.py --scale 10
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalbench.codebook import load_codebook, make_codebook, save_codebook, template  # noqa: E402
from evalbench.codebook.appendix import codebook_markdown, write_codebook_docx  # noqa: E402
from evalbench.codebook.diff import diff_codebooks  # noqa: E402
from evalbench.codebook.merge import merge_codebooks  # noqa: E402
from evalbench.ingest.document import ParsedDocument, ParsedTurn  # noqa: E402
from evalbench.model import Code  # noqa: E402
from evalbench.project import Project  # noqa: E402


def scaled_codebook(scale: int):
    base = template("cfir2")
    if scale == 1:
        return base
    codes = [Code(id="all", name="All copies")]
    for k in range(scale):
        for c in base.codes:
            codes.append(replace(c, id=f"c{k}.{c.id}", parent_id=f"c{k}.{c.parent_id}" if c.parent_id else "all"))
    return make_codebook(codes, meta=base.meta)


def timed(fn, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def project_with_codings(path: Path, book, n: int) -> tuple[Project, str, str]:
    proj = Project.init(path, coder="bench")
    proj.add_codes(book.codes)
    text = "\n\n".join(f"P: sentence number {i} about competing priorities and protected time." for i in range(n))
    turns, pos = [], 0
    for para in text.split("\n\n"):
        turns.append(ParsedTurn(speaker="P", start=pos + 3, end=pos + len(para), time=None))
        pos += len(para) + 2
    doc_id = proj.add_document(
        ParsedDocument(
            name="bench.txt",
            path="bench.txt",
            format="txt",
            text=text,
            turns=turns,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        )
    )
    leaves = [c.id for c in book.codes if not book.children(c.id)]
    source, target = leaves[0], leaves[1]
    proj.add_codings(
        [
            {"document_id": doc_id, "start": t.start, "end": t.end, "code_id": source, "valence": "barrier"}
            for t in turns
        ],
        label="bench codings",
    )
    return proj, source, target


def run(scale: int, work: Path) -> dict:
    book = scaled_codebook(scale)
    n = len(book.codes)
    yaml_path, json_path, qdc_path = work / "b.yaml", work / "b.json", work / "b.qdc"
    save_codebook(book, yaml_path)
    out = {"codes": n}
    out["load yaml"] = timed(lambda: load_codebook(yaml_path))
    loaded = load_codebook(yaml_path)
    out["save yaml (round trip)"] = timed(lambda: save_codebook(loaded, yaml_path))
    out["save json"] = timed(lambda: save_codebook(book, json_path))
    out["load json"] = timed(lambda: load_codebook(json_path))
    out["export qdc"] = timed(lambda: save_codebook(book, qdc_path))
    out["import qdc"] = timed(lambda: load_codebook(qdc_path))
    out["appendix docx"] = timed(lambda: write_codebook_docx(book, work / "a.docx"), repeat=1)
    out["appendix md"] = timed(lambda: codebook_markdown(book))
    edited = make_codebook(
        [replace(c, name=c.name + " (v2)") if i % 3 == 0 else c for i, c in enumerate(book.codes)], meta=book.meta
    )
    theirs = make_codebook(
        [replace(c, definition=c.definition + " More.") if i % 2 == 0 else c for i, c in enumerate(book.codes)],
        meta=book.meta,
    )
    out["diff"] = timed(lambda: diff_codebooks(book, edited))
    out["merge (3-way)"] = timed(lambda: merge_codebooks(book, edited, theirs))

    n_codings = 200 * scale
    proj, source, target = project_with_codings(work / "p.evb", book, n_codings)
    with proj:
        out[f"pull (every code edited, {n})"] = timed(lambda: proj.pull_codebook(theirs), repeat=1)
        t0 = time.perf_counter()
        proj.merge_codes([source], target)
        out[f"merge-codes ({n_codings} codings)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        proj.undo()
        out["undo merge-codes"] = time.perf_counter() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="copies of CFIR 2.0 (1 = realistic, 10 = 10x)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args.scale, Path(tmp))
    print(f"scale {args.scale}: {figures.pop('codes')} codes")
    for name, seconds in figures.items():
        print(f"  {name:<34} {seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
