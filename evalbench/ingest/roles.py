"""Who is the interviewer? Speaker roles from labels, recurring names and questions.

Rules, strongest first (``role_source`` in brackets):

1. A role word as label — Interviewer, I, Q, Moderator… or Participant, R, A,
   P3… — decides directly (``label``).
2. A named speaker who appears in two or more documents of a project with at
   least three documents is the interviewer (``recurring``): participants are
   interviewed once, the evaluation team shows up everywhere.
3. In a document with two speakers and no interviewer yet, the one who asks
   more questions is the interviewer (``detected``).
4. Everyone else is a participant (``default``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

INTERVIEWER_WORDS = frozenset(
    {
        "i", "q", "int", "intv", "iv", "ivr", "interviewer", "interviewers", "moderator",
        "mod", "facilitator", "researcher", "host", "question", "questioner", "evaluator",
    }
)  # fmt: skip
PARTICIPANT_WORDS = frozenset(
    {
        "r", "a", "p", "resp", "respondent", "participant", "interviewee", "ie", "answer",
        "pt", "informant", "interviewed",
    }
)  # fmt: skip
#: Labels that name nobody in particular: they never count as a recurring name.
GENERIC_WORDS = frozenset({"speaker", "unknown", "unknown speaker", "guest", "user", "caller"})

#: Why a speaker has their role, in words (``role_source`` -> phrase): what the ``speakers``
#: command and the workbench's speaker-roles screen both show. ``detected`` covers both the
#: speaker who asks more and the other speaker of a two-person interview.
ROLE_SOURCES = {
    "label": "role word in the label",
    "recurring": "appears in several interviews",
    "detected": "from who asks the questions",
    "default": "no other clue",
    "user": "set by hand",
}


def describe_role_source(source: str) -> str:
    """The words for ``source`` from :data:`ROLE_SOURCES` (an unknown source as it is)."""
    return ROLE_SOURCES.get(source, source)


_TRAILING_ID = re.compile(r"[\s#._-]*\d+[a-z]?$")

DocSpeakers = dict[str, list[tuple[str | None, list[str]]]]
Roles = dict[tuple[str, str | None], tuple[str, str]]
SpeakerCount = tuple[str | None, int, int]  #: (label, turns, turns asking a question)


def _norm(label: str) -> str:
    """Lower-case, dots removed, participant numbers stripped: 'P03' -> 'p'."""
    text = " ".join(label.lower().replace(".", " ").replace("’", "'").split())
    return _TRAILING_ID.sub("", text) if not text.isdigit() else text


def role_from_label(label: str | None) -> str | None:
    """'interviewer' or 'participant' when the label itself is a role word, else None."""
    if not label:
        return None
    key = _norm(label)
    if key in INTERVIEWER_WORDS:
        return "interviewer"
    if key in PARTICIPANT_WORDS:
        return "participant"
    return None


def _is_named(label: str | None) -> bool:
    """A person's name (or title) as label: not a role word and not 'Speaker 2'."""
    return bool(label) and role_from_label(label) is None and _norm(label) not in GENERIC_WORDS


def speaker_counts(speakers: list[tuple[str | None, list[str]]]) -> list[SpeakerCount]:
    """(label, turns, turns with a question) per speaker, merging repeated labels."""
    counts: dict[str | None, list[int]] = {}
    for label, texts in speakers:
        entry = counts.setdefault(label, [0, 0])
        entry[0] += len(texts)
        entry[1] += sum(1 for text in texts if "?" in text)
    return [(label, n, q) for label, (n, q) in counts.items()]


def detect_roles(docs: DocSpeakers) -> Roles:
    """Assign every (document key, speaker label) a (role, role_source) pair.

    ``docs`` maps a document key to its speakers as ``(label, [turn texts])``.
    """
    return detect_roles_from_counts({key: speaker_counts(sp) for key, sp in docs.items()})


def detect_roles_from_counts(docs: dict[str, list[SpeakerCount]]) -> Roles:
    """:func:`detect_roles` on per-speaker counts, so a project need not reload every text."""
    roles: Roles = {}
    seen_in: defaultdict[str, set[str]] = defaultdict(set)
    for key, speakers in docs.items():
        for label, _, _ in speakers:
            if _is_named(label):
                seen_in[_norm(label)].add(key)
    recurring = {name: len(keys) for name, keys in seen_in.items() if len(keys) >= 2} if len(docs) >= 3 else {}
    for key, speakers in docs.items():
        roles.update(_roles_for_document(key, speakers, recurring))
    return roles


def _roles_for_document(key: str, speakers: list[SpeakerCount], recurring: dict[str, int]) -> Roles:
    asks = {label: q for label, _, q in speakers}
    out: Roles = {}
    for label in asks:
        role = role_from_label(label)
        if role:
            out[(key, label)] = (role, "label")
    named = [lab for lab in asks if _is_named(lab)]
    repeat = {lab: recurring[_norm(lab)] for lab in named if _norm(lab) in recurring}
    if repeat and len(named) >= 2 and len(repeat) == len(named):
        # Everyone here recurs (a participant seen twice): keep the most frequent.
        top = max(repeat.values())
        repeat = {lab: n for lab, n in repeat.items() if n == top}
        if len(repeat) > 1:
            repeat = {}
    for label in repeat:
        out[(key, label)] = ("interviewer", "recurring")
    has_interviewer = any(role == "interviewer" for role, _ in out.values())
    open_labels = [lab for lab in asks if lab is not None and (key, lab) not in out]
    if not has_interviewer and open_labels:
        asker = _main_questioner(asks, open_labels)
        if asker is not None:
            out[(key, asker)] = ("interviewer", "detected")
            people = [lab for lab in asks if lab is not None]
            if len(people) == 2:
                other = next(lab for lab in people if lab != asker)
                out.setdefault((key, other), ("participant", "detected"))
    for label in asks:
        out.setdefault((key, label), ("participant", "default"))
    return out


def _main_questioner(asks: dict[str | None, int], labels: list[str]) -> str | None:
    """The speaker who clearly asks the most questions, if there is one."""
    ranked = Counter({lab: asks[lab] for lab in labels}).most_common()
    if not ranked or ranked[0][1] == 0:
        return None
    best, count = ranked[0]
    others = [n for lab, n in asks.items() if lab is not None and lab != best]
    runner_up = max(others, default=0)
    if len(others) == 1:
        return best if count > runner_up else None
    # Focus groups: only a clear moderator counts.
    return best if count >= 3 and count >= 2 * runner_up else None
