"""The learned model: a spaCy ``textcat_multilabel`` bag-of-words classifier.

It reads a turn as its normalised, non-stop words (the same keys the rules
use), so word variants share weights. Training data are the project's coded
participant turns (1 for the codes given, 0 for the rest), rejected
suggestions (0 for that code only; other codes unknown), uncoded turns of
coded documents (all 0) and codebook seed texts (1 for their code). Beside the
weights it keeps, per code, the words most typical of it in the training data:
the evidence shown for a model suggestion.

Serialised as zlib-compressed spaCy bytes plus a JSON header, so it can live
inside the project file.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

#: 8,192 hash buckets: a project's vocabulary is a few thousand stems, and thinc's
#: sparse linear layer updates every bucket x code weight on each batch, so
#: training time grows with buckets.
ARCH = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
        "ngram_size": 1, "no_output_layer": False, "length": 8192}
NAME = "textcat_multilabel-bow"
LEARN_RATE = 0.02
L2 = 0.01  # mild weight decay; made little difference on the test projects
#: Example-updates per training run; epochs = this / examples, kept within [5, 20].
UPDATE_BUDGET = 24_000
#: Batches per epoch: at least 5 (small projects), at most 100 (batches grow past
#: 100 texts beyond 10,000 examples, since every batch updates every weight).
BATCHES_PER_EPOCH = 5
MAX_BATCHES_PER_EPOCH = 100
BATCH = 100
_EMPTY = "<empty>"


@dataclass
class Example:
    """One training text as normalised keys, with its known labels (code -> 0/1)."""

    keys: list[str]
    cats: dict[str, float]


@dataclass
class LearnedModel:
    """A trained classifier with its labels, evidence lexicon and provenance."""

    nlp: object
    labels: list[str]
    lexicon: dict[str, list[str]]
    info: dict = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.info.get("version", "?")

    def predict(self, key_lists: list[list[str]]):
        """Scores (a numpy array, one row per text, one column per label)."""
        from spacy.tokens import Doc

        textcat = self.nlp.get_pipe("textcat_multilabel")
        vocab = self.nlp.vocab
        docs = [Doc(vocab, words=keys or [_EMPTY]) for keys in key_lists]
        if not docs:
            import numpy

            return numpy.zeros((0, len(self.labels)), dtype="float32")
        return textcat.model.ops.to_numpy(textcat.model.predict(docs))

    def predict_hashes(self, hash_lists: list[list[int]]):
        """Like :meth:`predict`, from each text's keys as string hashes (a token's NORM is its key's hash).

        The bag-of-words model reads nothing from a Doc but its ORTH column, so
        ranking hands it that column instead of building a Doc per turn (a
        Doc cost more than the prediction). Same scores, bit for bit.
        """
        import numpy

        if not hash_lists:
            return numpy.zeros((0, len(self.labels)), dtype="float32")
        model = self.nlp.get_pipe("textcat_multilabel").model
        empty = self.nlp.vocab.strings.add(_EMPTY)
        return model.ops.to_numpy(model.predict([_OrthColumn(ids or [empty]) for ids in hash_lists]))

    def to_bytes(self) -> bytes:
        """JSON header line + zlib-compressed textcat weights."""
        weights = self.nlp.get_pipe("textcat_multilabel").to_bytes(exclude=["vocab"])
        header = json.dumps({"labels": self.labels, "lexicon": self.lexicon, "info": self.info,
                             "arch": ARCH}).encode()
        return header + b"\n" + zlib.compress(weights, 6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> LearnedModel:
        header, _, weights = blob.partition(b"\n")
        meta = json.loads(header)
        nlp = _blank(meta["arch"])
        nlp.get_pipe("textcat_multilabel").from_bytes(zlib.decompress(weights), exclude=["vocab"])
        return cls(nlp, meta["labels"], meta["lexicon"], meta["info"])


class _OrthColumn:
    """Stands in for a Doc where the TextCatBOW model reads it: ``doc.to_array([ORTH])``."""

    __slots__ = ("ids",)

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def to_array(self, attrs):
        import numpy
        from spacy.attrs import ORTH

        if list(attrs) != [ORTH]:
            raise ValueError(f"the bag-of-words model asked for attributes {attrs!r}, not ORTH")
        return numpy.asarray(self.ids, dtype="uint64").reshape(-1, 1)


def _blank(arch: dict | None = None):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("textcat_multilabel", config={"model": dict(arch or ARCH)})
    return nlp


def epochs_for(n: int) -> int:
    """Fewer passes over big data sets, more over small ones."""
    return max(5, min(20, UPDATE_BUDGET // max(n, 1)))


def batch_size(n: int) -> int:
    """Texts per batch for ``n`` examples (see BATCHES_PER_EPOCH)."""
    return max(8, min(n // BATCHES_PER_EPOCH, max(BATCH, -(-n // MAX_BATCHES_PER_EPOCH))))


def build_lexicon(examples: list[Example], labels: list[str], top: int = 25) -> dict[str, list[str]]:
    """Per label, the words whose share in its positive texts most exceeds their overall share."""
    df: Counter = Counter()
    pos_df: dict[str, Counter] = {label: Counter() for label in labels}
    n_pos: Counter = Counter()
    for ex in examples:
        keys = set(ex.keys)
        df.update(keys)
        for label, value in ex.cats.items():
            if value >= 0.5 and label in pos_df:
                pos_df[label].update(keys)
                n_pos[label] += 1
    n = len(examples)
    out = {}
    for label in labels:
        scored = []
        for key, k in pos_df[label].items():
            if len(key) < 3 or k < 2:  # one text is an anecdote, not a pattern
                continue
            lift = ((k + 0.1) / (n_pos[label] + 1)) / ((df[key] + 1) / (n + 1))
            if lift > 2:
                scored.append((lift * math.log1p(k), key))
        out[label] = [key for _, key in sorted(scored, reverse=True)[:top]]
    return out


def _truth(examples: list[Example], labels: list[str]):
    """Target and known-mask matrices (examples x labels); unknown labels get no gradient."""
    import numpy

    index = {label: j for j, label in enumerate(labels)}
    truth = numpy.zeros((len(examples), len(labels)), dtype="float32")
    known = numpy.zeros((len(examples), len(labels)), dtype="float32")
    for i, ex in enumerate(examples):
        for label, value in ex.cats.items():
            j = index.get(label)
            if j is not None:
                truth[i, j] = value
                known[i, j] = 1.0
    return truth, known


def train(examples: list[Example], labels: list[str], *, info: dict | None = None,
          epochs: int | None = None, seed: int = 0,
          progress: Callable[[int, int, str], None] | None = None,
          cancel: threading.Event | None = None) -> LearnedModel | None:
    """Train a classifier; None when cancelled. Deterministic for a given ``seed``.

    The loop drives the textcat's thinc model directly with precomputed
    target matrices and the same squared-error gradient spaCy's textcat uses
    (``scores - truth`` where the label is known): spaCy's ``update`` rebuilds
    those targets in Python on every batch, which cost more than the learning.
    """
    from spacy.tokens import Doc
    from spacy.training import Example as SpacyExample

    examples = [ex for ex in examples if ex.cats]
    if not examples:
        raise ValueError("nothing to train on")
    rng = random.Random(seed)
    started = time.perf_counter()
    nlp = _blank()
    textcat = nlp.get_pipe("textcat_multilabel")
    for label in labels:
        textcat.add_label(label)
    docs = [Doc(nlp.vocab, words=ex.keys or [_EMPTY]) for ex in examples]
    truth, known = _truth(examples, labels)
    sample = [SpacyExample.from_dict(docs[i], {"cats": examples[i].cats})
              for i in range(min(len(docs), 50))]
    optimizer = nlp.initialize(lambda: sample)
    optimizer.learn_rate = LEARN_RATE
    optimizer.L2 = L2
    optimizer.L2_is_weight_decay = True
    model = textcat.model
    epochs = epochs or epochs_for(len(docs))
    size = batch_size(len(docs))
    order = list(range(len(docs)))
    for epoch in range(epochs):
        if cancel is not None and cancel.is_set():
            return None
        rng.shuffle(order)
        loss = 0.0
        for b in range(0, len(order), size):
            idx = order[b:b + size]
            scores, backprop = model.begin_update([docs[i] for i in idx])
            d_scores = (model.ops.to_numpy(scores) - truth[idx]) * known[idx]
            loss += float((d_scores ** 2).sum())
            backprop(model.ops.asarray2f(d_scores))
            model.finish_update(optimizer)
        if progress:
            progress(epoch + 1, epochs, f"epoch {epoch + 1}/{epochs}, loss {loss / len(docs):.4f}")
    meta = dict(info or {})
    meta.update({"examples": len(docs), "epochs": epochs,
                 "seconds": round(time.perf_counter() - started, 3)})
    return LearnedModel(nlp, list(labels), build_lexicon(examples, labels), meta)
