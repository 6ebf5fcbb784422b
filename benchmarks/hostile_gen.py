"""Generated hostile inputs for the campaign (``benchmarks/hostile_campaign.py``), one family per function.

Each generator writes its files into a fresh folder and returns a :class:`Case`:
the evalbench command line to run on them, the files the command may write
(checked for half-written results), and checks for data loss afterwards.
Inputs are mostly plausible files with one or more hostile twists, so that
they reach deep into the readers instead of failing at the first byte:
deep nesting, alias expansion, lone surrogates, huge numbers and cells,
control characters and newlines where a name is echoed, damaged or
encrypted archive members, and so on (issue 18 lists the families).
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

NASTY_TEXT = [
    "\x00",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\r",
    "\n",
    "\u2028",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\x85",
    "\t",
    "\u00e9",
    "\U0001f600",
    '=HYPERLINK("http://evil.example","x")',
    "'",
    '"',
    "\\",
    "\u0301",
    "x" * 5000,
    "\ud800",
    "\udfff",
    "\ud83d\ude00",
]
FILE_NAME_TWISTS = ["", "", "", " ", "\n", "\x1b[7m", "\u202e", "=", "é", "\t"]


@dataclass
class Case:
    """One generated input: what to run and what to check afterwards."""

    family: str
    kind: str
    argv: list[str]
    #: Files the command writes: on failure each must be absent or unchanged, on success complete.
    targets: list[Path] = field(default_factory=list)
    #: Files whose folder must hold no temporary sibling afterwards (a partial import may change them).
    watch: list[Path] = field(default_factory=list)
    #: Extra checks after the run: ``check(result) -> list of problem strings`` (data loss).
    after: Callable | None = None
    #: Commands to run after the first (e.g. the same bulk load again), each with its own check.
    again: list[tuple[list[str], Callable | None]] = field(default_factory=list)


def nasty(rng: random.Random, n: int = 3) -> str:
    """A short string holding a few hostile characters among ordinary words."""
    parts = []
    for _ in range(n):
        parts.append(rng.choice(["word", "Dr Patel", "P01", "and", "\u00fcber", rng.choice(NASTY_TEXT)]))
    return " ".join(parts)


def file_name(rng: random.Random, stem: str, suffix: str) -> str:
    twist = rng.choice(FILE_NAME_TWISTS)
    if rng.random() < 0.03:
        stem = stem + "x" * 200
    return f"{stem}{twist}{suffix}".replace("/", "_").replace("\x00", "")


# --- transcripts ---------------------------------------------------------------------------
def _turns(rng: random.Random, n: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        who = "Interviewer" if i % 2 == 0 else rng.choice(["P01", "Dr Patel", "Nurse Kim"])
        text = rng.choice(
            [
                "What got in the way?",
                "Competing priorities and no protected time.",
                "The huddles helped us learn.",
                nasty(rng, 2),
            ]
        )
        out.append((who, text))
    return out


def _plain(rng, turns) -> bytes:
    text = "\n".join(f"{w}: {t}" for w, t in turns)
    enc = rng.choice(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])
    if enc.startswith("utf"):
        return text.encode(enc, errors="surrogatepass")
    return text.encode(enc, errors=rng.choice(["replace", "ignore"]))


def _vtt(rng, turns) -> bytes:
    lines = ["WEBVTT", ""]
    for i, (w, t) in enumerate(turns):
        hours = (
            rng.choice(["00", "01", "99", "9" * rng.choice([5, 300, 4301, 20000]), "-1", "x"])
            if rng.random() < 0.2
            else "00"
        )
        lines += [str(i + 1), f"{hours}:00:{i % 60:02}.000 --> 00:00:{(i + 1) % 60:02}.500", f"<v {w}>{t}", ""]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _srt(rng, turns) -> bytes:
    lines = []
    for i, (w, t) in enumerate(turns):
        stamp = "9" * rng.choice([2, 4400]) if rng.random() < 0.15 else "00"
        lines += [str(i + 1), f"{stamp}:00:{i % 60:02},000 --> 00:00:{(i + 1) % 60:02},500", f"{w}: {t}", ""]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _rtf(rng, turns) -> bytes:
    body = []
    for w, t in turns:
        esc = rng.choice(
            [
                "",
                r"\u-10240?",
                r"\u-10179?\u-8704?",
                r"\u55357?\u56832?",
                r"\u-1?",
                r"\u99999999?",
                r"\'ff",
                r"{\*\unknown x}",
                "\\" + "{" * 3,
            ]
        )
        body.append(f"{w}: {t.encode('ascii', 'replace').decode()} {esc}\\par")
    return ("{\\rtf1\\ansi " + "\n".join(body) + "}").encode("latin-1", "replace")


def _docx(rng, turns, ctx) -> bytes:
    """A real .docx (python-docx) with a twist in its XML or its zip."""
    base = ctx.docx_bytes
    twist = rng.choice(
        [
            "none",
            "bad_bool",
            "bad_bool",
            "encrypted",
            "method",
            "deflate_damage",
            "truncate",
            "deep",
            "missing_part",
            "bad_xml",
        ]
    )
    zin = zipfile.ZipFile(io.BytesIO(base))
    members = {i.filename: zin.read(i) for i in zin.infolist()}
    doc = members["word/document.xml"].decode("utf-8")
    if twist == "bad_bool":
        doc = (
            doc.replace("<w:r>", '<w:r><w:rPr><w:b w:val="maybe"/></w:rPr>', 1)
            if "<w:r>" in doc
            else doc.replace("<w:rPr>", '<w:rPr><w:b w:val="maybe"/>', 1)
        )
    elif twist == "deep":
        depth = rng.choice([100, 300, 2000])
        doc = doc.replace(
            "<w:body>", "<w:body>" + "<w:sdt><w:sdtContent>" * depth + "<w:p/>" + "</w:sdtContent></w:sdt>" * depth, 1
        )
    elif twist == "missing_part":
        members.pop("word/styles.xml", None)
    elif twist == "bad_xml":
        doc = doc[: rng.randint(10, len(doc))]
    members["word/document.xml"] = doc.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    data = out.getvalue()
    if twist in ("encrypted", "method", "deflate_damage"):
        data = damage_member(data, "word/document.xml", twist, rng)
    elif twist == "truncate":
        data = data[: rng.randint(30, len(data) - 1)]
    return data


def damage_member(data: bytes, member: str, how: str, rng: random.Random) -> bytes:
    """Set a member's encryption flag, an unsupported method, or damage its compressed bytes."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        info = next(i for i in infos if i.filename == member)
    name = member.encode()
    local = info.header_offset
    cd_pos = [m.start() for m in re.finditer(b"PK\x01\x02", bytes(buf))]
    cd = next(p for p in cd_pos if bytes(buf[p + 46 : p + 46 + len(name)]) == name)
    if how == "encrypted":
        for flag_at in (local + 6, cd + 8):
            buf[flag_at] |= 0x1
    elif how == "method":
        method = rng.choice([9, 12, 14, 93, 95, 98, 99]).to_bytes(2, "little")
        buf[local + 8 : local + 10] = method
        buf[cd + 10 : cd + 12] = method
    else:
        start = local + 30 + len(name) + int.from_bytes(buf[local + 28 : local + 30], "little")
        for _ in range(rng.randint(1, 8)):
            at = rng.randint(start, start + max(info.compress_size - 1, 0))
            buf[at] ^= rng.randint(1, 255)
    return bytes(buf)


