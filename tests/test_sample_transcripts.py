"""The synthetic sample corpus that `evalbench demo` loads is complete and consistent.

These tests read the files in ``sample_transcripts/`` directly (not through the
importer), so a broken sample shows up here rather than as a confusing demo
failure: every interview is the right length and says it is synthetic,
``participants.csv`` names every transcript once, and every coding in
``codings.csv`` points at exactly one participant excerpt with a CFIR 2.0 code.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "sample_transcripts"
SUFFIXES = {".txt", ".docx", ".vtt", ".srt"}
INTERVIEWERS = {"Interviewer", "I", "Q", "Dana Whitfield"}
ROLES = {"physician", "nurse", "quality_safety", "researcher", "leader"}
SITES = {"Northfield General", "Riverside Medical Center", "St Brendan's University Hospital"}
VALENCES = {"barrier", "facilitator", "mixed", "neutral"}

TIMING = re.compile(r"^\d{2}:\d{2}:\d{2}[.,]\d{3} --> ")
TXT_LABEL = re.compile(r"^(?:\[\d{2}:\d{2}:\d{2}\] )?([A-Z][\w.'’ -]{0,40}?): (.*)$")
OTTER_HEADER = re.compile(r"^([A-Z][\w.'’ -]{0,40}?)  \d{1,2}:\d{2}(?::\d{2})?$")
VOICE = re.compile(r"^<v ([^>]+)>(.*)</v>$")


def transcripts() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in SUFFIXES)


def raw_text(path: Path) -> str:
    """The file's text as a reader sees it: decoded bytes, or a Word file's paragraphs."""
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return path.read_text(encoding="utf-8")


def units(path: Path) -> list[tuple[str | None, str]]:
    """(speaker, text) for each line, cue or paragraph, with labels and timings removed.

    Deliberately simple: it knows the layouts used in this folder, nothing more.
    A speaker of ``None`` means a header or notice line outside any turn.
    """
    out: list[tuple[str | None, str]] = []
    if path.suffix == ".docx":
        import docx

        for para in docx.Document(str(path)).paragraphs:
            runs = para.runs
            if runs and runs[0].bold and runs[0].text.endswith(":"):
                out.append((runs[0].text[:-1], para.text[len(runs[0].text) :].strip()))
            elif para.text.strip():
                out.append((None, para.text))
        return out
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".vtt", ".srt"}:
        for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
            lines = block.strip().split("\n")
            timing = [i for i, ln in enumerate(lines) if TIMING.match(ln)]
            if not timing:  # WEBVTT header or NOTE block
                continue
            body = " ".join(lines[timing[0] + 1 :])  # drop the cue number or ID and the timing
            voice = VOICE.match(body)
            label = TXT_LABEL.match(body)
            if voice:
                out.append((voice.group(1), voice.group(2)))
            elif label:
                out.append((label.group(1), label.group(2)))
            else:
                out.append((None, body))
        return out
    current: str | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        header = OTTER_HEADER.match(line)
        label = TXT_LABEL.match(line)
        if header:
            current = header.group(1)
        elif label:
            current = label.group(1)
            out.append((current, label.group(2)))
        else:
            out.append((current, line))
    return out


def squash(text: str) -> str:
    return " ".join(text.split())


def read_csv(name: str) -> list[dict[str, str]]:
    with open(SAMPLES / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_at_least_twelve_interviews_in_every_format():
    files = transcripts()
    assert len(files) >= 12
    kinds = Counter(p.suffix for p in files)
    assert {".txt", ".docx", ".vtt", ".srt"} <= set(kinds)
    vtt = [raw_text(p) for p in files if p.suffix == ".vtt"]
    assert any("<v " in t for t in vtt), "no Teams-style voice-tag vtt"
    assert any(re.search(r"^\w[\w ]+: ", t, re.M) for t in vtt), "no Zoom-style 'Name: text' vtt"
    assert any(b"\r\n" in p.read_bytes() for p in files if p.suffix == ".txt"), "no CRLF txt"


@pytest.mark.parametrize("path", transcripts(), ids=lambda p: p.name)
def test_interview_length_and_synthetic_notice(path):
    text = raw_text(path)
    assert 800 <= len(text.split()) <= 2500
    assert "synthetic" in text[:400].lower(), "must say near the top that it is synthetic"
    assert unicodedata.normalize("NFC", text) == text


@pytest.mark.parametrize("path", transcripts(), ids=lambda p: p.name)
def test_interview_has_interviewer_and_one_participant(path):
    speakers = Counter(s for s, _ in units(path) if s is not None)
    interviewers = [s for s in speakers if s in INTERVIEWERS]
    others = [s for s in speakers if s not in INTERVIEWERS]
    assert len(interviewers) == 1 and len(others) == 1, speakers
    assert speakers[others[0]] >= 10


def test_named_interviewer_recurs_across_documents():
    named = [p for p in transcripts() if any(s == "Dana Whitfield" for s, _ in units(p))]
    assert len(named) >= 5


def test_participants_csv_names_every_transcript_once():
    rows = read_csv("participants.csv")
    assert list(rows[0]) == ["participant", "document", "role", "site", "profession", "years_in_role"]
    documents = Counter(r["document"] for r in rows)
    assert set(documents) == {p.name for p in transcripts()}
    assert max(documents.values()) == 1
    assert len({r["participant"] for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"P\d{2}", row["participant"])
        assert row["role"] in ROLES and row["site"] in SITES
        assert row["years_in_role"].isdigit()
    assert {r["role"] for r in rows} == ROLES


def test_codings_use_cfir2_ids_and_valid_valences():
    from evalbench.codebook import template

    ids = {code.id for code in template("cfir2").codes}
    rows = read_csv("codings.csv")
    assert list(rows[0]) == ["document", "quote", "code", "coder", "valence", "memo"]
    assert {r["code"] for r in rows} <= ids
    assert {r["valence"] for r in rows} <= VALENCES
    assert {r["coder"] for r in rows} == {"alex", "sam"}
    assert {r["document"] for r in rows} <= {p.name for p in transcripts()}


def test_every_quote_is_one_participant_excerpt_inside_one_unit():
    problems = []
    by_doc = defaultdict(set)
    for row in read_csv("codings.csv"):
        by_doc[row["document"]].add(row["quote"])
    for name, quotes in by_doc.items():
        path = SAMPLES / name
        parts = units(path)
        content = squash("\n".join(text for _, text in parts))
        raw = squash(raw_text(path))
        for quote in quotes:
            q = squash(quote)
            holders = [speaker for speaker, text in parts if q in squash(text)]
            if content.count(q) != 1 or raw.count(q) != 1:
                problems.append(f"{name}: {content.count(q)}x in turn text, {raw.count(q)}x in raw text: {quote[:60]}")
            elif len(holders) != 1:
                problems.append(f"{name}: spans units: {quote[:60]}")
            elif holders[0] is None or holders[0] in INTERVIEWERS:
                problems.append(f"{name}: not a participant turn ({holders[0]}): {quote[:60]}")
    assert not problems, "\n".join(problems)


def test_two_coders_each_code_at_least_seven_documents_realistically():
    rows = read_csv("codings.csv")
    per = Counter((r["document"], r["coder"]) for r in rows)
    both = {d for d, c in per if c == "alex" and (d, "sam") in per}
    assert len(both) >= 7
    for doc in both:
        for coder in ("alex", "sam"):
            assert 25 <= per[doc, coder] <= 45, (doc, coder, per[doc, coder])
    # Real coders overlap substantially but not perfectly.
    alex = {(r["document"], r["quote"], r["code"]) for r in rows if r["coder"] == "alex"}
    sam = {(r["document"], r["quote"], r["code"]) for r in rows if r["coder"] == "sam"}
    assert 0.3 < len(alex & sam) / len(alex | sam) < 0.9
