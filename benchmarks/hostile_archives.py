"""Hostile .qdpx archives and export targets for the campaign (see ``benchmarks/hostile_campaign.py``).

Archives start from a real evalbench export of the campaign's template project
and get one or more twists: an encrypted or unsupported-method member,
damaged deflate/LZMA/bzip2 data, a cut, bit flips, hostile names (zip-slip,
NUL, symlinks, duplicates), a bomb, and hostile content in ``project.qde`` or
``evalbench.json`` (deep JSON, surrogate escapes, huge numbers, sources with
NUL bytes or UTF-16 without a byte-order mark).
"""

from __future__ import annotations

import io
import random
import stat
import zipfile
from pathlib import Path

from benchmarks.hostile_gen import Case, damage_member, file_name, nasty

_DESC = "[evalbench] "


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _rezip(members: list[tuple[str, bytes]], method: int, extra: list[zipfile.ZipInfo] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, payload in members:
            z.writestr(name, payload)
        for info in extra or []:
            z.writestr(info, b"../../etc/passwd")
    return out.getvalue()


def _content_twist(rng: random.Random, members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    out = []
    for name, payload in members:
        if name == "project.qde" and rng.random() < 0.4:
            text = payload.decode("utf-8")
            hostile = rng.choice(
                [
                    "[" * rng.choice([70, 3000]) + "]" * 3,
                    '{"id": "x", "definition": "\\ud800"}',
                    '{"id": "x", "n": 1' + "0" * 5000 + "}",
                    '{"extra": ' + '{"a":' * 80 + "1" + "}" * 80 + "}",
                ]
            )
            text = text.replace(_DESC, _DESC + hostile + "\n" + _DESC, 1)
            if rng.random() < 0.3:
                text = text.replace(
                    'name="',
                    f'name="{nasty(rng, 1).replace(chr(0), "")}'.replace('"', "'")
                    .replace("<", "&lt;")
                    .replace("&", "&amp;")
                    + " ",
                    1,
                )
            payload = text.encode("utf-8", "replace")
        elif name == "evalbench.json" and rng.random() < 0.4:
            payload = rng.choice(
                [
                    b"[" * 100_000,
                    b'{"format": "evalbench-qdpx-extension", "x": "\\ud800"}',
                    b'{"format": "evalbench-qdpx-extension", "n": 1' + b"0" * 5000 + b"}",
                    payload.replace(b'"origin"', b'"origin\\ud800"', 3),
                    payload[: len(payload) // 2],
                ]
            )
        elif name.startswith("sources/") and rng.random() < 0.2:
            text = payload.decode("utf-8", "replace")
            payload = rng.choice(
                [
                    text.encode("utf-16-le"),
                    payload.replace(b" ", b"\x00", 5),
                    b"\xff\xfe" + payload,
                    b"",
                    payload + b"\xed\xa0\x80",
                ]
            )
        out.append((name, payload))
    return out


def qdpx_bytes(rng: random.Random, base: bytes) -> tuple[str, bytes]:
    """(kind, archive bytes) of a hostile .qdpx built from a real export."""
    members = [(i.filename, payload) for i, payload in _members(base)]
    kind = rng.choice(
        ["encrypted", "method", "damage", "lzma", "bzip2", "cut", "flip", "names", "content", "content", "bomb", "none"]
    )
    if kind in ("content", "none", "names", "encrypted", "method", "damage"):
        members = _content_twist(rng, members) if kind != "none" else members
    if kind == "lzma":
        data = _rezip(_content_twist(rng, members), zipfile.ZIP_LZMA)
        return kind, damage_member(data, "project.qde", "damage", rng) if rng.random() < 0.7 else data
    if kind == "bzip2":
        data = _rezip(members, zipfile.ZIP_BZIP2)
        return kind, damage_member(data, rng.choice([n for n, _ in members]), "damage", rng)
    if kind == "names":
        bad = rng.choice(
            ["../evil.txt", "/abs.txt", "C:/win.txt", "sources/\x00nul.txt", "sources/../../x", "project.qde"]
        )
        info = zipfile.ZipInfo(bad)
        if rng.random() < 0.3:
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        try:
            return kind, _rezip(members, zipfile.ZIP_DEFLATED, [info])
        except (ValueError, UnicodeError):
            return kind, _rezip(members, zipfile.ZIP_DEFLATED)
    if kind == "bomb":
        members.append(("sources/bomb.txt", b"\x00" * rng.choice([20, 300]) * 1024 * 1024))
        return kind, _rezip(members, zipfile.ZIP_DEFLATED)
    data = _rezip(members, zipfile.ZIP_DEFLATED)
    if kind in ("encrypted", "method", "damage"):
        target = rng.choice(["project.qde", "project.qde", *(n for n, _ in members)])
        data = damage_member(data, target, kind, rng)
    elif kind == "cut":
        data = data[: rng.randint(0, len(data) - 1)]
    elif kind == "flip":
        buf = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        data = bytes(buf)
    return kind, data


def gen_qdpx(rng: random.Random, work: Path, ctx) -> Case:
    kind, data = qdpx_bytes(rng, ctx.qdpx_bytes)
    path = work / file_name(rng, "study", ".qdpx")
    path.write_bytes(data)
    action = rng.choice(["init", "init", "init", "codebook import", "codebook validate"])
    if action == "init":
        target = work / "from_qdpx.evb"
        return Case("qdpx", kind + " init", ["init", str(target), "--from", str(path)], [target])
    if action == "codebook import":
        out = work / "codebook.yaml"
        return Case("qdpx", kind + " codebook import", ["codebook", "import", str(path), "-o", str(out)], [out])
    return Case("qdpx", kind + " codebook validate", ["codebook", "validate", str(path)])


def gen_export(rng: random.Random, work: Path, ctx) -> Case:
    """An export over a target with stale parts beside it; the parts must go and permissions be ordinary."""
    fmt = rng.choice(["docx", "xlsx", "csv", "md", "qdpx", "yaml", "json", "qdc"])
    project = ctx.copy_project(work)
    target = work / f"report.{fmt}"
    if rng.random() < 0.5:
        target.write_bytes(b"old")
        target.chmod(rng.choice([0o600, 0o640, 0o644]))
    for _ in range(rng.randint(0, 3)):
        stale = work / f".{target.name}.{rng.randrange(16**8):08x}.{rng.choice(['part', 'tmp'])}"
        stale.write_bytes(b"half")
    mode_before = target.stat().st_mode & 0o777 if target.exists() else None
    if fmt in ("yaml", "json", "qdc"):
        argv = ["codebook", "export", str(project), "-o", str(target), "--force"]
    else:
        argv = ["export", str(project), "-o", str(target), "--all-coders"]

    def ordinary(result) -> list[str]:
        problems = []
        left = [p.name for p in work.iterdir() if p.name.startswith(f".{target.name}.")]
        if left:
            problems.append(f"stale parts left beside {target.name}: {left}")
        if result.exit_code == 0 and target.exists():
            mode = target.stat().st_mode & 0o777
            want = mode_before if mode_before is not None else 0o666 & ~ctx.umask
            if mode != want:
                problems.append(f"{target.name} has mode {oct(mode)}, expected {oct(want)}")
        return problems

    return Case("exports", fmt, argv, [target], after=ordinary)
