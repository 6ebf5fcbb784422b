"""The words of texts already read, so that retraining and "more like this" do not tokenise them again.

One :class:`WordCache` belongs to one suggestion service (and so to one
Store and thread) and serves one (pipeline, codebook keywords) pair. Turn
texts never change after import, so the words of participant turns are
also kept in the project file (``turn_words``, :mod:`evalbench.store.turn_words`)
and a new process reads them from there instead of tokenising again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from evalbench.model import TurnText
from evalbench.suggest.features import WORDS_VERSION, TextWords, pack, read_texts, unpack

if TYPE_CHECKING:
    from evalbench.store.turn_words import TurnWords
    from evalbench.suggest.nlp import Pipeline
    from evalbench.suggest.rules import RuleMatcher

#: Texts whose words are remembered per service (turn texts never change; excerpts rarely).
WORDS_CACHE = 40_000


class WordCache:
    """Texts already read, by text, for one (pipeline, keywords) pair (see the module docstring).

    Locked, so that a caller may share it with its own helper threads.
    """

    def __init__(
        self, pipeline: Pipeline, matcher: RuleMatcher, turn_words: TurnWords | None = None, limit: int = WORDS_CACHE
    ) -> None:
        self.pipeline = pipeline
        self.matcher = matcher
        self.limit = limit
        self.reader = f"{pipeline.name}|{pipeline.version}|words {WORDS_VERSION}|keywords {matcher.version}"
        self._stored = turn_words
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

    def _remember(self, items: Iterable[tuple[str, TextWords]]) -> None:
        for t, w in items:
            self._words[t] = w
        while len(self._words) > self.limit:
            self._words.popitem(last=False)

    def turns(self, turns: list[TurnText]) -> list[TextWords]:
        """Words of participant turns: from memory, else from the project file, else read (and stored)."""
        with self._lock:
            known = {t.text: self._words[t.text] for t in turns if t.text in self._words}
        wanted = [t for t in turns if t.text not in known]
        if wanted and self._stored is not None:
            stored = self._stored.load([t.id for t in wanted], self.reader)
            for t in wanted:
                if t.id in stored:
                    known[t.text] = unpack(stored[t.id])
        unread = [t for t in turns if t.text not in known]
        if unread:
            texts = list(dict.fromkeys(t.text for t in unread))
            known.update(zip(texts, read_texts(self.pipeline, texts, self.matcher)))
            if self._stored is not None:  # a busy or read-only file just keeps them in memory
                packed = {text: pack(known[text]) for text in texts}
                self._stored.save([(t.id, self.reader, packed[t.text]) for t in unread])
        with self._lock:
            self._remember((t.text, known[t.text]) for t in turns[-self.limit :])
        return [known[t.text] for t in turns]
