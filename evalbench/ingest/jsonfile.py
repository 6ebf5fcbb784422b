"""Speech-to-text JSON: Whisper and WhisperX segments, with speakers when diarised.

Recognised shapes (keys as the tools write them):

- ``{"segments": [{"start": 0.0, "end": 2.5, "text": " Hello", "speaker": "SPEAKER_00",
  "words": [...]}], ...}`` — WhisperX (a segment without ``speaker`` takes the
  speaker most of its ``words`` have), and OpenAI Whisper without speakers;
- ``{"utterances": [{"speaker": "A", "start": 250, "text": ...}]}`` — utterance
  lists whose times are in milliseconds;
- a bare list of such segments.

Consecutive segments by one speaker become one turn, timed by the first. A file
without speakers becomes prose: segments are joined into paragraphs, a new one
after a pause of two seconds or more. JSON that holds none of these is not a
transcript (:class:`~evalbench.ingest.files.NotATranscript`).
"""

from __future__ import annotations

from collections import Counter

from evalbench.errors import IngestError
from evalbench.ingest.decode import decode_bytes
from evalbench.ingest.document import Block, Extract

#: Pause (seconds) that starts a new paragraph in a transcript without speakers.
_PARAGRAPH_PAUSE = 2.0
_SPEAKER_KEYS = ("speaker", "speaker_label", "speaker_id", "spk", "channel_tag")
_LIST_KEYS = ("segments", "utterances", "monologues", "results", "transcript")


def read_json(data: bytes, path: str, encoding: str | None = None) -> Extract:
    """Turns of a Whisper/WhisperX (or similar) JSON transcript."""
    from evalbench.ingest.files import NotATranscript
    from evalbench.safeparse import DataError, load_json

    text = decode_bytes(data, path, encoding)
    try:
        parsed = load_json(text, path)
    except DataError as exc:
        raise IngestError(path, exc.problem) from None
    segments, millis = _segments(parsed.data)
    if segments is None:
        raise NotATranscript(path, "not a transcript: JSON without a list of segments holding 'text'")
    scale = 0.001 if millis else 1.0
    rows = [
        (_speaker(seg), _seconds(seg.get("start"), scale), _seconds(seg.get("end"), scale), _text(seg))
        for seg in segments
    ]
    rows = [r for r in rows if r[3]]
    if not rows:
        raise IngestError(path, "no transcript text found in the JSON segments")
    labelled = any(r[0] for r in rows)
    runs: list[tuple[str | None, str | None, list[str]]] = []  # joined once at the end, not cue by cue
    previous_end: float | None = None
    for speaker, start, end, content in rows:
        if labelled:
            speaker = speaker or (runs[-1][0] if runs else None)
            joins = bool(runs) and speaker is not None and runs[-1][0] == speaker
        else:
            pause = start is not None and previous_end is not None and start - previous_end >= _PARAGRAPH_PAUSE
            joins = bool(runs) and not pause
        if joins:
            runs[-1][2].append(content)
        else:
            runs.append((speaker, _clock(start), [content]))
        previous_end = end if end is not None else start
    return Extract([], [Block(s, t, " ".join(texts)) for s, t, texts in runs], replaced=parsed.replaced)


def _segments(data) -> tuple[list[dict] | None, bool]:
    """The list of segment mappings and whether their times are milliseconds."""
    if isinstance(data, list):
        found = [s for s in data if isinstance(s, dict)]
        return (found, False) if found and any(isinstance(s.get("text"), str) for s in found) else (None, False)
    if not isinstance(data, dict):
        return None, False
    for key in _LIST_KEYS:
        value = data.get(key)
        if isinstance(value, list):
            found = [s for s in value if isinstance(s, dict)]
            if found and any(isinstance(s.get("text"), str) for s in found):
                return found, key == "utterances" and _integer_times(found)
    return None, False


def _integer_times(segments: list[dict]) -> bool:
    starts = [start for s in segments[:50] if isinstance(start := s.get("start"), int | float)]
    return bool(starts) and all(isinstance(x, int) for x in starts) and max(starts) > 1000


def _speaker(segment: dict) -> str | None:
    """The segment's speaker; a bare letter or number (``A``, ``0``) becomes ``Speaker A``, as the tools show it.

    A bare ``A`` or ``I`` would otherwise read as a role word (answer, interviewer).
    """
    for key in _SPEAKER_KEYS:
        value = segment.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            value = str(value).strip()[:60]
            return f"Speaker {value}" if len(value) == 1 or value.isdigit() else value
    words = segment.get("words")
    if isinstance(words, list):
        found = Counter(
            str(w[k]).strip()
            for w in words
            if isinstance(w, dict)
            for k in _SPEAKER_KEYS[:1]
            if isinstance(w.get(k), str) and w[k].strip()
        )
        if found:
            return found.most_common(1)[0][0][:60]
    return None


def _text(segment: dict) -> str:
    value = segment.get("text")
    return " ".join(value.split()) if isinstance(value, str) else ""


def _seconds(value, scale: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value) * scale
    return seconds if 0 <= seconds < 100 * 3600 else None


def _clock(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
