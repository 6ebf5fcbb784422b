"""The suggestion service (``project.suggest``): suggest, accept, reject, train, "more like this", evaluate.

A :class:`SuggestService` is made over one :class:`~evalbench.store.store.Store`
and so belongs to that store's thread; a worker thread opens its own Store
(``store.reopen()``) and with it its own service. Everything the service
remembers is state of the instance, freed with it:

* the :class:`~evalbench.suggest.engine.Suggester` (pipeline and loaded model),
  rebuilt only when the codebook, the stored model, the pipeline or the
  threshold changes;
* the current coder's valence habits, re-read only after coding changed;
* the training digest of the last change seen, so :meth:`stale` reads it once
  per change;
* the words of texts already read (:class:`~evalbench.suggest.wordcache.WordCache`), so that retraining and
  "more like this" do not tokenise the same turns again;
* the "more like this" index (:mod:`evalbench.suggest.similar`).

Nothing it keeps refers back to it, so it is freed as soon as its Project is
(a reference cycle would leave the read words of every turn to the cyclic
collector).

On first use, when no model is stored yet, one is trained (from the codebook
alone in an uncoded project, well under a second) and stored. The service
never changes the garbage collector: that is the policy of whoever owns the
process (the workbench pauses it around its suggestion thread's jobs,
``tui/heap.py``).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from evalbench.errors import UserError
from evalbench.model import Code, Suggestion, TrainReport, TurnText
from evalbench.store.db import now
from evalbench.store.models import ModelInfo
from evalbench.suggest import calibration, data, training
from evalbench.suggest import similar as more_like_this
from evalbench.suggest.engine import DEFAULT_THRESHOLD, RANK_BATCH, Candidate, Suggester
from evalbench.suggest.nlp import BLANK, PIPELINE_KEY, Pipeline, load_pipeline
from evalbench.suggest.ranker import NAME as MODEL_NAME
from evalbench.suggest.ranker import Ranker, codebook_digest, train
from evalbench.suggest.similar import Index, SimilarTurn
from evalbench.suggest.wordcache import WordCache

if TYPE_CHECKING:
    from evalbench.coding.service import CodingService
    from evalbench.store.store import Store
    from evalbench.suggest.evaluate import Evaluation

Progress = Callable[[int, int, str], None]

THRESHOLD_KEY = "suggest.threshold"
#: Folds (of documents) for the calibration run at training time.
CALIBRATION_FOLDS = 3
#: Training rows and iterations per calibration model: beyond these rows a fold model learns from a
#: sample, so that calibrating costs about one more training run (its estimates then err low).
CALIBRATION_ROWS = 3000
CALIBRATION_ITER = 20
#: Participant turns read (evenly spaced) to measure how common each keyword is.
DF_TURNS = 1000


def calibration_folds(td: training.TrainingData) -> int:
    """Folds for calibration: 3, fewer with fewer coded documents, 0 when there is too little to measure."""
    coded_docs = len({d for d, g in zip(td.documents, td.gold) if g})
    if td.counts.get("coded_turns", 0) < calibration.MIN_TURNS or coded_docs < 2:
        return 0
    return min(CALIBRATION_FOLDS, coded_docs)


def calibrate(
    td: training.TrainingData, *, progress: Progress | None = None, cancel: threading.Event | None = None
) -> calibration.Calibration | None:
    """Calibration from out-of-fold scores (None: too little coding, or cancelled)."""
    folds = calibration_folds(td)
    if not folds:
        return None
    oof = training.out_of_fold(
        td, folds, max_rows=CALIBRATION_ROWS, max_iter=CALIBRATION_ITER, progress=progress, cancel=cancel
    )
    if oof is None:
        return None
    coded_docs = len({d for d, g in zip(td.documents, td.gold) if g})
    return calibration.from_scores(oof.combined, td.gold, td.labels, documents=coded_docs)


class SuggestService:
    """Suggested codes for one open project (see the module docstring)."""

    def __init__(self, store: Store, coding: CodingService) -> None:
        self.store = store
        self.coding = coding
        self._engine: tuple[tuple, Suggester] | None = None  #: (what it was built from, the Suggester)
        self._history: tuple[tuple[str, str], dict[str, Counter]] | None = None  #: ((coder, fingerprint), habits)
        self._digest: tuple[str, str] | None = None  #: (change fingerprint, training digest)
        self._words: tuple[str, str, WordCache] | None = None  #: (pipeline name, keywords version, cache)
        self.similar_index: Index | None = None  #: the "more like this" index (:mod:`evalbench.suggest.similar`)

    # --- configuration ----------------------------------------------------------------------------
    def pipeline_name(self) -> str:
        """The spaCy pipeline configured for this project (blank English unless one was set)."""
        return self.store.meta.get(PIPELINE_KEY) or BLANK

    def threshold(self) -> float:
        """The lowest confidence shown (meta ``suggest.threshold``, else the default)."""
        value = self.store.meta.get(THRESHOLD_KEY)
        try:
            return float(value) if value else DEFAULT_THRESHOLD
        except ValueError:
            raise UserError(f"{self.store.where}: meta {THRESHOLD_KEY} is not a number: {value!r}") from None

    def set_pipeline(self, name: str | None) -> None:
        """Configure an installed spaCy pipeline (None or 'blank:en' for the blank default). Never downloads."""
        name = name or BLANK
        load_pipeline(name)  # fails with a clear message when not installed
        with self.store.transaction():
            self.store.meta.set(PIPELINE_KEY, None if name == BLANK else name)

    def codes(self) -> list[Code]:
        return self.store.codes.list()

    # --- the model and what reads texts ---------------------------------------------------------------
    def model_info(self) -> ModelInfo | None:
        """The stored model's version and training info, or None."""
        return self.store.models.info()

    def load_model(self) -> Ranker | None:
        """The stored ranker, or None (none trained yet, or one from before this ranker existed)."""
        blob = self.store.models.data()
        if not blob:
            return None
        try:
            return Ranker.from_bytes(blob)
        except (ValueError, KeyError):  # an older kind of model: retrain
            return None

    def engine(self) -> Suggester:
        """The project's Suggester, rebuilt only when what it depends on changed."""
        info = self.model_info()
        if info is None or info.kind != MODEL_NAME:  # first use, or a model of an older kind
            self.train()
            info = self.model_info()
            if info is None:
                raise UserError(f"{self.store.where}: the suggestion model could not be stored")
        key = (self.pipeline_name(), self.store.codes.key(), info.version, self.threshold())
        if self._engine is not None and self._engine[0] == key:
            return self._engine[1]
        pipeline = load_pipeline(key[0])
        model = self.load_model()
        if model is None:
            raise UserError(
                f"{self.store.where}: the stored suggestion model could not be read; run `evalbench suggest --train`"
            )
        suggester = Suggester(self.codes(), pipeline, model, threshold=key[3])
        self._engine = (key, suggester)
        return suggester

    def words_reader(self, pipeline: Pipeline, codes: list[Code]) -> WordCache:
        """The cache of read texts for ``pipeline`` and the codebook's keywords."""
        from evalbench.suggest.rules import RuleMatcher, rules_fingerprint

        version = rules_fingerprint(codes)
        if (
            self._words is None
            or self._words[0] != pipeline.name
            or self._words[1] != version
            or self._words[2].pipeline is not pipeline
        ):
            self._words = (
                pipeline.name,
                version,
                WordCache(pipeline, RuleMatcher(codes, pipeline), self.store.turn_words),
            )
        return self._words[2]

    def keyword_df(self, reader: WordCache) -> dict[str, float]:
        """Share of the project's participant turns each common keyword occurs in (up to DF_TURNS read)."""
        from evalbench.suggest.rules import keyword_df_from

        turns = self.store.turns.participant_texts()
        step = max(1, -(-len(turns) // DF_TURNS))
        return keyword_df_from([w.matches for w in reader.turns(turns[::step])])

    # --- suggesting ----------------------------------------------------------------------------------
    def turn(self, turn_id: int, *, k: int = 3) -> list[Suggestion]:
        """Top ``k`` open suggestions for one participant turn ([] for an interviewer turn).

        Leaves out codes the current coder already applied to the turn or rejected for it.
        """
        turns = self.store.turns.participant_texts(turn_id=turn_id)
        if not turns:
            if not self.store.turns.exists(turn_id):
                raise UserError(f"{self.store.where}: no turn {turn_id}")
            return []
        return self._rank_and_store(turns, k)[0]

    def refresh(self, *, document: int | str | None = None, k: int = 3) -> list[Suggestion]:
        """Refresh and return open suggestions for participant turns, best first within each turn."""
        doc_id = None if document is None else self.store.documents.get(document, with_text=False).id
        turns = self.store.turns.participant_texts(document_id=doc_id, with_text=False)
        return [s for per_turn in self._rank_and_store(turns, k) for s in per_turn]

    def _rank_and_store(self, turns: list[TurnText], k: int) -> list[list[Suggestion]]:
        if not turns:
            return []
        suggester = self.engine()
        history = self._valence_history()
        reader = self.words_reader(suggester.pipeline, list(suggester.codes.values()))
        ranked: list[list[Candidate]] = []
        # A batch's texts, words and exclusions at a time: memory stays flat, and fewer objects outlive a
        # batch for the garbage collector to walk (20,000 exclusion sets held to the end cost it ~0.1 s).
        for lo in range(0, len(turns), RANK_BATCH):
            batch = self.store.turns.with_texts(turns[lo : lo + RANK_BATCH])
            texts = [t.text for t in batch]
            found = suggester.rank(
                texts,
                k=k,
                exclude=self._exclusions(self.store.coder, batch),
                history=history,
                words=reader.turns(batch),
            )
            ranked += [[self._with_evidence(suggester, c, text) for c in cands] for cands, text in zip(found, texts)]
        with self.store.transaction():
            return self.store.suggestions.sync_open(turns, ranked)

    def _exclusions(self, coder: str, turns: list[TurnText]) -> list[set[str]]:
        """Per turn: codes ``coder`` already applied to it or rejected for it."""
        applied = {doc: self.store.codings.applied(doc, coder) for doc in sorted({t.document_id for t in turns})}
        rejected = self.store.suggestions.rejected_codes([t.id for t in turns], coder)
        return [
            {code for s, e, code in applied[t.document_id] if s < t.end and e > t.start} | rejected.get(t.id, set())
            for t in turns
        ]

    def _valence_history(self) -> dict[str, Counter]:
        """The coder's valence habits, re-read only after coding changed (20 ms at 40,000 codings)."""
        key = (self.store.coder, self.store.training.fingerprint())  # valence edits count here
        if self._history is None or self._history[0] != key:
            self._history = (key, self.store.codings.valence_history(self.store.coder))
        return self._history[1]

    def _with_evidence(self, suggester: Suggester, c: Candidate, text: str) -> Candidate:
        """A candidate whose words explain nothing gets the most similar coded passage as its evidence."""
        if c.evidence:
            return c
        like = more_like_this.like_passage(self, suggester.model, c.code_id, text)
        return replace(c, evidence=(like,) if like else ("no single word stands out",))

    # --- a coder's decision ----------------------------------------------------------------------------
    def accept(self, suggestion_id: int, *, valence: str | None = None) -> int:
        """Turn an open suggestion into a coding (origin 'suggestion'); one undoable action. The coding id.

        The coding keeps the suggesting model's name and version, so that a merge
        or an export can say where it came from without the suggestion row.
        """
        s = self._open_suggestion(suggestion_id)
        row = self.coding.row(
            s.document_id,
            s.start,
            s.end,
            s.code_id,
            valence=valence or s.valence or "none",
            memo="",
            origin="suggestion",
            coder=None,
            suggestion_id=s.id,
        )
        row.update(suggest_model=s.model, suggest_model_version=s.model_version)
        with self.store.action(self._label("Accept", s)) as act:
            coding_id = act.insert("codings", row)
            act.update(
                "suggestions", {"id": s.id}, {"status": "accepted", "coder": self.store.coder, "decided_at": now()}
            )
        return coding_id

    def reject(self, suggestion_id: int) -> None:
        """Reject an open suggestion; one undoable action, remembered and learned from."""
        s = self._open_suggestion(suggestion_id)
        with self.store.action(self._label("Reject", s)) as act:
            act.update(
                "suggestions", {"id": s.id}, {"status": "rejected", "coder": self.store.coder, "decided_at": now()}
            )

    def _label(self, verb: str, s: Suggestion) -> str:
        """Undo-log label in the user's words: ``Accept suggestion: Culture, P03 “we never…”``."""
        return f"{verb} suggestion: {self.store.describe.span(s.document_id, s.start, s.end, s.code_id)}"

    def _open_suggestion(self, suggestion_id: int) -> Suggestion:
        s = self.store.suggestions.get(suggestion_id)
        if s is None:
            raise UserError(f"{self.store.where}: no suggestion {suggestion_id}")
        if s.status != "open":
            raise UserError(f"{self.store.where}: suggestion {suggestion_id} is already {s.status}")
        return s

    # --- training ------------------------------------------------------------------------------------
    def train(self, *, progress: Progress | None = None, cancel: threading.Event | None = None) -> TrainReport:
        """Train the ranker on the project's human coding and codebook, calibrate it, and store it."""
        started = time.perf_counter()
        fingerprint, digest = self.store.training.fingerprint(), self.store.training.digest()
        human, rejected = self.store.training.counts()
        pipeline = load_pipeline(self.pipeline_name())
        codes = self.codes()
        if not codes:
            raise UserError(f"{self.store.where}: the project has no codes to suggest")
        every = data.labelled_turns(self.store)
        labelled = training.sample_turns(every)
        if progress:
            progress(0, 1, f"reading {len(labelled)} turns")
        reader = self.words_reader(pipeline, codes)
        td = training.build(codes, labelled, reader, keyword_df=self.keyword_df(reader))
        coded_all = sum(1 for lt in every if lt.codes)
        kind = "coded" if coded_all else "seed"
        version = f"{kind}-{coded_all}-{now()}-{uuid.uuid4().hex[:6]}"
        td.counts["coded_turns_sampled"] = td.counts["coded_turns"]
        td.counts["coded_turns"] = coded_all
        info = {
            "version": version,
            "kind": MODEL_NAME,
            "fingerprint": fingerprint,
            "training_digest": digest,
            "pipeline": pipeline.name,
            "codebook": codebook_digest(codes),
            "keyword_df": td.keyword_df,
            "human_codings": human,
            "rejected_total": rejected,
            **td.counts,
        }
        name = f"{MODEL_NAME} + codebook-keywords ({pipeline.name})"

        def cancelled() -> TrainReport:
            return TrainReport(
                name,
                "",
                len(td.examples),
                td.counts["coded_turns"],
                td.counts["rejections"],
                len(codes),
                0,
                round(time.perf_counter() - started, 3),
                cancelled=True,
            )

        model = train(td.examples, td.labels, info=info, progress=progress, cancel=cancel)
        if model is None:
            return cancelled()
        if calibration_folds(td):
            model.calibration = calibrate(td, progress=progress, cancel=cancel)
            if model.calibration is None:
                return cancelled()
        small = {k: v for k, v in model.info.items() if k != "version"}
        small["calibrated"] = model.calibration is not None
        with self.store.transaction():
            self.store.models.save(version, small, model.to_bytes())
        return TrainReport(
            name,
            version,
            len(td.examples),
            td.counts["coded_turns"],
            td.counts["rejections"],
            len(codes),
            model.info.get("iterations", 0),
            round(time.perf_counter() - started, 3),
        )

    def stale(self) -> bool:
        """True when the training data (coding, rejections, the codebook) or the pipeline changed since training.

        Memos, stars, valence and other edits that training does not read leave
        the model current. Nothing changed at all: one cheap check (~1 ms);
        something changed: the training data's digest, once per change.
        """
        info = self.model_info()
        if info is None or (info.pipeline or BLANK) != self.pipeline_name() or info.kind != MODEL_NAME:
            return True
        change = self.store.training.fingerprint()
        if info.info.get("fingerprint") == change:
            return False
        if "training_digest" not in info.info:  # a model stored before digests: any change counts
            return True
        if self._digest is None or self._digest[0] != change:
            self._digest = (change, self.store.training.digest())
        return self._digest[1] != info.info["training_digest"]

    def changes_since_training(self) -> int | None:
        """Human codings and rejections added or removed since the stored model was trained (None: unknown)."""
        info = self.model_info()
        then = (info.count("human_codings"), info.count("rejected_total")) if info else (None, None)
        if then[0] is None or then[1] is None:
            return None
        human, rejected = self.store.training.counts()
        return abs(human - then[0]) + abs(rejected - then[1])

    # --- "more like this" and evaluation -------------------------------------------------------------
    def similar(
        self,
        coding_id: int,
        *,
        limit: int = 20,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SimilarTurn]:
        """The participant turns most like coding ``coding_id`` (see :mod:`evalbench.suggest.similar`).

        Leaves out turns the current coder already coded with that code or rejected it for.
        """
        return more_like_this.to_coding(self, coding_id, limit=limit, progress=progress, cancel=cancel)

    def evaluate(
        self,
        *,
        coder: str | None = None,
        folds: int = 5,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Evaluation:
        """Cross-validation by document of the ranker, the keyword rules and a most-frequent baseline."""
        from evalbench.suggest.evaluate import evaluate

        return evaluate(self, coder=coder, folds=folds, progress=progress, cancel=cancel)
