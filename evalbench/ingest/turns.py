"""Speaker turns in line-oriented transcripts (txt, md, rtf, pdf, docx, odt), decided per document.

Each line is classified on its own (:mod:`evalbench.ingest.labels`: a label, a
time, text, a heading); then the whole document settles what the lines alone
cannot:

- *weak* labels (a bracketed id without a colon, a bold name without one, a bare
  name on its own line) count only when the document repeats them;
- a label used once in a document whose speakers are established, written in a
  way the document does not otherwise use, or a single word in a file that is
  otherwise prose (``Look: …``), is ordinary text;
- a legend (``I = interviewer; Y = informant``) and a ``Key: value`` block at the
  top are front matter, not turns, and the legend's roles are kept;
- runs of table rows (Markdown or RTF pipes, tab-separated lines) laid out as a
  transcript become turns (:mod:`evalbench.ingest.tables`).

Lines without a label continue the current turn; lines before the first label
are preamble (title, date). A file without any labels is prose: each paragraph
becomes an unlabelled turn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from evalbench.ingest.document import Block
from evalbench.ingest.labels import (
    bare_label,
    bold_label,
    is_label,
    is_md_heading,
    normalise_time,
    split_label,
    time_line,
)
from evalbench.ingest.legend import legend_entries
from evalbench.ingest.roles import role_from_label
from evalbench.ingest.tables import find_tables, transcript_rows

# Re-exported for readers that import them from here.
__all__ = [
    "Para",
    "ParsedLines",
    "is_label",
    "normalise_time",
    "parse_lines",
    "parse_paras",
    "parse_text",
    "split_label",
]

#: How many leading lines may hold a legend or a key/value header block.
_LEADING = 40


@dataclass
class Para:
    """One input line or paragraph, possibly with a label already found (a table cell, Word bold)."""

    text: str
    label: str | None = None
    time: str | None = None
    heading: bool = False
    front: bool = False  #: title/metadata at the top of a file: never a turn
    bold: str | None = None  #: the bold run a Word paragraph opens with (no colon in it)


@dataclass
class ParsedLines:
    """What the line parser found: preamble, speaker blocks, and the legend's roles."""

    preamble: list[str]
    blocks: list[Block]
    legend: dict[str, str] = field(default_factory=dict)


class Tag(NamedTuple):
    """A classified line: kind is label, text, time, blank, heading or front."""

    kind: str
    text: str = ""  #: the content (for a label: what follows it)
    speaker: str | None = None
    time: str | None = None
    forced: bool = False  #: label found by layout (a table, Word bold with a colon), not by pattern
    raw: str = ""  #: the line as written
    weak: bool = False  #: believed only if the document repeats it
    how: str = ""  #: how the label was written (labels.Hit.kind, or "forced")


def _classify(para: Para) -> Tag:
    text = para.text.strip()
    if para.label:
        return Tag("label", text, para.label, para.time, True, text, how="forced")
    if not text:
        return Tag("blank")
    if para.front or para.heading or is_md_heading(text):
        return Tag("front" if para.front else "heading", text, raw=text)
    if para.bold:
        rest = text[len(para.bold.strip()) :] if text.startswith(para.bold.strip()) else ""
        hit = bold_label(para.bold, rest) if rest or text == para.bold.strip() else None
        if hit:
            return Tag("label", hit.content, hit.speaker, hit.time, False, text, hit.weak, "bold")
    time = time_line(text)
    if time:
        return Tag("time", time=time, raw=text)
    hit = split_label(text) or bare_label(text)
    if hit:
        return Tag("label", hit.content, hit.speaker, hit.time, False, text, hit.weak, hit.kind)
    return Tag("text", text, raw=text)


def _as_text(tag: Tag) -> Tag:
    return Tag("text", tag.raw, raw=tag.raw)


def _next_kind(tags: list[Tag], i: int) -> str:
    """Kind of the next line after ``i`` that is not blank or a timestamp."""
    for t in tags[i + 1 :]:
        if t.kind not in ("blank", "time"):
            return t.kind
    return "end"


