"""Is this the start of a speaker turn? Speaker labels and timestamps as transcription tools write them.

One line at a time, without context; :mod:`evalbench.ingest.turns` then decides
with the whole document in view (a weak label must recur). The families:

- inline ``Name: text``, with a time before (``[00:01:02] Name:``, ``00:01:02 Name:``,
  ``0:05 - Name:``), after the name (``Speaker 1 (00:00:05):``, ``Name [1:02:03]:``) or
  after the colon (``Name: [00:00:05] text``, ``Name: (00:05)`` alone);
- names with a parenthesis (``Jane Doe (she/her):``, ``Pat Lee (PI):``), a comma
  (``O'Brien, Pat:``), titles and initials (``Dr. A. Smith:``, ``J.S.:``), ids
  (``SPEAKER_00:``, ``P03:``), and role words in any case (``interviewer:``);
- header lines with the text below: ``Name  0:05`` (Otter, Teams), ``Name (0:05)``,
  ``[00:00:00] Name`` (Trint), ``00:00:05 Speaker 1`` (Word dictate/transcribe),
  ``[Name] 10:02:33`` (Zoom chat), and bold names in Markdown (``**Sam** [0:18]``);
- bracketed labels ``[SPEAKER_00]: text`` (WhisperX) and ``[id1] text``;
- a bare name alone on its line (screenplay style, Teams after a timing line).

A label is short (one to four words plus an optional parenthesis), starts with
a letter, has capitalised words (role words may be lower case) and is not a
word that starts ordinary sentences or headings (``Note:``, ``Look:``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from evalbench.ingest.roles import role_from_label

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIME_RE = re.compile(TIME)
#: A time range as Teams and subtitle tools write it (loose: ``0:0:3.720 --> 0:0:8.1``).
_RANGE = re.compile(
    r"^[\[(]?(?P<t>\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)[\])]?[ \t]*(?:-->|–|—|-)[ \t]*"
    r"[\[(]?\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?[\])]?$"
)
_TIME_ONLY = re.compile(rf"^[\[(]?(?P<t>{TIME})[\])]?$")
_LEAD = re.compile(rf"^(?:[\[(](?P<t>{TIME})[\])]|(?P<t0>{TIME}))[ \t]*(?:[-–—|][ \t]*)?")
_TRAIL = re.compile(rf"[ \t]*(?:[-–—|][ \t]*)?(?:[\[(](?P<t>{TIME})[\])]|(?P<t0>{TIME}))$")
_CONTENT_TIME = re.compile(rf"^[\[(](?P<t>{TIME})[\])][ \t]*")
_PAREN = re.compile(r"[ \t]*\((?P<p>[^()\n]{1,40})\)$")
_BOLD = re.compile(r"^(?:\*\*(?P<a>[^*\n]{1,80}?)\*\*|__(?P<b>[^_\n]{1,80}?)__)(?P<rest>.*)$")
_BRACKET = re.compile(r"^\[(?P<label>[^\[\]\n]{1,40})\](?P<colon>[ \t]*:)?[ \t]*(?P<content>.*)$")
_WORD = re.compile(r"^[^\W_][\w.'’\-&]*$")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.){1,3}$")
#: Speaker ids that diarisation tools and transcribers write: SPEAKER_00, spk_1, id1, S2, P03.
_SPEAKER_ID = re.compile(r"^(?:[^\W\d_]{1,10}[ _\-]?\d{1,4}|[A-Z]{1,3})$")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S")

_PARTICLES = frozenset("de da di du van von der den la le del dos das al el bin ibn of the and & y st st.".split())
#: Words that start headings or ordinary sentences ("Note: …", "Look: …"), never a speaker.
NOT_SPEAKERS = frozenset(
    """
    note notes nb ps example examples e.g eg i.e ie. update date time duration length location
    place venue subject re fwd from to cc bcc title transcript transcription interview
    recording file filename audio video session meeting topic agenda summary abstract
    background purpose aim aims goal goals objective objectives method methods result
    results outcome outcomes conclusion conclusions recommendation recommendations
    action actions comment comments warning caution important tip tips hint source sources
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
    december look listen see wait anyway actually seriously obviously clearly remember
    imagine sorry thanks thank hello hi hey oh ah um uh er hmm yeah yep yup nope sure
    exactly absolutely definitely true false correct fine great good cool nice
    interesting alright please quote definition translation context scenario point
    reason reasons idea ideas plan plans fact truth bottom otherwise meanwhile later
    instead still yet just only even maybe perhaps probably anyhow whatever besides
    next last lastly overall rule rules tldr q&a faq objective edit edited copyright
    confidential draft disclaimer keyword legend abbreviations
    """.split()
)
#: Bracketed notes that transcribers put at the start of a line: never a speaker.
ANNOTATIONS = frozenset(
    """
    inaudible unintelligible crosstalk laughs laughter laughing pause paused silence music applause
    overlapping overlap noise background coughs cough sighs sigh redacted removed name names
    unclear indiscernible interruption interrupted break end start beginning recording tape
    transcript transcription audio video phone cut off cutoff blank omitted foreign inaudibly
    long short brief technical difficulties affirmative negative nods laugh chuckles chuckle
    """.split()
)


class Hit(NamedTuple):
    """A speaker label found at the start of a line.

    ``kind`` says how it was written: ``inline`` (``Name: text``), ``header`` (a
    line with a name and a time, text below), ``bracket`` (``[id1] text``),
    ``bold`` (a bold name without a colon) or ``bare`` (a name alone on its line).
    ``weak`` labels are only believed when the document repeats them.
    """

    speaker: str
    time: str | None
    content: str
    kind: str
    weak: bool = False


def is_md_heading(line: str) -> bool:
    """A Markdown heading (``# Title``): never a turn."""
    return bool(_MD_HEADING.match(line.strip()))


def normalise_time(raw: str | None) -> str | None:
    """'0:12' -> '00:00:12', '1:02:03.5' -> '01:02:03'; None when not a clock time."""
    if not raw:
        return None
    parts = re.split(r"[.,]", raw.strip())[0].split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() and len(p) <= 3 for p in parts):
        return None
    nums = [int(p) for p in parts]
    if len(nums) == 2:
        nums = [0, *nums]
    hours, minutes, seconds = nums
    if minutes > 59 or seconds > 59 or hours > 99:
        return None
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def time_line(line: str) -> str | None:
    """The time of a line that holds only a timestamp or a time range (``0:0:0.0 --> 0:0:3.7``)."""
    text = line.strip()
    m = _TIME_ONLY.match(text) or _RANGE.match(text)
    return normalise_time(m["t"]) if m else None


