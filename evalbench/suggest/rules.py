"""Codebook rules: each code's keywords matched on normalised words with a PhraseMatcher.

A code's keywords (``Code.keywords``) are its rules. Patterns and text go
through the same tokenizer and :func:`~evalbench.suggest.normalise.normalise`
key (the token NORM), so a keyword "leader" finds "Leaders" and "leadership".
The evidence for a rule suggestion is the matched words as written.

A keyword found in a large share of a project's participant turns (in a
study of case reviews, "review" is in a third of them) says little about any
one turn, so its weight is scaled down by its document frequency in that
project (:func:`keyword_df`, :func:`df_factor`), like an inverse document
frequency that leaves rare keywords alone.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from evalbench.model import Code
from evalbench.suggest.nlp import Pipeline, doc_columns, doc_text
from evalbench.suggest.normalise import normalise


@lru_cache(maxsize=65_536)
def normalise_phrase(text: str) -> str:
    """One key for a matched phrase, so "Leaders" and "leadership" count once."""
    return " ".join(normalise(w) for w in text.split())


#: Weight of one matched keyword: multi-word phrases are more specific than single words.
SINGLE_WORD_WEIGHT = 0.35
PHRASE_WEIGHT = 0.55
#: Keywords in at most this share of participant turns keep their full weight.
DF_FREE = 0.05
#: Turns read to estimate keyword document frequency (evenly spaced through the project).
DF_SAMPLE = 2000


def df_factor(df: float) -> float:
    """Weight multiplier for a keyword in a share ``df`` of turns: 1 up to DF_FREE, then log-scaled.

    ``log(1/df) / log(1/DF_FREE)``: 0.77 at 10 % of turns, 0.52 at 20 %, 0.33 at 37 %, 0 in every turn.
    """
    if df <= DF_FREE:
        return 1.0
    return max(0.0, math.log(1.0 / df) / math.log(1.0 / DF_FREE)) if df < 1 else 0.0


@dataclass(frozen=True)
class RuleHit:
    """One code's keyword matches in one text."""

    code_id: str
    score: float
    evidence: tuple[str, ...]  # matched words as written, in text order, deduplicated
    spans: tuple[tuple[int, int], ...]  # character offsets of the matches in the text


def rules_fingerprint(codes: list[Code], df: dict[str, float] | None = None) -> str:
    """A short hash of every code's keywords (and the keyword frequencies): the rules' version."""
    data = json.dumps([[[c.id, list(c.keywords)] for c in codes], df or {}], sort_keys=True)
    return hashlib.sha1(data.encode()).hexdigest()[:10]


def combine(weights: list[float]) -> float:
    """Noisy-or of independent pieces of evidence: 1 - prod(1 - w)."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


class RuleMatcher:
    """All codes' keywords compiled into one spaCy PhraseMatcher on NORM."""

    def __init__(self, codes: list[Code], pipeline: Pipeline, df: dict[str, float] | None = None) -> None:
        from spacy.matcher import PhraseMatcher

        self.pipeline = pipeline
        self.df = dict(df or {})
        self.version = rules_fingerprint(codes, self.df or None)
        self.matcher = PhraseMatcher(pipeline.nlp.vocab, attr="NORM")
        self._code_of: dict[int, str] = {}
        strings = pipeline.nlp.vocab.strings
        for code in codes:
            patterns = [pipeline.doc(k) for k in code.keywords if k.strip()]
            patterns = [p for p in patterns if len(p)]
            if not patterns:
                continue
            key = strings.add(code.id)
            self._code_of[key] = code.id
            self.matcher.add(code.id, patterns)
        self.n_codes = len(self._code_of)

    def raw_matches(self, doc: Any, columns: tuple[list[int], ...] | None = None) -> list[Match]:
        """Every keyword match in ``doc``: (code, normalised phrase, start char, end char, tokens).

        ``columns``: the Doc's :func:`~evalbench.suggest.nlp.doc_columns` when the
        caller has them; a match's characters are read from token offsets there
        (a spaCy Span per match cost more than matching).
        """
        matches = self.matcher(doc)
        if not matches:
            return []
        text = doc_text(doc)
        _, _, starts, lengths = columns or doc_columns(doc)
        out = []
        for key, start, end in matches:
            s, e = starts[start], starts[end - 1] + lengths[end - 1]
            out.append((self._code_of[key], normalise_phrase(text[s:e]), s, e, end - start))
        return out

    def match_doc(self, doc: Any, columns: tuple[list[int], ...] | None = None) -> dict[str, RuleHit]:
        """Codes whose keywords occur in ``doc``, with score and evidence."""
        return hits_from(self.raw_matches(doc, columns), doc_text(doc), self.df)

    def match(self, text: str) -> dict[str, RuleHit]:
        """Codes whose keywords occur in ``text``."""
        return self.match_doc(self.pipeline.doc(text))


