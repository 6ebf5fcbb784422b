"""The parsed form of one transcript and the builder that lays out its text.

Every reader turns its file into a preamble (titles, metadata) and a list of
:class:`Block` s — one per cue, paragraph or labelled line. :func:`build_document`
merges consecutive blocks by the same speaker and writes the normalised
transcript text that is stored (and never changed) in the project: one paragraph
per turn, ``[hh:mm:ss] Speaker: content``, paragraphs separated by a blank line.
Turn offsets point at the content only, so coding a whole turn never includes
its label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from evalbench.textsafe import clean_text

_TRAILING_SPACE = re.compile(r"[^\S\n]\n")


@dataclass
class ParsedTurn:
    """One speaker turn: ``text[start:end]`` is its content, without the label."""

    speaker: str | None  #: label as written ("Dr Patel", "I"); None for unlabelled prose
    start: int
    end: int
    time: str | None  #: first timestamp "hh:mm:ss" (merged turns keep the first)


@dataclass
class ParsedDocument:
    """A transcript ready for the store: immutable text plus its turns."""

    name: str  #: file name (basename)
    path: str  #: path as given
    format: str  #: 'txt', 'md', 'docx', 'vtt', 'srt', 'odt', 'rtf' or 'pdf'
    text: str  #: NFC-normalised, '\n' line endings
    turns: list[ParsedTurn]
    sha256: str  #: of the raw file bytes
    metadata: dict[str, str] = field(default_factory=dict)
    #: normalised label -> role, from a legend in the document (``I = interviewer; Y = informant``)
    legend: dict[str, str] = field(default_factory=dict)
    #: parts of the file that were not imported (text boxes …), reported, never silently lost
    skipped: list[SkippedPart] = field(default_factory=list)
    #: characters that could not be stored (lone surrogates) and were replaced with U+FFFD
    replaced: int = 0
    #: characters of the preamble (text that is in no turn: titles, front matter, legend)
    outside: int = 0


@dataclass(frozen=True)
class SkippedPart:
    """Something a reader found but did not import, with its text for the report."""

    kind: str  #: "text box", "table", "annotation" …
    text: str


@dataclass
class Block:
    """A piece of transcript as a reader found it, before merging."""

    speaker: str | None
    time: str | None
    text: str


@dataclass
class Extract:
    """What a format reader hands back: non-turn preamble, blocks, metadata."""

    preamble: list[str]
    blocks: list[Block]
    metadata: dict[str, str] = field(default_factory=dict)
    legend: dict[str, str] = field(default_factory=dict)
    skipped: list[SkippedPart] = field(default_factory=list)
    replaced: int = 0  #: lone surrogates the reader already replaced (JSON escapes)


def clean(text: str) -> str:
    """NFC-normalise and unify line endings; strip trailing spaces on each line.

    Lone surrogates are not removed here (see :func:`build_document`, which counts them).
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for odd, good in (("\u2028", "\n"), ("\ufeff", ""), ("\x00", "")):
        if odd in text:
            text = text.replace(odd, good)
    if not unicodedata.is_normalized("NFC", text):  # a check costs far less than normalising
        text = unicodedata.normalize("NFC", text)
    if _TRAILING_SPACE.search(text):
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip()


def merge_blocks(blocks: list[Block]) -> list[Block]:
    """Merge consecutive blocks by the same named speaker, keeping the first time.

    Unlabelled blocks (speaker None) are separate paragraphs and never merge.
    """
    merged: list[Block] = []
    for block in blocks:
        text = clean(block.text)
        if not text.strip():
            continue
        last = merged[-1] if merged else None
        if last is not None and block.speaker is not None and last.speaker == block.speaker:
            last.text = f"{last.text}\n{text}"
            last.time = last.time or block.time
        else:
            merged.append(Block(block.speaker, block.time, text))
    return merged


def build_document(
    *,
    name: str,
    path: str,
    fmt: str,
    sha256: str,
    preamble: list[str],
    blocks: list[Block],
    metadata: dict[str, str] | None = None,
    legend: dict[str, str] | None = None,
    skipped: list[SkippedPart] | None = None,
    replaced: int = 0,
) -> ParsedDocument:
    """Lay out preamble and merged turns as one text and record each turn's span.

    This is the decoding boundary every reader passes: text that cannot be stored
    (a lone surrogate from an RTF ``\\u-10240`` or a JSON escape) is made storable
    here with :func:`evalbench.textsafe.clean_text`, and counted for the report.
    """
    parts: list[str] = []
    pos = 0

    def storable(text: str) -> str:
        nonlocal replaced
        text, n = clean_text(text)
        replaced += n
        return text

    def add(paragraph: str) -> int:
        nonlocal pos
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        parts.append(paragraph)
        pos += len(paragraph)
        return start

    for para in preamble:
        para = clean(storable(para))
        if para.strip():
            add(para)
    outside = pos
    turns: list[ParsedTurn] = []
    for block in merge_blocks(
        [Block(storable(b.speaker) if b.speaker else b.speaker, b.time, storable(b.text)) for b in blocks]
    ):
        speaker = clean(block.speaker) if block.speaker else None
        prefix = f"[{block.time}] " if block.time else ""
        if speaker:
            prefix += f"{speaker}: "
        start = add(prefix + block.text) + len(prefix)
        turns.append(ParsedTurn(speaker or None, start, start + len(block.text), block.time))
    return ParsedDocument(
        name=name,
        path=path,
        format=fmt,
        text="".join(parts),
        turns=turns,
        sha256=sha256,
        metadata={storable(k): storable(v) for k, v in (metadata or {}).items()},
        legend=dict(legend or {}),
        skipped=list(skipped or []),
        replaced=replaced,
        outside=outside,
    )


def transcript(
    name: str, turns: list[tuple[str | None, str]], *, sha256: str | None = None, fmt: str = "txt"
) -> ParsedDocument:
    """A ParsedDocument from (speaker, content) pairs, laid out exactly as the importers do.

    For generated corpora (tests, benchmarks, synthetic projects) that need a
    stored transcript without writing a file first.
    """
    import hashlib

    doc = build_document(
        name=name,
        path=name,
        fmt=fmt,
        sha256="",
        preamble=[],
        blocks=[Block(speaker=s, time=None, text=c) for s, c in turns],
    )
    doc.sha256 = sha256 or hashlib.sha256(doc.text.encode()).hexdigest()
    return doc
