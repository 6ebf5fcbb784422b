"""Training data for the ranker, and cross-validation by document (for calibration and ``--evaluate``).

:func:`build` turns the project's labelled turns (:mod:`evalbench.suggest.data`)
and the codebook into :class:`~evalbench.suggest.ranker.Example` rows, reading
every text once. :func:`out_of_fold` trains one model per group of documents on
everything else and scores that group's coded turns, so every score comes from a
model that never saw the turn's interview: turns of one interview share its
words, people and stories, and splitting by turn would let a model recognise the
interview rather than the code (the sample study's evaluation used to split by
turn).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from evalbench.model import Code, TurnText
from evalbench.suggest import data
from evalbench.suggest.features import TextWords
from evalbench.suggest.ranker import Example, Ranker, train

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


@dataclass
class TrainingData:
    """Rows to learn from, and the coded turns to test on, with their documents."""

    labels: list[str]
    examples: list[Example]  #: seeds have no document
    keyword_df: dict[str, float] = field(default_factory=dict)  #: common keywords' share of turns
    #: Test items: participant turns of coded documents, coded or not (an uncoded turn makes every
    #: suggestion on it wrong, which honest confidence has to count).
    turns: list[TextWords] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    gold: list[set[str]] = field(default_factory=list)  #: their human codes (empty: uncoded)
    documents: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class TextReader(Protocol):
    """Reads texts as the ranker does (the suggestion service's :class:`~evalbench.suggest.service.WordCache`)."""

    def __call__(self, texts: list[str]) -> list[TextWords]:
        """Words of any texts (excerpts, codebook seeds)."""
        ...

    def turns(self, turns: list[TurnText]) -> list[TextWords]:
        """Words of participant turns (which the service also keeps in the project file)."""
        ...


def build(
    codes: list[Code], labelled: list[data.LabelledTurn], read: TextReader, keyword_df: dict[str, float] | None = None
) -> TrainingData:
    """Examples from coded turns, their excerpts, uncoded turns, rejections and codebook seeds.

    ``read`` tokenises with the project's pipeline and matches the codebook's
    keywords, remembering what it read, so that retraining does not tokenise
    the same turns again.
    """
    labels = [c.id for c in codes]
    known = set(labels)
    seeds = data.seed_texts(codes)
    excerpt_texts = [e.text for lt in labelled if lt.codes & known for e in lt.excerpts if e.codes & known]
    turn_words = read.turns([lt.turn for lt in labelled])
    other = read(excerpt_texts + [t for _, t in seeds])
    excerpt_words = iter(other[: len(excerpt_texts)])
    seed_words = other[len(excerpt_texts) :]
    out = TrainingData(labels, [], dict(keyword_df or {}))
    coded = rejections = excerpts = 0
    for lt, w in zip(labelled, turn_words):
        doc = lt.turn.document_id
        codes_here = frozenset(lt.codes & known)
        if codes_here:
            coded += 1
            out.examples.append(Example(w.keys, codes_here, None, 1.0, "turn", doc))
            for ex in lt.excerpts:
                if ex.codes & known:
                    excerpts += 1
                    out.examples.append(
                        Example(next(excerpt_words).keys, frozenset(ex.codes & known), None, 1.0, "excerpt", doc)
                    )
        elif lt.rejected & known:
            rejections += len(lt.rejected & known)
            out.examples.append(Example(w.keys, frozenset(), frozenset(lt.rejected & known), 1.0, "rejection", doc))
            continue
        else:
            out.examples.append(Example(w.keys, frozenset(), None, 1.0, "negative", doc))
        out.turns.append(w)
        out.texts.append(lt.turn.text)
        out.gold.append(set(codes_here))
        out.documents.append(doc)
    for (code_id, _), w in zip(seeds, seed_words):
        out.examples.append(Example(w.keys, frozenset({code_id}), None, 1.0, "seed", None))
    out.counts = {
        "coded_turns": coded,
        "excerpts": excerpts,
        "rejections": rejections,
        "seeds": len(seeds),
        "coded_documents": len({d for d, g in zip(out.documents, out.gold) if g}),
    }
    return out


#: Labelled turns read for training: beyond this an evenly spaced sample (in document order). The
#: ranker learns from at most 30,000 rows (ranker.MAX_ROWS), about what 8,000 turns and their
#: excerpts give; reading all 150,000 labelled turns of the 10x benchmark cost 1.6 GB and a minute.
MAX_LABELLED = 8000


def sample_turns(labelled: list[data.LabelledTurn], limit: int = MAX_LABELLED) -> list[data.LabelledTurn]:
    """At most ``limit`` labelled turns, evenly spaced through the project (all of them when fewer)."""
    if len(labelled) <= limit:
        return labelled
    step = len(labelled) / limit
    return [labelled[int(i * step)] for i in range(limit)]


def document_folds(documents: list[int], folds: int, seed: int = 0) -> dict[int, int]:
    """Document id -> fold number: documents shuffled with a fixed seed, dealt round-robin."""
    order = sorted(set(documents))
    random.Random(seed).shuffle(order)
    return {doc: i % folds for i, doc in enumerate(order)}


@dataclass
class OutOfFold:
    """Scores of every coded turn from a model that never saw its document."""

    logits: NDArray[np.float32]  #: (test items, codes): the learned model alone
    combined: NDArray[np.float32]  #: (test items, codes): model and keywords, as suggestions are ranked
    fold: list[int]  #: fold of each test item
    models: list[Ranker] = field(default_factory=list)


def out_of_fold(
    td: TrainingData,
    folds: int,
    *,
    max_rows: int | None = None,
    max_iter: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> OutOfFold | None:
    """Cross-validate by document (see the module notes); None when cancelled.

    ``max_rows`` caps each fold model's training rows (an evenly spaced
    sample, seeds kept) so that calibrating a large project costs little more
    than training it; such fold models know less than the full model, so the
    confidence they measure errs low, never high.
    """
    import numpy as np

    from evalbench.suggest.linear import MAX_ITER
    from evalbench.suggest.ranker import MAX_ROWS

    fold_of = document_folds(td.documents, folds)
    test_fold = [fold_of[d] for d in td.documents]
    logits = np.zeros((len(td.turns), len(td.labels)), dtype=np.float32)
    combined = np.zeros_like(logits)
    models = []
    for f in range(folds):
        if progress:
            progress(f, folds, f"checking on interviews held out, {f + 1} of {folds}")
        train_rows = [e for e in td.examples if e.document_id is None or fold_of.get(e.document_id) != f]
        model = train(
            train_rows,
            td.labels,
            info={"fold": f, "keyword_df": td.keyword_df},
            max_rows=max_rows or MAX_ROWS,
            max_iter=max_iter or MAX_ITER,
            cancel=cancel,
        )
        if model is None:
            return None
        models.append(model)
        test = [i for i, tf in enumerate(test_fold) if tf == f]
        if test:
            scores = model.scores([td.turns[i] for i in test])
            logits[test] = scores.logits
            combined[test] = scores.combined
    return OutOfFold(logits, combined, test_fold, models)