def gen_transcript(rng: random.Random, work: Path, ctx) -> Case:
    """A hostile transcript imported beside a good one; the good one must land whatever happens."""
    fmt = rng.choice(
        ["txt", "md", "vtt", "vtt", "srt", "rtf", "rtf", "docx", "docx", "docx", "odt", "pdf", "json", "txt"]
    )
    n = rng.choice([0, 1, 2, 5, 30])
    turns = _turns(rng, n)
    if fmt in ("txt", "md"):
        data = _plain(rng, turns)
        if rng.random() < 0.2:
            data += rng.choice([b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"\x1b[2J", b"x" * 1_000_000])
    elif fmt == "vtt":
        data = _vtt(rng, turns)
    elif fmt == "srt":
        data = _srt(rng, turns)
    elif fmt == "rtf":
        data = _rtf(rng, turns)
    elif fmt == "docx":
        data = _docx(rng, turns, ctx)
    elif fmt == "json":
        data = rng.choice(
            [
                json.dumps(
                    {
                        "segments": [
                            {"speaker": w, "text": t, "start": i, "end": i + 1} for i, (w, t) in enumerate(turns)
                        ]
                    }
                ),
                "[" * rng.choice([100, 5000]) + "]" * 10,
                '{"segments": [{"speaker": "\\ud800", "text": "hi \\ud83d\\ude00", "start": 0, "end": 1}]}',
                '{"segments": [{"start": 1' + "0" * 5000 + ', "text": "x"}]}',
            ]
        ).encode("utf-8", "surrogatepass")
    else:  # odt, pdf: junk behind a plausible head
        head = {"odt": b"PK\x03\x04", "pdf": b"%PDF-1.4\n"}[fmt]
        data = head + rng.randbytes(rng.randint(0, 3000))
    bad = work / file_name(rng, "interview", "." + fmt)
    bad.write_bytes(data)
    good = work / f"good_{rng.randrange(10**9)}.txt"
    good.write_text(f"Interviewer: What helped {good.stem}?\nP07: Protected time for {good.stem}.\n")
    project = ctx.copy_project(work)

    def good_landed(result) -> list[str]:
        from evalbench.project import Project

        with Project.open(project) as proj:
            names = {d.name for d in proj.documents()}
        return [] if good.name in names else [f"the good file {good.name} was not imported beside {bad.name!r}"]

    return Case("transcripts", fmt, ["import", str(project), str(bad), str(good)], watch=[project], after=good_landed)