def _settle_weak(tags: list[Tag]) -> list[Tag]:
    """Weak labels stand only if repeated (or a role word, or a speaker the document names strongly)."""
    counts = Counter(t.speaker for t in tags if t.kind == "label")
    strong = {t.speaker for t in tags if t.kind == "label" and not t.weak}
    bare = Counter(
        t.speaker for i, t in enumerate(tags) if t.kind == "label" and t.how == "bare" and _next_kind(tags, i) == "text"
    )
    bare_ok = {s for s, n in bare.items() if n >= 2}
    # A way of writing labels that the document bears out (a repeated or role-word bold name, or
    # two different names written so) vouches for its other labels written the same way.
    weak_by_how: dict[str, set[str]] = {}
    for t in tags:
        if t.kind == "label" and t.speaker is not None and t.weak and t.how not in ("bare", "qa"):
            weak_by_how.setdefault(t.how, set()).add(t.speaker)
    trusted = {
        how
        for how, names in weak_by_how.items()
        if len(names) >= 2 or any(counts[n] >= 2 or role_from_label(n) for n in names)
    }
    out = []
    for i, t in enumerate(tags):
        if t.kind == "label" and t.weak:
            known = t.how != "qa" and (t.speaker in strong or role_from_label(t.speaker) is not None)
            if t.how == "bare":
                ok = _next_kind(tags, i) == "text" and (known or (t.speaker in bare_ok and len(bare_ok) >= 2))
            elif t.how == "qa":  # "A. text" is an outline item unless questions and answers alternate
                ok = counts["Q"] >= 2 and counts["A"] >= 2
            else:
                ok = known or counts[t.speaker] >= 2 or t.how in trusted
            if not ok:
                t = _as_text(t)
        out.append(t)
    return out


def _demote_one_offs(tags: list[Tag]) -> list[Tag]:
    """A label used once is ordinary text when the document says it is not a speaker.

    "Bottomline: it worked..." inside an answer is not a new speaker when the
    real speakers each appear many times and the words after it run on in lower
    case (a focus-group member who speaks once, ``Cleo: Protected time.``, is);
    nor is a label written in a way the document does not otherwise use; nor
    ``Look:`` in a file that is otherwise prose.
    """
    labels = [t for t in tags if t.kind == "label"]
    if not labels:
        return tags
    counts = Counter(t.speaker for t in labels)
    hows = Counter(t.how for t in labels)
    top = counts.most_common(1)[0][1]
    main_how, main_n = hows.most_common(1)[0]
    prose = len(labels) == 1 and any(t.kind == "text" for t in tags)

    def one_off(t: Tag) -> bool:
        if t.speaker is None or t.forced or counts[t.speaker] != 1 or role_from_label(t.speaker) is not None:
            return False
        single = _ordinary_word(t.speaker)
        # "Bottomline: it worked." goes on in lower case; a speaker's turn starts a sentence.
        runs_on = t.text[:1].islower()
        return (top >= 3 and single and runs_on) or (main_n >= 3 and t.how != main_how) or (prose and single)

    return [_as_text(t) if t.kind == "label" and one_off(t) else t for t in tags]


def _ordinary_word(label: str) -> bool:
    """One capitalised word, as sentences start (``Bottomline``), unlike ``J.S.``, ``SPEAKER_00`` or ``P3``."""
    return label.isalpha() and label[:1].isupper() and (len(label) == 1 or label[1:].islower())


def _legend(tags: list[Tag]) -> tuple[list[Tag], dict[str, str]]:
    """Legend lines at the top become front matter; returns the roles they state."""
    legend: dict[str, str] = {}
    out = list(tags)
    seen_turn = False
    for i, t in enumerate(tags[:_LEADING]):
        if t.kind == "label" and not t.forced:
            found = legend_entries(f"{t.speaker}: {t.text}") if t.text else {}
            if not found and t.text and "=" in t.text:
                found = legend_entries(t.text)
            if found and not seen_turn:
                legend.update(found)
                out[i] = _as_text(t)
                continue
            if t.text and (len(t.text.split()) > 6 or t.text.endswith((".", "?", "!", "…"))):
                seen_turn = True
        elif t.kind in ("text", "front", "heading") and not seen_turn:
            for line in t.text.split("\n"):
                legend.update(legend_entries(line))
        if seen_turn:
            break
    return out, legend


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
    for i in range(start, min(len(tags), start + _LEADING)):
        t = tags[i]
        if t.kind == "front" or t.kind == "text" and len(t.text.split()) <= 8:
            run.append(i)
        elif t.kind == "blank":
            continue
        elif (
            t.kind == "label"
            and not t.forced
            and t.how == "inline"
            and t.speaker not in keys
            and 0 < len(t.text.split()) <= 6
            and not t.text.endswith((".", "?", "!", "…"))
        ):
            keys.add(t.speaker)
            run.append(i)
        else:
            break
    labels = [i for i in run if tags[i].kind == "label"]
    one_off = any(tags[i].kind in ("text", "front") or counts[tags[i].speaker] == 1 for i in run)
    if len(run) < 2 or not labels or not one_off:
        return tags
    if not any(t.kind == "label" for t in tags[run[-1] + 1 :]):
        return tags
    out = list(tags)
    for i in labels:
        out[i] = _as_text(tags[i])
    return out


