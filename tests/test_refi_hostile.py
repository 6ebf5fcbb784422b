"""Hostile and broken .qdpx archives: one clear line naming the file, and no project left behind."""

from __future__ import annotations

import re
import stat
import threading
import zipfile

import pytest

from evalbench.errors import UserError
from evalbench.project import Project
from evalbench.refi.archive import Limits, SafeZip
from evalbench.refi.qdpx_read import read_qdpx

GOOD_QDE = (
    '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">'
    '<CodeBook><Codes><Code guid="00000000-0000-0000-0000-000000000001" name="A" isCodable="true"/>'
    "</Codes></CodeBook></Project>"
)


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _refused(tmp_path, qdpx, match):
    """Import must fail with one line naming the archive, leaving no project and no temp file."""
    target = tmp_path / "out" / "study.evb"
    target.parent.mkdir(exist_ok=True)
    with pytest.raises(UserError) as info:
        Project.from_qdpx(target, qdpx)
    message = str(info.value)
    assert "\n" not in message
    assert qdpx.name in message
    assert re.search(match, message), message
    assert list(target.parent.iterdir()) == []
    return message


def test_zip_slip_member_is_refused_and_nothing_is_written(tmp_path):
    qdpx = _zip(tmp_path / "slip.qdpx", [("project.qde", GOOD_QDE), ("../../evil.txt", "pwned")])
    _refused(tmp_path, qdpx, r"'\.\./\.\./evil\.txt' climbs out")
    assert not (tmp_path.parent / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()


@pytest.mark.parametrize("name", ["/etc/evil.txt", "C:/Windows/evil.txt", "sources\\..\\..\\evil.txt"])
def test_absolute_and_backslash_paths_are_refused(tmp_path, name):
    qdpx = _zip(tmp_path / "abs.qdpx", [("project.qde", GOOD_QDE), (name, "x")])
    _refused(tmp_path, qdpx, "absolute path|climbs out")


def test_symlink_member_is_refused(tmp_path):
    link = zipfile.ZipInfo("sources/link.txt")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    qdpx = _zip(tmp_path / "link.qdpx", [("project.qde", GOOD_QDE), (link, "/etc/passwd")])
    _refused(tmp_path, qdpx, "symbolic link")


def test_zip_bomb_with_high_compression_ratio_is_refused(tmp_path):
    qdpx = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(qdpx, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", GOOD_QDE)
        with zf.open("sources/bomb.txt", "w") as fh:
            for _ in range(40):
                fh.write(b"\0" * (1 << 20))
    assert qdpx.stat().st_size < 200_000
    _refused(tmp_path, qdpx, "zip bomb")


def test_member_larger_than_the_cap_is_refused(tmp_path):
    qdpx = _zip(tmp_path / "big.qdpx", [("project.qde", GOOD_QDE), ("sources/a.txt", "x" * 5000)])
    with pytest.raises(UserError, match="over the .* limit"):
        read_qdpx(qdpx, limits=Limits(max_member_bytes=4000))
    with pytest.raises(UserError, match="unpacks to more than"), SafeZip(qdpx) as zf:
        zf.read("sources/a.txt", max_bytes=100)


def test_sizes_the_archive_declares_are_not_trusted(tmp_path):
    """A member that lies about its size (small in the directory, big in truth) never reads past the lie."""
    qdpx = _zip(tmp_path / "liar.qdpx", [("project.qde", GOOD_QDE.replace('name="x"', 'name="' + "y" * 5000 + '"'))])
    data = bytearray(qdpx.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 22 : local + 26] = (100).to_bytes(4, "little")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    qdpx.write_bytes(bytes(data))
    _refused(tmp_path, qdpx, "corrupt")


def test_overlapping_members_are_refused(tmp_path):
    """The non-recursive zip bomb: many directory entries pointing at the same compressed data."""
    qdpx = _zip(tmp_path / "overlap.qdpx", [("project.qde", GOOD_QDE), ("sources/b.txt", "b" * 100)])
    data = bytearray(qdpx.read_bytes())
    second = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    data[second + 42 : second + 46] = (0).to_bytes(4, "little")
    qdpx.write_bytes(bytes(data))
    _refused(tmp_path, qdpx, "overlap")


def test_too_many_members_are_refused(tmp_path):
    qdpx = tmp_path / "many.qdpx"
    with zipfile.ZipFile(qdpx, "w") as zf:
        zf.writestr("project.qde", GOOD_QDE)
        for i in range(20_000):
            zf.writestr(f"sources/{i}.txt", "")
    _refused(tmp_path, qdpx, "20001 members")


def test_encrypted_member_is_refused(tmp_path):
    qdpx = _zip(tmp_path / "locked.qdpx", [("project.qde", GOOD_QDE)])
    data = bytearray(qdpx.read_bytes())
    data[data.find(b"PK\x03\x04") + 6] |= 0x1  # the "encrypted" flag, local header and directory
    data[data.find(b"PK\x01\x02") + 8] |= 0x1
    qdpx.write_bytes(bytes(data))
    _refused(tmp_path, qdpx, "encrypted")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""


@pytest.mark.parametrize("qde", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_xml_with_doctype_or_entities_is_refused(tmp_path, qde):
    qdpx = _zip(tmp_path / "xml.qdpx", [("project.qde", qde)])
    message = _refused(tmp_path, qdpx, "refusing XML with")
    assert "project.qde:" in message


@pytest.mark.parametrize(
    "content", [b"not a zip at all", b"PK\x03\x04" + b"\x00" * 40, b""], ids=["text", "truncated-header", "empty"]
)
def test_corrupt_zip_is_refused(tmp_path, content):
    qdpx = tmp_path / "broken.qdpx"
    qdpx.write_bytes(content)
    _refused(tmp_path, qdpx, "not a valid .qdpx")


def test_truncated_archive_is_refused(tmp_path):
    qdpx = _zip(tmp_path / "cut.qdpx", [("project.qde", GOOD_QDE)])
    qdpx.write_bytes(qdpx.read_bytes()[:-30])
    _refused(tmp_path, qdpx, "not a valid .qdpx")


def test_corrupt_member_data_is_refused(tmp_path):
    qdpx = tmp_path / "crc.qdpx"
    with zipfile.ZipFile(qdpx, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", GOOD_QDE)
    data = bytearray(qdpx.read_bytes())
    at = data.find(b"Codes")
    data[at] = ord("X")
    qdpx.write_bytes(bytes(data))
    _refused(tmp_path, qdpx, "'project.qde' is corrupt")


def test_missing_project_qde_is_refused(tmp_path):
    qdpx = _zip(tmp_path / "empty.qdpx", [("sources/a.txt", "hello")])
    _refused(tmp_path, qdpx, "no project.qde")


def test_malformed_xml_names_the_line(tmp_path):
    qdpx = _zip(tmp_path / "bad.qdpx", [("project.qde", '<Project name="x">\n<Users>\n</Project>')])
    _refused(tmp_path, qdpx, r"project\.qde:3")


def test_missing_file_and_existing_target(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        Project.from_qdpx(tmp_path / "a.evb", tmp_path / "missing.qdpx")
    assert not (tmp_path / "a.evb").exists()
    qdpx = _zip(tmp_path / "ok.qdpx", [("project.qde", GOOD_QDE)])
    (tmp_path / "taken.evb").write_bytes(b"precious")
    with pytest.raises(UserError, match="already exists"):
        Project.from_qdpx(tmp_path / "taken.evb", qdpx)
    assert (tmp_path / "taken.evb").read_bytes() == b"precious"


def test_failure_while_building_leaves_no_project(tmp_path, monkeypatch):
    import evalbench.refi.qdpx_import as qi

    qdpx = _zip(tmp_path / "ok.qdpx", [("project.qde", GOOD_QDE)])
    (tmp_path / "out").mkdir()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(qi, "_memos", boom)
    with pytest.raises(RuntimeError):
        Project.from_qdpx(tmp_path / "out" / "study.evb", qdpx)
    assert list((tmp_path / "out").iterdir()) == []


def test_cancelled_import_leaves_no_project(tmp_path):
    qde = GOOD_QDE.replace(
        "</Project>",
        '<Sources><TextSource guid="10000000-0000-0000-0000-000000000000" '
        'name="a"><PlainTextContent>hello</PlainTextContent></TextSource></Sources></Project>',
    )
    qdpx = _zip(tmp_path / "ok.qdpx", [("project.qde", qde)])
    (tmp_path / "out").mkdir()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(UserError, match="cancelled"):
        Project.from_qdpx(tmp_path / "out" / "study.evb", qdpx, cancel=cancel)
    assert list((tmp_path / "out").iterdir()) == []