def split_paren(label: str) -> tuple[str, str | None]:
    """``'Jane Doe (she/her)'`` -> ``('Jane Doe', 'she/her')``."""
    m = _PAREN.search(label)
    if m and m.start() > 0:
        return label[: m.start()].rstrip(), m["p"].strip()
    return label, None


def _name_ok(base: str) -> bool:
    words = base.replace(",", " , ").split()
    commas = words.count(",")
    words = [w for w in words if w != ","]
    if not words or len(words) > 4 or commas > 1 or len(base) > 40:
        return False
    if commas and base.strip().endswith(","):
        return False
    first = words[0]
    if not _WORD.match(first) or first.isdigit():
        return False
    if first[0].islower() or first.lower().rstrip(".") in NOT_SPEAKERS or base.lower() in NOT_SPEAKERS:
        return False
    for w in words[1:]:
        if not (_WORD.match(w) or _INITIALS.match(w)):
            return False
        if w[0].islower() and w.lower() not in _PARTICLES:
            return False
    return True


@lru_cache(maxsize=8192)
def is_label(label: str) -> bool:
    """Whether text looks like a speaker label: short, capitalised, not a heading or sentence word.

    Cached: a transcript repeats its few labels thousands of times.
    """
    label = label.strip()
    if not label or len(label) > 64:
        return False
    if role_from_label(label):
        return True
    base, paren = split_paren(label)
    if paren is not None and (":" in paren or len(paren.split()) > 4):
        return False
    return _name_ok(base)


