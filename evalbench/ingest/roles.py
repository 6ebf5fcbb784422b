"""Who is the interviewer? Speaker roles from the document first, then from the project.

Evidence inside a document beats a name that recurs across documents
(``role_source`` in brackets):

1. The label names the role — Interviewer, I, Q, Moderator, ``Dana (interviewer)``…
   or Participant, R, A, P3, Informant… — or the document's legend says who is who
   (``I = interviewer; Y = informant``, ``Interviewer: Dana Whitfield``) (``label``).
2. With no interviewer named, the speaker who clearly asks the questions is the
   interviewer; in a two-person interview the other is the participant (``detected``).
3. Only when the document itself says nothing: a named speaker who appears in two or
   more documents of a project with at least three documents is the interviewer
   (``recurring``) — the evaluation team shows up everywhere, participants once.
   Letters and ids (``Y``, ``SPEAKER_00``) are conventions, not names: they never recur.
4. Everyone else is a participant (``default``).

A document with more than one speaker always keeps at least one participant, and
a role the user set (``user``) is never changed. Step 3 needs only the labels and
sources already stored, so re-checking a whole project reads no transcript text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeGuard

INTERVIEWER_WORDS = frozenset(
    {
        "i", "q", "int", "intv", "iv", "ivr", "ir", "interviewer", "interviewers", "moderator",
        "mod", "facilitator", "researcher", "host", "question", "questioner", "evaluator",
        "co-interviewer", "co interviewer", "interviewer a", "interviewer b",
        # the same in the languages of studies we have seen: es/pt, fr, de, nl, it
        "entrevistador", "entrevistadora", "moderador", "moderadora", "enquêteur", "enquêtrice", "intervieweur",
        "interviewerin", "moderatorin", "interviewster", "intervistatore", "intervistatrice",
    }
)  # fmt: skip
PARTICIPANT_WORDS = frozenset(
    {
        "r", "a", "p", "resp", "respondent", "participant", "interviewee", "ie", "answer",
        "pt", "informant", "interviewed", "response", "key informant", "ki",
        "entrevistado", "entrevistada", "participante", "enquêté", "enquêtée", "befragte", "befragter",
        "teilnehmer", "teilnehmerin", "geïnterviewde", "deelnemer", "intervistato", "intervistata",
    }
)  # fmt: skip
#: Labels that name nobody in particular: they never count as a recurring name.
GENERIC_WORDS = frozenset(
    {
        "speaker",
        "unknown",
        "unknown speaker",
        "guest",
        "user",
        "caller",
        "spk",
        "person",
        "voice",
        "male",
        "female",
        "man",
        "woman",
        "audience",
        "group",
        "all",
        "everyone",
        "multiple",
        "several",
        "various",
        "crosstalk",
    }
)

#: Why a speaker has their role, in words (``role_source`` -> phrase): what the ``speakers``
#: command and the workbench's speaker-roles screen both show. ``detected`` covers both the
#: speaker who asks more and the other speaker of a two-person interview.
ROLE_SOURCES = {
    "label": "role word in the label or the document's legend",
    "recurring": "appears in several interviews",
    "detected": "from who asks the questions",
    "default": "no other clue",
    "user": "set by hand",
}

#: Sources that later evidence from the project may change.
OPEN_SOURCES = frozenset({"default", "recurring"})


def describe_role_source(source: str) -> str:
    """The words for ``source`` from :data:`ROLE_SOURCES` (an unknown source as it is)."""
    return ROLE_SOURCES.get(source, source)


_TRAILING_ID = re.compile(r"(?:[\s#._-]*\d+[a-z]?|[\s#._-]+[a-z])$")
_PAREN = re.compile(r"\s*\(([^()]{1,40})\)\s*$")
_ID_LIKE = re.compile(r"^(?:[^\W\d_]{1,10}[ _\-]?\d{1,4}|[^\W\d_])$")
_QUESTION = re.compile("[?？¿]")

Role = tuple[str, str]  #: (role, role_source)
Roles = dict[tuple[str, str | None], Role]  #: (document key, label) -> (role, role_source)
DocSpeakers = dict[str, list[tuple[str | None, list[str]]]]


@dataclass(frozen=True)
class SpeakerStats:
    """What role detection needs to know of one speaker in one document."""

    label: str | None
    turns: int
    questions: int  #: turns that ask a question
    words: int = 0


def norm_label(label: str) -> str:
    """Lower case, dots and extra spaces removed: how labels and legend keys are compared."""
    return " ".join(label.lower().replace(".", " ").replace("’", "'").split())


def _role_word(text: str) -> str | None:
    key = norm_label(text)
    for candidate in (key, _TRAILING_ID.sub("", key) if not key.isdigit() else key):
        if candidate in INTERVIEWER_WORDS:
            return "interviewer"
        if candidate in PARTICIPANT_WORDS:
            return "participant"
    return None


@lru_cache(maxsize=8192)
def role_from_label(label: str | None) -> str | None:
    """'interviewer' or 'participant' when the label itself names the role, else None.

    ``I``, ``Interviewer 2``, ``P03``, ``Participant B``, and a role in parentheses
    (``Dana Whitfield (Interviewer)``, ``Interviewer (Dana)``).
    """
    if not label:
        return None
    role = _role_word(label)
    if role:
        return role
    m = _PAREN.search(label)
    if m and m.start() > 0:
        return _role_word(label[: m.start()]) or _role_word(m.group(1))
    return None


def is_named(label: str | None) -> TypeGuard[str]:
    """A person's name (or initials) as label: not a role word, not 'Speaker 2', not a letter or an id."""
    if not label or role_from_label(label) is not None:
        return False
    key = norm_label(label)
    if _ID_LIKE.match(key) or len(key.replace(" ", "")) < 2:
        return False
    return _TRAILING_ID.sub("", key) not in GENERIC_WORDS and key not in GENERIC_WORDS


