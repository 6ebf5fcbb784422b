""" "More like this": the participant turns most like a coded passage, to code them in a row.

Two things make a turn like a coding: it says similar things, and it fits the
code. *Similarity*: every participant turn of the project, and each run of two
sentences in it (:mod:`evalbench.suggest.features`), is a TF-IDF vector over
the project's own words (IDF from all its participant turns), compared with the
passage by cosine; a turn takes its best window or the whole turn, whichever is
closer, since a coded passage is usually a sentence or two of a longer answer.
*Fit*: the suggestion ranker's score for the coding's code on the turn
(learned model and keywords, 0–1). Turns are ordered by the sum of the two.
Measured on the sample study (codings of half the interviews as queries, the
other half's turns as candidates, the ranker trained without their coding;
160 queries): among the ten turns listed, the share a coder had given the same
code was 0.10 by similarity alone, 0.19 by fit alone, 0.19 by the sum, against
0.05 for turns taken at random. The sum keeps the passage's own words in play.

Turns the coder already coded with that code, or rejected it for, are left
out, and so is the coding's own turn. The evidence is the words the passage and
the turn share that weigh most in the similarity.

The index (vectors of every turn and window) is built once per suggestion
service and kept there (``SuggestService.similar_index``) until turns or the
pipeline change, so that asking again costs one
sparse product: over 20,000 turns a few milliseconds (the first call reads every
turn: see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evalbench.errors import UserError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from evalbench.store.store import Store
    from evalbench.suggest.features import TextWords, Vocabulary
    from evalbench.suggest.ranker import Ranker
    from evalbench.suggest.service import SuggestService

#: Shared words shown as evidence.
MAX_SHARED = 5
#: Turns read per batch while the index is built.
BATCH = 2000


@dataclass(frozen=True)
class SimilarTurn:
    """A participant turn like the coded passage, with where it is and why."""

    turn_id: int
    document_id: int
    document: str  #: document name
    who: str  #: participant label, else the document name
    seq: int  #: turn number in its document
    start: int
    end: int
    score: float  #: similarity + fit, the order of the list
    similarity: float  #: cosine similarity with the passage, 0–1
    fit: float  #: the ranker's score for the code on this turn, 0–1
    shared: tuple[str, ...]  #: the words that count most, as written in the turn
    text: str


@dataclass
class Index:
    """Vectors of every participant turn and of its two-sentence windows, and where each turn is."""

    key: tuple
    vocab: Vocabulary
    turn_ids: NDArray[np.int64]  #: one entry per participant turn
    document_ids: NDArray[np.int64]
    seqs: NDArray[np.int64]
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    whole: Any  #: scipy CSR rows (without the intercept column)
    windows: Any  #: scipy CSR rows of the windows
    owner: NDArray[np.int64]  #: turn number of each window
    fit_version: str | None = None  #: model version the fit scores come from
    fit: NDArray[np.float32] | None = None  #: (turns, codes) ranker scores
    fit_labels: list[str] = field(default_factory=list)


def _drop_intercept(rows: Any) -> Any:
    """Rows without their constant last column: similarity compares words only."""
    return rows[:, :-1].tocsr()


def to_coding(
    service: SuggestService,
    coding_id: int,
    *,
    limit: int = 20,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[SimilarTurn]:
    """The ``limit`` uncoded participant turns most like coding ``coding_id``'s passage, most alike first."""
    coding = service.store.codings.find(coding_id)
    if coding is None:
        raise UserError(
            f"{service.store.where}: no coding {coding_id} (`evalbench quotes` lists codings with their IDs)"
        )
    text = service.store.documents.text(coding.document_id)[coding.start : coding.end]
    index = build_index(service, progress=progress, cancel=cancel)
    if index is None:
        return []
    coder = service.store.coder
    skip = service.store.training.coded_turns(coding.code_id, coder) | service.store.suggestions.rejected_turns(
        coding.code_id, coder
    )
    own = (index.document_ids == coding.document_id) & (index.starts < coding.end) & (index.ends > coding.start)
    skip |= set(index.turn_ids[own].tolist())
    if not len(index.turn_ids):
        return []
    return rank(service, index, text, coding.code_id, skip, limit=limit)


