"""Speaker-turn parsing for line-oriented transcripts (txt, md, rtf, pdf, docx, odt).

Recognised layouts, each at the start of a line:

- ``Name: text`` and ``Name:`` alone, with the text on following lines
- ``[00:01:02] Name: text``, ``00:01:02 Name: text``, ``Name (00:01:02): text``
- Otter-style header lines ``Name  0:12`` (or ``Name (0:12)``, Zoom's
  ``[Name] 10:02:33``) followed by text
- abbreviations ``I:``/``R:``, ``Q:``/``A:``, ``P3:``; ``**Name:**`` in Markdown

A label is short (one to four words), starts with a capital letter (role words
like ``interviewer`` may be lower-case) and is not a common heading word such as
``Note`` or ``Example``. Lines without a label continue the current turn; lines
before the first label are preamble (title, date). A file without any labels is
prose: each paragraph becomes an unlabelled turn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from evalbench.ingest.document import Block
from evalbench.ingest.roles import role_from_label

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LABEL = r"(?P<label>[^\W\d_][\w.'’\-]*(?:[ \t]+[\w.'’&\-]+){0,3}?)"
_LEAD = rf"(?:[\[(](?P<t1>{_TIME})[\])]|(?P<t0>{_TIME}))[ \t]*(?:[-–—][ \t]*)?"
_AFTER = rf"(?:[ \t]*[\[(](?P<t2>{_TIME})[\])])?"

#: ``[time] Label: text`` / ``Label (time): text`` / ``Label:`` at the end of a line.
_INLINE = re.compile(rf"^(?:{_LEAD})?{_LABEL}{_AFTER}[ \t]*:(?:[ \t]+(?P<content>.*)|[ \t]*$)")
#: Otter-style ``Label  0:12`` / ``Label (0:12)`` / ``[0:12] Label`` alone on a line.
_HEADER = re.compile(
    rf"^(?:{_LABEL}(?:[ \t]+(?P<t3>{_TIME})|[ \t]*[\[(](?P<t2>{_TIME})[\])])"
    rf"|[\[(](?P<t1>{_TIME})[\])][ \t]*{_LABEL.replace('label', 'label2')}"
    rf"|\[{_LABEL.replace('label', 'label3')}\][ \t]+(?P<t4>{_TIME}))[ \t]*$"
)
_TIME_ONLY = re.compile(rf"^[\[(]?(?P<t>{_TIME})[\])]?$")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S")
_MD_BOLD = re.compile(r"^(\*\*|__)(?P<inner>[^*_]{1,60}?)\1(?P<rest>.*)$")

_PARTICLES = frozenset("de da di du van von der den la le del dos das al el bin ibn of the and & y".split())
#: Words that start heading-like lines ("Note: ...") rather than speaker turns.
_NOT_SPEAKERS = frozenset(
    """
    note notes nb ps example examples e.g eg update date time duration length location
    place venue subject re fwd from to cc bcc title transcript transcription interview
    recording file filename audio video session meeting topic agenda summary abstract
    background purpose aim aims goal goals objective objectives method methods result
    results outcome outcomes conclusion conclusions recommendation recommendations
    action actions comment comments warning caution important tip hint source sources
    reference references step steps keywords tags status version page section chapter
    part appendix table figure tel phone mobile email e-mail fax web website url http
    https www address site role organisation organization department unit team ward
    hospital programme program project study participants attendees present absent
    speakers language yes no so well okay ok and but also then first second third
    finally however because basically honestly again right like now here there this that
    these those it we they he she you my our their one two three lesson lessons key main
    problem issue issues challenge challenges benefit benefits barrier barriers
    facilitators strengths weaknesses pros cons total day week month
    year morning afternoon evening monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december
    """.split()
)


@dataclass
class Para:
    """One input line or paragraph, possibly with a label already found (Word bold)."""

    text: str
    label: str | None = None
    time: str | None = None
    heading: bool = False
    front: bool = False  #: title/metadata at the top of a file: never a turn


def normalise_time(raw: str | None) -> str | None:
    """'0:12' -> '00:00:12', '1:02:03.5' -> '01:02:03'; None when not a clock time."""
    if not raw:
        return None
    parts = re.split(r"[.,]", raw)[0].split(":")
    nums = [int(p) for p in parts]
    if len(nums) == 2:
        nums = [0, *nums]
    hours, minutes, seconds = nums
    if minutes > 59 or seconds > 59:
        return None
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def is_label(label: str) -> bool:
    """Whether text looks like a speaker label: short, capitalised, not a heading word."""
    label = label.strip()
    words = label.split()
    if not words or len(words) > 4 or len(label) > 40:
        return False
    if role_from_label(label):
        return True
    first = words[0]
    if first[0].islower() or first.lower().rstrip(".") in _NOT_SPEAKERS:
        return False
    if label.lower() in _NOT_SPEAKERS:
        return False
    return all(not w[0].islower() or w.lower() in _PARTICLES for w in words[1:])


def _unbold(line: str) -> str:
    """``**Name:** text`` / ``**Name**: text`` -> ``Name: text``."""
    m = _MD_BOLD.match(line)
    if not m:
        return line
    inner, rest = m["inner"].strip(), m["rest"]
    if inner.endswith(":") or rest.lstrip().startswith(":"):
        return f"{inner}{rest}"
    return line


def split_label(line: str) -> tuple[str, str | None, str] | None:
    """``(speaker, time, content)`` if the line starts with a speaker label, else None."""
    line = _unbold(line.strip())
    m = _INLINE.match(line)
    if not m or not is_label(m["label"]):
        return None
    raw = m["t1"] or m["t0"] or m["t2"]
    time = normalise_time(raw)
    if raw and time is None:
        return None
    return m["label"].strip(), time, (m["content"] or "").strip()


def split_header(line: str) -> tuple[str, str] | None:
    """``(speaker, time)`` for an Otter-style header line ``Name  0:12``."""
    m = _HEADER.match(line.strip())
    if not m:
        return None
    label = (m["label"] or m["label2"] or m["label3"]).strip()
    time = normalise_time(m["t1"] or m["t2"] or m["t3"] or m["t4"])
    if time is None or not is_label(label):
        return None
    return label, time


class Tag(NamedTuple):
    """A classified line: kind is label, text, time, blank, heading or front."""

    kind: str
    text: str = ""  #: the content (for a label: what follows it)
    speaker: str | None = None
    time: str | None = None
    forced: bool = False  #: label found by formatting (Word bold), not by pattern
    raw: str = ""  #: the line as written


def _classify(para: Para) -> Tag:
    text = para.text.strip()
    if para.label:
        return Tag("label", text, para.label, para.time, True, text)
    if not text:
        return Tag("blank")
    if para.front or para.heading or _MD_HEADING.match(text):
        return Tag("front" if para.front else "heading", text, raw=text)
    found = split_label(text)
    if found:
        return Tag("label", found[2], found[0], found[1], raw=text)
    header = split_header(text)
    if header:
        return Tag("label", "", header[0], header[1], raw=text)
    m = _TIME_ONLY.match(text)
    if m and normalise_time(m["t"]):
        return Tag("time", time=normalise_time(m["t"]), raw=text)
    return Tag("text", text, raw=text)


def _as_text(tag: Tag) -> Tag:
    return Tag("text", tag.raw, raw=tag.raw)


def _demote_one_offs(tags: list[Tag]) -> list[Tag]:
    """Single-word labels used once beside established speakers are ordinary text.

    "Anyway: we tried..." inside an answer is not a new speaker when the real
    speakers each appear many times.
    """
    counts = Counter(t.speaker for t in tags if t.kind == "label")
    if not counts or counts.most_common(1)[0][1] < 3:
        return tags
    return [
        _as_text(t)
        if t.kind == "label"
        and not t.forced
        and counts[t.speaker] == 1
        and len(t.speaker.split()) == 1
        and role_from_label(t.speaker) is None
        else t
        for t in tags
    ]


def _front_block(tags: list[Tag]) -> list[Tag]:
    """A header block of ``Key: value`` lines at the top is front matter, not turns.

    ``Participant ID: P03`` / ``Interviewer: Dana Whitfield`` above the
    interview: short values without sentence punctuation, each key once, at
    least one line that is not a recurring speaker, and real turns after it.
    """
    counts = Counter(t.speaker for t in tags if t.kind == "label")
    run: list[int] = []
    keys: set[str | None] = set()
    start = next((i for i, t in enumerate(tags) if t.kind != "blank"), len(tags))
    for i in range(start, len(tags)):
        t = tags[i]
        if t.kind == "text" and len(t.text.split()) <= 8:
            run.append(i)
        elif (
            t.kind == "label"
            and not t.forced
            and t.speaker not in keys
            and 0 < len(t.text.split()) <= 6
            and not t.text.endswith((".", "?", "!", "…"))
        ):
            keys.add(t.speaker)
            run.append(i)
        else:
            break
    labels = [i for i in run if tags[i].kind == "label"]
    one_off = any(tags[i].kind == "text" or counts[tags[i].speaker] == 1 for i in run)
    if len(run) < 2 or not labels or not one_off:
        return tags
    if not any(t.kind == "label" for t in tags[run[-1] + 1 :]):
        return tags
    out = list(tags)
    for i in labels:  # text before the first label is preamble
        out[i] = _as_text(tags[i])
    return out


def parse_paras(paras: list[Para] | list[str]) -> tuple[list[str], list[Block]]:
    """Split lines into (preamble paragraphs, speaker blocks)."""
    items = [p if isinstance(p, Para) else Para(p) for p in paras]
    tags = _front_block(_demote_one_offs([_classify(p) for p in items]))
    if not any(t.kind == "label" for t in tags):
        # Prose: headings and front matter above the first paragraph are not turns.
        body = next((i for i, t in enumerate(tags) if t.kind in ("text", "time")), len(tags))
        front = [t.text for t in tags[:body] if t.kind in ("front", "heading")]
        return front + [t.text for t in tags[body:] if t.kind == "front"], _prose_blocks(tags[body:])
    preamble: list[str] = []
    blocks: list[Block] = []
    current: list[str] = []
    pending_time: str | None = None
    para_lines: list[str] = []

    def flush_preamble() -> None:
        if para_lines:
            preamble.append("\n".join(para_lines))
            para_lines.clear()

    def start_block(speaker: str | None, time: str | None, first: str) -> None:
        nonlocal current, pending_time
        if blocks:
            blocks[-1].text = "\n".join(current)
        current = [first] if first else []
        blocks.append(Block(speaker, time or pending_time, ""))
        pending_time = None

    for tag in tags:
        if tag.kind == "label":
            flush_preamble()
            start_block(tag.speaker, tag.time, tag.text)
        elif tag.kind == "time":
            pending_time = tag.time
        elif tag.kind == "blank":
            if not blocks:
                flush_preamble()
        elif tag.kind == "front":
            flush_preamble()
            preamble.append(tag.text)
        elif not blocks:
            para_lines.append(tag.text)
        elif tag.kind == "heading":
            start_block(None, None, tag.text)
        else:
            current.append(tag.text)
    flush_preamble()
    if blocks:
        blocks[-1].text = "\n".join(current)
    return preamble, blocks


def _prose_blocks(tags: list[Tag]) -> list[Block]:
    """No labels anywhere: every paragraph (blank-line separated) is an unlabelled turn."""
    blocks: list[Block] = []
    lines: list[str] = []
    time: str | None = None

    def flush() -> None:
        nonlocal time
        if lines:
            blocks.append(Block(None, time, "\n".join(lines)))
            lines.clear()
            time = None

    for tag in tags:
        if tag.kind == "front":
            continue
        if tag.kind == "blank":
            flush()
        elif tag.kind == "time":
            flush()
            time = tag.time
        elif tag.kind == "heading":
            flush()
            blocks.append(Block(None, time, tag.text))
            time = None
        else:
            lines.append(tag.text)
    flush()
    return blocks


def parse_text(text: str) -> tuple[list[str], list[Block]]:
    """Preamble and blocks of a plain-text transcript."""
    return parse_paras(text.split("\n"))
