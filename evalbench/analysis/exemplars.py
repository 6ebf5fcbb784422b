"""Exemplar quotes for a code: the ones the user starred, then evalbench's proposals.

Proposals follow what a reviewer expects of a theme table's quotes:

1. only what participants said (interviewer turns are never proposed);
2. readable length: between :data:`MIN_WORDS` and :data:`MAX_WORDS` words,
   closest to :data:`IDEAL_WORDS` first (shorter or longer ones are used only
   when nothing else is left);
3. spread: each next quote comes from a participant not yet quoted, and
   preferably from a role not yet quoted;
4. no repeats: an excerpt overlapping one already chosen (the same words
   coded by another coder, or a longer cut of them) is skipped.

Ties are broken by document name and position, so the same project always
gives the same quotes.
"""

from __future__ import annotations

import re

MIN_WORDS, IDEAL_WORDS, MAX_WORDS = 12, 35, 90
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean_quote(text: str) -> str:
    """An excerpt as it is printed in a table: whitespace collapsed, control characters dropped, trimmed.

    (Word and XML refuse control characters, which pasted or converted transcripts sometimes carry.)
    """
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def _length_penalty(words: int) -> tuple[int, int]:
    readable = MIN_WORDS <= words <= MAX_WORDS
    return (0 if readable else 1, abs(words - IDEAL_WORDS))


def _overlap(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def pick_exemplars(records: list[dict], n: int = 3) -> list[dict]:
    """Up to ``n`` of ``records`` (codings-frame rows of one code, as dicts): starred first, then proposed."""
    if not records or n <= 0:
        return []
    records = sorted(records, key=lambda r: (r["document"], r["start"], r["coding_id"]))
    chosen = [r for r in records if r["starred"]][:n]
    seen_people = {r["participant"] for r in chosen}
    seen_roles = {r["role"] for r in chosen}
    spans = [(r["document_id"], r["start"], r["end"]) for r in chosen]
    candidates = [r for r in records if not r["starred"] and r["speaker_role"] != "interviewer"]
    while len(chosen) < n and candidates:
        best = min(
            candidates,
            key=lambda r: (r["participant"] in seen_people, r["role"] in seen_roles, *_length_penalty(int(r["words"]))),
        )
        candidates.remove(best)  # min keeps the first of equals: document order
        span = (best["document_id"], best["start"], best["end"])
        if any(_overlap(span, other) for other in spans):
            continue  # the same words again (another coder, or a longer cut of a chosen quote)
        chosen.append(best)
        seen_people.add(best["participant"])
        seen_roles.add(best["role"])
        spans.append(span)
    return chosen
