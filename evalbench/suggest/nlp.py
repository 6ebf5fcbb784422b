"""The spaCy pipeline the suggester tokenises with: blank English or an installed one.

spaCy is imported here, inside functions, so ``import evalbench.suggest`` stays
cheap. Nothing is ever downloaded: a configured pipeline is loaded only when
``spacy.util.is_package`` says it is installed; otherwise the user gets a
one-line error. Every lexeme's NORM is replaced by :func:`normalise`, so
PhraseMatcher patterns on ``NORM`` match word variants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evalbench.errors import UserError
from evalbench.suggest.normalise import normalise

BLANK = "blank:en"
#: Meta key holding the name of an installed spaCy pipeline to tokenise with.
PIPELINE_KEY = "suggest.pipeline"


@dataclass
class Pipeline:
    """A loaded spaCy ``Language`` and how to describe it in provenance."""

    nlp: Any
    name: str  # 'blank:en' or the package name
    version: str  # spaCy's version for blank, the package's version otherwise
    use_lemmas: bool = False

    def doc(self, text: str):
        """Tokenise ``text``; every token's NORM is its matching key."""
        if not self.use_lemmas:
            return self.nlp.make_doc(text)
        return _lemma_norms(self.nlp(text))

    def docs(self, texts: list[str]):
        """Docs for many texts, streamed."""
        if not self.use_lemmas:
            return (self.nlp.make_doc(t) for t in texts)
        return (_lemma_norms(d) for d in self.nlp.pipe(texts, batch_size=256))


def _lemma_norms(doc):
    """With a real lemmatizer, key on the normalised lemma instead of the word."""
    for tok in doc:
        if tok.lemma_:
            tok.norm_ = normalise(tok.lemma_)
    return doc


def doc_words(doc) -> list[tuple[str, str, bool, int]]:
    """(surface, key, is_stop, char offset) for each token of a Doc that holds a letter."""
    out = []
    for tok in doc:
        text = tok.text
        if text.isalpha() or any(ch.isalpha() for ch in text):
            out.append((text, tok.norm_, tok.is_stop, tok.idx))
    return out


def _install_norms(nlp) -> None:
    from spacy.attrs import NORM

    nlp.vocab.lex_attr_getters[NORM] = normalise
    for lex in list(nlp.vocab):
        lex.norm_ = normalise(lex.orth_)


_CACHE: dict[str, Pipeline] = {}


def load_pipeline(name: str | None = None) -> Pipeline:
    """The pipeline called ``name`` (blank English when None/'blank:en'), cached per process."""
    import spacy

    name = name or BLANK
    if name in _CACHE:
        return _CACHE[name]
    if name == BLANK:
        pipe = Pipeline(spacy.blank("en"), BLANK, f"spacy {spacy.__version__}")
    else:
        if not spacy.util.is_package(name):
            raise UserError(f"spaCy pipeline {name!r} is not installed; evalbench never downloads "
                            f"models: install it yourself or use {BLANK}")
        try:
            nlp = spacy.load(name, exclude=["parser", "ner", "textcat", "textcat_multilabel"])
        except (OSError, ValueError) as exc:
            raise UserError(f"spaCy pipeline {name!r} could not be loaded: {exc}") from exc
        version = spacy.util.get_package_version(name) or nlp.meta.get("version", "?")
        pipe = Pipeline(nlp, name, f"{name} {version}", use_lemmas="lemmatizer" in nlp.pipe_names)
    _install_norms(pipe.nlp)
    _CACHE[name] = pipe
    return pipe
