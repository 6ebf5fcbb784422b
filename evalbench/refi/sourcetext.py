"""The plain text of an imported REFI-QDA source, its offsets and its speaker turns.

REFI-QDA selections are character positions (Unicode code points, as Python
counts them) into the source's plain text *as stored in the archive*. evalbench
stores text with ``\\n`` line endings, so :class:`SourceText` removes ``\\r``
from ``\\r\\n`` (and a leading byte-order mark) and maps every archive position
to the stored one. Nothing else is changed, so coded spans keep their words.

Turns are re-derived with the ingest speaker-turn parser when it finds speaker
labels; otherwise each paragraph (blank-line separated) becomes one turn.
"""

from __future__ import annotations

import bisect
import re

from evalbench.ingest.document import ParsedTurn, clean
from evalbench.ingest.turns import Block, parse_lines

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[ \t]*[^\s][^\n]*)*")


class SourceText:
    """Text normalised to ``\\n`` line endings plus a map from original positions."""

    def __init__(self, raw: str) -> None:
        removed: list[int] = []  # original indices of dropped characters
        if raw.startswith("\ufeff"):
            removed.append(0)
        pos = raw.find("\r\n")
        while pos >= 0:
            removed.append(pos)
            pos = raw.find("\r\n", pos + 2)
        self._removed = removed
        self.raw_length = len(raw)
        text = raw[1:] if raw.startswith("\ufeff") else raw
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")

    def offset(self, position: int) -> int:
        """The stored offset for an original position (clamped to the text)."""
        position = max(0, min(position, self.raw_length))
        return position - bisect.bisect_left(self._removed, position)


def _locate(text: str, needle: str, start: int) -> int:
    return text.find(needle, start) if needle else -1


def derive_turns(text: str) -> list[ParsedTurn]:
    """Speaker turns of an imported text, as spans of ``text`` itself (never rewritten)."""
    return derive_turns_and_legend(text)[0]


def derive_turns_and_legend(text: str) -> tuple[list[ParsedTurn], dict[str, str]]:
    """:func:`derive_turns`, and the roles a legend at the top of the text states (label -> role)."""
    found = parse_lines(clean(text).split("\n"))
    turns = _labelled_turns(text, found.blocks)
    return (turns if turns is not None else paragraph_turns(text)), found.legend


def paragraph_turns(text: str) -> list[ParsedTurn]:
    """One unlabelled turn per blank-line separated paragraph, trimmed of surrounding space."""
    out = []
    for m in _PARAGRAPH.finditer(text):
        chunk = m.group(0)
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            out.append(ParsedTurn(None, m.start() + lead, m.start() + lead + len(body), None))
    return out


def _labelled_turns(text: str, blocks: list[Block]) -> list[ParsedTurn] | None:
    """Turns the ingest parser found (``blocks``), located back in ``text``; None if it found no labels."""
    if not any(b.speaker for b in blocks):
        return None
    turns: list[ParsedTurn] = []
    cursor = 0
    for block in blocks:
        lines = [ln.strip() for ln in block.text.split("\n") if ln.strip()]
        if not lines:
            continue
        if block.speaker:
            label = text.find(block.speaker, cursor)
            if label >= 0:
                cursor = label + len(block.speaker)
        start = _locate(text, lines[0], cursor)
        if start < 0:
            return None  # the parser normalised something we cannot find again
        end = start + len(lines[0])
        for line in lines[1:]:
            at = _locate(text, line, end)
            if at < 0:
                return None
            end = at + len(line)
        cursor = end
        last = turns[-1] if turns else None
        if last is not None and block.speaker and last.speaker == block.speaker:
            last.end = end
        else:
            turns.append(ParsedTurn(block.speaker, start, end, block.time))
    return turns