def build_index(
    service: SuggestService,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> Index | None:
    """The project's similarity index, reused while its turns and pipeline stay the same (None if cancelled).

    Turns are read in batches and only their words and sentence starts kept
    until the vectors are built, so memory stays near the vectors' own size.
    """
    import numpy as np
    from scipy.sparse import vstack

    from evalbench.suggest.features import TextWords, Vocabulary

    key = (service.pipeline_name(), *service.store.turns.key())
    if service.similar_index is not None and service.similar_index.key == key:
        return service.similar_index
    turns = service.store.turns.participant_texts(with_text=False)
    suggester = service.engine()
    reader = service.words_reader(suggester.pipeline, list(suggester.codes.values()))
    kept: list[TextWords] = []
    fit = []
    for lo in range(0, len(turns), BATCH):  # one pass: the words, and the ranker's scores on them
        if cancel is not None and cancel.is_set():
            return None
        if progress:
            progress(lo, len(turns), "reading the participant turns")
        words = reader.turns(service.store.turns.with_texts(turns[lo : lo + BATCH]))
        fit.append(suggester.model.scores(words).combined)
        kept += [TextWords(w.keys, [], [], w.sentences) for w in words]
    vocab = Vocabulary.fit(w.keys for w in kept)
    wholes, parts, owners = [], [], []
    for lo in range(0, len(kept), BATCH):  # rows a batch at a time: building all at once took 1 GB more at 10x
        whole, windows, owner, _ = vocab.text_rows(kept[lo : lo + BATCH])
        wholes.append(_drop_intercept(whole))
        parts.append(_drop_intercept(windows))
        owners.append(owner + lo)
    del kept
    all_whole = vstack(wholes, format="csr") if wholes else _drop_intercept(vocab.rows([]))
    all_windows = vstack(parts, format="csr") if parts else all_whole[:0]
    all_owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)

    def column(name: str) -> NDArray[np.int64]:
        return np.array([getattr(t, name) for t in turns], dtype=np.int64)

    labels = list(suggester.model.labels)
    service.similar_index = Index(
        key,
        vocab,
        column("id"),
        column("document_id"),
        column("seq"),
        column("start"),
        column("end"),
        all_whole,
        all_windows,
        all_owner,
        suggester.model.version,
        np.vstack(fit) if fit else np.zeros((0, len(labels)), np.float32),
        labels,
    )
    return service.similar_index


def fit_scores(service: SuggestService, index: Index, code_id: str) -> NDArray[np.float32]:
    """The ranker's score for ``code_id`` on every turn of ``index`` (computed once per model)."""
    import numpy as np

    suggester = service.engine()
    model = suggester.model
    if index.fit_version != model.version or index.fit is None:
        reader = service.words_reader(suggester.pipeline, list(suggester.codes.values()))
        turns = service.store.turns.participant_texts(with_text=False)
        parts = [
            model.scores(reader.turns(service.store.turns.with_texts(turns[lo : lo + BATCH]))).combined
            for lo in range(0, len(turns), BATCH)
        ]
        index.fit = np.vstack(parts) if parts else np.zeros((0, len(model.labels)), np.float32)
        index.fit_labels = list(model.labels)
        index.fit_version = model.version
    if code_id not in index.fit_labels:
        return np.zeros(len(index.turn_ids), dtype=np.float32)
    return index.fit[:, index.fit_labels.index(code_id)]


