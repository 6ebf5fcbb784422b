"""Barrier / facilitator / mixed, suggested from cue words and the coder's own habits.

Cues are read clause by clause (a clause ends at punctuation or at a
contrast word such as "but"), on normalised words:

* **Cue words and phrases** point one way: "helped", "made it easier",
  "support" to facilitator; "barrier", "overwhelming", "too much" to barrier.
  Generic praise ("good", "great", "love") counts half: it often describes
  something other than the code ("a good review").
* **Negation flips a cue** when a negator comes up to four words before it in
  the same clause: "didn't help", "no protected time", "not enough staff",
  "less useful" are barriers; "not a problem", "never had any pushback",
  "nobody complained" are facilitators.
* **Absence is a barrier on its own.** A lack-word that flips no cue still
  says something is missing: "nobody gave us time", "no admin support", "we
  never had a data person", "lack of", "without a budget"; so does inability
  ("couldn't export it", "unable to") and a plain negation of having or getting
  ("we didn't have", "they don't get"). A double negative with "without"
  ("couldn't have done it without her") is a facilitator.

Barrier and facilitator weights are summed; one side wins when it has at least
twice the other's weight, otherwise the text is mixed. The suggestion engine
reads the sentences that hold the keyword evidence first, then the whole turn;
when the cues are mixed, weak or absent, the coder's usual valence for that
code is used if it is clear. Pure Python: no spaCy needed.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from evalbench.suggest.normalise import normalise

_TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*|[.,;:!?()\u2014\u2013\"\u201c\u201d]|--")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")

#: Words that end a clause, so that a negation or a cue does not reach across "but".
CONTRAST = {"but", "although", "though", "however", "whereas", "except"}  # not "yet": "haven't yet had"


def _keys(words: str) -> set[str]:
    return {normalise(w) for w in words.split()}


FACILITATOR = _keys(
    "help helped helpful helps supportive support supported enabled enable easy easier smooth "
    "smoothly worked works success successful succeeded benefit benefited valuable useful champion "
    "championed encouraged encouraging committed engaged enthusiastic trust trusted appreciated "
    "protected dedicated improved improvement safe motivated value valued empowered "
    "welcome welcomed strength strong positive wonderful excellent effective thanked grateful "
    "glad proud thoughtful enough able flexible responsive"
)
#: Generic praise: half weight, because it often describes something other than the code.
WEAK_FACILITATOR = _keys("good great love loved nice fine decent better best happy excited")
BARRIER = _keys(
    "barrier barriers hard harder hardest difficult difficulty struggle struggled problem problems "
    "challenge challenging frustrated frustrating frustration burden burnout overwhelmed "
    "overwhelming unable hinder hindered obstacle resist resisted resistance pushback "
    "skeptical sceptical confusing confused tired exhausted busy overloaded slow delay "
    "delayed blocked bad worse worst failed fail failure stuck conflict tension unclear "
    "fragile risky afraid fear blame blamed punitive cut cuts competing stretched poor "
    "lost lose loses loss vacant turnover infuriating annoying expensive scarce "
    "shortage absence insufficient inadequate limited understaffed reassigned wasted waste "
    "worried worry unfortunately complain complained"
)
#: Words that flip a cue that follows them in the same clause.
NEGATORS = {
    "no",
    "not",
    "never",
    "without",
    "hardly",
    "barely",
    "nobody",
    "nothing",
    "neither",
    "nor",
    "none",
    "cannot",
    "lack",
    "lacked",
    "lacking",
    "less",
    "fewer",
}
#: Negators that say something is missing even when no cue follows ("nobody gave us time").
LACK = {"no", "never", "without", "nobody", "nothing", "none", "lack", "lacked", "lacking"}
#: Inability: a barrier on its own ("we couldn't export it").
INABILITY = {"cannot", "can't", "couldn't", "unable"}
#: Having, getting, giving: "we didn't have", "they don't get" are barriers.
HAVING = _keys("have has had having get gets got gotten give gave given receive received enough afford access")
PHRASES = {  # multi-word cues: words -> +1 facilitator / -1 barrier
    "made it easy": 1,
    "made it easier": 1,
    "made it work": 1,
    "made it possible": 1,
    "made a difference": 1,
    "made a real difference": 1,
    "made a big difference": 1,
    "got it done": 1,
    "worth it": 1,
    "paid off": 1,
    "on board": 1,
    "bought in": 1,
    "buy in": 1,
    "turning point": 1,
    "went well": 1,
    "made it hard": -1,
    "made it harder": -1,
    "made it difficult": -1,
    "got in the way": -1,
    "too much": -1,
    "too many": -1,
    "too busy": -1,
    "too slow": -1,
    "too long": -1,
    "too late": -1,
    "fell through": -1,
    "fell apart": -1,
    "fell away": -1,
    "falls away": -1,
    "dried up": -1,
    "ran out": -1,
    "on top of": -1,
    "own time": -1,
    "by hand": -1,
    "from scratch": -1,
}
_PHRASES = {tuple(normalise(w) for w in k.split()): v for k, v in PHRASES.items()}
#: Words after a lack-word that make it an idiom, not an absence ("no doubt", "never mind").
IDIOMS = {"doubt", "matter", "mind", "wonder"}
_MAX_PHRASE = max(len(k) for k in _PHRASES)
_PHRASE_START = {k[0] for k in _PHRASES}
#: How many words before a cue a negator reaches.
NEG_SCOPE = 4
WEAK = 0.5


def _is_negator(word: str) -> bool:
    return word in NEGATORS or word.endswith("n't")


def _clauses(text: str) -> list[list[str]]:
    """Words of ``text`` (negators as written, others normalised), split into clauses."""
    out: list[list[str]] = [[]]
    for tok in _TOKEN.findall(text):
        w = _word(tok)
        if w is None:
            out.append([])
        else:
            out[-1].append(w)
    return [c for c in out if c]


@lru_cache(maxsize=200_000)
def _word(tok: str) -> str | None:
    """A token as :func:`_clauses` reads it: None where a clause ends, else the word it compares.

    Cached: the same few thousand words recur, and reading them once each
    halved the valence share of ranking 20,000 turns.
    """
    if not tok[0].isalpha():
        return None
    w = tok.lower().replace("\u2019", "'")
    if w in CONTRAST:
        return None
    return w if _is_negator(w) or w in INABILITY else normalise(w)


def _clause_cues(words: list[str]) -> tuple[float, float]:
    """(barrier, facilitator) weight of one clause."""
    n = len(words)
    cues: list[tuple[int, int, float]] = []  # (position, polarity, weight)
    i = 0
    while i < n:
        width = 1
        w = words[i]
        if w in _PHRASE_START:
            for size in range(min(_MAX_PHRASE, n - i), 1, -1):
                polarity = _PHRASES.get(tuple(words[i : i + size]))
                if polarity:
                    cues.append((i, polarity, 1.0))
                    width = size
                    break
        if width == 1:
            if w in FACILITATOR:
                cues.append((i, 1, 1.0))
            elif w in WEAK_FACILITATOR:
                cues.append((i, 1, WEAK))
            elif w in BARRIER:
                cues.append((i, -1, 1.0))
        i += width
    negators = [j for j, w in enumerate(words) if _is_negator(w) or w in INABILITY]
    used: set[int] = set()
    barrier = facilitator = 0.0
    for pos, polarity, weight in cues:
        flip = next((j for j in reversed(negators) if pos - NEG_SCOPE <= j < pos and j not in used), None)
        if flip is not None:
            used.add(flip)
            polarity = -polarity
        if polarity > 0:
            facilitator += weight
        else:
            barrier += weight
    for j in negators:
        if j in used:
            continue
        w, rest = words[j], words[j + 1 : j + 1 + NEG_SCOPE]
        if not rest:  # "No." as an answer, "I don't." : nothing is said to be missing
            continue
        if w != "without" and "without" in rest:  # "couldn't have done it without her"
            used.add(j + 1 + rest.index("without"))
            facilitator += 1.0
        elif (w in LACK or w in INABILITY) and rest[0] not in IDIOMS:
            barrier += 1.0
        elif any(r in HAVING for r in rest[:2]):  # "didn't have", "haven't yet had", "wasn't given"
            barrier += 1.0
    return barrier, facilitator


@lru_cache(maxsize=8192)
def cue_counts(text: str) -> tuple[float, float]:
    """(barrier, facilitator) cue weight in ``text``."""
    barrier = facilitator = 0.0
    for clause in _clauses(text):
        b, f = _clause_cues(clause)
        barrier += b
        facilitator += f
    return barrier, facilitator


def from_cues(barrier: float, facilitator: float) -> str | None:
    """The valence the cue weights point to, or None when there are none."""
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


@lru_cache(maxsize=256)
def _sentences(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, sentence) of each sentence; cached, since each of a turn's codes reads the same turn."""
    return tuple((m.start(), m.end(), m.group(0)) for m in _SENTENCE.finditer(text))


