"""Barrier / facilitator / mixed, suggested from cue words and the coder's own habits.

Cue words are read in the sentence(s) that hold the suggestion's evidence (the
whole turn when there is none). A facilitator cue ("helped", "made it
easier", "support") counts as a barrier when a negator comes up to three words
before it ("didn't help", "no support"), and the reverse ("not a problem").
"Lack"-words ("no", "without", "lack of", "shortage") count as barriers on
their own when no cue follows them ("no protected time"). When the text has
no cue, the coder's usual valence for that code is used if it is clear.
Pure Python: no spaCy needed.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from evalbench.suggest.normalise import normalise

_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")

FACILITATOR = {normalise(w) for w in (
    "help helped helpful helps supportive support supported enabled enable easy easier smooth "
    "smoothly worked works success successful benefit benefited valuable useful champion "
    "championed encouraged encouraging committed engaged enthusiastic trust trusted appreciated "
    "protected dedicated improved improvement great good safe buy-in motivated value valued "
    "empowered welcome welcomed strength strong positive").split()}
BARRIER = {normalise(w) for w in (
    "barrier barriers hard harder difficult difficulty struggle struggled problem problems "
    "challenge challenging frustrated frustrating frustration burden burnout overwhelmed "
    "overwhelming unable hinder hindered obstacle resist resisted resistance pushback "
    "skeptical sceptical confusing confused tired exhausted busy overloaded slow delay "
    "delayed blocked bad worse worst failed fail failure stuck conflict tension unclear "
    "fragile risky afraid fear blame blamed punitive cut cuts competing stretched").split()}
NEGATORS = {"no", "not", "never", "without", "hardly", "barely", "nobody", "nothing", "neither",
            "nor", "none", "cannot", "lack", "lacked", "lacking"}
LACK = {"no", "without", "lack", "lacked", "lacking", "shortage", "absence", "insufficient",
        "inadequate", "limited", "missing", "nobody", "none"}
PHRASES = {  # multi-word cues: words (normalised) -> +1 facilitator / -1 barrier
    ("made", "it", "easy"): 1, ("made", "it", "easier"): 1, ("made", "it", "work"): 1,
    ("made", "it", "hard"): -1, ("made", "it", "harder"): -1, ("got", "in", "the", "way"): -1,
    ("too", "much"): -1, ("too", "many"): -1, ("fell", "through"): -1, ("fell", "apart"): -1,
    ("on", "board"): 1, ("bought", "in"): 1, ("paid", "off"): 1,
}
_PHRASES = {tuple(normalise(w) for w in k): v for k, v in PHRASES.items()}
_MAX_PHRASE = max(len(k) for k in _PHRASES)


def _is_negator(word: str) -> bool:
    return word in NEGATORS or word.endswith("n't")


@lru_cache(maxsize=8192)
def cue_counts(text: str) -> tuple[int, int]:
    """(barrier cues, facilitator cues) in ``text``."""
    raw = [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]
    words = [w if _is_negator(w) else normalise(w) for w in raw]
    barrier = facilitator = 0
    i = 0
    while i < len(words):
        polarity, width = 0, 1
        for n in range(_MAX_PHRASE, 1, -1):
            if tuple(words[i:i + n]) in _PHRASES:
                polarity, width = _PHRASES[tuple(words[i:i + n])], n
                break
        if not polarity:
            w = words[i]
            polarity = 1 if w in FACILITATOR else -1 if w in BARRIER else 0
        if polarity:
            if any(_is_negator(w) for w in words[max(0, i - 3):i]):
                polarity = -polarity
            if polarity > 0:
                facilitator += 1
            else:
                barrier += 1
        elif words[i] in LACK and not any(
                w in FACILITATOR or w in BARRIER for w in words[i + 1:i + 4]):
            barrier += 1
        i += width
    return barrier, facilitator


def from_cues(barrier: int, facilitator: int) -> str | None:
    """The valence the cue counts point to, or None when there are none."""
    if barrier and facilitator:
        if barrier >= 2 * facilitator:
            return "barrier"
        if facilitator >= 2 * barrier:
            return "facilitator"
        return "mixed"
    if barrier:
        return "barrier"
    if facilitator:
        return "facilitator"
    return None


def evidence_window(text: str, spans: list[tuple[int, int]]) -> str:
    """The sentences of ``text`` that contain any of ``spans`` (all of it when none do)."""
    if not spans:
        return text
    parts = [m.group(0) for m in _SENTENCE.finditer(text)
             if any(m.start() < e and s < m.end() for s, e in spans)]
    return " ".join(parts) or text


def coder_prior(history: Counter) -> str | None:
    """The coder's usual valence for a code: one that is at least 60 % of 3+ codings."""
    counts = {v: n for v, n in history.items() if v in ("barrier", "facilitator", "mixed")}
    total = sum(counts.values())
    if total < 3:
        return None
    valence, n = max(counts.items(), key=lambda kv: kv[1])
    return valence if n / total >= 0.6 else None


def suggest_valence(text: str, spans: list[tuple[int, int]] | None = None,
                    history: Counter | None = None) -> str | None:
    """barrier / facilitator / mixed for a turn and code, or None when nothing points anywhere."""
    found = from_cues(*cue_counts(evidence_window(text, spans or [])))
    if found is None and spans:
        found = from_cues(*cue_counts(text))
    if found is None and history:
        found = coder_prior(history)
    return found