def is_speaker_id(label: str) -> bool:
    """``SPEAKER_00``, ``spk_1``, ``id1``, ``S2``: an id a tool or transcriber gave a speaker."""
    label = label.strip()
    return bool(_SPEAKER_ID.match(label)) and label.lower() not in ANNOTATIONS


def _colon(text: str) -> int:
    """Index of the colon that ends a label: outside parentheses and not inside a clock time."""
    head = text[:90]
    first, wide = head.find(":"), head.find("：")
    if first < 0 or 0 <= wide < first:
        first = wide
    if first < 0:
        return -1
    before = head[:first]
    if (
        "(" not in before
        and "[" not in before
        and not (first and head[first - 1].isdigit() and head[first + 1 : first + 2].isdigit())
    ):
        return first  # the usual case, without a character-by-character walk
    depth = 0
    for i, ch in enumerate(text[:90]):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ":：" and depth == 0:
            if i and text[i - 1].isdigit() and text[i + 1 : i + 2].isdigit():
                continue
            return i
    return -1


@lru_cache(maxsize=8192)
def _label_part(text: str) -> tuple[str, str | None] | None:
    """(label, time) for what stands before a label's colon (``Speaker 1 (00:00:05)``), or None."""
    label, time = text.rstrip(), None
    if label[-1:] in ")]" or label[-1:].isdigit():
        m = _TRAIL.search(label)
        if m and m.start() > 0:
            time = normalise_time(m["t"] or m["t0"])
            if time is None:
                return None
            label = label[: m.start()].rstrip()
    return (label, time) if is_label(label) else None


def _inline(line: str, lead_time: str | None) -> Hit | None:
    """``Label: content`` (the lead time already removed)."""
    i = _colon(line)
    if i <= 0:
        return None
    content = line[i + 1 :]
    wide = line[i] == "："  # CJK text puts no space after a full-width colon
    if content and not content[0].isspace() and not wide and not role_from_label(line[:i].rstrip()):
        return None
    found = _label_part(line[:i])
    if found is None:
        return None
    label, time = found[0], lead_time or found[1]
    content = content.strip()
    if content[:1] in "[(" or content[:1].isdigit():
        m = _CONTENT_TIME.match(content) or _TIME_ONLY.match(content)
        if m and normalise_time(m["t"]):
            time = time or normalise_time(m["t"])
            content = content[m.end() :].strip()
    return Hit(label, time, content, "inline")


def _header(line: str) -> Hit | None:
    """A name and a time alone on a line, either way round: the text follows below."""
    m = _TRAIL.search(line)
    if m and m.start() > 0:
        label, raw = line[: m.start()].rstrip().rstrip(":").rstrip(), m["t"] or m["t0"]
    else:
        m = _LEAD.match(line)
        if not m or m.end() >= len(line):
            return None
        label, raw = line[m.end() :].strip().rstrip(":").rstrip(), m["t"] or m["t0"]
    time = normalise_time(raw)
    if time is None:
        return None
    b = _BRACKET.match(label)
    if b and not b["colon"] and not b["content"]:
        label = b["label"].strip()
        if is_speaker_id(label) or is_label(label):
            return Hit(label, time, "", "header")
        return None
    return Hit(label, time, "", "header") if is_label(label) else None


def _bracket(line: str, lead_time: str | None) -> Hit | None:
    """``[SPEAKER_00]: text``, ``[id1] text``, ``[Dana Whitfield] text``."""
    m = _BRACKET.match(line)
    if not m:
        return None
    label = m["label"].strip()
    if _TIME_ONLY.match(label) or label.lower().strip(" .") in ANNOTATIONS or label[:1].islower() and " " in label:
        return None
    if not (is_speaker_id(label) or is_label(label)):
        return None
    content = m["content"].strip()
    time = lead_time
    t = _CONTENT_TIME.match(content) or _TIME_ONLY.match(content)
    if t and normalise_time(t["t"]):
        time = time or normalise_time(t["t"])
        content = content[t.end() :].strip()
        if not content:
            return Hit(label, time, "", "header")
    return Hit(label, time, content, "bracket", weak=not m["colon"])


