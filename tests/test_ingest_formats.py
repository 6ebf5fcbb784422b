"""Each input format read from a real file written in the test, and every kind of bad input."""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalbench.errors import IngestError
from evalbench.ingest import iter_input_files, parse_file


def turns(doc):
    return [(t.speaker, t.time, doc.text[t.start : t.end]) for t in doc.turns]


# --- Word -------------------------------------------------------------------


def write_docx(path, *, bold_labels=True, front_matter=True):
    import docx

    document = docx.Document()
    if front_matter:
        document.add_heading("Learning Lab interview P03", level=1)
        table = document.add_table(rows=2, cols=2)
        for row, (key, value) in zip(table.rows, [("Participant", "P03"), ("Site", "Northfield")]):
            row.cells[0].text, row.cells[1].text = key, value
    for speaker, text in [
        ("Interviewer", "What got in the way?"),
        ("Dr Patel", "Competing priorities."),
        ("Dr Patel", "And staffing."),
        ("Interviewer", "What helped?"),
    ]:
        para = document.add_paragraph()
        if bold_labels:
            para.add_run(f"{speaker}:").bold = True
            para.add_run(f" {text}")
        else:
            para.add_run(f"{speaker}: {text}")
    document.save(path)
    return path


def test_docx_bold_labels_front_heading_and_metadata_table(tmp_path):
    doc = parse_file(write_docx(tmp_path / "p03.docx"))
    assert doc.format == "docx"
    assert turns(doc) == [
        ("Interviewer", None, "What got in the way?"),
        ("Dr Patel", None, "Competing priorities.\nAnd staffing."),
        ("Interviewer", None, "What helped?"),
    ]
    assert doc.metadata == {"Participant": "P03", "Site": "Northfield"}
    # Front matter stays in the text, before the first turn, and is not a turn.
    assert doc.text.index("Learning Lab interview P03") < doc.turns[0].start
    assert "Site: Northfield" in doc.text[: doc.turns[0].start]


def test_docx_plain_labels(tmp_path):
    doc = parse_file(write_docx(tmp_path / "plain.docx", bold_labels=False, front_matter=False))
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Dr Patel", "Interviewer"]


def test_docx_bold_label_without_colon(tmp_path):
    import docx

    document = docx.Document()
    for speaker, text in [("Interviewer", "Why?"), ("Dr Patel", "Because.")]:
        para = document.add_paragraph()
        para.add_run(speaker).bold = True
        para.add_run(f"\t{text}")
    bold_question = document.add_paragraph()
    bold_question.add_run("Was this bold sentence a label?").bold = True
    document.save(tmp_path / "tab.docx")
    doc = parse_file(tmp_path / "tab.docx")
    assert turns(doc) == [
        ("Interviewer", None, "Why?"),
        ("Dr Patel", None, "Because.\nWas this bold sentence a label?"),
    ]


def test_docx_bold_character_style_and_table_layout(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Interview P11", style="Title")
    para = document.add_paragraph()
    para.add_run("[00:00:04] Interviewer:", style="Strong")
    para.add_run(" Shall we start?")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("00:00:09", "Dr Patel", "Yes."), ("00:00:12", "Interviewer", "Good?")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.save(tmp_path / "p11.docx")
    doc = parse_file(tmp_path / "p11.docx")
    assert turns(doc) == [
        ("Interviewer", "00:00:04", "Shall we start?"),
        ("Dr Patel", "00:00:09", "Yes."),
        ("Interviewer", "00:00:12", "Good?"),
    ]
    assert doc.text.startswith("Interview P11\n\n[00:00:04] Interviewer: ")


# --- subtitles -------------------------------------------------------------------

ZOOM_VTT = """WEBVTT

NOTE Synthetic interview for tests.

1
00:00:02.000 --> 00:00:05.000
Dana Whitfield: Thanks for joining.

2
00:00:05.500 --> 00:00:08.000
Dana Whitfield: Could you describe your role?

3
00:00:09.000 --> 00:00:15.000
Priya N: I run the reporting queue &amp; the reviews.
"""

TEAMS_VTT = """WEBVTT

0b1c/12-0
00:00:01.000 --> 00:00:03.000
<v Dana Whitfield>What helped?</v>

0b1c/13-0
00:01:03.120 --> 00:01:09.000
<v Felix Amundsen>The dashboard,
mostly.</v>

0b1c/14-0
00:01:09.500 --> 00:01:12.000
<v Felix Amundsen>And <i>time</i>.</v>
"""


def test_zoom_vtt_cue_prefixes(tmp_path):
    path = tmp_path / "zoom.vtt"
    path.write_text(ZOOM_VTT, encoding="utf-8")
    doc = parse_file(path)
    assert turns(doc) == [
        ("Dana Whitfield", "00:00:02", "Thanks for joining. Could you describe your role?"),
        ("Priya N", "00:00:09", "I run the reporting queue & the reviews."),
    ]
    assert doc.text.startswith("Synthetic interview for tests.\n\n[00:00:02] Dana Whitfield: ")


def test_teams_vtt_voice_tags(tmp_path):
    path = tmp_path / "teams.vtt"
    path.write_text(TEAMS_VTT, encoding="utf-8")
    assert turns(parse_file(path)) == [
        ("Dana Whitfield", "00:00:01", "What helped?"),
        ("Felix Amundsen", "00:01:03", "The dashboard, mostly. And time."),
    ]


def test_vtt_cue_with_two_voices(tmp_path):
    path = tmp_path / "two.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Dana>Ready?</v>\n<v Felix>Yes.</v>\n\n"
        "00:00:04.000 --> 00:00:05.000\n<v.loud Felix>Go on.</v>\n",
        encoding="utf-8",
    )
    assert turns(parse_file(path)) == [("Dana", "00:00:01", "Ready?"), ("Felix", "00:00:01", "Yes. Go on.")]


