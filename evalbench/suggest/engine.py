"""Ranking codes for turns: the ranker's scores, calibrated confidence, evidence and valence.

For each text the ranker (:mod:`evalbench.suggest.ranker`) scores every code,
the learned model and the codebook's keywords together; the best ``k`` that
the coder has not already applied or rejected are candidates. Each carries:

* its **confidence**: the share of suggestions with such a score that were
  right in this project's own cross-validation by document
  (:mod:`evalbench.suggest.calibration`), as a number and as words ("often
  right"). A model that could not be checked yet (too little coding) says "not
  yet measured" and its score is the model's probability;
* its **evidence**: the codebook keywords it matched and the words of the text
  that raised the learned score most, as written (the service adds the most
  similar coded excerpt when there are none: :mod:`evalbench.suggest.similar`);
* a suggested **valence**, read around the keyword matches, else from the two
  sentences that scored the code highest, with the coder's habit for the code
  (:mod:`evalbench.suggest.valence`);
* its **provenance**: model name and version, for disclosure.

Only candidates at or above the threshold are shown. The default threshold is
an estimated precision of 0.25 ("sometimes right"): on the sample study's
cross-validation by document that showed about one suggestion per turn, of
which 42–46 % were right, where showing the top three would show three at
26–30 %. With no calibration yet (fewer than 20 coded turns, or coding in one
document only) a candidate is shown when its combined score is at least
:data:`UNMEASURED_FLOOR`: from the codebook alone (no coding) that showed 0.67
suggestions per participant turn on the sample study, 29 % of them right, and
0.56 on the development interviews, 53 % right (0.5 showed a third as many).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from evalbench import __version__
from evalbench.model import Code
from evalbench.suggest.calibration import label
from evalbench.suggest.features import TextWords, read_texts
from evalbench.suggest.nlp import Pipeline
from evalbench.suggest.ranker import MAX_EVIDENCE, Ranker, Scores
from evalbench.suggest.ranker import NAME as MODEL_NAME
from evalbench.suggest.rules import hits_from
from evalbench.suggest.valence import suggest_valence

#: Lowest estimated precision shown by default (meta key ``suggest.threshold``).
DEFAULT_THRESHOLD = 0.25
#: Without calibration: the combined score a candidate needs to be shown (or the project's threshold, if higher).
UNMEASURED_FLOOR = 0.4
#: The learned model's probability above which it counts as a source of the suggestion.
MODEL_FLOOR = 0.5
#: Turns ranked per batch: big enough for numpy to batch well, small enough to keep memory flat.
RANK_BATCH = 2000


@dataclass(frozen=True)
class Candidate:
    """A code proposed for one text, before it is stored."""

    code_id: str
    score: float  #: estimated precision (calibrated), else the combined score
    confidence: str  #: words for the score: 'often right', …, 'not yet measured'
    source: str  #: 'model', 'rules' or 'rules+model': what raised the score
    evidence: tuple[str, ...]
    valence: str | None
    model: str
    model_version: str
    raw: float = 0.0  #: the combined score the confidence was read from


class Suggester:
    """The ranker over one codebook and one pipeline, with the project's display threshold."""

    def __init__(
        self, codes: list[Code], pipeline: Pipeline, model: Ranker, *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        from evalbench.suggest.rules import RuleMatcher

        self.pipeline = pipeline
        self.matcher = RuleMatcher(codes, pipeline, model.keyword_df)
        self.codes = {c.id: c for c in codes}
        self.model = model
        self.threshold = threshold
        self.calibrated = model.calibration is not None
        self.name = f"{MODEL_NAME} + codebook-keywords ({pipeline.name})"
        self.version = (
            f"evalbench {__version__}; {pipeline.version}; model {model.version}; rules {self.matcher.version}"
        )
        self._index = [j for j, code in enumerate(model.labels) if code in self.codes]

    def confidence(self, raw: float) -> tuple[float, str]:
        """(score, words) for a combined score."""
        if self.model.calibration is not None:
            p = self.model.calibration.precision(raw)
            return round(p, 4), label(p)
        return round(raw, 4), label(None)

    def shown(self, score: float, threshold: float | None = None) -> bool:
        """Whether a candidate with this score passes ``threshold`` (default: the project's, see module notes)."""
        if threshold is None:
            threshold = self.threshold if self.calibrated else max(UNMEASURED_FLOOR, self.threshold)
        return score >= threshold

    def rank(
        self,
        texts: list[str],
        *,
        k: int = 3,
        exclude: list[set[str]] | None = None,
        history: dict[str, Counter] | None = None,
        with_valence: bool = True,
        threshold: float | None = None,
        words: list[TextWords] | None = None,
    ) -> list[list[Candidate]]:
        """The best ``k`` candidates of each text that pass the threshold, best first.

        ``threshold`` 0 shows every candidate (evaluation); ``words`` are the
        texts already read (:func:`~evalbench.suggest.features.read_texts`).
        Texts are ranked in batches so that memory stays flat however many
        turns a project has.
        """
        out: list[list[Candidate]] = []
        for lo in range(0, len(texts), RANK_BATCH):
            hi = lo + RANK_BATCH
            batch_words = words[lo:hi] if words is not None else read_texts(self.pipeline, texts[lo:hi], self.matcher)
            out += self._rank_batch(
                texts[lo:hi],
                batch_words,
                k=k,
                exclude=exclude[lo:hi] if exclude else None,
                history=history,
                with_valence=with_valence,
                threshold=threshold,
            )
        return out

    def _rank_batch(
        self,
        texts: list[str],
        words: list[TextWords],
        *,
        k: int,
        exclude: list[set[str]] | None,
        history: dict[str, Counter] | None,
        with_valence: bool,
        threshold: float | None,
    ) -> list[list[Candidate]]:
        import numpy as np

        scores = self.model.scores(words)
        combined = scores.combined
        labels = self.model.labels
        usable = np.full(len(labels), -np.inf, dtype=np.float32)
        usable[self._index] = 0.0
        out = []
        for i, text in enumerate(texts):
            row = combined[i] + usable
            skip = exclude[i] if exclude else ()
            top = np.argsort(-row)[: k + len(skip)]
            found = []
            for j in top.tolist():
                code_id = labels[j]
                if code_id in skip or not np.isfinite(row[j]):
                    continue
                score, words_for = self.confidence(float(row[j]))
                if not self.shown(score, threshold):
                    break
                found.append(self._candidate(scores, i, j, words[i], text, score, words_for, history, with_valence))
                if len(found) == k:
                    break
            out.append(found)
        return out

    def _candidate(
        self,
        scores: Scores,
        i: int,
        j: int,
        words: TextWords,
        text: str,
        score: float,
        confidence: str,
        history: dict[str, Counter] | None,
        with_valence: bool,
    ) -> Candidate:
        import math

        code_id = self.model.labels[j]
        hit = hits_from([m for m in words.matches if m[0] == code_id], text, self.model.keyword_df).get(code_id)
        learned = self.model.evidence(scores, i, j, words, text)
        by_model = 1.0 / (1.0 + math.exp(-float(scores.logits[i, j]))) >= MODEL_FLOOR
        source = "rules+model" if hit and by_model else "rules" if hit else "model"
        evidence = list(hit.evidence) if hit else []
        evidence += [w for w in learned if w not in evidence]
        valence = None
        if with_valence and self.codes[code_id].valence_applies:
            spans = list(hit.spans) if hit else []
            window = self.model.best_window(scores, i, j)
            if not spans and window is not None and window[1] > window[0]:
                first, last = window
                spans = [(words.starts[first], words.starts[last - 1] + words.lengths[last - 1])]
            valence = suggest_valence(text, spans, (history or {}).get(code_id))
        return Candidate(
            code_id,
            score,
            confidence,
            source,
            tuple(evidence[:MAX_EVIDENCE]),
            valence,
            self.name,
            self.version,
            float(scores.combined[i, j]),
        )