def _bold(line: str) -> Hit | None:
    """``**Name:** text``, ``**Name**: text``, ``**Sam** [0:18]``, ``**Sam**`` alone or ``**Sam** text``."""
    m = _BOLD.match(line)
    if not m:
        return None
    inner, rest = (m["a"] or m["b"]).strip(), m["rest"]
    if inner.endswith(":") or rest.lstrip().startswith(":"):
        return split_label(inner + rest, bold=False)
    return bold_label(inner, rest)


def bold_label(inner: str, rest: str) -> Hit | None:
    """A bold run ``inner`` (no colon) followed by ``rest``: a header, or a weak label before text."""
    inner = inner.strip()
    found = _header(inner)
    time = found.time if found else None
    label = found.speaker if found else inner
    if not found and not is_label(label):
        return None
    rest = rest.strip()
    t = _TIME_ONLY.match(rest) or _CONTENT_TIME.match(rest)
    if t and normalise_time(t["t"]):
        time = time or normalise_time(t["t"])
        rest = rest[t.end() :].strip()
    if not rest:
        return Hit(label, time, "", "header", weak=time is None)
    return Hit(label, time, rest, "bold", weak=True)


def split_label(line: str, *, bold: bool = True) -> Hit | None:
    """The speaker label a line starts with, if any (see the module docstring for the layouts)."""
    text = line.strip()
    if not text:
        return None
    head = text[:100]
    if (
        ":" not in head
        and "：" not in head
        and "\t" not in head
        and text[0] not in "[*_"
        and not text.startswith(("Q.", "A."))
    ):
        return None  # every layout needs a colon (or clock time) or tab near the start, a bracket, bold or Q./A.
    if _MD_HEADING.match(text):
        return None
    if bold and text[:2] in ("**", "__"):
        found = _bold(text)
        if found:
            return found
    lead = _LEAD.match(text)
    lead_time = normalise_time(lead["t"] or lead["t0"]) if lead else None
    if lead and lead_time is None:
        return None
    body = text[lead.end() :] if lead else text
    if body.startswith("["):
        found = _bracket(body, lead_time)
        if found:
            return found
    found = _inline(body, lead_time)
    if found:
        return found
    return _header(text) or _timed(body, lead_time) or _qa(text) or _tabbed(body, lead_time)


_TIMED = re.compile(rf"^(?P<label>[^\[\]():\n]{{1,40}}?)[ \t]*[\[(](?P<t>{TIME})[\])][ \t]+(?P<content>\S.*)$")
_QA = re.compile(r"^(?P<label>[QA])\.[ \t]+(?P<content>\S.*)$")


def _timed(line: str, lead_time: str | None) -> Hit | None:
    """``Name [00:00:03] text`` (no colon): weak, the document must repeat it."""
    m = _TIMED.match(line)
    if not m or lead_time or not is_label(m["label"]):
        return None
    time = normalise_time(m["t"])
    return Hit(m["label"].strip(), time, m["content"].strip(), "timed", weak=True) if time else None


def _tabbed(line: str, lead_time: str | None) -> Hit | None:
    """``Name<TAB>text`` (a two-column layout saved as text): weak, the document must repeat it."""
    label, tab, content = line.partition("\t")
    if not tab or not content.strip() or len(label) > 45 or not is_label(label.rstrip(":")):
        return None
    return Hit(label.strip().rstrip(":").strip(), lead_time, content.strip(), "tab", weak=True)


def _qa(line: str) -> Hit | None:
    """``Q. text`` / ``A. text`` as in deposition-style transcripts: weak, both letters must recur."""
    m = _QA.match(line)
    return Hit(m["label"], None, m["content"].strip(), "qa", weak=True) if m else None


def bare_label(line: str) -> Hit | None:
    """A name alone on its line, no colon and no time (``INTERVIEWER``, ``Jane Doe``): weak."""
    text = line.strip()
    if not text or text[-1] in ".?!,;:…" or len(text) > 48:
        return None
    if not is_label(text) or len(text.split()) > 4:
        return None
    return Hit(text, None, "", "bare", weak=True)
