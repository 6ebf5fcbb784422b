"""What ``Project``'s suggestion methods do: the glue between the store and the engine.

Per Project object the service keeps one :class:`SuggestState`: the Suggester
(pipeline and loaded model), rebuilt only when the codebook, the stored model,
the pipeline or the threshold changes; the coder's valence habits; the digest
that says whether training data changed; and the words of texts already read,
so that retraining and "more like this" do not tokenise the same turns again.
On first use, when no model is stored yet, one is trained (from the codebook
alone in an uncoded project, well under a second) and stored.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from evalbench.errors import UserError
from evalbench.model import Suggestion, TrainReport
from evalbench.store.db import now
from evalbench.store.provenance import training_counts
from evalbench.suggest import calibration, data, store, training
from evalbench.suggest.engine import DEFAULT_THRESHOLD, RANK_BATCH, Suggester, paused_gc
from evalbench.suggest.features import WORDS_VERSION, TextWords, read_texts
from evalbench.suggest.nlp import BLANK, PIPELINE_KEY, load_pipeline
from evalbench.suggest.ranker import NAME as MODEL_NAME
from evalbench.suggest.ranker import Ranker, codebook_digest, train

THRESHOLD_KEY = "suggest.threshold"
#: Folds (of documents) for the calibration run at training time.
CALIBRATION_FOLDS = 3
#: Training rows and iterations per calibration model: beyond these rows a fold model learns from a
#: sample, so that calibrating costs about one more training run (its estimates then err low).
CALIBRATION_ROWS = 3000
CALIBRATION_ITER = 20
#: Participant turns read (evenly spaced) to measure how common each keyword is.
DF_TURNS = 1000
#: Texts whose words are remembered per project (turn texts never change; excerpts rarely).
WORDS_CACHE = 40_000


class WordCache:
    """Texts already read, by text: retraining and "more like this" read the same turns again.

    Words and keyword matches depend on the pipeline and the codebook's
    keywords, so one cache serves one (pipeline, keywords) pair. Participant
    turns read through :meth:`turns` are also kept in the project file
    (:mod:`evalbench.store.turn_words`), so a new process does not tokenise
    them again.
    """

    def __init__(self, pipeline, matcher, project=None, limit: int = WORDS_CACHE) -> None:
        import weakref

        self.pipeline = pipeline
        self.matcher = matcher
        self.limit = limit
        self.reader = f"{pipeline.name}|{pipeline.version}|words {WORDS_VERSION}|keywords {matcher.version}"
        self._project = weakref.ref(project) if project is not None else None
        self._words: OrderedDict[str, TextWords] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> list[TextWords]:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._words))
        fresh = dict(zip(missing, read_texts(self.pipeline, missing, self.matcher))) if missing else {}
        with self._lock:
            out = [self._words.get(t) or fresh[t] for t in texts]
            self._remember(fresh.items())
        return out

    def _remember(self, items) -> None:
        for t, w in items:
            self._words[t] = w
        while len(self._words) > self.limit:
            self._words.popitem(last=False)

    def turns(self, turns: list[data.TurnText]) -> list[TextWords]:
        """Words of participant turns: from memory, else from the project file, else read (and stored)."""
        from evalbench.suggest.features import pack, unpack

        with self._lock:
            known = {t.text: self._words[t.text] for t in turns if t.text in self._words}
        project = self._project() if self._project is not None else None
        wanted = [t for t in turns if t.text not in known]
        if wanted and project is not None:
            stored = project.store.turn_words.load([t.id for t in wanted], self.reader)
            for t in wanted:
                if t.id in stored:
                    known[t.text] = unpack(stored[t.id])
        unread = [t for t in turns if t.text not in known]
        if unread:
            texts = list(dict.fromkeys(t.text for t in unread))
            known.update(zip(texts, read_texts(self.pipeline, texts, self.matcher)))
            if project is not None:
                packed = {text: pack(known[text]) for text in texts}
                self._store(project, [(t.id, self.reader, packed[t.text]) for t in unread])
        with self._lock:
            self._remember((t.text, known[t.text]) for t in turns[-self.limit:])
        return [known[t.text] for t in turns]

    @staticmethod
    def _store(project, rows: list[tuple]) -> None:
        """Keep read words in the project file; a busy or read-only file just keeps them in memory."""
        project.store.turn_words.save(rows)


@dataclass
class SuggestState:
    """What the service remembers for one open Project (owned by that object, freed with it)."""

    engine_key: tuple | None = None
    suggester: Suggester | None = None
    history_key: tuple | None = None
    history: dict = field(default_factory=dict)
    digest: tuple[str, str] | None = None  #: (change fingerprint, training digest)
    words: tuple | None = None  #: (pipeline name, keywords version, WordCache)
    similar: object | None = None  #: the "more like this" index (evalbench.suggest.similar.Index)


_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STATE_LOCK = threading.Lock()


def state(project) -> SuggestState:
    with _STATE_LOCK:
        found = _STATE.get(project)
        if found is None:
            found = _STATE[project] = SuggestState()
        return found


def words_reader(project, pipeline, codes) -> WordCache:
    """The project's cache of read texts for ``pipeline`` and the codebook's keywords."""
    from evalbench.suggest.rules import RuleMatcher, rules_fingerprint

    st = state(project)
    version = rules_fingerprint(codes)
    if st.words is None or st.words[0] != pipeline.name or st.words[1] != version \
            or st.words[2].pipeline is not pipeline:
        st.words = (pipeline.name, version, WordCache(pipeline, RuleMatcher(codes, pipeline), project))
    return st.words[2]


def project_keyword_df(project, reader: WordCache) -> dict[str, float]:
    """Share of the project's participant turns each common keyword occurs in (up to DF_TURNS read)."""
    from evalbench.suggest.rules import keyword_df_from

    turns = data.participant_turns(project.conn)
    step = max(1, -(-len(turns) // DF_TURNS))
    return keyword_df_from([w.matches for w in reader.turns(turns[::step])])


def _codes_key(conn) -> tuple:
    return tuple(conn.execute("SELECT count(*), total(length(id) + length(keywords) + length(name) + "
                              "valence_applies), max(id) FROM codes").fetchone())


def pipeline_name(project) -> str:
    return project.meta(PIPELINE_KEY) or BLANK


def threshold(project) -> float:
    value = project.meta(THRESHOLD_KEY)
    try:
        return float(value) if value else DEFAULT_THRESHOLD
    except ValueError:
        raise UserError(f"{project.path.name}: meta {THRESHOLD_KEY} is not a number: {value!r}") from None


def set_pipeline(project, name: str | None) -> None:
    """Configure an installed spaCy pipeline (None or 'blank:en' for the blank default)."""
    name = name or BLANK
    load_pipeline(name)  # fails with a clear message when not installed
    with project.transaction():
        project._set_meta(PIPELINE_KEY, None if name == BLANK else name)


def load_model(project) -> Ranker | None:
    """The stored ranker, or None (none trained yet, or one from before this ranker existed)."""
    blob = store.load_model_bytes(project.conn)
    if not blob:
        return None
    try:
        return Ranker.from_bytes(blob)
    except (ValueError, KeyError):  # an older kind of model: retrain
        return None


def engine(project) -> Suggester:
    """The project's Suggester, rebuilt only when what it depends on changed."""
    conn = project.conn
    info = store.model_info(conn)
    if info is None or info.get("kind") != MODEL_NAME:  # first use, or a model of an older kind
        train_suggester(project)
        info = store.model_info(conn)
    key = (pipeline_name(project), _codes_key(conn), info["version"], threshold(project))
    st = state(project)
    if st.suggester is not None and st.engine_key == key:
        return st.suggester
    pipeline = load_pipeline(key[0])
    model = load_model(project)
    if model is None:
        raise UserError(f"{project.path.name}: the stored suggestion model could not be read; "
                        "run `evalbench suggest --train`")
    st.suggester = Suggester(project.codes(), pipeline, model, threshold=key[3])
    st.engine_key = key
    return st.suggester


# --- suggesting ----------------------------------------------------------------
def _valence_history(project) -> dict:
    """The coder's valence habits, re-read only after coding changed (20 ms at 40,000 codings)."""
    st = state(project)
    key = (project.coder, data.change_fingerprint(project.conn))  # valence edits count here
    if st.history_key != key:
        st.history = data.valence_history(project.conn, project.coder)
        st.history_key = key
    return st.history


def _rank_and_store(project, turns: list[data.TurnText], k: int) -> list[list[Suggestion]]:
    if not turns:
        return []
    suggester = engine(project)
    conn = project.conn
    exclude = store.coder_exclusions(conn, project.coder, turns)
    history = _valence_history(project)
    reader = words_reader(project, suggester.pipeline, list(suggester.codes.values()))
    ranked: list = []
    with paused_gc():  # storing makes a Suggestion per row; no cycles either
        for lo in range(0, len(turns), RANK_BATCH):  # a batch's texts and words at a time: memory stays flat
            batch = data.with_texts(conn, turns[lo:lo + RANK_BATCH])
            texts = [t.text for t in batch]
            found = suggester.rank(texts, k=k, exclude=exclude[lo:lo + RANK_BATCH], history=history,
                                   words=reader.turns(batch))
            ranked += [[_with_evidence(project, suggester, c, text) for c in cands]
                       for cands, text in zip(found, texts)]
        with project.transaction():
            return store.store_candidates(conn, turns, ranked)


def _with_evidence(project, suggester: Suggester, c, text: str):
    """A candidate whose words explain nothing gets the most similar coded passage as its evidence."""
    if c.evidence:
        return c
    from dataclasses import replace

    from evalbench.suggest.similar import like_passage

    like = like_passage(project, suggester.model, c.code_id, text)
    return replace(c, evidence=(like,) if like else ("no single word stands out",))


def suggest_turn(project, turn_id: int, *, k: int = 3) -> list[Suggestion]:
    """Top ``k`` open suggestions for one participant turn ([] for an interviewer turn)."""
    turns = data.participant_turns(project.conn, turn_id=turn_id)
    if not turns:
        if project.conn.execute("SELECT 1 FROM turns WHERE id = ?", (turn_id,)).fetchone() is None:
            raise UserError(f"{project.path.name}: no turn {turn_id}")
        return []
    return _rank_and_store(project, turns, k)[0]


def suggestions(project, *, document: int | str | None = None, k: int = 3) -> list[Suggestion]:
    """Refresh and return open suggestions for participant turns, best first within each turn."""
    doc_id = None
    if document is not None:
        doc_id = project.document(document, with_text=False).id
    turns = data.participant_turns(project.conn, document_id=doc_id, with_text=False)
    return [s for per_turn in _rank_and_store(project, turns, k) for s in per_turn]


def accept(project, suggestion_id: int, *, valence: str | None = None) -> int:
    """Turn an open suggestion into a coding (origin 'suggestion'); one undoable action.

    The coding keeps the suggesting model's name and version, so that a merge
    or an export can say where it came from without the suggestion row.
    """
    s = _open_suggestion(project, suggestion_id)
    row = project._coding_row(s.document_id, s.start, s.end, s.code_id,
                              valence=valence or s.valence or "none", memo="",
                              origin="suggestion", coder=None, suggestion_id=s.id)
    row.update(suggest_model=s.model, suggest_model_version=s.model_version)
    with project.action(store.action_label(project.conn, "Accept", s)) as act:
        coding_id = act.insert("codings", row)
        act.update("suggestions", {"id": s.id},
                   {"status": "accepted", "coder": project.coder, "decided_at": now()})
    return coding_id


def reject(project, suggestion_id: int) -> None:
    """Reject an open suggestion; one undoable action, remembered and learned from."""
    s = _open_suggestion(project, suggestion_id)
    with project.action(store.action_label(project.conn, "Reject", s)) as act:
        act.update("suggestions", {"id": s.id},
                   {"status": "rejected", "coder": project.coder, "decided_at": now()})


def _open_suggestion(project, suggestion_id: int) -> Suggestion:
    s = store.get_suggestion(project.conn, suggestion_id)
    if s is None:
        raise UserError(f"{project.path.name}: no suggestion {suggestion_id}")
    if s.status != "open":
        raise UserError(f"{project.path.name}: suggestion {suggestion_id} is already {s.status}")
    return s


# --- training ------------------------------------------------------------------
def calibration_folds(td: training.TrainingData) -> int:
    """Folds for calibration: 3, fewer with fewer coded documents, 0 when there is too little to measure."""
    coded_docs = len({d for d, g in zip(td.documents, td.gold) if g})
    if td.counts.get("coded_turns", 0) < calibration.MIN_TURNS or coded_docs < 2:
        return 0
    return min(CALIBRATION_FOLDS, coded_docs)


def calibrate(td: training.TrainingData, *, progress=None, cancel=None) -> calibration.Calibration | None:
    """Calibration from out-of-fold scores (None: too little coding, or cancelled)."""
    folds = calibration_folds(td)
    if not folds:
        return None
    oof = training.out_of_fold(td, folds, max_rows=CALIBRATION_ROWS, max_iter=CALIBRATION_ITER,
                               progress=progress, cancel=cancel)
    if oof is None:
        return None
    coded_docs = len({d for d, g in zip(td.documents, td.gold) if g})
    return calibration.from_scores(oof.combined, td.gold, td.labels, documents=coded_docs)


def train_suggester(project, *, progress: Callable[[int, int, str], None] | None = None,
                    cancel: threading.Event | None = None) -> TrainReport:
    """Train the ranker on the project's human coding and codebook, calibrate it, and store it."""
    started = time.perf_counter()
    conn = project.conn
    fingerprint, digest = data.change_fingerprint(conn), data.training_digest(conn)
    human, rejected = training_counts(conn)
    pipeline = load_pipeline(pipeline_name(project))
    codes = project.codes()
    if not codes:
        raise UserError(f"{project.path.name}: the project has no codes to suggest")
    every = data.labelled_turns(conn)
    labelled = training.sample_turns(every)
    if progress:
        progress(0, 1, f"reading {len(labelled)} turns")
    reader = words_reader(project, pipeline, codes)
    td = training.build(pipeline, codes, labelled, words=reader, keyword_df=project_keyword_df(project, reader))
    coded_all = sum(1 for lt in every if lt.codes)
    kind = "coded" if coded_all else "seed"
    version = f"{kind}-{coded_all}-{now()}-{uuid.uuid4().hex[:6]}"
    td.counts["coded_turns_sampled"] = td.counts["coded_turns"]
    td.counts["coded_turns"] = coded_all
    info = {"version": version, "kind": MODEL_NAME, "fingerprint": fingerprint, "training_digest": digest,
            "pipeline": pipeline.name, "codebook": codebook_digest(codes), "keyword_df": td.keyword_df,
            "human_codings": human, "rejected_total": rejected, **td.counts}
    name = f"{MODEL_NAME} + codebook-keywords ({pipeline.name})"

    def cancelled() -> TrainReport:
        return TrainReport(name, "", len(td.examples), td.counts["coded_turns"], td.counts["rejections"],
                           len(codes), 0, round(time.perf_counter() - started, 3), cancelled=True)

    model = train(td.examples, td.labels, info=info, progress=progress, cancel=cancel)
    if model is None:
        return cancelled()
    if calibration_folds(td):
        model.calibration = calibrate(td, progress=progress, cancel=cancel)
        if model.calibration is None:
            return cancelled()
    small = {k: v for k, v in model.info.items() if k != "version"}
    small["calibrated"] = model.calibration is not None
    with project.transaction():
        store.save_model(conn, version, small, model.to_bytes())
    return TrainReport(name, version, len(td.examples), td.counts["coded_turns"], td.counts["rejections"],
                       len(codes), model.info.get("iterations", 0), round(time.perf_counter() - started, 3))


def stale(project) -> bool:
    """True when the training data (coding, rejections, the codebook) or the pipeline changed since training.

    Memos, stars, valence and other edits that training does not read leave
    the model current. Nothing changed at all: one cheap check (~1 ms);
    something changed: the training data's digest, once per change.
    """
    info = store.model_info(project.conn)
    if info is None or info.get("pipeline", BLANK) != pipeline_name(project) or info.get("kind") != MODEL_NAME:
        return True
    change = data.change_fingerprint(project.conn)
    if info.get("fingerprint") == change:
        return False
    if "training_digest" not in info:  # a model stored before digests: any change counts
        return True
    st = state(project)
    if st.digest is None or st.digest[0] != change:
        st.digest = (change, data.training_digest(project.conn))
    return st.digest[1] != info["training_digest"]
