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

import bisect
import re

from evalbench.ingest.document import ParsedDocument
from evalbench.ingest.words import turn_word_counts

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


def structure_warnings(
    parsed: ParsedDocument, roles: dict[str | None, tuple[str, str]] | None = None, words: list[int] | None = None
) -> list[str]:
    """Warnings about a parsed document's structure (empty when it looks right); ``words``: per turn, if known."""
    out: list[str] = []
    text, turns = parsed.text, parsed.turns
    words = words if words is not None else turn_word_counts(text, turns)
    total = sum(words)
    if len(turns) == 1 and total >= ONE_TURN_WORDS:
        out.append(f"one turn holds all {_words(total)}: no speaker labels were recognised")
    elif len(turns) > 1 and total >= BIG_TURN_WORDS and max(words) >= BIG_TURN_SHARE * total:
        i = words.index(max(words))
        who = turns[i].speaker or "unlabelled text"
        out.append(
            f"turn {i + 1} ({who}) holds {max(words) / total:.0%} of the {_words(total)}: "
            "speaker labels inside it not recognised?"
        )
    missing = no_participant(roles) if roles is not None else None
    if missing:
        out.append(missing)
    if parsed.outside > OUTSIDE_CHARS and parsed.outside > OUTSIDE_SHARE * len(text):
        out.append(
            f"{parsed.outside / max(1, len(text)):.0%} of the text ({parsed.outside:,} characters) is "
            "before the first speaker label and in no turn"
        )
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
    return (
        "no participant: every speaker is an interviewer (" + ", ".join(people[:4]) + "); "
        "set one with 'evalbench speakers set-role'"
    )


_LABEL_COLON = re.compile(r":[ \t]")


def _label_inside(parsed: ParsedDocument) -> str | None:
    """The first known speaker label found inside a turn's text, as a warning.

    One pass over the text for ``: `` (rare in speech), then a look back at
    what precedes each: a label of this document (or a role word), perhaps with
    a parenthesis (``Jane (she/her):``), that starts a line or follows the end of
    a sentence. One-letter labels (``I:``, ``R:``) only count at the start of a line.
    """
    if not parsed.turns:
        return None
    labels = {t.speaker for t in parsed.turns if t.speaker}
    names = {*(lab for lab in labels if len(lab) >= 2), *_ROLE_LABELS}
    short = {lab for lab in labels if len(lab) < 2}
    text = parsed.text
    starts = [t.start for t in parsed.turns]
    reach = max(len(n) for n in names | short) + 45
    for m in _LABEL_COLON.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0 or m.start() >= parsed.turns[i].end:
            continue
        turn = parsed.turns[i]
        end = m.start()
        before = text[max(turn.start, end - reach) : end]
        ends = [end]
        if before.endswith(")") and "(" in before:
            ends.append(end - len(before) + before.rindex("(") - 1)  # "Jane (she/her):" -> "Jane"
        for stop in ends:
            for name in names | short:
                at = stop - len(name)
                if at <= turn.start or text[at:stop] != name:
                    continue
                starts_line = text[at - 1] == "\n"
                after_sentence = (
                    name in names and at - 2 >= turn.start and text[at - 1] == " " and text[at - 2] in ".?!…"
                )
                if starts_line or after_sentence:
                    who = turn.speaker or "unlabelled text"
                    return f"speaker label '{name}:' inside turn {i + 1} ({who}): two speakers in one turn?"
    return None
