"""Subtitle cues (WebVTT, SRT) to speaker blocks.

A cue's speaker comes from a WebVTT voice tag (``<v Name>``, Teams), a
``Name: text`` prefix (Zoom, also ``Jane Doe (she/her):``), a bracket
(``[SPEAKER_00]: text`` from WhisperX, ``[Name] text``) or a caption mark
(``- Name: text``, ``>> Name: text``). A prefix that the file does not bear out
(``Look: …`` once among unlabelled cues) is part of the sentence. In a file
that has speakers, an unlabelled cue continues the previous speaker. Consecutive
cues by one speaker become one block joined by spaces — subtitle lines are
fragments of one utterance — timed by the first cue.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from evalbench.ingest.document import Block, Extract
from evalbench.ingest.labels import split_label
from evalbench.ingest.roles import role_from_label

# Hours get at most four digits: a cue hour of thousands of digits is damage, not a time.
_CLOCK = r"(?:\d{1,4}:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_CLOCK})\s*-->\s*{_CLOCK}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^>]+)>")
_TAG = re.compile(r"</?[^>\s][^>]*>")
_LIST_MARK = re.compile(r"^(?:-|>>)[ \t]*")


@dataclass
class Cue:
    """One subtitle cue: its start time and raw payload lines."""

    start: str
    lines: list[str]


def parse_cues(text: str) -> list[Cue]:
    """Cues of a VTT or SRT body: blocks separated by blank lines with a timing line."""
    cues: list[Cue] = []
    for chunk in text.split("\n\n"):  # the readers clean() the text first: a blank line is empty
        lines = chunk.split("\n")
        for i, line in enumerate(lines):
            if "-->" not in line:
                continue
            m = _TIMING.match(line)
            if m:
                cues.append(Cue(m["start"], [x for x in lines[i + 1 :] if x.strip()]))
                break
    return cues


_CUE_CLOCK = re.compile(r"(?:(\d{1,4}):)?(\d{1,2}):(\d{2})")


def _cue_time(raw: str) -> str | None:
    """'00:01:02.500' -> '00:01:02' (one match per cue: a file has tens of thousands)."""
    m = _CUE_CLOCK.match(raw)
    if not m:
        return None
    hours, minutes, seconds = int(m[1] or 0), int(m[2]), int(m[3])
    if hours > 99 or minutes > 59 or seconds > 59:
        return None
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


class _Part(NamedTuple):
    """One speaker's part of a cue; ``weak`` labels must recur, ``forced`` ones (voice tags) never fail."""

    time: str  #: the cue's start as written
    speaker: str | None
    text: str
    raw: str
    weak: bool = False
    forced: bool = False


def _speakers(time: str, payload: str) -> list[_Part]:
    """Split a cue payload into speaker parts: voice tags, a ``Name:`` prefix or a ``[Name]`` bracket.

    A Teams cue can hold two voices (``<v A>Hi</v> <v B>Hello</v>``): each is a part.
    """
    voices = list(_VOICE.finditer(payload)) if "<v" in payload else []
    if voices:
        head = _plain(payload[: voices[0].start()])
        parts = [_Part(time, None, head, head)] if head else []
        for voice, after in zip(voices, [*voices[1:], None]):
            stop = after.start() if after else len(payload)
            text = _plain(payload[voice.end() : stop])
            parts.append(_Part(time, voice[1].strip(), text, text, forced=True))
        return parts
    plain = _plain(payload)
    body = _LIST_MARK.sub("", plain) if plain[:1] in "->" else plain
    found = split_label(body)
    if found and found.kind in ("inline", "bracket"):
        return [_Part(time, found.speaker, found.content, plain, found.weak)]
    return [_Part(time, None, body, body)]


def _settle(parts: list[_Part]) -> list[_Part]:
    """Labels a subtitle file does not bear out become text: ``Look: …`` is a sentence, not a speaker.

    A weak label (``[x] text``) needs a second use; a one-word label used once is
    text beside established speakers or in a file whose cues are mostly unlabelled.
    """
    named = [p for p in parts if p.speaker]
    counts = Counter(p.speaker for p in named)
    strong = {p.speaker for p in named if not p.weak}
    top = counts.most_common(1)[0][1] if counts else 0
    mostly_plain = len(named) < 0.5 * len(parts)

    def keep(p: _Part, speaker: str) -> bool:
        if p.forced or role_from_label(speaker):
            return True
        if p.weak and counts[speaker] < 2 and speaker not in strong:
            return False
        runs_on = p.text[:1].islower()
        word = speaker.isalpha() and speaker[:1].isupper() and speaker[1:].islower()
        return not (counts[speaker] == 1 and word and (top >= 3 and runs_on or mostly_plain))

    return [p if p.speaker is None or keep(p, p.speaker) else _Part(p.time, None, p.raw, p.raw) for p in parts]


def _plain(text: str) -> str:
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text.replace("\u00a0", " ").strip()


def cues_to_extract(cues: list[Cue], preamble: list[str] | None = None) -> Extract:
    """Speaker blocks from cues, merging a speaker's consecutive cues.

    In a file with speakers, unlabelled cues before the first speaker (a title
    card) join the preamble instead of becoming turns. A cue's time is worked
    out only for the cue that starts a block.
    """
    found = _settle([part for c in cues if c.lines for part in _speakers(c.start, " ".join(c.lines))])
    labelled = any(p.speaker for p in found)
    preamble = list(preamble or [])
    runs: list[tuple[str | None, str | None, list[str]]] = []  # (speaker, time, texts): joined once at the end
    for start, speaker, text, *_ in found:
        if not text:
            continue
        if labelled and speaker is None and not runs:
            preamble.append(text)
            continue
        if labelled and speaker is None:
            speaker = runs[-1][0]
        if runs and speaker is not None and runs[-1][0] == speaker:
            runs[-1][2].append(text)
        else:
            runs.append((speaker, _cue_time(start), [text]))
    return Extract(preamble, [Block(speaker, time, " ".join(texts)) for speaker, time, texts in runs])
