"""A small, honest word normaliser used instead of a trained lemmatizer.

No trained English pipeline is installed (or downloadable) here, so codebook
keywords and transcript words are matched on a crude stem: lower case, a
possessive removed, then light suffix stripping (``-ship``, ``-ies``/``-ied``,
``-ier``, ``-es``/``-s``, ``-ing``, ``-ed``, ``-ly``) and a final ``e``. The same function
is applied to keywords and to text, so "leaders", "Leadership" and "leader"
all become ``leader``; "supported", "supporting" and "supports" become
``support``; "huddle"/"huddles" become ``huddl``.

Known limits (by design, not bugs to chase):

* irregular forms are not joined: made/make, ran/run, children/child, better/good;
* words of three letters or fewer are left alone, so use/used/using stay apart;
* some unrelated words collide (``news``/``new``, ``timing``/``time``) and some
  related ones do not (``lead``/``leader``, ``decide``/``decision``);
* English only; it does not know parts of speech.

The stems are internal keys; evidence shown to coders is always the words as
they appear in the transcript.
"""

from __future__ import annotations

from functools import lru_cache

_VOWELS = set("aeiouy")
_KEEP_S = ("ss", "us", "is", "ous")
_DOUBLE_OK = set("flsz")  # "staff", "fall", "buzz": keep these doubled letters


def _undouble(stem: str) -> str:
    """'planning' -> 'plann' -> 'plan'; 'calling' -> 'call' keeps its ll."""
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS | _DOUBLE_OK:
        return stem[:-1]
    return stem


def _has_vowel(stem: str) -> bool:
    return any(ch in _VOWELS for ch in stem)


@lru_cache(maxsize=200_000)
def normalise(word: str) -> str:
    """The matching key for one word (see the module docstring for the rules)."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("s'"):
        w = w[:-1]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ship") and len(w) > 7:
        w = w[:-4]
    elif w.endswith("ier") and len(w) > 5:
        w = w[:-3] + "y"
    elif w.endswith("ies") or w.endswith("ied"):
        w = w[:-3] + "y" if len(w) > 4 else w
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(_KEEP_S):
        w = w[:-1]
    elif w.endswith("ing") and len(w) > 5 and _has_vowel(w[:-3]):
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) > 4 and _has_vowel(w[:-2]):
        w = _undouble(w[:-2])
    elif w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w