def test_vtt_without_header_is_rejected(tmp_path):
    path = tmp_path / "bad.vtt"
    path.write_text("00:00:01.000 --> 00:00:02.000\nHi\n", encoding="utf-8")
    with pytest.raises(IngestError, match="bad.vtt: not a WebVTT file"):
        parse_file(path)


def test_srt_with_title_card_and_unlabelled_continuation(tmp_path):
    path = tmp_path / "p07.srt"
    path.write_text(
        "1\n00:00:00,000 --> 00:00:01,500\n[Synthetic transcript]\n\n"
        "2\n00:00:02,000 --> 00:00:07,769\nDana Whitfield: Thanks for doing this.\n\n"
        "3\n00:00:08,969 --> 00:00:12,431\nKwame Adjei: No worries.\n\n"
        "4\n00:00:12,500 --> 00:00:14,000\nIt's raining anyway.\n\n"
        "5\n01:00:13,631 --> 01:00:21,323\n- Dana Whitfield: Great.\n",
        encoding="utf-8",
    )
    doc = parse_file(path)
    assert turns(doc) == [
        ("Dana Whitfield", "00:00:02", "Thanks for doing this."),
        ("Kwame Adjei", "00:00:08", "No worries. It's raining anyway."),
        ("Dana Whitfield", "01:00:13", "Great."),
    ]
    assert doc.text.startswith("[Synthetic transcript]\n\n")


# --- optional formats ----------------------------------------------------------------


def test_odt(tmp_path):
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Interview P05"))
    document.text.addElement(P(text="Interviewer: What helped?"))
    document.text.addElement(P(text="Priya: The huddles."))
    document.save(str(tmp_path / "p05.odt"))
    doc = parse_file(tmp_path / "p05.odt")
    assert turns(doc) == [("Interviewer", None, "What helped?"), ("Priya", None, "The huddles.")]
    assert doc.text.startswith("Interview P05\n\n")


