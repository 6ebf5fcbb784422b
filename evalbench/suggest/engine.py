"""Ranking codes for turns: codebook rules and the learned model, combined.

For each turn the rule score ``r`` (keyword matches) and the model score ``m``
(classifier probability) are combined as a noisy-or, ``1 - (1 - m)(1 - w r)``,
where the rules' weight ``w`` drops once the model has learned from real
coding. Codes below the threshold are never shown. Each candidate carries its
evidence (matched keywords, then the turn's words most typical of the code in
training), a suggested valence and its provenance.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from evalbench.model import Code
from evalbench.suggest.learned import NAME as MODEL_NAME
from evalbench.suggest.learned import LearnedModel
from evalbench.suggest.nlp import Pipeline, doc_columns, doc_text, norm_keys
from evalbench.suggest.rules import RuleMatcher
from evalbench.suggest.valence import suggest_valence

#: Scores below this are never shown. The classifier is under-confident (each code is
#: positive in few turns), so this is low; on the synthetic test project 0.1 showed
#: codes with ~0.8 precision (see docs/benchmarks.md, Suggestions). Meta key suggest.threshold.
DEFAULT_THRESHOLD = 0.1
#: Weight of the rules once the model was trained on coded turns (1.0 before).
RULE_WEIGHT_TRAINED = 0.5
#: Model scores below this do not count as the model "suggesting" a code.
MODEL_FLOOR = 0.1
MAX_EVIDENCE = 5


@dataclass(frozen=True)
class Candidate:
    """A code proposed for one text, before it is stored."""

    code_id: str
    score: float
    source: str  # 'rules' | 'model' | 'rules+model'
    evidence: tuple[str, ...]
    valence: str | None
    model: str
    model_version: str


def turn_keys(words: list[tuple[str, str, bool, int]]) -> list[str]:
    """The classifier's view of a turn: normalised words that are not stop words."""
    return [key for _, key, stop, _ in words if not stop]

