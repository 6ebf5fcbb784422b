"""What ``Project``'s suggestion methods do: the glue between the store and the engine.

The Suggester (pipeline, compiled rules, loaded model) is cached per Project
object and rebuilt only when the codebook, the stored model or the configured
pipeline changes, so ``suggest_turn`` costs one tokenisation, one match and
one prediction. On first use, when no model is stored yet, one is trained
(from the codebook alone in an uncoded project, well under a second) and stored.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections.abc import Callable

from evalbench.errors import UserError
from evalbench.model import Suggestion, TrainReport
from evalbench.store.db import now
from evalbench.suggest import data, store
from evalbench.suggest.engine import DEFAULT_THRESHOLD, Suggester, paused_gc, turn_keys
from evalbench.suggest.learned import NAME as MODEL_NAME
from evalbench.suggest.learned import Example, LearnedModel, train
from evalbench.suggest.nlp import BLANK, PIPELINE_KEY, doc_words, load_pipeline
from evalbench.suggest.rules import RuleMatcher, keyword_df

THRESHOLD_KEY = "suggest.threshold"
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _codes_key(conn) -> tuple:
    return tuple(conn.execute("SELECT count(*), total(length(id) + length(keywords) + "
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


def engine(project) -> Suggester:
    """The project's Suggester, rebuilt only when what it depends on changed."""
    conn = project.conn
    info = store.model_info(conn)
    if info is None:  # first use: learn from whatever coding exists (the codebook alone if none)
        train_suggester(project)
        info = store.model_info(conn)
    key = (pipeline_name(project), _codes_key(conn), info["version"], threshold(project))
    cached = _CACHE.get(project)
    if cached and cached[0] == key:
        return cached[1]
    pipeline = load_pipeline(key[0])
    blob = store.load_model_bytes(conn)
    model = LearnedModel.from_bytes(blob) if blob else None
    suggester = Suggester(project.codes(), pipeline, model, threshold=key[3])
    _CACHE[project] = (key, suggester)
    return suggester


# --- suggesting ----------------------------------------------------------------
_HISTORY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _valence_history(project) -> dict:
    """The coder's valence habits, re-read only after coding changed (20 ms at 40,000 codings)."""
    key = (project.coder, data.change_fingerprint(project.conn))  # valence edits count here
    cached = _HISTORY.get(project)
    if cached is None or cached[0] != key:
        cached = _HISTORY[project] = (key, data.valence_history(project.conn, project.coder))
    return cached[1]


def _rank_and_store(project, turns: list[data.TurnText], k: int) -> list[list[Suggestion]]:
    if not turns:
        return []
    suggester = engine(project)
    conn = project.conn
    exclude = store.coder_exclusions(conn, project.coder, turns)
    history = _valence_history(project)
    with paused_gc():  # storing makes a Suggestion per row; no cycles either
        ranked = suggester.rank([t.text for t in turns], k=k, exclude=exclude, history=history)
        with project.transaction():
            return store.store_candidates(conn, turns, ranked)


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
    turns = data.participant_turns(project.conn, document_id=doc_id)
    return [s for per_turn in _rank_and_store(project, turns, k) for s in per_turn]


def accept(project, suggestion_id: int, *, valence: str | None = None) -> int:
    """Turn an open suggestion into a coding (origin 'suggestion'); one undoable action."""
    s = _open_suggestion(project, suggestion_id)
    row = project._coding_row(s.document_id, s.start, s.end, s.code_id,
                              valence=valence or s.valence or "none", memo="",
                              origin="suggestion", coder=None, suggestion_id=s.id)
    with project.action(store.action_label("Accept", s.id, s.code_id)) as act:
        coding_id = act.insert("codings", row)
        act.update("suggestions", {"id": s.id},
                   {"status": "accepted", "coder": project.coder, "decided_at": now()})
    return coding_id