def test_rtf(tmp_path):
    pytest.importorskip("striprtf")
    path = tmp_path / "p06.rtf"
    path.write_bytes(
        b"{\\rtf1\\ansi\\ansicpg1252{\\fonttbl\\f0 Arial;}\\f0 Interviewer: What helped?\\par\n"
        b"Dr Patel: The \\'93learning\\'94 culture.\\par\n}"
    )
    assert turns(parse_file(path)) == [
        ("Interviewer", None, "What helped?"),
        ("Dr Patel", None, "The \u201clearning\u201d culture."),
    ]


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, one per row)."""
    ops = ["BT /F1 12 Tf 72 720 Td 14 TL"]
    for line in lines:
        ops.append(f"({line}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf(tmp_path):
    pytest.importorskip("pypdf")
    path = tmp_path / "p08.pdf"
    path.write_bytes(
        minimal_pdf(["Interviewer: What helped?", "Dr Patel: Time.", "Page 2 of 9", "Interviewer: Thanks?"])
    )
    assert [(s, text) for s, _, text in turns(parse_file(path))] == [
        ("Interviewer", "What helped?"),
        ("Dr Patel", "Time."),
        ("Interviewer", "Thanks?"),
    ]


# --- encodings -----------------------------------------------------------------

SMART = "Interviewer: \u201cWhat\u2019s changed?\u201d\r\nDr Patel: The caf\u00e9 \u2014 and na\u00efve hopes.\r\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-8", "cp1252"])
def test_encodings_keep_smart_quotes_and_normalise_crlf(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(SMART.encode(encoding))
    doc = parse_file(path)
    assert "\r" not in doc.text and "\ufeff" not in doc.text
    assert turns(doc) == [
        ("Interviewer", None, "\u201cWhat\u2019s changed?\u201d"),
        ("Dr Patel", None, "The caf\u00e9 \u2014 and na\u00efve hopes."),
    ]


def test_text_is_nfc_normalised(tmp_path):
    path = tmp_path / "nfd.txt"
    path.write_text("R: cafe\u0301\n", encoding="utf-8")
    doc = parse_file(path)
    assert doc.text == "R: caf\u00e9"


def test_latin1_fallback_and_forced_encoding(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("R: se\u00f1or \u00e0 \u00ff\n".encode("latin-1"))
    assert turns(parse_file(path))[0][2] == "se\u00f1or \u00e0 \u00ff"
    koi = tmp_path / "koi.txt"
    koi.write_bytes("R: \u043f\u0440\u0438\u0432\u0435\u0442\n".encode("koi8-r"))
    assert turns(parse_file(koi, encoding="koi8-r"))[0][2] == "\u043f\u0440\u0438\u0432\u0435\u0442"


def test_undecodable_text_with_forced_encoding(tmp_path):
    path = tmp_path / "p.txt"
    path.write_bytes("R: caf\u00e9\n".encode("cp1252"))
    with pytest.raises(IngestError, match=r"^p\.txt: cannot be decoded as utf-8"):
        parse_file(path, encoding="utf-8")
    with pytest.raises(IngestError, match="unknown encoding 'nope'"):
        parse_file(path, encoding="nope")


# --- bad input -------------------------------------------------------------------


def test_corrupt_zip_renamed_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(IngestError, match=r"^broken\.docx: corrupt Word file"):
        parse_file(path)


def test_zip_without_word_document(tmp_path):
    path = tmp_path / "notword.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(IngestError, match="corrupt Word file .no word/document.xml inside"):
        parse_file(path)


def test_password_protected_docx(tmp_path):
    path = tmp_path / "secret.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(IngestError, match=r"^secret\.docx: password-protected or old-format Word"):
        parse_file(path)


def test_binary_file_with_text_extension(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(IngestError, match=r"^image\.txt: binary file"):
        parse_file(path)


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=r"^empty\.txt: empty file"):
        parse_file(path)


def test_oversize_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("R: words\n" * 200, encoding="utf-8")
    with pytest.raises(IngestError, match=r"^big\.txt: file is 0\.0 MB, over the 0\.001 MB limit"):
        parse_file(path, max_bytes=1000)


def test_unsupported_extension(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError, match=r"^notes\.xlsx: unsupported file type '\.xlsx'"):
        parse_file(path)


def test_old_word_format_says_what_to_do(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(IngestError, match=r"^old\.doc: unsupported file type '\.doc'; save it as \.docx first"):
        parse_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match=r"^gone\.txt: no such file"):
        parse_file(tmp_path / "gone.txt")


def test_folder_listing_is_recursive_sorted_and_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ["b/z.txt", "a.vtt", "B.docx", ".hidden.txt", ".git/x.txt", "~$lock.docx", "notes.csv", "README.md"]:
        (tmp_path / name).write_text("x")
    names = [p.relative_to(tmp_path).as_posix() for p in iter_input_files([tmp_path])]
    assert names == ["a.vtt", "B.docx", "b/z.txt"]
    explicit = iter_input_files([tmp_path / "notes.csv", tmp_path / "a.vtt", tmp_path])
    assert [p.name for p in explicit] == ["notes.csv", "a.vtt", "B.docx", "z.txt"]


def test_docx_with_broken_xml(tmp_path):
    path = tmp_path / "garbled.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    with pytest.raises(IngestError, match=r"^garbled\.docx: corrupt Word file \("):
        parse_file(path)


def test_docx_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    from evalbench.ingest import archive

    monkeypatch.setattr(archive, "MAX_UNPACKED", 1_000_000)
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * 2_000_000)
    with pytest.raises(IngestError, match=r"^bomb\.docx: Word file unpacks to 1 MB; refusing"):
        parse_file(path)


_JUNK = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    st.lists(
        st.sampled_from(
            ["WEBVTT", "", "1", "00:00:01.000 --> 00:00:02.000", "00:00:01,000 --> x", "<v A>hi", "Dr X: yo", "NOTE"]
        ),
        max_size=20,
    ).map(lambda lines: "\n".join(lines).encode("utf-8")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_JUNK, ext=st.sampled_from([".txt", ".md", ".vtt", ".srt", ".docx", ".rtf", ".odt", ".pdf"]))
def test_any_bytes_give_a_document_or_an_ingest_error(tmp_path, data, ext):
    path = tmp_path / f"junk{ext}"
    path.write_bytes(data)
    try:
        doc = parse_file(path)
    except IngestError as exc:
        assert str(exc).startswith(f"junk{ext}: ")
        return
    end = 0
    for turn in doc.turns:
        assert end <= turn.start <= turn.end <= len(doc.text)
        end = turn.end