def asks_question(text: str) -> bool:
    return _QUESTION.search(text) is not None


def speaker_counts(speakers: list[tuple[str | None, list[str]]]) -> list[SpeakerStats]:
    """Stats per speaker from ``(label, [turn texts])`` pairs, merging repeated labels."""
    counts: dict[str | None, list[int]] = {}
    for label, texts in speakers:
        entry = counts.setdefault(label, [0, 0, 0])
        entry[0] += len(texts)
        entry[1] += sum(1 for text in texts if asks_question(text))
        entry[2] += sum(len(text.split()) for text in texts)
    return [SpeakerStats(label, n, q, w) for label, (n, q, w) in counts.items()]


def _legend_role(label: str, legend: dict[str, str]) -> str | None:
    key = norm_label(label)
    if key in legend:
        return legend[key]
    m = _PAREN.search(label)
    if m and m.start() > 0:
        return legend.get(norm_label(label[: m.start()])) or legend.get(norm_label(m.group(1)))
    return None


def document_roles(
    speakers: list[SpeakerStats], legend: dict[str, str] | None = None, fixed: dict[str | None, Role] | None = None
) -> dict[str | None, Role]:
    """Roles of one document's speakers from what the document itself says (rules 1, 2 and 4).

    ``legend`` maps a normalised label (:func:`norm_label`) to a role; ``fixed``
    holds roles that must not change (set by the user).
    """
    out: dict[str | None, Role] = dict(fixed or {})
    for s in speakers:
        if s.label is None or s.label in out:
            continue
        role = role_from_label(s.label) or _legend_role(s.label, legend or {})
        if role:
            out[s.label] = (role, "label")
    people = [s for s in speakers if s.label is not None]
    if not any(role == "interviewer" for role, _ in out.values()):
        asker = _main_questioner([s for s in people if s.label not in out], people)
        if asker is not None:
            out[asker] = ("interviewer", "detected")
            if len(people) == 2:
                other = next(s.label for s in people if s.label != asker)
                out.setdefault(other, ("participant", "detected"))
    for s in speakers:
        out.setdefault(s.label, ("participant", "default"))
    _keep_a_participant(out, {s.label: s for s in speakers})
    return out


