"""What the ranker reads: a text's normalised words, its sentence windows, and TF-IDF vectors.

spaCy tokenises (the blank English pipeline, or one the user installed) and
every token's NORM is our normaliser's key (:mod:`evalbench.suggest.nlp`), so
"leaders", "Leadership" and "leader" are one feature. Stop words and tokens
without a letter are dropped. Sentences end at ``.``, ``?``, ``!`` (and ``…``)
tokens; a *window* is two consecutive sentences, about the size of a coded
excerpt, so that a code talked about in one part of a long turn is scored on
that part too (see :mod:`evalbench.suggest.ranker`).

Vectors are sublinear TF-IDF (``1 + log tf`` times a smoothed IDF), scaled to
unit length, as the rows of a scipy compressed-sparse-row matrix whose last
column is the constant 1 (the intercept).
"""

from __future__ import annotations

import itertools
import math
import struct
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from evalbench.suggest.nlp import Pipeline
    from evalbench.suggest.rules import Match, RuleMatcher

#: Rows of TF-IDF vectors: a ``scipy.sparse.csr_matrix`` (scipy ships no type information).
Rows = Any

#: Tokens that end a sentence.
SENTENCE_END = frozenset({".", "?", "!", "…", "...", "?!", "!?"})
#: Sentences per window.
WINDOW = 2


#: Version of :func:`pack`'s layout and of how words are read; a change makes stored words be read again.
WORDS_VERSION = 2
_HEAD = struct.Struct("<IIII")


@dataclass
class TextWords:
    """One text as the ranker reads it.

    ``keys`` are the normalised non-stop words in order; ``starts`` and
    ``lengths`` their character offsets in the text (for evidence);
    ``sentences`` the index into ``keys`` where each sentence starts.
    """

    keys: list[str]
    starts: array | list[int]
    lengths: array | list[int]
    sentences: list[int]
    #: Codebook keyword matches: (code, normalised phrase, start char, end char, tokens)
    #: (:meth:`evalbench.suggest.rules.RuleMatcher.raw_matches`), when read with a matcher.
    matches: list[Match] = field(default_factory=list)

    def windows(self, size: int = WINDOW) -> list[list[str]]:
        """Keys of each run of ``size`` consecutive sentences (one window for a short text)."""
        bounds = [*self.sentences, len(self.keys)]
        spans = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i + 1] > bounds[i]]
        if len(spans) <= size:  # the whole text is one window: its own row says it
            return []
        return [
            self.keys[spans[i][0] : spans[min(i + size, len(spans)) - 1][1]]
            for i in range(max(1, len(spans) - size + 1))
        ]


def pack(words: TextWords) -> bytes:
    """A compact byte form of ``words`` for the project file (~390 bytes for a 65-word turn, zlib level 1)."""
    keys = "\x1f".join(words.keys).encode("utf-8")
    starts = array("I", words.starts).tobytes()
    lengths = array("H", (min(n, 65535) for n in words.lengths)).tobytes()
    sentences = array("I", words.sentences).tobytes()
    matches = "\x1e".join("\x1f".join(map(str, m)) for m in words.matches).encode("utf-8")
    return zlib.compress(
        _HEAD.pack(len(keys), len(words.keys), len(words.sentences), len(matches))
        + keys
        + starts
        + lengths
        + sentences
        + matches,
        1,
    )


def unpack(blob: bytes) -> TextWords:
    """The words :func:`pack` stored."""
    blob = zlib.decompress(blob)
    n_bytes, n_keys, n_sentences, n_matches = _HEAD.unpack_from(blob)
    at = _HEAD.size
    # interned: 200,000 turns unpacked held 1.5 KB each of copies of the same few thousand words
    keys = list(map(sys.intern, blob[at : at + n_bytes].decode("utf-8").split("\x1f"))) if n_keys else []
    at += n_bytes
    starts = array("I", blob[at : at + 4 * n_keys])
    at += 4 * n_keys
    lengths = array("H", blob[at : at + 2 * n_keys])
    at += 2 * n_keys
    sentences = array("I", blob[at : at + 4 * n_sentences]).tolist()
    at += 4 * n_sentences
    matches = (
        [_match(m.split("\x1f")) for m in blob[at : at + n_matches].decode("utf-8").split("\x1e")] if n_matches else []
    )
    return TextWords(keys, starts, lengths, sentences, matches)


def _match(fields: list[str]) -> tuple[str, str, int, int, int]:
    code, phrase, start, end, tokens = fields
    return code, phrase, int(start), int(end), int(tokens)


