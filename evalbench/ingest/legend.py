"""Legends that say who is who, at the top of a transcript.

Studies that label speakers by letter or initials usually say so above the
interview, and that statement is the best evidence of a role there is:

- ``I = interviewer; Y = informant`` / ``Key: I – Interviewer, R – Respondent``
- ``Interviewer: Dana Whitfield`` / ``Interviewee: Hannah Osei (HO)``
- ``Speakers: Dana Whitfield (interviewer), Hannah Osei (participant)``
- ``DW = Dana Whitfield, interviewer`` and ``I: Interviewer`` alone on a line

:func:`legend_entries` reads one line; the result maps a normalised label
(:func:`evalbench.ingest.roles.norm_label`) to ``interviewer`` or ``participant``.
In a legend that names an interviewer, every other entry is a participant
(``N = nurse manager``).
"""

from __future__ import annotations

import re

from evalbench.ingest.roles import norm_label, role_from_label

_INTERVIEWER_TERMS = (
    "interviewer", "moderator", "facilitator", "researcher", "research assistant", "evaluator",
    "investigator", "note taker", "notetaker", "note-taker", "host", "study team", "research team",
    "interviewing", "questioner",
)  # fmt: skip
_PARTICIPANT_TERMS = (
    "participant", "respondent", "interviewee", "informant", "patient", "subject", "responder",
    "client", "service user", "carer", "caregiver", "person interviewed", "answering",
)  # fmt: skip
_PREFIX = re.compile(
    r"^\s*(?:speaker\s+)?(?:key|legend|speakers|abbreviations|participants|roles|"
    r"who is who|speaker ids?|labels)\s*[:=\-–—]\s*",
    re.I,
)
_ENTRY = re.compile(
    r"^\s*(?P<key>[^=:–—()]{1,40}?(?:\s*\([^()]{1,20}\))?)\s*(?:=|:|–|—|\s-\s|\bis\b)\s*"
    r"(?P<val>.{1,90}?)\s*[.;]?\s*$"
)
_NAME_PAREN = re.compile(r"^(?P<name>[^()]{1,60}?)\s*\((?P<paren>[^()]{1,40})\)\s*$")
_ARTICLE = re.compile(r"^(?:the|an?|our)\s+", re.I)


def _term_role(text: str) -> str | None:
    """The role a description names (``the interviewer``, ``key informant, nurse``)."""
    low = _ARTICLE.sub("", text.strip().lower())
    for term in _INTERVIEWER_TERMS:
        if re.search(rf"\b{re.escape(term)}s?\b", low):
            return "interviewer"
    for term in _PARTICIPANT_TERMS:
        if re.search(rf"\b{re.escape(term)}s?\b", low):
            return "participant"
    return None


def _name_like(text: str) -> bool:
    from evalbench.ingest.labels import is_label, is_speaker_id

    text = text.strip()
    return (
        bool(text)
        and len(text.split()) <= 5
        and text[-1] not in "?!"
        and (is_label(text) or is_speaker_id(text) and text[0].isupper())
    )


def _aliases(name: str) -> set[str]:
    """A name, its first name and its initials as legend keys (``Dana Whitfield``, ``dana``, ``dw``)."""
    key = norm_label(name)
    out = {key}
    words = [w for w in key.split() if w.isalpha()]
    if len(words) >= 2:
        out.add("".join(w[0] for w in words))
        out.add(words[0])
    return out


def _entry(key: str, val: str) -> list[tuple[str, str | None]]:
    """(label key, role or None) pairs for one ``key = value`` entry; None when it is not a legend entry."""
    key, val = key.strip(), val.strip().rstrip(".;,")
    if not key or not val:
        return []
    described = _term_role(val) if len(val.split()) <= 6 else None
    key_role = role_from_label(key) or _term_role(key)
    pairs: list[tuple[str, str | None]] = []
    if described and _name_like(re.sub(r"\s*\(.*\)$", "", key)):
        # I = interviewer; DW = Dana Whitfield (interviewer); Y = informant (nurse)
        pairs.append((norm_label(key), described))
        m = _NAME_PAREN.match(val)
        name = m["name"] if m else val.split(",")[0]
        if _name_like(name) and not _term_role(name):
            pairs += [(alias, described) for alias in _aliases(name)]
        return pairs
    m = _NAME_PAREN.match(val)
    name = m["name"] if m else val
    if key_role and _name_like(name):
        # Interviewer: Dana Whitfield (DW); Interviewee (P03): Hannah Osei
        pairs += [(alias, key_role) for alias in _aliases(name)]
        if m and _name_like(m["paren"]):
            pairs.append((norm_label(m["paren"]), key_role))
        km = _NAME_PAREN.match(key)
        if km and _name_like(km["paren"]):
            pairs.append((norm_label(km["paren"]), key_role))
        return pairs
    if _name_like(key) and not described:
        return [(norm_label(key), None)]  # N = nurse manager: a participant if the legend names an interviewer
    return []


def legend_entries(line: str) -> dict[str, str]:
    """Label -> role for a legend line, or {} when the line is not one."""
    text = line.strip()
    if not text or len(text) > 300 or "?" in text:
        return {}
    prefixed = bool(_PREFIX.match(text))
    body = _PREFIX.sub("", text)
    parts = [p for p in re.split(r"\s*[;|]\s*|\t+|\s{3,}", body) if p.strip()]
    if len(parts) == 1 and "," in body and body.count("=") + body.count("–") + body.count(" - ") >= 2:
        parts = [p for p in body.split(",") if p.strip()]
    if len(parts) == 1 and prefixed and "," in body:
        m_parts = [p for p in body.split(",") if _NAME_PAREN.match(p.strip())]
        if len(m_parts) >= 2:  # Speakers: Dana Whitfield (interviewer), Hannah Osei (participant)
            parts = m_parts
    pairs: list[tuple[str, str | None]] = []
    for part in parts:
        m = _ENTRY.match(part)
        if m:
            found = _entry(m["key"], m["val"])
        else:
            pm = _NAME_PAREN.match(part.strip())
            found = (
                [(alias, _term_role(pm["paren"])) for alias in _aliases(pm["name"])]
                if pm and _term_role(pm["paren"]) and _name_like(pm["name"])
                else []
            )
        if not found:
            return {}  # one part that is not an entry: ordinary text
        pairs += found
    roles = {role for _, role in pairs if role}
    if not roles:
        return {}
    if None in {role for _, role in pairs} and "interviewer" not in roles:
        return {}
    return {key: role or "participant" for key, role in pairs}
