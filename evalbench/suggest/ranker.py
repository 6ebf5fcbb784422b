"""The learned ranker: class-balanced logistic regression on TF-IDF words, one code against the rest.

What it learns from (:func:`train`), each a row of words with the codes it
carries and the codes it is known *not* to carry:

* coded participant turns (every code known: given or not given);
* the coded excerpts inside them, each labelled with the codes of the codings
  on it: a coder's excerpt is the clearest statement of what a code sounds like
  (recall@3 on the demo's cross-validation by document 0.33 → 0.36 with them);
* uncoded turns of coded documents (known to carry none);
* rejected suggestions (that one code known absent, nothing said of the others);
* the codebook: each code's name, definition, inclusion note, examples and
  keywords as one text, and each example on its own (positive for that code).
  This is what makes it suggest from the first coded turn, and it matters
  later too (recall@3 0.29 without these seed texts, 0.33 with them).

A text is scored twice: as a whole and by its best window of two sentences
(:mod:`evalbench.suggest.features`); the two logits are averaged (:data:`ALPHA`),
because a turn often talks about several things and a code may live in one of
them. On the demo's cross-validation this added 0.02 recall@3 for each coder
and both together (95 % intervals from −0.01 to +0.05), so it is kept as a
small, consistent gain rather than a proven one.

The learned score is then joined with the codebook's keyword rules
(:mod:`evalbench.suggest.rules`) as a noisy-or, ``1 − (1 − p)(1 − w r)``. On
the sample study's own cross-validation the keywords add little (recall@3
+0.03, not significant), but on interviews about another topic they carry
what the project's coding cannot: trained on the sample study and tested on
the development interviews of ``benchmarks/devset``, recall@3 rose from 0.16
to 0.28 with them (95 % interval +0.06 to +0.20). A keyword weight ``w`` of
0.75 was chosen there (1.0 and 0.5 within 0.02).

The evidence for a suggestion is its matched keywords, then the words of the
text that pushed the learned score up most (each word's TF-IDF weight times its
coefficient), as written.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evalbench.suggest import linear
from evalbench.suggest.calibration import Calibration
from evalbench.suggest.features import Rows, TextWords, Vocabulary

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from evalbench.model import Code

NAME = "tfidf-logistic"
#: Weight of the whole text against its best two-sentence window.
ALPHA = 0.5
#: Training rows beyond this are an evenly spaced sample (codebook seeds always kept), so that
#: training time and memory stop growing with very large projects.
MAX_ROWS = 30_000
#: Weight of the codebook keyword rules beside the learned model (see the module notes).
RULE_WEIGHT = 0.75
#: Words must occur in this many training rows to become features.
MIN_DF = 1
MAX_EVIDENCE = 5
#: A word counts as evidence when it adds at least this share of the strongest word's contribution.
EVIDENCE_SHARE = 0.2


@dataclass
class Example:
    """One training row: its words, the codes it carries and the codes whose presence is known.

    ``known`` None means every code is known (a coded or uncoded turn, an
    excerpt, a seed); a rejection knows only the rejected code.
    """

    keys: list[str]
    codes: frozenset[str]
    known: frozenset[str] | None = None
    weight: float = 1.0
    kind: str = "turn"  #: 'turn', 'excerpt', 'negative', 'rejection' or 'seed'
    document_id: int | None = None


@dataclass
class Scores:
    """Scores for a batch of texts, with what evidence and valence need."""

    logits: NDArray[np.float32]  #: (texts, codes): the learned model alone
    combined: NDArray[np.floating[Any]]  #: (texts, codes): model and codebook keywords together (see :func:`combine`)
    whole: Rows  #: rows of the whole texts
    window_logits: NDArray[np.float32]  #: (windows, codes)
    window_owner: NDArray[np.int64]  #: text number of each window
    window_spans: list[tuple[int, int]]  #: (first key, one past last key) of each window
    window_start: NDArray[np.int64]  #: first window of each text (len texts + 1)


@dataclass
class Ranker:
    """A trained ranker: vocabulary, coefficients, calibration and provenance."""

    labels: list[str]
    vocab: Vocabulary
    coef: NDArray[np.float32]  #: (features + 1, codes); last row the intercepts
    calibration: Calibration | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.info.get("version", "?"))

    @property
    def keyword_df(self) -> dict[str, float]:
        """Share of the project's turns each common keyword occurs in (measured at training)."""
        return self.info.get("keyword_df") or {}

    def scores(self, texts: list[TextWords]) -> Scores:
        """Every code's score for every text (logit: ALPHA · whole + (1 − ALPHA) · best window)."""
        import numpy as np

        whole, parts, owner, spans = self.vocab.text_rows(texts)
        logits = whole @ self.coef
        wl = parts @ self.coef if parts.shape[0] else np.zeros((0, len(self.labels)), np.float32)
        start = (
            np.searchsorted(owner, np.arange(len(texts) + 1))
            if len(owner)
            else np.zeros(len(texts) + 1, dtype=np.int64)
        )
        if len(owner):
            has = np.flatnonzero(np.diff(start) > 0)
            best = np.maximum.reduceat(wl, start[has], axis=0)
            logits[has] = ALPHA * logits[has] + (1.0 - ALPHA) * best
        return Scores(logits, combine(logits, texts, self.labels, self.keyword_df), whole, wl, owner, spans, start)

    def best_window(self, s: Scores, i: int, j: int) -> tuple[int, int] | None:
        """Key span of text ``i``'s window that scores code number ``j`` highest (None: no windows)."""
        lo, hi = int(s.window_start[i]), int(s.window_start[i + 1])
        if hi <= lo:
            return None
        k = lo + int(s.window_logits[lo:hi, j].argmax())
        return s.window_spans[k]

    def evidence(self, s: Scores, i: int, j: int, words: TextWords, text: str) -> list[str]:
        """Up to MAX_EVIDENCE words of text ``i`` that raised code ``j``'s score most, as written."""
        ptr = s.whole.indptr
        lo, hi = int(ptr[i]), int(ptr[i + 1]) - 1  # the last entry is the intercept
        cols = s.whole.indices[lo:hi]
        gain = s.whole.data[lo:hi] * self.coef[cols, j]
        order = gain.argsort()[::-1][:MAX_EVIDENCE]
        if not len(order) or gain[order[0]] <= 0:
            return []
        floor = float(gain[order[0]]) * EVIDENCE_SHARE
        first: dict[str, int] = {}
        for n, key in enumerate(words.keys):
            first.setdefault(key, n)
        out = []
        for o in order:
            if gain[o] < floor:
                break
            at = first.get(self.vocab.terms[int(cols[o])])
            if at is not None:
                out.append(text[words.starts[at] : words.starts[at] + words.lengths[at]])
        return out

    def to_bytes(self) -> bytes:
        """A JSON header line, then the zlib-compressed float32 coefficients."""
        header = {
            "labels": self.labels,
            "terms": self.vocab.terms,
            "idf": [round(float(x), 5) for x in self.vocab.idf],
            "shape": list(self.coef.shape),
            "info": self.info,
            "calibration": self.calibration.to_json() if self.calibration else None,
        }
        return json.dumps(header).encode() + b"\n" + zlib.compress(self.coef.tobytes(), 6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Ranker:
        import numpy as np

        head, _, body = blob.partition(b"\n")
        meta = json.loads(head)
        coef = np.frombuffer(zlib.decompress(body), dtype=np.float32).reshape(meta["shape"])
        return cls(
            meta["labels"],
            Vocabulary(meta["terms"], meta["idf"]),
            coef,
            Calibration.from_json(meta.get("calibration")),
            meta.get("info", {}),
        )


def combine(
    logits: NDArray[np.float32], texts: list[TextWords], labels: list[str], df: dict[str, float]
) -> NDArray[np.floating[Any]]:
    """Model and keywords as one score: ``1 − (1 − σ(logit)) · (1 − RULE_WEIGHT · rule score)``."""
    import numpy as np

    from evalbench.suggest.rules import scores_from

    p = 1.0 / (1.0 + np.exp(-logits))
    index = {label: j for j, label in enumerate(labels)}
    rules = np.zeros_like(p)
    for i, words in enumerate(texts):
        if words.matches:
            for code_id, score in scores_from(words.matches, df).items():
                j = index.get(code_id)
                if j is not None:
                    rules[i, j] = score
    return 1.0 - (1.0 - p) * (1.0 - RULE_WEIGHT * rules)


def _sample(examples: list[Example], limit: int) -> list[Example]:
    """All seed rows and an evenly spaced sample of the others, ``limit`` rows in all."""
    seeds = [e for e in examples if e.kind == "seed"]
    rest = [e for e in examples if e.kind != "seed"]
    room = max(limit - len(seeds), 1)
    if len(rest) <= room:
        return examples
    step = len(rest) / room
    return [rest[int(i * step)] for i in range(room)] + seeds


def merge_duplicates(examples: list[Example]) -> list[Example]:
    """Rows with the same words and labels become one row carrying their summed weight (same loss)."""
    seen: dict[tuple, Example] = {}
    for e in examples:
        key = (tuple(e.keys), e.codes, e.known)
        if key in seen:
            seen[key].weight += e.weight
        else:
            seen[key] = Example(e.keys, e.codes, e.known, e.weight, e.kind, e.document_id)
    return list(seen.values())


def train(
    examples: list[Example],
    labels: list[str],
    *,
    info: dict[str, Any] | None = None,
    max_iter: int = linear.MAX_ITER,
    max_rows: int = MAX_ROWS,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Ranker | None:
    """Fit the ranker on ``examples`` (see the module notes); None when cancelled. Deterministic."""
    import numpy as np

    examples = merge_duplicates([e for e in examples if e.known is None or e.known])
    if not examples:
        raise ValueError("nothing to train on")
    started = time.perf_counter()
    used = _sample(examples, max_rows)
    vocab = Vocabulary.fit((e.keys for e in used), min_df=MIN_DF)
    rows = vocab.rows(e.keys for e in used)
    index = {label: j for j, label in enumerate(labels)}
    targets = np.zeros((len(used), len(labels)), dtype=np.float32)
    known = np.zeros((len(used), len(labels)), dtype=np.float32)
    for i, e in enumerate(used):
        if e.known is None:
            known[i] = e.weight
        else:
            known[i, [index[c] for c in e.known if c in index]] = e.weight
        targets[i, [index[c] for c in e.codes if c in index]] = 1.0
    calls = [0]

    def stop() -> bool:
        calls[0] += 1
        if progress:
            progress(min(calls[0], max_iter), max_iter, f"iteration {calls[0]}")
        return cancel is not None and cancel.is_set()

    fitted = linear.fit(rows, targets, known, max_iter=max_iter, cancel=stop)
    if fitted is None:
        return None
    coef, iterations = fitted
    meta = dict(info or {})
    meta.update(
        {
            "examples": len(examples),
            "rows_used": len(used),
            "features": len(vocab.terms),
            "iterations": iterations,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )
    return Ranker(list(labels), vocab, coef, None, meta)


def codebook_digest(codes: list[Code]) -> str:
    """A short hash of what the seed texts are written from (for the model's version)."""
    data = json.dumps(
        [[c.id, c.name, c.definition, c.inclusion, list(c.examples), list(c.keywords)] for c in codes], sort_keys=True
    )
    return hashlib.sha1(data.encode()).hexdigest()[:10]
