"""Streaming .qdpx export: same bytes as a whole-tree build, bounded memory, never a half-written file."""

from __future__ import annotations

import hashlib
import json
import threading
import tracemalloc
import zipfile

import pytest
from lxml import etree

from evalbench.errors import UserError
from evalbench.model import Code
from evalbench.project import Project
from tests.conftest import make_parsed
from tests.test_refi_roundtrip import rich  # noqa: F401  (the fixture)


def _qde(path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def _whole_tree(qde: bytes) -> bytes:
    """What serialising the complete project.qde tree at once (the old exporter) writes."""
    root = etree.fromstring(qde, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


@pytest.mark.parametrize("coder", [None, "sam"])
def test_streamed_project_qde_is_exactly_the_whole_tree_layout(rich, tmp_path, coder):  # noqa: F811
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out, coder=coder)
    qde = _qde(out)
    assert b"<Sources>" in qde and (coder or b"<Notes>" in qde)  # containers written piece by piece
    assert qde == _whole_tree(qde)
    with zipfile.ZipFile(out) as zf:
        ext = zf.read("evalbench.json")
    whole = json.dumps(json.loads(ext), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert ext == whole.encode()  # streamed, yet what dumping the whole dict gives


def test_stream_starting_with_a_container_matches_the_whole_tree():
    import io

    from evalbench.refi.common import PROJECT_NS
    from evalbench.refi.qdpx_export import _QdeStream

    def el(tag, **attrs):
        e = etree.Element(f"{{{PROJECT_NS}}}{tag}", **attrs)
        etree.SubElement(e, f"{{{PROJECT_NS}}}PlainTextContent").text = "line one\nline «two»"
        return e

    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS}, name="a\nb")
    buf = io.BytesIO()
    stream = _QdeStream(buf, root)
    for tag, name in (("Sources", "s1"), ("Sources", "s2"), ("Notes", "n1")):
        stream.add_to(tag, el("TextSource" if tag == "Sources" else "Note", name=name))
    stream.add(etree.Element(f"{{{PROJECT_NS}}}NoteRef", targetGUID="x"))
    stream.close()
    assert buf.getvalue() == _whole_tree(buf.getvalue())
    assert buf.getvalue().count(b"<Sources>") == 1


def test_an_empty_project_is_one_self_closing_element(tmp_path):
    proj = Project.init(tmp_path / "empty.evb", coder="alex")
    proj.export_qdpx(tmp_path / "empty.qdpx")
    qde = _qde(tmp_path / "empty.qdpx")
    assert qde == _whole_tree(qde)
    with zipfile.ZipFile(tmp_path / "empty.qdpx") as zf:
        ext = json.loads(zf.read("evalbench.json"))
    assert ext["sources"] == {} and ext["qde_sha256"] == hashlib.sha256(qde).hexdigest()
    proj.close()


def test_cancelling_midway_keeps_the_previous_file_and_leaves_no_part_file(rich, tmp_path):  # noqa: F811
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    before = out.read_bytes()
    rich.add_coding(rich.document("p02.txt").id, 0, 5, "inner")  # the next export would differ
    cancel = threading.Event()

    def progress(done, total, message):
        if done == 2:  # project.qde half written
            cancel.set()

    with pytest.raises(UserError, match="cancelled"):
        rich.export_qdpx(out, progress=progress, cancel=cancel)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "qdpx" in p.name) == ["study.qdpx"]


def test_a_failure_while_writing_texts_leaves_no_file(rich, tmp_path, monkeypatch):  # noqa: F811
    calls = []
    documents = rich.store.documents
    text = documents.text

    def failing_text(document_id):
        calls.append(document_id)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return text(document_id)

    monkeypatch.setattr(documents, "text", failing_text)
    with pytest.raises(UserError, match=r"study\.qdpx: cannot write \(No space left on device\)"):
        rich.export_qdpx(tmp_path / "study.qdpx")
    assert [p.name for p in tmp_path.iterdir() if "qdpx" in p.name] == []