def _smoothed_rate(s: SpeakerStats) -> float:
    """Share of turns that ask a question, pulled towards a half for speakers with few turns."""
    return (s.questions + 0.5) / (s.turns + 2)


def _main_questioner(candidates: list[SpeakerStats], people: list[SpeakerStats]) -> str | None:
    """The speaker who clearly asks the questions, if there is one."""
    asking = [s for s in candidates if s.questions > 0]
    if not asking:
        return None
    best = max(asking, key=lambda s: (_smoothed_rate(s), s.questions))
    others = [s for s in people if s.label != best.label]
    if not others:
        return None
    if len(people) == 2:
        other = others[0]
        return best.label if _smoothed_rate(best) > _smoothed_rate(other) else None
    # Focus groups: only a clear moderator counts.
    runner_up = max(s.questions for s in others)
    return best.label if best.questions >= 3 and best.questions >= 2 * runner_up else None


def _keep_a_participant(roles: dict[str | None, Role], stats: dict[str | None, SpeakerStats] | None = None) -> None:
    """A document with two or more speakers keeps at least one participant.

    Where the user has set a role in the document, their choices are the
    authority: nothing else there is changed to make room for them.
    """
    people = [label for label in roles if label is not None]
    if len(people) < 2 or any(roles[label][0] == "participant" for label in people):
        return
    if any(roles[label][1] == "user" for label in people):
        return
    movable = people
    rank = {"recurring": 0, "default": 0, "detected": 1, "label": 2}

    def weakest(label):
        s = (stats or {}).get(label)
        return (rank.get(roles[label][1], 3), _smoothed_rate(s) if s else 0.0, -(s.words if s else 0))

    roles[min(movable, key=weakest)] = ("participant", "detected")


def project_roles(docs: dict[str, dict[str | None, Role]]) -> Roles:
    """Rule 3 over a whole project: documents with no interviewer of their own learn from recurring names.

    ``docs`` maps a document key to its speakers' current ``(role, source)``;
    the result holds every speaker's role afterwards.
    """
    seen_in: defaultdict[str, set[str]] = defaultdict(set)
    for key, speakers in docs.items():
        for label in speakers:
            if is_named(label):
                seen_in[norm_label(label)].add(key)
    recurring = {name: len(keys) for name, keys in seen_in.items() if len(keys) >= 2} if len(docs) >= 3 else {}
    out: Roles = {}
    for key, speakers in docs.items():
        roles = dict(speakers)
        has_own = any(role == "interviewer" and source not in OPEN_SOURCES for role, source in roles.values())
        open_labels = [lab for lab, (_, source) in roles.items() if source in OPEN_SOURCES]
        repeat = {} if has_own else _recurring_here(roles, recurring)
        for label in open_labels:
            roles[label] = ("interviewer", "recurring") if label in repeat else ("participant", "default")
        _keep_a_participant(roles)
        out.update({(key, label): role for label, role in roles.items()})
    return out


def _recurring_here(roles: dict[str | None, Role], recurring: dict[str, int]) -> dict[str, int]:
    named = [lab for lab, (_, source) in roles.items() if source in OPEN_SOURCES and is_named(lab)]
    repeat = {lab: recurring[norm_label(lab)] for lab in named if norm_label(lab) in recurring}
    if repeat and len(named) >= 2 and len(repeat) == len(named):
        # Everyone here recurs (a participant seen twice, or one interview in two formats):
        # only the clearly most frequent name is the interviewer.
        top = max(repeat.values())
        repeat = {lab: n for lab, n in repeat.items() if n == top}
        if len(repeat) > 1:
            return {}
    return repeat


def detect_roles(docs: DocSpeakers, legends: dict[str, dict[str, str]] | None = None) -> Roles:
    """Assign every (document key, speaker label) a (role, role_source) pair.

    ``docs`` maps a document key to its speakers as ``(label, [turn texts])``.
    """
    per_doc = {key: document_roles(speaker_counts(sp), (legends or {}).get(key)) for key, sp in docs.items()}
    return project_roles(per_doc)
