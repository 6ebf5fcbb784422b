"""The spaCy pipeline the suggester tokenises with: blank English or an installed one.

spaCy is imported here, inside functions, so ``import evalbench.suggest`` stays
cheap. Nothing is ever downloaded: a configured pipeline is loaded only when
``spacy.util.is_package`` says it is installed; otherwise the user gets a
one-line error. Every lexeme's NORM is replaced by :func:`normalise`, so
PhraseMatcher patterns on ``NORM`` match word variants.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from evalbench.errors import UserError
from evalbench.offline import spacy_without_cli
from evalbench.suggest.normalise import normalise

spacy_without_cli()  # before any spaCy import: its command line would create a socket (evalbench.offline)

BLANK = "blank:en"
#: Meta key holding the name of an installed spaCy pipeline to tokenise with.
PIPELINE_KEY = "suggest.pipeline"


@dataclass
class Pipeline:
    """A loaded spaCy ``Language``, how to describe it in provenance, and its table of word keys.

    A Pipeline belongs to the thread that loaded it (:func:`load_pipeline`
    keeps one per thread), and so does its key table: no lock is needed, and
    the table grows only with the pipeline's vocabulary, as spaCy's own
    string store does.
    """

    nlp: Any
    name: str  # 'blank:en' or the package name
    version: str  # spaCy's version for blank, the package's version otherwise
    use_lemmas: bool = False
    #: NORM hash -> the matching key, or None for a token without a letter.
    _keys: dict[int, str | None] = field(default_factory=dict, repr=False)

    def doc(self, text: str) -> Any:
        """Tokenise ``text``; every token's NORM is its matching key."""
        doc = _lemma_norms(self.nlp(text)) if self.use_lemmas else self.nlp.make_doc(text)
        doc.user_data["text"] = text
        return doc

    def docs(self, texts: list[str]) -> Iterator[Any]:
        """Docs for many texts, streamed."""
        if not self.use_lemmas:
            return (self.doc(t) for t in texts)
        return (_keep_text(_lemma_norms(d), t) for d, t in zip(self.nlp.pipe(texts, batch_size=256), texts))

    def norm_keys(self, norms: list[int]) -> list[str | None]:
        """Each NORM hash's matching key, or None for a token without a letter."""
        keys = self._keys
        strings = self.nlp.vocab.strings
        for norm in set(norms).difference(keys):
            word = strings[norm]
            keys[norm] = word if any(ch.isalpha() for ch in word) else None
        return list(map(keys.__getitem__, norms))

    def doc_words(self, doc: Any) -> list[tuple[str, str, bool, int]]:
        """(surface, key, is_stop, char offset) for each token of a Doc that holds a letter.

        Reads token attributes as one array: creating a Token object per word cost
        more than tokenising.
        """
        text = doc_text(doc)
        norms, stops, starts, lengths = doc_columns(doc)
        return [
            (text[i : i + n], key, stop == 1, i)
            for key, stop, i, n in zip(self.norm_keys(norms), stops, starts, lengths)
            if key is not None
        ]


def _keep_text(doc: Any, text: str) -> Any:
    doc.user_data["text"] = text
    return doc


def _lemma_norms(doc: Any) -> Any:
    """With a real lemmatizer, key on the normalised lemma instead of the word."""
    for tok in doc:
        if tok.lemma_:
            tok.norm_ = normalise(tok.lemma_)
    return doc


def doc_columns(doc: Any) -> tuple[list[int], list[int], list[int], list[int]]:
    """Every token's NORM hash, IS_STOP (0/1), character offset and length: four lists, one ``to_array``."""
    from spacy.attrs import IDX, IS_STOP, LENGTH, NORM

    norms, stops, starts, lengths = doc.to_array([NORM, IS_STOP, IDX, LENGTH]).T.tolist()
    return norms, stops, starts, lengths


def doc_text(doc: Any) -> str:
    """The text a Doc was made from (kept in ``user_data`` by :meth:`Pipeline.doc`)."""
    return doc.user_data.get("text") or doc.text


def _install_norms(nlp: Any) -> None:
    from spacy.attrs import NORM

    nlp.vocab.lex_attr_getters[NORM] = normalise
    for lex in list(nlp.vocab):
        lex.norm_ = normalise(lex.orth_)


def _only_needed_attributes(nlp: Any) -> None:
    """Compute only the word attributes suggestions read (NORM, IS_STOP, LOWER) for each new word.

    spaCy fills some twenty attributes (shape, prefix, like_num, …) the first
    time it meets a word; nothing here reads them. Ranking 20,088 turns in a
    fresh process read its text in 3.2 s instead of 3.9 s CPU without them, with
    the same words, stop words and offsets. Only for blank English: an installed
    pipeline's components may read the others.
    """
    from spacy.attrs import IS_STOP, LOWER, NORM

    getters = nlp.vocab.lex_attr_getters
    for attr in [a for a in getters if a not in (NORM, IS_STOP, LOWER)]:
        del getters[attr]


_LOCAL = threading.local()


def load_pipeline(name: str | None = None) -> Pipeline:
    """The pipeline called ``name`` (blank English when None/'blank:en').

    Cached per thread: the TUI trains in a worker while the screen asks for
    suggestions, and a spaCy tokenizer's cache is not meant to be shared.
    """
    import spacy

    name = name or BLANK
    cache = _LOCAL.__dict__.setdefault("pipelines", {})
    if name in cache:
        return cache[name]
    if name == BLANK:
        pipe = Pipeline(spacy.blank("en"), BLANK, f"spacy {spacy.__version__}")
        _only_needed_attributes(pipe.nlp)
    else:
        if not spacy.util.is_package(name):
            raise UserError(
                f"spaCy pipeline {name!r} is not installed; evalbench never downloads "
                f"models: install it yourself or use {BLANK}"
            )
        try:
            nlp = spacy.load(name, exclude=["parser", "ner", "textcat", "textcat_multilabel"])
        except (OSError, ValueError) as exc:
            raise UserError(f"spaCy pipeline {name!r} could not be loaded: {exc}") from exc
        version = spacy.util.get_package_version(name) or nlp.meta.get("version", "?")
        pipe = Pipeline(nlp, name, f"{name} {version}", use_lemmas="lemmatizer" in nlp.pipe_names)
    _install_norms(pipe.nlp)
    cache[name] = pipe
    return pipe