Match = tuple[str, str, int, int, int]


def scores_from(matches: list[Match], df: dict[str, float]) -> dict[str, float]:
    """Each matched code's rule score (as :func:`hits_from`, without the evidence)."""
    found: dict[str, dict[str, int]] = {}
    for code_id, key, _s, _e, n in matches:
        found.setdefault(code_id, {}).setdefault(key, n)
    return {
        code_id: combine(
            [
                (PHRASE_WEIGHT if n > 1 else SINGLE_WORD_WEIGHT) * (df_factor(df[key]) if key in df else 1.0)
                for key, n in here.items()
            ]
        )
        for code_id, here in found.items()
    }


def hits_from(matches: list[Match], text: str, df: dict[str, float]) -> dict[str, RuleHit]:
    """Score each code's keyword matches: a noisy-or of their weights, common keywords down-weighted."""
    found: dict[str, dict[str, tuple[int, int, int]]] = {}
    for code_id, key, s, e, n in matches:
        found.setdefault(code_id, {}).setdefault(key, (s, e, n))
    hits = {}
    for code_id, matches_here in found.items():
        ordered = sorted(matches_here.values())
        weights = [
            (PHRASE_WEIGHT if n > 1 else SINGLE_WORD_WEIGHT) * (df_factor(df[key]) if key in df else 1.0)
            for key, (_, _, n) in matches_here.items()
        ]
        evidence = tuple(dict.fromkeys(text[s:e] for s, e, _ in ordered))
        hits[code_id] = RuleHit(code_id, round(combine(weights), 4), evidence, tuple((s, e) for s, e, _ in ordered))
    return hits


def keyword_df_from(matches_per_text: list[list[Match]]) -> dict[str, float]:
    """Share of texts each matched keyword occurs in, for keywords above DF_FREE (texts already read)."""
    if not matches_per_text:
        return {}
    seen: dict[str, int] = {}
    for matches in matches_per_text:
        for key in {m[1] for m in matches}:
            seen[key] = seen.get(key, 0) + 1
    n = len(matches_per_text)
    return {k: round(c / n, 4) for k, c in sorted(seen.items()) if c / n > DF_FREE}


def keyword_df(matcher: RuleMatcher, texts: list[str], *, sample: int = DF_SAMPLE) -> dict[str, float]:
    """Share of ``texts`` each matched keyword occurs in, for keywords above DF_FREE.

    Reads at most ``sample`` texts, evenly spaced, so that it costs well under
    a second at any project size; a share is estimated closely enough from that.
    """
    if not texts:
        return {}
    step = max(1, math.ceil(len(texts) / sample))
    picked = texts[::step]
    seen: dict[str, int] = {}
    for doc in matcher.pipeline.docs(picked):
        text = doc_text(doc)
        keys = {normalise_phrase(text[doc[s:e].start_char : doc[s:e].end_char]) for _, s, e in matcher.matcher(doc)}
        for key in keys:
            seen[key] = seen.get(key, 0) + 1
    return {k: round(n / len(picked), 4) for k, n in sorted(seen.items()) if n / len(picked) > DF_FREE}
