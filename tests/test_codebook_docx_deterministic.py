"""`evalbench codebook export --format docx` gives the same bytes for the same codebook, with no author or clock."""

from __future__ import annotations

import datetime as dt
import time
import zipfile

from click.testing import CliRunner

from evalbench.cli import main


def _export(out, *extra) -> bytes:
    result = CliRunner().invoke(main, ["codebook", "export", "cfir2", "--format", "docx", "-o", str(out), *extra])
    assert result.exit_code == 0, (result.output, result.exception)
    return out.read_bytes()


def test_two_exports_of_the_same_codebook_are_byte_identical_whatever_the_clock(tmp_path, monkeypatch):
    first = _export(tmp_path / "a.docx")
    later = time.time() + 86_400 + 7  # a day and a few seconds later: zip entry times would differ
    monkeypatch.setattr(time, "time", lambda: later)
    second = _export(tmp_path / "b.docx")
    assert first == second


def test_the_package_names_no_author_and_no_time_of_export(tmp_path):
    import docx

    out = tmp_path / "appendix.docx"
    _export(out)
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "python-docx" not in core
    props = docx.Document(str(out)).core_properties
    assert props.author == "" and props.last_modified_by == ""
    assert props.title.startswith("Codebook: ")
    assert props.created == props.modified == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert len(docx.Document(str(out)).tables[0].rows) > 60  # still the whole appendix