def _tables(paras: list[Para]) -> list[Para]:
    """Runs of pipe or tab-separated rows that are a transcript become labelled paragraphs."""
    lines = [p.text if not (p.label or p.heading or p.front or p.bold) else "" for p in paras]
    found = find_tables(lines)
    if not found:
        return paras
    out: list[Para] = []
    pos = 0
    for first, end, rows in found:
        turns = transcript_rows(rows)
        if turns is None:
            continue
        out.extend(paras[pos:first])
        out.extend(table_paras(turns))
        pos = end
    out.extend(paras[pos:])
    return out


def table_paras(turns) -> list[Para]:
    """Paragraphs for the rows of a transcript table (``tables.TableTurn``)."""
    out: list[Para] = []
    for row in turns:
        lines = row.text.split("\n")
        if row.speaker:
            out.append(Para(lines[0], label=row.speaker, time=row.time))
            out.extend(Para(line) for line in lines[1:])
        else:
            out.extend(Para(line) for line in lines)
    return out


_LINE_NUMBER = re.compile(r"^[ \t]*(\d{1,5})(?:[ \t]+|$)")


def _without_line_numbers(paras: list[Para]) -> list[Para]:
    """Transcripts numbered line by line for citation (``12   I: So…``) lose the numbers, which are not speech.

    Only when nearly every line starts with a number and the numbers go up.
    """
    texts = [p.text for p in paras if not p.label and p.text.strip()]
    found = [m for t in texts if (m := _LINE_NUMBER.match(t))]
    if len(texts) < 6 or len(found) < 0.9 * len(texts):
        return paras
    values = [int(m.group(1)) for m in found]
    if sum(1 for a, b in zip(values, values[1:]) if b > a) < 0.9 * (len(values) - 1):
        return paras
    return [p if p.label else replace(p, text=_LINE_NUMBER.sub("", p.text, count=1)) for p in paras]


def parse_lines(paras: list[Para] | list[str]) -> ParsedLines:
    """Split lines into preamble paragraphs, speaker blocks and the legend's roles."""
    items = _tables(_without_line_numbers([p if isinstance(p, Para) else Para(p) for p in paras]))
    tags = [_classify(p) for p in items]
    tags = _demote_one_offs(_settle_weak(tags))
    tags, legend = _legend(tags)
    tags = _front_block(tags)
    if not any(t.kind == "label" for t in tags):
        # Prose: headings and front matter above the first paragraph are not turns.
        body = next((i for i, t in enumerate(tags) if t.kind in ("text", "time")), len(tags))
        front = [t.text for t in tags[:body] if t.kind in ("front", "heading")]
        preamble = front + [t.text for t in tags[body:] if t.kind == "front"]
        return ParsedLines(preamble, _prose_blocks(tags[body:]), legend)
    preamble, blocks = _labelled_blocks(tags)
    return ParsedLines(preamble, blocks, legend)


def _labelled_blocks(tags: list[Tag]) -> tuple[list[str], list[Block]]:
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
            if blocks and not current and blocks[-1].time is None:
                blocks[-1].time = tag.time  # Speaker 1: / 00:00:05 / text: the time below the label
            else:
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


def parse_paras(paras: list[Para] | list[str]) -> tuple[list[str], list[Block]]:
    """Split lines into (preamble paragraphs, speaker blocks)."""
    found = parse_lines(paras)
    return found.preamble, found.blocks


def parse_text(text: str) -> tuple[list[str], list[Block]]:
    """Preamble and blocks of a plain-text transcript."""
    return parse_paras(text.split("\n"))
