"""Transcripts laid out as tables: Word and OpenDocument tables, Markdown and RTF pipes, tab-separated lines.

Transcription services often deliver a table — Speaker | Text, or Time | Speaker |
Text, with or without a header row, sometimes with a title above. Which column
is which is decided from the cells, not from the position of the table: a time
column holds clock times, the speaker column holds short labels that repeat,
and the text column is the longest. A table that is none of that (a key/value
block of study details, a table of results) is left to the caller.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from evalbench.ingest.labels import is_label, is_speaker_id, normalise_time, split_label, time_line

#: Header cells naming a column's part (normalised: lower case, single spaces, no colon).
_SPEAKER_HEADS = frozenset(
    {
        "speaker",
        "speakers",
        "name",
        "who",
        "person",
        "speaker name",
        "speaker id",
        "speaker label",
        "role",
        "participant",
    }
)
_TEXT_HEADS = frozenset(
    {
        "text",
        "transcript",
        "transcription",
        "content",
        "dialogue",
        "dialog",
        "utterance",
        "speech",
        "what was said",
        "response",
        "verbatim",
        "statement",
        "comment",
        "comments",
        "notes",
        "words",
        "said",
    }
)
_TIME_HEADS = frozenset(
    {
        "time",
        "timestamp",
        "timecode",
        "time code",
        "start",
        "start time",
        "begin",
        "in",
        "tc",
        "time stamp",
        "timespan",
        "time span",
        "times",
    }
)
_OTHER_HEADS = frozenset(
    {"#", "no", "no.", "nr", "line", "row", "id", "end", "end time", "out", "duration", "paragraph", "para"}
)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class TableTurn:
    """One row of a transcript table: a speaker (None: continues the previous one), a time, the text."""

    speaker: str | None
    time: str | None
    text: str


def _is_time(cell: str) -> bool:
    return time_line(cell) is not None


def _speaker_cell(cell: str) -> tuple[str, str | None] | None:
    """(label, time) for a speaker cell: ``Jane Doe``, ``Jane Doe:``, ``Jane Doe (00:01:02)``, ``Jane Doe\\n0:03``."""
    lines = [line.strip() for line in cell.split("\n") if line.strip()]
    if not lines or len(lines) > 2:
        return None
    first = lines[0].rstrip(":").strip()
    time = time_line(lines[1]) if len(lines) == 2 else None
    if len(lines) == 2 and time is None:
        return None
    found = split_label(first + ":")
    if found and not found.content:
        return found.speaker, found.time or time
    if is_label(first) or is_speaker_id(first):
        return first, time
    return None


def _header(cells: list[str]) -> dict[str, int] | None:
    """Column parts a header row names ({'speaker': 0, 'text': 1, ...}), or None when it is not a header."""
    if not all(len(c) <= 30 for c in cells):
        return None
    hints: dict[str, int] = {}
    known = 0
    for i, cell in enumerate(cells):
        key = " ".join(cell.lower().rstrip(":").split())
        for part, heads in (("speaker", _SPEAKER_HEADS), ("text", _TEXT_HEADS), ("time", _TIME_HEADS)):
            if key in heads and part not in hints:
                hints[part] = i
                known += 1
                break
        else:
            known += key in _OTHER_HEADS or not key
    return hints if hints and known == len(cells) else None


def transcript_rows(rows: list[list[str]], *, started: bool = False) -> list[TableTurn] | None:
    """The turns of a table that is a transcript, or None when it is not one.

    ``started``: the document already has speaker turns above the table, so a
    short two-column table of names and replies is read as more of them.
    """
    rows = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    if not rows:
        return None
    width = Counter(len(r) for r in rows).most_common(1)[0][0]
    if width < 2 or width > 6:
        return None
    hints = _header(rows[0]) if len(rows[0]) == width else None
    if hints is not None:
        rows = rows[1:]
    rows = [r + [""] * (width - len(r)) for r in rows if len(r) <= width]
    if not rows:
        return None
    columns = list(zip(*rows))
    filled = [[c for c in col if c] for col in columns]
    time_col = next((i for i, col in enumerate(filled) if col and sum(map(_is_time, col)) >= 0.6 * len(col)), None)
    length = [sum(len(c) for c in col) / max(1, len(col)) for col in filled]
    if hints and "speaker" in hints and "text" in hints:
        # The header says which column is which: trust it if the speaker cells read as labels.
        col = filled[hints["speaker"]]
        if sum(1 for c in col if _speaker_cell(c)) >= 0.6 * max(1, len(col)):
            return _turns(rows, hints["speaker"], hints.get("time", time_col), hints["text"], width)
    candidates = []
    for i, col in enumerate(filled):
        if i == time_col or not col:
            continue
        found = [_speaker_cell(c) for c in col]
        if sum(1 for f in found if f) < 0.8 * len(col):
            continue
        labels = Counter(f[0] for f in found if f)
        repeats = any(n > 1 for n in labels.values())
        # Without repeated names or a time column, a column of capitalised words beside sentences is as
        # likely a table of findings (Staffing | Not enough nurses.) as a transcript.
        if len(labels) > max(8, len(col) // 2 + 1) or not (repeats or time_col is not None or len(rows) <= 2):
            continue
        candidates.append((len(labels), length[i], i))
    if not candidates:
        return None
    speaker_col = min(candidates)[2]
    text_col = max((i for i in range(width) if i not in (speaker_col, time_col)), key=lambda i: length[i], default=None)
    if text_col is None:
        return None
    words = sum(len(c.split()) for c in filled[text_col]) / max(1, len(filled[text_col]))
    labels = Counter(f[0] for f in (_speaker_cell(c) for c in filled[speaker_col]) if f)
    sentences = sum(1 for c in filled[text_col] if c.rstrip("\"'”’)").endswith((".", "?", "!", "…")))
    if (
        not started
        and time_col is None
        and not any(n > 1 for n in labels.values())
        and words < 8
        and sentences < 0.5 * len(filled[text_col])
    ):
        return None  # a short key/value block (Participant | P03, Mode | Zoom), not an exchange
    return _turns(rows, speaker_col, time_col, text_col, width)


def _turns(
    rows: list[list[str]], speaker_col: int, time_col: int | None, text_col: int, width: int
) -> list[TableTurn] | None:
    out: list[TableTurn] = []
    extra = [i for i in range(width) if i not in (speaker_col, time_col, text_col)]
    for row in rows:
        found = _speaker_cell(row[speaker_col]) if row[speaker_col] else None
        time = normalise_time(_time_of(row[time_col])) if time_col is not None and row[time_col] else None
        text = "\n".join(x for x in [row[text_col], *(row[i] for i in extra)] if x)
        if found is None and row[speaker_col]:
            text = "\n".join(x for x in (row[speaker_col], text) if x)
        if not text:
            continue
        out.append(TableTurn(found[0] if found else None, time or (found[1] if found else None), text))
    return out if any(t.speaker for t in out) else None


def _time_of(cell: str) -> str | None:
    m = re.match(r"^[\[(]?(\d{1,2}(?::\d{1,2}){1,2})", cell.strip())
    if not m:
        return None
    parts = m.group(1).split(":")
    return ":".join(parts[:1] + [p.zfill(2) for p in parts[1:]])


def split_row(line: str) -> list[str] | None:
    """The cells of a pipe-table row (``| a | b |``, ``a|b|`` as RTF gives them) or a tab-separated line."""
    text = line.strip()
    if "\t" in text and "|" not in text:
        cells = text.split("\t")
    elif "|" in text:
        cells = text.strip("|").split("|")
    else:
        return None
    cells = [c.strip() for c in cells]
    return cells if len(cells) >= 2 else None


def find_tables(lines: list[str]) -> list[tuple[int, int, list[list[str]]]]:
    """Runs of two or more consecutive table rows with the same number of cells: (first, end, rows)."""
    out = []
    i = 0
    while i < len(lines):
        cells = split_row(lines[i])
        if cells is None:
            i += 1
            continue
        rows, j = [cells], i + 1
        while j < len(lines):
            if _SEPARATOR.match(lines[j]):
                j += 1
                continue
            nxt = split_row(lines[j])
            if nxt is None or len(nxt) != len(cells):
                break
            rows.append(nxt)
            j += 1
        if len(rows) >= 2:
            out.append((i, j, rows))
        i = j
    return out