def test_export_holds_one_document_text_at_a_time(tmp_path):
    """Memory does not grow with the texts: the traced peak stays far below their total size."""
    proj = Project.init(tmp_path / "big.evb", coder="alex")
    proj.add_codes([Code(id="a", name="A")])
    sentence = "We had no protected time for the case reviews, so the huddles slipped. "
    total = 0
    for i in range(12):
        doc = proj.add_document(
            make_parsed(f"p{i:02d}.txt", [("Interviewer", "What got in the way?"), (f"P{i}", sentence * 4000)])
        )
        total += len(proj.document_text(doc))
        proj.add_coding(doc, 30, 90, "a", memo="quote")
    tracemalloc.start()
    try:
        proj.export_qdpx(tmp_path / "big.qdpx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > 3_000_000
    assert peak < total / 3, f"export traced {peak / 1e6:.1f} MB for {total / 1e6:.1f} MB of text"
    with zipfile.ZipFile(tmp_path / "big.qdpx") as zf:
        assert len([n for n in zf.namelist() if n.startswith("sources/")]) == 12
    proj.close()


# --- import: project.qde is parsed as it is read ---------------------------------------------------
def _with_qde(src, dst, qde: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, qde if name == "project.qde" else zin.read(name))


def test_import_holds_one_source_element_at_a_time(rich, tmp_path):  # noqa: F811
    from evalbench.refi.qde_parse import QdeStream

    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    stream = QdeStream(_qde(out), "study.qdpx:project.qde")
    root = stream.head()
    assert [etree.QName(el).localname for el in root][:5] == ["Users", "CodeBook", "Variables", "Cases", "Sources"]
    seen = []
    for el in stream.sources():
        seen.append(el.get("name"))
        earlier = list(el.itersiblings(preceding=True))
        assert len(el) and len(earlier) <= 1 and not any(len(e) for e in earlier)  # read ones are freed
    assert stream.finish() is True
    assert seen == ["p01.txt", "p02.txt", "p03 ünïcode.txt"]
    assert [etree.QName(el).localname for el in root][-2:] == ["Notes", "NoteRef"]


def test_a_codebook_after_the_sources_is_still_read(rich, tmp_path):  # noqa: F811
    """Out of the schema's order (some tools might): read whole instead, nothing lost."""
    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    root = etree.fromstring(_qde(out))
    filler = etree.SubElement(root, etree.QName(root, "Description").text)  # past the parser's read-ahead
    filler.text = "padding " * 200_000
    root.append(root.find("{*}CodeBook"))
    shuffled = tmp_path / "shuffled.qdpx"
    _with_qde(out, shuffled, etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    with Project.from_qdpx(tmp_path / "a.evb", out) as a, Project.from_qdpx(tmp_path / "b.evb", shuffled) as b:
        assert len(b.codes()) == len(a.codes())
        key = [(c.start, c.end, c.code_id, c.coder, c.valence) for c in a.codings()]
        assert [(c.start, c.end, c.code_id, c.coder, c.valence) for c in b.codings()] == key


def test_xml_broken_after_the_first_source_fails_with_its_line_and_no_project(rich, tmp_path):  # noqa: F811
    from evalbench.errors import UserError

    out = tmp_path / "study.qdpx"
    rich.export_qdpx(out)
    qde = _qde(out)
    second = qde.index(b"<TextSource", qde.index(b"<TextSource") + 1)
    broken = qde[:second] + b"<TextSource <<" + qde[second + len(b"<TextSource") :]
    bad = tmp_path / "bad.qdpx"
    _with_qde(out, bad, broken)
    line = broken[:second].count(b"\n") + 1
    with pytest.raises(UserError, match=rf"bad.qdpx:project.qde:{line}(:\d+)?: not well-formed XML"):
        Project.from_qdpx(tmp_path / "bad.evb", bad)
    assert not (tmp_path / "bad.evb").exists()