def rank(
    service: SuggestService, index: Index, text: str, code_id: str, skip: set[int], *, limit: int
) -> list[SimilarTurn]:
    """Turns of ``index`` most like ``text`` and ``code_id``, leaving out the turn ids in ``skip``."""
    import numpy as np

    from evalbench.suggest.nlp import load_pipeline

    pipeline = load_pipeline(service.pipeline_name())
    reader = service.words_reader(pipeline, service.codes())
    (query_words,) = reader([text])
    query = _drop_intercept(index.vocab.rows([query_words.keys]))
    q = query.T.toarray().ravel()
    similarity = np.asarray(index.whole @ q).ravel()
    if index.windows.shape[0]:  # each turn's closest window (windows are in turn order)
        by_window = np.asarray(index.windows @ q).ravel()
        starts = np.flatnonzero(np.r_[True, index.owner[1:] != index.owner[:-1]])
        best = np.maximum.reduceat(by_window, starts)
        turns = index.owner[starts]
        similarity[turns] = np.maximum(similarity[turns], best)
    fit = fit_scores(service, index, code_id)
    scores = similarity + fit
    if skip:
        scores[np.isin(index.turn_ids, list(skip))] = -np.inf
    top = np.argpartition(-scores, limit)[:limit] if len(scores) > limit else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    order = [i for i in top.tolist() if np.isfinite(scores[i]) and scores[i] > 0]
    if not order:
        return []
    found = {t.id: t for t in service.store.turns.participant_texts(turn_ids=[int(index.turn_ids[i]) for i in order])}
    words = dict(zip(found, reader.turns(list(found.values()))))
    who = _who(service.store)
    out = []
    for i in order:
        t = found.get(int(index.turn_ids[i]))
        if t is None:  # removed since the index was built
            continue
        name, participant = who.get(t.document_id, ("", None))
        out.append(
            SimilarTurn(
                t.id,
                t.document_id,
                name,
                participant or name,
                t.seq,
                t.start,
                t.end,
                round(float(scores[i]), 4),
                round(float(similarity[i]), 4),
                round(float(fit[i]), 4),
                _shared(index, i, q, t.text, words[t.id]),
                t.text,
            )
        )
    return out


def _who(store: Store) -> dict[int, tuple[str, str | None]]:
    return {d.id: (d.name, d.participant) for d in store.documents.list()}


def like_passage(service: SuggestService, model: Ranker, code_id: str, text: str, *, limit: int = 200) -> str | None:
    """Evidence when no word stands out: the coded passage of ``code_id`` most like ``text``.

    Returned in the user's words, ``like P03 “we never had protected…”``; None
    when the code has no human coding yet. Reads at most the ``limit`` newest
    codings of the code.
    """
    from evalbench.store.describe import first_words
    from evalbench.suggest.nlp import load_pipeline

    rows = service.store.training.coded_passages(code_id, limit=limit)
    if not rows:
        return None
    pipeline = load_pipeline(service.pipeline_name())
    words = service.words_reader(pipeline, service.codes())([text] + [r[1] for r in rows])
    vectors = _drop_intercept(model.vocab.rows(w.keys for w in words))
    sims = (vectors[1:] @ vectors[0].T).toarray().ravel()
    best = int(sims.argmax())
    doc, passage = rows[best]
    who = _who(service.store).get(doc, ("", None))
    return f"like {who[1] or who[0]} {first_words(passage, words=6, chars=48)}"


def _shared(index: Index, i: int, q: Any, text: str, words: TextWords) -> tuple[str, ...]:
    """The words of turn ``i`` that add most to its similarity with the query vector ``q``, as written."""
    row = index.whole[i]
    gain = row.data * q[row.indices]
    first: dict[str, int] = {}
    for n, key in enumerate(words.keys):
        first.setdefault(key, n)
    out = []
    for o in gain.argsort()[::-1][:MAX_SHARED]:
        if gain[o] <= 0:
            break
        at = first.get(index.vocab.terms[int(row.indices[o])])
        if at is not None:
            out.append(text[words.starts[at] : words.starts[at] + words.lengths[at]])
    return tuple(out)
