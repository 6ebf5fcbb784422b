"""Suggested codes for participant turns: codebook rules, a learned spaCy model, valence.

Everything runs offline on ``spacy.blank("en")`` (or a pipeline the user
installed and configured); nothing is downloaded and no socket is opened.
spaCy is imported lazily inside the modules that use it, so importing this
package is cheap. The :class:`evalbench.project.Project` methods in its
``# --- suggestions ---`` section delegate to :mod:`evalbench.suggest.service`.

Modules: ``normalise`` (word keys), ``nlp`` (pipeline loading), ``rules``
(PhraseMatcher over keywords), ``learned`` (textcat_multilabel), ``valence``
(barrier/facilitator cues), ``engine`` (ranking), ``data`` (training data from
the project), ``store`` (suggestions and models in SQLite), ``service``
(what Project calls), ``evaluate`` (cross-validation), ``synthetic`` (made-up coded
projects for tests and benchmarks).
"""
