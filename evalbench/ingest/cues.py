"""Subtitle cues (WebVTT, SRT) to speaker blocks.

A cue's speaker comes from a WebVTT voice tag (``<v Name>``, Teams), a
``Name: text`` prefix (Zoom) or ``[Name] text`` / ``- Name: text``. In a file
that has speakers, an unlabelled cue continues the previous speaker. Consecutive
cues by one speaker become one block joined by spaces — subtitle lines are
fragments of one utterance — timed by the first cue.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from evalbench.ingest.document import Block, Extract
from evalbench.ingest.turns import is_label, normalise_time, split_label

_TIMING = re.compile(r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^>]+)>")
_TAG = re.compile(r"</?[^>\s][^>]*>")
_BRACKET = re.compile(r"^\[(?P<label>[^\]]{1,40})\][ \t]*(?P<content>.*)$")


@dataclass
class Cue:
    """One subtitle cue: its start time and raw payload lines."""

    start: str
    lines: list[str]


def parse_cues(text: str) -> list[Cue]:
    """Cues of a VTT or SRT body: blocks separated by blank lines with a timing line."""
    cues: list[Cue] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = chunk.split("\n")
        for i, line in enumerate(lines):
            m = _TIMING.match(line)
            if m:
                cues.append(Cue(m["start"], [x for x in lines[i + 1 :] if x.strip()]))
                break
    return cues


def _cue_time(raw: str) -> str | None:
    parts = re.split(r"[.,]", raw)[0].split(":")
    if len(parts) == 3:
        parts[0] = str(int(parts[0]))
    return normalise_time(":".join(parts))


def _speakers(payload: str) -> list[tuple[str | None, str]]:
    """Split a cue payload into (speaker, text) parts: voice tags, a prefix or a bracket.

    A Teams cue can hold two voices (``<v A>Hi</v> <v B>Hello</v>``): each is a part.
    """
    voices = list(_VOICE.finditer(payload))
    if voices:
        parts = [(None, _plain(payload[: voices[0].start()]))] if payload[: voices[0].start()].strip() else []
        for voice, after in zip(voices, [*voices[1:], None]):
            stop = after.start() if after else len(payload)
            parts.append((voice[1].strip(), _plain(payload[voice.end() : stop])))
        return parts
    plain = _plain(payload).lstrip("- ").strip()
    found = split_label(plain)
    if found:
        return [(found[0], found[2])]
    m = _BRACKET.match(plain)
    if m and is_label(m["label"]):
        return [(m["label"].strip(), m["content"].strip())]
    return [(None, plain)]


def _plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text)).replace("\u00a0", " ").strip()


def cues_to_extract(cues: list[Cue], preamble: list[str] | None = None) -> Extract:
    """Speaker blocks from cues, merging a speaker's consecutive cues.

    In a file with speakers, unlabelled cues before the first speaker (a title
    card) join the preamble instead of becoming turns.
    """
    found = [(_cue_time(c.start), *part) for c in cues if c.lines for part in _speakers(" ".join(c.lines))]
    labelled = any(speaker for _, speaker, _ in found)
    preamble = list(preamble or [])
    blocks: list[Block] = []
    for time, speaker, text in found:
        if not text:
            continue
        if labelled and speaker is None and not blocks:
            preamble.append(text)
            continue
        if labelled and speaker is None:
            speaker = blocks[-1].speaker
        if blocks and speaker is not None and blocks[-1].speaker == speaker:
            blocks[-1].text += " " + text
        else:
            blocks.append(Block(speaker, time, text))
    return Extract(preamble, blocks)
