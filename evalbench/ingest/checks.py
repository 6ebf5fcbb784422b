"""Does a parsed transcript look wrong? The structural warnings of the import report.

A transcript whose speaker labels were not recognised still imports — as one
huge turn, or with the other speaker's labels inside the text — and nothing
downstream can tell. These checks look for the shapes such a loss leaves:

- a long file that became one turn, or one turn holding most of the words;
- a document with speakers but no participant (their answers would drop out);
- much of the text outside any turn (it can never be coded);
- a known speaker label (``Jane Doe:``, ``Interviewer:``) inside a turn's text;
- parts of the file that were not imported (text boxes), and characters that
  could not be stored.

Each check is one pass over the text, so checking is linear in its size.
"""

from __future__ import annotations

import re

from evalbench.ingest.document import ParsedDocument
from evalbench.ingest.words import count_words

#: A single turn this long is a transcript whose labels were not recognised.
ONE_TURN_WORDS = 300
#: One turn holding this share of at least BIG_TURN_WORDS words looks like merged speakers.
BIG_TURN_SHARE, BIG_TURN_WORDS = 0.7, 1000
#: Share (and minimum characters) of text outside turns worth a warning.
OUTSIDE_SHARE, OUTSIDE_CHARS = 0.2, 300
#: Role words that are labels in any transcript, looked for inside turns.
_ROLE_LABELS = ("Interviewer", "Participant", "Respondent", "Interviewee", "Moderator", "Facilitator")


def _words(n: int) -> str:
    return f"{n:,} word" + ("" if n == 1 else "s")


def structure_warnings(parsed: ParsedDocument, roles: dict[str | None, tuple[str, str]] | None = None) -> list[str]:
    """Warnings about a parsed document's structure (empty when it looks right)."""
    out: list[str] = []
    text, turns = parsed.text, parsed.turns
    words = [count_words(text[t.start:t.end]) for t in turns]
    total = sum(words)
    if len(turns) == 1 and total >= ONE_TURN_WORDS:
        out.append(f"one turn holds all {_words(total)}: no speaker labels were recognised")
    elif len(turns) > 1 and total >= BIG_TURN_WORDS and max(words) >= BIG_TURN_SHARE * total:
        i = words.index(max(words))
        who = turns[i].speaker or "unlabelled text"
        out.append(f"turn {i + 1} ({who}) holds {max(words) / total:.0%} of the {_words(total)}: "
                   "speaker labels inside it not recognised?")
    missing = no_participant(roles) if roles is not None else None
    if missing:
        out.append(missing)
    if parsed.outside > OUTSIDE_CHARS and parsed.outside > OUTSIDE_SHARE * len(text):
        out.append(f"{parsed.outside / max(1, len(text)):.0%} of the text ({parsed.outside:,} characters) is "
                   "before the first speaker label and in no turn")
    inside = _label_inside(parsed)
    if inside:
        out.append(inside)
    kinds: dict[str, list[str]] = {}
    for part in parsed.skipped:
        kinds.setdefault(part.kind, []).append(part.text)
    for kind, texts in kinds.items():
        chars = sum(len(t) for t in texts)
        sample = texts[0] if len(texts[0]) <= 40 else texts[0][:39] + "…"
        plural = kind + ("es" if kind.endswith("x") else "s")
        what = f"{len(texts)} {kind if len(texts) == 1 else plural}"
        out.append(f"{what} not imported ({chars:,} characters, e.g. '{sample}')")
    if parsed.replaced:
        out.append(f"{parsed.replaced} character(s) that cannot be stored (lone surrogates) were replaced with \ufffd")
    return out


def no_participant(roles: dict[str | None, tuple[str, str]]) -> str | None:
    """The warning for a document whose speakers are all interviewers (their answers would drop out)."""
    people = [label for label in roles if label is not None]
    if not people or any(roles[label][0] == "participant" for label in people):
        return None
    return ("no participant: every speaker is an interviewer (" + ", ".join(people[:4]) + "); "
            "set one with 'evalbench speakers set-role'")


def _label_inside(parsed: ParsedDocument) -> str | None:
    """The first known speaker label found inside a turn's text, as a warning."""
    labels = {t.speaker for t in parsed.turns if t.speaker}
    names = sorted({*(lab for lab in labels if len(lab) >= 2), *_ROLE_LABELS}, key=len, reverse=True)
    short = sorted(lab for lab in labels if len(lab) < 2)
    parts = [re.escape(n) for n in names]
    # Long labels after a line break or a sentence; one-letter labels (I:, R:) only at a line start.
    pattern = rf"(?:(?:^|\n)|(?<=[.?!…]) )(?:{'|'.join(parts)})(?: \([^()\n]{{1,40}}\))?:[ \t]"
    if short:
        pattern = rf"(?:{pattern})|(?:(?:^|\n)(?:{'|'.join(map(re.escape, short))}):[ \t])"
    found = re.compile(pattern)
    text = parsed.text
    for i, turn in enumerate(parsed.turns, 1):
        m = found.search(text, turn.start, turn.end)
        if m:
            label = m.group(0).strip().rstrip(":").split(":")[0]
            who = turn.speaker or "unlabelled text"
            return (f"speaker label '{label}:' inside turn {i} ({who}): two speakers in one turn?")
    return None