def gen_many_turns(rng: random.Random, work: Path, ctx) -> Case:
    """A transcript with tens of thousands of turns: import and check must stay linear (timed by the runner)."""
    n = rng.choice([20_000, 40_000, 40_000, 200_000])
    path = work / "long.txt"
    path.write_text("\n".join(f"{'Interviewer' if i % 2 == 0 else 'P01'}: turn {i} ok" for i in range(n)))
    project = ctx.copy_project(work)
    return Case(
        "quadratic",
        f"{n} turns",
        ["import", str(project), str(path)],
        watch=[project],
        again=[(["check", str(project)], None)],
    )


# --- spreadsheets: participants and bulk coding ----------------------------------------------
def _csv_text(rng: random.Random, header: list[str], rows: list[list[str]]) -> bytes:
    delim = rng.choice([",", ",", ";", "\t"])

    def cell(value: str) -> str:
        if rng.random() < 0.7 or any(c in value for c in (delim, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    text = "\r\n".join(delim.join(cell(c) for c in row) for row in [header, *rows]) + "\n"
    enc = rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"])
    return text.encode(enc, "replace")


def _header_twist(rng: random.Random, header: list[str]) -> list[str]:
    header = list(header)
    how = rng.random()
    if how < 0.15:
        i = rng.randrange(len(header))
        header[i] = header[i] + rng.choice(["\n", "\r\n", "\x1b[31m", "\x00", "\u202e", "\u2028"]) + "x"
    elif how < 0.2:
        header.append("x" * rng.choice([5000, 200_000]))
    elif how < 0.25:
        header = [rng.choice(NASTY_TEXT) for _ in header]
    return header


def gen_participants(rng: random.Random, work: Path, ctx) -> Case:
    header = _header_twist(
        rng, ["participant", rng.choice(["document", "file", "filename", "transcript", "doc"]), "role", "site"]
    )
    rows = []
    for i in range(rng.randint(0, 6)):
        big = "y" * rng.choice([10, 140_000, 300_000]) if rng.random() < 0.1 else ""
        rows.append(
            [
                rng.choice([f"P{i:02}", nasty(rng, 1), ""]),
                rng.choice(["good.txt", "missing.txt", nasty(rng)]),
                rng.choice(["nurse", "leader", nasty(rng, 1)]) + big,
                rng.choice(["North", "=1+1", ""]),
            ]
        )
    csv_path = work / file_name(rng, "participants", ".csv")
    data = _csv_text(rng, header, rows)
    if rng.random() < 0.05:
        data = rng.choice([b"", b"\x00\x01", rng.randbytes(200), data + b"\x00"])
    csv_path.write_bytes(data)
    good = work / "good.txt"
    good.write_text("Interviewer: What helped?\nP01: The huddles.\n")
    project = ctx.copy_project(work)
    return Case(
        "participants", "csv", ["import", str(project), str(good), "--participants", str(csv_path)], watch=[project]
    )


def gen_bulk(rng: random.Random, work: Path, ctx) -> Case:
    """A codings sheet against the template project; loading it twice must add nothing the second time."""
    header = _header_twist(rng, ["document", "quote", "code", "coder", "valence", "memo"])
    rows = []
    for _ in range(rng.randint(0, 12)):
        doc, quote = rng.choice(ctx.quotes)
        cell = rng.random()
        if cell < 0.1:
            quote = "q" * rng.choice([131_073, 200_000])
        elif cell < 0.2:
            quote = nasty(rng)
        elif cell < 0.25:
            quote = quote.upper()
        rows.append(
            [
                rng.choice([doc, doc, doc.upper(), "nope.txt", nasty(rng, 1)]),
                quote,
                rng.choice([*ctx.code_refs, nasty(rng, 1), "9" * 5000]),
                rng.choice(["alex", "sam", "", nasty(rng, 1)]),
                rng.choice(["barrier", "facilitator", "", "+", "maybe", nasty(rng, 1)]),
                rng.choice(["", '=HYPERLINK("http://evil.example","x")', nasty(rng), "m" * 140_000]),
            ]
        )
    path = work / file_name(rng, "codings", ".csv")
    path.write_bytes(_csv_text(rng, header, rows))
    project = ctx.copy_project(work)
    state = {"before": ctx.count(project, "SELECT count(*) FROM codings")}

    def first(result) -> list[str]:
        state["codings"] = ctx.count(project, "SELECT count(*) FROM codings")
        if result.exit_code != 0 and state["codings"] != state["before"]:
            return [f"a refused sheet stored {state['codings'] - state['before']} coding(s)"]
        return []

    def second(result) -> list[str]:
        again = ctx.count(project, "SELECT count(*) FROM codings")
        return (
            []
            if again == state["codings"]
            else [f"loading the same sheet twice stored {again - state['codings']} coding(s) again"]
        )

    argv = ["code", str(project), "--from-csv", str(path)]
    return Case("bulk", "csv", argv, watch=[project], after=first, again=[(argv, second)])


def gen_damaged_project(rng: random.Random, work: Path, ctx) -> Case:
    """A project file damaged on disk (bytes overwritten or cut): every command says so in one line."""
    project = ctx.copy_project(work)
    data = bytearray(project.read_bytes())
    if rng.random() < 0.3:
        data = data[: rng.randint(0, len(data) - 1)]
    else:
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(data))
            data[at : at + rng.choice([1, 16, 4096])] = rng.randbytes(rng.choice([1, 16, 4096]))
    project.write_bytes(bytes(data))
    argv = rng.choice(
        [
            ["stats", str(project)],
            ["check", str(project)],
            ["search", str(project), "huddles"],
            ["export", str(project), "-o", str(work / "r.md"), "--all-coders"],
            ["code", str(project), "--from-csv", str(ctx.mid_csv)],
            ["codebook", "list", str(project)],
            ["recover", str(project), "-o", str(work / "recovered.evb")],
        ]
    )
    return Case("damaged", argv[0], argv)
