"""Fuzzy code lookup for the code picker: by name, ID or keyword.

Every word typed must match one of a code's fields, as a substring (best, more
so at a word start) or as letters in order (e.g. ``relpri`` finds *Relative
Priority*). Plain Python, so it is fast for codebooks of hundreds of codes.
"""

from __future__ import annotations

import re

from evalbench.model import Code


def _word_score(word: str, field: str) -> float:
    if not field:
        return 0.0
    pos = field.find(word)
    if pos >= 0:
        at_start = pos == 0 or not field[pos - 1].isalnum()
        return 3.0 + (1.0 if at_start else 0.0) + len(word) / (len(field) + 1)
    i = 0
    first = last = -1
    for j, ch in enumerate(field):
        if i < len(word) and ch == word[i]:
            if first < 0:
                first = j
            last = j
            i += 1
    if i < len(word):
        return 0.0
    return 1.0 + len(word) / (last - first + 1)


def code_fields(code: Code) -> tuple[str, ...]:
    """The lower-cased texts a code is found by: name, ID, keywords."""
    return (code.name.lower(), code.id.lower(), *(k.lower() for k in code.keywords))


def score(query: str, code: Code) -> float:
    """How well ``query`` matches ``code`` (0 = not at all)."""
    words = re.findall(r"\S+", query.lower())
    if not words:
        return 1.0
    fields = code_fields(code)
    total = 0.0
    for word in words:
        best = max(_word_score(word, f) for f in fields)
        if not best:
            return 0.0
        total += best
    return total + (0.5 if fields[0].startswith(words[0]) else 0.0)


def matched_keyword(query: str, code: Code) -> str | None:
    """The keyword that matched ``query`` better than the name or ID did, to show why a code came up."""
    words = re.findall(r"\S+", query.lower())
    if not words or not code.keywords:
        return None
    fields = code_fields(code)
    best_own = sum(max(_word_score(w, f) for f in fields[:2]) for w in words)
    scored = [(sum(_word_score(w, k.lower()) for w in words), k) for k in code.keywords]
    top, keyword = max(scored)
    return keyword if top > best_own else None


def search(query: str, codes: list[Code], limit: int = 200) -> list[Code]:
    """Codes matching ``query``, best first (codebook order when the query is empty)."""
    if not query.strip():
        return codes[:limit]
    scored = [(score(query, c), i, c) for i, c in enumerate(codes)]
    hits = sorted((t for t in scored if t[0] > 0), key=lambda t: (-t[0], t[1]))
    return [c for _s, _i, c in hits[:limit]]