def reject(project, suggestion_id: int) -> None:
    """Reject an open suggestion; one undoable action, remembered and learned from."""
    s = _open_suggestion(project, suggestion_id)
    with project.action(store.action_label("Reject", s.id, s.code_id)) as act:
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
def build_examples(pipeline, codes, labelled: list[data.LabelledTurn]) -> tuple[list[Example], dict]:
    """Training examples from labelled turns and codebook seeds, with counts for the report."""
    labels = [c.id for c in codes]
    known = set(labels)
    texts = [lt.turn.text for lt in labelled]
    seeds = data.seed_texts(codes)
    docs = pipeline.docs(texts + [text for _, text in seeds])
    keys = [turn_keys(doc_words(d)) for d in docs]
    examples, coded, rejections = [], 0, 0
    for lt, ks in zip(labelled, keys):
        codes_here = lt.codes & known
        if codes_here:
            coded += 1
            cats = {label: float(label in codes_here) for label in labels}
        elif lt.rejected & known:
            rejections += len(lt.rejected & known)
            cats = {label: 0.0 for label in lt.rejected & known}
        else:
            cats = {label: 0.0 for label in labels}
        examples.append(Example(ks, cats))
    for (code_id, _), ks in zip(seeds, keys[len(labelled):]):
        examples.append(Example(ks, {label: float(label == code_id) for label in labels}))
    return examples, {"coded_turns": coded, "rejections": rejections, "seeds": len(seeds)}


def project_keyword_df(conn, codes, pipeline) -> dict[str, float]:
    """Share of the project's participant turns each common keyword occurs in (stored with the model)."""
    return keyword_df(RuleMatcher(codes, pipeline), [t.text for t in data.participant_turns(conn)])


def train_suggester(project, *, progress: Callable[[int, int, str], None] | None = None,
                    cancel: threading.Event | None = None) -> TrainReport:
    """Train the model on the project's human coding (or only the codebook) and store it."""
    started = time.perf_counter()
    conn = project.conn
    fingerprint, digest = data.change_fingerprint(conn), data.training_digest(conn)
    pipeline = load_pipeline(pipeline_name(project))
    codes = project.codes()
    if not codes:
        raise UserError(f"{project.path.name}: the project has no codes to suggest")
    labelled = data.labelled_turns(conn)
    if progress:
        progress(0, 1, f"reading {len(labelled)} turns")
    examples, counts = build_examples(pipeline, codes, labelled)
    kind = "coded" if counts["coded_turns"] else "seed"
    version = f"{kind}-{counts['coded_turns']}-{now()}-{uuid.uuid4().hex[:6]}"
    info = {"version": version, "fingerprint": fingerprint, "training_digest": digest,
            "pipeline": pipeline.name, **counts, "keyword_df": project_keyword_df(conn, codes, pipeline)}
    model = train(examples, [c.id for c in codes], info=info, progress=progress, cancel=cancel)
    name = f"{MODEL_NAME} ({pipeline.name})"
    if model is None:
        return TrainReport(name, "", len(examples), counts["coded_turns"], counts["rejections"],
                           len(codes), 0, round(time.perf_counter() - started, 3), cancelled=True)
    small = {k: v for k, v in model.info.items() if k != "version"}
    with project.transaction():
        store.save_model(conn, version, small, model.to_bytes())
    return TrainReport(name, version, len(examples), counts["coded_turns"], counts["rejections"],
                       len(codes), model.info["epochs"], round(time.perf_counter() - started, 3))


_DIGESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def stale(project) -> bool:
    """True when the training data (coding, rejections, the codebook) or the pipeline changed since training.

    Memos, stars, valence and other edits that training does not read leave
    the model current. Nothing changed at all: one cheap check (~1 ms);
    something changed: the training data's digest, once per change.
    """
    info = store.model_info(project.conn)
    if info is None or info.get("pipeline", BLANK) != pipeline_name(project):
        return True
    change = data.change_fingerprint(project.conn)
    if info.get("fingerprint") == change:
        return False
    if "training_digest" not in info:  # a model stored before digests: any change counts
        return True
    cached = _DIGESTS.get(project)
    if cached is None or cached[0] != change:
        cached = _DIGESTS[project] = (change, data.training_digest(project.conn))
    return cached[1] != info["training_digest"]