_GC_LOCK = threading.Lock()
_gc_users = 0
_gc_was_enabled = False


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector while ranking (the whole process, every thread).

    Ranking allocates millions of short-lived objects but no reference
    cycles, so the collector found nothing yet its full passes over the heap
    took ~15 % of ranking 20,000 turns. Reference counting still frees
    everything; the collector resumes when the last ranking thread leaves.
    """
    global _gc_users, _gc_was_enabled
    with _GC_LOCK:
        if _gc_users == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_users += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_users -= 1
            if _gc_users == 0 and _gc_was_enabled:
                gc.enable()


#: Turns ranked per batch: large enough for spaCy and numpy to batch well, small enough to keep memory flat.
RANK_BATCH = 2000


class Suggester:
    """Rules plus an optional learned model over one codebook and one pipeline."""

    def __init__(self, codes: list[Code], pipeline: Pipeline, model: LearnedModel | None = None,
                 *, threshold: float = DEFAULT_THRESHOLD, use_rules: bool = True,
                 keyword_df: dict[str, float] | None = None) -> None:
        """``keyword_df``: keyword -> share of the project's turns (defaults to the model's, from training)."""
        self.pipeline = pipeline
        self.use_rules = use_rules
        self.codes = {c.id: c for c in codes}
        if keyword_df is None and model is not None:
            keyword_df = model.info.get("keyword_df")
        self.rules = RuleMatcher(codes, pipeline, keyword_df)
        self.model = model if model is None or model.labels else None
        self.threshold = threshold
        trained = bool(model and model.info.get("coded_turns"))
        self.rule_weight = RULE_WEIGHT_TRAINED if trained else 1.0
        self._label_index = {label: i for i, label in enumerate(model.labels)} if model else {}

    # provenance -----------------------------------------------------------
    def _provenance(self, source: str) -> tuple[str, str]:
        base = self.pipeline.name
        rules = f"rules {self.rules.version}"
        if source == "rules":
            return f"codebook-keywords ({base})", f"{self.pipeline.version}; {rules}"
        model = f"model {self.model.version}"
        if source == "model":
            return f"{MODEL_NAME} ({base})", f"{self.pipeline.version}; {model}"
        return f"{MODEL_NAME} + codebook-keywords ({base})", f"{self.pipeline.version}; {model}; {rules}"

    # ranking -----------------------------------------------------------------
    def rank(self, texts: list[str], *, k: int = 3, exclude: list[set[str]] | None = None,
             history: dict[str, Counter] | None = None, with_valence: bool = True,
             threshold: float | None = None) -> list[list[Candidate]]:
        """The top ``k`` candidates for each text, best first, at or above the threshold.

        Texts are ranked in batches so that memory stays flat however many
        turns a project has (spaCy Docs for a whole corpus took gigabytes).
        """
        out: list[list[Candidate]] = []
        with paused_gc():
            for lo in range(0, len(texts), RANK_BATCH):
                out += self._rank_batch(texts[lo:lo + RANK_BATCH], k=k,
                                        exclude=exclude[lo:lo + RANK_BATCH] if exclude else None,
                                        history=history, with_valence=with_valence, threshold=threshold)
        return out

    def _rank_batch(self, texts: list[str], *, k: int, exclude: list[set[str]] | None,
                    history: dict[str, Counter] | None, with_valence: bool,
                    threshold: float | None) -> list[list[Candidate]]:
        threshold = self.threshold if threshold is None else threshold
        docs = list(self.pipeline.docs(texts))
        # One attribute read per Doc serves the classifier, the rules and the evidence.
        columns = [doc_columns(d) for d in docs]
        strings = self.pipeline.nlp.vocab.strings
        keys = [norm_keys(c[0], strings) for c in columns]
        matrix = scores = None
        if self.model:
            matrix = self.model.predict_hashes([[norm for norm, key, stop in zip(c[0], ks, c[1])
                                                 if key is not None and not stop]
                                                for ks, c in zip(keys, columns)])
            scores = matrix.tolist()  # Python floats, read once
        floor = min(MODEL_FLOOR, threshold)
        labels = self.model.labels if self.model else []
        out = []
        for i, doc in enumerate(docs):
            skip = exclude[i] if exclude else set()
            hits = self.rules.match_doc(doc, columns[i]) if self.use_rules else {}
            row = scores[i] if scores is not None else None
            combined: dict[str, tuple[float, float]] = {}
            if row is not None:
                for j in matrix[i].argsort()[::-1][: k + len(skip) + 3].tolist():
                    m = row[j]
                    if m < floor:
                        break
                    combined[labels[j]] = (m, 0.0)
            for code_id, hit in hits.items():
                j = self._label_index.get(code_id)
                m = row[j] if row is not None and j is not None else 0.0
                combined[code_id] = (m, hit.score)
            ranked = []
            for code_id, (m, r) in combined.items():
                if code_id in skip or code_id not in self.codes:
                    continue
                score = 1.0 - (1.0 - m) * (1.0 - self.rule_weight * r)
                if score >= threshold:
                    ranked.append((score, code_id, m))
            ranked.sort(key=lambda t: (-t[0], t[1]))
            words = None
            if row is not None and ranked:
                ks, (_, _, starts, lengths) = keys[i], columns[i]
                text = doc_text(doc)
                first = dict(zip(reversed(ks), range(len(ks) - 1, -1, -1)))  # key -> its first token
                words = (text, first, starts, lengths)
            out.append([self._candidate(doc, words, hits.get(code_id), code_id, score, m, history,
                                        with_valence)
                        for score, code_id, m in ranked[:k]])
        return out

    def _candidate(self, doc, words, hit, code_id: str, score: float, m: float,
                   history: dict[str, Counter] | None, with_valence: bool) -> Candidate:
        """``words``: (text, key -> index of its first token, token offsets, token lengths)."""
        by_model = self.model is not None and m >= MODEL_FLOOR
        source = ("rules+model" if hit and by_model else "rules" if hit else "model")
        evidence = list(hit.evidence) if hit else []
        if by_model and words:
            text, first, starts, lengths = words
            for key in self.model.lexicon.get(code_id, ()):  # most typical first
                if len(evidence) >= MAX_EVIDENCE:
                    break
                j = first.get(key)
                if j is not None:
                    surface = text[starts[j]:starts[j] + lengths[j]]
                    if surface not in evidence:
                        evidence.append(surface)
        valence = None
        if with_valence and self.codes[code_id].valence_applies:
            # Valence is read around the keyword matches only: the model's evidence words are
            # common words spread over the turn ("hour", "case") and would pick sentences at random.
            valence = suggest_valence(doc.user_data["text"], list(hit.spans) if hit else [],
                                      (history or {}).get(code_id))
        model, version = self._provenance(source)
        return Candidate(code_id, round(score, 4), source, tuple(evidence[:MAX_EVIDENCE]), valence,
                         model, version)