def coder_prior(history: Counter) -> str | None:
    """The coder's usual valence for a code: one that is at least 60 % of 3+ codings."""
    counts = {v: n for v, n in history.items() if v in ("barrier", "facilitator", "mixed")}
    total = sum(counts.values())
    if total < 3:
        return None
    valence, n = max(counts.items(), key=lambda kv: kv[1])
    return valence if n / total >= 0.6 else None


@lru_cache(maxsize=512)
def _sentence_cues(text: str) -> tuple[tuple[int, int, float, float], ...]:
    """(start, end, barrier, facilitator) of each sentence: a turn's codes each read some of them."""
    return tuple((start, end, *cue_counts(sentence)) for start, end, sentence in _sentences(text))


def window_cues(text: str, spans: list[tuple[int, int]]) -> tuple[float, float]:
    """Cue weights of the sentences holding any of ``spans`` (the whole text when none do).

    Equal to :func:`cue_counts` of those sentences joined, summed sentence by
    sentence (a clause never runs past the end of a sentence), so that the
    three codes suggested for a turn split it into sentences once.
    """
    parts = [(b, f) for start, end, b, f in _sentence_cues(text) if any(start < e and s < end for s, e in spans)]
    if not parts:
        return cue_counts(text)
    return sum(b for b, _ in parts), sum(f for _, f in parts)


def suggest_valence(
    text: str, spans: list[tuple[int, int]] | None = None, history: Counter | None = None
) -> str | None:
    """barrier / facilitator / mixed for a turn and code, or None when nothing points anywhere.

    The sentences around ``spans`` (keyword evidence) are read first, then the
    whole turn when they weigh less than one full cue. Cues that clearly point
    one way win; when they are mixed or weak (one word of generic praise), the
    coder's own clear habit for the code decides, and the cues only without one.
    """
    counts = window_cues(text, spans) if spans else cue_counts(text)
    if sum(counts) < 1 and spans:
        counts = max(counts, cue_counts(text), key=sum)
    found = from_cues(*counts)
    if found in ("barrier", "facilitator") and sum(counts) >= 1:
        return found
    return (coder_prior(history) if history else None) or found
