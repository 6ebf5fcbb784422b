"""Codebook rules: each code's keywords matched on normalised words with a PhraseMatcher.

A code's keywords (``Code.keywords``) are its rules. Patterns and text go
through the same tokenizer and :func:`~evalbench.suggest.normalise.normalise`
key (the token NORM), so a keyword "leader" finds "Leaders" and "leadership".
The evidence for a rule suggestion is the matched words as written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from evalbench.model import Code
from evalbench.suggest.nlp import doc_text
from evalbench.suggest.normalise import normalise


def normalise_phrase(text: str) -> str:
    """One key for a matched phrase, so "Leaders" and "leadership" count once."""
    return " ".join(normalise(w) for w in text.split())

#: Weight of one matched keyword: multi-word phrases are more specific than single words.
SINGLE_WORD_WEIGHT = 0.35
PHRASE_WEIGHT = 0.55


@dataclass(frozen=True)
class RuleHit:
    """One code's keyword matches in one text."""

    code_id: str
    score: float
    evidence: tuple[str, ...]  # matched words as written, in text order, deduplicated
    spans: tuple[tuple[int, int], ...]  # character offsets of the matches in the text


def rules_fingerprint(codes: list[Code]) -> str:
    """A short hash of every code's keywords: the rules' version for provenance."""
    data = json.dumps([[c.id, list(c.keywords)] for c in codes], sort_keys=True)
    return hashlib.sha1(data.encode()).hexdigest()[:10]


def combine(weights: list[float]) -> float:
    """Noisy-or of independent pieces of evidence: 1 - prod(1 - w)."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


class RuleMatcher:
    """All codes' keywords compiled into one spaCy PhraseMatcher on NORM."""

    def __init__(self, codes: list[Code], pipeline) -> None:
        from spacy.matcher import PhraseMatcher

        self.pipeline = pipeline
        self.version = rules_fingerprint(codes)
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

    def match_doc(self, doc) -> dict[str, RuleHit]:
        """Codes whose keywords occur in ``doc``, with score and evidence."""
        found: dict[str, dict[str, tuple[int, int, int]]] = {}
        matches = self.matcher(doc)
        if not matches:
            return {}
        text = doc_text(doc)
        for key, start, end in matches:
            code_id = self._code_of[key]
            span = doc[start:end]
            s, e = span.start_char, span.end_char
            found.setdefault(code_id, {}).setdefault(normalise_phrase(text[s:e]), (s, e, end - start))
        hits = {}
        for code_id, matches_here in found.items():
            ordered = sorted(matches_here.values())
            weights = [PHRASE_WEIGHT if n > 1 else SINGLE_WORD_WEIGHT for _, _, n in ordered]
            evidence = tuple(dict.fromkeys(text[s:e] for s, e, _ in ordered))
            hits[code_id] = RuleHit(code_id, round(combine(weights), 4), evidence,
                                    tuple((s, e) for s, e, _ in ordered))
        return hits

    def match(self, text: str) -> dict[str, RuleHit]:
        """Codes whose keywords occur in ``text``."""
        return self.match_doc(self.pipeline.doc(text))
