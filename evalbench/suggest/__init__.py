"""Suggested codes for participant turns: a ranker that learns from the coding, honest confidence, valence.

Everything runs offline on ``spacy.blank("en")`` (or a pipeline the user
installed and configured); nothing is downloaded and no socket is opened.
spaCy, numpy and scipy are imported lazily inside the modules that use them,
so importing this package is cheap. ``project.suggest`` is a
:class:`~evalbench.suggest.service.SuggestService` over the project's Store
(its SQL lives in ``evalbench/store``: ``suggestions``, ``models``,
``training``, ``turn_words``, ``provenance``); the ``Project`` methods for
suggestions delegate to it.

Modules: ``normalise`` (word keys), ``nlp`` (pipeline loading), ``features``
(words, sentence windows, TF-IDF), ``linear`` (class-balanced logistic
regression), ``ranker`` (the trained model, its evidence), ``calibration``
(confidence measured by cross-validation), ``training`` (training rows,
cross-validation by document), ``engine`` (ranking candidates), ``data``
(training data from the project), ``service`` (what ``project.suggest``
is), ``wordcache`` (texts already read), ``similar`` ("more like this"),
``disclosure`` (AI assistance and agreement for a methods section),
``evaluate`` (``suggest --evaluate``), ``rules`` (keyword matching, the
baseline ``--evaluate`` compares with), ``valence`` (barrier/facilitator cues),
``synthetic`` (made-up coded projects for tests and benchmarks).
"""