def read_texts(pipeline: Pipeline, texts: Iterable[str], matcher: RuleMatcher | None = None) -> list[TextWords]:
    """Tokenise ``texts`` once with the project's pipeline (see the module notes).

    With a :class:`~evalbench.suggest.rules.RuleMatcher`, each text's keyword
    matches are found on the same tokens and kept.
    """
    from evalbench.suggest.nlp import doc_columns

    strings = pipeline.nlp.vocab.strings
    ends: dict[int, bool] = {}
    out = []
    for doc in pipeline.docs(list(texts)):
        columns = doc_columns(doc)
        norms, stops, starts, lengths = columns
        keys = pipeline.norm_keys(norms)
        words = TextWords([], [], [], [0], matcher.raw_matches(doc, columns) if matcher is not None else [])
        for norm, key, stop, start, length in zip(norms, keys, stops, starts, lengths):
            if key is None:
                end = ends.get(norm)
                if end is None:
                    end = ends[norm] = strings[norm] in SENTENCE_END
                if end and words.sentences[-1] != len(words.keys):
                    words.sentences.append(len(words.keys))
                continue
            if stop:
                continue
            words.keys.append(key)
            words.starts.append(start)
            words.lengths.append(length)
        if words.sentences[-1] == len(words.keys) and len(words.sentences) > 1:
            words.sentences.pop()
        words.starts = array("I", words.starts)  # a tenth of the memory of a list of ints
        words.lengths = array("I", words.lengths)
        out.append(words)
    return out


class Vocabulary:
    """Feature index and smoothed IDF of the words seen in training."""

    def __init__(self, terms: list[str], idf: list[float]) -> None:
        import numpy as np

        self.terms = terms
        self.index = {t: i for i, t in enumerate(terms)}
        self.idf = np.asarray(idf, dtype=np.float32)

    @classmethod
    def fit(cls, key_lists: Iterable[list[str]], min_df: int = 1) -> Vocabulary:
        """Words in at least ``min_df`` of the texts, IDF ``log((1 + n) / (1 + df)) + 1``."""
        df: Counter = Counter()
        n = 0
        for keys in key_lists:
            df.update(set(keys))
            n += 1
        terms = sorted(t for t, c in df.items() if c >= min_df)
        return cls(terms, [math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])

    @property
    def n_cols(self) -> int:
        """Features plus the intercept column."""
        return len(self.terms) + 1

    def rows(self, key_lists: Iterable[list[str]]) -> Rows:
        """Unit-length sublinear TF-IDF rows, each ending with the intercept column."""
        get = self.index.get
        return self._rows([[get(k, -1) for k in keys] for keys in key_lists])

    def text_rows(
        self, texts: list[TextWords], *, windows: bool = True
    ) -> tuple[Rows, Rows, NDArray[np.int64], list[tuple[int, int]]]:
        """Rows for whole texts and for their sentence windows, each window's text number and key span.

        A window's key span is (first key, one past the last key) in its text's ``keys``.
        """
        import numpy as np

        get = self.index.get
        whole: list[list[int]] = []
        parts: list[list[int]] = []
        owner: list[int] = []
        spans_out: list[tuple[int, int]] = []
        for i, words in enumerate(texts):
            ids = [get(k, -1) for k in words.keys]
            whole.append(ids)
            if not windows or len(words.sentences) <= WINDOW:
                continue
            bounds = [*words.sentences, len(ids)]
            spans = [(bounds[j], bounds[j + 1]) for j in range(len(bounds) - 1) if bounds[j + 1] > bounds[j]]
            for j in range(len(spans) - WINDOW + 1):
                first, last = spans[j][0], spans[j + WINDOW - 1][1]
                parts.append(ids[first:last])
                owner.append(i)
                spans_out.append((first, last))
        return self._rows(whole), self._rows(parts), np.asarray(owner, dtype=np.int64), spans_out

    def _rows(self, id_lists: list[list[int]]) -> Rows:
        """CSR rows from lists of feature ids (-1 for words outside the vocabulary)."""
        import numpy as np
        from scipy.sparse import csr_matrix

        n, bias = len(id_lists), len(self.terms)
        lengths = np.fromiter(map(len, id_lists), dtype=np.int64, count=n)
        flat = np.fromiter(itertools.chain.from_iterable(id_lists), dtype=np.int64, count=int(lengths.sum()))
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keep = flat >= 0
        pairs, counts = np.unique(owner[keep] * (bias + 1) + flat[keep], return_counts=True)
        row, col = pairs // (bias + 1), pairs % (bias + 1)
        val = (1.0 + np.log(counts)) * self.idf[col]
        norm = np.sqrt(np.bincount(row, weights=val * val, minlength=n))
        val = val / np.where(norm > 0, norm, 1.0)[row]
        per_row = np.bincount(row, minlength=n) + 1  # + the intercept column
        indptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int64)
        indices = np.full(int(indptr[-1]), bias, dtype=np.int32)
        data = np.ones(int(indptr[-1]), dtype=np.float32)
        at = np.arange(len(row)) + row  # each earlier row added one intercept entry
        indices[at] = col
        data[at] = val
        return csr_matrix((data, indices, indptr), shape=(n, self.n_cols))
